//! Every rule a config must satisfy, checked in one pass that collects all problems before giving up, so a user
//! fixes a file in one round trip. Each rule says what was found and what is allowed.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::ops::Range;

use toml::Spanned;

mod concurrency;
mod memory;

use super::diagnostic::ConfigIssue;
use super::model::*;
use super::raw::*;

/// AWS commercial regions this project deploys to.
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// CloudWatch Logs accepts only these retention values (days).
pub const LOG_RETENTION_DAYS: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub const PRICE_CLASSES: &[&str] = &["PriceClass_100", "PriceClass_200", "PriceClass_All"];

/// Collects issues; every check returns the value it accepted (or a placeholder) so checking can go on.
#[derive(Default)]
pub struct Checker {
    pub issues: Vec<ConfigIssue>,
}

impl Checker {
    pub fn report(
        &mut self,
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.issues.push(ConfigIssue {
            code,
            message: message.into(),
            span,
            label: label.into(),
            help: Some(help.into()),
        });
    }

    /// An integer within `lo..=hi`, or `default` when absent.
    fn int<T: TryFrom<i64> + Copy>(
        &mut self,
        key: &str,
        value: &Option<Spanned<i64>>,
        lo: i64,
        hi: i64,
        default: T,
    ) -> T {
        let Some(v) = value else { return default };
        let n = *v.get_ref();
        match T::try_from(n) {
            Ok(t) if (lo..=hi).contains(&n) => t,
            _ => {
                self.report(
                    "config::out_of_range",
                    v.span(),
                    format!("`{key}` is {n}, outside the allowed range"),
                    "out of range",
                    format!("allowed: {lo}..={hi}"),
                );
                default
            }
        }
    }

    /// One of a fixed list of strings.
    fn one_of<'a>(
        &mut self,
        key: &str,
        value: &Spanned<String>,
        allowed: &[&'a str],
    ) -> Option<&'a str> {
        let found = value.get_ref().as_str();
        if let Some(hit) = allowed.iter().find(|a| **a == found) {
            return Some(hit);
        }
        self.report(
            "config::not_allowed",
            value.span(),
            format!("`{key}` is \"{found}\", which is not allowed"),
            "not one of the allowed values",
            format!("allowed: {}", quoted_list(allowed)),
        );
        None
    }
}

fn quoted_list<T: Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a bucket name breaks S3's rules (or ours: no dots, because virtual-hosted HTTPS presigned URLs break on them).
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Some("must be 3 to 63 characters long");
    }
    if name.contains('_') {
        return Some("must not contain `_`");
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("must be lowercase");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        return Some("may only contain lowercase letters, digits, `-` and `.`");
    }
    let first = name.as_bytes()[0];
    let last = name.as_bytes()[len - 1];
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Some("must begin and end with a letter or digit");
    }
    if name.contains("..") {
        return Some("must not contain `..`");
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("must not be formatted as an IP address");
    }
    if name.starts_with("xn--") || name.starts_with("sthree-") || name.starts_with("amzn-s3-demo-")
    {
        return Some(
            "must not start with the reserved prefixes `xn--`, `sthree-`, `amzn-s3-demo-`",
        );
    }
    if ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return Some(
            "must not end with the reserved suffixes `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`",
        );
    }
    if name.contains('.') {
        return Some(
            "must not contain `.`: browsers upload over virtual-hosted HTTPS, where a dotted name fails the TLS certificate check",
        );
    }
    None
}

/// A DNS host name: labels of letters, digits and `-`, lowercase.
pub fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// Parsed `scheme://host[:port]`.
#[derive(Debug, PartialEq, Eq)]
pub struct Origin<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
}

/// Parses a browser origin; errors say what is wrong with it.
pub fn parse_origin(origin: &str) -> Result<Origin<'_>, &'static str> {
    let (scheme, rest) = origin
        .split_once("://")
        .ok_or("must start with `https://` or `http://`")?;
    if scheme != "https" && scheme != "http" {
        return Err("scheme must be `https` or `http`");
    }
    if rest.is_empty() {
        return Err("has no host");
    }
    if rest.ends_with('/') {
        return Err("must not end with `/`: browsers send origins without a trailing slash");
    }
    if rest.contains(['/', '?', '#']) {
        return Err("must not contain a path, query or fragment");
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 && !p.starts_with('0') => {}
            _ => return Err("port must be a number within 1..=65535"),
        }
    }
    if !is_host_name(host) {
        return Err("host must be a lowercase DNS name or IPv4 address");
    }
    Ok(Origin { scheme, host })
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.")
}

/// Validates a whole raw config for the environment folder `folder`.
pub fn validate(raw: &RawConfig, folder: &str) -> Result<Config, Vec<ConfigIssue>> {
    let mut c = Checker::default();
    let environment = check_environment(&mut c, &raw.environment, folder);
    let stage = environment.stage;

    let backend = check_backend(&mut c, raw, &environment);
    let emulator = check_emulator(&mut c, raw, &environment);
    let domain = raw.domain.as_ref().map(|d| check_domain(&mut c, d));
    let buckets = check_buckets(&mut c, &raw.buckets, stage);
    let upload = check_upload(&mut c, &raw.upload);
    let avatar = check_avatar(&mut c, &raw.avatar);
    let api = check_api(&mut c, &raw.api, stage);
    let cdn = Cdn {
        price_class: match &raw.cdn.price_class {
            Some(p) => c
                .one_of("cdn.price_class", p, PRICE_CLASSES)
                .unwrap_or("PriceClass_100")
                .to_owned(),
            None => "PriceClass_100".to_owned(),
        },
    };
    check_viewer_tls(&mut c, raw, stage, domain.is_some());
    let database = check_database(&mut c, &raw.database, &environment);
    let lambda = check_lambda(&mut c, &raw.lambda);
    let images = check_images(&mut c, raw.images.as_ref(), &avatar);
    let github = raw
        .github
        .as_ref()
        .and_then(|g| check_github(&mut c, g, &backend, &environment.name));
    let plan_review = check_plan_review(&mut c, &raw.plan_review);
    let alert_emails = check_alerts(&mut c, &raw.alerts);
    memory::check_resizer_memory(&mut c, raw, &upload, &avatar, &lambda, &images);
    concurrency::check_reserved_concurrency(&mut c, raw, &lambda, images.len());

    if c.issues.is_empty() {
        Ok(Config {
            environment,
            backend,
            emulator,
            domain,
            buckets,
            upload,
            avatar,
            api,
            cdn,
            database,
            lambda,
            images,
            github,
            plan_review,
            alert_emails,
        })
    } else {
        c.issues.sort_by_key(|i| i.span.start);
        Err(c.issues)
    }
}

