//! Adopting the reference app's existing `users` table, so `migrate` runs on its database as on an empty one.
//!
//! The reference app created `public.users` with its own script (and `bio` with a later one), so on its database
//! migration 0001 would fail with "relation users already exists". When the ledger is empty and `public.users`
//! has the reference app's columns, [`adopt`] brings the table to what 0001 leaves (`baseline/reference_app.sql`:
//! every row kept) and records 0001, and 0002 when `bio` is already there, as *adopted*, in one transaction. A
//! `users` table of any other shape is refused with its missing columns, and nothing changes. An adopted
//! migration is never rolled back: its down part would drop a table this project did not create.

use tokio_postgres::Client;

use crate::migrations::{Migration, MigrationError};

/// Brings the reference table to what migration 0001 leaves (`baseline/reference_app.sql`).
const ADOPTION_SQL: &str = include_str!("../baseline/reference_app.sql");

/// The columns of the reference app's `users` table (its db/schema.sql).
pub const REFERENCE_COLUMNS: &[&str] = &[
    "uuid",
    "display_name",
    "handle",
    "email",
    "cognito_user_id",
    "created_at",
];

/// The migration that created `users`, and the one that added `bio`: the two the reference app did its own way.
const CREATES_USERS: i32 = 1;
const ADDS_BIO: i32 = 2;

/// With an empty ledger: adopts the reference app's `users` table if there is one; returns the versions adopted
/// (none for an empty database).
pub async fn adopt(
    client: &mut Client,
    migrations: &[Migration],
) -> Result<Vec<i32>, MigrationError> {
    let columns: Vec<String> = client
        .query(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = 'users'",
            &[],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    let missing: Vec<&str> = REFERENCE_COLUMNS
        .iter()
        .copied()
        .filter(|c| !columns.iter().any(|have| have == c))
        .collect();
    if !missing.is_empty() {
        return Err(MigrationError::UnknownSchema {
            missing: missing.join(", "),
        });
    }
    let has_bio = columns.iter().any(|c| c == "bio");
    let adopted: Vec<&Migration> = migrations
        .iter()
        .filter(|m| m.version == CREATES_USERS || (has_bio && m.version == ADDS_BIO))
        .collect();
    let tx = client.transaction().await?;
    tx.batch_execute(ADOPTION_SQL)
        .await
        .map_err(|source| MigrationError::AdoptionFailed { source })?;
    for migration in &adopted {
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, adopted) VALUES ($1, $2, $3, true)",
            &[&migration.version, &migration.name, &migration.checksum],
        )
        .await?;
    }
    tx.commit().await?;
    let versions: Vec<i32> = adopted.iter().map(|m| m.version).collect();
    tracing::info!(?versions, "adopted the reference app's users table");
    Ok(versions)
}
