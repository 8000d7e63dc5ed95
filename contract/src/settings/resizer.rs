//! A kind's resizer: where its originals arrive, what it makes of each, and the limits on what it decodes.

use serde::{Deserialize, Serialize};

use super::{check_prefix, check_range, check_set, check_types, FunctionSettings};
use crate::limits::{self, MAX_OUTPUTS_PER_KIND, MAX_OUTPUT_PIXELS};
use crate::{ImageType, OutputFormat};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResizerSettings {
    /// `avatar`, `banner`, … (for logs).
    pub kind: String,
    pub assets_bucket: String,
    /// In the uploads bucket, e.g. `avatars/original/`; the user id is the rest of the key.
    pub originals_prefix: String,
    /// In the assets bucket, e.g. `avatars/`; an output's key is `<prefix><user id><suffix>.<ext>`.
    pub output_prefix: String,
    /// 1..=[`MAX_OUTPUTS_PER_KIND`], the main output first; all are written, or none.
    pub outputs: Vec<OutputSettings>,
    /// Formats each JPEG output is also written in, beside it under the same name with the format's extension
    /// (`avatars/<sub>.webp` beside `avatars/<sub>.jpg`), at [`crate::delivery::alternate_quality`]; the CDN
    /// serves one of them instead of the JPEG to a client whose `Accept` names it
    /// ([`crate::delivery::negotiation_rule`]).
    #[serde(default)]
    pub alternate_formats: Vec<OutputFormat>,
    /// `#rrggbb`: what transparent pixels are flattened onto for JPEG.
    pub background: String,
    /// The outputs' `Cache-Control`.
    pub cache_control: String,
    /// The source types the resizer decodes; anything else is refused by its bytes.
    pub allowed_types: Vec<ImageType>,
    /// Originals larger than this are refused before they are downloaded.
    pub max_input_bytes: u64,
    pub max_pixels: u64,
    pub max_dimension: u32,
    /// When set, each written output's path is invalidated on this distribution.
    pub distribution_id: Option<String>,
    /// The per-user counters' table (shared with upload-url); each original costs one resize before it is read.
    pub quota_table: String,
    /// Originals of one user decoded per hour, every kind together; the rest are deleted unread.
    pub resizes_per_user_per_hour: u32,
}

/// One output of a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSettings {
    pub width: u32,
    pub height: u32,
    pub format: OutputFormat,
    pub quality: u8,
    /// Between the user id and the extension: `""` for the main output.
    pub suffix: String,
}

impl FunctionSettings for ResizerSettings {
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        check_set(&mut problems, "kind", &self.kind);
        check_set(&mut problems, "assets_bucket", &self.assets_bucket);
        check_set(&mut problems, "cache_control", &self.cache_control);
        check_prefix(&mut problems, "originals_prefix", &self.originals_prefix);
        check_prefix(&mut problems, "output_prefix", &self.output_prefix);
        if self.outputs.is_empty() || self.outputs.len() > MAX_OUTPUTS_PER_KIND {
            problems.push(format!(
                "outputs has {} entries; allowed: 1..={MAX_OUTPUTS_PER_KIND}",
                self.outputs.len()
            ));
        }
        let mut files = Vec::new();
        let mut sizes = Vec::new();
        for (i, output) in self.outputs.iter().enumerate() {
            let field = format!("outputs[{i}]");
            check_range(
                &mut problems,
                &format!("{field}.width"),
                output.width,
                limits::OUTPUT_EDGE,
            );
            check_range(
                &mut problems,
                &format!("{field}.height"),
                output.height,
                limits::OUTPUT_EDGE,
            );
            if u64::from(output.width) * u64::from(output.height) > MAX_OUTPUT_PIXELS {
                problems.push(format!(
                    "{field} is {}×{}; allowed: at most {MAX_OUTPUT_PIXELS} pixels",
                    output.width, output.height
                ));
            }
            check_range(
                &mut problems,
                &format!("{field}.quality"),
                output.quality,
                limits::OUTPUT_QUALITY,
            );
            if !limits::is_output_suffix(&output.suffix) || (i == 0 && !output.suffix.is_empty()) {
                problems.push(format!(
                    "{field}.suffix is {:?}; allowed: up to {} of a-z0-9_-, \"\" for the first output",
                    output.suffix,
                    limits::MAX_SUFFIX_LEN
                ));
            }
            let file = format!("{}.{}", output.suffix, output.format.extension());
            if files.contains(&file) {
                problems.push(format!(
                    "{field} has the same suffix and format as an earlier output"
                ));
            }
            files.push(file);
            // Versioned copies are named by size and format (crate::delivery::versioned_key).
            let sized = (output.width, output.height, output.format);
            if sizes.contains(&sized) {
                problems.push(format!(
                    "{field} has the same size and format as an earlier output (their versioned copies would share a key)"
                ));
            }
            sizes.push(sized);
        }
        problems.extend(crate::delivery::alternate_clashes(
            &self.outputs,
            &self.alternate_formats,
        ));
        if parse_hex_colour(&self.background).is_none() {
            problems.push(format!(
                "background is {:?}; allowed: #rrggbb",
                self.background
            ));
        }
        check_types(&mut problems, "allowed_types", &self.allowed_types);
        check_range(
            &mut problems,
            "max_input_bytes",
            self.max_input_bytes,
            limits::UPLOAD_BYTES,
        );
        check_range(
            &mut problems,
            "max_pixels",
            self.max_pixels,
            limits::SOURCE_PIXELS,
        );
        check_range(
            &mut problems,
            "max_dimension",
            self.max_dimension,
            limits::SOURCE_EDGE,
        );
        if self
            .distribution_id
            .as_deref()
            .is_some_and(|id| id.trim().is_empty())
        {
            problems.push("distribution_id is empty; leave it out for no invalidation".to_owned());
        }
        check_set(&mut problems, "quota_table", &self.quota_table);
        check_range(
            &mut problems,
            "resizes_per_user_per_hour",
            self.resizes_per_user_per_hour,
            limits::RESIZES_PER_USER_PER_HOUR,
        );
        problems
    }
}

