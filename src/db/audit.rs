//! The append-only audit log. Rows are written in the same transaction as the change they record;
//! the database itself refuses updates and deletes (triggers in the initial migration).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::DbConnection;
use super::schema::audit_log;

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
    /// Details: the values written (never secrets).
    pub detail: D,
    /// The client address, for changes made over the web.
    pub ip: Option<&'a str>,
}

/// Appends an entry.
pub fn record<D: Serialize>(conn: &mut DbConnection, entry: &AuditEntry<'_, D>, at: NaiveDateTime) -> QueryResult<()> {
    let detail =
        serde_json::to_string(&entry.detail).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_user_id.eq(entry.actor),
            audit_log::action.eq(entry.action),
            audit_log::entity.eq(entry.entity),
            audit_log::entity_id.eq(entry.entity_id),
            audit_log::project_id.eq(entry.project_id),
            audit_log::detail.eq(detail),
            audit_log::ip.eq(entry.ip),
        ))
        .execute(conn)
        .map(|_| ())
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
