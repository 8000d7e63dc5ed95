//! The validated configuration: plain values, every default applied, every rule checked. Code that emits
//! Terraform only ever sees this type, so it never re-checks anything.

/// How strict the rules are and where the state lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Runs against the local emulator; local state; relaxed CORS.
    Local,
    /// A real AWS account for development; relaxed CORS (http and localhost allowed).
    Development,
    /// A real AWS account serving users; https origins only.
    Production,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Local => "local",
            Stage::Development => "development",
            Stage::Production => "production",
        }
    }

    /// Local and development stages may use http, localhost and `*` origins.
    pub fn is_relaxed(self) -> bool {
        matches!(self, Stage::Local | Stage::Development)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    pub stage: Stage,
    pub region: String,
    pub account_id: String,
    /// Prefix of every resource name: `<project>-<environment>-...`.
    pub project: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// S3 state with S3-native locking (`use_lockfile`).
    S3 {
        bucket: String,
        key: String,
        region: String,
    },
    /// `terraform.tfstate` next to the root; only for the local stage.
    Local,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emulator {
    /// Default AWS endpoint of the local stack (the provider reads `var.aws_endpoint`, so tests can move it).
    pub endpoint: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub assets: String,
    pub certificate_arn: String,
    pub hosted_zone_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buckets {
    pub uploads: String,
    pub assets: String,
    pub force_destroy: bool,
}

/// An upload's allowed type; the contract's, so the resizer enforces the same list by the same names.
pub use pipeline_contract::ImageType as ContentType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub max_bytes: u64,
    /// Sorted and unique.
    pub content_types: Vec<ContentType>,
    pub url_ttl_seconds: u32,
    pub expire_originals_after_days: u32,
    /// Upload URLs one user may get per hour, over all image kinds (a DynamoDB counter per user and hour).
    pub uploads_per_user_per_hour: u32,
    /// Originals of one user the resizers decode per hour, over all kinds (same table, its own counter); the rest
    /// are deleted unread.
    pub resizes_per_user_per_hour: u32,
    /// Whether the upload endpoints take the reference frontend's `{"extension": "jpg"}`, which binds a type but
    /// no size (the resizer deletes an oversized original on arrival).
    pub legacy_requests: bool,
}

/// An output's format; the contract's, so the resizer encodes what the config names.
pub use pipeline_contract::OutputFormat as ImageFormat;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Avatar {
    pub size: u32,
    pub format: ImageFormat,
    pub quality: u8,
    pub cache_control: String,
    pub max_pixels: u64,
    pub max_dimension: u32,
    /// `#rrggbb`, the colour transparent pixels are flattened onto for JPEG.
    pub background: String,
}

impl Avatar {
    /// Where the browser's original lands in the uploads bucket (`<prefix><sub>`).
    pub const ORIGINALS_PREFIX: &'static str = "avatars/original/";
    /// Where the processed avatar lands in the assets bucket (`<prefix><sub>.<ext>`).
    pub const OUTPUT_PREFIX: &'static str = "avatars/";
}

/// One kind of user image (the avatar, the banner, ...): its upload route, where its originals arrive in the
/// uploads bucket and where its outputs go in the assets bucket. The kind comes from the route (upload) and the
/// prefix (resize), never from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageKind {
    /// `[a-z][a-z0-9]*`, unique; names the kind's functions and modules.
    pub name: String,
    /// The path of `POST <route>` on the HTTP API, e.g. `/avatars/key_upload`.
    pub route: String,
    /// In the uploads bucket, ends with `/`; the user id is the rest of the key.
    pub originals_prefix: String,
    /// In the assets bucket, ends with `/`.
    pub output_prefix: String,
    /// 1..=5; the first is the kind's main image (`<output_prefix><sub>.<ext>`).
    pub outputs: Vec<ImageOutput>,
    /// Formats each JPEG output is also written in (`<output_prefix><sub>.webp` beside `.jpg`), served instead of
    /// the JPEG to clients whose `Accept` names them (`pipeline_contract::delivery::negotiation_rule`).
    pub alternates: Vec<ImageFormat>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageOutput {
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    pub quality: u8,
    /// Between the user id and the extension: `""` for the main output, e.g. `"_128"` for others.
    pub suffix: String,
}

impl ImageOutput {
    /// The resizer's view of it (what the contract checks and the function reads).
    pub fn settings(&self) -> pipeline_contract::settings::OutputSettings {
        pipeline_contract::settings::OutputSettings {
            width: self.width,
            height: self.height,
            format: self.format,
            quality: self.quality,
            suffix: self.suffix.clone(),
        }
    }
}

impl ImageKind {
    /// The CDN's format rule for this kind, if it has alternates.
    pub fn negotiation_rule(&self) -> Option<pipeline_contract::delivery::NegotiationRule> {
        let outputs: Vec<_> = self.outputs.iter().map(ImageOutput::settings).collect();
        pipeline_contract::delivery::negotiation_rule(
            &self.output_prefix,
            &outputs,
            &self.alternates,
        )
    }

    /// Every kind's alternates unless its `[[images]]` table says otherwise: WebP, which every current browser
    /// takes (about a third fewer bytes than the JPEG at the same SSIM on the corpus: `make bench`).
    pub const DEFAULT_ALTERNATES: [ImageFormat; 1] = [ImageFormat::Webp];

    /// Kinds used when the config has no `[[images]]`: today's avatar (sized by `[avatar]`) and a banner.
    pub fn defaults(avatar: &Avatar) -> Vec<ImageKind> {
        vec![
            ImageKind {
                name: "avatar".to_owned(),
                route: "/avatars/key_upload".to_owned(),
                originals_prefix: Avatar::ORIGINALS_PREFIX.to_owned(),
                output_prefix: Avatar::OUTPUT_PREFIX.to_owned(),
                outputs: vec![ImageOutput {
                    width: avatar.size,
                    height: avatar.size,
                    format: avatar.format,
                    quality: avatar.quality,
                    suffix: String::new(),
                }],
                alternates: ImageKind::DEFAULT_ALTERNATES.to_vec(),
            },
            ImageKind {
                name: "banner".to_owned(),
                route: "/banners/key_upload".to_owned(),
                originals_prefix: "banners/original/".to_owned(),
                output_prefix: "banners/".to_owned(),
                outputs: vec![ImageOutput {
                    width: 1500,
                    height: 500,
                    format: ImageFormat::Jpeg,
                    quality: 80,
                    suffix: String::new(),
                }],
                alternates: ImageKind::DEFAULT_ALTERNATES.to_vec(),
            },
        ]
    }

    /// The output the upload response and the page show (the first; validation keeps the list non-empty).
    pub fn main_output(&self) -> Option<&ImageOutput> {
        self.outputs.first()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Sorted and unique.
    pub cors_origins: Vec<String>,
    pub cors_max_age_seconds: u32,
    pub jwt_issuer: String,
    /// Sorted and unique.
    pub jwt_audience: Vec<String>,
    pub throttling_burst_limit: u32,
    pub throttling_rate_limit: u32,
    /// The edge's budget per `Authorization` header value (AWS WAF rate rule, 5-minute window): one user's
    /// requests are refused there before they reach the route throttle all users share.
    pub requests_per_user_per_5_minutes: u32,
    /// The edge's budget per client address (requests without a token, or with a new junk token each time).
    pub requests_per_address_per_5_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cdn {
    pub price_class: String,
    /// `cdn.invalidate_on_upload`: the resizer invalidates the stable URLs it rewrote (opt-in; by default the
    /// outputs' short max-age lets a new avatar show without an invalidation per upload).
    pub invalidate_on_upload: bool,
}

/// Where the profile function finds its Postgres database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    /// Name of the SSM SecureString parameter holding `postgres://…` (read once per cold start).
    pub url_parameter: String,
    /// The customer-managed KMS key of that parameter; `None` = the AWS-managed `aws/ssm` key.
    pub kms_key_arn: Option<String>,
    /// The database's VPC, which the function joins (`network = "vpc"`); `None` = `network = "public"`: the
    /// function runs outside any VPC and reaches the database over the internet.
    pub vpc: Option<Vpc>,
    /// How long profile-api waits for a new connection before answering 503.
    pub connect_timeout_seconds: u32,
}

/// How the function reaches a database in a VPC (`modules/database-access`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vpc {
    /// Private subnets of the database's VPC for the function's network interfaces (and the SSM endpoint's).
    pub subnet_ids: Vec<String>,
    /// The database's security group, which gets an ingress rule from the function's own group.
    pub database_security_group_id: String,
    pub port: u16,
    /// `endpoint` (an SSM interface endpoint) or `nat` (HTTPS out through the VPC's NAT gateway).
    pub ssm_access: SsmAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsmAccess {
    Endpoint,
    Nat,
}

impl SsmAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            SsmAccess::Endpoint => "endpoint",
            SsmAccess::Nat => "nat",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    Arm64,
    X86_64,
}

impl Architecture {
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::Arm64 => "arm64",
            Architecture::X86_64 => "x86_64",
        }
    }
}

