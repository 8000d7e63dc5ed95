//! `profile-migrate migrate | rollback [--steps N] | status`, against `DATABASE_URL` (or `--database-url`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use profile_api::migrations::Migrator;
use profile_api::tls::TlsPolicy;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Apply, revert or list the profile database's migrations"
)]
struct Args {
    /// postgres://user:password@host:port/database (default: $DATABASE_URL).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply every pending migration, each in its own transaction.
    Migrate,
    /// Revert the newest applied migrations.
    Rollback {
        #[arg(long, default_value_t = 1)]
        steps: usize,
    },
    /// List every migration and whether it is applied.
    Status,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tracing_subscriber_init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn tracing_subscriber_init() {
    lambda_runtime::tracing::init_default_subscriber();
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let migrator = Migrator::embedded()?;
    // As the function does: plain text only when the URL says sslmode=disable and STAGE is local.
    let policy = TlsPolicy::of_stage(std::env::var("STAGE").ok().as_deref());
    let mut client = profile_api::database::connect(&args.database_url, policy).await?;
    match args.command {
        Command::Migrate => {
            let applied = migrator.migrate(&mut client).await?;
            println!("applied {} migration(s): {applied:?}", applied.len());
        }
        Command::Rollback { steps } => {
            let reverted = migrator.rollback(&mut client, steps).await?;
            println!("reverted {} migration(s): {reverted:?}", reverted.len());
        }
        Command::Status => {
            for status in migrator.status(&mut client).await? {
                println!("{status}");
            }
        }
    }
    Ok(())
}
