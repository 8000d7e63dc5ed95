//! The migrator against a real Postgres started by the test: up, down, up again to the same schema; an edited
//! applied file refused; two concurrent runs applying each migration once.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use std::process::Command;

use profile_api::migrations::{load, MigrationError, Migrator, FILES};
use profile_api::tls::TlsPolicy;
use tokio_postgres::Client;

async fn connect(url: &str) -> Client {
    profile_api::database::connect(url, TlsPolicy::Development)
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
        relabel_shared_placeholders: false,
    };
    only_first.migrate(&mut client).await.unwrap();

    let edited_text = FILES[0]
        .1
        .replace("handle          text", "handle          varchar(32)");
    assert_ne!(edited_text, FILES[0].1);
    let edited = Migrator {
        migrations: load(&[(FILES[0].0, &edited_text), FILES[1]]).unwrap(),
        relabel_shared_placeholders: false,
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

/// The reference app's database (tests/fixtures/reference_schema.sql), before and after its `bio` migration.
async fn reference_database(client: &Client, with_bio: bool) {
    client
        .batch_execute(include_str!("fixtures/reference_schema.sql"))
        .await
        .unwrap();
    if with_bio {
        client
            .batch_execute(
                "ALTER TABLE public.users ADD COLUMN bio text; \
                 UPDATE public.users SET bio = 'Teaches cloud' WHERE handle = 'andrewbrown'",
            )
            .await
            .unwrap();
    }
}

async fn count(client: &Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// Issue 16: `migrate` on the reference app's existing schema adopts its `users` table (no "relation users
/// already exists"), keeps every row, and applies only what is missing; the adopted migration is never rolled
/// back, and one applied here still is.
#[tokio::test]
async fn the_reference_apps_schema_is_adopted_keeping_its_rows() {
    for with_bio in [false, true] {
        let pg = test_support::start_postgres();
        let mut client = connect(&pg.url("postgres")).await;
        reference_database(&client, with_bio).await;
        let migrator = Migrator::embedded().unwrap();

        let applied = migrator.migrate(&mut client).await.unwrap();
        let expected: &[i32] = if with_bio { &[] } else { &[2] };
        assert_eq!(applied, expected, "with_bio={with_bio}");
        let status = migrator.status(&mut client).await.unwrap();
        assert!(status.iter().all(|s| s.applied), "{status:?}");
        assert!(status[0].adopted, "0001 is adopted: {status:?}");
        assert_eq!(status[1].adopted, with_bio, "{status:?}");
        assert!(status[0].to_string().contains("adopted"), "{}", status[0]);

        assert_eq!(count(&client, "SELECT count(*) FROM public.users").await, 2);
        assert_eq!(
            count(&client, "SELECT count(*) FROM public.activities").await,
            1
        );
        if with_bio {
            let bio: Option<String> = client
                .query_one(
                    "SELECT bio FROM public.users WHERE handle = 'andrewbrown'",
                    &[],
                )
                .await
                .unwrap()
                .get(0);
            assert_eq!(bio.as_deref(), Some("Teaches cloud"));
        }
        // What 0001 leaves and the profile endpoints rely on: one row per Cognito user and per handle, rows
        // without an email (an access token has none), a generated uuid and updated_at.
        client
            .execute(
                "INSERT INTO public.users (handle, display_name, cognito_user_id) VALUES ('new', 'New', 'sub-1')",
                &[],
            )
            .await
            .unwrap();
        let duplicate = client
            .execute(
                "INSERT INTO public.users (handle, display_name, cognito_user_id) VALUES ('other', 'O', 'sub-1')",
                &[],
            )
            .await
            .unwrap_err();
        assert!(
            duplicate
                .as_db_error()
                .is_some_and(|e| e.constraint() == Some("users_cognito_user_id_key")),
            "{duplicate:?}"
        );
        assert_eq!(
            count(
                &client,
                "SELECT count(*) FROM public.users WHERE updated_at IS NOT NULL"
            )
            .await,
            3
        );

        // Rolling back: 0002 when this run applied it; never the adopted 0001 (its down part drops the table).
        if !with_bio {
            assert_eq!(migrator.rollback(&mut client, 1).await.unwrap(), [2]);
        }
        let err = migrator.rollback(&mut client, 1).await.unwrap_err();
        assert!(
            matches!(err, MigrationError::AdoptedNotReverted { .. }),
            "{err}"
        );
        assert_eq!(count(&client, "SELECT count(*) FROM public.users").await, 3);
    }
}

/// A `users` table that is neither ours nor the reference app's is refused with what it lacks, and a reference
/// table whose rows break 0001's rules (two rows for one Cognito user) stops the adoption with nothing changed.
#[tokio::test]
async fn a_users_table_that_cannot_be_adopted_is_left_as_it_was() {
    let pg = test_support::start_postgres();
    let url = pg.url("postgres");
    let mut client = connect(&url).await;
    let migrator = Migrator::embedded().unwrap();

    client
        .batch_execute("CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL)")
        .await
        .unwrap();
    let err = migrator.migrate(&mut client).await.unwrap_err();
    assert!(matches!(err, MigrationError::UnknownSchema { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("uuid, display_name, handle, cognito_user_id, created_at"),
        "{err}"
    );
    assert_eq!(
        count(&client, "SELECT count(*) FROM schema_migrations").await,
        0
    );

    client
        .batch_execute("DROP TABLE public.users")
        .await
        .unwrap();
    reference_database(&client, false).await;
    client
        .batch_execute(
            "INSERT INTO public.users (display_name, handle, email, cognito_user_id) \
             SELECT 'Twin', 'twin', 't@example.com', cognito_user_id FROM public.users WHERE handle = 'bayko'",
        )
        .await
        .unwrap();
    let before = schema_dump(&url);
    // A Cognito sub on two rows is one user twice: refused, even when placeholders may be relabelled.
    let mut relabelling = Migrator::embedded().unwrap();
    relabelling.relabel_shared_placeholders = true;
    let err = relabelling.migrate(&mut client).await.unwrap_err();
    assert!(
        matches!(err, MigrationError::SharedCognitoIds { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("nothing was changed")
            && text.contains("(2 rows: bayko, twin)")
            && text.contains("one user twice"),
        "{text}"
    );
    assert_eq!(
        count(&client, "SELECT count(*) FROM schema_migrations").await,
        0
    );
    assert_eq!(
        schema_dump(&url),
        before,
        "the adoption's changes were rolled back"
    );
}

/// Issue 27, item 3: the reference app's seed data (several users with `cognito_user_id = 'MOCK'`) stops the
/// adoption naming the rows and the one command that fixes them, with nothing changed; with that command's flag
/// the rows are kept, each with a unique placeholder no sign-in can match.
#[tokio::test]
async fn issue_27_seed_rows_sharing_a_placeholder_id_are_named_then_relabelled_on_request() {
    let pg = test_support::start_postgres();
    let url = pg.url("postgres");
    let mut client = connect(&url).await;
    reference_database(&client, true).await;
    // The reference app's db/seed.sql.
    client
        .batch_execute(
            "INSERT INTO public.users (display_name, handle, email, cognito_user_id) VALUES \
             ('Londo Mollari', 'londo', 'lmollari@centari.com', 'MOCK'), \
             ('Andrew Bayko Mock', 'baykomock', 'bayko+mock@exampro.co', 'MOCK'), \
             ('Vir Cotto', 'vir', 'vir@centari.com', 'MOCK')",
        )
        .await
        .unwrap();
    let before = schema_dump(&url);

    let err = Migrator::embedded()
        .unwrap()
        .migrate(&mut client)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, MigrationError::SharedCognitoIds { .. }),
        "{text}"
    );
    for needle in [
        "'MOCK' (3 rows: baykomock, londo, vir)",
        "nothing was changed",
        "make migrate ENV=<env> RELABEL=1",
    ] {
        assert!(text.contains(needle), "{needle} not in: {text}");
    }
    assert_eq!(schema_dump(&url), before, "nothing changed");
    assert_eq!(
        count(&client, "SELECT count(*) FROM schema_migrations").await,
        0
    );

    let mut relabelling = Migrator::embedded().unwrap();
    relabelling.relabel_shared_placeholders = true;
    relabelling.migrate(&mut client).await.unwrap();
    assert_eq!(count(&client, "SELECT count(*) FROM public.users").await, 5);
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM public.users \
             WHERE cognito_user_id = 'MOCK:' || uuid::text"
        )
        .await,
        3,
        "each seed row got 'MOCK:<its uuid>'"
    );
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM public.users WHERE handle = 'andrewbrown' \
             AND cognito_user_id = '0b7c4d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e'"
        )
        .await,
        1,
        "a real sub is left alone"
    );
    let status = relabelling.status(&mut client).await.unwrap();
    assert!(status.iter().all(|s| s.applied && s.adopted), "{status:?}");
}
