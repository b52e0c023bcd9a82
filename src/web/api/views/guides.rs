//! A call guide as the API shows it: in lists, and stored with its topics, directions and indicator
//! templates; and what the validation of one found.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::app::guides;
use crate::domain::guide::model::Indicator;
use crate::i18n::guide_warning;

/// A guide in lists.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GuideSummary {
    /// Id.
    pub id: i64,
    /// 沪科指南〔2024〕42号.
    pub doc_number: String,
    /// The notice's title.
    pub title: String,
    /// Signing date.
    pub issued_on: Option<NaiveDate>,
    /// Applications open (stored in UTC; sent in Beijing time with its `+08:00`, as the guide states it).
    #[serde(serialize_with = "crate::domain::timestamp::beijing_option")]
    pub opens_at: Option<NaiveDateTime>,
    /// Applications close (stored in UTC; sent in Beijing time with its `+08:00`, as the guide states it).
    #[serde(serialize_with = "crate::domain::timestamp::beijing_option")]
    pub closes_at: Option<NaiveDateTime>,
    /// Last import (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<guides::GuideSummary> for GuideSummary {
    fn from(g: guides::GuideSummary) -> Self {
        Self {
            id: g.id,
            doc_number: g.doc_number,
            title: g.title,
            issued_on: g.issued_on,
            opens_at: g.opens_at,
            closes_at: g.closes_at,
            updated_at: g.updated_at,
        }
    }
}

/// A stored guide with everything under it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredGuide {
    /// The guide's own fields.
    #[serde(flatten)]
    pub summary: GuideSummary,
    /// Topics in order.
    pub topics: Vec<StoredTopic>,
}

impl From<guides::StoredGuide> for StoredGuide {
    fn from(g: guides::StoredGuide) -> Self {
        Self { summary: g.summary.into(), topics: g.topics.into_iter().map(StoredTopic::from).collect() }
    }
}

/// A stored topic.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredTopic {
    /// Id.
    pub id: i64,
    /// 专题N.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Directions in order.
    pub directions: Vec<StoredDirection>,
}

impl From<guides::StoredTopic> for StoredTopic {
    fn from(t: guides::StoredTopic) -> Self {
        Self {
            id: t.id,
            number: t.number,
            title: t.title,
            directions: t.directions.into_iter().map(StoredDirection::from).collect(),
        }
    }
}

/// A stored direction.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DirectionRow {
    /// Id.
    pub id: i64,
    /// Order within the topic, from 1.
    pub position: i32,
    /// 方向N, or none for a topic's only direction.
    pub number: Option<i32>,
    /// Title.
    pub title: String,
    /// 执行期限 start.
    pub execution_start: NaiveDate,
    /// 执行期限 end.
    pub execution_end: NaiveDate,
    /// Funding cap per project, in yuan.
    pub funding_cap_yuan: Option<i64>,
    /// Most projects supported.
    pub max_projects: Option<i32>,
    /// 申报主体要求.
    pub applicant_requirement: Option<String>,
    /// 研究目标.
    pub research_goal: Option<String>,
    /// 研究内容.
    pub research_content: Option<String>,
    /// The 考核指标 text.
    pub indicators_text: String,
    /// The recommendation letter's annex.
    pub recommendation_letter: Option<String>,
}

impl From<guides::DirectionRow> for DirectionRow {
    fn from(d: guides::DirectionRow) -> Self {
        Self {
            id: d.id,
            position: d.position,
            number: d.number,
            title: d.title,
            execution_start: d.execution_start,
            execution_end: d.execution_end,
            funding_cap_yuan: d.funding_cap_yuan,
            max_projects: d.max_projects,
            applicant_requirement: d.applicant_requirement,
            research_goal: d.research_goal,
            research_content: d.research_content,
            indicators_text: d.indicators_text,
            recommendation_letter: d.recommendation_letter,
        }
    }
}

/// A stored direction with its templates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredDirection {
    /// The direction.
    #[serde(flatten)]
    pub row: DirectionRow,
    /// Its indicator templates in order.
    pub indicators: Vec<StoredTemplate>,
}

impl From<guides::StoredDirection> for StoredDirection {
    fn from(d: guides::StoredDirection) -> Self {
        Self { row: d.row.into(), indicators: d.indicators.into_iter().map(StoredTemplate::from).collect() }
    }
}

/// A stored indicator template.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredTemplate {
    /// Id.
    pub id: i64,
    /// Order within the direction, from 1.
    pub position: i32,
    /// The target.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub indicator: Indicator,
}

impl From<guides::StoredTemplate> for StoredTemplate {
    fn from(t: guides::StoredTemplate) -> Self {
        Self { id: t.id, position: t.position, indicator: t.indicator }
    }
}

/// A warning as API clients and `guide parse --json` receive it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WarningView {
    /// 1-based line of the guide.
    pub line: usize,
    /// A stable code: `no_doc_number`, `bad_execution`, `unread` …
    pub code: &'static str,
    /// Whether the guide cannot be imported because of it.
    pub blocking: bool,
    /// The sentence, in the requested language.
    pub message: String,
}

impl From<guide_warning::WarningView> for WarningView {
    fn from(w: guide_warning::WarningView) -> Self {
        Self { line: w.line, code: w.code, blocking: w.blocking, message: w.message }
    }
}
