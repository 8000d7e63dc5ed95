//! The function's configuration, read once at cold start from the environment variables that the generator
//! emits (`generator/src/stack/functions.rs`). Every problem is reported at once, naming the variable, so a bad
//! deploy fails at its first invocation with a clear log line instead of mid-way through an image.

use pipeline_contract::memory::decode_budget;
use pipeline_contract::ImageType;

use crate::imaging::{Limits, OutputFormat, OutputSpec, SourceFormats};

/// The image kind this function serves (each kind has its own function, so its role is scoped to its
/// prefixes): where its originals arrive and the outputs made from each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    /// `avatar`, `banner`, … (for logs).
    pub name: String,
    /// In the uploads bucket, e.g. `avatars/original/`; the user id is the rest of the key.
    pub originals_prefix: String,
    /// In the assets bucket, e.g. `avatars/`; an output's key is `<prefix><user id><suffix>.<ext>`.
    pub output_prefix: String,
    /// At least one; all are written, or none.
    pub outputs: Vec<Output>,
    pub cache_control: String,
}

/// One output of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Between the user id and the extension (`""` for the main output).
    pub suffix: String,
    pub spec: OutputSpec,
}

impl Kind {
    /// The user id an originals key belongs to, or `None` when the key is not one of this kind's originals.
    pub fn user_id<'k>(&self, key: &'k str) -> Option<&'k str> {
        let rest = key.strip_prefix(&self.originals_prefix)?;
        (!rest.is_empty() && !rest.contains('/')).then_some(rest)
    }

    pub fn output_key(&self, user_id: &str, output: &Output) -> String {
        format!(
            "{}{user_id}{}.{}",
            self.output_prefix,
            output.suffix,
            output.spec.format.extension()
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
        // `OUTPUTS` (every kind, from the generator) or, as before image kinds, one square `AVATAR_SIZE` output.
        let outputs_spec = lookup("OUTPUTS").filter(|v| !v.trim().is_empty());
        let legacy = outputs_spec.is_none();
        let mut required_legacy = |name: &str| if legacy { required(name) } else { None };
        let size = required_legacy("AVATAR_SIZE");
        let quality = required_legacy("AVATAR_QUALITY");
        let format = required_legacy("AVATAR_FORMAT");
        let background = required("AVATAR_BACKGROUND");
        let name = lookup("IMAGE_KIND").unwrap_or_else(|| "avatar".to_owned());
        let max_input_bytes = required("MAX_INPUT_BYTES");
        let max_pixels = required("MAX_PIXELS");
        let max_dimension = required("MAX_DIMENSION");
        let allowed = required("ALLOWED_FORMATS");
        // Set by Lambda itself (the function's `memory_size`); the local cloud sets it from the applied state.
        let memory_mb = required("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
        let distribution_id =
            lookup("CLOUDFRONT_DISTRIBUTION_ID").filter(|id| !id.trim().is_empty());
        let allowed = allowed.and_then(|value| match ImageType::parse_list(&value) {
            Ok(list) => Some(SourceFormats::of(&list)),
            Err(unknown) => {
                problems.push(format!(
                    "ALLOWED_FORMATS has {unknown:?}; allowed: a comma-separated list of {}",
                    ImageType::join(&ImageType::ALL)
                ));
                None
            }
        });
        let memory_mb = number(
            &mut problems,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            memory_mb,
            128,
            10_240,
        );

        let size = number(&mut problems, "AVATAR_SIZE", size, 16, 4096);
        let quality = number(&mut problems, "AVATAR_QUALITY", quality, 1, 100);
        let parsed_outputs = outputs_spec.map(|spec| parse_outputs(&mut problems, &spec));
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
        let outputs: Option<Vec<Output>> = match (parsed_outputs, background) {
            (Some(parsed), Some(background)) => parsed.map(|list| {
                list.into_iter()
                    .map(|(width, height, format, quality, suffix)| Output {
                        suffix,
                        spec: OutputSpec {
                            width,
                            height,
                            format,
                            quality,
                            background,
                        },
                    })
                    .collect()
            }),
            (None, Some(background)) => match (size, quality, format) {
                (Some(size), Some(quality), Some(format)) => Some(vec![Output {
                    suffix: String::new(),
                    spec: OutputSpec {
                        width: size as u32,
                        height: size as u32,
                        format,
                        quality: quality as u8,
                        background,
                    },
                }]),
                _ => None,
            },
            _ => None,
        };
        match (
            assets_bucket,
            originals_prefix,
            output_prefix,
            cache_control,
            outputs,
            max_input_bytes,
            max_pixels,
            max_dimension,
            allowed,
            memory_mb,
        ) {
            (
                Some(assets_bucket),
                Some(originals_prefix),
                Some(output_prefix),
                Some(cache_control),
                Some(outputs),
                Some(max_input_bytes),
                Some(max_pixels),
                Some(max_dimension),
                Some(allowed),
                Some(memory_mb),
            ) if problems.is_empty() => Ok(Settings {
                assets_bucket,
                kind: Kind {
                    name,
                    originals_prefix,
                    output_prefix,
                    outputs,
                    cache_control,
                },
                limits: Limits {
                    max_dimension: max_dimension as u32,
                    max_pixels,
                    allowed,
                    memory_budget: Some(decode_budget(memory_mb, max_input_bytes)),
                },
                max_input_bytes,
                distribution_id,
            }),
            _ => Err(SettingsError { problems }),
        }
    }
}

/// The most outputs one kind may have (the generator enforces the same limit).
pub const MAX_OUTPUTS: usize = 5;

/// `OUTPUTS`: `<w>x<h>:<format>:<quality>:<suffix>` per output, comma-separated, the main output first.
#[allow(clippy::type_complexity)]
fn parse_outputs(
    problems: &mut Vec<String>,
    spec: &str,
) -> Option<Vec<(u32, u32, OutputFormat, u8, String)>> {
    let mut outputs = Vec::new();
    let before = problems.len();
    for item in spec.split(',') {
        let parts: Vec<&str> = item.trim().split(':').collect();
        let parsed = match parts.as_slice() {
            [size, format, quality, suffix] => (|| {
                let (w, h) = size.split_once('x')?;
                let w: u32 = w.parse().ok().filter(|n| (16..=4096).contains(n))?;
                let h: u32 = h.parse().ok().filter(|n| (16..=4096).contains(n))?;
                let format = OutputFormat::parse(format)?;
                let quality: u8 = quality.parse().ok().filter(|q| (1..=100).contains(q))?;
                let suffix_ok = suffix.len() <= 16
                    && suffix.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(&b)
                    });
                suffix_ok.then(|| (w, h, format, quality, (*suffix).to_owned()))
            })(),
            _ => None,
        };
        match parsed {
            Some(output) => outputs.push(output),
            None => problems.push(format!(
                "OUTPUTS has {item:?}; allowed: <width>x<height>:<jpeg|webp>:<quality 1..=100>:<suffix>, \
                 sizes 16..=4096, suffix of a-z0-9_-"
            )),
        }
    }
    if outputs.len() > MAX_OUTPUTS {
        problems.push(format!(
            "OUTPUTS has {} outputs; at most {MAX_OUTPUTS}",
            outputs.len()
        ));
    }
    let mut keys: Vec<String> = outputs
        .iter()
        .map(|(_, _, format, _, suffix)| format!("{suffix}.{}", format.extension()))
        .collect();
    keys.sort();
    keys.dedup();
    if keys.len() != outputs.len() {
        problems.push("OUTPUTS has two outputs with the same suffix and format".to_owned());
    }
    (problems.len() == before).then_some(outputs)
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

    /// What `generator/src/stack/functions.rs` emits for the avatar kind.
    fn generated() -> HashMap<&'static str, &'static str> {
        let mut vars = before_kinds();
        for legacy in ["AVATAR_SIZE", "AVATAR_FORMAT", "AVATAR_QUALITY"] {
            vars.remove(legacy);
        }
        vars.insert("IMAGE_KIND", "avatar");
        vars.insert("OUTPUTS", "512x512:jpeg:80:");
        vars
    }

    /// What the generator emitted before image kinds (one square output); still read.
    fn before_kinds() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("ASSETS_BUCKET", "cruddur-dev-assets"),
            ("AVATAR_BACKGROUND", "#ffffff"),
            ("AVATAR_CACHE_CONTROL", "public, max-age=86400"),
            ("AVATAR_FORMAT", "jpeg"),
            ("AVATAR_QUALITY", "80"),
            ("AVATAR_SIZE", "512"),
            ("ALLOWED_FORMATS", "jpeg,png,webp"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"),
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
        let [main] = settings.kind.outputs.as_slice() else {
            panic!("one output: {settings:?}")
        };
        assert_eq!(main.spec, OutputSpec::avatar());
        assert_eq!(settings.distribution_id.as_deref(), Some("E2EXAMPLE"));
        assert_eq!(settings.kind.output_key("abc", main), "avatars/abc.jpg");
        assert_eq!(settings.kind.user_id("avatars/original/abc"), Some("abc"));
        assert_eq!(settings.kind.user_id("avatars/abc.jpg"), None);
        assert_eq!(settings.kind.user_id("avatars/original/"), None);
        assert_eq!(settings.kind.user_id("avatars/original/a/b"), None);
        assert_eq!(read(&before_kinds()).unwrap().kind, settings.kind);
    }

    #[test]
    fn reports_every_bad_variable_by_name() {
        let mut vars = before_kinds();
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
    fn reads_several_outputs_of_a_kind() {
        let mut vars = generated();
        vars.insert("IMAGE_KIND", "banner");
        vars.insert("OUTPUT_PREFIX", "banners/");
        vars.insert("OUTPUTS", "1500x500:jpeg:80:,600x200:webp:70:_small");
        let settings = read(&vars).unwrap();
        assert_eq!(settings.kind.name, "banner");
        let keys: Vec<String> = settings
            .kind
            .outputs
            .iter()
            .map(|o| settings.kind.output_key("u1", o))
            .collect();
        assert_eq!(keys, ["banners/u1.jpg", "banners/u1_small.webp"]);
        assert_eq!(settings.kind.outputs[1].spec.width, 600);
        assert_eq!(settings.kind.outputs[1].spec.quality, 70);

        vars.insert("OUTPUTS", "1500x500:jpeg:80:,9x9:gif:0:/..");
        let err = read(&vars).unwrap_err();
        assert!(
            err.to_string().contains("OUTPUTS has \"9x9:gif:0:/..\""),
            "{err}"
        );
    }

    #[test]
    fn the_allowed_formats_and_the_memory_budget_come_from_the_function() {
        let settings = read(&generated()).unwrap();
        let limits = settings.limits;
        assert_eq!(
            limits.allowed.to_vec(),
            [ImageType::Jpeg, ImageType::Png, ImageType::Webp]
        );
        // 1024 MiB − 64 MiB reserved − the 5 MiB original.
        assert_eq!(limits.memory_budget, Some(955 << 20));

        let mut vars = generated();
        vars.insert("ALLOWED_FORMATS", "jpeg,tiff");
        vars.remove("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
        let err = read(&vars).unwrap_err().to_string();
        assert!(err.contains("ALLOWED_FORMATS has \"tiff\""), "{err}");
        assert!(
            err.contains("AWS_LAMBDA_FUNCTION_MEMORY_SIZE is not set"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_distribution_id_means_no_invalidation() {
        let mut vars = generated();
        vars.insert("CLOUDFRONT_DISTRIBUTION_ID", "");
        assert_eq!(read(&vars).unwrap().distribution_id, None);
    }
}
