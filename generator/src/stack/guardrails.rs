//! `guardrails.tf`: the account's S3 Block Public Access and IAM Access Analyzer, whose active findings go to the
//! alarm topic (`[account] guardrails`, on by default outside the local stage). Empty without it, so turning it
//! off empties the file instead of leaving a stale one behind.

use hcl::{Body, Expression};

use super::{module_block, module_output};
use crate::config::Config;
use crate::tf::string;
use crate::topology::names;

pub fn body(config: &Config) -> Body {
    if !config.guardrails {
        return Body::default();
    }
    let topic = if config.alert_emails.is_empty() {
        Expression::Null
    } else {
        module_output(names::ALERTS, "topic_arn")
    };
    Body::builder()
        .add_block(module_block(
            names::GUARDRAILS,
            "account-guardrails",
            vec![
                ("name_prefix", string(config.name_prefix())),
                ("alarm_topic_arn", topic),
            ],
        ))
        .build()
}
