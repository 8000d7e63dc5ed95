//! A throwaway Postgres server that, like RDS with `rds.force_ssl = 1`, accepts TLS connections only.
//!
//! The machine's `initdb`/`pg_ctl` (version 15 here) in a temporary data directory on a free loopback port, trust
//! authentication, `ssl = on` with a certificate for `localhost` signed by a CA made for this server, and a
//! `pg_hba.conf` of `hostssl` lines only: a plain-text connection is refused by the server itself. Stopped
//! (`pg_ctl stop -m fast`) on drop. As root it runs as the `postgres` user, because Postgres refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

use crate::free_port;

pub struct Postgres {
    dir: tempfile::TempDir,
    run_as: Option<&'static str>,
    pub port: u16,
}

impl Postgres {
    /// `postgres://postgres@localhost:<port>/<database>`, `verify-full` against [`Self::ca_file`] (the address is
    /// given as `hostaddr=127.0.0.1`, so the name checked is `localhost` and no lookup picks `::1`).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost:{}/{database}?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={}",
            self.port,
            self.ca_file().display()
        )
    }

    /// The same server by its address and with no TLS settings of its own: for tests that choose them.
    pub fn bare_url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// The PEM of the CA that signed the server's certificate (valid for the name `localhost` only).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The PEM of another CA, one that signed nothing this server presents.
    pub fn untrusted_ca_file(&self) -> PathBuf {
        self.dir.path().join("untrusted-ca.pem")
    }

    fn command(&self, program: &str) -> Command {
        postgres_command(self.run_as, program)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "fast", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn postgres_command(run_as: Option<&str>, program: &str) -> Command {
    match run_as {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--", program]);
            command
        }
        None => Command::new(program),
    }
}

pub fn start_postgres() -> Postgres {
    for tool in ["initdb", "pg_ctl"] {
        assert!(
            Command::new(tool)
                .arg("--version")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
            "this test needs Postgres's {tool} on PATH: `apt-get install postgresql` (Debian) or your platform's \
             Postgres server package"
        );
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let run_as = root.then_some("postgres");
    let dir = tempfile::Builder::new()
        .prefix("avatar-pipeline-pg-")
        .tempdir()
        .unwrap_or_else(|err| panic!("temporary directory: {err}"));
    let chown = || {
        if root {
            let status = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(dir.path())
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "chown of the Postgres directory to the postgres user failed"
            );
        }
    };
    chown();
    let data = dir.path().join("data");
    let initdb = postgres_command(run_as, "initdb")
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        ])
        .output()
        .unwrap_or_else(|err| panic!("initdb did not run: {err}"));
    assert!(
        initdb.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&initdb.stderr)
    );
    write_tls_files(dir.path(), &data);
    chown();
    let port = free_port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c ssl=on \
         -c ssl_cert_file=server.crt -c ssl_key_file=server.key",
        dir.path().display()
    );
    let postgres = Postgres { dir, run_as, port };
    let start = postgres
        .command("pg_ctl")
        .arg("-D")
        .arg(&data)
        .args(["-o", &options, "-l"])
        .arg(postgres.dir.path().join("server.log"))
        .args(["-w", "start"])
        .output()
        .unwrap_or_else(|err| panic!("pg_ctl did not run: {err}"));
    assert!(
        start.status.success(),
        "pg_ctl start failed: {}{}",
        String::from_utf8_lossy(&start.stderr),
        std::fs::read_to_string(postgres.dir.path().join("server.log")).unwrap_or_default()
    );
    postgres
}

/// The CA (`ca.pem`), the server's certificate for `localhost` and its key (in the data directory, as Postgres
/// wants them), an unrelated CA (`untrusted-ca.pem`), and a `pg_hba.conf` that admits TLS connections only.
fn write_tls_files(dir: &Path, data: &Path) {
    let generated =
        |what: &str, err: rcgen::Error| -> ! { panic!("generating the test {what}: {err}") };
    let ca = |name: &str| {
        let key = KeyPair::generate().unwrap_or_else(|e| generated("CA key", e));
        let mut params =
            CertificateParams::new(Vec::<String>::new()).unwrap_or_else(|e| generated("CA", e));
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params
            .self_signed(&key)
            .unwrap_or_else(|e| generated("CA", e));
        (cert, Issuer::new(params, key))
    };
    let (ca_cert, issuer) = ca("avatar-pipeline test CA");
    let (untrusted_cert, _) = ca("avatar-pipeline untrusted CA");
    let server_key = KeyPair::generate().unwrap_or_else(|e| generated("server key", e));
    let mut server = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap_or_else(|e| generated("server certificate", e));
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let server_cert = server
        .signed_by(&server_key, &issuer)
        .unwrap_or_else(|e| generated("server certificate", e));

    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        path
    };
    write(dir.join("ca.pem"), &ca_cert.pem());
    write(dir.join("untrusted-ca.pem"), &untrusted_cert.pem());
    write(data.join("server.crt"), &server_cert.pem());
    let key = write(data.join("server.key"), &server_key.serialize_pem());
    // Postgres refuses a key file that others can read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600))
        .unwrap_or_else(|err| panic!("{}: {err}", key.display()));
    write(
        data.join("pg_hba.conf"),
        "# TLS only, as RDS with rds.force_ssl = 1: no `host` or `local` line.\n\
         hostssl all all 127.0.0.1/32 trust\n\
         hostssl all all ::1/128 trust\n",
    );
}
