//! The facts put into words in one language: every figure formatted, every label looked up. The HTML
//! template and the PDF template both print this, so the two formats say exactly the same.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

use super::facts::{
    ChangeFacts, ChangeKind, EvidenceFacts, IndicatorFacts, Kind, PortfolioFacts, ProjectFacts, ProjectSummary,
};
use crate::domain::guide::model::Op;
use crate::domain::status::{Evaluation, Status};
use crate::domain::target::{Target, number, target_text};
use crate::domain::timestamp::local_date;
use crate::i18n::reading::{reading_text, terms_text, verified_text};
use crate::i18n::{Locale, T};

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

/// The target's formula; a deliverable's is "delivered by the end".
fn target_words(t: T, target: &Target) -> String {
    match target.op {
        Op::Deliverable => t.get("report.deliverable").to_owned(),
        _ => target_text(target).trim_end().to_owned(),
    }
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
        status: t.get_or(&format!("report.evidence_status.{}", e.status), &e.status).to_owned(),
        counts: e.status == "accepted",
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
    let pending =
        i.evidence.iter().rev().find(|e| e.status == "pending").map(|p| evidence_row(t, tz, &i.target, p).value);
    let metric = match &i.condition {
        Some(c) if !c.trim().is_empty() => format!("{} ({})", i.metric, c.trim()),
        _ => i.metric.clone(),
    };
    IndicatorRow {
        n: i.position,
        metric,
        task_book: target_words(t, task_book),
        changed_to: (i.frozen.is_some() && i.frozen.as_ref() != Some(&i.target)).then(|| target_words(t, &i.target)),
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
    let state = |s: &Option<String>| {
        s.as_deref().map(|s| t.get_or(&format!("project_state.{s}"), s).to_owned()).unwrap_or_default()
    };
    let (before, after) = match c.kind {
        ChangeKind::State => (state(&c.before), state(&c.after)),
        _ => (c.before.clone().unwrap_or_default(), c.after.clone().unwrap_or_default()),
    };
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

/// Funding in 万元 (10⁴ yuan), as the commission states it.
fn funding(t: T, yuan: i64) -> String {
    t.fmt("report.funding_wan", &[("amount", &number(yuan as f64 / 10_000.0))])
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
        pair("report.field.funding", funding(t, p.funding_yuan)),
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
                    ("target", &target_words(t, target)),
                    ("achieved", &achieved_text(t, target, &i.acceptance)),
                ],
            )
        })
        .collect();
    let waiting = facts.indicators.iter().flat_map(|i| &i.evidence).filter(|e| e.status == "pending").count();
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

/// The portfolio report ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioView {
    /// `zh-CN` or `en`.
    pub lang: &'static str,
    /// The report's title.
    pub title: String,
    /// The guide covered, or "the whole portfolio".
    pub scope: String,
    /// "As of …".
    pub dateline: String,
    /// Section and column headings.
    pub labels: PortfolioLabels,
    /// Projects, indicators and each status's count.
    pub summary: Vec<Pair>,
    /// One row per project, at most [`MAX_ROWS`].
    pub projects: Vec<PortfolioRow>,
    /// Says which projects are listed when not all are.
    pub projects_cut: Option<String>,
    /// One row per overdue indicator, at most [`MAX_ROWS`], most overdue first.
    pub overdue: Vec<OverdueRow>,
    /// Says which indicators are listed when not all are.
    pub overdue_cut: Option<String>,
}

/// Rows a table of the portfolio report lists at most, so that the document stays readable, and its
/// PDF quick to make and small, whatever the portfolio's size (every row of 100,000 projects would be
/// thousands of pages). The dashboard's export has every row.
pub const MAX_ROWS: usize = 500;

/// The fixed words of the portfolio report.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioLabels {
    /// Section: summary.
    pub summary: String,
    /// Section: charts.
    pub charts: String,
    /// Section: projects.
    pub projects: String,
    /// Section: overdue indicators.
    pub overdue: String,
    /// Column headings of the project table.
    pub project_columns: Vec<String>,
    /// Column headings of the overdue table.
    pub overdue_columns: Vec<String>,
    /// Nothing overdue.
    pub nothing_overdue: String,
    /// Table of contents.
    pub contents: String,
    /// "Page".
    pub page: String,
    /// Chart captions: by region, by topic, overdue over time.
    pub chart_region: String,
    /// By topic.
    pub chart_topic: String,
    /// Overdue over time.
    pub chart_trend: String,
}

