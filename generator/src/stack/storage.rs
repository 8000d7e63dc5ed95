//! `storage.tf`: the private uploads and assets buckets, the S3 event that queues each new original for its kind's
//! resizer (an SQS queue whose event source mapping caps the resizer's concurrency), and the table of per-user
//! upload and resize counters. CORS origins come from the same config list as the HTTP API's.

use hcl::Body;
use pipeline_contract::delivery;

use super::{module_block, module_output};
use crate::config::model::DEFAULT_RESIZE_CONCURRENCY;
use crate::config::Config;
use crate::cors::UploadCors;
use crate::tf::{number, object, string, strings};
use crate::topology::names;

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
                    // The uploads bucket holds nothing but originals: with one kind, its prefix; with more, all.
                    (
                        "prefix",
                        string(match config.images.as_slice() {
                            [only] => only.originals_prefix.as_str(),
                            _ => "",
                        }),
                    ),
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
            // Versioned copies that no manifest names any more (the resizer tags them).
            (
                "tagged_expiration",
                object([
                    ("tag_key", string(delivery::SUPERSEDED_TAG.0)),
                    ("tag_value", string(delivery::SUPERSEDED_TAG.1)),
                    ("days", number(delivery::SUPERSEDED_COPIES_KEPT_DAYS)),
                ]),
            ),
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

    let resize = &config.lambda.avatar_resize;
    let targets = object(config.images.iter().map(|kind| {
        let names = crate::topology::KindNames::of(config, kind);
        let module = &names.resize_module;
        (
            kind.name.clone(),
            object([
                ("function_arn", module_output(module, "lambda_function_arn")),
                ("queue_name", string(&names.resize_queue)),
                ("filter_prefixes", strings([kind.originals_prefix.clone()])),
                (
                    "max_concurrency",
                    number(resize.max_concurrency.unwrap_or(DEFAULT_RESIZE_CONCURRENCY)),
                ),
                // Lambda's advice for an SQS source: at least six times the function's timeout.
                (
                    "visibility_timeout_seconds",
                    number(resize.timeout_seconds * 6),
                ),
                (
                    "failure_queue_arn",
                    module_output(module, "lambda_failure_queue_arn"),
                ),
                (
                    "max_receive_count",
                    number(u32::from(resize.max_retries.unwrap_or(2)) + 1),
                ),
            ]),
        )
    }));
    let trigger = module_block(
        names::TRIGGERS,
        "s3-lambda-trigger",
        vec![
            ("bucket_id", module_output(names::UPLOADS, "s3_bucket_id")),
            ("bucket_arn", module_output(names::UPLOADS, "s3_bucket_arn")),
            ("source_account", string(&config.environment.account_id)),
            ("targets", targets),
        ]
        .into_iter()
        .chain(
            config
                .emulator
                .is_some()
                .then(|| ("local_emulator", true.into())),
        )
        .collect(),
    );
    // Before image kinds the trigger served the avatar alone (`module.avatar_resize_trigger`).
    let moved = config.images.iter().any(|k| k.name == "avatar").then(|| {
        use crate::tf::reference;
        // (Its Lambda permission has no successor: S3 sends to a queue now.)
        [(
            reference("module.avatar_resize_trigger.aws_s3_bucket_notification.this"),
            reference(&format!(
                "module.{}.aws_s3_bucket_notification.this",
                names::TRIGGERS
            )),
        )]
    });

    // One counter per user and hour, shared by every kind's upload function (`upload.uploads_per_user_per_hour`).
    let quota = module_block(
        names::UPLOAD_QUOTA,
        "upload-quota",
        vec![(
            "table_name",
            string(format!("{}-upload-quota", config.name_prefix())),
        )],
    );

    Body::builder()
        .add_block(uploads)
        .add_block(assets)
        .add_block(trigger)
        .add_block(quota)
        .add_blocks(moved.into_iter().flatten().map(|(from, to)| {
            hcl::Block::builder("moved")
                .add_attribute(("from", from))
                .add_attribute(("to", to))
                .build()
        }))
        .build()
}
