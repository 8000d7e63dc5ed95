//! `--verify-account` against a real STS API: moto's server on a free loopback port, which answers
//! GetCallerIdentity as account 123456789012. The test starts and stops the server itself.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// moto's server, from the project's venv (`make setup`) or MOTO_SERVER; fails saying how to install it.
fn moto_server_bin() -> PathBuf {
    let bin = std::env::var_os("MOTO_SERVER").map_or_else(
        || common::repo_root().join(".venv/bin/moto_server"),
        PathBuf::from,
    );
    assert!(
        bin.is_file(),
        "this test needs moto's server at {}: run `make setup` (creates .venv with `pip install 'moto[server]'`) \
         or set MOTO_SERVER=/path/to/moto_server",
        bin.display()
    );
    bin
}

struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Moto {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(moto_server_bin())
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not listen on {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    moto
}

fn generator(moto: &Moto, envs: &std::path::Path, env: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(["--env", env, "--verify-account", "--envs-dir"])
        .arg(envs)
        .env("TERRAFORM", common::terraform())
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .output()
        .expect("generator runs")
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
