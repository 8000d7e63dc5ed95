//! The source formats the pipeline accepts. The generator lists a kind's allowed types (in the settings, by
//! [`ImageType::name`]); the upload function binds the upload to one MIME type; the resizer sniffs the bytes
//! and refuses any type that is not on the list, whatever the client claimed.

/// Serialised by [`ImageType::name`] (`"jpeg"`), as the settings carry it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ImageType {
    Gif,
    Jpeg,
    Png,
    Webp,
}

impl ImageType {
    pub const ALL: [ImageType; 4] = [
        ImageType::Jpeg,
        ImageType::Png,
        ImageType::Webp,
        ImageType::Gif,
    ];

    pub fn mime(self) -> &'static str {
        match self {
            ImageType::Gif => "image/gif",
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Webp => "image/webp",
        }
    }

    /// The lowercase name used in settings and log lines.
    pub fn name(self) -> &'static str {
        match self {
            ImageType::Gif => "gif",
            ImageType::Jpeg => "jpeg",
            ImageType::Png => "png",
            ImageType::Webp => "webp",
        }
    }

    pub fn from_mime(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.mime() == s)
    }

    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }

    /// `jpeg,png` for a list (the settings value), in the given order.
    pub fn join(types: &[ImageType]) -> String {
        types.iter().map(|t| t.name()).collect::<Vec<_>>().join(",")
    }

    /// Parses [`ImageType::join`]'s output; `Err` names the first unknown entry.
    pub fn parse_list(s: &str) -> Result<Vec<ImageType>, String> {
        s.split(',')
            .map(str::trim)
            .map(|name| Self::from_name(name).ok_or_else(|| name.to_owned()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_mime_types_round_trip() {
        for t in ImageType::ALL {
            assert_eq!(ImageType::from_mime(t.mime()), Some(t));
            assert_eq!(ImageType::from_name(t.name()), Some(t));
        }
        let list = [ImageType::Jpeg, ImageType::Webp];
        assert_eq!(ImageType::join(&list), "jpeg,webp");
        assert_eq!(ImageType::parse_list("jpeg,webp"), Ok(list.to_vec()));
        assert_eq!(ImageType::parse_list("jpeg,tiff"), Err("tiff".to_owned()));
    }
}
