//! `functions.tf`: the Rust Lambdas (a resizer and an upload function per image kind, and profile-api), each with
//! its own least-privilege role and its alarms, and the SNS topic the alarms email with `[alerts]`. The resizer is fed
//! by its kind's SQS queue (`storage.tf`), whose redrive ends in the function's failure queue; the two HTTP handlers
//! are invoked synchronously by the HTTP API.

use hcl::{Body, Expression};

use super::{module_block, module_output};
use pipeline_contract::settings::{
    ApiCaller, FunctionSettings, ProfileApiSettings, ProfileImageOutput, ProfileImageSettings,
    ResizerSettings, UploadUrlSettings,
};
use pipeline_contract::OutputFormat;

use crate::config::{Config, Function, ImageKind, ImageOutput};
use crate::tf::{number, object, string, template};
use crate::topology::{names, KindNames, PROFILE_API_BIN, RESIZE_BIN, UPLOAD_URL_BIN};

pub fn body(config: &Config) -> Body {
    let mut body = Body::builder();
    for kind in &config.images {
        let names = KindNames::of(config, kind);
        body = body
            .add_blocks(resize_function(config, kind, &names))
            .add_blocks(upload_function(config, kind, &names));
    }
    body = body.add_blocks(profile_function(config));
    if !config.alert_emails.is_empty() {
        let mut alerts = vec![
            (
                "topic_name",
                string(format!("{}-alarms", config.name_prefix())),
            ),
            ("emails", crate::tf::strings(config.alert_emails.clone())),
        ];
        if config.guardrails {
            // The account's external-access findings reach the same people as the alarms.
            alerts.push((
                "event_rule_arns",
                Expression::Array(vec![module_output(names::GUARDRAILS, "findings_rule_arn")]),
            ));
        }
        body = body.add_block(module_block(names::ALERTS, "alerts", alerts));
    }
    body.build()
}

