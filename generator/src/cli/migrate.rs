//! `generator migrate --env NAME [--status | --rollback N]`: runs profile-api's migrations as the database's
//! **owner**, whose URL comes on stdin (`make migrate` prompts for it without echo) and is never stored. The
//! function connects as its own user (the URL `make db-url` puts in SSM), which has DML on its tables and no DDL
//! (`lambdas/profile-api/sql/function-user.sql`), so a compromised function cannot change the schema. Connects as
//! the function does: verify-full against the Amazon RDS CA bundle unless the URL says otherwise, plain text only
//! on a local stage. The reference app's existing schema is adopted rather than failed on (profile-api's
//! `baseline`).
//!
//! It runs where it is started, so that machine needs a network path to the database: a publicly reachable
//! instance limited by its security group, a VPN, or a port forward given with `--via 127.0.0.1:PORT` (the
//! certificate is still checked against the URL's host name).

use std::net::SocketAddr;
use std::path::PathBuf;

use profile_api::migrations::Migrator;
use profile_api::tls::TlsPolicy;

use super::Failure;

/// Apply (or list, or revert) profile-api's database migrations, with the URL from the environment's parameter.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    #[arg(long, value_name = "NAME")]
    pub env: String,

    /// Only list every migration and whether it is applied.
    #[arg(long, conflicts_with = "rollback")]
    pub status: bool,

    /// Revert the newest N applied migrations instead (never one adopted from the reference app's table).
    #[arg(long, value_name = "N")]
    pub rollback: Option<usize>,

    /// When adopting the reference app's table: give rows that share a placeholder cognito_user_id (its seed
    /// data's 'MOCK') each a unique one, '<id>:<row uuid>', keeping the rows. Refused without it, naming them.
    #[arg(long)]
    pub relabel_shared_placeholders: bool,

    /// Connect to this address instead of the URL's host (a port forward), still verifying the URL's host name.
    #[arg(long, value_name = "IP:PORT")]
    pub via: Option<SocketAddr>,

    /// Folder that holds one folder per environment.
    #[arg(long, value_name = "DIR", default_value = "envs")]
    pub envs_dir: PathBuf,
}

pub(super) fn run(args: &MigrateArgs) -> Result<(), Failure> {
    let config = super::load_config(&args.envs_dir, &args.env)?;
    let url = super::database_url_from_stdin(&config, "the owner's database URL")?;
    let policy = TlsPolicy::of_stage(Some(config.environment.stage.as_str()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    runtime.block_on(async {
        let failed = |e: &dyn std::fmt::Display| Failure::Runtime(e.to_string());
        let mut client = profile_api::database::connect_via(&url, policy, args.via)
            .await
            .map_err(|e| failed(&e))?;
        let mut migrator = Migrator::embedded().map_err(|e| failed(&e))?;
        migrator.relabel_shared_placeholders = args.relabel_shared_placeholders;
        if args.status {
            for status in migrator.status(&mut client).await.map_err(|e| failed(&e))? {
                println!("{status}");
            }
        } else if let Some(steps) = args.rollback {
            let reverted = migrator
                .rollback(&mut client, steps)
                .await
                .map_err(|e| failed(&e))?;
            println!("reverted {} migration(s): {reverted:?}", reverted.len());
        } else {
            let applied = migrator
                .migrate(&mut client)
                .await
                .map_err(|e| failed(&e))?;
            println!("applied {} migration(s): {applied:?}", applied.len());
            for status in migrator.status(&mut client).await.map_err(|e| failed(&e))? {
                println!("{status}");
            }
        }
        Ok(())
    })
}
