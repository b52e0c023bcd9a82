//! What a report is made from: plain data gathered as of a date, with no language in it. A submitted
//! report keeps these as JSON beside its files, so that what it said can always be traced back.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::plan::Checkpoint;
use crate::domain::readiness::Readiness;
use crate::domain::status::{Evaluation, Status};
use crate::domain::target::Target;

/// The kinds of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A progress report as of any date (进展报告).
    Progress,
    /// The annual progress report (年度进展报告): the year up to the date.
    Annual,
    /// The mid-term check (中期检查).
    MidTerm,
    /// The end-of-term acceptance report (结题验收报告).
    Acceptance,
    /// Every project of a guide, or of the whole portfolio, for the commission.
    Portfolio,
}

impl Kind {
    /// Every kind of project report.
    pub const PROJECT: [Kind; 4] = [Kind::Progress, Kind::Annual, Kind::MidTerm, Kind::Acceptance];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Progress => "progress",
            Kind::Annual => "annual",
            Kind::MidTerm => "mid_term",
            Kind::Acceptance => "acceptance",
            Kind::Portfolio => "portfolio",
        }
    }

    /// The kind of a stored or typed name (`mid-term` is accepted too).
    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Progress, Kind::Annual, Kind::MidTerm, Kind::Acceptance, Kind::Portfolio]
            .into_iter()
            .find(|k| k.as_str() == s || k.file_stem() == s)
    }

    /// How its files are named: `<stem>-<as-of>.html`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::MidTerm => "mid-term",
            other => other.as_str(),
        }
    }

    /// The catalogue key of its title.
    pub fn title_key(self) -> &'static str {
        match self {
            Kind::Progress => "report.kind.progress",
            Kind::Annual => "report.kind.annual",
            Kind::MidTerm => "report.kind.mid_term",
            Kind::Acceptance => "report.kind.acceptance",
            Kind::Portfolio => "report.kind.portfolio",
        }
    }
}

/// One project's report data.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectFacts {
    /// Which report.
    pub kind: Kind,
    /// The date everything is evaluated as of.
    pub as_of: NaiveDate,
    /// The first day the report covers: the start, or a year before `as_of` for an annual report.
    pub covers_from: NaiveDate,
    /// When the data was read (UTC).
    pub generated_at: NaiveDateTime,
    /// The zone the report's readers read times in (the configured `timezone`): recorded times
    /// are UTC, and each is shown as the day it was there.
    #[serde(serialize_with = "zone_name")]
    pub timezone: chrono_tz::Tz,
    /// Who the project is and what it was given.
    pub project: ProjectInfo,
    /// The worst indicator status.
    pub status: Option<Status>,
    /// Mean progress over the indicators, 0 to 1.
    pub completion: f64,
    /// Acceptance readiness against the frozen targets.
    pub readiness: Readiness,
    /// The indicators in order.
    pub indicators: Vec<IndicatorFacts>,
    /// Extensions, target changes and state changes, oldest first.
    pub changes: Vec<ChangeFacts>,
}

/// The project's particulars.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectInfo {
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// The guide's title.
    pub guide: String,
    /// The guide's document number.
    pub guide_doc_number: String,
    /// The topic: "number. title".
    pub topic: String,
    /// The direction's title.
    pub direction: String,
    /// 承担单位.
    pub lead_institution: String,
    /// 合作单位 with the region each stands for.
    pub partners: Vec<Partner>,
    /// 项目负责人.
    pub pi: String,
    /// The commission officer in charge.
    pub officer: Option<String>,
    /// Awarded funding in yuan.
    pub funding_yuan: i64,
    /// Execution start.
    pub execution_start: NaiveDate,
    /// Execution end (after any extension).
    pub execution_end: NaiveDate,
    /// The end before any extension.
    pub original_end: NaiveDate,
    /// Technology-contract number.
    pub contract_number: Option<String>,
    /// The project's state (`active`, `in_acceptance` …).
    pub state: String,
    /// When staff froze the baseline (UTC).
    pub baseline_frozen_at: Option<NaiveDateTime>,
}

/// A partner institution.
#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    /// Its name.
    pub name: String,
    /// The cooperation region it stands for.
    pub region: Option<String>,
}

