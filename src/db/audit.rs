//! The append-only audit log. Rows are written in the same transaction as the change they record;
//! the database itself refuses updates and deletes (triggers in the initial migration), and the
//! code here has no path that would try.
//!
//! The rows form a hash chain: each stores the hash of the row before it and its own hash over
//! that and its content, so that a row changed, removed or inserted behind the database's back
//! breaks the chain, which [`verify`] finds. Appending takes turns: on PostgreSQL a transaction
//! lock serialises writers (several server instances may share the database); SQLite has one
//! writer at a time, and a writer whose snapshot is stale cannot commit.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::DbConnection;
use super::schema::audit_log;

/// Serialises audit appends across PostgreSQL sessions; any fixed number unique to this use.
const PG_AUDIT_LOCK: i64 = 0x636f_6f70_6175;

/// One change to record.
#[derive(Debug)]
pub struct AuditEntry<'a, D: Serialize> {
    /// Who made the change; `None` for the system (CLI, scheduler).
    pub actor: Option<i64>,
    /// What happened, e.g. `user.create`.
    pub action: &'a str,
    /// The kind of thing changed, e.g. `user`.
    pub entity: &'a str,
    /// Which one.
    pub entity_id: Option<i64>,
    /// The project it belongs to, so a project's history is one query.
    pub project_id: Option<i64>,
    /// Details: the values written, as `before`/`after` for a change (never secrets).
    pub detail: D,
    /// The client address, for changes made over the web.
    pub ip: Option<&'a str>,
}

/// A stored row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// Position in the log.
    pub id: i64,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Who; none for the system.
    pub actor_user_id: Option<i64>,
    /// What happened, e.g. `evidence.review`.
    pub action: String,
    /// The kind of thing changed.
    pub entity: String,
    /// Which one.
    pub entity_id: Option<i64>,
    /// The project concerned.
    pub project_id: Option<i64>,
    /// Details as JSON text.
    pub detail: String,
    /// The client address.
    pub ip: Option<String>,
    /// The previous row's hash.
    pub prev_hash: Option<String>,
    /// This row's hash.
    pub hash: Option<String>,
}

/// The hash of a row: SHA-256 over a JSON array of the previous hash and every stored field, so
/// that no field can be changed or moved into another without changing it.
fn row_hash(prev: Option<&str>, row: &AuditRow) -> String {
    let content = serde_json::json!([
        prev,
        row.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        row.actor_user_id,
        row.action,
        row.entity,
        row.entity_id,
        row.project_id,
        row.detail,
        row.ip,
    ]);
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

/// Appends an entry, chained to the last row.
pub fn record<D: Serialize>(conn: &mut DbConnection, entry: &AuditEntry<'_, D>, at: NaiveDateTime) -> QueryResult<()> {
    record_many(conn, std::slice::from_ref(entry), at)
}

/// Rows inserted per statement by [`record_many`] (ten columns each, well under PostgreSQL's limit of
/// 65,535 parameters).
const CHUNK: usize = 1_000;

/// Appends entries in order, each chained to the one before (the first to the last row), with one
/// lock and one read of the chain's end for all of them: how a bulk load (the demo portfolio) audits
/// what it writes in the same transaction.
pub fn record_many<D: Serialize>(
    conn: &mut DbConnection,
    entries: &[AuditEntry<'_, D>],
    at: NaiveDateTime,
) -> QueryResult<()> {
    // Both databases keep microseconds; hashing what is stored means truncating first.
    let at = at.trunc_subsecs(6);
    // A transaction of its own when the caller has none, so the lock is held until the rows commit.
    crate::db::write_transaction(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({PG_AUDIT_LOCK})")).execute(pg)?;
        }
        let mut prev: Option<String> = audit_log::table
            .order(audit_log::id.desc())
            .select(audit_log::hash)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten();
        let mut rows = Vec::with_capacity(entries.len());
        for entry in entries {
            let detail = serde_json::to_string(&entry.detail)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            let mut row = AuditRow {
                id: 0,
                at,
                actor_user_id: entry.actor,
                action: entry.action.to_owned(),
                entity: entry.entity.to_owned(),
                entity_id: entry.entity_id,
                project_id: entry.project_id,
                detail,
                ip: entry.ip.map(str::to_owned),
                prev_hash: prev.take(),
                hash: None,
            };
            row.hash = Some(row_hash(row.prev_hash.as_deref(), &row));
            prev.clone_from(&row.hash);
            rows.push(row);
        }
        for chunk in rows.chunks(CHUNK) {
            let values: Vec<_> = chunk
                .iter()
                .map(|row| {
                    (
                        audit_log::at.eq(row.at),
                        audit_log::actor_user_id.eq(row.actor_user_id),
                        audit_log::action.eq(&row.action),
                        audit_log::entity.eq(&row.entity),
                        audit_log::entity_id.eq(row.entity_id),
                        audit_log::project_id.eq(row.project_id),
                        audit_log::detail.eq(&row.detail),
                        audit_log::ip.eq(&row.ip),
                        audit_log::prev_hash.eq(&row.prev_hash),
                        audit_log::hash.eq(&row.hash),
                    )
                })
                .collect();
            super::batch_insert!(conn, audit_log::table, values)?;
        }
        Ok(())
    })
}

