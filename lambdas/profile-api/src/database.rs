//! Where the database is and one connection to it, kept for the life of the execution environment.
//!
//! The URL comes from `DATABASE_URL` (local runs, tests) or from the SSM SecureString named by the settings'
//! `database_url_parameter` (AWS), read once per cold start, on first use; a failed read is retried by the next
//! request. Errors name what failed, never the URL (it holds the password). How the connection is encrypted is
//! the URL's `sslmode` ([`crate::tls`]); plain text only where [`TlsPolicy::Local`].

use std::time::Duration;

use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard, OnceCell};
use tokio_postgres::{Client, NoTls};

use crate::tls::{ConnectionSettings, SslMode, TlsError, TlsPolicy};

/// Where the URL comes from.
#[derive(Debug, Clone)]
pub enum UrlSource {
    /// The URL itself (`DATABASE_URL`).
    Direct(String),
    /// The name of an SSM SecureString parameter holding it (the settings' `database_url_parameter`).
    Ssm {
        client: aws_sdk_ssm::Client,
        parameter: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("reading the database URL from SSM parameter {parameter}: {reason}")]
    Parameter { parameter: String, reason: String },
    #[error("connecting to the database: {0}")]
    Connect(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("database query: {0}")]
    Query(#[from] tokio_postgres::Error),
}

pub struct Database {
    source: UrlSource,
    policy: TlsPolicy,
    connect_timeout: Duration,
    url: OnceCell<String>,
    client: Mutex<Option<Client>>,
}

/// What a new connection may take unless the settings say otherwise (`database.connect_timeout_seconds`).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Database {
    pub fn new(source: UrlSource, policy: TlsPolicy) -> Self {
        Self {
            source,
            policy,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            url: OnceCell::new(),
            client: Mutex::new(None),
        }
    }

    /// The most a new connection (TCP, TLS and Postgres startup together) may take: a database that does not
    /// answer (no route from the function's network, a dropped SYN) becomes an error, so the request answers 503
    /// instead of running into the Lambda timeout. tokio-postgres's own `connect_timeout` covers the TCP connect
    /// only, so the whole attempt is bounded here.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The live connection (connecting again when there is none or it was closed), held until the guard drops.
    pub async fn client(&self) -> Result<MappedMutexGuard<'_, Client>, DatabaseError> {
        let mut guard = self.client.lock().await;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = Some(self.connect().await?);
        }
        MutexGuard::try_map(guard, Option::as_mut)
            .map_err(|_| DatabaseError::Connect("no connection".to_owned()))
    }

    async fn connect(&self) -> Result<Client, DatabaseError> {
        let url = self.url.get_or_try_init(|| self.read_url()).await?;
        tokio::time::timeout(self.connect_timeout, connect(url, self.policy))
            .await
            .unwrap_or_else(|_| {
                Err(DatabaseError::Connect(format!(
                    "no answer within {} s (the connect timeout): is there a network path from the function to \
                     the database?",
                    self.connect_timeout.as_secs_f32()
                )))
            })
    }

    async fn read_url(&self) -> Result<String, DatabaseError> {
        match &self.source {
            UrlSource::Direct(url) => Ok(url.clone()),
            UrlSource::Ssm { client, parameter } => {
                let failed = |reason: String| DatabaseError::Parameter {
                    parameter: parameter.clone(),
                    reason,
                };
                let output = client
                    .get_parameter()
                    .name(parameter)
                    .with_decryption(true)
                    .send()
                    .await
                    .map_err(|err| {
                        failed(aws_sdk_ssm::error::DisplayErrorContext(err).to_string())
                    })?;
                output
                    .parameter
                    .and_then(|p| p.value)
                    .ok_or_else(|| failed("the parameter has no value".to_owned()))
            }
        }
    }
}

/// One connection to `url`, encrypted as its `sslmode` says (see [`crate::tls`]), driven on a spawned task.
pub async fn connect(url: &str, policy: TlsPolicy) -> Result<Client, DatabaseError> {
    connect_via(url, policy, None).await
}

/// [`connect`], reaching the server at `via` when given (see [`ConnectionSettings::via`]).
pub async fn connect_via(
    url: &str,
    policy: TlsPolicy,
    via: Option<std::net::SocketAddr>,
) -> Result<Client, DatabaseError> {
    let mut settings = ConnectionSettings::parse(url, policy)?;
    if let Some(addr) = via {
        settings.via(addr)?;
    }
    // Connection errors from tokio-postgres name the host and the cause, not the password.
    let failed = |err: tokio_postgres::Error| {
        let how = match settings.mode {
            SslMode::Disable => "sslmode=disable".to_owned(),
            SslMode::Require => "sslmode=require".to_owned(),
            mode => format!("sslmode={}, trusting {}", mode.as_str(), settings.roots),
        };
        DatabaseError::Connect(format!("{} ({how})", with_causes(&err)))
    };
    let client = if settings.mode == SslMode::Disable {
        let (client, connection) = settings.config.connect(NoTls).await.map_err(failed)?;
        tokio::spawn(drive(connection));
        client
    } else {
        let tls = settings.connector()?;
        let (client, connection) = settings.config.connect(tls).await.map_err(failed)?;
        tokio::spawn(drive(connection));
        client
    };
    Ok(client)
}

/// tokio-postgres puts the cause (the certificate problem, the server's refusal) in `source()`, not in its message.
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

async fn drive<F: std::future::Future<Output = Result<(), tokio_postgres::Error>>>(connection: F) {
    if let Err(err) = connection.await {
        tracing::warn!(%err, "database connection closed");
    }
}
