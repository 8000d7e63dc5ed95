//! `generator migrate --env dev` against moto (answering as envs/dev's account) and a TLS-only local Postgres:
//! the URL comes from the environment's SSM parameter, the migrations apply once, `--status` lists them, and a
//! missing parameter names the command that writes it.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Output;

use test_support::Server;

fn migrate(moto: &Server, extra: &[&str]) -> Output {
    common::generator_command(&moto.endpoint)
        .args(["migrate", "--env", "dev", "--envs-dir"])
        .arg(common::repo_root().join("envs"))
        .args(extra)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn issue_16_make_migrate_takes_the_url_from_the_environments_parameter() {
    let moto = test_support::start_moto_as("210987654321");
    let pg = test_support::start_postgres();

    let missing = migrate(&moto, &[]);
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
    assert!(
        text(&missing).contains("/cruddur/dev/profile-database-url")
            && text(&missing).contains("make db-url ENV=dev"),
        "{}",
        text(&missing)
    );

    let sdk = test_support::local_sdk_config(&moto.endpoint, "testing", "testing");
    aws_sdk_ssm::Client::new(&sdk)
        .put_parameter()
        .name("/cruddur/dev/profile-database-url")
        .value(pg.url("postgres"))
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .send()
        .await
        .unwrap();

    let first = migrate(&moto, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(
        text(&first).contains("applied 2 migration(s): [1, 2]"),
        "{}",
        text(&first)
    );
    let again = migrate(&moto, &[]);
    assert!(
        text(&again).contains("applied 0 migration(s)"),
        "{}",
        text(&again)
    );
    let status = migrate(&moto, &["--status"]);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    let listed = String::from_utf8_lossy(&status.stdout);
    assert_eq!(
        listed.lines().filter(|l| l.ends_with(" applied")).count(),
        2,
        "{listed}"
    );
    assert!(
        !text(&first).contains("sslrootcert") && !text(&status).contains("postgres://"),
        "the URL is never printed"
    );
}
