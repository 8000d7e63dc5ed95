//! Adopting the reference app's existing `users` table, so `migrate` runs on its database as on an empty one.
//!
//! The reference app created `public.users` with its own script (and `bio` with a later one), so on its database
//! migration 0001 would fail with "relation users already exists". When the ledger is empty and `public.users`
//! has the reference app's columns, [`adopt`] brings the table to what 0001 leaves (`baseline/reference_app.sql`:
//! every row kept) and records 0001, and 0002 when `bio` is already there, as *adopted*, in one transaction. A
//! `users` table of any other shape is refused with its missing columns, and nothing changes. An adopted
//! migration is never rolled back: its down part would drop a table this project did not create.
//!
//! The reference app's seed data gives several users `cognito_user_id = 'MOCK'`, which the unique index cannot
//! hold. Rows sharing an id stop the adoption, naming them and the fix, with nothing changed; with
//! `relabel_shared_placeholders` (the operator's explicit `--relabel-shared-placeholders`), each row whose shared
//! id is a placeholder (not a Cognito `sub`, which is a UUID) gets `<id>:<row uuid>`: the rows are kept, ids stay
//! unique and non-null as 0001 requires, and no sign-in can ever match one. A UUID shared by several rows is a real
//! user twice, which only the operator can resolve: it always stops.

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
    relabel_shared_placeholders: bool,
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
    relabel_or_refuse_shared_ids(&tx, relabel_shared_placeholders).await?;
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

/// Whether a `cognito_user_id` looks like a Cognito `sub` (a UUID) rather than a placeholder such as `MOCK`.
fn is_cognito_sub(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Rows sharing a `cognito_user_id`: relabelled when they are placeholders and the operator asked, else an error
/// that names every shared id with its handles and the one command that fixes placeholders.
async fn relabel_or_refuse_shared_ids(
    tx: &tokio_postgres::Transaction<'_>,
    relabel_shared_placeholders: bool,
) -> Result<(), MigrationError> {
    let shared: Vec<(String, Vec<String>)> = tx
        .query(
            "SELECT cognito_user_id, array_agg(handle ORDER BY handle) FROM public.users \
             GROUP BY cognito_user_id HAVING count(*) > 1 ORDER BY cognito_user_id",
            &[],
        )
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    if shared.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<&str> = shared
        .iter()
        .map(|(id, _)| id.as_str())
        .filter(|id| !is_cognito_sub(id))
        .collect();
    let subs_twice = placeholders.len() < shared.len();
    if relabel_shared_placeholders && !subs_twice {
        for id in &placeholders {
            let handles = tx
                .query(
                    "UPDATE public.users SET cognito_user_id = cognito_user_id || ':' || uuid::text \
                     WHERE cognito_user_id = $1 RETURNING handle",
                    &[id],
                )
                .await?;
            let handles: Vec<String> = handles.iter().map(|row| row.get(0)).collect();
            tracing::info!(
                placeholder = id,
                ?handles,
                "relabelled a shared placeholder cognito_user_id"
            );
        }
        return Ok(());
    }
    let listing = shared
        .iter()
        .map(|(id, handles)| format!("'{id}' ({} rows: {})", handles.len(), handles.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    let fix = if subs_twice {
        "A Cognito sub shared by several rows is one user twice: keep one row per sub (delete or merge the \
         others by hand), then run migrate again."
            .to_owned()
    } else {
        "These are placeholders (the reference app's seed data uses 'MOCK' for users without a Cognito account). \
         To keep the rows and give each a unique id no sign-in can match ('<id>:<row uuid>'), run: \
         make migrate ENV=<env> RELABEL=1 (generator migrate --relabel-shared-placeholders)."
            .to_owned()
    };
    Err(MigrationError::SharedCognitoIds {
        shared: listing,
        fix,
    })
}
