//! `cdn.tf`: the edge. The CloudFront distribution in front of the assets bucket (Origin Access Control, security
//! headers, optional custom domain with Route 53 alias records) and in front of the HTTP API (its routes' paths,
//! under the API's origin key), with the AWS WAF web ACL that gives each user and each address a budget.

use hcl::{Body, Expression};

use super::{module_block, module_output};
use crate::config::Config;
use crate::tf::{number, object, reference, string, strings};
use crate::topology::{
    names, negotiation_rules, route_paths, DEFAULT_IMAGE_KEY, DEFAULT_IMAGE_MAX_AGE_SECONDS,
};

pub fn body(config: &Config) -> Body {
    let mut attributes = vec![
        ("name", string(config.name_prefix())),
        (
            "origin_bucket_regional_domain_name",
            module_output(names::ASSETS, "s3_bucket_regional_domain_name"),
        ),
        ("price_class", string(&config.cdn.price_class)),
        (
            "cors_allow_origins",
            strings(config.api.cors_origins.clone()),
        ),
        (
            "api_origin",
            object([
                (
                    "domain_name",
                    module_output(names::API, "edge_origin_domain_name"),
                ),
                ("path_patterns", strings(route_paths(config))),
            ]),
        ),
        (
            "api_origin_path",
            module_output(names::API, "edge_origin_path"),
        ),
        (
            "web_acl_arn",
            module_output(names::EDGE_FIREWALL, "web_acl_arn"),
        ),
        (
            "default_image",
            object([
                ("bucket", module_output(names::ASSETS, "s3_bucket_id")),
                ("key", string(DEFAULT_IMAGE_KEY)),
                ("max_age_seconds", number(DEFAULT_IMAGE_MAX_AGE_SECONDS)),
            ]),
        ),
    ];
    let rules = negotiation_rules(config);
    if !rules.is_empty() {
        let rules = rules.into_iter().map(|rule| {
            object([
                ("prefix", string(rule.prefix)),
                ("from", string(rule.from)),
                (
                    "to",
                    Expression::Array(
                        rule.to
                            .into_iter()
                            .map(|format| {
                                object([
                                    ("extension", string(format.extension)),
                                    ("media_type", string(format.media_type)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        });
        attributes.push(("format_negotiation", Expression::Array(rules.collect())));
    }
    if let Some(domain) = &config.domain {
        let mut fields = vec![
            ("name", string(&domain.assets)),
            ("certificate_arn", string(&domain.certificate_arn)),
        ];
        if let Some(zone) = &domain.hosted_zone_id {
            fields.push(("hosted_zone_id", string(zone)));
        }
        attributes.push(("custom_domain", object(fields)));
    }
    if config.emulator.is_some() {
        attributes.push(("local_emulator", true.into()));
    }
    Body::builder()
        .add_block(module_block(names::CDN, "cdn", attributes))
        .add_block(edge_firewall(config))
        .build()
}

/// The web ACL, created in us-east-1 through the aliased provider (CloudFront's web ACLs live there).
fn edge_firewall(config: &Config) -> hcl::Block {
    let api = &config.api;
    module_block(
        names::EDGE_FIREWALL,
        "edge-firewall",
        vec![
            ("name", string(config.name_prefix())),
            ("api_paths", strings(route_paths(config))),
            (
                "requests_per_user",
                number(api.requests_per_user_per_5_minutes),
            ),
            (
                "requests_per_address",
                number(api.requests_per_address_per_5_minutes),
            ),
            ("evaluation_window_seconds", number(300)),
            (
                "log_retention_days",
                number(config.lambda.log_retention_days),
            ),
            (
                "providers",
                object([(
                    "aws",
                    reference(&format!("aws.{}", super::terraform::US_EAST_1)),
                )]),
            ),
        ],
    )
}
