//! Embedded migrations, one set per backend with the same names.

use anyhow::anyhow;
use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any fixed number works; it only has to be the same for every instance of the tracker.
const PG_MIGRATION_LOCK: i64 = 0x636f_6f70;

/// Applies pending migrations and returns the versions applied.
///
/// On PostgreSQL several instances may start at once; an advisory lock makes them take turns so
/// that only one applies each migration.
pub fn run_pending(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    match conn {
        DbConnection::Sqlite(c) => applied(c.run_pending_migrations(SQLITE)),
        DbConnection::Pg(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})")).execute(c)?;
            let result = applied(c.run_pending_migrations(POSTGRES));
            diesel::sql_query(format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})")).execute(c)?;
            result
        }
    }
}

fn applied(
    result: diesel::migration::Result<Vec<diesel::migration::MigrationVersion<'_>>>,
) -> anyhow::Result<Vec<String>> {
    result.map(|versions| versions.iter().map(ToString::to_string).collect()).map_err(|e| anyhow!(e))
}
