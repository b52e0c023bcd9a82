//! What the file store's bookkeeping reads: which content rows name (for `files gc` and backups),
//! the locks that keep a named object from being collected, and the bytes a user uploaded lately.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{evidence_files, files};

/// Every stored file's hash, evidence files and submitted reports': what the file store must keep.
pub fn stored_hashes(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    use crate::db::schema::reports;
    let mut hashes: Vec<String> = files::table.select(files::sha256).load(conn)?;
    for (html, pdf) in
        reports::table.select((reports::html_sha256, reports::pdf_sha256)).load::<(String, String)>(conn)?
    {
        hashes.push(html);
        hashes.push(pdf);
    }
    Ok(hashes)
}

/// Whether any row (an evidence file, a submitted report's HTML or PDF) names this content.
pub fn is_stored(conn: &mut DbConnection, sha256: &str) -> QueryResult<bool> {
    use crate::db::schema::reports;
    let files: i64 = files::table.filter(files::sha256.eq(sha256)).count().get_result(conn)?;
    let reports: i64 = reports::table
        .filter(reports::html_sha256.eq(sha256).or(reports::pdf_sha256.eq(sha256)))
        .count()
        .get_result(conn)?;
    Ok(files + reports > 0)
}

/// Holds the lock on one stored object until the transaction ends: taken by a transaction that
/// commits a row naming the object (before it makes sure the object is there) and by `files gc`
/// (before it re-checks the rows and unlinks). On SQLite the write transaction this must run in
/// already holds the database's one write lock; PostgreSQL gets an advisory lock per object.
pub fn hold_object(conn: &mut DbConnection, sha256: &str) -> QueryResult<()> {
    advisory_lock(conn, &format!("object:{sha256}"))
}

/// Holds the lock on a user's upload quota until the transaction ends, so that two uploads at once
/// cannot both fit in what is left (see [`hold_object`] for SQLite).
pub fn hold_upload_quota(conn: &mut DbConnection, user_id: i64) -> QueryResult<()> {
    advisory_lock(conn, &format!("upload-quota:{user_id}"))
}

/// A transaction-scoped PostgreSQL advisory lock keyed by the first 8 bytes of the name's SHA-256.
fn advisory_lock(conn: &mut DbConnection, name: &str) -> QueryResult<()> {
    use sha2::{Digest, Sha256};
    if let DbConnection::Pg(pg) = conn {
        let digest = Sha256::digest(name.as_bytes());
        let key = i64::from_be_bytes([
            digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
        ]);
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<diesel::sql_types::BigInt, _>(key).execute(pg)?;
    }
    Ok(())
}

/// The bytes of evidence files a user attached since `since`, and when the oldest of them was.
pub fn uploaded_since(
    conn: &mut DbConnection,
    user_id: i64,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    // diesel sums a BIGINT as NUMERIC, which neither backend needs here; the cast keeps it an integer.
    let bytes: i64 = evidence_files::table
        .inner_join(files::table)
        .filter(evidence_files::uploaded_by.eq(user_id))
        .filter(evidence_files::uploaded_at.gt(since))
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(COALESCE(SUM(files.size_bytes), 0) AS BIGINT)"))
        .first(conn)?;
    let oldest: Option<NaiveDateTime> = evidence_files::table
        .filter(evidence_files::uploaded_by.eq(user_id))
        .filter(evidence_files::uploaded_at.gt(since))
        .select(diesel::dsl::min(evidence_files::uploaded_at))
        .first(conn)?;
    Ok((bytes, oldest))
}
