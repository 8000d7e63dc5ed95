//! The profile endpoints and the database schema they need.
//!
//! - [`migrations`]: ordered, reversible SQL migrations and the migrator (`profile-migrate`).
//! - [`baseline`]: adopting the reference app's existing `users` table instead of failing on it.
//! - [`profile`]: the update body and its rules; [`glyphs`]: which characters of a name a reader can see.
//! - [`database`]: the URL (env or SSM) and one connection per execution environment.
//! - [`tls`]: the URL's `sslmode` and trusted roots (verify-full against the Amazon RDS CA bundle by default).
//! - [`handler`]: claims → query → JSON.
//!
//! The JWT is verified by the HTTP API's authorizer before this function runs; CORS is the HTTP API's too.

pub mod baseline;
pub mod database;
pub mod glyphs;
pub mod handler;
pub mod migrations;
pub mod profile;
pub mod tls;

use database::{Database, UrlSource};
use pipeline_contract::settings::{self, ProfileApiSettings};
use tls::Plaintext;

/// The database the function talks to. In Lambda: the contract's [`ProfileApiSettings`] (`SETTINGS`) name the
/// SSM parameter holding the URL and the stage. Run by hand outside Lambda, `DATABASE_URL` (and `STAGE=local`
/// for a plain-text local server) take their place.
pub async fn database_from_env() -> Result<Database, String> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let plaintext = Plaintext::from_stage(std::env::var("STAGE").ok().as_deref());
        return Ok(Database::new(UrlSource::Direct(url), plaintext));
    }
    let settings: ProfileApiSettings = settings::from_env().map_err(|err| err.to_string())?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok(Database::new(
        UrlSource::Ssm {
            client: aws_sdk_ssm::Client::new(&sdk),
            parameter: settings.database_url_parameter.clone(),
        },
        Plaintext::of(&settings),
    )
    .with_connect_timeout(std::time::Duration::from_secs(
        settings.connect_timeout_seconds.into(),
    )))
}
