//! `[environment]`, `[backend]` and `[emulator]`: where the stack lives, where its state is kept, and the local
//! emulator that only the local stage may use.

use super::*;

use pipeline_contract::database::RDS_CA_MISSING_REGIONS;

pub(super) fn check_environment(c: &mut Checker, e: &RawEnvironment, folder: &str) -> Environment {
    let name = e.name.get_ref();
    if name != folder {
        c.report(
            IssueCode::EnvironmentName,
            e.name.span(),
            format!("`environment.name` is \"{name}\" but the file is in envs/{folder}/"),
            "does not match the folder",
            format!("set name = \"{folder}\", or move the file to envs/{name}/"),
        );
    } else if !is_resource_word(name, 16) {
        c.report(
            IssueCode::EnvironmentName,
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
                IssueCode::NotAllowed,
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
    // profile-api verifies the database's certificate against the RDS roots it ships; a region without them
    // would deploy a function that can never connect. The local stage talks to a local Postgres.
    if stage != Stage::Local && RDS_CA_MISSING_REGIONS.contains(&region.as_str()) {
        c.report(
            IssueCode::RdsCaRegion,
            e.region.span(),
            format!(
                "`environment.region` is \"{region}\", for which profile-api ships no Amazon RDS root CA: \
                 its TLS check (verify-full) of the database would fail"
            ),
            "no RDS root CA bundled for this region",
            format!(
                "allowed: {}; or add the region's roots to lambdas/profile-api/certs/rds-ca-bundle.pem \
                 (tools/node/rds-ca-bundle.mjs) and take it out of \
                 pipeline_contract::database::RDS_CA_MISSING_REGIONS",
                REGIONS
                    .iter()
                    .filter(|r| !RDS_CA_MISSING_REGIONS.contains(r))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let account_id = e.account_id.get_ref();
    if account_id.len() != 12 || !account_id.chars().all(|ch| ch.is_ascii_digit()) {
        c.report(
            IssueCode::AccountId,
            e.account_id.span(),
            format!("`environment.account_id` is \"{account_id}\", not an AWS account id"),
            "not 12 digits",
            "allowed: exactly 12 digits, as a string (keeps leading zeros), e.g. \"123456789012\"",
        );
    }
    let project = match &e.project {
        Some(p) if !is_resource_word(p.get_ref(), 24) => {
            c.report(
                IssueCode::Project,
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

pub(super) fn check_backend(c: &mut Checker, raw: &RawConfig, env: &Environment) -> Backend {
    let stage_span = raw.environment.stage.span();
    match (&raw.backend, env.stage) {
        (Some(b), Stage::Local) => {
            c.report(
                IssueCode::Backend,
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
                IssueCode::Backend,
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
                    IssueCode::BucketName,
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
                    IssueCode::BackendKey,
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

pub(super) fn check_emulator(
    c: &mut Checker,
    raw: &RawConfig,
    env: &Environment,
) -> Option<Emulator> {
    match (&raw.emulator, env.stage) {
        (None, Stage::Local) => {
            c.report(
                IssueCode::Emulator,
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
                    IssueCode::EmulatorEndpoint,
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
                IssueCode::Emulator,
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

/// `[account] guardrails`: on by default for an AWS account (security defaults on; the one environment per account
/// that should not own them says `false`); the emulator has no Access Analyzer and no account-level S3 settings.
pub(super) fn check_guardrails(c: &mut Checker, a: &RawAccount, stage: Stage) -> bool {
    match (&a.guardrails, stage) {
        (Some(g), Stage::Local) if *g.get_ref() => {
            c.report(
                IssueCode::Guardrails,
                g.span(),
                "`account.guardrails = true` is not possible for stage \"local\"",
                "the emulator has no IAM Access Analyzer and no account-level Block Public Access",
                "remove it: the local stage never has account guardrails",
            );
            false
        }
        (Some(g), _) => *g.get_ref(),
        (None, stage) => stage != Stage::Local,
    }
}
