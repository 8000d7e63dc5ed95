//! Command-line interface: find environments, parse, optionally verify the account, generate, format with
//! `terraform fmt`, then write or (with `--check`) compare. Exit codes: 0 ok, 1 stale or runtime error,
//! 78 config error (EX_CONFIG). The subcommands for CI live in `cli/`.

mod bootstrap;
mod ci_env;
mod db_url;
mod migrate;
mod module_docs;
mod plan_summary;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Parser;
use generator::config::{self, Config, ConfigErrors};
use generator::output::FileKind;

use crate::sts::StsVerifier;

const EXIT_STALE_OR_RUNTIME: u8 = 1;
/// `plan-summary --fail-on-destroy` found a destroy or replace of a stateful resource the config does not allow.
const EXIT_DESTRUCTIVE: u8 = 3;
const EXIT_CONFIG: u8 = 78;

/// Generate the Terraform root of an environment from its typed config.
///
/// Reads envs/<env>/config.toml, checks every value (all problems are reported at once, with
/// file:line:column), and writes envs/<env>/*.tf and README.md. The output is deterministic and
/// formatted with `terraform fmt`, so it is committed and a pull request shows the infrastructure diff
/// next to the config diff.
///
/// Examples:
///   generator --env dev                   write envs/dev/*.tf
///   generator --all --check               fail (exit 1) if any committed output is stale
///   generator --env prod --verify-account refuse unless the AWS credentials are prod's account
///   generator plan-summary --env dev --plan-json plan.json --plan-text plan.txt --fail-on-destroy
///
/// Exit codes: 0 ok, 1 stale output or runtime error, 3 destructive plan not allowed
/// (plan-summary --fail-on-destroy), 78 invalid config.
#[derive(Debug, Parser)]
#[command(name = "generator", version, verbatim_doc_comment)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["env", "all"]))]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Subcommand>,

    /// Environment to generate: the name of a folder under --envs-dir holding config.toml.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,

    /// Generate every environment (each folder under --envs-dir that has a config.toml).
    #[arg(long)]
    pub all: bool,

    /// Write nothing; exit 1 and name each file whose committed content differs from what would be written.
    #[arg(long)]
    pub check: bool,

    /// Before writing, ask AWS STS (GetCallerIdentity) which account the current credentials belong to, and
    /// refuse, writing nothing, unless it is the environment's `account_id`.
    #[arg(long)]
    pub verify_account: bool,

    /// Generate even from the example values of the repository's own configs (account ids, Cognito pool and
    /// client ids, certificate, hosted zone, example.com hosts), which are refused otherwise outside the local
    /// stage. For the committed examples only (`make check-generated`); never for an environment you deploy.
    #[arg(long)]
    pub allow_placeholders: bool,

    /// Folder that holds one folder per environment.
    #[arg(long, value_name = "DIR", default_value = "envs")]
    pub envs_dir: PathBuf,

    /// Terraform binary used to format the output (`terraform fmt -`).
    #[arg(
        long,
        value_name = "PATH",
        env = "TERRAFORM",
        default_value = "terraform"
    )]
    pub terraform: PathBuf,
}

#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    PlanSummary(plan_summary::PlanSummaryArgs),
    CiEnv(ci_env::CiEnvArgs),
    Bootstrap(bootstrap::BootstrapArgs),
    DbUrl(db_url::DbUrlArgs),
    Migrate(migrate::MigrateArgs),
    ModuleDocs(module_docs::ModuleDocsArgs),
}

#[derive(Debug)]
enum Failure {
    Config,
    Runtime(String),
    /// Already reported on stderr.
    Destructive,
}

pub fn run(args: &Args) -> ExitCode {
    let result = match &args.command {
        Some(Subcommand::PlanSummary(a)) => plan_summary::run(a),
        Some(Subcommand::CiEnv(a)) => ci_env::run(a),
        Some(Subcommand::Bootstrap(a)) => bootstrap::run(a),
        Some(Subcommand::DbUrl(a)) => db_url::run(a),
        Some(Subcommand::Migrate(a)) => migrate::run(a),
        Some(Subcommand::ModuleDocs(a)) => module_docs::run(a),
        None => run_inner(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Config) => ExitCode::from(EXIT_CONFIG),
        Err(Failure::Destructive) => ExitCode::from(EXIT_DESTRUCTIVE),
        Err(Failure::Runtime(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_STALE_OR_RUNTIME)
        }
    }
}

