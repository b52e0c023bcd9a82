//! The kinds of proof an indicator asks for (a checklist of file inputs), as staff set them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::indicator::find_open_project;
use crate::db::schema::indicators;
use crate::db::user::User;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::{Failure, Refusal};

/// The stored proof lists (comma-separated kinds; empty for the defaults) of some indicators.
pub fn proof_lists(conn: &mut DbConnection, indicator_ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    Ok(indicators::table
        .filter(indicators::id.eq_any(indicator_ids))
        .select((indicators::id, indicators::evidence_kinds))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Sets the kinds of proof an indicator asks for; an empty list restores the defaults. Staff only,
/// on an open project; audited with the list before and after.
pub fn set_proof_list(
    conn: &mut DbConnection,
    actor: &User,
    indicator_id: i64,
    kinds: &[ProofKind],
    now: NaiveDateTime,
) -> Result<(), Failure> {
    if !actor.role.sees_portfolio() {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    let list = crate::domain::proof::format_list(kinds);
    crate::db::write_transaction(conn, |conn| {
        let (project_id, before): (i64, String) = indicators::table
            .find(indicator_id)
            .select((indicators::project_id, indicators::evidence_kinds))
            .first(conn)
            .optional()?
            .ok_or(Failure::Refused(Refusal::NotFound))?;
        find_open_project(conn, project_id)?;
        if before == list {
            return Ok(());
        }
        diesel::update(indicators::table.find(indicator_id))
            .set((indicators::evidence_kinds.eq(&list), indicators::updated_at.eq(now)))
            .execute(conn)?;
        audit::record(
            conn,
            &AuditEntry {
                actor: Some(actor.id),
                action: "indicator.proof_kinds",
                entity: "indicator",
                entity_id: Some(indicator_id),
                project_id: Some(project_id),
                detail: json!({ "before": before, "after": list }),
                ip: None,
            },
            now,
        )?;
        Ok(())
    })
}
