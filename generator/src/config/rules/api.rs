//! `[api]`: the browser origins (CORS) per stage, and the JWT issuer and audience.

use super::*;

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

pub(super) fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.")
}

/// AWS WAF's lowest rate-based limit per evaluation window.
const WAF_MIN_RATE_LIMIT: i64 = 10;
/// A profile page makes a handful of requests a minute (load, save, one upload URL per image): 100 per 5 minutes
/// is ten times that, and 60 users at their budget together stay under the default route rate (20/s).
pub const DEFAULT_REQUESTS_PER_USER_PER_5_MINUTES: u32 = 100;
/// Ten users' budgets behind one address (offices, carrier NAT).
pub const DEFAULT_REQUESTS_PER_ADDRESS_PER_5_MINUTES: u32 = 1_000;

pub(super) fn check_api(c: &mut Checker, a: &RawApi, stage: Stage) -> Api {
    let mut origins = BTreeSet::new();
    if a.cors_origins.get_ref().is_empty() {
        c.report(
            IssueCode::CorsOrigins,
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
                IssueCode::CorsOrigins,
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
                    IssueCode::CorsOrigins,
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
                IssueCode::CorsOrigin,
                o.span(),
                format!("`api.cors_origins` has \"{s}\", which is not an origin"),
                why,
                "allowed: scheme://host[:port], e.g. \"https://app.example.com\" or \"http://localhost:3000\"",
            ),
            Ok(origin) if !stage.is_relaxed() && origin.scheme != "https" => c.report(
                IssueCode::CorsOrigin,
                o.span(),
                format!(
                    "`api.cors_origins` has \"{s}\", but stage \"{}\" allows only https origins",
                    stage.as_str()
                ),
                "plain http",
                "use https://; http origins are allowed only for stages \"local\" and \"development\"",
            ),
            Ok(origin) if !stage.is_relaxed() && is_loopback_host(origin.host) => c.report(
                IssueCode::CorsOrigin,
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
            IssueCode::JwtIssuer,
            a.jwt_issuer.span(),
            format!("`api.jwt_issuer` is \"{issuer}\""),
            why,
            "allowed: the exact `iss` of the tokens, an https URL, e.g. \"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123\"",
        );
    }
    let mut audience = BTreeSet::new();
    if a.jwt_audience.get_ref().is_empty() {
        c.report(
            IssueCode::JwtAudience,
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
                IssueCode::JwtAudience,
                aud.span(),
                "`api.jwt_audience` has an empty entry",
                "empty",
                "each audience is a non-empty string",
            );
        } else if !audience.insert(s.clone()) {
            c.report(
                IssueCode::JwtAudience,
                aud.span(),
                format!("`api.jwt_audience` lists \"{s}\" twice"),
                "duplicate",
                "list each audience once",
            );
        }
    }
    let requests_per_user_per_5_minutes = c.int(
        "api.requests_per_user_per_5_minutes",
        &a.requests_per_user_per_5_minutes,
        WAF_MIN_RATE_LIMIT,
        1_000_000,
        DEFAULT_REQUESTS_PER_USER_PER_5_MINUTES,
    );
    let requests_per_address_per_5_minutes = c.int(
        "api.requests_per_address_per_5_minutes",
        &a.requests_per_address_per_5_minutes,
        WAF_MIN_RATE_LIMIT,
        10_000_000,
        DEFAULT_REQUESTS_PER_ADDRESS_PER_5_MINUTES,
    );
    if let Some(address) = &a.requests_per_address_per_5_minutes {
        if requests_per_address_per_5_minutes < requests_per_user_per_5_minutes {
            c.report(
                IssueCode::OutOfRange,
                address.span(),
                format!(
                    "`api.requests_per_address_per_5_minutes` is {requests_per_address_per_5_minutes}, below \
                     `api.requests_per_user_per_5_minutes` ({requests_per_user_per_5_minutes})"
                ),
                "below the per-user budget",
                "allowed: at least the per-user budget; an address carries one user or more (NAT, mobile carriers)",
            );
        }
    }
    Api {
        requests_per_user_per_5_minutes,
        requests_per_address_per_5_minutes,
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
