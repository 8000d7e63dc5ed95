//! `[database]`: the SSM parameter holding profile-api's URL, its KMS key, and the VPC the function runs in.

use super::*;

use pipeline_contract::limits::DATABASE_CONNECT_TIMEOUT_SECONDS;

pub(super) fn check_database(
    c: &mut Checker,
    d: &RawDatabase,
    e: &Environment,
    stage_span: std::ops::Range<usize>,
) -> Database {
    let url_parameter = match &d.url_parameter {
        None => format!("/{}/{}/profile-database-url", e.project, e.name),
        Some(name) => {
            let text = name.get_ref();
            if !pipeline_contract::database::is_url_parameter_name(text) {
                c.report(
                    IssueCode::DatabaseUrlParameter,
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
                IssueCode::KmsKeyArn,
                arn.span(),
                format!("`database.kms_key_arn` is \"{text}\", not a KMS key ARN"),
                "not a KMS key ARN",
                "allowed: arn:aws:kms:<region>:<12-digit account>:key/<key id> (not an alias)",
            );
        }
        text.clone()
    });
    let vpc = check_network(c, d, e, stage_span);
    let connect_timeout_seconds = c.int_in(
        "database.connect_timeout_seconds",
        &d.connect_timeout_seconds,
        &DATABASE_CONNECT_TIMEOUT_SECONDS,
        5,
    );
    Database {
        url_parameter,
        kms_key_arn,
        vpc,
        connect_timeout_seconds,
    }
}

/// The connect timeout must leave the function time to answer 503 before Lambda stops it.
pub(super) fn check_connect_timeout(c: &mut Checker, raw: &RawConfig, d: &Database, l: &Lambdas) {
    let function_timeout = l.profile_api.timeout_seconds;
    if d.connect_timeout_seconds < function_timeout {
        return;
    }
    let span = raw
        .database
        .connect_timeout_seconds
        .as_ref()
        .map(Spanned::span)
        .or_else(|| {
            raw.lambda
                .profile_api
                .timeout_seconds
                .as_ref()
                .map(Spanned::span)
        })
        .unwrap_or(0..0);
    c.report(
        IssueCode::OutOfRange,
        span,
        format!(
            "`database.connect_timeout_seconds` ({}) is not below `lambda.profile_api.timeout_seconds` \
             ({function_timeout})",
            d.connect_timeout_seconds
        ),
        "the function would time out first",
        "allowed: a connect timeout below the function's timeout, so an unreachable database answers 503",
    );
}

/// Whether `id` is `<prefix>` and 8 or 17 lowercase hex digits (`subnet-…`, `sg-…`).
fn is_resource_id(id: &str, prefix: &str) -> bool {
    let hex = id.strip_prefix(prefix).unwrap_or("");
    (hex.len() == 8 || hex.len() == 17)
        && hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// `network`: `"vpc"` (the function joins the database's subnets, `modules/database-access`) or `"public"` (no
/// VPC; refused for production, where it would need the database open to the internet).
fn check_network(
    c: &mut Checker,
    d: &RawDatabase,
    e: &Environment,
    stage_span: std::ops::Range<usize>,
) -> Option<Vpc> {
    let network = match &d.network {
        Some(n) => c
            .one_of("database.network", n, &["public", "vpc"])
            .unwrap_or("vpc"),
        None => "public",
    };
    if network == "public" {
        if e.stage == Stage::Production {
            let span = d.network.as_ref().map_or(stage_span.clone(), Spanned::span);
            c.report(
                IssueCode::DatabaseNetwork,
                span,
                "the profile function reaches its database over the internet (`database.network = \"public\"`, the default) in a production stage",
                "no network path but the internet",
                "a function outside a VPC has no fixed egress address, so the database would have to accept 5432 from anywhere; \
                 set `[database] network = \"vpc\"` with `subnet_ids` (private subnets of the database's VPC) and `security_group_id` (the database's)",
            );
        }
        for (key, span) in [
            ("subnet_ids", d.subnet_ids.as_ref().map(Spanned::span)),
            (
                "security_group_id",
                d.security_group_id.as_ref().map(Spanned::span),
            ),
            ("port", d.port.as_ref().map(Spanned::span)),
            ("ssm_access", d.ssm_access.as_ref().map(Spanned::span)),
        ] {
            if let Some(span) = span {
                c.report(
                    IssueCode::Vpc,
                    span,
                    format!("`database.{key}` is set but `database.network` is \"public\""),
                    "only with network = \"vpc\"",
                    "set `database.network = \"vpc\"` to run the function in the database's VPC, or remove the key",
                );
            }
        }
        return None;
    }
    let mut subnet_ids = Vec::new();
    match &d.subnet_ids {
        Some(list) if !list.get_ref().is_empty() => {
            for id in list.get_ref() {
                if !is_resource_id(id.get_ref(), "subnet-") {
                    c.report(
                        IssueCode::Vpc,
                        id.span(),
                        format!("`database.subnet_ids` has \"{}\", not a subnet-… id", id.get_ref()),
                        "invalid id",
                        "allowed: subnet- followed by 8 or 17 lowercase hex digits",
                    );
                }
                subnet_ids.push(id.get_ref().clone());
            }
        }
        other => c.report(
            IssueCode::Vpc,
            other.as_ref().map_or(stage_span.clone(), Spanned::span),
            "`database.network = \"vpc\"` needs `database.subnet_ids`",
            "no subnets",
            "list the private subnets of the database's VPC the function may use (two Availability Zones or more)",
        ),
    }
    let database_security_group_id = match &d.security_group_id {
        Some(id) => {
            if !is_resource_id(id.get_ref(), "sg-") {
                c.report(
                    IssueCode::Vpc,
                    id.span(),
                    format!("`database.security_group_id` is \"{}\", not an sg-… id", id.get_ref()),
                    "invalid id",
                    "allowed: sg- followed by 8 or 17 lowercase hex digits: the database's security group",
                );
            }
            id.get_ref().clone()
        }
        None => {
            c.report(
                IssueCode::Vpc,
                stage_span.clone(),
                "`database.network = \"vpc\"` needs `database.security_group_id`",
                "no database security group",
                "the database's security group id: the generator adds an ingress rule on it from the function's own group",
            );
            String::new()
        }
    };
    let port = c.int("database.port", &d.port, 1, 65_535, 5432);
    let ssm_access = match &d.ssm_access {
        Some(s) => match c.one_of("database.ssm_access", s, &["endpoint", "nat"]) {
            Some("nat") => SsmAccess::Nat,
            _ => SsmAccess::Endpoint,
        },
        None => SsmAccess::Endpoint,
    };
    Some(Vpc {
        subnet_ids,
        database_security_group_id,
        port,
        ssm_access,
    })
}
