//! `generator migrate --env dev` against a TLS-only local Postgres, as the database's owner: the owner's URL
//! comes on stdin (make migrate prompts for it) and is never stored or printed; the migrations apply once,
//! `--status` lists them, and a URL that is not one or whose sslmode the function would refuse is refused.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Output;

fn migrate(owner_url: &str, extra: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_generator"));
    command
        .args(["migrate", "--env", "dev", "--envs-dir"])
        .arg(common::repo_root().join("envs"))
        .args(extra);
    common::run_with_stdin(command, &format!("{owner_url}\n"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn issue_27_make_migrate_runs_as_the_owner_from_stdin() {
    let pg = test_support::start_postgres();
    let owner_url = pg.url("postgres");

    let not_a_url = migrate("cruddur", &[]);
    assert_eq!(not_a_url.status.code(), Some(1), "{}", text(&not_a_url));
    assert!(
        text(&not_a_url)
            .contains("the owner's database URL must be one line starting with postgres://"),
        "{}",
        text(&not_a_url)
    );
    let plain = migrate(
        &pg.bare_url("postgres")
            .replace("/postgres", "/postgres?sslmode=disable"),
        &[],
    );
    assert_eq!(plain.status.code(), Some(1), "{}", text(&plain));

    let first = migrate(&owner_url, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(
        text(&first).contains("applied 2 migration(s): [1, 2]"),
        "{}",
        text(&first)
    );
    let again = migrate(&owner_url, &[]);
    assert!(
        text(&again).contains("applied 0 migration(s)"),
        "{}",
        text(&again)
    );
    let status = migrate(&owner_url, &["--status"]);
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
