//! Markdown rendered with tera: the README of each generated environment (what it deploys, at a glance).
//! Tera renders text only; Terraform is always built as HCL data in `stack/`.

use serde::Serialize;
use tera::{Context, Tera};

use crate::config::{Backend, Config};

const ENVIRONMENT_README: &str = include_str!("templates/environment.md.tera");

#[derive(Debug, thiserror::Error)]
#[error("could not render {template}: {source}")]
pub struct DocsError {
    template: &'static str,
    source: tera::Error,
}

impl DocsError {
    pub(crate) fn new(template: &'static str, source: tera::Error) -> Self {
        Self { template, source }
    }
}

#[derive(Serialize)]
struct KindRow {
    name: String,
    route: String,
    originals_prefix: String,
    outputs: String,
}

#[derive(Serialize)]
struct FunctionRow {
    name: String,
    memory_mb: u32,
    timeout_seconds: u32,
    reserved_concurrency: String,
}

/// A fresh tera instance with autoescaping off (the output is Markdown, not HTML).
pub(crate) fn engine(name: &'static str, source: &str) -> Result<Tera, DocsError> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![]);
    tera.add_raw_template(name, source)
        .map_err(|source| DocsError {
            template: name,
            source,
        })?;
    Ok(tera)
}

pub fn environment_readme(config: &Config) -> Result<String, DocsError> {
    const NAME: &str = "environment.md";
    let tera = engine(NAME, ENVIRONMENT_README)?;
    let env = &config.environment;
    let mut ctx = Context::new();
    ctx.insert("header", crate::GENERATED_HEADER);
    ctx.insert("name", &env.name);
    ctx.insert("stage", env.stage.as_str());
    ctx.insert("region", &env.region);
    ctx.insert("account_id", &env.account_id);
    ctx.insert(
        "backend",
        &match &config.backend {
            Backend::S3 { bucket, key, .. } => format!("S3 `s3://{bucket}/{key}` (lockfile)"),
            Backend::Local => "local `terraform.tfstate`".to_owned(),
        },
    );
    ctx.insert("uploads_bucket", &config.buckets.uploads);
    ctx.insert("assets_bucket", &config.buckets.assets);
    ctx.insert(
        "kinds",
        &config
            .images
            .iter()
            .map(|k| KindRow {
                name: k.name.clone(),
                route: k.route.clone(),
                originals_prefix: k.originals_prefix.clone(),
                outputs: k
                    .outputs
                    .iter()
                    .map(|o| {
                        format!(
                            "`{}<sub>{}.{}` {}×{} {} q{}",
                            k.output_prefix,
                            o.suffix,
                            o.format.extension(),
                            o.width,
                            o.height,
                            o.format.name(),
                            o.quality
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "domain",
        &config
            .domain
            .as_ref()
            .map(|d| d.assets.clone())
            .unwrap_or_else(|| "the distribution's *.cloudfront.net name".to_owned()),
    );
    ctx.insert("cors_origins", &config.api.cors_origins);
    ctx.insert("guardrails", &config.guardrails);
    ctx.insert("alerts", &!config.alert_emails.is_empty());
    ctx.insert("jwt_issuer", &config.api.jwt_issuer);
    ctx.insert(
        "routes",
        &crate::topology::routes(config)
            .into_keys()
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "content_types",
        &config
            .upload
            .content_types
            .iter()
            .map(|t| t.mime())
            .collect::<Vec<_>>(),
    );
    ctx.insert("max_bytes", &config.upload.max_bytes);
    ctx.insert("url_ttl_seconds", &config.upload.url_ttl_seconds);
    ctx.insert("expire_days", &config.upload.expire_originals_after_days);
    ctx.insert("architecture", config.lambda.architecture.as_str());
    ctx.insert("log_retention_days", &config.lambda.log_retention_days);
    let l = &config.lambda;
    let mut functions = Vec::new();
    for kind in &config.images {
        let names = crate::topology::KindNames::of(config, kind);
        functions.push((names.resize_function, &l.avatar_resize));
        functions.push((names.upload_function, &l.upload_url));
    }
    functions.push((
        format!(
            "{}-{}",
            config.name_prefix(),
            crate::topology::PROFILE_API_BIN
        ),
        &l.profile_api,
    ));
    let rows: Vec<FunctionRow> = functions
        .into_iter()
        .map(|(name, f)| FunctionRow {
            name,
            memory_mb: f.memory_mb,
            timeout_seconds: f.timeout_seconds,
            reserved_concurrency: f
                .reserved_concurrency
                .map_or_else(|| "unreserved".to_owned(), |n| n.to_string()),
        })
        .collect();
    ctx.insert("functions", &rows);
    tera.render(NAME, &ctx).map_err(|source| DocsError {
        template: NAME,
        source,
    })
}
