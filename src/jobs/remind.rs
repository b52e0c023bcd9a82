//! The reminder sweep: decides which reminders fall due today and queues them in the outbox.
//!
//! It never talks to SMTP, and it does not write the messages either: each outbox row carries what
//! its message is about, and the sender writes it (see [`super::queued_reminder`]). Each reminder
//! item, (rule, subject entity, step, recipient), has a key logged in `reminder_log` in the same
//! transaction that queues the message carrying it, so a sweep that runs twice, or two instances
//! sweeping one database, queue each item once. The items due together for one rule travel in one
//! message: per project for a PI, across all their projects for a research office, an officer or
//! staff, who would otherwise get one message per project.
//!
//! The sweep looks up only the due dates that matter (see [`crate::domain::reminder`]) with indexed
//! queries over the stored status timelines; it never loads every checkpoint. It covers every day
//! since the last sweep that completed (kept in `reminder_sweeps`, shared by all instances), so a day
//! without a sweep is caught up the next time, up to the `catch_up` limit; the items of older days
//! are counted as skipped and shown on the outbox page.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::app::outbox::{Context, Recipient};
/// What a reminder is about, and what a queued reminder carries (kept in `app`, which writes a
/// queued reminder when it is sent).
pub use crate::app::queued_reminder::{Item, QueuedReminder, Rule, Subject};
use crate::app::reminder_notice;
use crate::db::outbox::{self, NewOutboxMessage};
use crate::db::reminder::{self as queries, ProjectContacts, Term};
use crate::db::{DbConnection, work_calendar};
use crate::domain::refusal::Failure;
use crate::domain::reminder::{
    Audience, Coverage, Direction, Ladder, RuleDays, Rules, coverage, due_dates, nominal_days, steps,
};
use crate::domain::timestamp;
use crate::domain::workdays::WorkCalendar;

/// What a sweep needs to know besides the database.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// The rules in force (see [`queries::rule_days`]).
    pub rules: &'a RuleDays,
    /// Working days.
    pub calendar: &'a WorkCalendar,
    /// Where links in messages point.
    pub base_url: &'a str,
    /// The users' time zone, in which "today" and submission days are counted.
    pub timezone: Tz,
    /// The status engine's warning window, for the values shown.
    pub warning_days: i64,
}

/// Every reminder item that falls due when a sweep on `today` covers the days `swept` (today, and
/// the days since the last sweep): the items whose nominal day one of those days sends. A reminder
/// ahead of a date that has passed by today is left out: the overdue ladder has taken over from it.
/// Whether an indicator is (still) overdue is judged as of today.
pub fn plan(
    conn: &mut DbConnection,
    settings: &Settings<'_>,
    today: NaiveDate,
    swept: &[NaiveDate],
) -> Result<Vec<Item>, Failure> {
    let ahead = nominal_days(settings.calendar, swept, Direction::Before.shift());
    let late = nominal_days(settings.calendar, swept, Direction::After.shift());
    let rules = settings.rules.rules();
    let mut items = Vec::new();
    if ahead.is_empty() && late.is_empty() {
        return Ok(items);
    }
    let ladder_items = |items: &mut Vec<Item>,
                        ladder: &Ladder,
                        rule: Rule,
                        project_id: i64,
                        subject: Subject,
                        due: NaiveDate,
                        direction: Direction| {
        let days = match direction {
            Direction::Before => &ahead,
            Direction::After => &late,
        };
        for step in steps(ladder, direction, due, days) {
            for audience in step.audiences {
                items.push(Item { rule, project_id, subject, offset: step.offset, audience, nominal: step.nominal });
            }
        }
    };
    let floor = queries::earliest_open_start(conn)?.unwrap_or(today);
    let upcoming = queries::unmet_checkpoints(conn, &due_dates(&rules.upcoming, Direction::Before, &ahead, floor))?;
    for c in upcoming.into_iter().filter(|c| c.due_on >= today) {
        let subject = Subject::Checkpoint { indicator_id: c.indicator_id, due_on: c.due_on };
        ladder_items(&mut items, &rules.upcoming, Rule::Upcoming, c.project_id, subject, c.due_on, Direction::Before);
    }
    let sinces = due_dates(&rules.overdue, Direction::After, &late, floor);
    for o in queries::overdue_since(conn, today, &sinces)? {
        let subject = Subject::Overdue { indicator_id: o.indicator_id, since: o.since };
        ladder_items(&mut items, &rules.overdue, Rule::Overdue, o.project_id, subject, o.since, Direction::After);
    }
    let terms = queries::terms_on(conn, &due_dates(&rules.term, Direction::Before, &ahead, floor))?;
    for (term, project_id, due_on) in terms.into_iter().filter(|(_, _, due_on)| *due_on >= today) {
        let rule = match term {
            Term::MidTerm => Rule::MidTerm,
            Term::Acceptance => Rule::Acceptance,
        };
        ladder_items(&mut items, &rules.term, rule, project_id, Subject::Term { due_on }, due_on, Direction::Before);
    }
    items.extend(waiting_items(conn, settings, &rules, &late)?);
    items.sort_unstable();
    items.dedup();
    Ok(items)
}

