//! `functions.tf`: the Rust Lambdas (a resizer and an upload function per image kind, and profile-api), each with
//! its own least-privilege role and its alarms, and the SNS topic the alarms email with `[alerts]`. The resizer is invoked
//! asynchronously by S3, so it gets bounded retries and an SQS on-failure destination; the two HTTP handlers are
//! invoked synchronously by the HTTP API.

use hcl::{Body, Expression};

use super::{module_block, module_output};
use crate::config::{Config, Function, ImageKind};
use crate::tf::{number, object, string, template};
use crate::topology::{names, KindNames, PROFILE_API_BIN, RESIZE_BIN, UPLOAD_URL_BIN};

pub fn body(config: &Config) -> Body {
    let mut body = Body::builder();
    for kind in &config.images {
        let names = KindNames::of(config, kind);
        body = body
            .add_block(resize_function(config, kind, &names))
            .add_block(upload_function(config, kind, &names));
    }
    body = body.add_block(profile_function(config));
    if !config.alert_emails.is_empty() {
        body = body.add_block(module_block(
            names::ALERTS,
            "alerts",
            vec![
                (
                    "topic_name",
                    string(format!("{}-alarms", config.name_prefix())),
                ),
                ("emails", crate::tf::strings(config.alert_emails.clone())),
            ],
        ));
    }
    body.build()
}

