//! From facts to chart inputs: which charts a report has and what each shows. Values over time are
//! asked of the status engine on each evidence date, so a chart says exactly what the tables say.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::chart::{
    BreakdownChart, BreakdownGroup, Chart, ChartError, IndicatorChart, Labels, MilestoneState, OverdueTrendChart,
    OverviewChart, OverviewRow, TimelineChart, TimelineRow,
};
use super::facts::{EvidenceFacts, IndicatorFacts, PortfolioFacts, ProjectFacts};
use super::html::{Charts, Figure};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::guide::model::{Op, Period};
use crate::domain::plan::Checkpoint;
use crate::domain::status::{self, Evaluation, Status};
use crate::domain::target::{Observation, Target, reaches};
use crate::i18n::{Locale, T};

/// The chart texts in one language.
pub fn labels(locale: Locale) -> Labels {
    let t = locale.t();
    let s = |key: &str| t.get(key).to_owned();
    Labels {
        planned: s("report.chart.planned"),
        verified: s("report.chart.verified"),
        pending: s("report.chart.pending"),
        target: s("report.chart.target"),
        forecast: s("report.chart.forecast"),
        change_axis: s("report.chart.change_axis"),
        decrease_axis: s("report.chart.decrease_axis"),
        today: s("report.chart.today"),
        completion: s("report.column.completion"),
        indicators: s("report.chart.count"),
        overdue_indicators: s("report.chart.overdue_trend"),
        met: s("report.chart.met"),
        due_soon: s("report.chart.due_soon"),
        upcoming: s("report.chart.upcoming"),
        not_started: s(Status::NotStarted.label_key()),
        on_track: s(Status::OnTrack.label_key()),
        at_risk: s(Status::AtRisk.label_key()),
        overdue: s(Status::Overdue.label_key()),
        achieved: s(Status::Achieved.label_key()),
        missed: s(Status::Missed.label_key()),
    }
}

/// Draws one chart in both formats; `None` when it has nothing to show.
fn figure(chart: Chart<'_>, caption: String, labels: &Labels) -> Result<Option<Figure>, ChartError> {
    let svg = match chart.svg(labels) {
        Ok(svg) => svg,
        Err(ChartError::NothingToDraw) => return Ok(None),
        Err(other) => return Err(other),
    };
    Ok(Some(Figure { caption, svg, png: chart.png(labels)? }))
}

/// Accepted evidence as the status engine reads it.
pub fn verified(evidence: &[EvidenceFacts]) -> Vec<Observation> {
    evidence
        .iter()
        .filter(|e| e.status == EvidenceStatus::Accepted)
        .map(|e| Observation { measured_on: e.measured_on, value: e.value, value_max: e.value_max, done: e.done })
        .collect()
}

/// One indicator's progress chart input; `None` for a deliverable.
pub fn indicator_chart(
    indicator: &IndicatorFacts,
    period: Period,
    as_of: NaiveDate,
    warning_days: i64,
) -> Option<IndicatorChart> {
    let target = &indicator.target;
    if target.op == Op::Deliverable {
        return None;
    }
    let observations = verified(&indicator.evidence);
    let current_on = |observations: &[Observation], day: NaiveDate| {
        status::evaluate(target, &indicator.checkpoints, observations, period, day, warning_days).current
    };
    let mut days: Vec<NaiveDate> = observations.iter().map(|o| o.measured_on).filter(|d| *d <= as_of).collect();
    days.dedup();
    let verified_points = days.iter().filter_map(|&day| current_on(&observations, day).map(|v| (day, v))).collect();
    // A pending value is drawn where it would put the indicator if it were accepted.
    let pending = indicator
        .evidence
        .iter()
        .filter(|e| e.status == EvidenceStatus::Pending && e.measured_on <= as_of)
        .filter_map(|e| {
            let mut with = observations.clone();
            with.push(Observation { measured_on: e.measured_on, value: e.value, value_max: e.value_max, done: e.done });
            with.sort_by_key(|o| o.measured_on);
            current_on(&with, e.measured_on).map(|v| (e.measured_on, v))
        })
        .collect();
    Some(IndicatorChart {
        title: format!("{}. {}", indicator.position, indicator.metric),
        unit: if target.change.is_some() { "%".to_owned() } else { target.unit.clone().unwrap_or_default() },
        change: target.change,
        start: period.start,
        end: period.end,
        as_of,
        plan_start: (!target.lower_is_better()).then_some(0.0),
        checkpoints: indicator.checkpoints.iter().filter_map(|c| c.planned.map(|p| (c.due_on, p))).collect(),
        target: target.goal(),
        verified: verified_points,
        pending,
        forecast: indicator.evaluation.forecast.map(|f| f.at_end),
    })
}