/// One project in the portfolio table.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioRow {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Lead institution and PI.
    pub lead: String,
    /// Regions.
    pub regions: String,
    /// Execution end.
    pub end: String,
    /// Worst status in words.
    pub status: String,
    /// Its stored name.
    pub status_key: &'static str,
    /// Completion.
    pub completion: String,
    /// Readiness score and band.
    pub readiness: String,
    /// Overdue (and missed) indicators.
    pub overdue: usize,
}

/// One overdue indicator in the portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueRow {
    /// Project code.
    pub code: String,
    /// What is measured.
    pub metric: String,
    /// Target.
    pub target: String,
    /// Planned by the date.
    pub planned: String,
    /// Verified so far.
    pub current: String,
    /// Overdue since.
    pub since: String,
    /// Days overdue.
    pub days: i64,
    /// Overdue or missed, in words.
    pub status: String,
}

/// Where a status sits in [`Status::ALL`].
pub fn status_index(status: Status) -> usize {
    Status::ALL.iter().position(|s| *s == status).unwrap_or_default()
}

/// The portfolio report in one language.
pub fn portfolio(facts: &PortfolioFacts, locale: Locale) -> PortfolioView {
    let t = locale.t();
    let s = |key: &str| t.get(key).to_owned();
    let columns = |keys: &[&str]| keys.iter().map(|key| s(key)).collect();
    let mut totals = [0usize; 6];
    for p in &facts.projects {
        for (total, n) in totals.iter_mut().zip(p.counts) {
            *total += n;
        }
    }
    let mut summary = vec![
        Pair { label: s("report.portfolio.projects_count"), value: facts.projects.len().to_string() },
        Pair { label: s("report.portfolio.indicators_count"), value: totals.iter().sum::<usize>().to_string() },
    ];
    summary.extend(
        Status::ALL.iter().zip(totals).map(|(status, n)| Pair { label: s(status.label_key()), value: n.to_string() }),
    );
    let overdue_index = [status_index(Status::Overdue), status_index(Status::Missed)];
    let overdue_of = |p: &ProjectSummary| -> usize { overdue_index.iter().map(|&i| p.counts[i]).sum() };
    let mut projects: Vec<&ProjectSummary> = facts.projects.iter().collect();
    let projects_cut = (projects.len() > MAX_ROWS).then(|| {
        projects.sort_by(|a, b| {
            overdue_of(b).cmp(&overdue_of(a)).then(a.completion.total_cmp(&b.completion)).then(a.code.cmp(&b.code))
        });
        projects.truncate(MAX_ROWS);
        t.fmt("report.portfolio.projects_cut", &[("total", &facts.projects.len()), ("shown", &MAX_ROWS)])
    });
    let overdue_cut = (facts.overdue.len() > MAX_ROWS)
        .then(|| t.fmt("report.portfolio.overdue_cut", &[("total", &facts.overdue.len()), ("shown", &MAX_ROWS)]));
    PortfolioView {
        lang: locale.tag(),
        title: s(Kind::Portfolio.title_key()),
        scope: match &facts.guide {
            Some((doc, title)) => format!("{title} ({doc})"),
            None => s("report.portfolio.everything"),
        },
        dateline: t.fmt("report.dateline", &[("date", &facts.as_of)]),
        labels: PortfolioLabels {
            summary: s("report.section.summary"),
            charts: s("report.section.charts"),
            projects: s("report.portfolio.projects"),
            overdue: s("report.portfolio.overdue"),
            project_columns: columns(&[
                "report.portfolio.column.code",
                "report.portfolio.column.title",
                "report.portfolio.column.lead",
                "report.portfolio.column.regions",
                "report.portfolio.column.end",
                "report.portfolio.column.status",
                "report.portfolio.column.completion",
                "report.portfolio.column.readiness",
                "report.portfolio.column.overdue",
            ]),
            overdue_columns: columns(&[
                "report.portfolio.overdue_column.code",
                "report.portfolio.overdue_column.metric",
                "report.portfolio.overdue_column.target",
                "report.portfolio.overdue_column.planned",
                "report.portfolio.overdue_column.current",
                "report.portfolio.overdue_column.since",
                "report.portfolio.overdue_column.days",
            ]),
            nothing_overdue: s("report.portfolio.nothing_overdue"),
            contents: s("report.contents"),
            page: s("report.page"),
            chart_region: s("report.chart.by_region"),
            chart_topic: s("report.chart.by_topic"),
            chart_trend: s("report.chart.overdue_trend"),
        },
        summary,
        projects: projects
            .into_iter()
            .map(|p| PortfolioRow {
                code: p.code.clone(),
                title: p.title.clone(),
                lead: format!("{} · {}", p.lead_institution, p.pi),
                regions: p.regions.join(", "),
                end: p.execution_end.to_string(),
                status: p.status.map_or_else(|| "—".to_owned(), |s| t.get(s.label_key()).to_owned()),
                status_key: p.status.map_or("none", Status::as_str),
                completion: percent(p.completion),
                readiness: format!("{:.0} · {}", p.readiness.score * 100.0, t.get(p.readiness.band.label_key())),
                overdue: overdue_of(p),
            })
            .collect(),
        projects_cut,
        overdue: facts
            .overdue
            .iter()
            .take(MAX_ROWS)
            .map(|o| OverdueRow {
                code: o.code.clone(),
                metric: o.metric.clone(),
                target: target_words(t, &o.target),
                planned: terms_text(&o.target, o.planned),
                current: o.measured.map_or_else(|| "—".to_owned(), |v| reading_text(t, &o.target, v, o.measured_max)),
                since: o.since.map_or_else(String::new, |d| d.to_string()),
                days: o.days,
                status: s(o.status.label_key()),
            })
            .collect(),
        overdue_cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::readiness::{Band, Readiness};

    fn summary(n: usize, overdue: usize, completion: f64) -> ProjectSummary {
        let mut counts = [0; 6];
        counts[status_index(Status::Overdue)] = overdue;
        ProjectSummary {
            code: format!("P-{n:06}"),
            title: format!("项目{n}"),
            topic: "1. 专题".into(),
            regions: vec![],
            lead_institution: "单位".into(),
            pi: "负责人".into(),
            execution_end: NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date"),
            state: "active".into(),
            status: Some(Status::OnTrack),
            completion,
            readiness: Readiness { score: completion, band: Band::Pass },
            counts,
        }
    }

    fn facts(projects: Vec<ProjectSummary>) -> PortfolioFacts {
        PortfolioFacts {
            as_of: NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date"),
            generated_at: NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date").and_hms_opt(2, 0, 0).expect("a time"),
            guide: None,
            projects,
            overdue: vec![],
            overdue_trend: vec![],
        }
    }

    #[test]
    fn a_large_portfolio_lists_the_projects_needing_most_attention_and_says_so() {
        // Every project on track and complete, but for a few that are overdue or behind.
        let mut projects: Vec<ProjectSummary> = (0..MAX_ROWS * 3).map(|n| summary(n, 0, 1.0)).collect();
        projects[1200] = summary(1200, 3, 0.5);
        projects[7] = summary(7, 1, 0.9);
        projects[900] = summary(900, 0, 0.2);
        let view = portfolio(&facts(projects), Locale::ZhCn);
        assert_eq!(view.projects.len(), MAX_ROWS);
        let first: Vec<&str> = view.projects.iter().take(3).map(|p| p.code.as_str()).collect();
        assert_eq!(first, ["P-001200", "P-000007", "P-000900"], "most overdue, then least complete");
        assert_eq!(
            view.projects_cut.as_deref(),
            Some(
                "共 1500 个项目，此处列出最需关注的 500 个（逾期指标最多、完成率最低者在前）；完整清单请在管理看板导出。"
            )
        );
        assert!(view.summary.iter().any(|p| p.value == "1500"), "the summary still counts every project");
    }

    #[test]
    fn a_small_portfolio_lists_every_project_by_code() {
        let view = portfolio(&facts((0..3).rev().map(|n| summary(n, n, 0.5)).collect()), Locale::En);
        let codes: Vec<&str> = view.projects.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["P-000002", "P-000001", "P-000000"], "the order the facts come in");
        assert!(view.projects_cut.is_none() && view.overdue_cut.is_none());
    }
}