fn check_environment(c: &mut Checker, e: &RawEnvironment, folder: &str) -> Environment {
    let name = e.name.get_ref();
    if name != folder {
        c.report(
            "config::environment_name",
            e.name.span(),
            format!("`environment.name` is \"{name}\" but the file is in envs/{folder}/"),
            "does not match the folder",
            format!("set name = \"{folder}\", or move the file to envs/{name}/"),
        );
    } else if !is_resource_word(name, 16) {
        c.report(
            "config::environment_name",
            e.name.span(),
            format!("`environment.name` \"{name}\" cannot be part of resource names"),
            "invalid name",
            "allowed: 1 to 16 of a-z, 0-9 and `-`, starting with a letter",
        );
    }
    let stage = match e.stage.get_ref().as_str() {
        "local" => Stage::Local,
        "development" => Stage::Development,
        "production" => Stage::Production,
        other => {
            c.report(
                "config::not_allowed",
                e.stage.span(),
                format!("`environment.stage` is \"{other}\", which is not allowed"),
                "unknown stage",
                "allowed: \"local\" (emulator, local state), \"development\", \"production\"",
            );
            Stage::Production
        }
    };
    let region = c
        .one_of("environment.region", &e.region, REGIONS)
        .unwrap_or("us-east-1")
        .to_owned();
    let account_id = e.account_id.get_ref();
    if account_id.len() != 12 || !account_id.chars().all(|ch| ch.is_ascii_digit()) {
        c.report(
            "config::account_id",
            e.account_id.span(),
            format!("`environment.account_id` is \"{account_id}\", not an AWS account id"),
            "not 12 digits",
            "allowed: exactly 12 digits, as a string (keeps leading zeros), e.g. \"123456789012\"",
        );
    }
    let project = match &e.project {
        Some(p) if !is_resource_word(p.get_ref(), 24) => {
            c.report(
                "config::project",
                p.span(),
                format!(
                    "`environment.project` \"{}\" cannot prefix resource names",
                    p.get_ref()
                ),
                "invalid project name",
                "allowed: 1 to 24 of a-z, 0-9 and `-`, starting with a letter",
            );
            "avatar-pipeline".to_owned()
        }
        Some(p) => p.get_ref().clone(),
        None => "avatar-pipeline".to_owned(),
    };
    Environment {
        name: name.clone(),
        stage,
        region,
        account_id: account_id.clone(),
        project,
    }
}

fn is_resource_word(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.starts_with(|ch: char| ch.is_ascii_lowercase())
        && !s.ends_with('-')
        && s.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
}

fn check_backend(c: &mut Checker, raw: &RawConfig, env: &Environment) -> Backend {
    let stage_span = raw.environment.stage.span();
    match (&raw.backend, env.stage) {
        (Some(b), Stage::Local) => {
            c.report(
                "config::backend",
                b.span(),
                "a `[backend]` section is not allowed for stage \"local\"",
                "remove this section",
                "the local stage keeps its state in envs/<name>/terraform.tfstate",
            );
            Backend::Local
        }
        (None, Stage::Local) => Backend::Local,
        (None, stage) => {
            c.report(
                "config::backend",
                stage_span,
                format!("stage \"{}\" needs a `[backend]` section", stage.as_str()),
                "remote state required",
                "add [backend] with bucket = \"<state bucket>\" and key = \"<name>.tfstate\"",
            );
            Backend::Local
        }
        (Some(b), _) => {
            let b = b.get_ref();
            if let Some(why) = bucket_name_problem(b.bucket.get_ref()) {
                c.report(
                    "config::bucket_name",
                    b.bucket.span(),
                    format!(
                        "`backend.bucket` \"{}\" is not a valid bucket name",
                        b.bucket.get_ref()
                    ),
                    why,
                    "S3 bucket names: 3-63 of a-z, 0-9 and `-`, starting and ending with a letter or digit",
                );
            }
            let key = b.key.get_ref();
            // The key is also the resource of the CI roles' state permissions: `*` or `?` there would be an IAM
            // wildcard (another environment's state), `${` a policy variable.
            let iam_safe = key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
                && !key.contains("//")
                && !key
                    .split('/')
                    .any(|segment| segment == "." || segment == "..");
            if key.is_empty() || key.starts_with('/') || !key.ends_with(".tfstate") || !iam_safe {
                c.report(
                    "config::backend_key",
                    b.key.span(),
                    format!("`backend.key` is \"{key}\""),
                    "not a state object key",
                    "allowed: a relative key of a-z A-Z 0-9 - _ . / ending in `.tfstate` (no `*`, `?` or `${`, which \
                     IAM would read as wildcards or variables), e.g. \"avatar-pipeline/dev.tfstate\"",
                );
            }
            let region = match &b.region {
                Some(r) => c
                    .one_of("backend.region", r, REGIONS)
                    .unwrap_or("us-east-1")
                    .to_owned(),
                None => env.region.clone(),
            };
            Backend::S3 {
                bucket: b.bucket.get_ref().clone(),
                key: key.clone(),
                region,
            }
        }
    }
}

