//! The reminder rules: how many days before or after a date each reminder goes out. The
//! configuration file sets them; an administrator may override them and return to the
//! configuration's later. Every change is audited.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::reminder;
use crate::domain::refusal::Failure;
use crate::domain::reminder::RuleDays;

/// The rules in force (the stored ones, or `configured`), and whether they were set by an
/// administrator rather than taken from the configuration file.
pub fn in_force(conn: &mut DbConnection, configured: &RuleDays) -> Result<(RuleDays, bool), Failure> {
    Ok((reminder::rule_days(conn, configured)?, reminder::rules_overridden(conn)?))
}

/// Stores the rules, which the next sweep uses.
pub fn save(
    conn: &mut DbConnection,
    days: &RuleDays,
    configured: &RuleDays,
    actor: i64,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    crate::db::write_transaction(conn, |conn| {
        let before = reminder::rule_days(conn, configured)?;
        let was_overridden = reminder::rules_overridden(conn)?;
        reminder::set_rule_days(conn, Some(days), actor, now)?;
        let detail = json!({ "before": before, "before_from_configuration": !was_overridden, "after": days });
        record(conn, actor, "reminder_rules.update", detail, now)
    })
}

/// Makes the configuration file's rules apply again. Nothing is written when they already do.
pub fn reset(conn: &mut DbConnection, configured: &RuleDays, actor: i64, now: NaiveDateTime) -> Result<(), Failure> {
    crate::db::write_transaction(conn, |conn| {
        if !reminder::rules_overridden(conn)? {
            return Ok(());
        }
        let before = reminder::rule_days(conn, configured)?;
        reminder::set_rule_days(conn, None, actor, now)?;
        let detail = json!({ "before": before, "after": configured });
        record(conn, actor, "reminder_rules.reset", detail, now)
    })
}

fn record(
    conn: &mut DbConnection,
    actor: i64,
    action: &str,
    detail: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let entry = AuditEntry {
        actor: Some(actor),
        action,
        entity: "reminder_rules",
        entity_id: None,
        project_id: None,
        detail,
        ip: None,
    };
    audit::record(conn, &entry, now)?;
    Ok(())
}
