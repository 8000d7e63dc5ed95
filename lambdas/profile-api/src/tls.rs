//! How the connection to Postgres is encrypted and whom it trusts, read from the URL as libpq reads it.
//!
//! RDS for PostgreSQL 15+ refuses unencrypted connections (`rds.force_ssl = 1`), and a Lambda reaches the database
//! over a network it does not own, so the default is `verify-full`: TLS, a chain to a trusted root and the host
//! name in the certificate. The roots are the Amazon RDS CA bundle compiled into the binary
//! (`certs/rds-ca-bundle.pem`), or the PEM file the URL names with `sslrootcert=`.
//!
//! | `sslmode`     | encrypted | chain checked | host name checked |
//! |---------------|-----------|---------------|-------------------|
//! | `verify-full` (default) | yes | yes | yes |
//! | `verify-ca`   | yes       | yes           | no                |
//! | `require`     | yes       | only with `sslrootcert=` (as libpq) | no; refused on a production stage without `sslrootcert=` ([`TlsPolicy::Production`]) |
//! | `disable`     | no: only where [`TlsPolicy::Local`] | – | – |
//!
//! `prefer` and `allow` are refused: they fall back to plain text without saying so. tokio-postgres itself knows
//! only disable/prefer/require, so the two TLS keys are taken out of the URL here and the rest goes to it.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode as DriverSslMode;

pub use pipeline_contract::database::{SslMode, SslModeError, TlsPolicy};

/// The Amazon RDS CA certificates, from `tools/node/rds-ca-bundle.mjs` (a test keeps the file equal to its output).
pub const RDS_CA_BUNDLE: &str = include_str!("../certs/rds-ca-bundle.pem");

/// Where the trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roots {
    /// [`RDS_CA_BUNDLE`].
    AmazonRds,
    /// The URL's `sslrootcert=` file.
    File(PathBuf),
}

impl std::fmt::Display for Roots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Roots::AmazonRds => f.write_str("the bundled Amazon RDS CA certificates"),
            Roots::File(path) => write!(f, "sslrootcert={}", path.display()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("the database URL must start with postgres:// or postgresql://")]
    NotAUrl,
    #[error(transparent)]
    Mode(#[from] SslModeError),
    #[error("the database URL: {0}")]
    Url(String),
    #[error("sslrootcert={path}: {reason}")]
    RootCert { path: String, reason: String },
}

/// A database URL taken apart: the driver's settings, and how TLS is done.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    pub config: tokio_postgres::Config,
    pub mode: SslMode,
    pub roots: Roots,
}

