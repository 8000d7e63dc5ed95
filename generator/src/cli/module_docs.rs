//! `generator module-docs [--check]`: writes the inputs/outputs tables of every module README (see
//! `generator::module_docs`), or with `--check` fails naming the stale ones.

use std::path::PathBuf;

use super::Failure;

/// Write (or, with --check, verify) the inputs and outputs tables of every modules/*/README.md.
#[derive(Debug, clap::Args)]
pub struct ModuleDocsArgs {
    /// Only check: exit 1 naming every README whose tables are stale.
    #[arg(long)]
    pub check: bool,

    /// Folder that holds one folder per module.
    #[arg(long, value_name = "DIR", default_value = "modules")]
    pub modules_dir: PathBuf,
}

pub(super) fn run(args: &ModuleDocsArgs) -> Result<(), Failure> {
    let readmes = generator::module_docs::readmes(&args.modules_dir).map_err(Failure::Runtime)?;
    let stale: Vec<_> = readmes.iter().filter(|r| r.is_stale()).collect();
    if args.check {
        if stale.is_empty() {
            eprintln!("{} module README(s) up to date", readmes.len());
            return Ok(());
        }
        let names: Vec<String> = stale.iter().map(|r| r.path.display().to_string()).collect();
        return Err(Failure::Runtime(format!(
            "stale inputs/outputs tables in {}: run `make module-docs`",
            names.join(", ")
        )));
    }
    for readme in &stale {
        std::fs::write(&readme.path, &readme.expected)
            .map_err(|e| Failure::Runtime(format!("{}: {e}", readme.path.display())))?;
        eprintln!("{} written", readme.path.display());
    }
    eprintln!(
        "{} module README(s), {} rewritten",
        readmes.len(),
        stale.len()
    );
    Ok(())
}