fn check_emulator(c: &mut Checker, raw: &RawConfig, env: &Environment) -> Option<Emulator> {
    match (&raw.emulator, env.stage) {
        (None, Stage::Local) => {
            c.report(
                "config::emulator",
                raw.environment.stage.span(),
                "stage \"local\" needs an `[emulator]` section",
                "no emulator endpoint",
                "add [emulator] with endpoint = \"http://127.0.0.1:5000\"",
            );
            None
        }
        (None, _) => None,
        (Some(e), Stage::Local) => {
            let endpoint = e.get_ref().endpoint.get_ref();
            let ok = endpoint
                .strip_prefix("http://")
                .and_then(|rest| rest.rsplit_once(':'))
                .is_some_and(|(host, port)| {
                    is_loopback_host(host) && port.parse::<u16>().is_ok_and(|p| p > 0)
                });
            if !ok {
                c.report(
                    "config::emulator_endpoint",
                    e.get_ref().endpoint.span(),
                    format!("`emulator.endpoint` is \"{endpoint}\""),
                    "not a loopback URL",
                    "allowed: http://127.0.0.1:<port> or http://localhost:<port>; the emulator never leaves this machine",
                );
            }
            Some(Emulator {
                endpoint: endpoint.clone(),
            })
        }
        (Some(e), stage) => {
            c.report(
                "config::emulator",
                e.span(),
                format!(
                    "an `[emulator]` section is only allowed for stage \"local\", not \"{}\"",
                    stage.as_str()
                ),
                "remove this section",
                "real environments talk to AWS's own endpoints",
            );
            None
        }
    }
}

fn check_database(c: &mut Checker, d: &RawDatabase, e: &Environment) -> Database {
    let url_parameter = match &d.url_parameter {
        None => format!("/{}/{}/profile-database-url", e.project, e.name),
        Some(name) => {
            let text = name.get_ref();
            let lower = text.to_ascii_lowercase();
            let ok = text.starts_with('/')
                && text.len() <= 1011
                && text.len() > 1
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b))
                && !lower.starts_with("/aws")
                && !lower.starts_with("/ssm");
            if !ok {
                c.report(
                    "config::database_url_parameter",
                    name.span(),
                    format!("`database.url_parameter` is \"{text}\", not an SSM parameter path this project can use"),
                    "invalid parameter name",
                    "allowed: a path such as \"/cruddur/prod/profile-database-url\": starts with /, letters, digits and _.-/, not under /aws or /ssm",
                );
            }
            text.clone()
        }
    };
    let kms_key_arn = d.kms_key_arn.as_ref().map(|arn| {
        let text = arn.get_ref();
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let ok = parts.len() == 6
            && parts[..3] == ["arn", "aws", "kms"]
            && REGIONS.contains(&parts[3])
            && parts[4].len() == 12
            && parts[4].bytes().all(|b| b.is_ascii_digit())
            && parts[5]
                .strip_prefix("key/")
                .is_some_and(|id| !id.is_empty());
        if !ok {
            c.report(
                "config::kms_key_arn",
                arn.span(),
                format!("`database.kms_key_arn` is \"{text}\", not a KMS key ARN"),
                "not a KMS key ARN",
                "allowed: arn:aws:kms:<region>:<12-digit account>:key/<key id> (not an alias)",
            );
        }
        text.clone()
    });
    let mut ids = |key: &str, prefix: &str, list: &Option<Spanned<Vec<Spanned<String>>>>| {
        let list = list.as_ref()?;
        if list.get_ref().is_empty() {
            c.report(
                "config::vpc",
                list.span(),
                format!("`database.{key}` is empty"),
                "empty list",
                "list at least one id, or leave the key out (no VPC)",
            );
        }
        for id in list.get_ref() {
            let text = id.get_ref();
            let hex = text.strip_prefix(prefix).unwrap_or("");
            if !(hex.len() == 8 || hex.len() == 17)
                || !hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            {
                c.report(
                    "config::vpc",
                    id.span(),
                    format!("`database.{key}` has \"{text}\", not a {prefix}… id"),
                    "invalid id",
                    format!("allowed: {prefix} followed by 8 or 17 lowercase hex digits"),
                );
            }
        }
        Some((
            list.span(),
            list.get_ref()
                .iter()
                .map(|s| s.get_ref().clone())
                .collect::<Vec<_>>(),
        ))
    };
    let subnets = ids("subnet_ids", "subnet-", &d.subnet_ids);
    let groups = ids("security_group_ids", "sg-", &d.security_group_ids);
    let vpc = match (subnets, groups) {
        (Some((_, subnet_ids)), Some((_, security_group_ids))) => Some(Vpc {
            subnet_ids,
            security_group_ids,
        }),
        (None, None) => None,
        (Some((span, _)), None) | (None, Some((span, _))) => {
            c.report(
                "config::vpc",
                span,
                "`database.subnet_ids` and `database.security_group_ids` go together",
                "only one of the two is set",
                "set both (the function runs in those subnets with those groups) or neither",
            );
            None
        }
    };
    Database {
        url_parameter,
        kms_key_arn,
        vpc,
    }
}

/// Upper bounds that keep a kind's outputs, and the number of functions, small.
pub const MAX_IMAGE_KINDS: usize = 5;
pub const MAX_OUTPUTS_PER_KIND: usize = 5;
/// The largest output edge and area (a 4096×4096 JPEG is already 16 MP).
pub const MAX_OUTPUT_EDGE: i64 = 4096;
pub const MAX_OUTPUT_PIXELS: i64 = 16_777_216;

