//! Which API may call a function behind the HTTP API. IAM has no condition key that makes a Lambda permission for
//! `apigateway.amazonaws.com` carry a source ARN, so a permission without one (added by hand, or by a role that
//! may add permissions) lets an API Gateway in any account invoke the function through a JWT authorizer it
//! controls, and so choose the `sub`. Each function therefore checks the event's `requestContext.accountId` and
//! `apiId` against the values the generator writes here.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiCaller {
    /// The environment's account (`environment.account_id`).
    pub account_id: String,
    /// The stack's HTTP API (`module.http_api.apigatewayv2_api_id`, known once applied).
    pub api_id: String,
}

impl ApiCaller {
    /// Whether an event with this `accountId` and `apiId` came through the stack's own API.
    pub fn allows(&self, account_id: Option<&str>, api_id: Option<&str>) -> bool {
        account_id == Some(self.account_id.as_str()) && api_id == Some(self.api_id.as_str())
    }

    pub(super) fn problems(&self, problems: &mut Vec<String>) {
        let account = &self.account_id;
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(format!(
                "caller.account_id is {account:?}; allowed: the 12 digits of an AWS account id"
            ));
        }
        super::check_set(problems, "caller.api_id", &self.api_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_own_account_and_api_are_allowed() {
        let caller = ApiCaller {
            account_id: "210987654321".to_owned(),
            api_id: "a1b2c3d4e5".to_owned(),
        };
        assert!(caller.allows(Some("210987654321"), Some("a1b2c3d4e5")));
        assert!(!caller.allows(Some("999999999999"), Some("a1b2c3d4e5")));
        assert!(!caller.allows(Some("210987654321"), Some("zzzzzzzzzz")));
        assert!(!caller.allows(None, Some("a1b2c3d4e5")));
        assert!(!caller.allows(Some("210987654321"), None));
        let mut problems = Vec::new();
        ApiCaller {
            account_id: "12345".to_owned(),
            api_id: String::new(),
        }
        .problems(&mut problems);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
