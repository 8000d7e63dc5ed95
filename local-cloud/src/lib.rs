//! The whole avatar pipeline on one machine, for `make demo` and the end-to-end tests. No Docker, no AWS account:
//!
//! - [`terraform`]: `envs/local` applied (from a scratch copy) to moto, the local AWS API.
//! - [`s3`]: s3rver holds the objects, because it checks presigned signatures, expiry and bucket CORS (moto
//!   does not); its buckets get the same CORS rule the generator writes into Terraform.
//! - [`issuer`]: the local development JWT issuer (`make token`); its keys live in `envs/local/dev-issuer/`.
//! - [`edge`]: the distribution's web ACL (per-user and per-address budgets) and API Gateway's route throttle.
//! - [`api`]: the HTTP API's routes, CORS rules and JWT check as API Gateway applies them, in front of the
//!   upload-url handler, which runs in-process with the environment variables Terraform gave its function.
//! - [`notifier`]: S3's event notification, emulated: each new original under the prefix becomes an S3 event, in
//!   S3's own format, for the resize handler (moto runs no Lambda code).
//! - [`database`]: a real Postgres (the machine's `initdb`/`pg_ctl`) with the profile migrations applied; its URL
//!   goes into moto's SSM under the parameter name Terraform gave the profile function, which reads it from there.
//! - [`cdn`]: a local stand-in for CloudFront that serves the assets bucket, with the distribution's
//!   viewer-request function ([`edge_function`]) choosing each image's format by `Accept`.
//! - [`page`]: the profile page (`web/`) on the config's first allowed origin.
//! - [`stack`]: starts all of the above and stops it on drop.
//! - [`load`]: many users uploading at once through all of it (`make load`).

pub mod api;
pub mod cdn;
pub mod client;
pub mod database;
pub mod edge;
pub mod edge_function;
pub mod http;
pub mod issuer;
pub mod load;
pub mod notifier;
pub mod page;
pub mod s3;
pub mod stack;
pub mod terraform;

pub use stack::{Stack, StackOptions};

/// The local environment's folder, relative to the repository root.
pub const LOCAL_ENV: &str = "envs/local";

/// The local environment's validated config.
pub fn local_config(repo_root: &std::path::Path) -> anyhow::Result<generator::config::Config> {
    let folder = repo_root.join(LOCAL_ENV);
    let path = folder.join("config.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|err| anyhow::anyhow!("reading {}: {err}", path.display()))?;
    generator::config::parse(&path.to_string_lossy(), "local", &text)
        .map_err(|errors| anyhow::anyhow!("{} is invalid:\n{errors}", path.display()))
}