impl ConnectionSettings {
    pub fn parse(url: &str, policy: TlsPolicy) -> Result<Self, TlsError> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(TlsError::NotAUrl);
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut mode = None;
        let mut root_file = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => mode = Some(percent_decode(value)?),
                "sslrootcert" => root_file = Some(PathBuf::from(percent_decode(value)?)),
                _ => rest.push(pair),
            }
        }
        let mode = SslMode::from_url_value(mode.as_deref(), root_file.is_some(), policy)?;
        let driver_url = if rest.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        // The driver's messages name the option, never the password.
        let mut config = tokio_postgres::Config::from_str(&driver_url)
            .map_err(|err| TlsError::Url(err.to_string()))?;
        config.ssl_mode(if mode == SslMode::Disable {
            DriverSslMode::Disable
        } else {
            DriverSslMode::Require
        });
        Ok(Self {
            config,
            mode,
            roots: root_file.map_or(Roots::AmazonRds, Roots::File),
        })
    }

    /// Connects to `addr` (a port forward, say) instead of the URL's host, still checking the certificate
    /// against the URL's host name: the same server, reached another way.
    pub fn via(&mut self, addr: std::net::SocketAddr) -> Result<(), TlsError> {
        let old = &self.config;
        let [tokio_postgres::config::Host::Tcp(host)] = old.get_hosts() else {
            return Err(TlsError::Url(
                "a different address needs a URL with exactly one host name".to_owned(),
            ));
        };
        let mut config = tokio_postgres::Config::new();
        config
            .host(host)
            .hostaddr(addr.ip())
            .port(addr.port())
            .ssl_mode(old.get_ssl_mode())
            .channel_binding(old.get_channel_binding())
            .target_session_attrs(old.get_target_session_attrs());
        if let Some(user) = old.get_user() {
            config.user(user);
        }
        if let Some(password) = old.get_password() {
            config.password(password);
        }
        if let Some(dbname) = old.get_dbname() {
            config.dbname(dbname);
        }
        if let Some(options) = old.get_options() {
            config.options(options);
        }
        if let Some(name) = old.get_application_name() {
            config.application_name(name);
        }
        if let Some(timeout) = old.get_connect_timeout() {
            config.connect_timeout(*timeout);
        }
        self.config = config;
        Ok(())
    }

    /// The TLS connector for these settings (never used with [`SslMode::Disable`]).
    pub fn connector(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect, TlsError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|err| TlsError::Url(format!("TLS versions: {err}")))?;
        let verifier: Arc<dyn ServerCertVerifier> = match (self.mode, &self.roots) {
            (SslMode::Require, _) => Arc::new(Relaxed {
                chain: None,
                provider,
            }),
            (mode, roots) => {
                let webpki = WebPkiServerVerifier::builder_with_provider(
                    Arc::new(self.root_store()?),
                    Arc::clone(&provider),
                )
                .build()
                .map_err(|err| TlsError::Url(format!("the trusted roots ({roots}): {err}")))?;
                if mode == SslMode::VerifyCa {
                    Arc::new(Relaxed {
                        chain: Some(webpki),
                        provider,
                    })
                } else {
                    webpki
                }
            }
        };
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }

    fn root_store(&self) -> Result<RootCertStore, TlsError> {
        let (pem, path) = match &self.roots {
            Roots::AmazonRds => (RDS_CA_BUNDLE.as_bytes().to_vec(), "(bundled)".to_owned()),
            Roots::File(path) => {
                let bad = |reason: String| TlsError::RootCert {
                    path: path.display().to_string(),
                    reason,
                };
                (
                    std::fs::read(path).map_err(|err| bad(err.to_string()))?,
                    path.display().to_string(),
                )
            }
        };
        let bad = |reason: String| TlsError::RootCert {
            path: path.clone(),
            reason,
        };
        let mut store = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|err| bad(format!("not PEM certificates: {err}")))?;
            store
                .add(cert)
                .map_err(|err| bad(format!("a certificate that cannot be a root: {err}")))?;
        }
        if store.is_empty() {
            return Err(bad("holds no certificate".to_owned()));
        }
        Ok(store)
    }
}

fn percent_decode(value: &str) -> Result<String, TlsError> {
    pipeline_contract::database::percent_decode(value)
        .ok_or_else(|| TlsError::Url(format!("{value:?}: a bad %-escape, or not UTF-8")))
}

