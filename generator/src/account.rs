//! The seam to AWS for `--verify-account`: the library only compares, the binary asks STS.

use crate::config::Config;

/// Answers "which account do these credentials belong to?" (STS GetCallerIdentity in the binary).
pub trait AccountVerifier {
    fn caller_account_id(&self) -> Result<String, Box<dyn std::error::Error + Send + Sync>>;
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(
        "the AWS credentials belong to account {actual}, but environment `{environment}` is for account {expected}; \
         no files were written (switch AWS_PROFILE or credentials, or fix environment.account_id)"
    )]
    Mismatch {
        environment: String,
        expected: String,
        actual: String,
    },
    #[error("could not ask AWS which account the credentials belong to: {0}")]
    Lookup(Box<dyn std::error::Error + Send + Sync>),
}

/// Refuses when the caller's account is not the environment's.
pub fn verify_account(config: &Config, verifier: &dyn AccountVerifier) -> Result<(), AccountError> {
    let actual = verifier.caller_account_id().map_err(AccountError::Lookup)?;
    if actual == config.environment.account_id {
        Ok(())
    } else {
        Err(AccountError::Mismatch {
            environment: config.environment.name.clone(),
            expected: config.environment.account_id.clone(),
            actual,
        })
    }
}
