//! `generator plan-summary`: the PR comment for one environment's plan, and the destroy gate.

use std::path::PathBuf;

use generator::plan::{markdown, Plan, Summary};

use super::Failure;

/// Markdown for a pull-request comment from `terraform show -json <planfile>`.
///
/// Counts per action, changed attributes by module (values of sensitive attributes are never shown), a warning
/// for every destroy or replace of a stateful resource, and the plan text in a collapsed section.
#[derive(Debug, clap::Args)]
pub struct PlanSummaryArgs {
    /// Environment whose plan this is (its config says which destroys are allowed).
    #[arg(long, value_name = "NAME")]
    pub env: String,

    /// Output of `terraform show -json <planfile>` ("-" for stdin).
    #[arg(long, value_name = "FILE")]
    pub plan_json: PathBuf,

    /// Output of `terraform show -no-color <planfile>`, put in the collapsed "Full plan" section.
    #[arg(long, value_name = "FILE")]
    pub plan_text: Option<PathBuf>,

    /// Write the Markdown here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Exit 3 if the plan destroys or replaces a stateful resource that `[plan_review] allow_destroy` does not
    /// list (the summary is written first).
    #[arg(long)]
    pub fail_on_destroy: bool,

    /// Folder that holds one folder per environment.
    #[arg(long, value_name = "DIR", default_value = "envs")]
    pub envs_dir: PathBuf,
}

pub(super) fn run(args: &PlanSummaryArgs) -> Result<(), Failure> {
    let config = super::load_config(&args.envs_dir, &args.env)?;
    let read = |path: &PathBuf| -> Result<String, Failure> {
        if path.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin())
        } else {
            std::fs::read_to_string(path)
        }
        .map_err(|e| Failure::Runtime(format!("cannot read {}: {e}", path.display())))
    };
    let plan = Plan::from_json(&read(&args.plan_json)?)
        .map_err(|e| Failure::Runtime(format!("{}: {e}", args.plan_json.display())))?;
    let plan_text = args.plan_text.as_ref().map(read).transpose()?;

    let summary = Summary::new(&args.env, &plan, &config.plan_review.allow_destroy);
    let markdown = markdown::render(&summary, plan_text.as_deref())
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    match &args.out {
        Some(path) => std::fs::write(path, &markdown)
            .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display())))?,
        None => print!("{markdown}"),
    }

    let c = summary.counts;
    eprintln!(
        "{}: {} to create, {} to update, {} to replace, {} to destroy; {} stateful destroy/replace ({} allowed by config)",
        args.env,
        c.create,
        c.update,
        c.replace,
        c.destroy,
        summary.hazards.len(),
        summary.hazards.iter().filter(|h| h.allowed).count()
    );
    let blocking: Vec<_> = summary.blocking().collect();
    if args.fail_on_destroy && !blocking.is_empty() {
        for h in &blocking {
            let done = match h.action {
                generator::plan::Action::Replace => "replaced",
                _ => "destroyed",
            };
            eprintln!(
                "error: {} would be {done} ({} lost); list it under [plan_review] allow_destroy in envs/{}/config.toml if that is intended",
                h.address, h.loses, args.env
            );
        }
        return Err(Failure::Destructive);
    }
    Ok(())
}
