//! Issue 27, item 1: `.ci/run` under `CI=true` removes its clone's build outputs (target/, .venv/,
//! tools/node/node_modules/) when it exits, passed or failed, after printing the target dir's size. Without
//! `CI=true` (a developer's checkout) it removes nothing.
//!
//! Each case copies the real script into a throwaway clone-shaped folder and puts a stub `make` first on `PATH`,
//! so the script's own steps run in seconds and end with the status the case chooses.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

const BUILD_OUTPUTS: [&str; 3] = ["target", ".venv", "tools/node/node_modules"];

/// Runs a copy of `.ci/run` whose `make` exits with `make_status`; returns the script's status, its output
/// and the clone it ran in.
fn run_ci(ci: Option<&str>, make_status: i32) -> (Option<i32>, String, tempfile::TempDir) {
    let clone = tempfile::tempdir().unwrap();
    fs::create_dir_all(clone.path().join(".ci")).unwrap();
    fs::copy(
        test_support::repo_root().join(".ci/run"),
        clone.path().join(".ci/run"),
    )
    .unwrap();
    fs::create_dir_all(clone.path().join("tools")).unwrap();
    fs::copy(
        test_support::repo_root().join("tools/terraform.rc"),
        clone.path().join("tools/terraform.rc"),
    )
    .unwrap();
    for output in BUILD_OUTPUTS {
        let dir = clone.path().join(output);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("artifact"), vec![0u8; 64 * 1024]).unwrap();
    }
    // Sources next to the outputs must survive.
    fs::write(clone.path().join("tools/node/package.json"), "{}").unwrap();

    let stubs = tempfile::tempdir().unwrap();
    let make = stubs.path().join("make");
    fs::write(&make, format!("#!/bin/sh\nexit {make_status}\n")).unwrap();
    fs::set_permissions(&make, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        stubs.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut command = Command::new("bash");
    command
        .arg(clone.path().join(".ci/run"))
        .env("PATH", path)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CI")
        .stdin(Stdio::null());
    if let Some(ci) = ci {
        command.env("CI", ci);
    }
    let out = command.output().expect("bash runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text, clone)
}

fn remaining_outputs(clone: &Path) -> Vec<&'static str> {
    BUILD_OUTPUTS
        .into_iter()
        .filter(|output| clone.join(output).exists())
        .collect()
}

#[test]
fn issue_27_ci_removes_build_outputs_after_a_green_run() {
    let (code, text, clone) = run_ci(Some("true"), 0);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("== target dir "), "no target size:\n{text}");
    assert_eq!(
        remaining_outputs(clone.path()),
        Vec::<&str>::new(),
        "{text}"
    );
    assert!(clone.path().join("tools/node/package.json").exists());
    assert!(clone.path().join(".ci/run").exists());
}

#[test]
fn issue_27_ci_removes_build_outputs_after_a_failed_run_and_keeps_its_status() {
    let (code, text, clone) = run_ci(Some("true"), 3);
    // make's status 3 fails the step; the trap must not turn it into success.
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("== target dir "), "no target size:\n{text}");
    assert_eq!(
        remaining_outputs(clone.path()),
        Vec::<&str>::new(),
        "{text}"
    );
}

#[test]
fn issue_27_a_developer_run_keeps_build_outputs() {
    let (code, text, clone) = run_ci(None, 0);
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        remaining_outputs(clone.path()),
        BUILD_OUTPUTS.to_vec(),
        "{text}"
    );
}
