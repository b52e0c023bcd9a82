//! What a reminder says: a [`Notice`] in its recipient's language from the records it is about,
//! written when it is queued (its subject) and again when it is sent.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::project::TrackedIndicator;
use crate::db::reminder::ProjectContacts;
use crate::domain::reminder::Audience;
use crate::domain::status::evaluate;
use crate::i18n::dates::date_text;
use crate::i18n::reading::{self, terms_text};
use crate::i18n::{T, format};
use crate::mail::notice::{Notice, Section};

use super::outbox::Context;
use super::queued_reminder::{Item, QueuedReminder, Rule, Subject, latest_steps};

/// The verified value as of `today`, as the recipient reads it and as the pages and reports write it
/// (for a relative target the measured quantity with its change: `112 吨（较基线 +12.0 %）`).
fn verified_text(
    t: T,
    context: &Context<'_>,
    indicator: &TrackedIndicator,
    period: crate::domain::guide::model::Period,
) -> String {
    let e = evaluate(
        &indicator.target,
        &indicator.checkpoints,
        &indicator.observations,
        period,
        context.today,
        context.warning_days,
    );
    if indicator.target.op == crate::domain::guide::model::Op::Deliverable {
        return t.get(if e.done { "email.notice.value.done" } else { "email.notice.value.not_done" }).to_owned();
    }
    reading::verified_text(t, &indicator.target, &e).unwrap_or_else(|| t.get("email.notice.value.none").to_owned())
}

/// What a checkpoint due on `due_on` plans (in the target's terms, as the pages write a plan), or the
/// whole target when it plans no number.
fn planned_text(t: T, indicator: &TrackedIndicator, due_on: NaiveDate) -> String {
    match indicator.checkpoints.iter().find(|c| c.due_on == due_on).and_then(|c| c.planned) {
        Some(v) => terms_text(&indicator.target, Some(v)),
        None => t.get("email.notice.value.whole_target").to_owned(),
    }
}

/// What a reminder's subject line and opening sentence say: they are written when the reminder is
/// queued (the subject, for the outbox) and again when it is sent (the whole notice).
struct Gist<'a> {
    code: &'a str,
    title: &'a str,
    items: usize,
    projects: usize,
    date: String,
    days: u32,
}

impl<'a> Gist<'a> {
    fn of(t: T, context: &Context<'_>, projects: &'a HashMap<i64, ProjectContacts>, items: &[Item]) -> Self {
        let first_due = items
            .iter()
            .map(|i| match i.subject {
                Subject::Term { due_on } | Subject::Checkpoint { due_on, .. } => due_on,
                Subject::Overdue { since, .. } => since,
                Subject::Evidence { submitted_on, .. } => submitted_on,
            })
            .min()
            .unwrap_or(context.today);
        let mut project_ids: Vec<i64> = items.iter().map(|i| i.project_id).collect();
        project_ids.sort_unstable();
        project_ids.dedup();
        let first = items.first().and_then(|i| projects.get(&i.project_id));
        let (code, title) = first.map_or(("", ""), |p| (p.code.as_str(), p.title.as_str()));
        Gist {
            code,
            title,
            items: items.len(),
            projects: project_ids.len(),
            date: date_text(t, &context.calendar, first_due),
            days: items.first().map_or(0, |i| i.offset),
        }
    }

