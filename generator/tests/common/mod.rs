//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root (the workspace folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
        .to_path_buf()
}

/// Parses a config file that lives in `<folder>/config.toml` or is given a folder explicitly.
#[track_caller]
pub fn parse_ok(path: &Path, folder: &str) -> generator::config::Config {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    match generator::config::parse(&display(path), folder, &text) {
        Ok(c) => c,
        Err(e) => panic!(
            "{} should be valid:\n{}",
            path.display(),
            generator::config::diagnostic::render(&e, false)
        ),
    }
}

/// A path relative to the repository, so snapshots do not depend on where the clone lives.
pub fn display(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The terraform binary, or a failure that says how to install it (tests never skip silently).
#[track_caller]
pub fn terraform() -> PathBuf {
    let bin =
        std::env::var_os("TERRAFORM").map_or_else(|| PathBuf::from("terraform"), PathBuf::from);
    match std::process::Command::new(&bin).arg("version").output() {
        Ok(out) if out.status.success() => bin,
        _ => panic!(
            "this test needs Terraform >= 1.10 on PATH (or TERRAFORM=/path/to/terraform); \
             install it from https://developer.hashicorp.com/terraform/install"
        ),
    }
}

/// Copies `envs/` into a temporary folder so CLI tests can write and break files freely.
pub fn copy_envs() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = repo_root().join("envs");
    for env in std::fs::read_dir(&src).expect("envs/ exists") {
        let env = env.expect("entry");
        if !env.path().is_dir() {
            continue;
        }
        let dest = tmp.path().join(env.file_name());
        std::fs::create_dir_all(&dest).expect("mkdir");
        for file in std::fs::read_dir(env.path()).expect("env dir") {
            let file = file.expect("entry");
            if file.path().is_file() {
                std::fs::copy(file.path(), dest.join(file.file_name())).expect("copy");
            }
        }
    }
    tmp
}

/// The generator binary, its AWS calls sent to the emulator at `endpoint` with test credentials and no profile,
/// config or session from the machine.
pub fn generator_command(endpoint: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_generator"));
    command
        .env("TERRAFORM", terraform())
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    command
}

/// [`generator_command`] with `args`, run to completion.
pub fn generator_against(endpoint: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    generator_command(endpoint)
        .args(args)
        .output()
        .expect("generator runs")
}

/// Runs `command` to completion with `stdin` written to it (what `make db-url` and `make migrate` pipe in).
pub fn run_with_stdin(mut command: std::process::Command, stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("generator runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the text");
    child.wait_with_output().expect("generator finishes")
}
