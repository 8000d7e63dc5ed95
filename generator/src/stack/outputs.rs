//! `outputs.tf`: what a deployer (and the web app's config) needs after `terraform apply`.

use hcl::{Block, Body, Expression};

use super::module_output;
use crate::config::Config;
use crate::topology::names;

pub fn body(config: &Config) -> Body {
    let kinds = || config.images.iter();
    let image_base_urls =
        crate::tf::object(kinds().map(|k| (k.name.clone(), super::output_base_url(k))));
    let failure_queues = crate::tf::object(kinds().map(|k| {
        let module = crate::topology::KindNames::of(config, k).resize_module;
        (
            k.name.clone(),
            module_output(&module, "lambda_failure_queue_arn"),
        )
    }));
    let outputs: Vec<(&str, &str, Expression)> = vec![
        (
            "api_endpoint",
            "Base URL of the HTTP API for the web app (POST <route> per image kind, GET /api/profile, POST or PUT /api/profile/update): the distribution, whose web ACL limits each user; the execute-api endpoint serves no route without the distribution's origin key.",
            module_output(names::CDN, "cloudfront_base_url"),
        ),
        (
            "image_base_urls",
            "Public base URL of each image kind's outputs: <url>/<sub><suffix>.<ext>.",
            image_base_urls,
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
            "resize_failure_queue_arns",
            "Per image kind, the SQS queue that receives S3 events its resizer failed on after its retries.",
            failure_queues,
        ),
    ];
    // The avatar's outputs as they were before image kinds, for scripts that read them.
    let avatar = kinds().find(|k| k.name == "avatar").map(|k| {
        [
            (
                "avatar_base_url",
                "Public base URL of processed avatars: <avatar_base_url>/<sub>.<ext>.",
                super::output_base_url(k),
            ),
            (
                "avatar_resize_failure_queue_arn",
                "SQS queue that receives S3 events the avatar resizer failed on after its retries.",
                module_output(names::RESIZE, "lambda_failure_queue_arn"),
            ),
        ]
    });
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
        .chain(avatar.into_iter().flatten())
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
