//! `local-cloud demo`: the whole pipeline on this machine until Ctrl-C; `demo --check`: the same, through one
//! scripted upload, then exit; `local-cloud load --users N`: N users uploading at once, with figures; `local-cloud token --sub <id> [--id]`: an access (or ID) token from the local issuer.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use local_cloud::client::Client;
use local_cloud::{Stack, StackOptions};

/// The user the demo signs in as.
const DEMO_SUB: &str = "5e1f3c9a-7b2d-4e8f-9a6c-1d0b2e3f4a5b";

#[derive(Debug, Parser)]
#[command(
    version,
    about = "The avatar pipeline on one machine: moto, s3rver, envs/local, the handlers, the page"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start everything, print the page URL and run until Ctrl-C.
    Demo {
        /// Upload a sample through the API and S3, wait for the avatar on the CDN, then stop.
        #[arg(long)]
        check: bool,
    },
    /// Start everything, then have USERS users upload at once (every TWICE_EVERY-th twice in a row); print
    /// uploads/s and upload → visible percentiles; fail if any user's last upload is lost or replaced by an older.
    Load {
        #[arg(long, default_value_t = 200)]
        users: usize,
        #[arg(long, default_value_t = 4)]
        twice_every: usize,
    },
    /// Print a token from the local development issuer: a Cognito-shaped access token (what the reference
    /// frontend sends), or with `--id` an ID token (which the API's functions refuse).
    Token {
        #[arg(long)]
        sub: String,
        #[arg(long, default_value_t = 3600)]
        ttl_seconds: u64,
        #[arg(long)]
        id: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Args::parse().command {
        Command::Demo { check } => demo(check),
        Command::Load { users, twice_every } => load(users, twice_every),
        Command::Token {
            sub,
            ttl_seconds,
            id,
        } => token(&sub, ttl_seconds, id),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn token(sub: &str, ttl_seconds: u64, id: bool) -> anyhow::Result<()> {
    let root = test_support::repo_root();
    let config = local_cloud::local_config(&root)?;
    let issuer = local_cloud::issuer::DevIssuer::load(&root, &config)?;
    let ttl = Duration::from_secs(ttl_seconds);
    let token = if id {
        issuer.id_token(sub, ttl)?
    } else {
        issuer.token(sub, ttl)?
    };
    println!("{token}");
    Ok(())
}

fn demo(check: bool) -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions {
        page: true,
        foreign_page: false,
    })?;
    stack.seed_user(DEMO_SUB, "andrewbrown", "Andrew Brown")?;
    let token = stack.token(DEMO_SUB)?;
    let page = stack.urls.page.clone().unwrap_or_default();
    println!();
    println!("  Profile page:  {page}/#token={token}");
    println!("  API:           {}", stack.urls.api);
    println!("  CDN:           {}", stack.urls.cdn);
    println!(
        "  AWS (moto):    {}   S3 (s3rver): {}",
        stack.urls.moto, stack.urls.s3
    );
    println!("  Signed in as:  {DEMO_SUB}  (another user: make token SUB=<uuid>; only this one has a profile row)");
    println!();
    if check {
        return scripted_upload(&stack, &token);
    }
    println!("Running; press Ctrl-C to stop everything.");
    stack.block_on(shutdown_signal());
    println!("Stopping.");
    Ok(())
}

fn load(users: usize, twice_every: usize) -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::default())?;
    let report = local_cloud::load::run(
        &stack,
        &local_cloud::load::LoadOptions {
            users,
            twice_every,
            timeout: Duration::from_secs(120),
            settle: Duration::from_secs(3),
        },
    )?;
    println!("{report}");
    anyhow::ensure!(
        report.lost.is_empty() && report.stale.is_empty(),
        "lost: {:?}; stale: {:?}",
        report.lost,
        report.stale
    );
    Ok(())
}

/// Ctrl-C or SIGTERM: either way the stack drops and stops moto and s3rver.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// One upload through the public interfaces, as the page does it.
fn scripted_upload(stack: &Stack, token: &str) -> anyhow::Result<()> {
    let sample = test_support::repo_root().join("web/sample-avatar.jpg");
    let bytes = std::fs::read(&sample)?;
    let client = Client::new(&stack.urls.api);
    let upload = client.upload(token, "image/jpeg", &bytes)?;
    let avatar_url = upload["avatar_url"].as_str().unwrap_or_default().to_owned();
    let avatar = client.wait_for_new(&avatar_url, None, Duration::from_secs(20))?;
    let size = image_size(&avatar.body);
    println!(
        "check: uploaded {} ({} bytes); {avatar_url} serves {} bytes of {}, {size:?}",
        sample.display(),
        bytes.len(),
        avatar.body.len(),
        avatar.content_type.as_deref().unwrap_or("?"),
    );
    anyhow::ensure!(
        avatar.content_type.as_deref() == Some("image/jpeg"),
        "the avatar is not a JPEG"
    );
    Ok(())
}

/// Width and height from a JPEG's SOF marker (enough to print what the check saw).
fn image_size(jpeg: &[u8]) -> Option<(u16, u16)> {
    let mut i = 2;
    while i + 9 < jpeg.len() {
        if jpeg[i] != 0xFF {
            return None;
        }
        let marker = jpeg[i + 1];
        let length = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if matches!(marker, 0xC0..=0xC3) {
            let height = u16::from_be_bytes([jpeg[i + 5], jpeg[i + 6]]);
            let width = u16::from_be_bytes([jpeg[i + 7], jpeg[i + 8]]);
            return Some((width, height));
        }
        i += 2 + length;
    }
    None
}
