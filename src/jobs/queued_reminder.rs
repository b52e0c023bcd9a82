//! A reminder between the sweep that queues it and the delivery that sends it.
//!
//! The sweep stores only what a message is about: its recipient, rule and items. The sender writes
//! the message from the records as they are at that moment. Rendering and storing both bodies of
//! every message made up most of a heavy sweep's time (tens of thousands of messages on a large
//! portfolio), and a message written at send time shows the latest verified values.

use std::collections::HashMap;

use anyhow::Context as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::notices;
use super::remind::{Item, Rule};
use crate::app::outbox::{self, Recipient};
use crate::db::DbConnection;
use crate::db::project::TrackedIndicator;
use crate::db::reminder as queries;
use crate::domain::reminder::Audience;
use crate::mail::message::Rendered;

/// What a queued reminder carries, stored as JSON in its outbox row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedReminder {
    /// Who it is for, as the sweep addressed it.
    pub recipient: Recipient,
    /// The rule its items follow.
    pub rule: Rule,
    /// The recipient's role for these items.
    pub audience: Audience,
    /// The day swept: days left and days overdue are counted from it.
    pub today: NaiveDate,
    /// The items, in the order the message lists them.
    pub items: Vec<Item>,
}

/// Writes the reminder an outbox row carries, from the records as they are now.
pub fn write(conn: &mut DbConnection, config: &crate::config::Config, json: &str) -> anyhow::Result<Rendered> {
    let reminder: QueuedReminder = serde_json::from_str(json).context("a queued reminder that does not read")?;
    let mut project_ids: Vec<i64> = reminder.items.iter().map(|i| i.project_id).collect();
    project_ids.sort_unstable();
    project_ids.dedup();
    let contacts = queries::contacts(conn, &project_ids)?;
    let indicators = indicators(conn, &reminder.items)?;
    let context = outbox::Context::load(conn, config, reminder.today)?;
    let notice = notices::reminder(&context, &reminder, &contacts, &indicators);
    Ok(notice.render(reminder.recipient.locale().tag())?)
}

fn indicators(conn: &mut DbConnection, items: &[Item]) -> diesel::QueryResult<HashMap<i64, TrackedIndicator>> {
    let mut ids: Vec<i64> = items.iter().filter_map(Item::indicator_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut found = HashMap::new();
    // A staff member's message can carry thousands of items; a chunk keeps each query's parameters
    // within SQLite's limit.
    for chunk in ids.chunks(2_000) {
        for tracked in crate::db::project::tracked_indicators_by_id(conn, chunk)? {
            found.insert(tracked.id, tracked);
        }
    }
    Ok(found)
}
