//! The facts put into words in one language: every figure formatted, every label looked up. The HTML
//! template and the PDF template both print this, so the two formats say exactly the same.

mod portfolio;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

use super::facts::{ChangeFacts, ChangeKind, Changed, EvidenceFacts, IndicatorFacts, Kind, ProjectFacts};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::guide::model::Op;
use crate::domain::status::{Evaluation, Status};
use crate::domain::target::Target;
use crate::domain::timestamp::local_date;
use crate::i18n::reading::{reading_text, terms_text, verified_text};
use crate::i18n::{Locale, T, format};

pub use portfolio::{PortfolioView, portfolio, status_index};

/// A label and its value, for tables of particulars and summaries.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// What it is.
    pub label: String,
    /// The value.
    pub value: String,
}

/// A project report ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    /// `zh-CN` or `en`.
    pub lang: &'static str,
    /// The report's title (结题验收报告).
    pub title: String,
    /// The project's code and title.
    pub code: String,
    /// The project's title.
    pub project_title: String,
    /// "As of 2026-11-30", the period covered, when generated.
    pub dateline: String,
    /// Every label the templates print, by short name.
    pub labels: Labels,
    /// The particulars: code, title, direction, institutions, PI, funding, period, contract.
    pub particulars: Vec<Pair>,
    /// Status, completion, readiness score and band.
    pub summary: Vec<Pair>,
    /// The readiness band's key (`pass`, `re_review`, `fail`), for colour.
    pub band: &'static str,
    /// What stands between the project and acceptance.
    pub missing: Vec<String>,
    /// One row per indicator.
    pub indicators: Vec<IndicatorRow>,
    /// Changes on record.
    pub changes: Vec<ChangeRow>,
    /// Whether the signature and opinion blocks are printed (the acceptance report).
    pub signatures: bool,
}

/// The fixed words of a report.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    /// Section: particulars.
    pub particulars: String,
    /// Section: summary.
    pub summary: String,
    /// Section: indicators.
    pub indicators: String,
    /// Section: evidence.
    pub evidence: String,
    /// Section: charts.
    pub charts: String,
    /// Section: change history.
    pub changes: String,
    /// Section: opinions and signatures.
    pub signatures: String,
    /// Heading: what is missing.
    pub missing: String,
    /// Nothing is missing.
    pub nothing_missing: String,
    /// No changes.
    pub no_changes: String,
    /// No evidence.
    pub no_evidence: String,
    /// Beside a value awaiting review.
    pub pending: String,
    /// Column headings of the indicator table.
    pub columns: Vec<String>,
    /// Column headings of the change table.
    pub change_columns: Vec<String>,
    /// Column headings of the evidence list.
    pub evidence_columns: Vec<String>,
    /// The expert group's opinion block.
    pub expert_opinion: String,
    /// The commission's opinion block.
    pub commission_opinion: String,
    /// "Signature".
    pub signature: String,
    /// "Date".
    pub date: String,
    /// "Page".
    pub page: String,
    /// Table of contents.
    pub contents: String,
    /// Charts: project overview.
    pub overview_chart: String,
    /// Charts: timeline.
    pub timeline_chart: String,
}

/// One indicator's row.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    /// 1, 2, …
    pub n: i32,
    /// What is measured, with its test condition.
    pub metric: String,
    /// The task-book target.
    pub task_book: String,
    /// The current target when it differs from the task book.
    pub changed_to: Option<String>,
    /// Planned by the date.
    pub planned: String,
    /// The verified value.
    pub achieved: String,
    /// The latest value awaiting review, when there is one.
    pub pending: Option<String>,
    /// Progress towards the task-book target.
    pub completion: String,
    /// 达标 / 未达标 / 尚未达标.
    pub verdict: String,
    /// Whether the task-book target is met.
    pub met: bool,
    /// The status as of the date, in words.
    pub status: String,
    /// The status's stored name, for colour.
    pub status_key: &'static str,
    /// Overdue since / next due, in words.
    pub timing: String,
    /// The evidence behind the figures.
    pub evidence: Vec<EvidenceRow>,
    /// Whether it has a progress chart (quantitative indicators do).
    pub charted: bool,
}

