//! `src/db/schema.rs` is written by hand (see its header), so nothing but this test keeps it in step
//! with the migrations: every table the migrated database holds is declared there, column for column,
//! with the same type and nullability, and nothing is declared that the database lacks. Order is not
//! compared: diesel names every column it selects, and `ALTER TABLE … ADD COLUMN` appends.

use std::collections::BTreeMap;

use coop_tracker::db::connection::DbConnection;
use diesel::RunQueryDsl;

use crate::common::{TestApp, with_conn};

/// One column as declared or as found: name, the SQL type family and whether it may be NULL.
#[derive(Debug, PartialEq, Eq)]
struct Column {
    name: String,
    family: &'static str,
    nullable: bool,
}

/// The SQL type family a diesel type or a database's declared type belongs to, so that SQLite's
/// `INTEGER`, PostgreSQL's `bigint` and diesel's `BigInt` compare equal.
fn family(sql_type: &str) -> &'static str {
    match sql_type.to_ascii_lowercase().as_str() {
        "bigint" | "integer" | "int" | "int8" | "int4" => "integer",
        "text" | "character varying" | "varchar" => "text",
        "double" | "double precision" | "real" | "float8" => "float",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "date" => "date",
        "bool" | "boolean" => "boolean",
        "binary" | "bytea" | "blob" => "bytes",
        other => panic!("no family for the SQL type {other:?}: add it to schema_agreement::family"),
    }
}

/// The tables `schema.rs` declares, read from its `diesel::table!` blocks.
fn declared() -> BTreeMap<String, Vec<Column>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs");
    let source = std::fs::read_to_string(path).unwrap();
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, Vec<Column>)> = None;
    for line in source.lines().map(str::trim) {
        if line.starts_with("///") || line.starts_with("//") {
            continue;
        }
        match &mut current {
            None => {
                // A table's head: `name (primary key) {`.
                if let Some((name, rest)) = line.split_once(" (")
                    && rest.ends_with(") {")
                    && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                {
                    current = Some((name.to_owned(), Vec::new()));
                }
            }
            Some((name, columns)) => {
                if line == "}" {
                    let (name, columns) = (std::mem::take(name), std::mem::take(columns));
                    tables.insert(name, columns);
                    current = None;
                } else if let Some((column, sql_type)) = line.trim_end_matches(',').split_once(" -> ") {
                    let (nullable, sql_type) = match sql_type.strip_prefix("Nullable<") {
                        Some(inner) => (true, inner.trim_end_matches('>')),
                        None => (false, sql_type),
                    };
                    columns.push(Column {
                        name: column.trim_start_matches("r#").to_owned(),
                        family: family(sql_type),
                        nullable,
                    });
                }
            }
        }
    }
    assert!(tables.len() > 20, "schema.rs read as {} tables: the reader lost its way", tables.len());
    tables
}

#[derive(diesel::QueryableByName)]
struct CatalogueColumn {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    data_type: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    nullable: bool,
}

/// The tables the migrated database holds, from its own catalogue.
fn found(c: &mut DbConnection) -> BTreeMap<String, Vec<Column>> {
    let query = match c {
        // A primary key declared INTEGER is never NULL in SQLite whatever `notnull` says.
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                    (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
             ORDER BY m.name, p.cid"
        }
        DbConnection::Pg(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
                    (is_nullable = 'YES') AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations' \
             ORDER BY table_name, ordinal_position"
        }
    };
    let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for row in diesel::sql_query(query).load::<CatalogueColumn>(c).unwrap() {
        tables.entry(row.table_name).or_default().push(Column {
            name: row.column_name,
            family: family(&row.data_type),
            nullable: row.nullable,
        });
    }
    tables
}

#[test]
fn schema_rs_declares_what_the_migrations_make() {
    let app = TestApp::new();
    let found = with_conn(&app, found);
    let mut declared = declared();
    let missing: Vec<_> = found.keys().filter(|t| !declared.contains_key(*t)).collect();
    let extra: Vec<_> = declared.keys().filter(|t| !found.contains_key(*t)).collect();
    assert!(missing.is_empty(), "tables the migrations make but schema.rs does not declare: {missing:?}");
    assert!(extra.is_empty(), "tables schema.rs declares but the migrations do not make: {extra:?}");
    for (table, columns) in found {
        let by_name = |mut columns: Vec<Column>| {
            columns.sort_by(|a, b| a.name.cmp(&b.name));
            columns
        };
        assert_eq!(
            by_name(declared.remove(&table).unwrap()),
            by_name(columns),
            "table {table}: schema.rs (left) and the migrated database (right) differ"
        );
    }
}

#[test]
fn the_reader_sees_a_column_that_differs() {
    // The comparison above is only as good as the two readers: a column's type family and
    // nullability are read on both sides.
    let declared = declared();
    let users = &declared["users"];
    assert!(users.iter().any(|c| c.name == "email" && c.family == "text" && !c.nullable), "{users:?}");
    assert!(users.iter().any(|c| c.nullable), "users has no nullable column? {users:?}");
}
