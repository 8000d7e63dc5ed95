//! The profile endpoints: where the database URL is kept, and the stage (plain text to Postgres is allowed only
//! on a local one).

use serde::{Deserialize, Serialize};

use super::{check_range, check_set, ApiCaller, FunctionSettings};
use crate::limits::DATABASE_CONNECT_TIMEOUT_SECONDS;

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
        let json = r#"{"database_url_parameter":"/cruddur/dev/database-url","stage":"dev","connect_timeout_seconds":5,"caller":{"account_id":"210987654321","api_id":"a1b2c3d4e5"}}"#;
        let settings = parse::<ProfileApiSettings>(json).unwrap();
        assert!(!settings.is_local());
        let err = parse::<ProfileApiSettings>(
            r#"{"database_url_parameter":"db","stage":"dev","connect_timeout_seconds":5,"caller":{"account_id":"210987654321","api_id":"a1b2c3d4e5"}}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("database_url_parameter is \"db\""),
            "{err}"
        );
    }
}