fn check_images(
    c: &mut Checker,
    raw: Option<&Spanned<Vec<Spanned<RawImageKind>>>>,
    avatar: &Avatar,
) -> Vec<ImageKind> {
    let Some(list) = raw else {
        return ImageKind::defaults(avatar);
    };
    if list.get_ref().is_empty() || list.get_ref().len() > MAX_IMAGE_KINDS {
        c.report(
            "config::images",
            list.span(),
            format!("{} image kinds", list.get_ref().len()),
            "wrong number of kinds",
            format!("allowed: 1..={MAX_IMAGE_KINDS} `[[images]]` tables (or none: the avatar and banner defaults)"),
        );
    }
    let mut kinds = Vec::new();
    // (value, span) of every name, route and prefix seen so far, for the uniqueness and overlap checks.
    let mut names: Vec<(String, Range<usize>)> = Vec::new();
    let mut routes: Vec<(String, Range<usize>)> = Vec::new();
    let mut originals: Vec<(String, Range<usize>)> = Vec::new();
    let mut outputs_seen: Vec<(String, Range<usize>)> = Vec::new();
    for kind in list.get_ref() {
        let k = kind.get_ref();
        let name = k.name.get_ref();
        let name_ok = (1..=16).contains(&name.len())
            && name.starts_with(|ch: char| ch.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !name_ok {
            c.report(
                "config::image_name",
                k.name.span(),
                format!("`images.name` is \"{name}\""),
                "not a kind name",
                "allowed: 1 to 16 of a-z0-9, starting with a letter (it names the kind's functions)",
            );
        }
        unique(c, &mut names, name, k.name.span(), "images.name");
        let route = k.route.get_ref();
        let route_ok = route.starts_with('/')
            && route.len() <= 64
            && route[1..].split('/').all(|seg| {
                !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(&b))
            })
            && !route.starts_with("/api/");
        if !route_ok {
            c.report(
                "config::image_route",
                k.route.span(),
                format!("`images.route` is \"{route}\""),
                "not an upload route",
                "allowed: a path such as \"/banners/key_upload\" (segments of a-z0-9_-, not under /api/); it is served as POST",
            );
        }
        unique(c, &mut routes, route, k.route.span(), "images.route");
        for (key, prefix) in [
            ("originals_prefix", &k.originals_prefix),
            ("output_prefix", &k.output_prefix),
        ] {
            let p = prefix.get_ref();
            let ok = p.ends_with('/')
                && !p.starts_with('/')
                && p.len() <= 64
                && !p.contains("//")
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-/".contains(&b));
            if !ok {
                c.report(
                    "config::image_prefix",
                    prefix.span(),
                    format!("`images.{key}` is \"{p}\""),
                    "not a key prefix",
                    "allowed: a-z0-9_-/ ending with /, e.g. \"banners/original/\"",
                );
            }
        }
        disjoint(
            c,
            &mut originals,
            &k.originals_prefix,
            "images.originals_prefix",
        );
        disjoint(
            c,
            &mut outputs_seen,
            &k.output_prefix,
            "images.output_prefix",
        );

        let outs = k.outputs.get_ref();
        if outs.is_empty() || outs.len() > MAX_OUTPUTS_PER_KIND {
            c.report(
                "config::image_outputs",
                k.outputs.span(),
                format!("kind \"{name}\" has {} outputs", outs.len()),
                "wrong number of outputs",
                format!("allowed: 1..={MAX_OUTPUTS_PER_KIND} `[[images.outputs]]` per kind"),
            );
        }
        let mut files: Vec<(String, Range<usize>)> = Vec::new();
        let mut outputs = Vec::new();
        for (i, out) in outs.iter().enumerate() {
            let o = out.get_ref();
            let width: u32 = c.int(
                "images.outputs.width",
                &Some(o.width.clone()),
                16,
                MAX_OUTPUT_EDGE,
                512,
            );
            let height: u32 = c.int(
                "images.outputs.height",
                &Some(o.height.clone()),
                16,
                MAX_OUTPUT_EDGE,
                512,
            );
            if i64::from(width) * i64::from(height) > MAX_OUTPUT_PIXELS {
                c.report(
                    "config::image_size",
                    out.span(),
                    format!(
                        "{width}×{height} is {} pixels",
                        u64::from(width) * u64::from(height)
                    ),
                    "output too large",
                    format!("allowed: at most {MAX_OUTPUT_PIXELS} pixels per output"),
                );
            }
            if let Some(fit) = &o.fit {
                c.one_of("images.outputs.fit", fit, &["cover"]);
            }
            let format = match &o.format {
                None => ImageFormat::Jpeg,
                Some(f) => match c.one_of("images.outputs.format", f, &["jpeg", "webp"]) {
                    Some("webp") => ImageFormat::Webp,
                    _ => ImageFormat::Jpeg,
                },
            };
            let quality = c.int("images.outputs.quality", &o.quality, 1, 100, 80);
            let suffix = match &o.suffix {
                Some(sfx) => {
                    let text = sfx.get_ref();
                    if text.len() > 16
                        || !text.bytes().all(|b| {
                            b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(&b)
                        })
                    {
                        c.report(
                            "config::image_suffix",
                            sfx.span(),
                            format!("`images.outputs.suffix` is \"{text}\""),
                            "not a key suffix",
                            "allowed: up to 16 of a-z0-9_- (\"\" for the main output)",
                        );
                    }
                    if i == 0 && !text.is_empty() {
                        c.report(
                            "config::image_suffix",
                            sfx.span(),
                            format!("the first output of kind \"{name}\" has suffix \"{text}\""),
                            "the main output has no suffix",
                            "allowed: \"\" for the first output: it is the kind's main image, <output_prefix><sub>.<ext>",
                        );
                    }
                    text.clone()
                }
                None if i == 0 => String::new(),
                None => format!("_{width}x{height}"),
            };
            let file = format!("{suffix}.{}", format.extension());
            unique(
                c,
                &mut files,
                &file,
                out.span(),
                "images.outputs (suffix and format)",
            );
            outputs.push(ImageOutput {
                width,
                height,
                format,
                quality,
                suffix,
            });
        }
        kinds.push(ImageKind {
            name: name.clone(),
            route: route.clone(),
            originals_prefix: k.originals_prefix.get_ref().clone(),
            output_prefix: k.output_prefix.get_ref().clone(),
            outputs,
        });
    }
    kinds
}