/// The two relaxed modes, in one verifier. `verify-ca` (`chain` is set): the chain must reach a trusted root; the
/// name in the certificate is not compared with the host. `require` (`chain` is `None`, libpq's meaning): the
/// certificate is not checked. In both, the handshake signatures are, so the session keys belong to whoever holds
/// the certificate's key, and channel binding (SCRAM-SHA-256-PLUS) still ties the password exchange to this
/// connection.
#[derive(Debug)]
struct Relaxed {
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Relaxed {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed step should stop the test where it happened
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<ConnectionSettings, TlsError> {
        ConnectionSettings::parse(url, TlsPolicy::Development)
    }

    #[test]
    fn verify_full_against_the_rds_bundle_is_the_default() {
        let settings = parse("postgres://app:pw@db.example.com:5432/cruddur").unwrap();
        assert_eq!(settings.mode, SslMode::VerifyFull);
        assert_eq!(settings.roots, Roots::AmazonRds);
        assert_eq!(settings.config.get_ssl_mode(), DriverSslMode::Require);
        assert_eq!(settings.config.get_dbname(), Some("cruddur"));
        assert!(settings.root_store().unwrap().len() >= 100);
    }

    #[test]
    fn the_modes_are_read_as_libpq_reads_them() {
        let mode = |query: &str| parse(&format!("postgres://h/db?{query}")).map(|s| s.mode);
        assert_eq!(mode("sslmode=verify-ca").unwrap(), SslMode::VerifyCa);
        assert_eq!(mode("sslmode=require").unwrap(), SslMode::Require);
        assert_eq!(
            mode("sslmode=require&sslrootcert=%2Fetc%2Fca.pem").unwrap(),
            SslMode::VerifyCa
        );
        for refused in ["prefer", "allow", "verify_full"] {
            let err = mode(&format!("sslmode={refused}")).unwrap_err().to_string();
            assert!(
                err.contains(refused) && err.contains("verify-full"),
                "{err}"
            );
        }
    }

    #[test]
    fn plain_text_needs_a_local_stage_and_the_url_saying_so() {
        let url = "postgres://h/db?sslmode=disable";
        assert!(matches!(
            parse(url),
            Err(TlsError::Mode(SslModeError::PlaintextRefused))
        ));
        let local = ConnectionSettings::parse(url, TlsPolicy::Local).unwrap();
        assert_eq!(local.mode, SslMode::Disable);
        assert_eq!(local.config.get_ssl_mode(), DriverSslMode::Disable);
        // No sslmode on a local stage is still verify-full.
        let default = ConnectionSettings::parse("postgres://h/db", TlsPolicy::Local);
        assert_eq!(default.unwrap().mode, SslMode::VerifyFull);
        assert_eq!(TlsPolicy::of_stage(None), TlsPolicy::Development);
        assert_eq!(
            TlsPolicy::of_stage(Some("production")),
            TlsPolicy::Production
        );
    }

    /// Issue 28 item 6: a production stage refuses `sslmode=require` unless `sslrootcert=` makes libpq (and this
    /// function) check the chain.
    #[test]
    fn production_refuses_an_unchecked_certificate() {
        let require = "postgres://h/db?sslmode=require";
        assert!(matches!(
            ConnectionSettings::parse(require, TlsPolicy::Production),
            Err(TlsError::Mode(SslModeError::UnverifiedRefused))
        ));
        assert_eq!(
            ConnectionSettings::parse(require, TlsPolicy::Development)
                .unwrap()
                .mode,
            SslMode::Require
        );
        let with_roots = "postgres://h/db?sslmode=require&sslrootcert=%2Fca.pem";
        assert_eq!(
            ConnectionSettings::parse(with_roots, TlsPolicy::Production)
                .unwrap()
                .mode,
            SslMode::VerifyCa
        );
    }

    #[test]
    fn other_options_reach_the_driver_and_the_root_file_is_decoded() {
        let settings = parse(
            "postgresql://u@localhost:6543/db?hostaddr=127.0.0.1&sslrootcert=%2Ftmp%2Fmy%20ca.pem&connect_timeout=5",
        )
        .unwrap();
        assert_eq!(settings.config.get_hostaddrs().len(), 1);
        assert_eq!(
            settings.config.get_connect_timeout(),
            Some(&std::time::Duration::from_secs(5))
        );
        assert_eq!(settings.roots, Roots::File("/tmp/my ca.pem".into()));
        let err = settings.root_store().unwrap_err().to_string();
        assert!(err.starts_with("sslrootcert=/tmp/my ca.pem: "), "{err}");
    }

    #[test]
    fn a_key_value_string_is_refused_with_the_form_to_use() {
        let err = parse("host=db user=app").unwrap_err().to_string();
        assert!(err.contains("postgres://"), "{err}");
    }
}