/// One piece of evidence as listed.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    /// When measured.
    pub date: String,
    /// The value reported.
    pub value: String,
    /// Its review status in words.
    pub status: String,
    /// Whether it counts (accepted).
    pub counts: bool,
    /// Files: name and the first 12 hex digits of the SHA-256.
    pub files: String,
    /// The PI's note and who reviewed it.
    pub note: String,
}

/// One change as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    /// When.
    pub date: String,
    /// What kind, in words.
    pub kind: String,
    /// What changed: "indicator: before → after".
    pub what: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub by: String,
}

fn percent(x: f64) -> String {
    format!("{}%", (x * 100.0).round() as i64)
}

/// The verified value as judged, in words.
fn achieved_text(t: T, target: &Target, e: &Evaluation) -> String {
    if target.op == Op::Deliverable {
        return t.get(if e.done { "report.delivered" } else { "report.not_delivered" }).to_owned();
    }
    if e.needs_baseline {
        return t.get("report.needs_baseline").to_owned();
    }
    verified_text(t, target, e).unwrap_or_else(|| t.get("report.none").to_owned())
}

fn evidence_row(t: T, tz: Tz, target: &Target, e: &EvidenceFacts) -> EvidenceRow {
    let value = if target.op == Op::Deliverable {
        t.get(if e.done { "report.delivered" } else { "report.not_delivered" }).to_owned()
    } else {
        match e.value {
            Some(v) => reading_text(t, target, v, e.value_max),
            None => t.get("report.none").to_owned(),
        }
    };
    let files = e.files.iter().map(|(name, sha)| format!("{name} ({})", &sha[..sha.len().min(12)])).collect::<Vec<_>>();
    let mut note = e.note.trim().to_owned();
    if let Some((by, at)) = &e.reviewed {
        let reviewed = t.fmt("report.reviewed_by", &[("name", by), ("date", &local_date(at, &tz))]);
        note = if note.is_empty() { reviewed } else { format!("{note} · {reviewed}") };
    }
    EvidenceRow {
        date: e.measured_on.to_string(),
        value,
        status: t.get_or(&format!("report.evidence_status.{}", e.status.as_str()), e.status.as_str()).to_owned(),
        counts: e.status == EvidenceStatus::Accepted,
        files: files.join("; "),
        note,
    }
}

fn indicator_row(
    t: T,
    tz: Tz,
    i: &IndicatorFacts,
    (covers_from, as_of): (NaiveDate, NaiveDate),
    ended: bool,
) -> IndicatorRow {
    let task_book = i.task_book();
    let e = &i.acceptance;
    let met = e.status == Status::Achieved;
    let verdict = t.get(match (met, ended) {
        (true, _) => "report.met",
        (false, true) => "report.not_met",
        (false, false) => "report.not_yet_met",
    });
    let timing = match (i.evaluation.overdue_since, &i.evaluation.next_due) {
        (Some(since), _) => t.fmt("report.overdue_since", &[("date", &since), ("days", &i.evaluation.days_overdue)]),
        (None, Some(next)) if !met => t.fmt("report.next_due", &[("date", &next.due_on)]),
        _ => String::new(),
    };
    let pending = i
        .evidence
        .iter()
        .rev()
        .find(|e| e.status == EvidenceStatus::Pending)
        .map(|p| evidence_row(t, tz, &i.target, p).value);
    let metric = match &i.condition {
        Some(c) if !c.trim().is_empty() => format!("{} ({})", i.metric, c.trim()),
        _ => i.metric.clone(),
    };
    IndicatorRow {
        n: i.position,
        metric,
        task_book: format::target(t, task_book),
        changed_to: (i.frozen.is_some() && i.frozen.as_ref() != Some(&i.target)).then(|| format::target(t, &i.target)),
        planned: terms_text(&i.target, i.evaluation.planned_to_date),
        achieved: achieved_text(t, task_book, e),
        pending,
        completion: percent(e.progress),
        verdict: verdict.to_owned(),
        met,
        status: t.get(i.evaluation.status.label_key()).to_owned(),
        status_key: i.evaluation.status.as_str(),
        timing,
        // The evidence of the period the report covers (an annual report: the year up to the date).
        evidence: i
            .evidence
            .iter()
            .filter(|e| (covers_from..=as_of).contains(&e.measured_on))
            .map(|e| evidence_row(t, tz, &i.target, e))
            .collect(),
        charted: i.target.op != Op::Deliverable,
    }
}

