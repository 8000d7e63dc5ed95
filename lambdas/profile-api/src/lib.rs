//! The profile endpoints and the database schema they need.
//!
//! - [`migrations`]: ordered, reversible SQL migrations and the migrator (`profile-migrate`).
//! - [`baseline`]: adopting the reference app's existing `users` table instead of failing on it.
//! - [`profile`]: the update body and its rules.
//! - [`database`]: the URL (env or SSM) and one connection per execution environment.
//! - [`tls`]: the URL's `sslmode` and trusted roots (verify-full against the Amazon RDS CA bundle by default).
//! - [`handler`]: claims → query → JSON.
//!
//! The JWT is verified by the HTTP API's authorizer before this function runs; CORS is the HTTP API's too.

pub mod baseline;
pub mod database;
pub mod handler;
pub mod migrations;
pub mod profile;
pub mod tls;

use database::UrlSource;

/// `DATABASE_URL` when set (local runs), else the SSM parameter named by `DATABASE_URL_PARAMETER`.
pub async fn url_source_from_env() -> Result<UrlSource, String> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Ok(UrlSource::Direct(url));
    }
    let parameter = std::env::var("DATABASE_URL_PARAMETER").map_err(|_| {
        "set DATABASE_URL or DATABASE_URL_PARAMETER (an SSM SecureString name)".to_owned()
    })?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok(UrlSource::Ssm {
        client: aws_sdk_ssm::Client::new(&sdk),
        parameter,
    })
}
