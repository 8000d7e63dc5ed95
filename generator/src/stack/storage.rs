//! `storage.tf`: the private uploads and assets buckets, and the S3 event that runs the resizer on each new
//! original. CORS origins come from the same config list as the HTTP API's.

use hcl::Body;

use super::{module_block, module_output, names};
use crate::config::{Avatar, Config};
use crate::cors::UploadCors;
use crate::tf::{number, object, string, strings};

pub fn body(config: &Config) -> Body {
    let cors = UploadCors::from_config(config);
    let uploads = module_block(
        names::UPLOADS,
        "private-bucket",
        vec![
            ("bucket_name", string(&config.buckets.uploads)),
            ("force_destroy", config.buckets.force_destroy.into()),
            ("versioning", false.into()),
            (
                "expiration",
                object([
                    ("prefix", string(Avatar::ORIGINALS_PREFIX)),
                    ("days", number(config.upload.expire_originals_after_days)),
                ]),
            ),
            ("abort_incomplete_multipart_upload_days", number(1)),
            (
                "cors_rules",
                hcl::Expression::Array(vec![object([
                    ("allowed_methods", strings(cors.allowed_methods.clone())),
                    ("allowed_origins", strings(cors.allowed_origins.clone())),
                    ("allowed_headers", strings(cors.allowed_headers.clone())),
                    ("expose_headers", strings(cors.expose_headers.clone())),
                    ("max_age_seconds", number(cors.max_age_seconds)),
                ])]),
            ),
        ],
    );

    let distribution_arn = module_output(names::CDN, "cloudfront_distribution_arn");
    let assets = module_block(
        names::ASSETS,
        "private-bucket",
        vec![
            ("bucket_name", string(&config.buckets.assets)),
            ("force_destroy", config.buckets.force_destroy.into()),
            ("versioning", true.into()),
            ("noncurrent_version_expiration_days", number(30)),
            ("abort_incomplete_multipart_upload_days", number(1)),
            (
                "policy_statements",
                hcl::Expression::Array(vec![object([
                    ("Sid", string("AllowCloudFrontOriginAccessControl")),
                    ("Effect", string("Allow")),
                    (
                        "Principal",
                        object([("Service", string("cloudfront.amazonaws.com"))]),
                    ),
                    ("Action", string("s3:GetObject")),
                    (
                        "Resource",
                        // The bucket's ARN from its name: a module output here would make the module refer to itself.
                        string(format!("arn:aws:s3:::{}/*", config.buckets.assets)),
                    ),
                    (
                        "Condition",
                        object([(
                            "StringEquals",
                            object([("AWS:SourceArn", distribution_arn)]),
                        )]),
                    ),
                ])]),
            ),
        ],
    );

    let trigger = module_block(
        "avatar_resize_trigger",
        "s3-lambda-trigger",
        vec![
            ("bucket_id", module_output(names::UPLOADS, "s3_bucket_id")),
            ("bucket_arn", module_output(names::UPLOADS, "s3_bucket_arn")),
            ("source_account", string(&config.environment.account_id)),
            (
                "function_name",
                module_output(names::RESIZE, "lambda_function_name"),
            ),
            (
                "function_arn",
                module_output(names::RESIZE, "lambda_function_arn"),
            ),
            ("filter_prefixes", strings([Avatar::ORIGINALS_PREFIX])),
        ],
    );

    Body::builder()
        .add_block(uploads)
        .add_block(assets)
        .add_block(trigger)
        .build()
}