/// Concurrent resizes per image kind unless `lambda.avatar_resize.max_concurrency` says otherwise: two kinds take 4
/// of a new account's quota of 10, leaving the HTTP handlers the rest.
pub const DEFAULT_RESIZE_CONCURRENCY: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub memory_mb: u32,
    pub timeout_seconds: u32,
    pub reserved_concurrency: Option<u32>,
    /// Retries of a failed event (SQS receives after the first); only for the event-driven resizer.
    pub max_retries: Option<u8>,
    /// Concurrent invocations the queue's event source mapping may start; only for the event-driven resizer.
    pub max_concurrency: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lambdas {
    pub architecture: Architecture,
    pub log_retention_days: u32,
    pub avatar_resize: Function,
    pub upload_url: Function,
    pub profile_api: Function,
}

/// The IAM roles GitHub Actions assumes with OIDC to plan (pull requests) and apply (jobs of one GitHub
/// environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Github {
    /// `owner/name`.
    pub repository: String,
    /// A read-only role for `terraform plan` from pull requests.
    pub plan_role: bool,
    /// The GitHub environment whose jobs may apply; `None` = no apply role.
    pub apply_environment: Option<String>,
    /// Owner and repository ids for GitHub's immutable subject claims; `None` = the name-only subject.
    pub repository_ids: Option<(u64, u64)>,
    /// Create the account's GitHub OIDC provider (false: it exists already, e.g. made by another environment).
    pub create_oidc_provider: bool,
    /// State bucket and key (from `[backend]`), the only state the roles may touch.
    pub state_bucket: String,
    pub state_key: String,
}

/// How `generator plan-summary --fail-on-destroy` treats destructive changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanReview {
    /// Addresses of stateful resources whose destroy or replace is intended (reviewed in the same PR).
    pub allow_destroy: Vec<String>,
}

/// A whole, valid environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub environment: Environment,
    pub backend: Backend,
    pub emulator: Option<Emulator>,
    pub domain: Option<Domain>,
    pub buckets: Buckets,
    pub upload: Upload,
    pub avatar: Avatar,
    pub api: Api,
    pub cdn: Cdn,
    pub database: Database,
    pub lambda: Lambdas,
    /// At least one; sorted as written.
    pub images: Vec<ImageKind>,
    pub github: Option<Github>,
    pub plan_review: PlanReview,
    /// Who the functions' alarms email; empty: the alarms are only visible in CloudWatch.
    pub alert_emails: Vec<String>,
    /// `[account] guardrails`: this environment owns the account's S3 Block Public Access and its external-access
    /// analyzer (`modules/account-guardrails`).
    pub guardrails: bool,
}

impl Config {
    /// `<project>-<environment>`: the prefix of every resource name.
    pub fn name_prefix(&self) -> String {
        format!("{}-{}", self.environment.project, self.environment.name)
    }
}