/// Reads and validates `<envs_dir>/<name>/config.toml`; problems are printed (with file:line:column).
fn load_config(envs_dir: &Path, name: &str) -> Result<Config, Failure> {
    read_config(envs_dir, name, false)?.map_err(|errors| {
        eprint!(
            "{}",
            config::diagnostic::render(&errors, std::io::stderr().is_terminal())
        );
        Failure::Config
    })
}

/// `<envs_dir>/<name>/config.toml`, parsed and validated: an unreadable file is a runtime failure, anything
/// in it (bytes that are not UTF-8 included) a config error, and so are example values when
/// `refuse_placeholders` (what `generate` asks for, unless `--allow-placeholders`).
fn read_config(
    envs_dir: &Path,
    name: &str,
    refuse_placeholders: bool,
) -> Result<Result<Config, ConfigErrors>, Failure> {
    let path = envs_dir.join(name).join("config.toml");
    let bytes = std::fs::read(&path)
        .map_err(|e| Failure::Runtime(format!("cannot read {}: {e}", path.display())))?;
    let shown = path.display().to_string();
    Ok(
        config::parse_bytes(&shown, name, &bytes).and_then(|config| {
            if refuse_placeholders {
                config::check_placeholders(&shown, &bytes)?;
            }
            Ok(config)
        }),
    )
}

fn run_inner(args: &Args) -> Result<(), Failure> {
    let names = environment_names(args)?;

    // 1. Parse and validate every environment before touching anything.
    let mut configs = Vec::new();
    let mut config_failed = false;
    let color = std::io::stderr().is_terminal();
    for name in &names {
        match read_config(&args.envs_dir, name, !args.allow_placeholders)? {
            Ok(config) => configs.push((name.clone(), config)),
            Err(errors) => {
                config_failed = true;
                eprint!("{}", config::diagnostic::render(&errors, color));
            }
        }
    }
    if config_failed {
        return Err(Failure::Config);
    }

    // 2. Optionally make sure the credentials are the environment's.
    if args.verify_account {
        for (_, config) in &configs {
            verify_account(config)?;
        }
    }

    // 3. Generate every environment, format all Terraform files with one `terraform fmt` run, then write or
    //    compare.
    let mut generated = Vec::new();
    for (name, config) in &configs {
        let files = generator::generate(config)
            .map_err(|e| Failure::Runtime(format!("environment {name}: {e}")))?;
        generated.push((name, files));
    }
    let raw: Vec<&str> = generated
        .iter()
        .flat_map(|(_, files)| files.iter())
        .filter(|f| f.kind == FileKind::Terraform)
        .map(|f| f.contents.as_str())
        .collect();
    let mut formatted = terraform_fmt(&args.terraform, &raw)
        .map_err(Failure::Runtime)?
        .into_iter();

    let mut stale = Vec::new();
    for (name, files) in generated {
        let dir = args.envs_dir.join(name);
        let mut written = 0;
        for file in files {
            let contents = match file.kind {
                FileKind::Terraform => formatted
                    .next()
                    .ok_or_else(|| Failure::Runtime("terraform fmt lost a file".to_owned()))?,
                FileKind::Text => file.contents,
            };
            let path = dir.join(file.name);
            let current = std::fs::read_to_string(&path).ok();
            if current.as_deref() == Some(contents.as_str()) {
                continue;
            }
            if args.check {
                let why = if current.is_none() {
                    "missing"
                } else {
                    "differs"
                };
                stale.push(format!("{} ({why})", path.display()));
            } else {
                std::fs::write(&path, contents).map_err(|e| {
                    Failure::Runtime(format!("cannot write {}: {e}", path.display()))
                })?;
                written += 1;
            }
        }
        if !args.check {
            println!("{name}: {written} file(s) written to {}", dir.display());
        }
    }
    if !stale.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "stale generated files (run `make generate ENV=<env>`, with EXAMPLES=1 for the repository's example configs, and commit):"
        );
        for s in &stale {
            let _ = writeln!(err, "  {s}");
        }
        return Err(Failure::Runtime(format!("{} stale file(s)", stale.len())));
    }
    if args.check {
        println!(
            "{} environment(s) up to date: {}",
            names.len(),
            names.join(", ")
        );
    }
    Ok(())
}

