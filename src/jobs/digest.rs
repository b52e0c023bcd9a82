//! The weekly digest to each staff member: the overdue and at-risk indicators of the projects in
//! their charge (the whole portfolio for staff in charge of none), grouped by project, with counts
//! and links. An empty digest is not sent; staff who opted out get none.
//!
//! The job may run on several days of a week (by default every working morning): its key names
//! the ISO week, so each reader gets one digest a week, on the first working day it runs.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::remind::{Mode, Queued, Rule, SweepReport};
use crate::app::outbox::{self, Context, Envelope, Recipient};
use crate::db::DbConnection;
use crate::db::reminder::{self as queries, Attention};
use crate::domain::reminder::Audience;
use crate::domain::status::Status;
use crate::mail::notice::{Notice, Section};

/// The most projects one digest lists; the rest are counted and left to the dashboard.
const MAX_PROJECTS: usize = 50;

/// Writes (or with [`Mode::DryRun`] only lists) this week's digests on `context.today`.
pub fn run(
    conn: &mut DbConnection,
    context: &Context<'_>,
    now: NaiveDateTime,
    mode: Mode,
) -> anyhow::Result<SweepReport> {
    let today = context.today;
    let mut report = SweepReport { as_of: Some(today), covered: vec![today], ..SweepReport::default() };
    if !context.calendar.is_workday(today) {
        report.covered.clear();
        return Ok(report);
    }
    let week = week_of(today);
    let mut whole_portfolio: Option<Vec<Attention>> = None;
    for reader in queries::digest_readers(conn)? {
        let key = format!("digest:u{}:{week}", reader.user_id);
        if crate::db::outbox::exists(conn, &key)? {
            continue;
        }
        let in_charge = queries::in_charge_of_any(conn, reader.user_id)?;
        let rows = if in_charge {
            queries::attention(conn, today, Some(reader.user_id))?
        } else {
            match &whole_portfolio {
                Some(rows) => rows.clone(),
                None => whole_portfolio.insert(queries::attention(conn, today, None)?).clone(),
            }
        };
        if rows.is_empty() {
            continue;
        }
        let recipient = Recipient::User(reader);
        let notice = compose(context, &recipient, &rows, in_charge);
        let t = recipient.locale().t();
        let rendered = notice.render(t.tag())?;
        let unsubscribe = format!("<{}/account/notifications>", context.base_url);
        let queued = Queued {
            rule: Rule::Digest,
            audience: Audience::Staff,
            to: recipient.address().to_owned(),
            locale: t.tag().to_owned(),
            subject: rendered.subject.clone(),
            idempotency_key: key,
            projects: Vec::new(),
            items: Vec::new(),
        };
        if mode == Mode::Queue {
            let envelope = Envelope {
                key: &queued.idempotency_key,
                kind: "digest",
                user_id: recipient.user_id(),
                to: &queued.to,
                locale: &queued.locale,
                list_unsubscribe: Some(&unsubscribe),
            };
            if !outbox::queue(conn, &envelope, &rendered, now)? {
                continue;
            }
        }
        report.messages.push(queued);
    }
    Ok(report)
}

fn compose(context: &Context<'_>, recipient: &Recipient, rows: &[Attention], in_charge: bool) -> Notice {
    let t = recipient.locale().t();
    let overdue = rows.iter().filter(|r| r.status == Status::Overdue).count();
    let at_risk = rows.len() - overdue;
    let mut sections: Vec<Section> = Vec::new();
    let mut projects = 0;
    let mut current: Option<&str> = None;
    for row in rows {
        if current != Some(row.code.as_str()) {
            current = Some(&row.code);
            projects += 1;
            if projects > MAX_PROJECTS {
                continue;
            }
            sections.push(Section {
                heading: format!("{} {}", row.code, row.title),
                rows: Vec::new(),
                link: Some((
                    t.get("email.notice.action.project").to_owned(),
                    format!("{}/projects/{}", context.base_url, row.code),
                )),
            });
        }
        if projects > MAX_PROJECTS {
            continue;
        }
        let since = row.since.unwrap_or(context.today);
        let state = if row.status == Status::Overdue {
            t.fmt("email.notice.digest.overdue", &[("days", &(context.today - since).num_days()), ("date", &since)])
        } else {
            t.fmt("email.notice.digest.at_risk", &[("date", &since)])
        };
        if let Some(section) = sections.last_mut() {
            section.rows.push((row.metric.clone(), state));
        }
    }
    let date = crate::i18n::dates::date_text(t, &context.calendar, context.today);
    let counts: [(&str, &dyn std::fmt::Display); 4] =
        [("overdue", &overdue), ("at_risk", &at_risk), ("projects", &projects), ("date", &date)];
    let more = projects.saturating_sub(MAX_PROJECTS);
    let dashboard = format!("{}/dashboard", context.base_url);
    Notice {
        subject: t.fmt("email.notice.digest.subject", &counts),
        greeting: t.fmt("email.greeting", &[("name", &recipient.name())]),
        intro: t.fmt(if in_charge { "email.notice.digest.intro" } else { "email.notice.digest.intro_all" }, &counts),
        sections,
        outro: Some(if more > 0 {
            t.fmt("email.notice.digest.more", &[("n", &more), ("link", &dashboard)])
        } else {
            t.fmt("email.notice.digest.dashboard", &[("link", &dashboard)])
        }),
        footer: t
            .fmt("email.notice.digest.footer", &[("link", &format!("{}/account/notifications", context.base_url))]),
    }
}

/// The ISO week of a day, as digests name it (`2026-W49`).
fn week_of(day: NaiveDate) -> String {
    let week = day.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// This week's digests as `serve` and `remind digest` write them.
pub fn run_on_pool(
    pool: &crate::db::DbPool,
    config: &crate::config::Config,
    today: NaiveDate,
    now: NaiveDateTime,
    mode: Mode,
) -> anyhow::Result<SweepReport> {
    use anyhow::Context as _;
    let mut conn = pool.get().context("database unavailable for the digest")?;
    let context = Context::load(&mut conn, config, today)?;
    run(&mut conn, &context, now, mode)
}