/// The overview chart: one bar per indicator (metric, progress, status).
pub fn overview_chart<'a>(rows: impl Iterator<Item = (&'a str, f64, Status)>) -> OverviewChart {
    OverviewChart {
        title: String::new(),
        rows: rows
            .map(|(label, completion, status)| OverviewRow { label: label.to_owned(), completion, status })
            .collect(),
    }
}

/// The timeline chart: one row per indicator (metric, target, evaluation as of the date, checkpoints).
pub fn timeline_chart<'a>(
    period: Period,
    as_of: NaiveDate,
    warning_days: i64,
    rows: impl Iterator<Item = (&'a str, &'a Target, &'a Evaluation, &'a [Checkpoint])>,
) -> TimelineChart {
    TimelineChart {
        title: String::new(),
        start: period.start,
        end: period.end,
        as_of,
        rows: rows
            .map(|(label, target, evaluation, checkpoints)| TimelineRow {
                label: label.to_owned(),
                milestones: checkpoints
                    .iter()
                    .map(|c| (c.due_on, milestone_state(target, evaluation, c, as_of, warning_days)))
                    .collect(),
            })
            .collect(),
    }
}

/// Draws the overview and the timeline as SVG for a page; a chart with nothing to show is left out.
pub fn page_svgs(overview: &OverviewChart, timeline: &TimelineChart, locale: Locale) -> Vec<String> {
    let labels = labels(locale);
    [Chart::Overview(overview), Chart::Timeline(timeline)]
        .into_iter()
        .filter_map(|chart| page_svg(chart, &labels))
        .collect()
}

/// A chart as SVG for a page; `None` when it has nothing to show, or (logged) when drawing failed, so
/// that a chart never stops the page around it.
fn page_svg(chart: Chart<'_>, labels: &Labels) -> Option<String> {
    match chart.svg(labels) {
        Ok(svg) => Some(svg),
        Err(ChartError::NothingToDraw) => None,
        Err(error) => {
            tracing::error!(%error, "a chart could not be drawn");
            None
        }
    }
}

/// One indicator's progress chart as SVG for its page, untitled (the page says which); `None` for a
/// deliverable or when there is nothing to draw.
pub fn indicator_svg(
    indicator: &IndicatorFacts,
    period: Period,
    as_of: NaiveDate,
    warning_days: i64,
    locale: Locale,
) -> Option<String> {
    let mut chart = indicator_chart(indicator, period, as_of, warning_days)?;
    chart.title.clear();
    page_svg(Chart::Indicator(&chart), &labels(locale))
}

/// Where a checkpoint stands as of the date: met when the value as of the date reaches its planned
/// value (a deliverable: when delivered).
fn milestone_state(
    target: &Target,
    evaluation: &Evaluation,
    checkpoint: &Checkpoint,
    as_of: NaiveDate,
    warning_days: i64,
) -> MilestoneState {
    let due_on = checkpoint.due_on;
    let met = match (target.op, checkpoint.planned, evaluation.current) {
        (Op::Deliverable, _, _) => evaluation.done,
        (_, Some(planned), Some(current)) => reaches(target, current, planned),
        (_, None, _) => evaluation.status == Status::Achieved,
        _ => false,
    };
    if met {
        MilestoneState::Met
    } else if due_on < as_of {
        MilestoneState::Overdue
    } else if (due_on - as_of).num_days() <= warning_days {
        MilestoneState::DueSoon
    } else {
        MilestoneState::Upcoming
    }
}

