//! The Terraform root of one environment, as HCL bodies keyed by file name. Each file has its own emitter;
//! all resources live in `modules/`, so the root only wires modules together with values from the config.

pub mod api;
mod cdn;
mod ci;
pub mod functions;
pub use api::routes;
pub use functions::{PROFILE_API_BIN, RESIZE_BIN, UPLOAD_URL_BIN};
mod outputs;
mod storage;
mod terraform;

use hcl::Body;

use crate::config::Config;

/// Path of the modules folder, relative to an environment root (`envs/<env>/`).
pub(crate) const MODULES: &str = "../../modules";

/// Module names used in references between files.
pub mod names {
    pub const UPLOADS: &str = "uploads_bucket";
    pub const ASSETS: &str = "assets_bucket";
    pub const CDN: &str = "cdn";
    pub const RESIZE: &str = "avatar_resize";
    pub const UPLOAD_URL: &str = "upload_url";
    pub const PROFILE_API: &str = "profile_api";
    pub const API: &str = "http_api";
    pub const GITHUB: &str = "github_oidc";
    /// The SNS topic the alarms notify (with `[alerts]`).
    pub const ALERTS: &str = "alerts";
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
    pub upload_module: String,
    pub upload_function: String,
}

impl KindNames {
    pub fn of(config: &Config, kind: &crate::config::ImageKind) -> Self {
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
            upload_module,
            upload_function,
        }
    }
}

/// Every `.tf` file of the root, in a fixed order.
pub fn root(config: &Config) -> Vec<(&'static str, Body)> {
    vec![
        ("versions.tf", terraform::versions(config)),
        ("providers.tf", terraform::providers(config)),
        ("variables.tf", terraform::variables(config)),
        ("storage.tf", storage::body(config)),
        ("cdn.tf", cdn::body(config)),
        ("functions.tf", functions::body(config)),
        ("api.tf", api::body(config)),
        ("ci.tf", ci::body(config)),
        ("outputs.tf", outputs::body(config)),
    ]
}

/// `module "<name>" { source = "../../modules/<dir>" ... }` with the given attributes.
pub(crate) fn module_block(
    name: &str,
    dir: &str,
    attributes: Vec<(&str, hcl::Expression)>,
) -> hcl::Block {
    let mut builder = hcl::Block::builder("module")
        .add_label(name)
        .add_attribute(("source", format!("{MODULES}/{dir}")));
    for (key, value) in attributes {
        builder = builder.add_attribute((key, value));
    }
    builder.build()
}

/// `module.<name>.<output>`.
pub(crate) fn module_output(name: &str, output: &str) -> hcl::Expression {
    crate::tf::reference(&format!("module.{name}.{output}"))
}

/// `"${module.cdn.cloudfront_base_url}/avatars"`: the public base URL of a kind's outputs, shared by the
/// upload-url function's environment and the root's outputs.
pub(crate) fn output_base_url(kind: &crate::config::ImageKind) -> hcl::Expression {
    crate::tf::template(&format!(
        "${{module.{}.cloudfront_base_url}}/{}",
        names::CDN,
        kind.output_prefix.trim_end_matches('/')
    ))
}
