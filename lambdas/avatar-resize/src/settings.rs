//! The function's configuration, read once at cold start from the environment variables that the generator
//! emits (`generator/src/stack/functions.rs`). Every problem is reported at once, naming the variable, so a bad
//! deploy fails at its first invocation with a clear log line instead of mid-way through an image.

use crate::imaging::{Limits, OutputFormat, OutputSpec};

/// One image kind: where its originals arrive and where its output goes. Today there is one kind, the avatar;
/// the handler is written against this type so more kinds only change how settings are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    /// In the uploads bucket, e.g. `avatars/original/`; the user id is the rest of the key.
    pub originals_prefix: String,
    /// In the assets bucket, e.g. `avatars/`; the output key is `<prefix><user id>.<ext>`.
    pub output_prefix: String,
    pub output: OutputSpec,
    pub cache_control: String,
}

impl Kind {
    /// The user id an originals key belongs to, or `None` when the key is not one of this kind's originals.
    pub fn user_id<'k>(&self, key: &'k str) -> Option<&'k str> {
        let rest = key.strip_prefix(&self.originals_prefix)?;
        (!rest.is_empty() && !rest.contains('/')).then_some(rest)
    }

    pub fn output_key(&self, user_id: &str) -> String {
        format!(
            "{}{user_id}.{}",
            self.output_prefix,
            self.output.format.extension()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub assets_bucket: String,
    pub kind: Kind,
    pub limits: Limits,
    /// Originals larger than this are refused before they are downloaded.
    pub max_input_bytes: u64,
    /// When set, each written avatar's path is invalidated on this distribution.
    pub distribution_id: Option<String>,
}

/// Every variable that was missing or invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .problems.join("; "))]
pub struct SettingsError {
    pub problems: Vec<String>,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the process environment in production, a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let mut problems = Vec::new();
        let mut required = |name: &str| match lookup(name) {
            Some(value) if !value.trim().is_empty() => Some(value),
            _ => {
                problems.push(format!("{name} is not set"));
                None
            }
        };
        let assets_bucket = required("ASSETS_BUCKET");
        let originals_prefix = required("ORIGINALS_PREFIX");
        let output_prefix = required("OUTPUT_PREFIX");
        let cache_control = required("AVATAR_CACHE_CONTROL");
        let size = required("AVATAR_SIZE");
        let quality = required("AVATAR_QUALITY");
        let format = required("AVATAR_FORMAT");
        let background = required("AVATAR_BACKGROUND");
        let max_input_bytes = required("MAX_INPUT_BYTES");
        let max_pixels = required("MAX_PIXELS");
        let max_dimension = required("MAX_DIMENSION");
        let distribution_id =
            lookup("CLOUDFRONT_DISTRIBUTION_ID").filter(|id| !id.trim().is_empty());

        let size = number(&mut problems, "AVATAR_SIZE", size, 16, 4096);
        let quality = number(&mut problems, "AVATAR_QUALITY", quality, 1, 100);
        let max_input_bytes = number(
            &mut problems,
            "MAX_INPUT_BYTES",
            max_input_bytes,
            1,
            1 << 32,
        );
        let max_pixels = number(&mut problems, "MAX_PIXELS", max_pixels, 1, 1_000_000_000);
        let max_dimension = number(&mut problems, "MAX_DIMENSION", max_dimension, 16, 65_535);
        let format = format.and_then(|value| {
            OutputFormat::parse(&value).or_else(|| {
                problems.push(format!(
                    "AVATAR_FORMAT is {value:?}; allowed: \"jpeg\", \"webp\""
                ));
                None
            })
        });
        let background = background.and_then(|value| {
            parse_hex_colour(&value).or_else(|| {
                problems.push(format!("AVATAR_BACKGROUND is {value:?}; allowed: #rrggbb"));
                None
            })
        });
        for (name, prefix) in [
            ("ORIGINALS_PREFIX", &originals_prefix),
            ("OUTPUT_PREFIX", &output_prefix),
        ] {
            if let Some(prefix) = prefix.as_deref().filter(|p| !p.ends_with('/')) {
                problems.push(format!("{name} is {prefix:?}; it must end with '/'"));
            }
        }
        match (
            assets_bucket,
            originals_prefix,
            output_prefix,
            cache_control,
            size,
            quality,
            format,
            background,
            max_input_bytes,
            max_pixels,
            max_dimension,
        ) {
            (
                Some(assets_bucket),
                Some(originals_prefix),
                Some(output_prefix),
                Some(cache_control),
                Some(size),
                Some(quality),
                Some(format),
                Some(background),
                Some(max_input_bytes),
                Some(max_pixels),
                Some(max_dimension),
            ) if problems.is_empty() => Ok(Settings {
                assets_bucket,
                kind: Kind {
                    originals_prefix,
                    output_prefix,
                    output: OutputSpec {
                        width: size as u32,
                        height: size as u32,
                        format,
                        quality: quality as u8,
                        background,
                    },
                    cache_control,
                },
                limits: Limits {
                    max_dimension: max_dimension as u32,
                    max_pixels,
                },
                max_input_bytes,
                distribution_id,
            }),
            _ => Err(SettingsError { problems }),
        }
    }
}

