//! Ordered, reversible schema migrations, compiled into the binaries.
//!
//! Each file `migrations/NNNN_name.sql` has an up part and a down part (after `-- migrate:up` and
//! `-- migrate:down`). Versions are fixed-width, so files sort as they apply. Each applied migration is one row of
//! `schema_migrations` (version, name, checksum, applied_at). Every command:
//!
//! - takes a session advisory lock first, so two `migrate` runs at once apply each migration once;
//! - checks every applied row against the files: a changed file (checksum) or an applied version with no file is
//!   an error, and nothing runs;
//! - applies or reverts each migration in its own transaction, together with its row;
//! - on a database the reference app made (a `users` table, no ledger), first adopts that table
//!   ([`crate::baseline`]) instead of failing on "relation users already exists".
//!
//! Not sqlx's migrator: it records `_sqlx_migrations` with its own columns (sqlx 0.9 can rename the table, not
//! its columns) and brings sqlx's driver stack beside tokio-postgres; refinery has no down migrations.

use std::fmt;

use sha2::{Digest, Sha256};
use tokio_postgres::Client;

/// The migrations in this crate, in order. A test checks that every file in `migrations/` is listed here.
pub const FILES: &[(&str, &str)] = &[
    (
        "0001_create_users.sql",
        include_str!("../migrations/0001_create_users.sql"),
    ),
    (
        "0002_add_bio.sql",
        include_str!("../migrations/0002_add_bio.sql"),
    ),
];

/// Key of the advisory lock every command holds (any constant; this one spells "avatar-m").
const LOCK_KEY: i64 = 0x6176_6174_6172_2d6d;

const UP: &str = "-- migrate:up";
const DOWN: &str = "-- migrate:down";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: i32,
    pub name: String,
    pub up: String,
    pub down: String,
    /// SHA-256 of the whole file, hex.
    pub checksum: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("{file}: {problem}")]
    BadFile { file: String, problem: String },
    #[error("migration {version} ({name}) was applied from a different file: checksum {applied} in the database, {file} now; restore the file or write a new migration")]
    ChecksumMismatch {
        version: i32,
        name: String,
        applied: String,
        file: String,
    },
    #[error(
        "migration {version} ({name}) is applied but has no file here; is this an older build?"
    )]
    UnknownApplied { version: i32, name: String },
    #[error("migration {version} ({name}) failed: {}", reason(source))]
    Failed {
        version: i32,
        name: String,
        source: tokio_postgres::Error,
    },
    #[error(
        "public.users exists but is not the reference app's table (it has no {missing}) and no migration of this \
         project made it; nothing was changed"
    )]
    UnknownSchema { missing: String },
    #[error(
        "public.users has rows that share a cognito_user_id, which adopting the table cannot keep (one row per \
         Cognito user): {shared}; nothing was changed. {fix}"
    )]
    SharedCognitoIds { shared: String, fix: String },
    #[error(
        "adopting the reference app's users table failed, nothing was changed: {}",
        reason(source)
    )]
    AdoptionFailed { source: tokio_postgres::Error },
    #[error(
        "migration {version} ({name}) was adopted from the reference app's existing table, not applied here: \
         rolling it back would drop that table and its users; nothing was reverted"
    )]
    AdoptedNotReverted { version: i32, name: String },
    #[error(transparent)]
    Database(#[from] tokio_postgres::Error),
}

/// The server's message and detail (which key is duplicated, which relation exists): tokio-postgres's own
/// message is only "db error".
fn reason(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        },
        None => err.to_string(),
    }
}

/// One row of `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub version: i32,
    pub name: String,
    pub applied: bool,
    /// Recorded from the reference app's existing table rather than run ([`crate::baseline`]).
    pub adopted: bool,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match (self.applied, self.adopted) {
            (true, true) => "applied (adopted from the reference app's table)",
            (true, false) => "applied",
            (false, _) => "pending",
        };
        write!(f, "{:04} {:<32} {state}", self.version, self.name)
    }
}

