//! What parsing a call guide yields. The serialised form is the JSON contract of
//! `coop-tracker guide parse --json` (see `tests/fixtures/guides/CONTRACT.md`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// How an indicator's target is compared with what a project achieves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// At least (不低于, 不少于, 以上, a bare amount).
    #[serde(rename = ">=")]
    Ge,
    /// More than (大于, 超过, 高于).
    #[serde(rename = ">")]
    Gt,
    /// At most (不超过, 不高于, 以下, 以内).
    #[serde(rename = "<=")]
    Le,
    /// Less than (低于, 小于, 少于).
    #[serde(rename = "<")]
    Lt,
    /// Exactly.
    #[serde(rename = "=")]
    Eq,
    /// A range `min`..`max` (3-5种, pH2-13).
    #[serde(rename = "between")]
    Between,
    /// Something to produce, with no number (a technology, a platform, a report).
    #[serde(rename = "deliverable")]
    Deliverable,
}

impl Op {
    /// The symbol as written in the JSON and stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "=",
            Op::Between => "between",
            Op::Deliverable => "deliverable",
        }
    }

    /// Parses the stored symbol.
    pub fn parse(s: &str) -> Option<Op> {
        [Op::Ge, Op::Gt, Op::Le, Op::Lt, Op::Eq, Op::Between, Op::Deliverable].into_iter().find(|op| op.as_str() == s)
    }
}

/// A target relative to a baseline measured at the start of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// 提升, 提高, 增加, 延长 … by the value.
    Increase,
    /// 降低, 减少, 下降, 缩短 … by the value.
    Decrease,
}

impl Change {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Increase => "increase",
            Change::Decrease => "decrease",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Change> {
        match s {
            "increase" => Some(Change::Increase),
            "decrease" => Some(Change::Decrease),
            _ => None,
        }
    }
}

/// One measurable target (or deliverable) of a direction's 考核指标.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// What is measured, in the guide's words.
    pub metric: String,
    /// The comparison.
    pub op: Op,
    /// The target number (multipliers 万/亿 folded in); absent for ranges and deliverables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Lower end of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper end of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Canonical unit (`%`, `h`, `m²`, `亩`, `人次` …); `None` (JSON `null`) when the text gives none.
    #[serde(default)]
    pub unit: Option<String>,
    /// Set when the target is a change against a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// The test condition that qualifies the target (镁锂比大于50体系).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The exact text the indicator was read from.
    pub source: String,
    /// How sure the parser is, from 0 to 1; staff review anything below [`LOW_CONFIDENCE`].
    pub confidence: f64,
}

impl Indicator {
    /// A deliverable: something to produce, with no number.
    pub fn deliverable(metric: String, source: String, confidence: f64) -> Indicator {
        Indicator {
            metric,
            op: Op::Deliverable,
            value: None,
            min: None,
            max: None,
            unit: None,
            change: None,
            condition: None,
            source,
            confidence,
        }
    }
}

/// Parses below this confidence are highlighted for review.
pub const LOW_CONFIDENCE: f64 = 0.7;

/// A date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// When applications are accepted: the instants the guide names in Beijing time, kept with that
/// offset so that the parse shows them as the guide wrote them (`2024-11-14T09:00:00+08:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Opening time.
    pub opens: DateTime<FixedOffset>,
    /// Closing time.
    pub closes: DateTime<FixedOffset>,
}

/// A direction (方向) of a topic; a topic without directions gets one with `number: None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Direction {
    /// 方向N, or `None` for a topic's only, unnumbered direction.
    pub number: Option<u32>,
    /// Title.
    pub title: String,
    /// 执行期限.
    pub execution: Option<Period>,
    /// 经费额度: the cap per project, in 万元.
    pub funding_cap_wan_yuan: Option<f64>,
    /// How many projects the direction supports at most.
    pub max_projects: Option<u32>,
    /// 申报主体要求, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_requirement: Option<String>,
    /// The annex holding the recommendation letter the applicant must provide (附件2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation_letter: Option<String>,
    /// 研究目标.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub research_goal: Option<String>,
    /// 研究内容.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub research_content: Option<String>,
    /// The 考核指标 text the indicators were read from.
    pub indicators_text: String,
    /// The line of the guide where the direction starts (1-based).
    pub line: usize,
    /// The targets.
    pub indicators: Vec<Indicator>,
}

