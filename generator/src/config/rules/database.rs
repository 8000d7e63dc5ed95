//! `[database]`: the SSM parameter holding profile-api's URL, its KMS key, and the VPC the function runs in.

use super::*;

use pipeline_contract::limits::DATABASE_CONNECT_TIMEOUT_SECONDS;

pub(super) fn check_database(c: &mut Checker, d: &RawDatabase, e: &Environment) -> Database {
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
    let mut ids = |key: &str, prefix: &str, list: &Option<Spanned<Vec<Spanned<String>>>>| {
        let list = list.as_ref()?;
        if list.get_ref().is_empty() {
            c.report(
                IssueCode::Vpc,
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
                    IssueCode::Vpc,
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
                IssueCode::Vpc,
                span,
                "`database.subnet_ids` and `database.security_group_ids` go together",
                "only one of the two is set",
                "set both (the function runs in those subnets with those groups) or neither",
            );
            None
        }
    };
    let (lo, hi) = (
        i64::from(*DATABASE_CONNECT_TIMEOUT_SECONDS.start()),
        i64::from(*DATABASE_CONNECT_TIMEOUT_SECONDS.end()),
    );
    let connect_timeout_seconds = c.int(
        "database.connect_timeout_seconds",
        &d.connect_timeout_seconds,
        lo,
        hi,
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