fn change_row(t: T, tz: Tz, c: &ChangeFacts) -> ChangeRow {
    let kind = match c.kind {
        ChangeKind::Extension => "report.change.extension",
        ChangeKind::TargetChange => "report.change.target",
        ChangeKind::IndicatorAdded => "report.change.indicator_added",
        ChangeKind::BaselineFrozen => "report.change.baseline_frozen",
        ChangeKind::State => "report.change.state",
    };
    let words = |value: &Option<Changed>| match value {
        None => String::new(),
        Some(Changed::Target(target)) => format::target(t, target),
        Some(Changed::Text(name)) if c.kind == ChangeKind::State => {
            t.get_or(&format!("project_state.{name}"), name).to_owned()
        }
        Some(Changed::Text(text)) => text.clone(),
    };
    let (before, after) = (words(&c.before), words(&c.after));
    let arrow = match (before.is_empty(), after.is_empty()) {
        (true, true) => String::new(),
        (true, false) => after,
        _ => format!("{before} → {after}"),
    };
    let what = match &c.subject {
        Some(subject) if arrow.is_empty() => subject.clone(),
        Some(subject) => format!("{subject}: {arrow}"),
        None => arrow,
    };
    ChangeRow {
        date: local_date(&c.at, &tz).to_string(),
        kind: t.get(kind).to_owned(),
        what,
        reason: c.reason.clone().unwrap_or_default(),
        by: c.by.clone().unwrap_or_default(),
    }
}

fn labels(t: T) -> Labels {
    let s = |key: &str| t.get(key).to_owned();
    Labels {
        particulars: s("report.section.particulars"),
        summary: s("report.section.summary"),
        indicators: s("report.section.indicators"),
        evidence: s("report.section.evidence"),
        charts: s("report.section.charts"),
        changes: s("report.section.changes"),
        signatures: s("report.section.signatures"),
        missing: s("report.missing"),
        nothing_missing: s("report.nothing_missing"),
        no_changes: s("report.no_changes"),
        no_evidence: s("report.no_evidence"),
        pending: s("report.evidence_status.pending"),
        columns: ["n", "metric", "task_book", "planned", "achieved", "completion", "verdict", "status"]
            .iter()
            .map(|c| s(&format!("report.column.{c}")))
            .collect(),
        change_columns: ["date", "kind", "what", "reason", "by"]
            .iter()
            .map(|c| s(&format!("report.change_column.{c}")))
            .collect(),
        evidence_columns: ["date", "value", "status", "files", "note"]
            .iter()
            .map(|c| s(&format!("report.evidence_column.{c}")))
            .collect(),
        expert_opinion: s("report.expert_opinion"),
        commission_opinion: s("report.commission_opinion"),
        signature: s("report.signature"),
        date: s("report.date"),
        page: s("report.page"),
        contents: s("report.contents"),
        overview_chart: s("report.chart.overview"),
        timeline_chart: s("report.chart.timeline"),
    }
}

