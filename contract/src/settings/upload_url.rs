//! A kind's presigned-upload endpoint: which originals it may sign, for how long, and how many per user.

use serde::{Deserialize, Serialize};

use super::{check_prefix, check_range, check_set, check_types, ApiCaller, FunctionSettings};
use crate::limits::{self, MAX_UPLOADS_PER_USER_PER_HOUR};
use crate::{ImageType, OutputFormat};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadUrlSettings {
    pub uploads_bucket: String,
    /// `avatars/original/`; the key is `<prefix><sub>`.
    pub originals_prefix: String,
    /// The types a client may declare; the URL binds the one it declared.
    pub allowed_types: Vec<ImageType>,
    pub max_upload_bytes: u64,
    pub url_ttl_seconds: u32,
    /// Public base URL of the kind's outputs, without a trailing slash (`https://cdn.example/avatars`).
    pub output_base_url: String,
    /// The main output's format, whose extension the response's URL ends with.
    pub output_format: OutputFormat,
    /// The DynamoDB table of per-user, per-hour counters.
    pub quota_table: String,
    pub uploads_per_user_per_hour: u32,
    /// Whether `{"extension": "jpg"}` (the reference frontend's request, no size) is taken.
    pub legacy_requests: bool,
    /// The only account and HTTP API whose events the function takes.
    pub caller: ApiCaller,
}

impl FunctionSettings for UploadUrlSettings {
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        self.caller.problems(&mut problems);
        check_set(&mut problems, "uploads_bucket", &self.uploads_bucket);
        check_set(&mut problems, "quota_table", &self.quota_table);
        check_prefix(&mut problems, "originals_prefix", &self.originals_prefix);
        check_types(&mut problems, "allowed_types", &self.allowed_types);
        check_range(
            &mut problems,
            "max_upload_bytes",
            self.max_upload_bytes,
            limits::UPLOAD_BYTES,
        );
        check_range(
            &mut problems,
            "url_ttl_seconds",
            self.url_ttl_seconds,
            limits::URL_TTL_SECONDS,
        );
        check_range(
            &mut problems,
            "uploads_per_user_per_hour",
            self.uploads_per_user_per_hour,
            1..=MAX_UPLOADS_PER_USER_PER_HOUR,
        );
        let url = &self.output_base_url;
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.ends_with('/') {
            problems.push(format!(
                "output_base_url is {url:?}; allowed: an http(s) URL without a trailing '/'"
            ));
        }
        problems
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::settings::{from_lookup, parse, SettingsError};

    fn avatar() -> UploadUrlSettings {
        UploadUrlSettings {
            uploads_bucket: "cruddur-dev-avatar-uploads".to_owned(),
            originals_prefix: "avatars/original/".to_owned(),
            allowed_types: vec![ImageType::Jpeg, ImageType::Png, ImageType::Webp],
            max_upload_bytes: 5 << 20,
            url_ttl_seconds: 300,
            output_base_url: "https://d111111abcdef8.cloudfront.net/avatars".to_owned(),
            output_format: OutputFormat::Jpeg,
            quota_table: "cruddur-dev-upload-quota".to_owned(),
            uploads_per_user_per_hour: 30,
            legacy_requests: true,
            caller: ApiCaller {
                account_id: "210987654321".to_owned(),
                api_id: "a1b2c3d4e5".to_owned(),
            },
        }
    }

    #[test]
    fn a_valid_document_round_trips() {
        let json = serde_json::to_string(&avatar()).unwrap();
        assert!(
            json.contains(r#""allowed_types":["jpeg","png","webp"]"#),
            "{json}"
        );
        assert_eq!(parse::<UploadUrlSettings>(&json), Ok(avatar()));
    }

    #[test]
    fn the_bounds_are_the_generators() {
        let mut bad = avatar();
        bad.url_ttl_seconds = 7200;
        bad.uploads_per_user_per_hour = 0;
        bad.output_base_url = "cdn.example/avatars/".to_owned();
        let Err(SettingsError::Invalid(problems)) =
            parse::<UploadUrlSettings>(&serde_json::to_string(&bad).unwrap())
        else {
            panic!("accepted")
        };
        let text = problems.join("\n");
        assert!(
            text.contains("url_ttl_seconds is 7200; allowed: 10..=3600"),
            "{text}"
        );
        assert!(
            text.contains("uploads_per_user_per_hour is 0; allowed: 1..=10000"),
            "{text}"
        );
        assert!(text.contains("output_base_url"), "{text}");
        assert_eq!(problems.len(), 3, "{text}");
    }

    #[test]
    fn a_missing_or_foreign_document_says_which_variable() {
        let missing = from_lookup::<UploadUrlSettings>(|_| None).unwrap_err();
        assert_eq!(missing, SettingsError::Missing);
        assert!(
            missing.to_string().starts_with("SETTINGS is not set"),
            "{missing}"
        );
        let err =
            from_lookup::<UploadUrlSettings>(|_| Some(r#"{"allowed_types":["tiff"]}"#.to_owned()))
                .unwrap_err()
                .to_string();
        assert!(
            err.starts_with("SETTINGS is not the settings document"),
            "{err}"
        );
        assert!(err.contains("unknown variant `tiff`"), "{err}");
    }
}
