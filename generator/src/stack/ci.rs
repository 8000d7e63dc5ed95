//! `ci.tf`: the roles GitHub Actions assumes with OIDC (`[github]` in the config): a read-only plan role for pull
//! requests and an apply role for the jobs of one GitHub environment, both limited to this environment, and the
//! permissions boundary every function role then carries. Empty without `[github]`, so removing the section
//! empties the file instead of leaving a stale one behind.

use hcl::{Body, Expression};

use super::module_block;
use crate::config::Config;
use crate::tf::{number, object, string, strings};
use crate::topology::names;

pub fn body(config: &Config) -> Body {
    let Some(github) = &config.github else {
        return Body::default();
    };
    let mut attributes: Vec<(&str, Expression)> = vec![
        ("name_prefix", string(config.name_prefix())),
        ("repository", string(&github.repository)),
        ("plan_on_pull_requests", github.plan_role.into()),
        (
            "apply_environment",
            github
                .apply_environment
                .as_ref()
                .map_or(Expression::Null, string),
        ),
        ("create_oidc_provider", github.create_oidc_provider.into()),
        ("state_bucket", string(&github.state_bucket)),
        ("state_key", string(&github.state_key)),
        (
            "bucket_names",
            strings([&config.buckets.uploads, &config.buckets.assets]),
        ),
        (
            "terraform_objects",
            strings([format!(
                "{}/{}",
                config.buckets.assets,
                crate::topology::DEFAULT_IMAGE_KEY
            )]),
        ),
    ];
    if let Some((owner, repository)) = github.repository_ids {
        attributes.push((
            "repository_ids",
            object([("owner", number(owner)), ("repository", number(repository))]),
        ));
    }
    attributes.push((
        "function_parameter_arns",
        strings([super::functions::database_url_parameter_arn(config)]),
    ));
    // Its role alone carries the database boundary (the parameter, its key, VPC interfaces; no bucket).
    attributes.push((
        "database_function_names",
        strings([super::functions::profile_function_name(config)]),
    ));
    if let Some(key) = &config.database.kms_key_arn {
        attributes.push(("function_kms_key_arns", strings([key])));
    }
    if let Some(vpc) = &config.database.vpc {
        attributes.push((
            "database_security_group_id",
            string(&vpc.database_security_group_id),
        ));
    }
    if let Some(zone) = config
        .domain
        .as_ref()
        .and_then(|d| d.hosted_zone_id.as_ref())
    {
        attributes.push(("hosted_zone_id", string(zone)));
    }
    Body::builder()
        .add_block(module_block(names::GITHUB, "github-oidc", attributes))
        .build()
}
