//! What an environment's stack is made of, by name: the root's modules, the modules and functions of each image
//! kind, the Lambda binaries and the HTTP API's routes. The Terraform emitters (`stack/`), the CORS rules
//! (`cors.rs`), the generated README (`docs.rs`) and the local cloud all read these, so none of them depends on
//! another to learn a name.

use std::collections::BTreeMap;

use crate::config::{Config, ImageKind};

/// Binary names of the Lambdas; `cargo lambda build` writes `target/lambda/<name>/bootstrap.zip`.
pub const RESIZE_BIN: &str = "avatar-resize";
pub const UPLOAD_URL_BIN: &str = "upload-url";
pub const PROFILE_API_BIN: &str = "profile-api";

/// Key of the neutral default image in the assets bucket (written by Terraform, `modules/cdn/default-image.png`):
/// the distribution answers every key the bucket lacks with it.
pub const DEFAULT_IMAGE_KEY: &str = "defaults/missing.png";
/// How long browsers and the edge keep the default answer: a user's first upload shows within it, like a new
/// avatar on its stable URL (`avatar.cache_control` defaults to 60 s).
pub const DEFAULT_IMAGE_MAX_AGE_SECONDS: u32 = 60;

/// Module names used in references between files.
pub mod names {
    pub const UPLOADS: &str = "uploads_bucket";
    pub const ASSETS: &str = "assets_bucket";
    pub const CDN: &str = "cdn";
    /// The AWS WAF web ACL on the distribution: per-user and per-address budgets before the API's throttle.
    pub const EDGE_FIREWALL: &str = "edge_firewall";
    pub const RESIZE: &str = "avatar_resize";
    pub const UPLOAD_URL: &str = "upload_url";
    pub const PROFILE_API: &str = "profile_api";
    /// The profile function's security group, the database's ingress rule and the SSM endpoint (VPC only).
    pub const DATABASE_ACCESS: &str = "database_access";
    pub const API: &str = "http_api";
    pub const GITHUB: &str = "github_oidc";
    /// The SNS topic the alarms notify (with `[alerts]`).
    pub const ALERTS: &str = "alerts";
    /// The account's S3 Block Public Access and external-access analyzer (with `[account] guardrails`).
    pub const GUARDRAILS: &str = "account_guardrails";
    /// The per-user counters of upload URLs.
    pub const UPLOAD_QUOTA: &str = "upload_quota";
    /// The uploads bucket's S3 events, one subscription per image kind.
    pub const TRIGGERS: &str = "image_triggers";
}

/// The modules and functions of one image kind. The kind named `avatar` keeps the upload function's names from
/// before kinds existed (`upload_url`, `<prefix>-upload-url`), so existing deployments change in place.
pub struct KindNames {
    pub resize_module: String,
    pub resize_function: String,
    /// The SQS queue S3 sends the kind's events to (the resizer's event source).
    pub resize_queue: String,
    pub upload_module: String,
    pub upload_function: String,
}

impl KindNames {
    /// The resize queue's ARN, from its name: a module output would make the function's policy wait for the queue,
    /// and the queue's event source mapping waits for the function.
    pub fn resize_queue_arn(&self, config: &Config) -> String {
        format!(
            "arn:aws:sqs:{}:{}:{}",
            config.environment.region, config.environment.account_id, self.resize_queue
        )
    }

    pub fn of(config: &Config, kind: &ImageKind) -> Self {
        let prefix = config.name_prefix();
        let (upload_module, upload_function) = if kind.name == "avatar" {
            (
                names::UPLOAD_URL.to_owned(),
                format!("{prefix}-{UPLOAD_URL_BIN}"),
            )
        } else {
            (
                format!("{}_{}", kind.name, names::UPLOAD_URL),
                format!("{prefix}-{}-{UPLOAD_URL_BIN}", kind.name),
            )
        };
        KindNames {
            resize_module: format!("{}_resize", kind.name),
            resize_function: format!("{prefix}-{}-resize", kind.name),
            resize_queue: format!("{prefix}-{}-resize-events", kind.name),
            upload_module,
            upload_function,
        }
    }
}

/// The profile routes, served by `profile_api` (the contract's, which the function matches on).
pub use pipeline_contract::routes::PROFILE_ROUTES;

/// The CDN's format rules, one per kind with alternates, in the kinds' order (`modules/cdn` `format_negotiation`;
/// the local CDN runs the same function with them).
pub fn negotiation_rules(config: &Config) -> Vec<pipeline_contract::delivery::NegotiationRule> {
    config
        .images
        .iter()
        .filter_map(crate::config::ImageKind::negotiation_rule)
        .collect()
}

/// Route keys and the module of the Lambda behind each, sorted: one `POST <route>` per image kind (its upload
/// function) and the profile routes. Every route is behind the JWT authorizer.
/// The distinct paths of [`routes`], in order: the distribution sends exactly these to the API.
pub fn route_paths(config: &Config) -> Vec<String> {
    let paths: std::collections::BTreeSet<String> = routes(config)
        .keys()
        .filter_map(|key| key.split_once(' ').map(|(_, path)| path.to_owned()))
        .collect();
    paths.into_iter().collect()
}

pub fn routes(config: &Config) -> BTreeMap<String, String> {
    let mut routes: BTreeMap<String, String> = config
        .images
        .iter()
        .map(|kind| {
            (
                format!("POST {}", kind.route),
                KindNames::of(config, kind).upload_module,
            )
        })
        .collect();
    for route in PROFILE_ROUTES {
        routes.insert((*route).to_owned(), names::PROFILE_API.to_owned());
    }
    routes
}
