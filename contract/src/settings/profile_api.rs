//! The profile endpoints: where the database URL is kept, the stage (plain text to Postgres is allowed only on a
//! local one), and where each image kind's outputs are served, for the image URLs of the profile answer.

use serde::{Deserialize, Serialize};

use super::{check_prefix, check_range, check_set, ApiCaller, FunctionSettings};
use crate::limits::DATABASE_CONNECT_TIMEOUT_SECONDS;
use crate::OutputFormat;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileApiSettings {
    /// The SSM SecureString holding the database URL (`/cruddur/dev/database-url`).
    pub database_url_parameter: String,
    /// The environment's stage (`dev`, `prod`, `local`, …).
    pub stage: String,
    /// The most a new connection (TCP, TLS, startup) may take before the request answers 503.
    pub connect_timeout_seconds: u32,
    /// The only account and HTTP API whose events the function takes.
    pub caller: ApiCaller,
    /// Root URL of the assets distribution, without a trailing slash (`https://assets.example.com`).
    pub assets_base_url: String,
    /// Every image kind, main output first: the profile answer lists each kind's stable URLs (with their sizes,
    /// for `srcset`) and its manifest. profile-api reads no bucket; these URLs follow from the config alone.
    pub images: Vec<ProfileImageSettings>,
}

/// One image kind as the profile answer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileImageSettings {
    pub kind: String,
    /// In the assets bucket, ends with `/` (`avatars/`).
    pub output_prefix: String,
    /// The main output first.
    pub outputs: Vec<ProfileImageOutput>,
}

/// One stable output: `<output prefix><sub><suffix>.<ext>`, `width`×`height`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileImageOutput {
    pub width: u32,
    pub height: u32,
    pub format: OutputFormat,
    pub suffix: String,
}

impl ProfileApiSettings {
    /// Only a local stack may talk to Postgres without TLS (and only when its URL says `sslmode=disable`).
    pub fn is_local(&self) -> bool {
        self.stage == "local"
    }
}

impl FunctionSettings for ProfileApiSettings {
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        self.caller.problems(&mut problems);
        check_set(&mut problems, "stage", &self.stage);
        check_range(
            &mut problems,
            "connect_timeout_seconds",
            self.connect_timeout_seconds,
            DATABASE_CONNECT_TIMEOUT_SECONDS,
        );
        let url = &self.assets_base_url;
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.ends_with('/') {
            problems.push(format!(
                "assets_base_url is {url:?}; allowed: an http(s) URL without a trailing slash"
            ));
        }
        if self.images.is_empty() {
            problems.push("images is empty; allowed: every image kind".to_owned());
        }
        for image in &self.images {
            check_set(&mut problems, "images[].kind", &image.kind);
            check_prefix(
                &mut problems,
                "images[].output_prefix",
                &image.output_prefix,
            );
            if image.outputs.is_empty() {
                problems.push(format!("images[{}].outputs is empty", image.kind));
            }
        }
        if !crate::database::is_url_parameter_name(&self.database_url_parameter) {
            problems.push(format!(
                "database_url_parameter is {:?}; allowed: an SSM parameter path (starts with '/', not under /aws or /ssm)",
                self.database_url_parameter
            ));
        }
        problems
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::settings::parse;

    #[test]
    fn a_valid_document_round_trips_and_a_relative_parameter_is_refused() {
        let json = r#"{"database_url_parameter":"/cruddur/dev/database-url","stage":"dev","connect_timeout_seconds":5,"caller":{"account_id":"210987654321","api_id":"a1b2c3d4e5"},"assets_base_url":"https://assets.example.com","images":[{"kind":"avatar","output_prefix":"avatars/","outputs":[{"width":512,"height":512,"format":"jpeg","suffix":""}]}]}"#;
        let settings = parse::<ProfileApiSettings>(json).unwrap();
        assert!(!settings.is_local());
        let err = parse::<ProfileApiSettings>(
            r#"{"database_url_parameter":"db","stage":"dev","connect_timeout_seconds":5,"caller":{"account_id":"210987654321","api_id":"a1b2c3d4e5"},"assets_base_url":"https://assets.example.com/","images":[]}"#,
        )
        .unwrap_err()
        .to_string();
        for problem in [
            "database_url_parameter is \"db\"",
            "assets_base_url is \"https://assets.example.com/\"",
            "images is empty",
        ] {
            assert!(err.contains(problem), "{problem}: {err}");
        }
    }
}
