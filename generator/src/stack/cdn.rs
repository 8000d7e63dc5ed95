//! `cdn.tf`: the CloudFront distribution in front of the assets bucket (Origin Access Control, security
//! headers, optional custom domain with Route 53 alias records).

use hcl::Body;

use super::{module_block, module_output};
use crate::config::Config;
use crate::tf::{object, string, strings};
use crate::topology::names;

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
    ];
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
        .build()
}
