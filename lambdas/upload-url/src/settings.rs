//! Configuration, read once at cold start from the contract's [`UploadUrlSettings`] document (the `SETTINGS`
//! variable the generator writes); every problem is reported at once, by field name, and the function does not
//! start.

use std::time::Duration;

pub use pipeline_contract::settings::ApiCaller;
pub use pipeline_contract::settings::SettingsError;
use pipeline_contract::settings::{self, UploadUrlSettings};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub uploads_bucket: String,
    /// `avatars/original/`; the key is `<prefix><sub>`.
    pub originals_prefix: String,
    /// MIME types a client may declare, e.g. `image/jpeg`.
    pub allowed_content_types: Vec<String>,
    pub max_upload_bytes: u64,
    pub url_ttl: Duration,
    /// Public base URL of processed avatars, without a trailing slash (`https://cdn.example/avatars`).
    pub avatar_base_url: String,
    /// Extension of processed avatars (`jpg`).
    pub avatar_extension: String,
    /// The per-user budget; `None` only where no table exists (unit tests). The generator always sets it.
    pub quota: Option<crate::quota::QuotaSettings>,
    /// Whether the reference frontend's `{"extension"}` request (no size) is taken.
    pub legacy_requests: bool,
    /// The only account and HTTP API whose events are taken.
    pub caller: ApiCaller,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        settings::from_env().map(Self::from_contract)
    }

    /// Reads the document through `lookup` (the local cloud passes the applied state's variables).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        settings::from_lookup(lookup).map(Self::from_contract)
    }

    /// The handler's view of a checked settings document.
    pub fn from_contract(contract: UploadUrlSettings) -> Self {
        Settings {
            allowed_content_types: contract
                .allowed_types
                .iter()
                .map(|t| t.mime().to_owned())
                .collect(),
            max_upload_bytes: contract.max_upload_bytes,
            url_ttl: Duration::from_secs(contract.url_ttl_seconds.into()),
            avatar_base_url: contract.output_base_url,
            avatar_extension: contract.output_format.extension().to_owned(),
            quota: Some(crate::quota::QuotaSettings {
                table: contract.quota_table,
                counter: user_quota::Counter::UploadUrls,
                per_hour: contract.uploads_per_user_per_hour,
            }),
            uploads_bucket: contract.uploads_bucket,
            originals_prefix: contract.originals_prefix,
            legacy_requests: contract.legacy_requests,
            caller: contract.caller,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const GENERATED: &str = r#"{"uploads_bucket":"cruddur-dev-avatar-uploads","originals_prefix":"avatars/original/",
        "allowed_types":["jpeg","png","webp"],"max_upload_bytes":5242880,"url_ttl_seconds":300,
        "output_base_url":"https://d111111abcdef8.cloudfront.net/avatars","output_format":"jpeg",
        "quota_table":"cruddur-dev-upload-quota","uploads_per_user_per_hour":30,"legacy_requests":true,
        "caller":{"account_id":"210987654321","api_id":"a1b2c3d4e5"}}"#;

    fn read(json: &str) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| (name == settings::VARIABLE).then(|| json.to_owned()))
    }

    #[test]
    fn reads_what_the_generator_emits() {
        let settings = read(GENERATED).unwrap();
        assert_eq!(
            settings.allowed_content_types,
            ["image/jpeg", "image/png", "image/webp"]
        );
        assert_eq!(settings.url_ttl, Duration::from_secs(300));
        assert_eq!(settings.avatar_extension, "jpg");
        assert_eq!(
            settings.quota,
            Some(crate::quota::QuotaSettings {
                table: "cruddur-dev-upload-quota".to_owned(),
                counter: user_quota::Counter::UploadUrls,
                per_hour: 30
            })
        );
    }

    #[test]
    fn reports_every_bad_field_by_name() {
        let bad = GENERATED
            .replace("\"url_ttl_seconds\":300", "\"url_ttl_seconds\":7200")
            .replace(
                "\"uploads_bucket\":\"cruddur-dev-avatar-uploads\"",
                "\"uploads_bucket\":\"\"",
            )
            .replace("\"max_upload_bytes\":5242880", "\"max_upload_bytes\":1");
        let Err(SettingsError::Invalid(problems)) = read(&bad) else {
            panic!("accepted {bad}")
        };
        assert_eq!(problems.len(), 3, "{problems:?}");
        for field in ["uploads_bucket", "url_ttl_seconds", "max_upload_bytes"] {
            assert!(
                problems.iter().any(|p| p.starts_with(field)),
                "{problems:?}"
            );
        }
        let unknown_type = GENERATED.replace("\"webp\"", "\"tiff\"");
        assert!(
            matches!(read(&unknown_type), Err(SettingsError::Malformed(m)) if m.contains("tiff"))
        );
        assert_eq!(read(""), Err(SettingsError::Missing));
    }
}
