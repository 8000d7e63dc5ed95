//! The example values a config may still carry: the account ids, Cognito pool and client ids, certificate and
//! hosted zone of the repository's own `envs/dev` and `envs/prod` (and the AWS documentation's account), and any
//! host under a name reserved for examples (RFC 2606: `example.com`, `.example`, `.test`, `.invalid`).
//!
//! Generating a deployed stage from them would give a root that plans against someone else's account or a
//! pool that does not exist, so `generate` refuses them outside the local stage, naming each; the repository's
//! own example roots are generated with `--allow-placeholders` (what `make check-generated` does). These are
//! separate from the config rules because the examples are valid configs: every test parses them.

use toml::Spanned;

use super::raw::RawConfig;
use super::{ConfigErrors, ConfigIssue, IssueCode};

/// The account ids of the committed examples, and the AWS documentation's.
const EXAMPLE_ACCOUNT_IDS: &[&str] = &["123456789012", "210987654321", "345678901234"];

/// The Cognito user pools (the part after `<region>_`) and app clients of the committed examples.
const EXAMPLE_POOLS: &[&str] = &["DevPool01", "ProdPool1", "XXXX"];
const EXAMPLE_CLIENT_IDS: &[&str] = &["5dev0clientid0example00000", "7prod0clientid0example0000"];

/// The hosted zones of the committed development and production examples.
const EXAMPLE_HOSTED_ZONES: &[&str] = &["Z0123456789DEVZONE001", "Z0123456789PRODZONE01"];

/// The database's subnets and security group in the committed production example.
const EXAMPLE_NETWORK_IDS: &[&str] = &[
    "subnet-0a1b2c3d4e5f60718",
    "subnet-0b1c2d3e4f5a60729",
    "sg-0c1d2e3f4a5b60738",
];

/// Every example value in `raw`, with where it is; empty when there is none. Nothing is reported for a local
/// stage, whose account and issuer are the emulator's.
pub fn find(raw: &RawConfig) -> Vec<ConfigIssue> {
    if raw.environment.stage.get_ref() == "local" {
        return Vec::new();
    }
    let mut found = Found::default();
    let account = &raw.environment.account_id;
    if EXAMPLE_ACCOUNT_IDS.contains(&account.get_ref().as_str()) {
        found.add(
            "environment.account_id",
            account,
            "your AWS account id (`aws sts get-caller-identity --query Account`)",
        );
    }
    if let Some(domain) = &raw.domain {
        if is_example_host(domain.assets.get_ref()) {
            found.add(
                "domain.assets",
                &domain.assets,
                "the assets host name in your hosted zone",
            );
        }
        if arn_account(domain.certificate_arn.get_ref())
            .is_some_and(|a| EXAMPLE_ACCOUNT_IDS.contains(&a))
        {
            found.add(
                "domain.certificate_arn",
                &domain.certificate_arn,
                "the ARN of your certificate in us-east-1 (README: \"Deploying an environment\", step 1)",
            );
        }
        if let Some(zone) = &domain.hosted_zone_id {
            if EXAMPLE_HOSTED_ZONES.contains(&zone.get_ref().as_str()) {
                found.add(
                    "domain.hosted_zone_id",
                    zone,
                    "your Route 53 hosted zone id (`aws route53 list-hosted-zones-by-name`)",
                );
            }
        }
    }
    for origin in raw.api.cors_origins.get_ref() {
        let host = origin
            .get_ref()
            .split_once("://")
            .map_or(origin.get_ref().as_str(), |(_, rest)| rest);
        let host = host.split([':', '/']).next().unwrap_or_default();
        if is_example_host(host) {
            found.add(
                "api.cors_origins",
                origin,
                "your app's origin (scheme://host[:port])",
            );
        }
    }
    let issuer = &raw.api.jwt_issuer;
    let pool = issuer
        .get_ref()
        .rsplit('/')
        .next()
        .and_then(|id| id.split_once('_'))
        .map(|(_, pool)| pool);
    if pool
        .is_some_and(|p| EXAMPLE_POOLS.contains(&p) || p.to_ascii_lowercase().contains("example"))
    {
        found.add(
            "api.jwt_issuer",
            issuer,
            "https://cognito-idp.<region>.amazonaws.com/<your user pool id>",
        );
    }
    for client in raw.api.jwt_audience.get_ref() {
        let id = client.get_ref();
        if EXAMPLE_CLIENT_IDS.contains(&id.as_str()) || id.to_ascii_lowercase().contains("example")
        {
            found.add(
                "api.jwt_audience",
                client,
                "your user pool's app client id (Cognito → App integration → App clients)",
            );
        }
    }
    if let Some(key) = &raw.database.kms_key_arn {
        if arn_account(key.get_ref()).is_some_and(|a| EXAMPLE_ACCOUNT_IDS.contains(&a)) {
            found.add(
                "database.kms_key_arn",
                key,
                "the ARN of the KMS key that encrypts your database URL parameter",
            );
        }
    }
    let network_ids = raw
        .database
        .subnet_ids
        .iter()
        .flat_map(|list| list.get_ref())
        .map(|id| ("database.subnet_ids", id))
        .chain(
            raw.database
                .security_group_id
                .iter()
                .map(|id| ("database.security_group_id", id)),
        );
    for (key, id) in network_ids {
        if EXAMPLE_NETWORK_IDS.contains(&id.get_ref().as_str()) {
            found.add(
                key,
                id,
                "the id from your database's VPC (`aws rds describe-db-instances`)",
            );
        }
    }
    for email in raw.alerts.emails.iter().flat_map(|e| e.get_ref()) {
        let domain = email.get_ref().rsplit('@').next().unwrap_or_default();
        if is_example_host(domain) {
            found.add("alerts.emails", email, "an address someone on call reads");
        }
    }
    found.issues
}

/// [`find`] as the error `generate` reports, with the file's text for the caret.
pub fn check(path: &str, text: &str, raw: &RawConfig) -> Result<(), ConfigErrors> {
    match find(raw) {
        issues if issues.is_empty() => Ok(()),
        issues => Err(ConfigErrors::new(path, text, issues)),
    }
}

#[derive(Default)]
struct Found {
    issues: Vec<ConfigIssue>,
}

impl Found {
    fn add(&mut self, key: &str, value: &Spanned<String>, what_to_put: &str) {
        self.issues.push(ConfigIssue {
            code: IssueCode::Placeholder,
            message: format!(
                "`{key}` is \"{}\", an example value, not one of your account's",
                value.get_ref()
            ),
            span: value.span(),
            label: "example value".to_owned(),
            help: Some(format!(
                "put {what_to_put} here; a deployed stage is never generated from example values \
                 (the repository's own examples: --allow-placeholders)"
            )),
        });
    }
}

/// Whether `host` is, or is under, a name reserved for examples and documentation (RFC 2606).
fn is_example_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|tld| host.ends_with(tld))
        || host == "example"
}

/// The account field of an ARN (`arn:aws:acm:us-east-1:<account>:certificate/…`).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_example_names_and_only_those() {
        for host in [
            "example.com",
            "www.cruddur.example.com",
            "cdn.example.org",
            "app.example",
            "dev.test",
        ] {
            assert!(is_example_host(host), "{host}");
        }
        for host in [
            "localhost",
            "cruddur.com",
            "example.com.au",
            "myexample.com",
        ] {
            assert!(!is_example_host(host), "{host}");
        }
    }
}
