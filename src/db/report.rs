//! Submitted reports: one row per frozen report, with what it was made from and the SHA-256 of its
//! files (kept in the file store). Rows are never changed; the database rejects it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::schema::{reports, users};

/// A report being submitted.
#[derive(Debug, Insertable)]
#[diesel(table_name = reports)]
pub struct NewSnapshot<'a> {
    /// `progress`, `annual`, `mid_term`, `acceptance` or `portfolio`.
    pub kind: &'a str,
    /// The project; none for a portfolio report.
    pub project_id: Option<i64>,
    /// The guide a portfolio report covers.
    pub guide_id: Option<i64>,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// `zh-CN` or `en`.
    pub lang: &'a str,
    /// The title as printed.
    pub title: &'a str,
    /// SHA-256 of the HTML.
    pub html_sha256: &'a str,
    /// Its size.
    pub html_bytes: i64,
    /// SHA-256 of the PDF.
    pub pdf_sha256: &'a str,
    /// Its size.
    pub pdf_bytes: i64,
    /// The facts as JSON.
    pub data: &'a str,
    /// SHA-256 of `data`.
    pub data_sha256: &'a str,
    /// Who; none from the command line.
    pub submitted_by: Option<i64>,
    /// When (UTC).
    pub submitted_at: NaiveDateTime,
}

/// A submitted report as listed.
#[derive(Debug, Clone, Queryable)]
pub struct Snapshot {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// The project.
    pub project_id: Option<i64>,
    /// The guide of a portfolio report.
    pub guide_id: Option<i64>,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Language.
    pub lang: String,
    /// Title.
    pub title: String,
    /// SHA-256 of the HTML file.
    pub html_sha256: String,
    /// Its size in bytes.
    pub html_bytes: i64,
    /// SHA-256 of the PDF file.
    pub pdf_sha256: String,
    /// Its size in bytes.
    pub pdf_bytes: i64,
    /// SHA-256 of the data it was made from.
    pub data_sha256: String,
    /// Who submitted it.
    pub submitted_by: Option<String>,
    /// When (UTC).
    pub submitted_at: NaiveDateTime,
}

type SnapshotColumns = (
    reports::id,
    reports::kind,
    reports::project_id,
    reports::guide_id,
    reports::as_of,
    reports::lang,
    reports::title,
    reports::html_sha256,
    reports::html_bytes,
    reports::pdf_sha256,
    reports::pdf_bytes,
    reports::data_sha256,
    diesel::dsl::Nullable<users::name>,
    reports::submitted_at,
);

/// What a listing selects (the submitter by name).
fn columns() -> SnapshotColumns {
    (
        reports::id,
        reports::kind,
        reports::project_id,
        reports::guide_id,
        reports::as_of,
        reports::lang,
        reports::title,
        reports::html_sha256,
        reports::html_bytes,
        reports::pdf_sha256,
        reports::pdf_bytes,
        reports::data_sha256,
        users::name.nullable(),
        reports::submitted_at,
    )
}

/// Records a submitted report and its audit row in one transaction; returns its id.
pub fn insert(conn: &mut DbConnection, snapshot: &NewSnapshot<'_>, ip: Option<&str>) -> QueryResult<i64> {
    crate::db::write_transaction(conn, |conn| {
        let id = diesel::insert_into(reports::table).values(snapshot).returning(reports::id).get_result(conn)?;
        audit::record(
            conn,
            &AuditEntry {
                actor: snapshot.submitted_by,
                action: "report.submit",
                entity: "report",
                entity_id: Some(id),
                project_id: snapshot.project_id,
                detail: json!({ "kind": snapshot.kind, "as_of": snapshot.as_of, "lang": snapshot.lang,
                    "html_sha256": snapshot.html_sha256, "pdf_sha256": snapshot.pdf_sha256,
                    "data_sha256": snapshot.data_sha256 }),
                ip,
            },
            snapshot.submitted_at,
        )?;
        Ok(id)
    })
}

/// A project's submitted reports, newest first.
pub fn for_project(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<Snapshot>> {
    reports::table
        .left_join(users::table)
        .filter(reports::project_id.eq(project_id))
        .order(reports::id.desc())
        .select(columns())
        .load(conn)
}

/// Submitted portfolio reports, newest first.
pub fn portfolio(conn: &mut DbConnection) -> QueryResult<Vec<Snapshot>> {
    reports::table
        .left_join(users::table)
        .filter(reports::project_id.is_null())
        .order(reports::id.desc())
        .select(columns())
        .load(conn)
}

/// One submitted report.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Snapshot>> {
    reports::table.left_join(users::table).filter(reports::id.eq(id)).select(columns()).first(conn).optional()
}

/// The data a submitted report was made from.
pub fn data(conn: &mut DbConnection, id: i64) -> QueryResult<Option<String>> {
    reports::table.find(id).select(reports::data).first(conn).optional()
}
