//! `generator db-url` against moto answering as envs/dev's account: `--check` fails naming the missing parameter
//! and the command; the URL from stdin is written as a SecureString; `--check` then passes; a value that is not a
//! postgres:// URL is refused before any call.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Output;

use test_support::Server;

fn db_url(moto: &Server, check: bool, stdin: &str) -> Output {
    let mut command = common::generator_command(&moto.endpoint);
    command
        .args(["db-url", "--env", "dev", "--envs-dir"])
        .arg(common::repo_root().join("envs"))
        .args(check.then_some("--check"));
    common::run_with_stdin(command, stdin)
}

#[tokio::test]
async fn issue_16_the_database_url_is_written_out_of_terraform_and_plan_checks_it() {
    let moto = test_support::start_moto_as("210987654321");
    let parameter = "/cruddur/dev/profile-database-url";

    let missing = db_url(&moto, true, "");
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{err}");
    assert!(
        err.contains(parameter) && err.contains("make db-url ENV=dev"),
        "{err}"
    );

    let bad = db_url(&moto, false, "mysql://root@db\n");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("postgres://"));
    // dev is not a local stage: a URL the function would refuse (plain text, a fallback mode) is not written.
    for (mode, says) in [("disable", "plain text"), ("prefer", "verify-full")] {
        let refused = db_url(
            &moto,
            false,
            &format!("postgres://cruddur:pw@db.example.internal/cruddur?sslmode={mode}\n"),
        );
        let err = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!("sslmode={mode}")) && err.contains(says),
            "{err}"
        );
    }
    assert_eq!(
        db_url(&moto, true, "").status.code(),
        Some(1),
        "nothing was written"
    );

    let url = "postgres://cruddur:s3cret@db.example.internal:5432/cruddur?sslmode=verify-full";
    let written = db_url(&moto, false, &format!("{url}\n"));
    let err = String::from_utf8_lossy(&written.stderr);
    assert_eq!(written.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("s3cret"),
        "the password is never printed: {err}"
    );

    let present = db_url(&moto, true, "");
    assert_eq!(
        present.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&present.stderr)
    );

    let sdk = test_support::local_sdk_config(&moto.endpoint, "testing", "testing");
    let stored = aws_sdk_ssm::Client::new(&sdk)
        .get_parameter()
        .name(parameter)
        .with_decryption(true)
        .send()
        .await
        .unwrap();
    let stored = stored.parameter().unwrap();
    assert_eq!(stored.value(), Some(url));
    assert_eq!(
        stored.r#type(),
        Some(&aws_sdk_ssm::types::ParameterType::SecureString)
    );
}