/// The kind's resizer: reads and tags only its originals, writes only under its output prefix.
fn resize_function(config: &Config, kind: &ImageKind, names: &KindNames) -> [hcl::Block; 2] {
    let avatar = &config.avatar;
    let settings = ResizerSettings {
        kind: kind.name.clone(),
        assets_bucket: config.buckets.assets.clone(),
        originals_prefix: kind.originals_prefix.clone(),
        output_prefix: kind.output_prefix.clone(),
        outputs: kind.outputs.iter().map(ImageOutput::settings).collect(),
        alternate_formats: kind.alternates.clone(),
        background: avatar.background.clone(),
        cache_control: avatar.cache_control.clone(),
        allowed_types: config.upload.content_types.clone(),
        max_input_bytes: config.upload.max_bytes,
        max_pixels: avatar.max_pixels,
        max_dimension: avatar.max_dimension,
        distribution_id: None,
        quota_table: String::new(),
        resizes_per_user_per_hour: config.upload.resizes_per_user_per_hour,
    };
    // Only with `cdn.invalidate_on_upload`: by default the stable URLs expire on their own (a short max-age).
    let invalidate = config.cdn.invalidate_on_upload;
    let quota_table = (
        "quota_table",
        module_output(names::UPLOAD_QUOTA, "table_name"),
    );
    let env = if invalidate {
        settings_object(
            &settings,
            [
                (
                    "distribution_id",
                    module_output(names::CDN, "cloudfront_distribution_id"),
                ),
                quota_table,
            ],
        )
    } else {
        settings_object(&settings, [quota_table])
    };
    let mut policy = vec![
        // DeleteObject for originals refused unread (too large, or a type the kind does not take).
        statement(
            "ReadTagAndDeleteOriginals",
            &["s3:GetObject", "s3:PutObjectTagging", "s3:DeleteObject"],
            vec![object_arn(names::UPLOADS, &kind.originals_prefix)],
        ),
        // GetObject for the HEADs that read which upload each output was made from (its ETag and sequencer), and
        // the manifest; PutObjectTagging marks a replaced version's copies for the lifecycle rule.
        statement(
            "WriteAndCheckOutputs",
            &["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"],
            vec![object_arn(names::ASSETS, &kind.output_prefix)],
        ),
        // The event source mapping polls the kind's queue with the function's role.
        statement(
            "ReceiveOwnEvents",
            &[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
            ],
            vec![string(names.resize_queue_arn(config))],
        ),
        statement(
            "CountResizesPerUser",
            &["dynamodb:UpdateItem"],
            vec![module_output(names::UPLOAD_QUOTA, "table_arn")],
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
    if invalidate {
        policy.push(statement(
            "InvalidateOutputs",
            &["cloudfront:CreateInvalidation"],
            vec![module_output(names::CDN, "cloudfront_distribution_arn")],
        ));
    }
    function(
        config,
        &names.resize_module,
        &names.resize_function,
        RESIZE_BIN,
        &format!("Resizes each new {} original into its outputs", kind.name),
        &config.lambda.avatar_resize,
        env,
        policy,
        vec![quota_unavailable_alarm(
            &names.resize_function,
            "an original against the user's hourly resize budget",
        )],
    )
}

/// The alarm on a per-user budget that could not be counted (the function allowed the request: fail open).
fn quota_unavailable_alarm(function: &str, what: &str) -> Expression {
    object([
        ("name", string("quota-unavailable")),
        (
            "pattern",
            string(format!(
                "\"{}\"",
                pipeline_contract::logs::QUOTA_UNAVAILABLE
            )),
        ),
        (
            "description",
            string(format!(
                "{function} could not count {what} and allowed it (see its log group)."
            )),
        ),
    ])
}

/// The kind's presigned-upload endpoint: may only sign uploads under its originals prefix.
fn upload_function(config: &Config, kind: &ImageKind, names: &KindNames) -> [hcl::Block; 2] {
    let settings = UploadUrlSettings {
        uploads_bucket: config.buckets.uploads.clone(),
        originals_prefix: kind.originals_prefix.clone(),
        allowed_types: config.upload.content_types.clone(),
        max_upload_bytes: config.upload.max_bytes,
        url_ttl_seconds: config.upload.url_ttl_seconds,
        output_base_url: String::new(),
        output_format: kind.main_output().map_or(OutputFormat::Jpeg, |o| o.format),
        quota_table: String::new(),
        uploads_per_user_per_hour: config.upload.uploads_per_user_per_hour,
        legacy_requests: config.upload.legacy_requests,
        caller: api_caller(config),
    };
    let env = settings_object(
        &settings,
        [
            ("output_base_url", super::output_base_url(kind)),
            (
                "quota_table",
                module_output(names::UPLOAD_QUOTA, "table_name"),
            ),
            ("caller", api_caller_expression(config)),
        ],
    );
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
        // The per-user budget fails open (a DynamoDB failure must not stop uploads): each time is an alarm.
        vec![quota_unavailable_alarm(
            &names.upload_function,
            "an upload URL against the user's hourly budget",
        )],
    )
}

/// Every kind's stable outputs, for the image URLs of the profile answer.
fn profile_images(config: &Config) -> Vec<ProfileImageSettings> {
    config
        .images
        .iter()
        .map(|kind| ProfileImageSettings {
            kind: kind.name.clone(),
            output_prefix: kind.output_prefix.clone(),
            outputs: kind
                .outputs
                .iter()
                .map(|output| ProfileImageOutput {
                    width: output.width,
                    height: output.height,
                    format: output.format,
                    suffix: output.suffix.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The SSM parameter holding the database URL, the one parameter profile-api may read.
pub(super) fn database_url_parameter_arn(config: &Config) -> String {
    format!(
        "arn:aws:ssm:{}:{}:parameter{}",
        config.environment.region, config.environment.account_id, config.database.url_parameter
    )
}

/// The profile function, and with `[database] network = "vpc"` the network path to its database
/// (`modules/database-access`).
/// `<project>-<env>-profile-api`: the function, and its role, that reads the database URL.
pub(crate) fn profile_function_name(config: &Config) -> String {
    format!("{}-{PROFILE_API_BIN}", config.name_prefix())
}

/// Which of github-oidc's two permissions boundaries a function's role carries: profile-api's reads the database
/// URL and no bucket; every other function works on objects and never reads the database URL.
fn boundary_output(module: &str) -> &'static str {
    if module == names::PROFILE_API {
        "database_function_boundary_arn"
    } else {
        "function_boundary_arn"
    }
}

fn profile_function(config: &Config) -> Vec<hcl::Block> {
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
        &profile_function_name(config),
        PROFILE_API_BIN,
        "Reads and updates the signed-in user's profile",
        &config.lambda.profile_api,
        settings_object(
            &ProfileApiSettings {
                database_url_parameter: database.url_parameter.clone(),
                // profile-api honours `sslmode=disable` only on a local stage.
                stage: config.environment.stage.as_str().to_owned(),
                connect_timeout_seconds: database.connect_timeout_seconds,
                caller: api_caller(config),
                assets_base_url: String::new(),
                images: profile_images(config),
            },
            [
                ("caller", api_caller_expression(config)),
                (
                    "assets_base_url",
                    module_output(names::CDN, "cloudfront_base_url"),
                ),
            ],
        ),
        profile_policy,
        Vec::new(),
    );
    let Some(vpc) = &database.vpc else {
        return profile.into();
    };
    // In the database's VPC: its subnets, and the security group modules/database-access makes for it.
    for (name, value) in [
        ("vpc_subnet_ids", crate::tf::strings(vpc.subnet_ids.clone())),
        (
            "vpc_security_group_ids",
            Expression::Array(vec![module_output(
                names::DATABASE_ACCESS,
                "database_access_security_group_id",
            )]),
        ),
    ] {
        profile[1]
            .body
            .0
            .push(hcl::Attribute::new(name, value).into());
    }
    let access = module_block(
        names::DATABASE_ACCESS,
        "database-access",
        vec![
            ("name", string(profile_function_name(config))),
            ("subnet_ids", crate::tf::strings(vpc.subnet_ids.clone())),
            (
                "database_security_group_id",
                string(&vpc.database_security_group_id),
            ),
            ("database_port", number(vpc.port)),
            ("ssm_access", string(vpc.ssm_access.as_str())),
        ],
    );
    let [locals, function] = profile;
    vec![locals, function, access]
}

#[allow(clippy::too_many_arguments)] // one call per function kind; a struct would only rename the arguments
fn function(
    config: &Config,
    module: &str,
    function_name: &str,
    bin: &str,
    description: &str,
    settings: &Function,
    contract_settings: Expression,
    statements: Vec<Expression>,
    log_alarms: Vec<Expression>,
) -> [hcl::Block; 2] {
    let settings_local = format!("{module}_settings");
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
            module_output(names::GITHUB, boundary_output(module)),
        ));
    }
    if !config.alert_emails.is_empty() {
        attributes.push((
            "alarm_topic_arns",
            Expression::Array(vec![module_output(names::ALERTS, "topic_arn")]),
        ));
    }
    attributes.push((
        "environment_variables",
        object([(
            pipeline_contract::settings::VARIABLE,
            crate::tf::jsonencode(crate::tf::reference(&format!("local.{settings_local}"))),
        )]),
    ));
    attributes.push(("policy_statements", Expression::Array(statements)));
    if !log_alarms.is_empty() {
        attributes.push(("log_alarms", Expression::Array(log_alarms)));
    }
    let locals = hcl::Block::builder("locals")
        .add_attribute((settings_local.as_str(), contract_settings))
        .build();
    [locals, module_block(module, "lambda-function", attributes)]
}

/// The function's contract settings as an HCL object, field for field as serde writes them, with `references`
/// replacing the fields only Terraform knows (a module's output). [`function`] puts it in a `locals` entry, so a
/// PR shows one field per line, and passes it as `SETTINGS = jsonencode(local.<module>_settings)`.
fn settings_object<const N: usize>(
    settings: &impl FunctionSettings,
    references: [(&str, Expression); N],
) -> Expression {
    let Ok(Expression::Object(fields)) = hcl::to_expression(settings) else {
        unreachable!("a settings struct serialises to an HCL object");
    };
    let mut fields: Vec<(String, Expression)> = fields
        .into_iter()
        .map(|(key, value)| (bare_key(&key), with_bare_keys(value)))
        .collect();
    for (field, reference) in references {
        let Some(slot) = fields.iter_mut().find(|(key, _)| key == field) else {
            unreachable!("{field} is not a settings field");
        };
        slot.1 = reference;
    }
    object(fields)
}

/// serde's object keys come out as quoted strings; settings field names are identifiers, printed bare.
fn bare_key(key: &hcl::ObjectKey) -> String {
    match key {
        hcl::ObjectKey::Identifier(id) => id.to_string(),
        hcl::ObjectKey::Expression(Expression::String(s)) => s.clone(),
        other => other.to_string(),
    }
}

fn with_bare_keys(value: Expression) -> Expression {
    match value {
        Expression::Object(fields) => object(
            fields
                .into_iter()
                .map(|(key, value)| (bare_key(&key), with_bare_keys(value))),
        ),
        Expression::Array(items) => {
            Expression::Array(items.into_iter().map(with_bare_keys).collect())
        }
        other => other,
    }
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
/// The caller both API functions accept: this environment's account and its HTTP API (the id is the module's
/// output, filled in by [`api_caller_expression`]; a Lambda permission without a source ARN would otherwise let
/// a foreign API invoke them).
fn api_caller(config: &Config) -> ApiCaller {
    ApiCaller {
        account_id: config.environment.account_id.clone(),
        api_id: String::new(),
    }
}

fn api_caller_expression(config: &Config) -> Expression {
    object([
        ("account_id", string(&config.environment.account_id)),
        ("api_id", module_output(names::API, "apigatewayv2_api_id")),
    ])
}

fn object_arn(bucket_module: &str, prefix: &str) -> Expression {
    template(&format!(
        "${{module.{bucket_module}.s3_bucket_arn}}/{prefix}*"
    ))
}