fn environment_names(args: &Args) -> Result<Vec<String>, Failure> {
    if let Some(env) = &args.env {
        let path = args.envs_dir.join(env).join("config.toml");
        if !path.is_file() {
            return Err(Failure::Runtime(format!(
                "no environment `{env}`: {} does not exist (environments: {})",
                path.display(),
                list_environments(&args.envs_dir)
                    .unwrap_or_default()
                    .join(", ")
            )));
        }
        return Ok(vec![env.clone()]);
    }
    let names = list_environments(&args.envs_dir)
        .map_err(|e| Failure::Runtime(format!("cannot list {}: {e}", args.envs_dir.display())))?;
    if names.is_empty() {
        return Err(Failure::Runtime(format!(
            "no environment under {} (expected <name>/config.toml)",
            args.envs_dir.display()
        )));
    }
    Ok(names)
}

/// Sorted names of the folders under `dir` that hold a config.toml.
fn list_environments(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.path().join("config.toml").is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Runs `work` on a one-thread runtime with the SDK configuration for `region`: the usual credential chain, and
/// `AWS_ENDPOINT_URL` pointing it at the local emulator in tests.
fn with_aws<T, F>(region: &str, work: impl FnOnce(aws_config::SdkConfig) -> F) -> Result<T, Failure>
where
    F: std::future::Future<Output = Result<T, Failure>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    runtime.block_on(async {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(region.to_owned()))
            .load()
            .await;
        work(sdk).await
    })
}

/// A `postgres://` URL given on stdin (one line; `make db-url` and `make migrate` prompt for it without echo),
/// refused unless the function (or the migrator) would accept its `sslmode` on this environment's stage.
fn database_url_from_stdin(config: &Config, whose: &str) -> Result<String, Failure> {
    use std::io::Read;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Runtime(format!("reading {whose} from stdin: {e}")))?;
    let url = text.trim().to_owned();
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        || url.contains(char::is_whitespace)
    {
        return Err(Failure::Runtime(format!(
            "{whose} must be one line starting with postgres:// or postgresql:// \
             (e.g. postgres://user:password@host:5432/cruddur?sslmode=verify-full)"
        )));
    }
    let policy =
        pipeline_contract::database::TlsPolicy::of_stage(Some(config.environment.stage.as_str()));
    pipeline_contract::database::SslMode::of_url(&url, policy)
        .map_err(|e| Failure::Runtime(format!("{whose}: {e}")))?;
    Ok(url)
}

fn verify_account(config: &Config) -> Result<(), Failure> {
    let verifier = StsVerifier {
        region: config.environment.region.clone(),
    };
    generator::account::verify_account(config, &verifier)
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    eprintln!(
        "{}: credentials belong to account {} as configured",
        config.environment.name, config.environment.account_id
    );
    Ok(())
}

/// Formats HCL exactly as `terraform fmt` does, by asking it (hcl-rs does not align `=`). All files go through
/// one `terraform fmt` run over a temporary folder: one process instead of one per file.
fn terraform_fmt(terraform: &Path, files: &[&str]) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let path = |i: usize| dir.path().join(format!("file{i:04}.tf"));
    for (i, contents) in files.iter().enumerate() {
        std::fs::write(path(i), contents)
            .map_err(|e| format!("cannot write {}: {e}", path(i).display()))?;
    }
    let output = Command::new(terraform)
        .args(["fmt", "-no-color", "-list=false"])
        .arg(dir.path())
        .output()
        .map_err(|e| {
            format!(
                "cannot run `{} fmt` ({e}); install Terraform >= 1.10 \
                 (https://developer.hashicorp.com/terraform/install) or pass --terraform PATH",
                terraform.display()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "terraform fmt rejected the generated HCL (a generator bug): {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    (0..files.len())
        .map(|i| {
            std::fs::read_to_string(path(i)).map_err(|e| format!("cannot read formatted file: {e}"))
        })
        .collect()
}
