//! `generator ci-env`: what a workflow needs to know about an environment, as `key=value` lines for
//! `$GITHUB_OUTPUT`, so the workflows never repeat an account id or role name by hand.

use std::path::PathBuf;

use generator::config::Backend;

use super::Failure;

/// Print an environment's region, account, state and GitHub role ARNs as key=value lines (for $GITHUB_OUTPUT).
#[derive(Debug, clap::Args)]
pub struct CiEnvArgs {
    #[arg(long, value_name = "NAME")]
    pub env: String,

    /// Folder that holds one folder per environment.
    #[arg(long, value_name = "DIR", default_value = "envs")]
    pub envs_dir: PathBuf,
}

pub(super) fn run(args: &CiEnvArgs) -> Result<(), Failure> {
    let config = super::load_config(&args.envs_dir, &args.env)?;
    let env = &config.environment;
    let Some(github) = &config.github else {
        return Err(Failure::Runtime(format!(
            "envs/{}/config.toml has no [github] section: no role for CI to assume",
            args.env
        )));
    };
    let role = |suffix: &str| {
        format!(
            "arn:aws:iam::{}:role/{}-github-{suffix}",
            env.account_id,
            config.name_prefix()
        )
    };
    println!("region={}", env.region);
    println!("account_id={}", env.account_id);
    if let Backend::S3 { bucket, key, .. } = &config.backend {
        println!("state_bucket={bucket}");
        println!("state_key={key}");
    }
    if github.plan_role {
        println!("plan_role_arn={}", role("plan"));
    }
    if let Some(environment) = &github.apply_environment {
        println!("apply_role_arn={}", role("apply"));
        println!("apply_environment={environment}");
    }
    Ok(())
}
