//! Helpers shared by the workspace's tests. Servers are started on a free loopback port by the test that needs
//! them and killed when the guard drops; a missing tool fails the test with a message that says how to install it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod postgres;
mod quota_table;
pub use postgres::{start_postgres, Postgres};
pub use quota_table::create_quota_table;

/// The repository root (this crate lives one level below it).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// One `[[package]]` of the workspace's Cargo.lock.
#[derive(Debug, serde::Deserialize)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
    /// Entries as Cargo writes them: `name` or `name version` when several versions are locked.
    #[serde(default)]
    pub dependencies: Vec<String>,
}

impl LockedPackage {
    /// The names of its dependencies, without the version Cargo adds to tell two versions apart.
    pub fn dependency_names(&self) -> impl Iterator<Item = &str> {
        self.dependencies
            .iter()
            .filter_map(|entry| entry.split_whitespace().next())
    }
}

/// Every package of the committed Cargo.lock (what `--locked` builds).
pub fn locked_packages() -> Vec<LockedPackage> {
    #[derive(serde::Deserialize)]
    struct Lockfile {
        package: Vec<LockedPackage>,
    }
    let path = repo_root().join("Cargo.lock");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    toml::from_str::<Lockfile>(&text)
        .unwrap_or_else(|err| panic!("{} is not a Cargo.lock: {err}", path.display()))
        .package
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|err| panic!("no free loopback port: {err}"))
}

/// A child process killed (and reaped) on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    pub endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Spawns `command` (which must listen on `port`) and waits up to 30 s for the port to accept connections.
    pub fn spawn(mut command: Command, port: u16, what: &str) -> Server {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("{what} did not start: {err}"));
        let mut server = Server {
            child,
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("{what} exited before listening on {port}: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not listen on {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }
}

/// moto's server, from the project's venv (`make setup`) or `MOTO_SERVER`.
pub fn moto_server_bin() -> PathBuf {
    let bin = std::env::var_os("MOTO_SERVER")
        .map_or_else(|| repo_root().join(".venv/bin/moto_server"), PathBuf::from);
    assert!(
        bin.is_file(),
        "this test needs moto's server at {}: run `make setup` (creates .venv with `pip install 'moto[server]'`) \
         or set MOTO_SERVER=/path/to/moto_server",
        bin.display()
    );
    bin
}

/// A fresh moto server (an empty AWS account, 123456789012) on a free loopback port.
pub fn start_moto() -> Server {
    start_moto_as("123456789012")
}

/// [`start_moto`], answering as `account` (STS GetCallerIdentity, ARNs, bucket owners).
pub fn start_moto_as(account: &str) -> Server {
    let port = free_port();
    let mut command = Command::new(moto_server_bin());
    command
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("MOTO_ACCOUNT_ID", account);
    Server::spawn(command, port, "moto_server")
}

/// s3rver's built-in credentials (it refuses anything signed with others).
pub const S3RVER_ACCESS_KEY: &str = "S3RVER";
pub const S3RVER_SECRET_KEY: &str = "S3RVER";

/// s3rver (an S3 that checks SigV4 signatures, expiry and bucket CORS) on a free loopback port, from
/// `tools/node` (`make node-tools`), with `buckets` created, each with an optional CORS XML file. Its data lives
/// in `data_dir`, which the caller owns.
pub fn start_s3rver(data_dir: &Path, buckets: &[(&str, Option<&Path>)]) -> Server {
    start_s3rver_notifying(data_dir, buckets, None)
}

/// [`start_s3rver`], POSTing each S3 event s3rver raises (JSON, `{"Records": [...]}`) to `notify_url`.
pub fn start_s3rver_notifying(
    data_dir: &Path,
    buckets: &[(&str, Option<&Path>)],
    notify_url: Option<&str>,
) -> Server {
    let launcher = repo_root().join("tools/node/s3rver.mjs");
    let module = repo_root().join("tools/node/node_modules/@20minutes/s3rver");
    assert!(
        module.is_dir(),
        "this test needs s3rver in {}: run `make node-tools` (npm ci --prefix tools/node)",
        module.display()
    );
    let port = free_port();
    let mut command = Command::new("node");
    command
        .arg(launcher)
        .args(["--port", &port.to_string(), "--directory"])
        .arg(data_dir);
    if let Some(url) = notify_url {
        command.args(["--notify", url]);
    }
    for (bucket, cors) in buckets {
        command.args(["--bucket", bucket]);
        if let Some(cors) = cors {
            command.arg("--cors").arg(cors);
        }
    }
    Server::spawn(command, port, "s3rver (node tools/node/s3rver.mjs)")
}

/// SDK settings for a local AWS API at `endpoint` (moto, s3rver): us-east-1, static test credentials.
pub fn local_sdk_config(
    endpoint: &str,
    access_key: &str,
    secret_key: &str,
) -> aws_config::SdkConfig {
    let credentials =
        aws_credential_types::Credentials::new(access_key, secret_key, None, None, "test-support");
    aws_config::SdkConfig::builder()
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build()
}
