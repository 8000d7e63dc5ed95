//! The function's configuration, read once at cold start from the contract's [`ResizerSettings`] document (the
//! `SETTINGS` variable the generator writes) and the memory Lambda gives the function. Every problem is reported
//! at once, naming the field, so a bad deploy fails at its first invocation with a clear log line instead of
//! mid-way through an image.

use pipeline_contract::memory::decode_budget;
use pipeline_contract::settings::{self, ResizerSettings};

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
    /// The formats it is also written in, under the same names with their extensions (the kind's alternate
    /// formats, for a JPEG output).
    pub alternates: Vec<OutputFormat>,
}

impl Output {
    /// What is encoded for it: its own spec, then one per alternate format (the same pixels, encoded again).
    pub fn encodings(&self) -> impl Iterator<Item = OutputSpec> + '_ {
        std::iter::once(self.spec.clone()).chain(self.alternates.iter().map(|&format| OutputSpec {
            format,
            quality: pipeline_contract::delivery::alternate_quality(format, self.spec.quality),
            ..self.spec.clone()
        }))
    }
}

impl Kind {
    /// The user id an originals key belongs to, or `None` when the key is not one of this kind's originals.
    pub fn user_id<'k>(&self, key: &'k str) -> Option<&'k str> {
        let rest = key.strip_prefix(&self.originals_prefix)?;
        (!rest.is_empty() && !rest.contains('/')).then_some(rest)
    }

    /// The output's stable key, `<prefix><user id><suffix>.<ext>`: rewritten by every upload.
    pub fn output_key(&self, user_id: &str, output: &Output) -> String {
        self.output_key_as(user_id, output, output.spec.format)
    }

    /// The stable key of the output encoded in `format` (itself or one of its alternates).
    pub fn output_key_as(&self, user_id: &str, output: &Output, format: OutputFormat) -> String {
        pipeline_contract::delivery::stable_key(
            &self.output_prefix,
            user_id,
            &output.suffix,
            format.extension(),
        )
    }

    /// The versioned key of the output encoded in `format`, `<prefix><user id>/<version>/<w>x<h>.<ext>`: written
    /// once, never changed.
    pub fn versioned_key(
        &self,
        user_id: &str,
        version: &str,
        output: &Output,
        format: OutputFormat,
    ) -> String {
        pipeline_contract::delivery::versioned_key(
            &self.output_prefix,
            user_id,
            version,
            output.spec.width,
            output.spec.height,
            format.extension(),
        )
    }

    /// The manifest's key, `<prefix><user id>.json`: names the newest version's copies.
    pub fn manifest_key(&self, user_id: &str) -> String {
        pipeline_contract::delivery::manifest_key(&self.output_prefix, user_id)
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
    /// The per-user budget of resizes; `None` counts nothing (unit tests). The generator always sets it.
    pub quota: Option<user_quota::QuotaSettings>,
}

/// What was missing or invalid: the settings document, the function's memory, or both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .problems.join("; "))]
pub struct SettingsError {
    pub problems: Vec<String>,
}