fn number(
    problems: &mut Vec<String>,
    name: &str,
    value: Option<String>,
    min: u64,
    max: u64,
) -> Option<u64> {
    let value = value?;
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            problems.push(format!(
                "{name} is {value:?}; allowed: an integer in {min}..={max}"
            ));
            None
        }
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
    use std::collections::HashMap;

    use super::*;

    fn generated() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("ASSETS_BUCKET", "cruddur-dev-assets"),
            ("AVATAR_BACKGROUND", "#ffffff"),
            ("AVATAR_CACHE_CONTROL", "public, max-age=86400"),
            ("AVATAR_FORMAT", "jpeg"),
            ("AVATAR_QUALITY", "80"),
            ("AVATAR_SIZE", "512"),
            ("CLOUDFRONT_DISTRIBUTION_ID", "E2EXAMPLE"),
            ("MAX_INPUT_BYTES", "5242880"),
            ("MAX_PIXELS", "50000000"),
            ("MAX_DIMENSION", "16384"),
            ("ORIGINALS_PREFIX", "avatars/original/"),
            ("OUTPUT_PREFIX", "avatars/"),
        ])
    }

    fn read(vars: &HashMap<&str, &str>) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned()))
    }

    #[test]
    fn reads_what_the_generator_emits() {
        let settings = read(&generated()).unwrap();
        assert_eq!(settings.kind.output, OutputSpec::avatar());
        assert_eq!(settings.distribution_id.as_deref(), Some("E2EXAMPLE"));
        assert_eq!(settings.kind.output_key("abc"), "avatars/abc.jpg");
        assert_eq!(settings.kind.user_id("avatars/original/abc"), Some("abc"));
        assert_eq!(settings.kind.user_id("avatars/abc.jpg"), None);
        assert_eq!(settings.kind.user_id("avatars/original/"), None);
        assert_eq!(settings.kind.user_id("avatars/original/a/b"), None);
    }

    #[test]
    fn reports_every_bad_variable_by_name() {
        let mut vars = generated();
        vars.remove("ASSETS_BUCKET");
        vars.insert("AVATAR_SIZE", "huge");
        vars.insert("AVATAR_FORMAT", "gif");
        vars.insert("AVATAR_BACKGROUND", "white");
        vars.insert("OUTPUT_PREFIX", "avatars");
        let err = read(&vars).unwrap_err();
        assert_eq!(err.problems.len(), 5, "{err}");
        for name in [
            "ASSETS_BUCKET",
            "AVATAR_SIZE",
            "AVATAR_FORMAT",
            "AVATAR_BACKGROUND",
            "OUTPUT_PREFIX",
        ] {
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn an_empty_distribution_id_means_no_invalidation() {
        let mut vars = generated();
        vars.insert("CLOUDFRONT_DISTRIBUTION_ID", "");
        assert_eq!(read(&vars).unwrap().distribution_id, None);
    }
}
