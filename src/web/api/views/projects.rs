//! A project as the API shows it, evaluated as of a date, and the registration it accepts.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::app::evaluation::{self, Pending as PendingValue};
use crate::app::projects;
use crate::app::registration;
use crate::domain::guide::model::Period;
use crate::domain::plan::Checkpoint;
use crate::domain::project_state::ProjectState;
use crate::domain::readiness::Readiness;
use crate::domain::status::{Evaluation, Status};
use crate::domain::target::Target;

/// A stored project.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Project {
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// Direction.
    pub direction_id: i64,
    /// Lead institution.
    pub lead_institution_id: i64,
    /// PI.
    pub pi_user_id: i64,
    /// Commission officer in charge.
    pub officer_user_id: Option<i64>,
    /// Awarded funding in yuan.
    pub funding_yuan: i64,
    /// Execution start.
    pub execution_start: NaiveDate,
    /// Execution end (after any extension).
    pub execution_end: NaiveDate,
    /// The end before any extension; acceptance compares against the original plan.
    pub original_end: NaiveDate,
    /// Technology-contract number.
    pub contract_number: Option<String>,
    /// Recommendation-letter reference.
    pub recommendation_ref: Option<String>,
    /// active, mid_term, in_acceptance, accepted, accepted_rectified, failed, terminated, extended.
    #[schema(value_type = String)]
    pub state: ProjectState,
    /// When staff froze the baseline.
    #[serde(serialize_with = "crate::domain::timestamp::utc_option")]
    pub baseline_frozen_at: Option<NaiveDateTime>,
    /// Registered (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<projects::Project> for Project {
    fn from(p: projects::Project) -> Self {
        Self {
            code: p.code,
            title: p.title,
            direction_id: p.direction_id,
            lead_institution_id: p.lead_institution_id,
            pi_user_id: p.pi_user_id,
            officer_user_id: p.officer_user_id,
            funding_yuan: p.funding_yuan,
            execution_start: p.execution_start,
            execution_end: p.execution_end,
            original_end: p.original_end,
            contract_number: p.contract_number,
            recommendation_ref: p.recommendation_ref,
            state: p.state,
            baseline_frozen_at: p.baseline_frozen_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A value awaiting review, shown beside the verified one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Pending {
    /// The value (low end of a range).
    pub value: Option<f64>,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// A deliverable reported done.
    pub done: bool,
    /// When it was measured.
    pub measured_on: NaiveDate,
    /// How many reports of the indicator await review.
    pub count: usize,
}

impl From<PendingValue> for Pending {
    fn from(p: PendingValue) -> Self {
        Self { value: p.value, value_max: p.value_max, done: p.done, measured_on: p.measured_on, count: p.count }
    }
}

/// One indicator evaluated as of a date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorReport {
    /// Indicator id.
    pub id: i64,
    /// Order in the project.
    pub position: i32,
    /// What is measured.
    pub metric: String,
    /// Test condition.
    pub condition: Option<String>,
    /// The target: op, value/min/max, unit, change, baseline, aggregation, weight, class.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub target: Target,
    /// Status, days overdue, planned to date, current verified value, progress, forecast, next due.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub evaluation: Evaluation,
    /// The current plan.
    #[schema(value_type = Vec<Object>)]
    pub checkpoints: Vec<Checkpoint>,
    /// The target as the baseline freeze recorded it (same fields as the target); acceptance readiness
    /// compares against it. `None` before the freeze and for an indicator added after it.
    #[schema(value_type = Option<Object>)]
    pub frozen: Option<Target>,
    /// Added after the baseline was frozen (from the task book), so not part of the frozen baseline.
    pub added_after_baseline: bool,
    /// The latest value awaiting review measured by the date, shown beside the verified one; it
    /// does not count yet.
    pub pending: Option<Pending>,
}

impl From<evaluation::IndicatorReport> for IndicatorReport {
    fn from(i: evaluation::IndicatorReport) -> Self {
        Self {
            id: i.id,
            position: i.position,
            metric: i.metric,
            condition: i.condition,
            target: i.target,
            evaluation: i.evaluation,
            checkpoints: i.checkpoints,
            frozen: i.frozen,
            added_after_baseline: i.added_after_baseline,
            pending: i.pending.map(Pending::from),
        }
    }
}

/// A project with its state as of a date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectReport {
    /// The project.
    #[serde(flatten)]
    pub project: Project,
    /// The date evaluated.
    pub as_of: NaiveDate,
    /// The worst indicator status.
    #[schema(value_type = Option<String>)]
    pub status: Option<Status>,
    /// Mean progress over the indicators, 0 to 1.
    pub completion: f64,
    /// Acceptance readiness with its band.
    #[schema(value_type = Object)]
    pub readiness: Readiness,
    /// The indicators.
    pub indicators: Vec<IndicatorReport>,
}