/// Evidence waiting for review: a reminder to staff when it has waited the rule's days, and again
/// every so many days after.
fn waiting_items(
    conn: &mut DbConnection,
    settings: &Settings<'_>,
    rules: &Rules,
    days: &[NaiveDate],
) -> Result<Vec<Item>, Failure> {
    let every = i64::from(rules.review_waiting_days.max(1));
    let Some(last) = days.last() else { return Ok(Vec::new()) };
    // Anything submitted on or after (last day - every + 1) has not waited long enough by any of the
    // days, so the query need not return it.
    let cutoff =
        timestamp::local_midnight_utc(*last - chrono::Days::new((every - 1).unsigned_abs()), &settings.timezone);
    let mut items = Vec::new();
    for (evidence_id, project_id, indicator_id, created_at) in queries::waiting_evidence(conn, cutoff)? {
        let submitted_on = timestamp::local_date(&created_at, &settings.timezone);
        for day in days {
            let waited = (*day - submitted_on).num_days();
            if waited >= every && waited % every == 0 {
                items.push(Item {
                    rule: Rule::ReviewWaiting,
                    project_id,
                    subject: Subject::Evidence { evidence_id, indicator_id, submitted_on },
                    offset: u32::try_from(waited).unwrap_or(u32::MAX),
                    audience: Audience::Staff,
                    nominal: *day,
                });
            }
        }
    }
    Ok(items)
}

/// One message a sweep queued, or with `--dry-run` would queue.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Queued {
    /// The rule.
    pub rule: Rule,
    /// The recipient's role for this message.
    pub audience: Audience,
    /// The address.
    pub to: String,
    /// The message's language.
    pub locale: String,
    /// Subject line.
    pub subject: String,
    /// The outbox key.
    pub idempotency_key: String,
    /// The codes of the projects it is about; none for a digest.
    pub projects: Vec<String>,
    /// The keys of the reminder items it carries.
    pub items: Vec<String>,
}

/// What one sweep did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SweepReport {
    /// The day swept.
    pub as_of: Option<NaiveDate>,
    /// The days this sweep covered: today, and every day since the last sweep that completed, up to
    /// the catch-up limit.
    pub covered: Vec<NaiveDate>,
    /// Days without a sweep that were older than the catch-up limit, and how many reminder items
    /// fell on them.
    pub skipped: Option<Skipped>,
    /// Years from today to the end of the last open project that the holiday calendar lacks: in
    /// them only weekends count as days off.
    pub calendar_missing_years: Vec<i32>,
    /// Messages queued (or that would be).
    pub messages: Vec<Queued>,
    /// Items with nobody to send them to (no active PI account, no research-office address, no
    /// staff), by item key; logged so that they are visible, not queued.
    pub unaddressed: Vec<String>,
}

