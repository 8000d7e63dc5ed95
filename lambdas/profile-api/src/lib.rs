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
pub mod links;
pub mod migrations;
pub mod profile;
pub mod tls;

use database::{Database, UrlSource};
use handler::ProfileApi;
use pipeline_contract::settings::{self, ProfileApiSettings};
use tls::TlsPolicy;

/// The function as it starts. In Lambda: the contract's [`ProfileApiSettings`] (`SETTINGS`) name the SSM
/// parameter holding the URL, the stage and the API whose events it takes. Run by hand outside Lambda,
/// `DATABASE_URL` (and `STAGE=local` for a plain-text local server) take their place, with no API to check.
pub async fn from_env() -> Result<ProfileApi, String> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let policy = TlsPolicy::of_stage(std::env::var("STAGE").ok().as_deref());
        tracing::warn!("DATABASE_URL set: run by hand, requests are taken from any API");
        return Ok(ProfileApi {
            database: Database::new(UrlSource::Direct(url), policy),
            caller: None,
            links: links::ImageLinks::default(),
        });
    }
    let settings: ProfileApiSettings = settings::from_env().map_err(|err| err.to_string())?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let database = Database::new(
        UrlSource::Ssm {
            client: aws_sdk_ssm::Client::new(&sdk),
            parameter: settings.database_url_parameter.clone(),
        },
        TlsPolicy::of_stage(Some(&settings.stage)),
    )
    .with_connect_timeout(std::time::Duration::from_secs(
        settings.connect_timeout_seconds.into(),
    ));
    Ok(ProfileApi {
        database,
        caller: Some(settings.caller),
        links: links::ImageLinks {
            assets_base_url: settings.assets_base_url,
            kinds: settings.images,
        },
    })
}