/// One project's report in one language.
pub fn project(facts: &ProjectFacts, locale: Locale) -> ProjectView {
    let t = locale.t();
    let p = &facts.project;
    let pair = |key: &str, value: String| Pair { label: t.get(key).to_owned(), value };
    let partners = p
        .partners
        .iter()
        .map(|x| match &x.region {
            Some(region) => format!("{} ({region})", x.name),
            None => x.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let period = if p.original_end == p.execution_end {
        format!("{} – {}", p.execution_start, p.execution_end)
    } else {
        t.fmt(
            "report.period_extended",
            &[("start", &p.execution_start), ("end", &p.execution_end), ("original", &p.original_end)],
        )
    };
    let particulars = vec![
        pair("report.field.code", p.code.clone()),
        pair("report.field.title", p.title.clone()),
        pair("report.field.guide", format!("{} ({})", p.guide, p.guide_doc_number)),
        pair("report.field.direction", format!("{} · {}", p.topic, p.direction)),
        pair("report.field.lead", p.lead_institution.clone()),
        pair("report.field.partners", if partners.is_empty() { "—".to_owned() } else { partners }),
        pair("report.field.pi", p.pi.clone()),
        pair("report.field.officer", p.officer.clone().unwrap_or_else(|| "—".to_owned())),
        pair("report.field.funding", format::money_wan(t, p.funding_yuan)),
        pair("report.field.period", period),
        pair("report.field.contract", p.contract_number.clone().unwrap_or_else(|| "—".to_owned())),
        pair("report.field.state", t.get_or(&format!("project_state.{}", p.state), &p.state).to_owned()),
    ];
    let summary = vec![
        pair("report.field.status", facts.status.map_or_else(|| "—".to_owned(), |s| t.get(s.label_key()).to_owned())),
        pair("report.field.completion", percent(facts.completion)),
        pair(
            "report.field.readiness",
            t.fmt(
                "report.readiness_score",
                &[
                    ("score", &format!("{:.1}", facts.readiness.score * 100.0)),
                    ("band", &t.get(facts.readiness.band.label_key())),
                ],
            ),
        ),
        pair("report.field.met_count", {
            let met = facts.indicators.iter().filter(|i| i.acceptance.status == Status::Achieved).count();
            t.fmt("report.met_count", &[("met", &met), ("total", &facts.indicators.len())])
        }),
    ];
    let mut missing: Vec<String> = facts
        .indicators
        .iter()
        .filter(|i| i.acceptance.status != Status::Achieved)
        .map(|i| {
            let target = i.task_book();
            t.fmt(
                "report.missing_item",
                &[
                    ("metric", &i.metric),
                    ("target", &format::target(t, target)),
                    ("achieved", &achieved_text(t, target, &i.acceptance)),
                ],
            )
        })
        .collect();
    let waiting =
        facts.indicators.iter().flat_map(|i| &i.evidence).filter(|e| e.status == EvidenceStatus::Pending).count();
    if waiting > 0 {
        missing.push(t.fmt("report.missing_review", &[("count", &waiting)]));
    }
    if p.baseline_frozen_at.is_none() {
        missing.push(t.get("report.missing_baseline").to_owned());
    }
    let ended = facts.as_of >= p.execution_end;
    let dateline = match facts.kind {
        Kind::Annual => t.fmt("report.dateline_period", &[("from", &facts.covers_from), ("to", &facts.as_of)]),
        _ => t.fmt("report.dateline", &[("date", &facts.as_of)]),
    };
    ProjectView {
        lang: locale.tag(),
        title: t.get(facts.kind.title_key()).to_owned(),
        code: p.code.clone(),
        project_title: p.title.clone(),
        dateline,
        labels: labels(t),
        particulars,
        summary,
        band: match facts.readiness.band {
            crate::domain::readiness::Band::Pass => "pass",
            crate::domain::readiness::Band::ReReview => "re_review",
            crate::domain::readiness::Band::Fail => "fail",
        },
        missing,
        indicators: facts
            .indicators
            .iter()
            .map(|i| indicator_row(t, facts.timezone, i, (facts.covers_from, facts.as_of), ended))
            .collect(),
        changes: facts.changes.iter().map(|c| change_row(t, facts.timezone, c)).collect(),
        signatures: facts.kind == Kind::Acceptance,
    }
}