/// How messages name a direction: 专题1方向2, or 专题2 for a topic's only direction.
pub fn direction_name(topic: u32, direction: Option<u32>) -> String {
    match direction {
        Some(n) => format!("专题{topic}方向{n}"),
        None => format!("专题{topic}"),
    }
}

/// A topic (专题).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// 专题N.
    pub number: u32,
    /// Title.
    pub title: String,
    /// The line of the guide where the topic starts (1-based).
    pub line: usize,
    /// Its directions, in order.
    pub directions: Vec<Direction>,
}

/// A cooperation region and its fields, from the annex table (附件1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CooperationRegion {
    /// The topic the table row belongs to.
    pub topic: Option<u32>,
    /// Region name (新疆维吾尔自治区).
    pub region: String,
    /// Fields of cooperation (特色农牧业, 绿色低碳).
    pub fields: Vec<String>,
}

/// A paired-assistance region (对口地区), with the counties named for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedRegion {
    /// Region name (新疆维吾尔自治区喀什四县).
    pub region: String,
    /// What the parentheses list (叶城县, 莎车县 …), if anything.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
}

/// What the validation of a guide found: a reason it cannot be stored, or something staff must
/// check. The page preview, the API (dry run and import) and the command line all read this one
/// list, so they report the same things at the same lines. Each is a catalogue key; `direction`,
/// `text` and `found` fill its `{name}`, `{text}` and `{found}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// The bytes are not UTF-8.
    NotUtf8,
    /// No 沪科指南〔2024〕42号-style number.
    NoDocNumber,
    /// No 专题 heading.
    NoTopics,
    /// A direction without 执行期限.
    NoExecution {
        /// 专题1方向2.
        direction: String,
    },
    /// A 执行期限 whose dates cannot be read (2025年2月30日, or the end before the start).
    BadExecution {
        /// 专题1方向2.
        direction: String,
        /// The 执行期限 as written.
        text: String,
    },
    /// A direction with no labelled field at all.
    NoFields {
        /// 专题1方向2.
        direction: String,
    },
    /// 经费额度 is written but names no amount.
    NoFundingCap {
        /// 专题1方向2.
        direction: String,
    },
    /// A direction from whose 考核指标 nothing was read (or that has none).
    NoIndicators {
        /// 专题1方向2.
        direction: String,
    },
    /// Words of a 考核指标 that became neither an indicator nor a deliverable.
    Unread {
        /// 专题1方向2.
        direction: String,
        /// The words.
        text: String,
    },
    /// A 考核指标 number written with a letter where a digit belongs (I个, l项, O篇): not read as an
    /// indicator, since the digit would be a guess.
    LetterForDigit {
        /// 专题1方向2.
        direction: String,
        /// The words it is in.
        text: String,
        /// The number and its unit as written (I个).
        found: String,
    },
}

impl Problem {
    /// Whether the guide cannot be stored with it: a guide needs a document number (its
    /// identity), a topic, and execution dates for every direction (milestones are planned from
    /// them). Everything else is a warning.
    pub fn blocks_import(&self) -> bool {
        matches!(
            self,
            Problem::NotUtf8
                | Problem::NoDocNumber
                | Problem::NoTopics
                | Problem::NoExecution { .. }
                | Problem::BadExecution { .. }
        )
    }

