//! `--verify-account` against a real STS API: moto's server on a free loopback port, which answers
//! GetCallerIdentity as account 123456789012. The test starts and stops the server itself.

mod common;

use std::process::Output;

use test_support::{start_moto, Server};

/// The account check itself, on the repository's example configs (so their example values are allowed).
fn generator(moto: &Server, envs: &std::path::Path, env: &str) -> Output {
    let args = [
        "--env",
        env,
        "--verify-account",
        "--allow-placeholders",
        "--envs-dir",
    ]
    .map(std::ffi::OsStr::new);
    let mut args = args.to_vec();
    args.push(envs.as_os_str());
    common::generator_against(&moto.endpoint, &args)
}

#[test]
fn verify_account_accepts_the_matching_account_and_refuses_another() {
    let moto = start_moto();
    let envs = common::copy_envs();

    // local is configured for 123456789012, the account moto answers with.
    let out = generator(&moto, envs.path(), "local");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("credentials belong to account 123456789012"),
        "{err}"
    );

    // dev is configured for 210987654321: refused, and nothing is written.
    for f in ["storage.tf", "README.md"] {
        std::fs::remove_file(envs.path().join("dev").join(f)).expect("remove");
    }
    let out = generator(&moto, envs.path(), "dev");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "belong to account 123456789012, but environment `dev` is for account 210987654321"
        ),
        "{err}"
    );
    assert!(err.contains("no files were written"), "{err}");
    assert!(!envs.path().join("dev/storage.tf").exists());
    assert!(!envs.path().join("dev/README.md").exists());
}