/// Reports `value` if an earlier entry had it.
fn unique(
    c: &mut Checker,
    seen: &mut Vec<(String, Range<usize>)>,
    value: &str,
    span: Range<usize>,
    key: &str,
) {
    if seen.iter().any(|(v, _)| v == value) {
        c.report(
            "config::duplicate",
            span.clone(),
            format!("`{key}` \"{value}\" appears twice"),
            "duplicate",
            "each kind needs its own value",
        );
    }
    seen.push((value.to_owned(), span));
}

/// Reports a prefix that contains, or is contained in, an earlier one: one key would belong to two kinds (and
/// S3 refuses overlapping notification filters).
fn disjoint(
    c: &mut Checker,
    seen: &mut Vec<(String, Range<usize>)>,
    prefix: &Spanned<String>,
    key: &str,
) {
    let p = prefix.get_ref();
    if let Some((other, _)) = seen
        .iter()
        .find(|(o, _)| o.starts_with(p.as_str()) || p.starts_with(o.as_str()))
    {
        c.report(
            "config::overlapping_prefixes",
            prefix.span(),
            format!("`{key}` \"{p}\" overlaps \"{other}\""),
            "overlapping prefix",
            "allowed: prefixes where neither starts with the other, so every key belongs to one kind",
        );
    }
    seen.push((p.clone(), prefix.span()));
}

fn check_github(
    c: &mut Checker,
    g: &Spanned<RawGithub>,
    backend: &Backend,
    environment: &str,
) -> Option<Github> {
    let raw = g.get_ref();
    let repository = raw.repository.get_ref();
    let valid_repository = repository.split_once('/').is_some_and(|(owner, name)| {
        (1..=39).contains(&owner.len())
            && owner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !owner.starts_with('-')
            && (1..=100).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && name != "."
            && name != ".."
    });
    if !valid_repository {
        c.report(
            "config::github_repository",
            raw.repository.span(),
            format!("`github.repository` is \"{repository}\", not a GitHub repository"),
            "not owner/name",
            "allowed: \"owner/name\" as in github.com/owner/name (letters, digits, - for the owner; also _ and . for the name)",
        );
    }
    if let Some(branch) = &raw.apply_branch {
        c.report(
            "config::github_apply_branch",
            branch.span(),
            "`github.apply_branch` is no longer accepted: the apply role trusts a GitHub environment, not a branch",
            "replaced by apply_environment",
            "a job on a branch skips the environment's required reviewers; write `apply_environment = \"<name>\"` \
             (default: the environment's name) and limit that GitHub environment to the branch in its deployment rules",
        );
    }
    let apply_environment = match (&raw.apply_role, &raw.apply_environment) {
        (Some(on), _) if !*on.get_ref() => None,
        (_, None) => Some(environment.to_owned()),
        (_, Some(name)) => {
            let text = name.get_ref();
            let ok = (1..=255).contains(&text.len())
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            if !ok {
                c.report(
                    "config::github_environment",
                    name.span(),
                    format!("`github.apply_environment` is \"{text}\", not a GitHub environment name this project accepts"),
                    "invalid environment name",
                    "allowed: 1 to 255 of letters, digits, - _ . (no spaces, no IAM wildcards * or ?)",
                );
            }
            Some(text.clone())
        }
    };
    let repository_ids = match (&raw.owner_id, &raw.repository_id) {
        (None, None) => None,
        (Some(owner), Some(repo)) => {
            let mut id = |key: &str, v: &Spanned<i64>| {
                let n = *v.get_ref();
                if n < 1 {
                    c.report(
                        "config::github_id",
                        v.span(),
                        format!("`github.{key}` is {n}, not a GitHub id"),
                        "not a positive integer",
                        "allowed: the numeric id GitHub shows for it (`gh api repos/OWNER/NAME --jq .owner.id,.id`)",
                    );
                }
                n.max(0).unsigned_abs()
            };
            Some((id("owner_id", owner), id("repository_id", repo)))
        }
        (Some(one), None) | (None, Some(one)) => {
            c.report(
                "config::github_id",
                one.span(),
                "`github.owner_id` and `github.repository_id` go together",
                "only one of the two",
                "set both (GitHub's immutable subject names the owner's and the repository's ids) or neither",
            );
            None
        }
    };
    let Backend::S3 { bucket, key, .. } = backend else {
        c.report(
            "config::github_backend",
            g.span(),
            "`[github]` needs the S3 `[backend]`: the roles are scoped to the environment's state object",
            "no S3 backend in this environment",
            "remove `[github]` from a local environment, or add `[backend]` with bucket and key",
        );
        return None;
    };
    Some(Github {
        repository: repository.clone(),
        plan_role: raw.plan_role.as_ref().is_none_or(|p| *p.get_ref()),
        apply_environment,
        repository_ids,
        create_oidc_provider: raw
            .create_oidc_provider
            .as_ref()
            .is_none_or(|p| *p.get_ref()),
        state_bucket: bucket.clone(),
        state_key: key.clone(),
    })
}

/// A resource address as Terraform prints it (`module.cdn.aws_cloudfront_distribution.this`, `aws_x.y["k"]`).
fn is_resource_address(s: &str) -> bool {
    let mut rest = s;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find('.').unwrap_or(after.len());
        rest = after.get(end + 1..).unwrap_or("");
    }
    let Some((resource_type, name)) = rest.split_once('.') else {
        return false;
    };
    let name = name.split('[').next().unwrap_or("");
    !s.chars().any(char::is_whitespace)
        && resource_type.starts_with("aws_")
        && resource_type[4..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
}

/// `[alerts] emails`: sorted, unique addresses (an SNS email subscription each).
fn check_alerts(c: &mut Checker, a: &RawAlerts) -> Vec<String> {
    let mut emails = Vec::new();
    for e in a.emails.iter().flat_map(|l| l.get_ref()) {
        let text = e.get_ref();
        let ok = match text.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !text.contains(char::is_whitespace)
                    && !domain.contains('@')
            }
            None => false,
        };
        if !ok {
            c.report(
                "config::alert_email",
                e.span(),
                format!("`alerts.emails` has \"{text}\", not an email address"),
                "not an email address",
                "allowed: addresses such as \"ops@example.com\"; each confirms its subscription from AWS's mail",
            );
        }
        emails.push(text.clone());
    }
    emails.sort();
    emails.dedup();
    emails
}

