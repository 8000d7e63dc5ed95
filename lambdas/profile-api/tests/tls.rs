//! Issue 16: TLS to Postgres, against a real local server that (like RDS with `rds.force_ssl = 1`) admits TLS
//! connections only (`ssl = on`, `hostssl` lines only in pg_hba.conf). verify-full with the right CA connects; a
//! wrong CA or a wrong host name is refused, saying which; plain text is refused by us outside a local stage and
//! by the server everywhere.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use profile_api::database::{connect, DatabaseError};
use profile_api::tls::{SslModeError, TlsError, TlsPolicy};

async fn error_of(url: &str, policy: TlsPolicy) -> DatabaseError {
    match connect(url, policy).await {
        Ok(_) => panic!("{url} connected; it must be refused"),
        Err(err) => err,
    }
}

#[tokio::test]
async fn verify_full_with_the_right_ca_connects_over_tls() {
    let pg = test_support::start_postgres();
    let client = connect(&pg.url("postgres"), TlsPolicy::Development)
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0), "the session is encrypted");
    let version: String = row.get(1);
    assert!(version.starts_with("TLSv1."), "{version}");
}

#[tokio::test]
async fn a_wrong_ca_is_refused_naming_the_roots_it_trusted() {
    let pg = test_support::start_postgres();
    let untrusted = pg.untrusted_ca_file();
    let url = format!(
        "postgres://postgres@localhost:{}/postgres?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={}",
        pg.port,
        untrusted.display()
    );
    let err = error_of(&url, TlsPolicy::Development).await.to_string();
    assert!(err.contains("UnknownIssuer"), "{err}");
    assert!(
        err.contains(&format!(
            "sslmode=verify-full, trusting sslrootcert={}",
            untrusted.display()
        )),
        "{err}"
    );

    // With no sslrootcert the roots are the Amazon RDS CAs, which never signed this server's certificate.
    let url = format!(
        "postgres://postgres@localhost:{}/postgres?hostaddr=127.0.0.1",
        pg.port
    );
    let err = error_of(&url, TlsPolicy::Development).await.to_string();
    assert!(
        err.contains("UnknownIssuer") && err.contains("the bundled Amazon RDS CA certificates"),
        "{err}"
    );
}

#[tokio::test]
async fn a_wrong_host_name_is_refused_by_verify_full_only() {
    let pg = test_support::start_postgres();
    // The certificate names `localhost`; this URL names the server 127.0.0.1.
    let by_address = |mode: &str| {
        format!(
            "{}?sslmode={mode}&sslrootcert={}",
            pg.bare_url("postgres"),
            pg.ca_file().display()
        )
    };
    let err = error_of(&by_address("verify-full"), TlsPolicy::Development)
        .await
        .to_string();
    assert!(
        err.contains("certificate not valid for name \"127.0.0.1\"") && err.contains("localhost"),
        "{err}"
    );

    // verify-ca checks the chain, not the name (libpq's meaning), and `require` with a root file is verify-ca.
    for mode in ["verify-ca", "require"] {
        connect(&by_address(mode), TlsPolicy::Development)
            .await
            .unwrap_or_else(|err| panic!("sslmode={mode}: {err}"));
    }
    // verify-ca still refuses a chain to a root it does not trust.
    let untrusted = format!(
        "{}?sslmode=verify-ca&sslrootcert={}",
        pg.bare_url("postgres"),
        pg.untrusted_ca_file().display()
    );
    let err = error_of(&untrusted, TlsPolicy::Development)
        .await
        .to_string();
    assert!(err.contains("UnknownIssuer"), "{err}");
}

#[tokio::test]
async fn plain_text_is_refused_by_us_and_by_the_server() {
    let pg = test_support::start_postgres();
    let plain = format!("{}?sslmode=disable", pg.bare_url("postgres"));
    // Outside a local stage nothing is sent: refused before connecting.
    let err = error_of(&plain, TlsPolicy::Development).await;
    assert!(
        matches!(
            err,
            DatabaseError::Tls(TlsError::Mode(SslModeError::PlaintextRefused))
        ),
        "{err}"
    );
    // On a local stage the URL is honoured, and a TLS-only server (as RDS) turns it away.
    let err = error_of(&plain, TlsPolicy::Local).await.to_string();
    assert!(
        err.contains("no pg_hba.conf entry") && err.contains("no encryption"),
        "{err}"
    );
    assert!(err.contains("(sslmode=disable)"), "{err}");
}

/// Through a port forward (`generator migrate --via`): the URL's host name is still what the certificate must
/// name, the address is the forward's.
#[tokio::test]
async fn a_different_address_still_verifies_the_urls_host_name() {
    let pg = test_support::start_postgres();
    let via: std::net::SocketAddr = format!("127.0.0.1:{}", pg.port).parse().unwrap();
    let url = |host: &str| {
        format!(
            "postgres://postgres@{host}:1/postgres?sslrootcert={}",
            pg.ca_file().display()
        )
    };
    let client =
        profile_api::database::connect_via(&url("localhost"), TlsPolicy::Development, Some(via))
            .await
            .unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
    let err = match profile_api::database::connect_via(
        &url("db.example.com"),
        TlsPolicy::Development,
        Some(via),
    )
    .await
    {
        Ok(_) => panic!("a certificate for localhost was accepted for db.example.com"),
        Err(err) => err.to_string(),
    };
    assert!(
        err.contains("certificate not valid for name \"db.example.com\""),
        "{err}"
    );
}