/// `#rrggbb` → `[r, g, b]`.
pub fn parse_hex_colour(value: &str) -> Option<[u8; 3]> {
    let hex = value.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::settings::{parse, SettingsError};

    fn avatar() -> ResizerSettings {
        ResizerSettings {
            kind: "avatar".to_owned(),
            assets_bucket: "cruddur-dev-assets".to_owned(),
            originals_prefix: "avatars/original/".to_owned(),
            output_prefix: "avatars/".to_owned(),
            outputs: vec![OutputSettings {
                width: 512,
                height: 512,
                format: OutputFormat::Jpeg,
                quality: 80,
                suffix: String::new(),
            }],
            alternate_formats: vec![OutputFormat::Webp],
            background: "#ffffff".to_owned(),
            cache_control: "public, max-age=300".to_owned(),
            allowed_types: vec![ImageType::Jpeg, ImageType::Png],
            max_input_bytes: 5 << 20,
            max_pixels: 50_000_000,
            max_dimension: 16_384,
            distribution_id: Some("E2EXAMPLE".to_owned()),
            quota_table: "cruddur-dev-upload-quota".to_owned(),
            resizes_per_user_per_hour: 60,
        }
    }

    #[test]
    fn a_valid_document_round_trips() {
        let json = serde_json::to_string(&avatar()).unwrap();
        assert_eq!(parse::<ResizerSettings>(&json), Ok(avatar()));
    }

    #[test]
    fn every_broken_rule_is_named() {
        let mut bad = avatar();
        bad.output_prefix = "avatars".to_owned();
        bad.outputs[0].width = 9;
        bad.outputs[0].suffix = "/..".to_owned();
        bad.background = "white".to_owned();
        bad.max_input_bytes = 0;
        let json = serde_json::to_string(&bad).unwrap();
        let Err(SettingsError::Invalid(problems)) = parse::<ResizerSettings>(&json) else {
            panic!("accepted {json}")
        };
        let text = problems.join("\n");
        for field in [
            "output_prefix",
            "outputs[0].width",
            "outputs[0].suffix",
            "background",
            "max_input_bytes",
        ] {
            assert!(text.contains(field), "{field} not named in:\n{text}");
        }
        assert_eq!(problems.len(), 5, "{text}");
    }

    #[test]
    fn unknown_and_missing_fields_are_refused() {
        let mut value = serde_json::to_value(avatar()).unwrap();
        value["size"] = 512.into();
        let err = parse::<ResizerSettings>(&value.to_string()).unwrap_err();
        assert!(err.to_string().contains("unknown field `size`"), "{err}");
        let mut value = serde_json::to_value(avatar()).unwrap();
        value.as_object_mut().unwrap().remove("assets_bucket");
        let err = parse::<ResizerSettings>(&value.to_string()).unwrap_err();
        assert!(
            err.to_string().contains("missing field `assets_bucket`"),
            "{err}"
        );
    }
}