fn check_plan_review(c: &mut Checker, p: &RawPlanReview) -> PlanReview {
    let mut allow_destroy = Vec::new();
    for address in p.allow_destroy.iter().flat_map(|l| l.get_ref()) {
        let text = address.get_ref();
        if !is_resource_address(text) {
            c.report(
                "config::resource_address",
                address.span(),
                format!("`plan_review.allow_destroy` has \"{text}\", not a resource address"),
                "not a resource address",
                "allowed: an address exactly as the plan summary prints it, e.g. \"module.assets_bucket.aws_s3_bucket.this\"",
            );
        }
        allow_destroy.push(text.clone());
    }
    allow_destroy.sort();
    allow_destroy.dedup();
    PlanReview { allow_destroy }
}

/// CloudFront's own certificate (`*.cloudfront.net`) cannot be given a minimum TLS version, so it accepts TLS 1.0
/// and 1.1; only a custom domain gets `TLSv1.2_2021`. A real environment without `[domain]` must say so.
fn check_viewer_tls(c: &mut Checker, raw: &RawConfig, stage: Stage, has_domain: bool) {
    let opted_out = raw.cdn.allow_default_certificate.as_ref();
    match (stage, has_domain, opted_out) {
        (Stage::Local, _, _) | (_, true, None) => {}
        (_, false, Some(v)) if *v.get_ref() => {}
        (_, false, _) => c.report(
            "config::viewer_tls",
            opted_out.map_or_else(|| raw.environment.stage.span(), |v| v.span()),
            format!(
                "stage \"{}\" has no `[domain]`, so CloudFront would serve over its default certificate",
                stage.as_str()
            ),
            "TLS 1.0 and 1.1 accepted",
            "add [domain] with assets, certificate_arn (us-east-1) and hosted_zone_id for TLSv1.2_2021, or accept \
             TLS 1.0 on *.cloudfront.net explicitly with [cdn] allow_default_certificate = true",
        ),
        (_, true, Some(v)) => c.report(
            "config::viewer_tls",
            v.span(),
            "`cdn.allow_default_certificate` is set, but `[domain]` gives the distribution its own certificate",
            "has no effect",
            "remove it",
        ),
    }
}

fn check_domain(c: &mut Checker, d: &RawDomain) -> Domain {
    let assets = d.assets.get_ref();
    if !is_host_name(assets) || !assets.contains('.') {
        c.report(
            "config::domain",
            d.assets.span(),
            format!("`domain.assets` is \"{assets}\", not a fully qualified host name"),
            "invalid host name",
            "allowed: a lowercase DNS name such as \"assets.example.com\" (no scheme, no path)",
        );
    }
    let arn = d.certificate_arn.get_ref();
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let well_formed = parts.len() == 6
        && parts[0] == "arn"
        && parts[1] == "aws"
        && parts[2] == "acm"
        && parts[4].len() == 12
        && parts[4].chars().all(|ch| ch.is_ascii_digit())
        && parts[5].strip_prefix("certificate/").is_some_and(|id| {
            id.len() == 36 && id.chars().all(|ch| ch.is_ascii_hexdigit() || ch == '-')
        });
    if !well_formed {
        c.report(
            "config::certificate_arn",
            d.certificate_arn.span(),
            format!("`domain.certificate_arn` is \"{arn}\", not an ACM certificate ARN"),
            "not an ACM certificate ARN",
            "allowed: arn:aws:acm:us-east-1:<12-digit account>:certificate/<uuid>",
        );
    } else if parts[3] != "us-east-1" {
        c.report(
            "config::certificate_arn",
            d.certificate_arn.span(),
            format!(
                "`domain.certificate_arn` is in region \"{}\", but CloudFront only uses certificates from us-east-1",
                parts[3]
            ),
            "wrong region",
            "request or import the certificate in us-east-1 (N. Virginia)",
        );
    }
    let hosted_zone_id = d.hosted_zone_id.as_ref().map(|z| {
        let id = z.get_ref();
        let ok = id.len() >= 2
            && id.len() <= 32
            && id.starts_with('Z')
            && id
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit());
        if !ok {
            c.report(
                "config::hosted_zone_id",
                z.span(),
                format!("`domain.hosted_zone_id` is \"{id}\", not a Route 53 zone id"),
                "invalid zone id",
                "allowed: the zone id as shown by Route 53, e.g. \"Z0123456789ABCDEFGHIJ\" (without /hostedzone/)",
            );
        }
        id.clone()
    });
    Domain {
        assets: assets.clone(),
        certificate_arn: arn.clone(),
        hosted_zone_id,
    }
}

fn check_buckets(c: &mut Checker, b: &RawBuckets, stage: Stage) -> Buckets {
    for (key, v) in [
        ("buckets.uploads", &b.uploads),
        ("buckets.assets", &b.assets),
    ] {
        if let Some(why) = bucket_name_problem(v.get_ref()) {
            c.report(
                "config::bucket_name",
                v.span(),
                format!("`{key}` \"{}\" is not a valid bucket name", v.get_ref()),
                why,
                "S3 bucket names: 3-63 of a-z, 0-9 and `-`, starting and ending with a letter or digit",
            );
        }
    }
    if b.uploads.get_ref() == b.assets.get_ref() {
        c.report(
            "config::bucket_names_equal",
            b.assets.span(),
            "`buckets.assets` is the same bucket as `buckets.uploads`",
            "same as buckets.uploads",
            "use two buckets: the resizer writes to assets, and a write to the uploads bucket would trigger it again",
        );
    }
    let force_destroy = b.force_destroy.as_ref().is_some_and(|f| *f.get_ref());
    if force_destroy && stage == Stage::Production {
        if let Some(f) = &b.force_destroy {
            c.report(
                "config::force_destroy",
                f.span(),
                "`buckets.force_destroy = true` is not allowed for stage \"production\"",
                "would let destroy delete every avatar",
                "allowed only for stages \"local\" and \"development\"",
            );
        }
    }
    Buckets {
        uploads: b.uploads.get_ref().clone(),
        assets: b.assets.get_ref().clone(),
        force_destroy,
    }
}

