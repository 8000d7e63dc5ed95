//! Issue 16: the operator's make targets exist, and `make destroy` cannot run by accident: a production stage
//! needs FORCE=1, and every environment needs its name typed (or CONFIRM=<env> without a terminal). These runs
//! stop before any AWS call.

use std::process::{Command, Stdio};

fn make(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new("make")
        .arg("-s")
        .args(args)
        .current_dir(test_support::repo_root())
        .stdin(Stdio::null())
        .env_remove("FORCE")
        .env_remove("CONFIRM")
        .output()
        .expect("make runs (apt-get install make)");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[test]
fn make_help_lists_the_operators_targets() {
    let (code, help) = make(&["help"]);
    assert_eq!(code, Some(0), "{help}");
    for target in [
        "bootstrap",
        "db-url",
        "migrate",
        "plan",
        "apply",
        "destroy",
        "token",
    ] {
        assert!(
            help.lines().any(|l| l.starts_with(&format!("{target} "))),
            "make help does not list {target}:\n{help}"
        );
    }
}

#[test]
fn destroy_refuses_production_and_unconfirmed_runs() {
    let (code, text) = make(&["destroy", "ENV=prod"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("it is a production stage"), "{text}");
    assert!(text.contains("FORCE=1"), "{text}");

    let (code, text) = make(&["destroy", "ENV=dev"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("without confirmation"), "{text}");

    // FORCE=1 lifts the production refusal only; the confirmation is still asked.
    let (code, text) = make(&["destroy", "ENV=prod", "FORCE=1"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("without confirmation"), "{text}");

    let (code, text) = make(&["destroy", "ENV=local"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("nothing to destroy"), "{text}");
}

/// Issue 27, item 6: `make plan` hashes the zips where `make lambdas` wrote them, also with a CARGO_TARGET_DIR
/// outside the clone (dry runs: nothing is built or planned).
#[test]
fn issue_27_plan_reads_the_zips_from_the_lambdas_target_dir() {
    let dry_run = |target: &str| {
        let out = Command::new("make")
            .args(["-n", "plan", "lambdas", "ENV=dev"])
            .current_dir(test_support::repo_root())
            .env("CARGO_TARGET_DIR", "/tmp/shared-target")
            .env_remove("FORCE")
            .stdin(Stdio::null())
            .output()
            .expect("make runs (apt-get install make)");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            text.contains(target),
            "make -n plan lambdas does not name {target}:\n{text}"
        );
        text
    };
    let text = dry_run("lambda_artifacts_dir=/tmp/shared-target/lambda");
    assert!(
        text.contains("ls -l /tmp/shared-target/lambda/*/bootstrap.zip"),
        "make lambdas writes elsewhere:\n{text}"
    );
}
