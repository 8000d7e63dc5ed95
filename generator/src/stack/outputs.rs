//! `outputs.tf`: what a deployer (and the web app's config) needs after `terraform apply`.

use hcl::{Block, Body, Expression};

use super::{module_output, names};
use crate::config::Config;

pub fn body(config: &Config) -> Body {
    let outputs: [(&str, &str, Expression); 6] = [
        (
            "api_endpoint",
            "Base URL of the HTTP API (POST /avatars/key_upload, POST /api/profile/update).",
            module_output(names::API, "apigatewayv2_api_endpoint"),
        ),
        (
            "avatar_base_url",
            "Public base URL of processed avatars: <avatar_base_url>/<sub>.<ext>.",
            super::avatar_base_url(),
        ),
        (
            "uploads_bucket",
            "Private bucket that receives originals through presigned uploads.",
            module_output(names::UPLOADS, "s3_bucket_id"),
        ),
        (
            "assets_bucket",
            "Private bucket that holds processed avatars, read only by CloudFront.",
            module_output(names::ASSETS, "s3_bucket_id"),
        ),
        (
            "cloudfront_distribution_id",
            "Id of the distribution (for invalidations).",
            module_output(names::CDN, "cloudfront_distribution_id"),
        ),
        (
            "avatar_resize_failure_queue_arn",
            "SQS queue that receives S3 events the resizer failed on after its retries.",
            module_output(names::RESIZE, "lambda_failure_queue_arn"),
        ),
    ];
    let github = config.github.as_ref().map(|_| {
        [
            (
                "github_plan_role_arn",
                "Role the plan workflow assumes for pull requests (read-only).",
                module_output(names::GITHUB, "plan_role_arn"),
            ),
            (
                "github_apply_role_arn",
                "Role the apply workflow assumes on the apply branch.",
                module_output(names::GITHUB, "apply_role_arn"),
            ),
        ]
    });
    outputs
        .into_iter()
        .chain(github.into_iter().flatten())
        .fold(Body::builder(), |body, (name, description, value)| {
            body.add_block(
                Block::builder("output")
                    .add_label(name)
                    .add_attribute(("description", description))
                    .add_attribute(("value", value))
                    .build(),
            )
        })
        .build()
}