/// Days left unswept for being older than the catch-up limit.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Skipped {
    /// The first such day.
    pub from: NaiveDate,
    /// The last.
    pub until: NaiveDate,
    /// The reminder items that fell on them.
    pub items: usize,
}

/// Whether the sweep writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Queue the messages.
    Queue,
    /// Only say what would be queued.
    DryRun,
}

/// One message's worth of items: same recipient, audience and rule, and for a PI the same project.
struct Group {
    recipient: Recipient,
    audience: Audience,
    rule: Rule,
    /// The project of a PI's message; `None` for a message across projects.
    project_id: Option<i64>,
    items: Vec<(String, Item)>,
}

/// Messages written per transaction: enough to keep a heavy day's commits few, small enough that a
/// concurrent writer is not kept waiting long.
const GROUPS_PER_TRANSACTION: usize = 200;

/// Runs the sweep for `today` (`now` stamps what is queued): covers today and the days since the
/// last completed sweep (see [`coverage`]), counts what fell on days beyond the catch-up limit, and,
/// unless this is a dry run, records that today was swept.
pub fn sweep(
    conn: &mut DbConnection,
    settings: &Settings<'_>,
    today: NaiveDate,
    now: NaiveDateTime,
    mode: Mode,
) -> anyhow::Result<SweepReport> {
    let Coverage { days: covered, skipped } = coverage(queries::last_swept_day(conn)?, today, settings.rules.catch_up);
    let skipped = match skipped {
        Some((from, until)) => {
            let days: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= until).collect();
            let items = plan(conn, settings, today, &days)?.len();
            tracing::warn!(%from, %until, items, "reminder days older than the catch-up limit were not swept");
            Some(Skipped { from, until, items })
        }
        None => None,
    };
    let mut report = SweepReport { as_of: Some(today), covered, skipped, ..SweepReport::default() };
    let items = plan(conn, settings, today, &report.covered)?;
    if !items.is_empty() {
        queue(conn, settings, today, now, mode, &items, &mut report)?;
    }
    if mode == Mode::Queue {
        queries::record_sweep(conn, &sweep_record(&report, today, now))?;
    }
    Ok(report)
}

/// The row that says a sweep completed.
fn sweep_record(report: &SweepReport, today: NaiveDate, now: NaiveDateTime) -> queries::SweepRecord {
    queries::SweepRecord {
        day: today,
        covered_from: report.covered.first().copied().unwrap_or(today),
        skipped: report.skipped.map(|s| (s.from, s.until, s.items)),
        messages: report.messages.len(),
        completed_at: now,
    }
}

