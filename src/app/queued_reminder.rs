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

use super::outbox::{self, Recipient};
use super::reminder_notice;
use crate::db::DbConnection;
use crate::db::project::TrackedIndicator;
use crate::db::reminder as queries;
use crate::domain::refusal::Failure;
use crate::domain::reminder::Audience;
use crate::mail::message::Rendered;

/// Which rule a reminder follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A checkpoint is approaching and not yet met.
    Upcoming,
    /// An indicator is overdue: the escalation ladder.
    Overdue,
    /// Evidence has waited too long for review.
    ReviewWaiting,
    /// The mid-term check is approaching.
    MidTerm,
    /// The end-of-term acceptance is approaching.
    Acceptance,
    /// The weekly digest to staff (see `jobs::digest`).
    Digest,
}

impl Rule {
    /// The stored name, used in keys and templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Upcoming => "upcoming",
            Rule::Overdue => "overdue",
            Rule::ReviewWaiting => "review_waiting",
            Rule::MidTerm => "mid_term",
            Rule::Acceptance => "acceptance",
            Rule::Digest => "digest",
        }
    }
}

/// What a reminder item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// An indicator's checkpoint due on a date.
    Checkpoint {
        /// The indicator.
        indicator_id: i64,
        /// The checkpoint's due date.
        due_on: NaiveDate,
    },
    /// An indicator overdue since a date.
    Overdue {
        /// The indicator.
        indicator_id: i64,
        /// The earliest due date that passed unmet.
        since: NaiveDate,
    },
    /// Evidence waiting for review.
    Evidence {
        /// The evidence.
        evidence_id: i64,
        /// Its indicator.
        indicator_id: i64,
        /// The day it was submitted, in the users' time zone.
        submitted_on: NaiveDate,
    },
    /// A term of the project ending on a date.
    Term {
        /// The mid-term check date or the period end.
        due_on: NaiveDate,
    },
}

/// One reminder item before it is addressed: a rule's step for one subject and audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Item {
    /// The rule.
    pub rule: Rule,
    /// The project.
    pub project_id: i64,
    /// What it is about.
    pub subject: Subject,
    /// The step: days before or after the due date, or days waiting.
    pub offset: u32,
    /// Who it is for.
    pub audience: Audience,
    /// The day the step nominally falls on (a day off's reminders go out on the working day before).
    pub nominal: NaiveDate,
}

impl Item {
    fn entity(&self) -> String {
        match self.subject {
            Subject::Checkpoint { indicator_id, due_on } => format!("i{indicator_id}@{due_on}"),
            Subject::Overdue { indicator_id, since } => format!("i{indicator_id}@{since}"),
            Subject::Evidence { evidence_id, .. } => format!("e{evidence_id}"),
            Subject::Term { due_on } => format!("p{}@{due_on}", self.project_id),
        }
    }

    /// The item's idempotency key for one recipient: rule, subject entity, step, recipient.
    pub fn key(&self, recipient: &str) -> String {
        format!("{}:{}:{}:{recipient}", self.rule.as_str(), self.entity(), self.offset)
    }

    /// The indicator the item is about, if any.
    pub fn indicator_id(&self) -> Option<i64> {
        match self.subject {
            Subject::Checkpoint { indicator_id, .. }
            | Subject::Overdue { indicator_id, .. }
            | Subject::Evidence { indicator_id, .. } => Some(indicator_id),
            Subject::Term { .. } => None,
        }
    }
}

/// The items a reader is shown: one per subject, at its latest step. A sweep catching up missed
/// days can find several steps of one subject due (evidence waiting 7, 14 and 21 days); listing each
/// would show the same evidence three times, with three different waits. Every step's key is still
/// logged when queued, so none of them is sent again.
pub fn latest_steps(items: &[Item]) -> Vec<Item> {
    let mut latest: Vec<Item> = Vec::with_capacity(items.len());
    let mut at: HashMap<(Rule, Audience, String), usize> = HashMap::new();
    for item in items {
        match at.entry((item.rule, item.audience, item.entity())) {
            std::collections::hash_map::Entry::Occupied(seen) => {
                let kept = &mut latest[*seen.get()];
                if (item.nominal, item.offset) > (kept.nominal, kept.offset) {
                    *kept = *item;
                }
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(latest.len());
                latest.push(*item);
            }
        }
    }
    latest
}

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
    let notice = reminder_notice::reminder(&context, &reminder, &contacts, &indicators);
    Ok(notice.render(reminder.recipient.locale().tag())?)
}

fn indicators(conn: &mut DbConnection, items: &[Item]) -> Result<HashMap<i64, TrackedIndicator>, Failure> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting(evidence_id: i64, offset: u32, nominal: &str) -> Item {
        Item {
            rule: Rule::ReviewWaiting,
            project_id: 1,
            subject: Subject::Evidence {
                evidence_id,
                indicator_id: 9,
                submitted_on: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(),
            },
            offset,
            audience: Audience::Officer,
            nominal: nominal.parse().unwrap(),
        }
    }

    #[test]
    fn a_catch_up_shows_each_subject_once_at_its_latest_step() {
        let items = [
            waiting(66, 7, "2026-12-15"),
            waiting(67, 7, "2026-12-15"),
            waiting(66, 14, "2026-12-22"),
            waiting(66, 21, "2026-12-29"),
        ];
        assert_eq!(latest_steps(&items), vec![waiting(66, 21, "2026-12-29"), waiting(67, 7, "2026-12-15")]);
        // The same subject for another audience is another line of another message.
        let mut for_office = waiting(66, 7, "2026-12-15");
        for_office.audience = Audience::ResearchOffice;
        assert_eq!(latest_steps(&[items[0], for_office]).len(), 2);
    }
}
