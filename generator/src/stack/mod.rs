//! The Terraform root of one environment, as HCL bodies keyed by file name. Each file has its own emitter;
//! all resources live in `modules/`, so the root only wires modules together with values from the config.

pub mod api;
mod cdn;
mod ci;
pub mod functions;
mod guardrails;
mod outputs;
mod storage;
mod terraform;

use hcl::Body;

use crate::config::Config;
use crate::topology::names;

/// Path of the modules folder, relative to an environment root (`envs/<env>/`).
pub(crate) const MODULES: &str = "../../modules";

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
        ("guardrails.tf", guardrails::body(config)),
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