impl Migration {
    /// Parses `NNNN_name.sql` and its text.
    pub fn parse(file: &str, text: &str) -> Result<Self, MigrationError> {
        let bad = |problem: &str| MigrationError::BadFile {
            file: file.to_owned(),
            problem: problem.to_owned(),
        };
        let stem = file
            .strip_suffix(".sql")
            .ok_or_else(|| bad("must end in .sql"))?;
        let (version, name) = stem
            .split_once('_')
            .ok_or_else(|| bad("must be named NNNN_name.sql"))?;
        if version.len() != 4 || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the version must be 4 digits (0001, 0002, …)"));
        }
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(bad("the name must be lowercase letters, digits and _"));
        }
        let up_at = text
            .find(UP)
            .ok_or_else(|| bad("no `-- migrate:up` line"))?;
        let down_at = text
            .find(DOWN)
            .ok_or_else(|| bad("no `-- migrate:down` line"))?;
        if down_at < up_at {
            return Err(bad("`-- migrate:down` must come after `-- migrate:up`"));
        }
        let up = text[up_at + UP.len()..down_at].trim();
        let down = text[down_at + DOWN.len()..].trim();
        if up.is_empty() || down.is_empty() {
            return Err(bad("both the up and the down part need SQL"));
        }
        Ok(Self {
            version: version.parse().map_err(|_| bad("bad version"))?,
            name: name.to_owned(),
            up: up.to_owned(),
            down: down.to_owned(),
            checksum: hex(&Sha256::digest(text.as_bytes())),
        })
    }
}

/// The migrations of a list of `(file name, text)`, checked to be in strictly increasing version order.
pub fn load(files: &[(&str, &str)]) -> Result<Vec<Migration>, MigrationError> {
    let mut migrations: Vec<Migration> = files
        .iter()
        .map(|(file, text)| Migration::parse(file, text))
        .collect::<Result<_, _>>()?;
    migrations.sort_by_key(|m| m.version);
    for pair in migrations.windows(2) {
        if pair[0].version == pair[1].version {
            return Err(MigrationError::BadFile {
                file: format!("{:04}_{}.sql", pair[1].version, pair[1].name),
                problem: format!("version {} is used twice", pair[1].version),
            });
        }
    }
    Ok(migrations)
}

pub struct Migrator {
    pub migrations: Vec<Migration>,
    /// When adopting the reference app's table: give rows that share a placeholder `cognito_user_id` (its seed
    /// data's `'MOCK'`) each a unique one ([`crate::baseline`]); off unless the operator asks.
    pub relabel_shared_placeholders: bool,
}

impl Migrator {
    /// The migrations compiled into this crate.
    pub fn embedded() -> Result<Self, MigrationError> {
        Ok(Self {
            migrations: load(FILES)?,
            relabel_shared_placeholders: false,
        })
    }

    /// Applies every pending migration, in order; returns the versions applied.
    pub async fn migrate(&self, client: &mut Client) -> Result<Vec<i32>, MigrationError> {
        lock(client).await?;
        let result = async {
            let mut applied = self.check(client).await?;
            if applied.is_empty()
                && !crate::baseline::adopt(
                    client,
                    &self.migrations,
                    self.relabel_shared_placeholders,
                )
                .await?
                .is_empty()
            {
                applied = self.check(client).await?;
            }
            let mut done = Vec::new();
            for migration in &self.migrations {
                if applied.iter().any(|row| row.version == migration.version) {
                    continue;
                }
                run(
                    client,
                    migration,
                    &migration.up,
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    &[&migration.version, &migration.name, &migration.checksum],
                )
                .await?;
                tracing::info!(
                    version = migration.version,
                    name = migration.name,
                    "applied"
                );
                done.push(migration.version);
            }
            Ok(done)
        }
        .await;
        unlock(client, result).await
    }

    /// Reverts the last `steps` applied migrations, newest first; returns the versions reverted.
    pub async fn rollback(
        &self,
        client: &mut Client,
        steps: usize,
    ) -> Result<Vec<i32>, MigrationError> {
        lock(client).await?;
        let result = async {
            let applied = self.check(client).await?;
            if let Some(adopted) = applied.iter().rev().take(steps).find(|row| row.adopted) {
                return Err(MigrationError::AdoptedNotReverted {
                    version: adopted.version,
                    name: adopted.name.clone(),
                });
            }
            let mut done = Vec::new();
            for Applied { version, .. } in applied.iter().rev().take(steps) {
                // check() refused applied versions without a file, so every one is found.
                let Some(migration) = self.migrations.iter().find(|m| m.version == *version) else {
                    continue;
                };
                run(
                    client,
                    migration,
                    &migration.down,
                    "DELETE FROM schema_migrations WHERE version = $1",
                    &[&migration.version],
                )
                .await?;
                tracing::info!(
                    version = migration.version,
                    name = migration.name,
                    "reverted"
                );
                done.push(migration.version);
            }
            Ok(done)
        }
        .await;
        unlock(client, result).await
    }

