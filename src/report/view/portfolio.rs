//! The portfolio report put into words: the projects needing most attention, the status totals and
//! the overdue checkpoints.

use serde::Serialize;

use super::{Pair, percent};
use crate::domain::status::Status;
use crate::i18n::Locale;
use crate::i18n::format;
use crate::i18n::reading::{reading_text, terms_text};
use crate::report::facts::{Kind, PortfolioFacts, ProjectSummary};

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
                target: format::target(t, &o.target),
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
    use chrono::NaiveDate;

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