fn check_upload(c: &mut Checker, u: &RawUpload) -> Upload {
    let max_bytes = c.int(
        "upload.max_bytes",
        &u.max_bytes,
        1024,
        50 * 1024 * 1024,
        5 * 1024 * 1024,
    );
    let mut content_types = BTreeSet::new();
    match &u.content_types {
        None => content_types.extend([ContentType::Jpeg, ContentType::Png, ContentType::Webp]),
        Some(list) if list.get_ref().is_empty() => c.report(
            "config::content_types",
            list.span(),
            "`upload.content_types` is empty",
            "no type allowed",
            "list at least one of the supported types",
        ),
        Some(list) => {
            let supported: Vec<&str> = ContentType::ALL.iter().map(|t| t.mime()).collect();
            for t in list.get_ref() {
                match ContentType::from_mime(t.get_ref()) {
                    Some(ct) if !content_types.insert(ct) => c.report(
                        "config::content_types",
                        t.span(),
                        format!("`upload.content_types` lists \"{}\" twice", t.get_ref()),
                        "duplicate",
                        "list each type once",
                    ),
                    Some(_) => {}
                    None => c.report(
                        "config::content_types",
                        t.span(),
                        format!(
                            "`upload.content_types` has \"{}\", which is not supported",
                            t.get_ref()
                        ),
                        "unsupported type",
                        format!("supported: {}", quoted_list(&supported)),
                    ),
                }
            }
        }
    }
    Upload {
        max_bytes,
        content_types: content_types.into_iter().collect(),
        url_ttl_seconds: c.int("upload.url_ttl_seconds", &u.url_ttl_seconds, 10, 3600, 300),
        expire_originals_after_days: c.int(
            "upload.expire_originals_after_days",
            &u.expire_originals_after_days,
            1,
            365,
            7,
        ),
        uploads_per_user_per_hour: c.int(
            "upload.uploads_per_user_per_hour",
            &u.uploads_per_user_per_hour,
            1,
            i64::from(pipeline_contract::limits::MAX_UPLOADS_PER_USER_PER_HOUR),
            30,
        ),
    }
}

fn check_avatar(c: &mut Checker, a: &RawAvatar) -> Avatar {
    let format = match &a.format {
        None => ImageFormat::Jpeg,
        Some(f) => match c.one_of("avatar.format", f, &["jpeg", "webp"]) {
            Some("webp") => ImageFormat::Webp,
            _ => ImageFormat::Jpeg,
        },
    };
    let cache_control = match &a.cache_control {
        None => "public, max-age=300, s-maxage=31536000".to_owned(),
        Some(v) => {
            let s = v.get_ref();
            if s.trim().is_empty()
                || s.len() > 256
                || !s.chars().all(|ch| (' '..='~').contains(&ch))
            {
                c.report(
                    "config::cache_control",
                    v.span(),
                    format!("`avatar.cache_control` is \"{}\"", s.escape_debug()),
                    "not a header value",
                    "allowed: 1 to 256 printable ASCII characters, e.g. \"public, max-age=300\"",
                );
            }
            s.clone()
        }
    };
    let background = match &a.background {
        None => "#ffffff".to_owned(),
        Some(v) => {
            let s = v.get_ref();
            let ok = s.len() == 7
                && s.starts_with('#')
                && s[1..]
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || ('a'..='f').contains(&ch));
            if !ok {
                c.report(
                    "config::background",
                    v.span(),
                    format!("`avatar.background` is \"{s}\""),
                    "not a colour",
                    "allowed: #rrggbb in lowercase hex, e.g. \"#ffffff\"",
                );
            }
            s.clone()
        }
    };
    Avatar {
        size: c.int("avatar.size", &a.size, 16, 4096, 512),
        format,
        quality: c.int("avatar.quality", &a.quality, 1, 100, 80),
        cache_control,
        max_pixels: c.int(
            "avatar.max_pixels",
            &a.max_pixels,
            1,
            100_000_000,
            50_000_000,
        ),
        max_dimension: c.int("avatar.max_dimension", &a.max_dimension, 16, 65_535, 16_384),
        background,
    }
}