/// Lambda's range for a function's memory, in MB.
const MEMORY_MB: std::ops::RangeInclusive<u64> = 128..=10_240;

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads `SETTINGS` and `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (set by Lambda itself from the function's
    /// `memory_size`; the local cloud sets it from the applied state) through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let contract = settings::from_lookup::<ResizerSettings>(&lookup);
        let memory = match lookup("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") {
            None => Err("AWS_LAMBDA_FUNCTION_MEMORY_SIZE is not set".to_owned()),
            Some(value) => value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|mb| MEMORY_MB.contains(mb))
                .ok_or_else(|| {
                    format!(
                        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE is {value:?}; allowed: {}..={}",
                        MEMORY_MB.start(),
                        MEMORY_MB.end()
                    )
                }),
        };
        match (contract, memory) {
            (Ok(contract), Ok(memory_mb)) => Ok(Self::from_contract(contract, memory_mb)),
            (contract, memory) => Err(SettingsError {
                problems: contract
                    .err()
                    .map(|e| e.to_string())
                    .into_iter()
                    .chain(memory.err())
                    .collect(),
            }),
        }
    }

    /// The handler's view of a checked settings document, for a function with `memory_mb` of memory.
    pub fn from_contract(contract: ResizerSettings, memory_mb: u64) -> Self {
        let background = settings::parse_hex_colour(&contract.background).unwrap_or([255; 3]);
        let outputs = contract
            .outputs
            .into_iter()
            .map(|o| Output {
                suffix: o.suffix,
                alternates: pipeline_contract::delivery::alternates_of(
                    o.format,
                    &contract.alternate_formats,
                )
                .to_vec(),
                spec: OutputSpec {
                    width: o.width,
                    height: o.height,
                    format: o.format,
                    quality: o.quality,
                    background,
                },
            })
            .collect();
        Settings {
            assets_bucket: contract.assets_bucket,
            kind: Kind {
                name: contract.kind,
                originals_prefix: contract.originals_prefix,
                output_prefix: contract.output_prefix,
                outputs,
                cache_control: contract.cache_control,
            },
            limits: Limits {
                max_dimension: contract.max_dimension,
                max_pixels: contract.max_pixels,
                allowed: SourceFormats::of(&contract.allowed_types),
                memory_budget: Some(decode_budget(memory_mb, contract.max_input_bytes)),
            },
            max_input_bytes: contract.max_input_bytes,
            distribution_id: contract.distribution_id,
            quota: Some(user_quota::QuotaSettings {
                table: contract.quota_table,
                counter: user_quota::Counter::Resizes,
                per_hour: contract.resizes_per_user_per_hour,
            }),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use pipeline_contract::ImageType;

    use super::*;

    /// The shape `generator/src/stack/functions.rs` writes for the avatar kind (the generated roots themselves are
    /// read in `tests/generated_settings.rs`).
    const AVATAR: &str = r##"{"kind":"avatar","assets_bucket":"cruddur-dev-assets",
        "originals_prefix":"avatars/original/","output_prefix":"avatars/",
        "outputs":[{"width":512,"height":512,"format":"jpeg","quality":80,"suffix":""}],
        "background":"#ffffff","cache_control":"public, max-age=86400","allowed_types":["jpeg","png","webp"],
        "max_input_bytes":5242880,"max_pixels":50000000,"max_dimension":16384,"distribution_id":"E2EXAMPLE",
        "quota_table":"cruddur-dev-upload-quota","resizes_per_user_per_hour":60}"##;

    fn environment(json: &str) -> HashMap<&'static str, String> {
        HashMap::from([
            (settings::VARIABLE, json.to_owned()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024".to_owned()),
        ])
    }

    fn read(vars: &HashMap<&str, String>) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn reads_what_the_generator_emits() {
        let settings = read(&environment(AVATAR)).unwrap();
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
    }

    #[test]
    fn reports_the_document_and_the_memory_together() {
        let bad = AVATAR
            .replace(
                "\"output_prefix\":\"avatars/\"",
                "\"output_prefix\":\"avatars\"",
            )
            .replace("#ffffff", "white");
        let mut vars = environment(&bad);
        vars.insert("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "64".to_owned());
        let err = read(&vars).unwrap_err().to_string();
        for field in [
            "output_prefix",
            "background",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE is \"64\"",
        ] {
            assert!(err.contains(field), "{err}");
        }
        vars.remove(settings::VARIABLE);
        let err = read(&vars).unwrap_err().to_string();
        assert!(err.contains("SETTINGS is not set"), "{err}");
    }

    #[test]
    fn reads_several_outputs_of_a_kind() {
        let banner = AVATAR
            .replace("\"avatar\"", "\"banner\"")
            .replace("avatars/", "banners/")
            .replace(
                r#"[{"width":512,"height":512,"format":"jpeg","quality":80,"suffix":""}]"#,
                r#"[{"width":1500,"height":500,"format":"jpeg","quality":80,"suffix":""},
                    {"width":600,"height":200,"format":"webp","quality":70,"suffix":"_small"}]"#,
            );
        let settings = read(&environment(&banner)).unwrap();
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
    }

    #[test]
    fn the_allowed_formats_and_the_memory_budget_come_from_the_function() {
        let settings = read(&environment(AVATAR)).unwrap();
        let limits = settings.limits;
        assert_eq!(
            limits.allowed.to_vec(),
            [ImageType::Jpeg, ImageType::Png, ImageType::Webp]
        );
        // 1024 MiB − 64 MiB reserved − the 5 MiB original.
        assert_eq!(limits.memory_budget, Some(955 << 20));

        let mut vars = environment(&AVATAR.replace("\"webp\"]", "\"tiff\"]"));
        vars.remove("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
        let err = read(&vars).unwrap_err().to_string();
        assert!(err.contains("tiff"), "{err}");
        assert!(
            err.contains("AWS_LAMBDA_FUNCTION_MEMORY_SIZE is not set"),
            "{err}"
        );
    }

    #[test]
    fn no_distribution_id_means_no_invalidation() {
        let without = AVATAR.replace(r#","distribution_id":"E2EXAMPLE""#, "");
        assert_eq!(read(&environment(&without)).unwrap().distribution_id, None);
    }
}
