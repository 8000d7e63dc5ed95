//! Every rule a config must satisfy, checked in one pass that collects all problems before giving up, so a user
//! fixes a file in one round trip. Each rule says what was found and what is allowed. This file holds the
//! checker and the order of the checks; each section's rules are in the file named for it.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::ops::Range;

use toml::Spanned;

mod api;
mod cdn;
mod concurrency;
mod database;
mod environment;
mod github;
mod images;
mod lambda;
mod memory;
mod names;

use super::diagnostic::ConfigIssue;
use super::model::*;
use super::raw::*;
use super::IssueCode;
use api::*;
use cdn::*;
use database::*;
use environment::*;
use github::*;
use images::*;
use lambda::*;
use names::*;

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
        code: IssueCode,
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
                    IssueCode::OutOfRange,
                    v.span(),
                    format!("`{key}` is {n}, outside the allowed range"),
                    "out of range",
                    format!("allowed: {lo}..={hi}"),
                );
                default
            }
        }
    }

    /// An integer within one of the contract's ranges (the bounds the functions check too), or `default`.
    fn int_in<T: TryFrom<i64> + Copy, R: Copy + TryInto<i64>>(
        &mut self,
        key: &str,
        value: &Option<Spanned<i64>>,
        range: &std::ops::RangeInclusive<R>,
        default: T,
    ) -> T {
        // Every contract bound fits an i64; a larger one would saturate.
        let wide = |n: R| n.try_into().unwrap_or(i64::MAX);
        self.int(
            key,
            value,
            wide(*range.start()),
            wide(*range.end()),
            default,
        )
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
            IssueCode::NotAllowed,
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
        invalidate_on_upload: raw
            .cdn
            .invalidate_on_upload
            .as_ref()
            .is_some_and(|v| *v.get_ref()),
    };
    check_cache_lifetime(&mut c, &raw.avatar, &avatar, cdn.invalidate_on_upload);
    check_viewer_tls(&mut c, raw, stage, domain.is_some());
    let database = check_database(
        &mut c,
        &raw.database,
        &environment,
        raw.environment.stage.span(),
    );
    let lambda = check_lambda(&mut c, &raw.lambda);
    check_connect_timeout(&mut c, raw, &database, &lambda);
    let images = check_images(&mut c, raw.images.as_ref(), &avatar);
    let github = raw
        .github
        .as_ref()
        .and_then(|g| check_github(&mut c, g, &backend, &environment.name));
    let plan_review = check_plan_review(&mut c, &raw.plan_review);
    let alert_emails = check_alerts(&mut c, &raw.alerts);
    let guardrails = check_guardrails(&mut c, &raw.account, stage);
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
            guardrails,
        })
    } else {
        c.issues.sort_by_key(|i| i.span.start);
        Err(c.issues)
    }
}