fn check_api(c: &mut Checker, a: &RawApi, stage: Stage) -> Api {
    let mut origins = BTreeSet::new();
    if a.cors_origins.get_ref().is_empty() {
        c.report(
            "config::cors_origins",
            a.cors_origins.span(),
            "`api.cors_origins` is empty",
            "no origin allowed",
            "list the web app's origins, e.g. [\"https://app.example.com\"]",
        );
    }
    for o in a.cors_origins.get_ref() {
        let s = o.get_ref().as_str();
        if !origins.insert(s.to_owned()) {
            c.report(
                "config::cors_origins",
                o.span(),
                format!("`api.cors_origins` lists \"{s}\" twice"),
                "duplicate",
                "list each origin once",
            );
            continue;
        }
        if s == "*" {
            if !stage.is_relaxed() {
                c.report(
                    "config::cors_origins",
                    o.span(),
                    format!(
                        "`api.cors_origins` has \"*\", not allowed for stage \"{}\"",
                        stage.as_str()
                    ),
                    "any origin",
                    "list the exact origins of the web app; \"*\" is allowed only for stages \"local\" and \"development\"",
                );
            }
            continue;
        }
        match parse_origin(s) {
            Err(why) => c.report(
                "config::cors_origin",
                o.span(),
                format!("`api.cors_origins` has \"{s}\", which is not an origin"),
                why,
                "allowed: scheme://host[:port], e.g. \"https://app.example.com\" or \"http://localhost:3000\"",
            ),
            Ok(origin) if !stage.is_relaxed() && origin.scheme != "https" => c.report(
                "config::cors_origin",
                o.span(),
                format!(
                    "`api.cors_origins` has \"{s}\", but stage \"{}\" allows only https origins",
                    stage.as_str()
                ),
                "plain http",
                "use https://; http origins are allowed only for stages \"local\" and \"development\"",
            ),
            Ok(origin) if !stage.is_relaxed() && is_loopback_host(origin.host) => c.report(
                "config::cors_origin",
                o.span(),
                format!(
                    "`api.cors_origins` has \"{s}\", a loopback origin in stage \"{}\"",
                    stage.as_str()
                ),
                "loopback origin",
                "any page on a user's own machine could call the API; allowed only for \"local\" and \"development\"",
            ),
            Ok(_) => {}
        }
    }
    let issuer = a.jwt_issuer.get_ref();
    let issuer_problem = match issuer.strip_prefix("https://") {
        None => Some("not an https URL"),
        Some(rest) => {
            let host = rest.split('/').next().unwrap_or_default();
            if !is_host_name(host) {
                Some("has no valid host")
            } else if rest.ends_with('/') {
                Some("ends with `/`, which the token's `iss` claim never does")
            } else if rest.contains(['?', '#', ' ']) {
                Some("has a query, fragment or space")
            } else {
                None
            }
        }
    };
    if let Some(why) = issuer_problem {
        c.report(
            "config::jwt_issuer",
            a.jwt_issuer.span(),
            format!("`api.jwt_issuer` is \"{issuer}\""),
            why,
            "allowed: the exact `iss` of the tokens, an https URL, e.g. \"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123\"",
        );
    }
    let mut audience = BTreeSet::new();
    if a.jwt_audience.get_ref().is_empty() {
        c.report(
            "config::jwt_audience",
            a.jwt_audience.span(),
            "`api.jwt_audience` is empty",
            "no audience",
            "list at least one accepted audience (for Cognito: the app client id)",
        );
    }
    for aud in a.jwt_audience.get_ref() {
        let s = aud.get_ref();
        if s.trim().is_empty() {
            c.report(
                "config::jwt_audience",
                aud.span(),
                "`api.jwt_audience` has an empty entry",
                "empty",
                "each audience is a non-empty string",
            );
        } else if !audience.insert(s.clone()) {
            c.report(
                "config::jwt_audience",
                aud.span(),
                format!("`api.jwt_audience` lists \"{s}\" twice"),
                "duplicate",
                "list each audience once",
            );
        }
    }
    Api {
        cors_origins: origins.into_iter().collect(),
        cors_max_age_seconds: c.int(
            "api.cors_max_age_seconds",
            &a.cors_max_age_seconds,
            0,
            86_400,
            3_600,
        ),
        jwt_issuer: issuer.clone(),
        jwt_audience: audience.into_iter().collect(),
        throttling_burst_limit: c.int(
            "api.throttling_burst_limit",
            &a.throttling_burst_limit,
            1,
            5_000,
            50,
        ),
        throttling_rate_limit: c.int(
            "api.throttling_rate_limit",
            &a.throttling_rate_limit,
            1,
            10_000,
            20,
        ),
    }
}

fn check_lambda(c: &mut Checker, l: &RawLambda) -> Lambdas {
    let architecture = match &l.architecture {
        None => Architecture::Arm64,
        Some(a) => match c.one_of("lambda.architecture", a, &["arm64", "x86_64"]) {
            Some("x86_64") => Architecture::X86_64,
            _ => Architecture::Arm64,
        },
    };
    let log_retention_days = match &l.log_retention_days {
        None => 30,
        Some(v) if LOG_RETENTION_DAYS.contains(v.get_ref()) => *v.get_ref() as u32,
        Some(v) => {
            c.report(
                "config::log_retention_days",
                v.span(),
                format!(
                    "`lambda.log_retention_days` is {}, which CloudWatch does not offer",
                    v.get_ref()
                ),
                "not a CloudWatch retention",
                format!(
                    "allowed: {}",
                    LOG_RETENTION_DAYS
                        .iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            30
        }
    };
    Lambdas {
        architecture,
        log_retention_days,
        avatar_resize: check_function(c, "avatar_resize", &l.avatar_resize, (1024, 30), 900, true),
        upload_url: check_function(c, "upload_url", &l.upload_url, (256, 5), 30, false),
        profile_api: check_function(c, "profile_api", &l.profile_api, (256, 10), 30, false),
    }
}

/// `max_timeout` is 30 s for functions behind the HTTP API (its integration timeout) and 900 s otherwise.
fn check_function(
    c: &mut Checker,
    name: &str,
    f: &RawFunction,
    (memory, timeout): (u32, u32),
    max_timeout: i64,
    asynchronous: bool,
) -> Function {
    let max_retries = if asynchronous {
        Some(c.int(
            &format!("lambda.{name}.max_retries"),
            &f.max_retries,
            0,
            2,
            2,
        ))
    } else {
        if let Some(v) = &f.max_retries {
            c.report(
                "config::max_retries",
                v.span(),
                format!("`lambda.{name}.max_retries` is set, but {name} is invoked synchronously by the HTTP API"),
                "has no effect",
                "remove it: only the event-driven avatar_resize retries",
            );
        }
        None
    };
    Function {
        memory_mb: c.int(
            &format!("lambda.{name}.memory_mb"),
            &f.memory_mb,
            128,
            10_240,
            memory,
        ),
        timeout_seconds: c.int(
            &format!("lambda.{name}.timeout_seconds"),
            &f.timeout_seconds,
            1,
            max_timeout,
            timeout,
        ),
        reserved_concurrency: f.reserved_concurrency.as_ref().map(|_| {
            c.int(
                &format!("lambda.{name}.reserved_concurrency"),
                &f.reserved_concurrency,
                1,
                1_000,
                1,
            )
        }),
        max_retries,
    }
}
