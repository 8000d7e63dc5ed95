//! `functions.tf`: the three Rust Lambdas, each with its own least-privilege role. The resizer is invoked
//! asynchronously by S3, so it gets bounded retries and an SQS on-failure destination; the two HTTP handlers are
//! invoked synchronously by the HTTP API.

use hcl::{Body, Expression};

use super::{module_block, module_output, names};
use crate::config::{Avatar, Config, Function};
use crate::tf::{number, object, string, template};

/// Binary names of the Lambdas; `cargo lambda build` writes `target/lambda/<name>/bootstrap.zip`.
pub const RESIZE_BIN: &str = "avatar-resize";
pub const UPLOAD_URL_BIN: &str = "upload-url";
pub const PROFILE_API_BIN: &str = "profile-api";

pub fn body(config: &Config) -> Body {
    let avatar = &config.avatar;
    let resize_env = env_vars([
        ("ASSETS_BUCKET", string(&config.buckets.assets)),
        ("AVATAR_BACKGROUND", string(&avatar.background)),
        ("AVATAR_CACHE_CONTROL", string(&avatar.cache_control)),
        ("AVATAR_FORMAT", string(avatar.format.as_str())),
        ("AVATAR_QUALITY", string(avatar.quality.to_string())),
        ("AVATAR_SIZE", string(avatar.size.to_string())),
        (
            "CLOUDFRONT_DISTRIBUTION_ID",
            module_output(names::CDN, "cloudfront_distribution_id"),
        ),
        (
            "MAX_INPUT_BYTES",
            string(config.upload.max_bytes.to_string()),
        ),
        ("MAX_PIXELS", string(avatar.max_pixels.to_string())),
        ("MAX_DIMENSION", string(avatar.max_dimension.to_string())),
        ("ORIGINALS_PREFIX", string(Avatar::ORIGINALS_PREFIX)),
        ("OUTPUT_PREFIX", string(Avatar::OUTPUT_PREFIX)),
    ]);
    let resize_policy = vec![
        statement(
            "ReadAndTagOriginals",
            &["s3:GetObject", "s3:PutObjectTagging"],
            object_arn(names::UPLOADS, Avatar::ORIGINALS_PREFIX),
        ),
        statement(
            "WriteAvatars",
            &["s3:PutObject"],
            object_arn(names::ASSETS, Avatar::OUTPUT_PREFIX),
        ),
        statement(
            "InvalidateAvatars",
            &["cloudfront:CreateInvalidation"],
            module_output(names::CDN, "cloudfront_distribution_arn"),
        ),
    ];
    let resize = function(
        config,
        names::RESIZE,
        RESIZE_BIN,
        "Resizes each new avatar original into the public avatar",
        &config.lambda.avatar_resize,
        resize_env,
        resize_policy,
    );

    let upload_env = env_vars([
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
        ("AVATAR_BASE_URL", super::avatar_base_url()),
        ("AVATAR_EXTENSION", string(avatar.format.extension())),
        (
            "MAX_UPLOAD_BYTES",
            string(config.upload.max_bytes.to_string()),
        ),
        ("ORIGINALS_PREFIX", string(Avatar::ORIGINALS_PREFIX)),
        ("UPLOADS_BUCKET", string(&config.buckets.uploads)),
        (
            "URL_TTL_SECONDS",
            string(config.upload.url_ttl_seconds.to_string()),
        ),
    ]);
    // Presigning signs with the function's own credentials, so the role needs the permission the URL grants.
    let upload_policy = vec![statement(
        "PresignOriginalUploads",
        &["s3:PutObject"],
        object_arn(names::UPLOADS, Avatar::ORIGINALS_PREFIX),
    )];
    let upload = function(
        config,
        names::UPLOAD_URL,
        UPLOAD_URL_BIN,
        "Returns a presigned upload for the signed-in user's avatar original",
        &config.lambda.upload_url,
        upload_env,
        upload_policy,
    );

    let database = &config.database;
    let parameter_arn = format!(
        "arn:aws:ssm:{}:{}:parameter{}",
        config.environment.region, config.environment.account_id, database.url_parameter
    );
    let mut profile_policy = vec![statement(
        "ReadDatabaseUrl",
        &["ssm:GetParameter"],
        string(&parameter_arn),
    )];
    if let Some(key) = &database.kms_key_arn {
        // Only to decrypt through SSM, the one use the function has for the key.
        profile_policy.push(object([
            ("Sid", string("DecryptDatabaseUrl")),
            ("Effect", string("Allow")),
            ("Action", string("kms:Decrypt")),
            ("Resource", string(key)),
            (
                "Condition",
                object([(
                    "StringEquals",
                    object([(
                        "kms:ViaService",
                        string(format!("ssm.{}.amazonaws.com", config.environment.region)),
                    )]),
                )]),
            ),
        ]));
    }
    let mut profile = function(
        config,
        names::PROFILE_API,
        PROFILE_API_BIN,
        "Reads and updates the signed-in user's profile",
        &config.lambda.profile_api,
        env_vars([("DATABASE_URL_PARAMETER", string(&database.url_parameter))]),
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

    Body::builder()
        .add_block(resize)
        .add_block(upload)
        .add_block(profile)
        .build()
}

fn function(
    config: &Config,
    module: &str,
    bin: &str,
    description: &str,
    settings: &Function,
    environment: Expression,
    statements: Vec<Expression>,
) -> hcl::Block {
    let mut attributes = vec![
        (
            "function_name",
            string(format!("{}-{}", config.name_prefix(), bin)),
        ),
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

fn statement(sid: &str, actions: &[&str], resource: Expression) -> Expression {
    let action = if actions.len() == 1 {
        string(actions[0])
    } else {
        crate::tf::strings(actions.iter().copied())
    };
    object([
        ("Sid", string(sid)),
        ("Effect", string("Allow")),
        ("Action", action),
        ("Resource", resource),
    ])
}

/// `"${module.<bucket>.s3_bucket_arn}/<prefix>*"`: objects under one prefix of one bucket.
fn object_arn(bucket_module: &str, prefix: &str) -> Expression {
    template(&format!(
        "${{module.{bucket_module}.s3_bucket_arn}}/{prefix}*"
    ))
}
