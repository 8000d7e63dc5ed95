//! The config file exactly as written: serde structs that refuse unknown keys and keep the span of every value
//! that a later check may need to point at. Nothing here decides what is valid; see `rules.rs`.

use serde::Deserialize;
use toml::Spanned;

type S<T> = Option<Spanned<T>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub environment: RawEnvironment,
    pub backend: Option<Spanned<RawBackend>>,
    pub emulator: Option<Spanned<RawEmulator>>,
    pub domain: Option<RawDomain>,
    pub buckets: RawBuckets,
    #[serde(default)]
    pub upload: RawUpload,
    #[serde(default)]
    pub avatar: RawAvatar,
    pub api: RawApi,
    #[serde(default)]
    pub cdn: RawCdn,
    #[serde(default)]
    pub database: RawDatabase,
    #[serde(default)]
    pub lambda: RawLambda,
    pub images: Option<Spanned<Vec<Spanned<RawImageKind>>>>,
    pub github: Option<Spanned<RawGithub>>,
    #[serde(default)]
    pub plan_review: RawPlanReview,
    #[serde(default)]
    pub alerts: RawAlerts,
    #[serde(default)]
    pub account: RawAccount,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    pub guardrails: S<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlerts {
    pub emails: S<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvironment {
    pub name: Spanned<String>,
    pub stage: Spanned<String>,
    pub region: Spanned<String>,
    pub account_id: Spanned<String>,
    pub project: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBackend {
    pub bucket: Spanned<String>,
    pub key: Spanned<String>,
    pub region: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmulator {
    pub endpoint: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDomain {
    pub assets: Spanned<String>,
    pub certificate_arn: Spanned<String>,
    pub hosted_zone_id: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBuckets {
    pub uploads: Spanned<String>,
    pub assets: Spanned<String>,
    pub force_destroy: S<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUpload {
    pub max_bytes: S<i64>,
    pub content_types: S<Vec<Spanned<String>>>,
    pub url_ttl_seconds: S<i64>,
    pub expire_originals_after_days: S<i64>,
    pub uploads_per_user_per_hour: S<i64>,
    pub resizes_per_user_per_hour: S<i64>,
    pub legacy_requests: S<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAvatar {
    pub size: S<i64>,
    pub format: S<String>,
    pub quality: S<i64>,
    pub cache_control: S<String>,
    pub max_pixels: S<i64>,
    pub max_dimension: S<i64>,
    pub background: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApi {
    pub cors_origins: Spanned<Vec<Spanned<String>>>,
    pub cors_max_age_seconds: S<i64>,
    pub jwt_issuer: Spanned<String>,
    pub jwt_audience: Spanned<Vec<Spanned<String>>>,
    pub throttling_burst_limit: S<i64>,
    pub throttling_rate_limit: S<i64>,
    pub requests_per_user_per_5_minutes: S<i64>,
    pub requests_per_address_per_5_minutes: S<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCdn {
    pub price_class: S<String>,
    pub allow_default_certificate: S<bool>,
    pub invalidate_on_upload: S<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    pub url_parameter: S<String>,
    pub connect_timeout_seconds: S<i64>,
    pub kms_key_arn: S<String>,
    pub network: S<String>,
    pub subnet_ids: Option<Spanned<Vec<Spanned<String>>>>,
    pub security_group_id: S<String>,
    pub port: S<i64>,
    pub ssm_access: S<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLambda {
    pub architecture: S<String>,
    pub log_retention_days: S<i64>,
    pub account_concurrency: S<i64>,
    #[serde(default)]
    pub avatar_resize: RawFunction,
    #[serde(default)]
    pub upload_url: RawFunction,
    #[serde(default)]
    pub profile_api: RawFunction,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    pub memory_mb: S<i64>,
    pub timeout_seconds: S<i64>,
    pub reserved_concurrency: S<i64>,
    pub max_retries: S<i64>,
    pub max_concurrency: S<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGithub {
    pub repository: Spanned<String>,
    pub plan_role: S<bool>,
    pub apply_role: S<bool>,
    pub apply_environment: S<String>,
    /// Replaced by `apply_environment`; kept only to say so when an old config still has it.
    pub apply_branch: S<String>,
    pub owner_id: S<i64>,
    pub repository_id: S<i64>,
    pub create_oidc_provider: S<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlanReview {
    pub allow_destroy: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImageKind {
    pub name: Spanned<String>,
    pub route: Spanned<String>,
    pub originals_prefix: Spanned<String>,
    pub output_prefix: Spanned<String>,
    pub outputs: Spanned<Vec<Spanned<RawImageOutput>>>,
    pub alternates: S<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImageOutput {
    pub width: Spanned<i64>,
    pub height: Spanned<i64>,
    pub fit: S<String>,
    pub format: S<String>,
    pub quality: S<i64>,
    pub suffix: S<String>,
}