/// One indicator with everything the report says about it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFacts {
    /// Order in the project.
    pub position: i32,
    /// What is measured.
    pub metric: String,
    /// The test condition.
    pub condition: Option<String>,
    /// The current target.
    pub target: Target,
    /// The task-book target frozen with the baseline; acceptance compares against it.
    pub frozen: Option<Target>,
    /// Added after the baseline was frozen.
    pub added_after_baseline: bool,
    /// The current target's evaluation as of the date.
    pub evaluation: Evaluation,
    /// The evaluation against the task-book target (the frozen one, else the current one).
    pub acceptance: Evaluation,
    /// The current plan.
    pub checkpoints: Vec<Checkpoint>,
    /// Every piece of evidence measured by the date, oldest first, whatever its review.
    pub evidence: Vec<EvidenceFacts>,
}

impl IndicatorFacts {
    /// The target acceptance is judged against.
    pub fn task_book(&self) -> &Target {
        self.frozen.as_ref().unwrap_or(&self.target)
    }
}

/// One piece of evidence.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFacts {
    /// Its id.
    pub id: i64,
    /// When it was measured.
    pub measured_on: NaiveDate,
    /// The value (low end of a range).
    pub value: Option<f64>,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// A deliverable reported done.
    pub done: bool,
    /// Where it stands in review.
    pub status: EvidenceStatus,
    /// The PI's note.
    pub note: String,
    /// Who reported it.
    pub submitted_by: String,
    /// The files: name and SHA-256.
    pub files: Vec<(String, String)>,
    /// The latest review: who and when (UTC).
    pub reviewed: Option<(String, NaiveDateTime)>,
}

/// What kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The execution period was extended.
    Extension,
    /// An indicator's target was changed.
    TargetChange,
    /// An indicator was added.
    IndicatorAdded,
    /// The baseline was frozen.
    BaselineFrozen,
    /// The project moved to another state.
    State,
}

/// One change on record.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeFacts {
    /// When (UTC).
    pub at: NaiveDateTime,
    /// What kind.
    pub kind: ChangeKind,
    /// Who, by name.
    pub by: Option<String>,
    /// The indicator's metric, for indicator changes.
    pub subject: Option<String>,
    /// Before: a date, a state's name, or a target, which the report words in its language.
    pub before: Option<Changed>,
    /// After.
    pub after: Option<Changed>,
    /// Why.
    pub reason: Option<String>,
}

/// A value a change set or replaced, as the record holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Changed {
    /// A date or a state's stored name.
    Text(String),
    /// A target, written in words by the report (`不低于 95 %`).
    Target(Target),
}

/// The portfolio report's data.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioFacts {
    /// The date everything is evaluated as of.
    pub as_of: NaiveDate,
    /// When the data was read (UTC).
    pub generated_at: NaiveDateTime,
    /// The guide covered ("doc number", title); none for the whole portfolio.
    pub guide: Option<(String, String)>,
    /// Every project in scope, by code.
    pub projects: Vec<ProjectSummary>,
    /// Overdue and missed indicators, most days overdue first.
    pub overdue: Vec<OverdueFacts>,
    /// Overdue indicators on the last day of each month up to the date.
    pub overdue_trend: Vec<(NaiveDate, usize)>,
}

/// One project in the portfolio report.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectSummary {
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// The topic: "number. title".
    pub topic: String,
    /// The cooperation regions of its partners.
    pub regions: Vec<String>,
    /// 承担单位.
    pub lead_institution: String,
    /// 项目负责人.
    pub pi: String,
    /// Execution end.
    pub execution_end: NaiveDate,
    /// The project's state.
    pub state: String,
    /// The worst indicator status.
    pub status: Option<Status>,
    /// Mean progress, 0 to 1.
    pub completion: f64,
    /// Acceptance readiness.
    pub readiness: Readiness,
    /// How many indicators have each status, in [`Status::ALL`] order.
    pub counts: [usize; 6],
}

/// One overdue (or missed) indicator.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueFacts {
    /// The project's code.
    pub code: String,
    /// What is measured.
    pub metric: String,
    /// The target.
    pub target: Target,
    /// Overdue or missed.
    pub status: Status,
    /// Since when.
    pub since: Option<NaiveDate>,
    /// Days overdue.
    pub days: i64,
    /// Planned to date.
    pub planned: Option<f64>,
    /// Verified so far: the value itself, for a relative target the measured quantity (its change is
    /// computed from the target's baseline when put into words).
    pub measured: Option<f64>,
    /// The upper end of a verified range (pH 2-13).
    pub measured_max: Option<f64>,
}

/// A zone by its IANA name (`Asia/Shanghai`), in the report's recorded data.
fn zone_name<S: serde::Serializer>(zone: &chrono_tz::Tz, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(zone.name())
}
