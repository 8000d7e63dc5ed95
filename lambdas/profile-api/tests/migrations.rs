//! The migrator against a real Postgres started by the test: up, down, up again to the same schema; an edited
//! applied file refused; two concurrent runs applying each migration once.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use std::process::Command;

use profile_api::migrations::{load, MigrationError, Migrator, FILES};
use profile_api::tls::Plaintext;
use tokio_postgres::Client;

async fn connect(url: &str) -> Client {
    profile_api::database::connect(url, Plaintext::Refused)
        .await
        .unwrap()
}

fn schema_dump(url: &str) -> String {
    let output = Command::new("pg_dump")
        .args([
            "--schema-only",
            "--no-owner",
            "--exclude-table=schema_migrations",
            url,
        ])
        .output()
        .expect("pg_dump runs (apt-get install postgresql-client)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // pg_dump 15.14+ brackets its output with a random `\restrict` key; it is not part of the schema.
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("\\restrict") && !line.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn tables(client: &Client) -> Vec<String> {
    client
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn migrate_rollback_all_and_migrate_again_give_the_same_schema() {
    let pg = test_support::start_postgres();
    let url = pg.url("postgres");
    let mut client = connect(&url).await;
    let migrator = Migrator::embedded().unwrap();

    assert_eq!(migrator.migrate(&mut client).await.unwrap(), [1, 2]);
    assert_eq!(
        migrator.migrate(&mut client).await.unwrap(),
        Vec::<i32>::new(),
        "idempotent"
    );
    let status = migrator.status(&mut client).await.unwrap();
    assert!(status.iter().all(|s| s.applied), "{status:?}");
    let first = schema_dump(&url);
    assert!(first.contains("bio text"), "bio column present:\n{first}");
    assert!(first.contains("cognito_user_id text NOT NULL"));

    assert_eq!(migrator.rollback(&mut client, 1).await.unwrap(), [2]);
    assert!(
        !schema_dump(&url).contains("bio text"),
        "rollback of 0002 drops bio"
    );
    assert_eq!(migrator.rollback(&mut client, 10).await.unwrap(), [1]);
    assert_eq!(
        tables(&client).await,
        ["schema_migrations"],
        "nothing left but the ledger"
    );
    let rows: i64 = client
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0);

    assert_eq!(migrator.migrate(&mut client).await.unwrap(), [1, 2]);
    assert_eq!(schema_dump(&url), first, "same schema after down and up");
}

#[tokio::test]
async fn an_edited_applied_migration_is_refused_and_nothing_runs() {
    let pg = test_support::start_postgres();
    let mut client = connect(&pg.url("postgres")).await;
    let only_first = Migrator {
        migrations: load(&FILES[..1]).unwrap(),
    };
    only_first.migrate(&mut client).await.unwrap();

    let edited_text = FILES[0]
        .1
        .replace("handle          text", "handle          varchar(32)");
    assert_ne!(edited_text, FILES[0].1);
    let edited = Migrator {
        migrations: load(&[(FILES[0].0, &edited_text), FILES[1]]).unwrap(),
    };
    let err = edited.migrate(&mut client).await.unwrap_err();
    assert!(
        matches!(err, MigrationError::ChecksumMismatch { version: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("write a new migration"));
    let bio: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'bio'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(bio, 0, "the pending migration did not run");

    // An applied version this build does not know is refused too.
    client
        .execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'from_the_future', 'x')",
            &[],
        )
        .await
        .unwrap();
    let err = Migrator::embedded()
        .unwrap()
        .migrate(&mut client)
        .await
        .unwrap_err();
    assert!(
        matches!(err, MigrationError::UnknownApplied { version: 99, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn concurrent_migrate_runs_apply_each_migration_once() {
    let pg = test_support::start_postgres();
    let url = pg.url("postgres");
    let (mut a, mut b) = (connect(&url).await, connect(&url).await);
    let migrator = Migrator::embedded().unwrap();
    let (ra, rb) = tokio::join!(migrator.migrate(&mut a), migrator.migrate(&mut b));
    let mut applied = [ra.unwrap(), rb.unwrap()].concat();
    applied.sort();
    assert_eq!(
        applied,
        [1, 2],
        "each migration applied by exactly one of the runs"
    );
    let rows: i64 = a
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 2);
}
