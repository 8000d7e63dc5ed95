//! The binary as a user runs it: --check on committed output, stale and missing files, config errors with
//! exit code 78, and --help. These run `terraform fmt`, so they need terraform (and fail saying so).

mod common;

use std::process::{Command, Output};

fn generator(envs_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(args)
        .arg("--envs-dir")
        .arg(envs_dir)
        .env("TERRAFORM", common::terraform())
        .output()
        .expect("generator runs")
}

/// The generator on the repository's example configs, whose example values are allowed only so.
fn examples(envs_dir: &std::path::Path, args: &[&str]) -> Output {
    let mut args = args.to_vec();
    args.push("--allow-placeholders");
    generator(envs_dir, &args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn committed_output_is_up_to_date() {
    let out = examples(&common::repo_root().join("envs"), &["--all", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_deleted_generated_file_is_named_and_fails_the_check() {
    let envs = common::copy_envs();
    std::fs::remove_file(envs.path().join("dev/storage.tf")).expect("remove");
    let out = examples(envs.path(), &["--all", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("dev/storage.tf (missing)"), "{err}");
    assert!(
        !envs.path().join("dev/storage.tf").exists(),
        "--check must write nothing"
    );
}

#[test]
fn an_edited_config_makes_the_output_stale() {
    let envs = common::copy_envs();
    let path = envs.path().join("dev/config.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("quality = 80", "quality = 85")).expect("write");
    let out = examples(envs.path(), &["--env", "dev", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("dev/functions.tf (differs)"), "{err}");
    assert!(!err.contains("prod/"), "only dev was asked for: {err}");

    // Generating fixes it, and a second run writes nothing new (byte-identical).
    let out = examples(envs.path(), &["--env", "dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = std::fs::read_to_string(envs.path().join("dev/functions.tf")).expect("read");
    assert!(first.contains("quality = 85"), "{first}");
    let out = examples(envs.path(), &["--env", "dev"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("dev: 0 file(s) written"));
    let out = examples(envs.path(), &["--env", "dev", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_config_error_exits_78_and_writes_nothing() {
    let envs = common::copy_envs();
    let path = envs.path().join("prod/config.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace(
            "https://www.cruddur.example.com",
            "http://www.cruddur.example.com",
        ),
    )
    .expect("write");
    std::fs::remove_file(envs.path().join("prod/api.tf")).expect("remove");
    let out = examples(envs.path(), &["--env", "prod"]);
    assert_eq!(out.status.code(), Some(78));
    let err = stderr(&out);
    assert!(
        err.contains("prod/config.toml:"),
        "no file:line:column in {err}"
    );
    assert!(err.contains("allows only https"), "{err}");
    assert!(
        !envs.path().join("prod/api.tf").exists(),
        "nothing may be written on a config error"
    );
}

/// Issue 27, item 8: a config that is not UTF-8 (here: Latin-1 text, then a binary) is an invalid config like
/// any other: exit 78, the file, line:column and the byte offset of the first bad byte, nothing written.
#[test]
fn issue_27_a_config_that_is_not_utf8_exits_78_with_the_byte_offset() {
    let envs = common::copy_envs();
    let path = envs.path().join("dev/config.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut latin1 = b"# Caf\xe9 settings\n".to_vec();
    latin1.extend_from_slice(text.as_bytes());
    std::fs::write(&path, &latin1).expect("write");
    std::fs::remove_file(envs.path().join("dev/api.tf")).expect("remove");
    let out = examples(envs.path(), &["--env", "dev"]);
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("config::encoding"), "{err}");
    assert!(err.contains("dev/config.toml:1:6"), "{err}");
    assert!(
        err.contains("byte 5 (0xe9) is not valid UTF-8"),
        "no byte offset in {err}"
    );
    assert!(!envs.path().join("dev/api.tf").exists(), "nothing written");

    std::fs::write(&path, [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0xff, 0xfe]).expect("write");
    let out = examples(envs.path(), &["--env", "dev", "--check"]);
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    assert!(stderr(&out).contains("byte 8 (0xff)"), "{}", stderr(&out));
}

/// Issue 27, item 6: a deployed stage is never generated from the committed example values: each one is named
/// with its place (exit 78, nothing written); the local stage and `--allow-placeholders` are not refused.
#[test]
fn issue_27_example_values_are_refused_for_a_deployed_stage() {
    let envs = common::copy_envs();
    std::fs::remove_file(envs.path().join("prod/api.tf")).expect("remove");
    let out = generator(envs.path(), &["--env", "prod"]);
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    let err = stderr(&out);
    for (key, line) in [
        ("environment.account_id", 10),
        ("domain.assets", 18),
        ("domain.certificate_arn", 19),
        ("domain.hosted_zone_id", 20),
        ("api.jwt_issuer", 40),
        ("api.jwt_audience", 41),
    ] {
        assert!(err.contains(&format!("`{key}`")), "{key} not named:\n{err}");
        assert!(
            err.contains(&format!("prod/config.toml:{line}:")),
            "{key} not located at line {line}:\n{err}"
        );
    }
    assert!(err.contains("config::placeholder"), "{err}");
    assert!(!envs.path().join("prod/api.tf").exists(), "nothing written");

    // Real-looking values generate.
    let path = envs.path().join("dev/config.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    let real = text
        .replace("210987654321", "731548209163")
        .replace("dev.cruddur.example.com", "dev.cruddur.app")
        .replace("us-east-1_DevPool01", "us-east-1_Q8fWm2LzR")
        .replace("5dev0clientid0example00000", "3q9v1k7n2m4h6j8l0p5r7t9w1y")
        .replace("Z0123456789DEVZONE001", "Z08461273KX5N2QW9H4JA");
    std::fs::write(&path, real).expect("write");
    let out = generator(envs.path(), &["--env", "dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The local stage's values are the emulator's: never refused.
    let out = generator(envs.path(), &["--env", "local", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_unknown_environment_is_named() {
    let out = generator(&common::repo_root().join("envs"), &["--env", "staging"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("no environment `staging`") && err.contains("dev, local, prod"),
        "{err}"
    );
}

#[test]
fn help_explains_the_tool() {
    let out = Command::new(env!("CARGO_BIN_EXE_generator"))
        .arg("--help")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--env",
        "--all",
        "--check",
        "--verify-account",
        "Exit codes",
        "config.toml",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

/// A real plan (envs/local against the local cloud, refreshed by `UPDATE_PLAN_FIXTURES=1 cargo test -p
/// local-cloud --test plan_summary`) that renames the assets bucket, so the bucket is replaced.
fn rename_plan() -> std::path::PathBuf {
    common::repo_root().join("generator/tests/fixtures/plans/rename-assets-bucket.json")
}

#[test]
fn plan_summary_fails_on_a_stateful_replace_only_when_asked_and_not_allowed() {
    let envs = common::repo_root().join("envs");
    let plan = rename_plan();
    let plan = plan.to_str().expect("utf-8 path");
    let args = ["plan-summary", "--env", "local", "--plan-json", plan];

    let out = generator(&envs, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(
        markdown.starts_with("<!-- avatar-pipeline plan-summary: local -->"),
        "{markdown}"
    );
    assert!(markdown.contains("> [!CAUTION]"), "{markdown}");
    assert!(
        markdown.contains("**replace** `module.assets_bucket.aws_s3_bucket.this`"),
        "{markdown}"
    );
    for secret in ["probe-secret-before-7f3a", "probe-secret-after-91c2"] {
        assert!(std::fs::read_to_string(plan)
            .expect("fixture")
            .contains(secret));
        assert!(!markdown.contains(secret), "sensitive value in the summary");
    }

    let out = generator(&envs, &[&args[..], &["--fail-on-destroy"]].concat());
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("module.assets_bucket.aws_s3_bucket.this would be replaced"),
        "{}",
        stderr(&out)
    );

    // Allowed in the environment's config: still reported, no longer failing.
    let copy = common::copy_envs();
    let config = copy.path().join("local/config.toml");
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(
        &config,
        format!("{text}\n[plan_review]\nallow_destroy = [\"module.assets_bucket.aws_s3_bucket.this\"]\n"),
    )
    .expect("write");
    let out = generator(copy.path(), &[&args[..], &["--fail-on-destroy"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Allowed by `plan_review.allow_destroy`"));
}

#[test]
fn plan_summary_refuses_what_is_not_a_plan() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("plan.txt");
    std::fs::write(&path, "Terraform will perform the following actions:\n").expect("write");
    let out = generator(
        &common::repo_root().join("envs"),
        &[
            "plan-summary",
            "--env",
            "dev",
            "--plan-json",
            path.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not the output of `terraform show -json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ci_env_prints_what_the_plan_workflow_needs_and_refuses_without_github() {
    let envs = common::repo_root().join("envs");
    let out = generator(&envs, &["ci-env", "--env", "dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = String::from_utf8_lossy(&out.stdout).into_owned();
    for expected in [
        "region=us-east-1",
        "account_id=210987654321",
        "state_bucket=cruddur-terraform-state-dev",
        "plan_role_arn=arn:aws:iam::210987654321:role/cruddur-dev-github-plan",
        "apply_role_arn=arn:aws:iam::210987654321:role/cruddur-dev-github-apply",
        "apply_environment=dev",
    ] {
        assert!(
            lines.lines().any(|l| l == expected),
            "{expected} missing:\n{lines}"
        );
    }
    let out = generator(&envs, &["ci-env", "--env", "local"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no [github] section"),
        "{}",
        stderr(&out)
    );
}