/// `<w>x<h>:<format>:<quality>:<suffix>` per output, comma-separated (the resizer's `OUTPUTS`).
fn outputs_spec(kind: &ImageKind) -> String {
    kind.outputs
        .iter()
        .map(|o| {
            format!(
                "{}x{}:{}:{}:{}",
                o.width,
                o.height,
                o.format.as_str(),
                o.quality,
                o.suffix
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The kind's resizer: reads and tags only its originals, writes only under its output prefix.
fn resize_function(config: &Config, kind: &ImageKind, names: &KindNames) -> hcl::Block {
    let avatar = &config.avatar;
    let env = env_vars([
        (
            "ALLOWED_FORMATS",
            string(crate::config::ContentType::join(
                &config.upload.content_types,
            )),
        ),
        ("ASSETS_BUCKET", string(&config.buckets.assets)),
        ("AVATAR_BACKGROUND", string(&avatar.background)),
        ("AVATAR_CACHE_CONTROL", string(&avatar.cache_control)),
        (
            "CLOUDFRONT_DISTRIBUTION_ID",
            module_output(names::CDN, "cloudfront_distribution_id"),
        ),
        ("IMAGE_KIND", string(&kind.name)),
        (
            "MAX_INPUT_BYTES",
            string(config.upload.max_bytes.to_string()),
        ),
        ("MAX_PIXELS", string(avatar.max_pixels.to_string())),
        ("MAX_DIMENSION", string(avatar.max_dimension.to_string())),
        ("ORIGINALS_PREFIX", string(&kind.originals_prefix)),
        ("OUTPUTS", string(outputs_spec(kind))),
        ("OUTPUT_PREFIX", string(&kind.output_prefix)),
    ]);
    let policy = vec![
        statement(
            "ReadAndTagOriginals",
            &["s3:GetObject", "s3:PutObjectTagging"],
            vec![object_arn(names::UPLOADS, &kind.originals_prefix)],
        ),
        // GetObject for the HEAD that finds outputs already made from the same upload (a reused URL).
        statement(
            "WriteAndCheckOutputs",
            &["s3:GetObject", "s3:PutObject"],
            vec![object_arn(names::ASSETS, &kind.output_prefix)],
        ),
        statement(
            "InvalidateOutputs",
            &["cloudfront:CreateInvalidation"],
            vec![module_output(names::CDN, "cloudfront_distribution_arn")],
        ),
        // Without it S3 answers a GetObject of a deleted original (or a HEAD of a first output) with 403 instead
        // of 404, and the resizer retries an event it should ignore. S3 makes that check without an `s3:prefix`,
        // so it cannot be narrowed to the kind's prefixes; it lists key names only, never reads objects.
        statement(
            "ListSoAMissingKeyIsNotFound",
            &["s3:ListBucket"],
            vec![
                module_output(names::UPLOADS, "s3_bucket_arn"),
                module_output(names::ASSETS, "s3_bucket_arn"),
            ],
        ),
    ];
    function(
        config,
        &names.resize_module,
        &names.resize_function,
        RESIZE_BIN,
        &format!("Resizes each new {} original into its outputs", kind.name),
        &config.lambda.avatar_resize,
        env,
        policy,
    )
}

/// The kind's presigned-upload endpoint: may only sign uploads under its originals prefix.
fn upload_function(config: &Config, kind: &ImageKind, names: &KindNames) -> hcl::Block {
    let extension = kind.main_output().map_or("jpg", |o| o.format.extension());
    let env = env_vars([
        (
            "ALLOWED_CONTENT_TYPES",
            string(
                config
                    .upload
                    .content_types
                    .iter()
                    .map(|t| t.mime())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ),
        ("AVATAR_BASE_URL", super::output_base_url(kind)),
        ("AVATAR_EXTENSION", string(extension)),
        (
            "MAX_UPLOAD_BYTES",
            string(config.upload.max_bytes.to_string()),
        ),
        ("ORIGINALS_PREFIX", string(&kind.originals_prefix)),
        (
            "UPLOAD_QUOTA_TABLE",
            module_output(names::UPLOAD_QUOTA, "table_name"),
        ),
        ("UPLOADS_BUCKET", string(&config.buckets.uploads)),
        (
            "UPLOADS_PER_USER_PER_HOUR",
            string(config.upload.uploads_per_user_per_hour.to_string()),
        ),
        (
            "URL_TTL_SECONDS",
            string(config.upload.url_ttl_seconds.to_string()),
        ),
    ]);
    // Presigning signs with the function's own credentials, so the role needs the permission the URL grants.
    let policy = vec![
        statement(
            "PresignOriginalUploads",
            &["s3:PutObject"],
            vec![object_arn(names::UPLOADS, &kind.originals_prefix)],
        ),
        statement(
            "CountUploadUrlsPerUser",
            &["dynamodb:UpdateItem"],
            vec![module_output(names::UPLOAD_QUOTA, "table_arn")],
        ),
    ];
    function(
        config,
        &names.upload_module,
        &names.upload_function,
        UPLOAD_URL_BIN,
        &format!(
            "Returns a presigned upload for the signed-in user's {} original",
            kind.name
        ),
        &config.lambda.upload_url,
        env,
        policy,
    )
}

/// The SSM parameter holding the database URL, the one parameter profile-api may read.
pub(super) fn database_url_parameter_arn(config: &Config) -> String {
    format!(
        "arn:aws:ssm:{}:{}:parameter{}",
        config.environment.region, config.environment.account_id, config.database.url_parameter
    )
}

fn profile_function(config: &Config) -> hcl::Block {
    let database = &config.database;
    let parameter_arn = database_url_parameter_arn(config);
    let mut profile_policy = vec![statement(
        "ReadDatabaseUrl",
        &["ssm:GetParameter"],
        vec![string(&parameter_arn)],
    )];
    if let Some(key) = &database.kms_key_arn {
        // Only to decrypt through SSM, the one use the function has for the key.
        let mut decrypt = statement("DecryptDatabaseUrl", &["kms:Decrypt"], vec![string(key)]);
        if let Expression::Object(fields) = &mut decrypt {
            let via_ssm = format!("ssm.{}.amazonaws.com", config.environment.region);
            fields.insert(
                "Condition".into(),
                object([(
                    "StringEquals",
                    object([("kms:ViaService", crate::tf::strings([via_ssm.as_str()]))]),
                )]),
            );
        }
        profile_policy.push(decrypt);
    }
    let mut profile = function(
        config,
        names::PROFILE_API,
        &format!("{}-{PROFILE_API_BIN}", config.name_prefix()),
        PROFILE_API_BIN,
        "Reads and updates the signed-in user's profile",
        &config.lambda.profile_api,
        env_vars([
            ("DATABASE_URL_PARAMETER", string(&database.url_parameter)),
            // profile-api honours `sslmode=disable` only on a local stage.
            ("STAGE", string(config.environment.stage.as_str())),
        ]),
        profile_policy,
    );
    if let Some(vpc) = &database.vpc {
        for (name, ids) in [
            ("vpc_subnet_ids", &vpc.subnet_ids),
            ("vpc_security_group_ids", &vpc.security_group_ids),
        ] {
            let ids = crate::tf::strings(ids.clone());
            profile.body.0.push(hcl::Attribute::new(name, ids).into());
        }
    }

    profile
}

#[allow(clippy::too_many_arguments)] // one call per function kind; a struct would only rename the arguments
fn function(
    config: &Config,
    module: &str,
    function_name: &str,
    bin: &str,
    description: &str,
    settings: &Function,
    environment: Expression,
    statements: Vec<Expression>,
) -> hcl::Block {
    let mut attributes = vec![
        ("function_name", string(function_name)),
        ("description", string(description)),
        (
            "zip_path",
            template(&format!(
                "${{local.lambda_artifacts_dir}}/{bin}/bootstrap.zip"
            )),
        ),
        ("architecture", string(config.lambda.architecture.as_str())),
        ("memory_mb", number(settings.memory_mb)),
        ("timeout_seconds", number(settings.timeout_seconds)),
    ];
    if let Some(n) = settings.reserved_concurrency {
        attributes.push(("reserved_concurrency", number(n)));
    }
    attributes.push((
        "log_retention_days",
        number(config.lambda.log_retention_days),
    ));
    if let Some(retries) = settings.max_retries {
        attributes.push(("async_failure_queue", true.into()));
        attributes.push(("maximum_retry_attempts", number(retries)));
    }
    if config.emulator.is_some() {
        attributes.push(("local_emulator", true.into()));
    }
    if config.github.is_some() {
        // The CI apply role may create and pass roles only under this path and only with this boundary.
        attributes.push((
            "role_path",
            module_output(names::GITHUB, "function_role_path"),
        ));
        attributes.push((
            "permissions_boundary",
            module_output(names::GITHUB, "function_boundary_arn"),
        ));
    }
    if !config.alert_emails.is_empty() {
        attributes.push((
            "alarm_topic_arns",
            Expression::Array(vec![module_output(names::ALERTS, "topic_arn")]),
        ));
    }
    attributes.push(("environment_variables", environment));
    attributes.push(("policy_statements", Expression::Array(statements)));
    module_block(module, "lambda-function", attributes)
}

/// Environment variables in a fixed (sorted) order.
fn env_vars<const N: usize>(vars: [(&str, Expression); N]) -> Expression {
    let mut vars = vars.to_vec();
    vars.sort_by(|a, b| a.0.cmp(b.0));
    object(vars)
}

/// One Allow statement as lambda-function's typed `policy_statements` takes it: lists of actions and resources.
fn statement(sid: &str, actions: &[&str], resources: Vec<Expression>) -> Expression {
    object([
        ("Sid", string(sid)),
        ("Action", crate::tf::strings(actions.iter().copied())),
        ("Resource", Expression::Array(resources)),
    ])
}

/// `"${module.<bucket>.s3_bucket_arn}/<prefix>*"`: objects under one prefix of one bucket.
fn object_arn(bucket_module: &str, prefix: &str) -> Expression {
    template(&format!(
        "${{module.{bucket_module}.s3_bucket_arn}}/{prefix}*"
    ))
}