/// The charts of a project report: the overview, the timeline and one per quantitative indicator.
pub fn project(facts: &ProjectFacts, locale: Locale, warning_days: i64) -> Result<Charts, ChartError> {
    let t: T = locale.t();
    let labels = labels(locale);
    let p = &facts.project;
    let period = Period { start: p.execution_start, end: p.execution_end };
    let mut figures = Vec::new();
    let overview = overview_chart(
        facts.indicators.iter().map(|i| (i.metric.as_str(), i.acceptance.progress, i.evaluation.status)),
    );
    figures.extend(figure(Chart::Overview(&overview), t.get("report.chart.overview").to_owned(), &labels)?);
    let timeline = timeline_chart(
        period,
        facts.as_of,
        warning_days,
        facts.indicators.iter().map(|i| (i.metric.as_str(), &i.target, &i.evaluation, i.checkpoints.as_slice())),
    );
    figures.extend(figure(Chart::Timeline(&timeline), t.get("report.chart.timeline").to_owned(), &labels)?);
    for indicator in &facts.indicators {
        if let Some(chart) = indicator_chart(indicator, period, facts.as_of, warning_days) {
            let caption = format!("{} {}. {}", t.get("report.chart.indicator"), indicator.position, indicator.metric);
            figures.extend(figure(Chart::Indicator(&chart), caption, &labels)?);
        }
    }
    Ok(Charts(figures))
}

/// Indicator counts by status per group, groups by name.
fn breakdown<'a>(groups: impl Iterator<Item = (&'a str, [usize; 6])>) -> Vec<BreakdownGroup> {
    let mut by_name: BTreeMap<&str, [usize; 6]> = BTreeMap::new();
    for (name, counts) in groups {
        let total = by_name.entry(name).or_default();
        for (t, n) in total.iter_mut().zip(counts) {
            *t += n;
        }
    }
    by_name
        .into_iter()
        .map(|(label, counts)| BreakdownGroup {
            label: label.to_owned(),
            counts: Status::ALL.iter().zip(counts).map(|(s, n)| (*s, n as u32)).collect(),
        })
        .collect()
}

/// The charts of the portfolio report: by region, by topic, and overdue over time.
pub fn portfolio(facts: &PortfolioFacts, locale: Locale) -> Result<Charts, ChartError> {
    let t: T = locale.t();
    let labels = labels(locale);
    let by_region = BreakdownChart {
        title: String::new(),
        // A project with partners in several regions counts in each of them.
        groups: breakdown(facts.projects.iter().flat_map(|p| p.regions.iter().map(move |r| (r.as_str(), p.counts)))),
    };
    let by_topic = BreakdownChart {
        title: String::new(),
        groups: breakdown(facts.projects.iter().map(|p| (p.topic.as_str(), p.counts))),
    };
    let trend = OverdueTrendChart {
        title: String::new(),
        as_of: facts.as_of,
        points: facts.overdue_trend.iter().map(|(d, n)| (*d, *n as u32)).collect(),
    };
    let mut figures = Vec::new();
    figures.extend(figure(Chart::Breakdown(&by_region), t.get("report.chart.by_region").to_owned(), &labels)?);
    figures.extend(figure(Chart::Breakdown(&by_topic), t.get("report.chart.by_topic").to_owned(), &labels)?);
    figures.extend(figure(Chart::OverdueTrend(&trend), t.get("report.chart.overdue_trend").to_owned(), &labels)?);
    Ok(Charts(figures))
}