/// Addresses the items and queues their messages (or, in a dry run, says what they would be).
fn queue(
    conn: &mut DbConnection,
    settings: &Settings<'_>,
    today: NaiveDate,
    now: NaiveDateTime,
    mode: Mode,
    items: &[Item],
    report: &mut SweepReport,
) -> anyhow::Result<()> {
    let mut project_ids: Vec<i64> = items.iter().map(|i| i.project_id).collect();
    project_ids.sort_unstable();
    project_ids.dedup();
    let contacts = queries::contacts(conn, &project_ids)?;
    let needs_staff = items.iter().any(|i| matches!(i.audience, Audience::Staff | Audience::Officer));
    let staff = if needs_staff { queries::staff(conn)? } else { Vec::new() };
    let groups = address(items, &contacts, &staff, &mut report.unaddressed);
    if !report.unaddressed.is_empty() {
        tracing::warn!(count = report.unaddressed.len(), "reminder items with nobody to send them to");
    }
    let all_keys: Vec<String> = groups.iter().flat_map(|g| g.items.iter().map(|(k, _)| k.clone())).collect();
    let logged = queries::logged(conn, &all_keys)?;
    let groups: Vec<Group> = groups
        .into_iter()
        .filter_map(|mut g| {
            g.items.retain(|(key, _)| !logged.contains(key));
            (!g.items.is_empty()).then_some(g)
        })
        .collect();
    let context = Context {
        base_url: settings.base_url,
        calendar: settings.calendar.clone(),
        today,
        warning_days: settings.warning_days,
    };
    for batch in groups.chunks(GROUPS_PER_TRANSACTION) {
        let queued = match mode {
            Mode::DryRun => batch
                .iter()
                .map(|g| compose(&context, g, &g.items, &contacts).map(|(q, _)| q))
                .collect::<anyhow::Result<Vec<_>>>()?,
            Mode::Queue => {
                // Composed before the transaction, so the write lock is held only for the inserts:
                // one statement for the batch's item keys, one for its messages.
                let composed = batch
                    .iter()
                    .map(|g| compose(&context, g, &g.items, &contacts))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                crate::db::write_transaction(conn, |conn| {
                    let rows: Vec<(&str, &str)> = batch
                        .iter()
                        .zip(&composed)
                        .flat_map(|(g, (q, _))| {
                            g.items.iter().map(|(key, _)| (key.as_str(), q.idempotency_key.as_str()))
                        })
                        .collect();
                    let fresh = queries::log_items(conn, &rows, now)?;
                    let mut messages = Vec::new();
                    for (group, (summary, reminder)) in batch.iter().zip(composed) {
                        let items: Vec<(String, Item)> =
                            group.items.iter().filter(|(key, _)| fresh.contains(key)).cloned().collect();
                        // Another sweep queued some of these items since this one looked: send the rest.
                        let (summary, reminder) = if items.len() == group.items.len() {
                            (summary, reminder)
                        } else if items.is_empty() {
                            continue;
                        } else {
                            compose(&context, group, &items, &contacts)?
                        };
                        messages.push((group, summary, reminder));
                    }
                    let new: Vec<NewOutboxMessage<'_>> = messages
                        .iter()
                        .map(|(group, summary, reminder)| NewOutboxMessage {
                            idempotency_key: &summary.idempotency_key,
                            kind: group.rule.as_str(),
                            to_user_id: group.recipient.user_id(),
                            to_address: &summary.to,
                            locale: &summary.locale,
                            subject: &summary.subject,
                            // Written when sent (see `queued_reminder`).
                            body_text: "",
                            body_html: None,
                            next_attempt_at: now,
                            created_at: now,
                            list_unsubscribe: None,
                            reminder: Some(reminder),
                            password_reset_id: None,
                        })
                        .collect();
                    let inserted = outbox::enqueue_many(conn, &new)?;
                    Ok::<_, anyhow::Error>(
                        messages
                            .into_iter()
                            .map(|(_, summary, _)| summary)
                            .filter(|summary| inserted.contains(&summary.idempotency_key))
                            .collect::<Vec<_>>(),
                    )
                })?
            }
        };
        report.messages.extend(queued);
    }
    Ok(())
}

/// Turns items into groups with a recipient each; items nobody can receive go to `unaddressed`.
fn address(
    items: &[Item],
    contacts: &HashMap<i64, ProjectContacts>,
    staff: &[queries::Person],
    unaddressed: &mut Vec<String>,
) -> Vec<Group> {
    let mut groups: BTreeMap<(String, Audience, Rule, Option<i64>), Group> = BTreeMap::new();
    for item in items {
        let Some(project) = contacts.get(&item.project_id) else { continue };
        let recipients: Vec<Recipient> = match item.audience {
            Audience::Pi => project.pi.clone().map(Recipient::User).into_iter().collect(),
            Audience::ResearchOffice => project.office.clone().map(Recipient::Office).into_iter().collect(),
            // The officer in charge; every staff member when none is assigned, so nothing is dropped.
            Audience::Officer | Audience::Staff => match &project.officer {
                Some(officer) => vec![Recipient::User(officer.clone())],
                None => staff.iter().cloned().map(Recipient::User).collect(),
            },
        };
        if recipients.is_empty() {
            unaddressed.push(item.key(item.audience.as_str()));
        }
        let project_id = (item.audience == Audience::Pi).then_some(item.project_id);
        for recipient in recipients {
            let key = recipient.key();
            let group = groups.entry((key.clone(), item.audience, item.rule, project_id)).or_insert_with(|| Group {
                recipient,
                audience: item.audience,
                rule: item.rule,
                project_id,
                items: Vec::new(),
            });
            group.items.push((item.key(&key), *item));
        }
    }
    groups.into_values().collect()
}