impl From<evaluation::ProjectReport> for ProjectReport {
    fn from(r: evaluation::ProjectReport) -> Self {
        Self {
            project: r.project.into(),
            as_of: r.as_of,
            status: r.status,
            completion: r.completion,
            readiness: r.readiness,
            indicators: r.indicators.into_iter().map(IndicatorReport::from).collect(),
        }
    }
}

/// A partner institution.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// The institution's registered name.
    pub institution: String,
    /// Its region (created if new).
    pub region: Option<String>,
}

impl From<PartnerInput> for registration::PartnerInput {
    fn from(p: PartnerInput) -> Self {
        Self { institution: p.institution, region: p.region }
    }
}

/// The baseline of one of the direction's relative indicators (产量提升10%以上), given at registration:
/// the measured quantity when the project starts, recorded whole (value, unit, date and source) as
/// `PATCH /api/v1/indicators/{id}` records it, with the same field names and the same rules.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineInput {
    /// The indicator's position in the direction, as `GET /api/v1/guides/{id}` lists its templates
    /// (the project's indicator gets the same position).
    pub position: i32,
    /// The value measured (not 0).
    pub baseline: Option<f64>,
    /// The measured quantity's unit (吨, 元, 小时 …): the one the PI then reports evidence in.
    #[schema(max_length = 20)]
    pub baseline_unit: Option<String>,
    /// When it was measured (`YYYY-MM-DD`).
    pub baseline_on: Option<String>,
    /// Where it comes from (统计年报, 检测报告 …).
    #[schema(max_length = 200)]
    pub baseline_source: Option<String>,
}

impl From<BaselineInput> for registration::BaselineInput {
    fn from(b: BaselineInput) -> Self {
        Self {
            position: b.position,
            baseline: b.baseline,
            baseline_unit: b.baseline_unit,
            baseline_on: b.baseline_on,
            baseline_source: b.baseline_source,
        }
    }
}

/// A project to register.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// 项目编号.
    #[schema(min_length = 1, max_length = 60, pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*$")]
    pub code: String,
    /// Title.
    #[schema(min_length = 1, max_length = 300, pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*$")]
    pub title: String,
    /// The direction it was approved under (from `GET /api/v1/guides/{id}`).
    pub direction_id: i64,
    /// 承担单位, by its registered name.
    pub lead_institution: String,
    /// 合作单位.
    #[serde(default)]
    pub partners: Vec<PartnerInput>,
    /// The PI's login e-mail (an account with the PI role).
    pub pi_email: String,
    /// Members' login e-mails.
    #[serde(default)]
    pub member_emails: Vec<String>,
    /// The officer in charge (项目主管): a commission staff member's login e-mail. Without one,
    /// officer reminders go to every staff member.
    #[serde(default)]
    #[schema(max_length = 254)]
    pub officer_email: Option<String>,
    /// Awarded funding in 万元; not above the direction's cap.
    #[schema(minimum = 0)]
    pub funding_wan_yuan: f64,
    /// The execution period; the direction's when absent.
    #[schema(value_type = Option<Object>)]
    pub execution: Option<Period>,
    /// Registered technology-contract number.
    #[schema(max_length = 200, pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*$")]
    pub contract_number: Option<String>,
    /// Recommendation-letter reference.
    #[schema(max_length = 200, pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*$")]
    pub recommendation_ref: Option<String>,
    /// Baselines of the direction's relative indicators, each whole; optional, as a baseline can
    /// also be recorded later, before the indicator's first evidence. A problem is named by its
    /// path, `baselines[0].baseline_unit`.
    #[serde(default)]
    pub baselines: Vec<BaselineInput>,
}

impl From<NewProject> for registration::NewProject {
    fn from(p: NewProject) -> Self {
        Self {
            code: p.code,
            title: p.title,
            direction_id: p.direction_id,
            lead_institution: p.lead_institution,
            partners: p.partners.into_iter().map(Into::into).collect(),
            pi_email: p.pi_email,
            member_emails: p.member_emails,
            officer_email: p.officer_email,
            funding_wan_yuan: p.funding_wan_yuan,
            execution: p.execution,
            contract_number: p.contract_number,
            recommendation_ref: p.recommendation_ref,
            baselines: p.baselines.into_iter().map(Into::into).collect(),
        }
    }
}