    fn args(&self) -> [(&'static str, &dyn std::fmt::Display); 6] {
        [
            ("code", &self.code),
            ("title", &self.title),
            ("n", &self.items),
            ("projects", &self.projects),
            ("date", &self.date),
            ("days", &self.days),
        ]
    }

    fn subject(&self, t: T, rule: Rule, audience: Audience) -> String {
        let form = if audience == Audience::Pi { "subject" } else { "subject_group" };
        t.fmt(&format!("email.notice.{}.{form}", rule.as_str()), &self.args())
    }
}

/// The subject line of a reminder (see [`reminder`]).
pub fn reminder_subject(
    context: &Context<'_>,
    reminder: &QueuedReminder,
    projects: &HashMap<i64, ProjectContacts>,
) -> String {
    let t = reminder.recipient.locale().t();
    Gist::of(t, context, projects, &latest_steps(&reminder.items)).subject(t, reminder.rule, reminder.audience)
}

/// A reminder for one recipient about some items of one rule: of one project for a PI, of any
/// number of projects for everyone else.
pub fn reminder(
    context: &Context<'_>,
    reminder: &QueuedReminder,
    projects: &HashMap<i64, ProjectContacts>,
    indicators: &HashMap<i64, TrackedIndicator>,
) -> Notice {
    let QueuedReminder { ref recipient, rule, audience, .. } = *reminder;
    let items = &latest_steps(&reminder.items);
    let t = recipient.locale().t();
    let gist = Gist::of(t, context, projects, items);
    let intro = t.fmt(&format!("email.notice.{}.intro_{}", rule.as_str(), audience.as_str()), &gist.args());
    // A message about several projects names each item's project in its section.
    let name_project = audience != Audience::Pi;
    let sections = items
        .iter()
        .filter_map(|item| projects.get(&item.project_id).map(|project| (item, project)))
        .map(|(item, project)| reminder_section(t, context, item, project, indicators, name_project))
        .collect();
    // What is meant for a project's officer in charge goes to every staff member while it has none
    // (see `remind::address`): say so, so that each reader knows why it came to them.
    let mut unassigned: Vec<&str> = match audience {
        Audience::Officer | Audience::Staff => items
            .iter()
            .filter_map(|item| projects.get(&item.project_id))
            .filter(|project| project.officer.is_none())
            .map(|project| project.code.as_str())
            .collect(),
        Audience::Pi | Audience::ResearchOffice => Vec::new(),
    };
    unassigned.sort_unstable();
    unassigned.dedup();
    let outro = (!unassigned.is_empty()).then(|| {
        t.fmt("email.notice.no_officer", &[("codes", &unassigned.join(t.get("email.notice.list_separator")))])
    });
    Notice {
        subject: gist.subject(t, rule, audience),
        greeting: t.fmt("email.greeting", &[("name", &recipient.name())]),
        intro,
        sections,
        outro,
        footer: t.get("email.notice.footer").to_owned(),
    }
}

fn reminder_section(
    t: T,
    context: &Context<'_>,
    item: &Item,
    project: &ProjectContacts,
    indicators: &HashMap<i64, TrackedIndicator>,
    name_project: bool,
) -> Section {
    let base = context.base_url;
    let label = |key: &str| t.get(key).to_owned();
    let indicator = item.indicator_id().and_then(|id| indicators.get(&id));
    let metric = indicator.map_or_else(String::new, |i| i.metric.clone());
    // A message about several projects names each item's project in its heading.
    let heading = if name_project { format!("{} · {metric}", project.code) } else { metric };
    let as_of_nominal = |n: i64| {
        if item.nominal == context.today {
            format::days(t, n)
        } else {
            t.fmt("email.notice.value.days_as_of", &[("n", &n), ("date", &item.nominal)])
        }
    };
    match (item.subject, indicator) {
        (Subject::Checkpoint { indicator_id, due_on }, Some(indicator)) => Section {
            heading,
            rows: vec![
                (label("email.notice.label.target"), format::target(t, &indicator.target)),
                (label("email.notice.label.due"), date_text(t, &context.calendar, due_on)),
                (label("email.notice.label.planned"), planned_text(t, indicator, due_on)),
                (label("email.notice.label.verified"), verified_text(t, context, indicator, project.period)),
                (label("email.notice.label.days_left"), format::days(t, (due_on - context.today).num_days())),
            ],
            link: Some((label("email.notice.action.log"), format!("{base}/indicators/{indicator_id}"))),
        },
        (Subject::Overdue { indicator_id, since }, Some(indicator)) => Section {
            heading,
            rows: vec![
                (label("email.notice.label.target"), format::target(t, &indicator.target)),
                (label("email.notice.label.due"), date_text(t, &context.calendar, since)),
                (label("email.notice.label.planned"), planned_text(t, indicator, since)),
                (label("email.notice.label.verified"), verified_text(t, context, indicator, project.period)),
                (label("email.notice.label.days_overdue"), as_of_nominal(i64::from(item.offset))),
            ],
            link: Some((label("email.notice.action.log"), format!("{base}/indicators/{indicator_id}"))),
        },
        (Subject::Evidence { evidence_id, submitted_on, .. }, _) => Section {
            heading,
            rows: vec![
                (label("email.notice.label.submitted"), date_text(t, &context.calendar, submitted_on)),
                (label("email.notice.label.waiting"), as_of_nominal(i64::from(item.offset))),
            ],
            link: Some((label("email.notice.action.review"), format!("{base}/evidence/{evidence_id}"))),
        },
        (Subject::Term { due_on }, _) => Section {
            heading: format!("{} · {}", t.get(&format!("email.notice.{}.heading", item.rule.as_str())), project.code),
            rows: vec![
                (label("email.notice.label.project"), format!("{} {}", project.code, project.title)),
                (label("email.notice.label.date"), date_text(t, &context.calendar, due_on)),
                (label("email.notice.label.days_left"), format::days(t, (due_on - context.today).num_days())),
            ],
            link: Some((label("email.notice.action.project"), format!("{base}/projects/{}", project.code))),
        },
        // The indicator was deleted between planning and writing: say what is known.
        (_, None) => Section { heading, rows: Vec::new(), link: None },
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Locale, keys};

    #[test]
    fn every_rule_and_audience_has_its_subject_and_intro_in_both_languages() {
        let used: [(&str, &str); 9] = [
            ("upcoming", "pi"),
            ("overdue", "pi"),
            ("overdue", "research_office"),
            ("overdue", "officer"),
            ("review_waiting", "staff"),
            ("mid_term", "pi"),
            ("mid_term", "staff"),
            ("acceptance", "pi"),
            ("acceptance", "staff"),
        ];
        for locale in [Locale::ZhCn, Locale::En] {
            let catalogue = keys(locale);
            for (rule, audience) in used {
                let subject = if audience == "pi" { "subject" } else { "subject_group" };
                for key in [format!("email.notice.{rule}.{subject}"), format!("email.notice.{rule}.intro_{audience}")] {
                    assert!(catalogue.contains(&key.as_str()), "{key} missing in {locale:?}");
                }
            }
        }
    }
}