    /// Every migration and whether it is applied (after the same checks as `migrate`).
    pub async fn status(&self, client: &mut Client) -> Result<Vec<Status>, MigrationError> {
        lock(client).await?;
        let result = self.check(client).await.map(|applied| {
            self.migrations
                .iter()
                .map(|m| Status {
                    version: m.version,
                    name: m.name.clone(),
                    applied: applied.iter().any(|row| row.version == m.version),
                    adopted: applied
                        .iter()
                        .any(|row| row.version == m.version && row.adopted),
                })
                .collect()
        });
        unlock(client, result).await
    }

    /// The applied rows, in version order, after checking each against the files.
    async fn check(&self, client: &mut Client) -> Result<Vec<Applied>, MigrationError> {
        let rows = client
            .query(
                "SELECT version, name, checksum, adopted FROM schema_migrations ORDER BY version",
                &[],
            )
            .await?;
        let applied: Vec<Applied> = rows
            .iter()
            .map(|r| Applied {
                version: r.get(0),
                name: r.get(1),
                checksum: r.get(2),
                adopted: r.get(3),
            })
            .collect();
        for row in &applied {
            let Some(file) = self.migrations.iter().find(|m| m.version == row.version) else {
                return Err(MigrationError::UnknownApplied {
                    version: row.version,
                    name: row.name.clone(),
                });
            };
            if file.checksum != row.checksum {
                return Err(MigrationError::ChecksumMismatch {
                    version: row.version,
                    name: row.name.clone(),
                    applied: row.checksum.clone(),
                    file: file.checksum.clone(),
                });
            }
        }
        Ok(applied)
    }
}

/// One row of the ledger.
struct Applied {
    version: i32,
    name: String,
    checksum: String,
    adopted: bool,
}

/// Takes the advisory lock, then creates the ledger if this is the first run (under the lock: no race).
async fn lock(client: &mut Client) -> Result<(), MigrationError> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .await?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
               version    integer     PRIMARY KEY,
               name       text        NOT NULL,
               checksum   text        NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now(),
               adopted    boolean     NOT NULL DEFAULT false
             );
             -- ledgers written before adoption existed
             ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS adopted boolean NOT NULL DEFAULT false",
        )
        .await?;
    Ok(())
}

/// Releases the advisory lock whatever `result` is, and returns `result` (or the unlock's own error).
async fn unlock<T>(
    client: &mut Client,
    result: Result<T, MigrationError>,
) -> Result<T, MigrationError> {
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await;
    let value = result?;
    unlocked?;
    Ok(value)
}

/// One step of a migration (`sql`, its up or down part) and its ledger change, in one transaction.
async fn run(
    client: &mut Client,
    migration: &Migration,
    sql: &str,
    ledger: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<(), MigrationError> {
    let tx = client.transaction().await?;
    tx.batch_execute(sql)
        .await
        .map_err(|source| MigrationError::Failed {
            version: migration.version,
            name: migration.name.clone(),
            source,
        })?;
    tx.execute(ledger, params).await?;
    tx.commit().await?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_file_in_the_folder_is_embedded_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = FILES.iter().map(|(f, _)| *f).collect();
        assert_eq!(on_disk, embedded);
        let versions: Vec<i32> = load(FILES).unwrap().iter().map(|m| m.version).collect();
        assert_eq!(versions, [1, 2]);
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let text = "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n";
        for (file, body, needle) in [
            ("1_x.sql", text, "4 digits"),
            ("0001-x.sql", text, "NNNN_name"),
            ("0001_X.sql", text, "lowercase"),
            ("0001_x.sql", "SELECT 1;", "migrate:up"),
            ("0001_x.sql", "-- migrate:up\nSELECT 1;", "migrate:down"),
            (
                "0001_x.sql",
                "-- migrate:up\n-- migrate:down\nSELECT 1;",
                "both",
            ),
        ] {
            let err = Migration::parse(file, body).unwrap_err().to_string();
            assert!(err.contains(needle), "{file}: {err}");
        }
        let twice = load(&[("0001_a.sql", text), ("0001_b.sql", text)]).unwrap_err();
        assert!(twice.to_string().contains("used twice"));
    }
}
