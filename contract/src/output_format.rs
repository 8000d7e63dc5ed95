//! The formats a kind's outputs are written in. The generator reads them from `[[images.outputs]] format`, the
//! resizer encodes them, and the upload function names the main output's extension in its response.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Jpeg,
    Webp,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 2] = [OutputFormat::Jpeg, OutputFormat::Webp];

    /// The name in the config and in the settings (`jpeg`, `webp`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Webp => "webp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The extension of the output's key (`jpg`, `webp`).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for format in OutputFormat::ALL {
            assert_eq!(OutputFormat::parse(format.name()), Some(format));
            let json = serde_json::to_string(&format).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", format.name()));
        }
        assert_eq!(OutputFormat::parse("gif"), None);
    }
}
