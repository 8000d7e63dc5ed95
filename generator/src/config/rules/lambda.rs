//! `[lambda]` and `[alerts]`: each function's memory, timeout, retries and log retention, and who is told when
//! one fails.

use super::*;

/// `[alerts] emails`: sorted, unique addresses (an SNS email subscription each).
pub(super) fn check_alerts(c: &mut Checker, a: &RawAlerts) -> Vec<String> {
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
                IssueCode::AlertEmail,
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

pub(super) fn check_lambda(c: &mut Checker, l: &RawLambda) -> Lambdas {
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
                IssueCode::LogRetentionDays,
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
pub(super) fn check_function(
    c: &mut Checker,
    name: &str,
    f: &RawFunction,
    (memory, timeout): (u32, u32),
    max_timeout: i64,
    asynchronous: bool,
) -> Function {
    let (max_retries, max_concurrency) = if asynchronous {
        (
            Some(c.int(
                &format!("lambda.{name}.max_retries"),
                &f.max_retries,
                0,
                2,
                2,
            )),
            // SQS event source mappings take 2 … 1000.
            Some(c.int(
                &format!("lambda.{name}.max_concurrency"),
                &f.max_concurrency,
                2,
                1_000,
                crate::config::model::DEFAULT_RESIZE_CONCURRENCY,
            )),
        )
    } else {
        for (key, value) in [
            ("max_retries", &f.max_retries),
            ("max_concurrency", &f.max_concurrency),
        ] {
            if let Some(v) = value {
                c.report(
                    IssueCode::MaxRetries,
                    v.span(),
                    format!("`lambda.{name}.{key}` is set, but {name} is invoked synchronously by the HTTP API"),
                    "has no effect",
                    "remove it: only the event-driven avatar_resize has a queue",
                );
            }
        }
        (None, None)
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
        max_concurrency,
    }
}