    /// The catalogue key of the message.
    pub fn message_key(&self) -> &'static str {
        match self {
            Problem::NotUtf8 => "guide.not_utf8",
            Problem::NoDocNumber => "guide.no_doc_number",
            Problem::NoTopics => "guide.no_topics",
            Problem::NoExecution { .. } => "guide.no_execution",
            Problem::BadExecution { .. } => "guide.bad_execution",
            Problem::NoFields { .. } => "guide.no_fields",
            Problem::NoFundingCap { .. } => "guide.no_funding_cap",
            Problem::NoIndicators { .. } => "guide.no_indicators_read",
            Problem::Unread { .. } => "guide.unread",
            Problem::LetterForDigit { .. } => "guide.letter_for_digit",
        }
    }

    /// The stable code API clients see, as in the serialised form.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NotUtf8 => "not_utf8",
            Problem::NoDocNumber => "no_doc_number",
            Problem::NoTopics => "no_topics",
            Problem::NoExecution { .. } => "no_execution",
            Problem::BadExecution { .. } => "bad_execution",
            Problem::NoFields { .. } => "no_fields",
            Problem::NoFundingCap { .. } => "no_funding_cap",
            Problem::NoIndicators { .. } => "no_indicators",
            Problem::Unread { .. } => "unread",
            Problem::LetterForDigit { .. } => "letter_for_digit",
        }
    }

    /// The direction the message names, or "".
    pub fn name(&self) -> &str {
        match self {
            Problem::NotUtf8 | Problem::NoDocNumber | Problem::NoTopics => "",
            Problem::NoExecution { direction }
            | Problem::BadExecution { direction, .. }
            | Problem::NoFields { direction }
            | Problem::NoFundingCap { direction }
            | Problem::NoIndicators { direction }
            | Problem::Unread { direction, .. }
            | Problem::LetterForDigit { direction, .. } => direction,
        }
    }

    /// The guide's words the message quotes, or "".
    pub fn text(&self) -> &str {
        match self {
            Problem::BadExecution { text, .. }
            | Problem::Unread { text, .. }
            | Problem::LetterForDigit { text, .. } => text,
            _ => "",
        }
    }

    /// The suspicious characters the message names, or "".
    pub fn found(&self) -> &str {
        match self {
            Problem::LetterForDigit { found, .. } => found,
            _ => "",
        }
    }
}

/// A [`Problem`] at a line of the guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// 1-based line of the guide.
    pub line: usize,
    /// What was found.
    #[serde(flatten)]
    pub problem: Problem,
}

/// A parsed call guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guide {
    /// 沪科指南〔2024〕42号, without white space.
    pub doc_number: Option<String>,
    /// The notice's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The signing date.
    pub issued_on: Option<NaiveDate>,
    /// The application window.
    pub application_window: Option<Window>,
    /// Topics in order.
    pub topics: Vec<Topic>,
    /// 附件1's regions and fields.
    pub cooperation_regions: Vec<CooperationRegion>,
    /// 对口地区.
    pub paired_regions: Vec<PairedRegion>,
    /// What the validation found, in line order: reasons it cannot be stored and warnings.
    pub warnings: Vec<Warning>,
}

/// Why an indicator (typically one corrected by staff) is not a usable target; each is a
/// catalogue key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorProblem {
    /// No metric text.
    MetricMissing,
    /// A comparison without a value.
    ValueMissing,
    /// A range without both ends, or with the ends the wrong way round.
    RangeInvalid,
    /// A number that is not finite.
    NotFinite,
    /// A deliverable with a number, unit or change.
    DeliverableWithNumber,
    /// A unit longer than any real one.
    UnitTooLong,
}

impl IndicatorProblem {
    /// The catalogue key of the message.
    pub fn message_key(self) -> &'static str {
        match self {
            IndicatorProblem::MetricMissing => "indicator.metric_missing",
            IndicatorProblem::ValueMissing => "indicator.value_missing",
            IndicatorProblem::RangeInvalid => "indicator.range_invalid",
            IndicatorProblem::NotFinite => "indicator.not_finite",
            IndicatorProblem::DeliverableWithNumber => "indicator.deliverable_with_number",
            IndicatorProblem::UnitTooLong => "indicator.unit_too_long",
        }
    }
}

impl Indicator {
    /// Checks that the fields agree with the operator, as the database's CHECK constraints demand.
    pub fn check(&self) -> Result<(), IndicatorProblem> {
        if self.metric.trim().is_empty() {
            return Err(IndicatorProblem::MetricMissing);
        }
        if [self.value, self.min, self.max].iter().flatten().any(|v| !v.is_finite()) {
            return Err(IndicatorProblem::NotFinite);
        }
        if self.unit.as_ref().is_some_and(|u| u.chars().count() > 20) {
            return Err(IndicatorProblem::UnitTooLong);
        }
        match self.op {
            Op::Between => match (self.min, self.max) {
                (Some(min), Some(max)) if min <= max && self.value.is_none() => Ok(()),
                _ => Err(IndicatorProblem::RangeInvalid),
            },
            Op::Deliverable
                if self.value.is_some() || self.min.is_some() || self.max.is_some() || self.change.is_some() =>
            {
                Err(IndicatorProblem::DeliverableWithNumber)
            }
            Op::Deliverable => Ok(()),
            _ if self.value.is_none() => Err(IndicatorProblem::ValueMissing),
            _ if self.min.is_some() || self.max.is_some() => Err(IndicatorProblem::RangeInvalid),
            _ => Ok(()),
        }
    }
}