/// The summary and the stored reminder (JSON, see [`QueuedReminder`]) for some of a group's items.
fn compose(
    context: &Context<'_>,
    group: &Group,
    items: &[(String, Item)],
    contacts: &HashMap<i64, ProjectContacts>,
) -> anyhow::Result<(Queued, String)> {
    let reminder = QueuedReminder {
        recipient: group.recipient.clone(),
        rule: group.rule,
        audience: group.audience,
        today: context.today,
        items: items.iter().map(|(_, item)| *item).collect(),
    };
    let subject = reminder_notice::reminder_subject(context, &reminder, contacts);
    let mut keys: Vec<String> = items.iter().map(|(k, _)| k.clone()).collect();
    keys.sort_unstable();
    let digest = Sha256::digest(keys.join("\n").as_bytes());
    let scope = group.project_id.map_or_else(|| "all".to_owned(), |id| format!("p{id}"));
    let idempotency_key = format!(
        "{}:{}:{scope}:{}:{}",
        group.rule.as_str(),
        group.recipient.key(),
        context.today,
        &hex::encode(digest)[..16]
    );
    let mut projects: Vec<String> =
        reminder.items.iter().filter_map(|i| contacts.get(&i.project_id)).map(|p| p.code.clone()).collect();
    projects.sort_unstable();
    projects.dedup();
    let queued = Queued {
        rule: group.rule,
        audience: group.audience,
        to: group.recipient.address().to_owned(),
        locale: group.recipient.locale().tag().to_owned(),
        subject,
        idempotency_key,
        projects,
        items: keys,
    };
    Ok((queued, serde_json::to_string(&reminder)?))
}

/// One sweep as `serve` and `remind run` do it: the rules and the calendar in force. Years the
/// calendar lacks, from today to the end of the last open project, are reported and logged: their
/// holidays count as working days until an administrator enters them.
pub fn run(
    pool: &crate::db::DbPool,
    config: &crate::config::Config,
    today: NaiveDate,
    now: NaiveDateTime,
    mode: Mode,
) -> anyhow::Result<SweepReport> {
    use anyhow::Context as _;
    let mut conn = pool.get().context("database unavailable for the reminder sweep")?;
    let rules = queries::rule_days(&mut conn, &config.reminders.rules)?;
    let calendar = work_calendar::in_force(&mut conn, &config.reminders.calendar)?;
    let settings = Settings {
        rules: &rules,
        calendar: &calendar,
        base_url: &config.base_url,
        timezone: config.timezone,
        warning_days: config.tracking.warning_days,
    };
    let mut report = sweep(&mut conn, &settings, today, now, mode)?;
    let ahead = rules.upcoming.iter().chain(&rules.term).copied().max().unwrap_or_default();
    report.calendar_missing_years = work_calendar::missing_years(&mut conn, &calendar, today, ahead)?;
    if !report.calendar_missing_years.is_empty() {
        tracing::warn!(
            years = ?report.calendar_missing_years,
            "the holiday calendar lacks these years: only weekends count as days off in them; enter the State Council's arrangement on /admin/calendar"
        );
    }
    Ok(report)
}
