//! `generator`: writes the Terraform root of each environment from its `config.toml`.

mod cli;
mod sts;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    cli::run(&args)
}
