//! Markdown rendered with tera: the README of each generated environment (what it deploys, at a glance).
//! Tera renders text only; Terraform is always built as HCL data in `stack/`.

use serde::Serialize;
use tera::{Context, Tera};

use crate::config::{Avatar, Backend, Config};
use crate::output::HEADER;

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
    ctx.insert("header", HEADER);
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
    ctx.insert("originals_prefix", Avatar::ORIGINALS_PREFIX);
    ctx.insert("output_prefix", Avatar::OUTPUT_PREFIX);
    ctx.insert("extension", config.avatar.format.extension());
    ctx.insert("size", &config.avatar.size);
    ctx.insert("format", config.avatar.format.as_str());
    ctx.insert("quality", &config.avatar.quality);
    ctx.insert(
        "domain",
        &config
            .domain
            .as_ref()
            .map(|d| d.assets.clone())
            .unwrap_or_else(|| "the distribution's *.cloudfront.net name".to_owned()),
    );
    ctx.insert("cors_origins", &config.api.cors_origins);
    ctx.insert("jwt_issuer", &config.api.jwt_issuer);
    ctx.insert(
        "routes",
        &crate::stack::ROUTES
            .iter()
            .map(|(r, _)| *r)
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
    let rows: Vec<FunctionRow> = [
        (crate::stack::RESIZE_BIN, &l.avatar_resize),
        (crate::stack::UPLOAD_URL_BIN, &l.upload_url),
        (crate::stack::PROFILE_API_BIN, &l.profile_api),
    ]
    .into_iter()
    .map(|(bin, f)| FunctionRow {
        name: format!("{}-{bin}", config.name_prefix()),
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