/// The actions recorded for one entity, oldest first.
pub fn list_actions(conn: &mut DbConnection, entity: &str, entity_id: i64) -> QueryResult<Vec<String>> {
    audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::id.asc())
        .select(audit_log::action)
        .load(conn)
}

/// One page of a project's history, newest first, and whether there is more.
pub fn project_history(
    conn: &mut DbConnection,
    project_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditRow>, bool)> {
    let mut rows: Vec<AuditRow> = audit_log::table
        .filter(audit_log::project_id.eq(project_id))
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit + 1)
        .select(AuditRow::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Rows checked in the chain.
    pub chained: u64,
    /// Rows written before the chain began (before the hash columns existed), not covered by it.
    pub before_chain: u64,
    /// The last row's hash: write it down to detect a truncated tail later.
    pub head: Option<String>,
    /// The first break, if any.
    pub break_at: Option<ChainBreak>,
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The row's id.
    pub id: i64,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// Rows read per query while verifying, so memory stays flat on a long log.
const VERIFY_BATCH: i64 = 5_000;

/// Walks the whole log in order and checks every link and every row's hash.
pub fn verify(conn: &mut DbConnection) -> QueryResult<Verification> {
    let mut result = Verification { chained: 0, before_chain: 0, head: None, break_at: None };
    let mut after_id = i64::MIN;
    loop {
        let rows: Vec<AuditRow> = audit_log::table
            .filter(audit_log::id.gt(after_id))
            .order(audit_log::id.asc())
            .limit(VERIFY_BATCH)
            .select(AuditRow::as_select())
            .load(conn)?;
        let Some(last) = rows.last() else { return Ok(result) };
        after_id = last.id;
        for row in rows {
            if let Some(problem) = check(&result, &row) {
                result.break_at = Some(ChainBreak { id: row.id, problem });
                return Ok(result);
            }
            match row.hash {
                Some(hash) => {
                    result.chained += 1;
                    result.head = Some(hash);
                }
                None => result.before_chain += 1,
            }
        }
    }
}

/// What is wrong with `row` following what was verified so far, if anything.
fn check(so_far: &Verification, row: &AuditRow) -> Option<&'static str> {
    let Some(hash) = &row.hash else {
        // Unhashed rows may only precede the chain.
        return (so_far.chained > 0).then_some("row without a hash inside the chain");
    };
    if row.prev_hash != so_far.head {
        return Some("previous-hash link does not match the row before");
    }
    (row_hash(row.prev_hash.as_deref(), row) != *hash).then_some("content does not match its hash")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn row() -> AuditRow {
        AuditRow {
            id: 1,
            at: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_micro_opt(8, 0, 0, 123_456).unwrap(),
            actor_user_id: Some(3),
            action: "evidence.submit".into(),
            entity: "evidence".into(),
            entity_id: Some(7),
            project_id: Some(2),
            detail: r#"{"after":{"value":95.0}}"#.into(),
            ip: None,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = row_hash(None, &row());
        let changed: Vec<AuditRow> = vec![
            AuditRow { actor_user_id: Some(4), ..row() },
            AuditRow { action: "evidence.review".into(), ..row() },
            AuditRow { entity: "review".into(), ..row() },
            AuditRow { entity_id: Some(8), ..row() },
            AuditRow { project_id: None, ..row() },
            AuditRow { detail: r#"{"after":{"value":96.0}}"#.into(), ..row() },
            AuditRow { ip: Some("127.0.0.1".into()), ..row() },
            AuditRow { at: row().at + chrono::Duration::microseconds(1), ..row() },
        ];
        for other in changed {
            assert_ne!(row_hash(None, &other), base, "{other:?}");
        }
        assert_ne!(row_hash(Some("00"), &row()), base);
        assert_eq!(row_hash(None, &row()), base, "deterministic");
    }

    #[test]
    fn a_broken_link_or_content_is_found() {
        let mut first = row();
        first.hash = Some(row_hash(None, &first));
        let mut so_far = Verification { chained: 0, before_chain: 0, head: None, break_at: None };
        assert_eq!(check(&so_far, &first), None);
        so_far.chained = 1;
        so_far.head = first.hash.clone();

        let mut second = AuditRow { id: 2, prev_hash: first.hash.clone(), ..row() };
        second.hash = Some(row_hash(second.prev_hash.as_deref(), &second));
        assert_eq!(check(&so_far, &second), None);

        let tampered = AuditRow { detail: "{}".into(), ..second.clone() };
        assert_eq!(check(&so_far, &tampered), Some("content does not match its hash"));
        let relinked = AuditRow { prev_hash: None, ..second.clone() };
        assert_eq!(check(&so_far, &relinked), Some("previous-hash link does not match the row before"));
        let unhashed = AuditRow { hash: None, ..second };
        assert_eq!(check(&so_far, &unhashed), Some("row without a hash inside the chain"));
    }
}
