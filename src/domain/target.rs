//! A project indicator's target as the planner and the status engine see it, and the verified
//! observations logged against it.
//!
//! A [`Target`] is an [`Indicator`] copied into a project and
//! completed with what the guide does not say: how evidence values aggregate, the baseline of a relative
//! target, the indicator's weight and class for acceptance readiness.
//!
//! Units drive three defaults, all of which staff can override per indicator:
//!
//! | unit kind ([`UnitKind`]) | examples | aggregation | `between` means | plan rounding |
//! | --- | --- | --- | --- | --- |
//! | occurrence | 人次 次 场 期 届 例 课时 | [`Aggregation::Sum`] | [`RangeKind::Count`] | whole numbers |
//! | item | 人 名 个 种 套 项 篇 件 株 | [`Aggregation::Latest`] | [`RangeKind::Count`] | whole numbers |
//! | area | 亩 m² 公顷 | [`Aggregation::Latest`] | [`RangeKind::Count`] | 亩, m²: whole; 公顷 …: 0.01 |
//! | measure (everything else, or no unit) | % pH ℃ h kW 吨 倍 | [`Aggregation::Latest`] | [`RangeKind::Range`] | none |
//!
//! Why occurrences sum and items do not: Chinese statistics keep 人次 (attendances) apart from 人
//! (distinct people) precisely because only attendances add up across sessions; the same holds for 家次
//! against 家 and 项次 against 项. Evidence for an occurrence is one session or event, so a running
//! total is the sum. Evidence for an item or an area is a count "to date" (papers published so far, area
//! planted so far: DESIGN.md's own example of `latest`), so summing two reports would count the same
//! paper or field twice.

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::domain::guide::model::{Change, Indicator, Op};

/// How verified evidence values combine into the indicator's current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregation {
    /// Values accumulate: the current value is the total of all observations (40人次 of training over
    /// many sessions).
    Sum,
    /// Values replace each other: the current value is the most recent observation (an accuracy, an area
    /// planted to date).
    Latest,
}

impl Aggregation {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "sum",
            Aggregation::Latest => "latest",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Aggregation> {
        [Aggregation::Sum, Aggregation::Latest].into_iter().find(|a| a.as_str() == s)
    }

    /// The default for a unit: [`Aggregation::Sum`] for occurrence units (人次 and its kin, see
    /// [`UnitKind::Occurrence`]), [`Aggregation::Latest`] for everything else (see the module docs for
    /// why items such as 人, 篇, 亩 are counts to date rather than sums).
    pub fn default_for(unit: Option<&str>) -> Aggregation {
        match UnitKind::of(unit) {
            UnitKind::Occurrence => Aggregation::Sum,
            UnitKind::Item | UnitKind::Area | UnitKind::Measure => Aggregation::Latest,
        }
    }
}

/// The three classes of 结题验收 indicators, weighted separately in acceptance readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorClass {
    /// 技术指标.
    Technical,
    /// 经济指标.
    Economic,
    /// 社会指标.
    Social,
}

impl IndicatorClass {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorClass::Technical => "technical",
            IndicatorClass::Economic => "economic",
            IndicatorClass::Social => "social",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<IndicatorClass> {
        [IndicatorClass::Technical, IndicatorClass::Economic, IndicatorClass::Social]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// What a `between` target asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RangeKind {
    /// A count range (3-5种): reaching `min` meets it; exceeding `max` is no failure.
    Count,
    /// A physical operating range (pH 2-13, 20-60℃): the reported range `[value, value_max]` must cover
    /// `[min, max]`.
    Range,
}

impl RangeKind {
    /// The kind for a unit: counting units (occurrences, items, areas) give [`RangeKind::Count`]; physical
    /// measures and a missing unit give [`RangeKind::Range`], because Chinese always counts with a
    /// classifier, so a bare number is a measurement.
    pub fn for_unit(unit: Option<&str>) -> RangeKind {
        if UnitKind::of(unit).is_counting() { RangeKind::Count } else { RangeKind::Range }
    }
}

/// What a unit counts or measures; decides the defaults listed in the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitKind {
    /// Occurrences that add up across evidence: 人次, 次, 场, 期, 例, 课时 ….
    Occurrence,
    /// Discrete things counted to date: 人, 名, 个, 种, 套, 项, 篇, 件, 株 ….
    Item,
    /// An area covered to date: 亩, m², 公顷 ….
    Area,
    /// Any other unit, or none: a physical or relative measurement.
    Measure,
}

/// Occurrence units: each piece of evidence is one event, so values add up.
const OCCURRENCE_UNITS: &[&str] =
    &["人次", "次", "项次", "家次", "批次", "场", "期", "轮", "届", "例", "人天", "人日", "课时", "学时"];

/// Counting classifiers of discrete things (the counting units of the guide parser's unit table).
const ITEM_UNITS: &[&str] = &[
    "人", "名", "位", "个", "种", "套", "台套", "台", "条", "项", "件", "篇", "本", "册", "部", "份", "家", "所", "座",
    "处", "款", "门", "株", "棵", "头", "只", "羽", "尾", "粒", "张", "户", "村", "县", "辆", "艘", "架", "颗", "块",
    "根", "栋", "间", "道", "组", "对", "床", "口", "支", "节", "批",
];

/// Area units planned in whole units.
const WHOLE_AREA_UNITS: &[&str] = &["亩", "m²"];

/// Area units large enough that plans keep two decimals.
const FINE_AREA_UNITS: &[&str] = &["公顷", "平方公里", "平方千米", "km²"];

impl UnitKind {
    /// Classifies a canonical unit (as the guide parser writes it); surrounding white space is ignored.
    pub fn of(unit: Option<&str>) -> UnitKind {
        let Some(unit) = unit.map(str::trim) else { return UnitKind::Measure };
        if OCCURRENCE_UNITS.contains(&unit) {
            UnitKind::Occurrence
        } else if ITEM_UNITS.contains(&unit) {
            UnitKind::Item
        } else if WHOLE_AREA_UNITS.contains(&unit) || FINE_AREA_UNITS.contains(&unit) {
            UnitKind::Area
        } else {
            UnitKind::Measure
        }
    }

    /// Whether the unit counts something that grows over the project (occurrences, items, areas), as
    /// opposed to measuring a level.
    pub fn is_counting(self) -> bool {
        !matches!(self, UnitKind::Measure)
    }
}

/// The step planned values of a unit are rounded to: 1 for counts and for 亩 and m², 0.01 for larger
/// area units, `None` (no rounding) for measures.
pub fn granularity(unit: Option<&str>) -> Option<f64> {
    match UnitKind::of(unit) {
        UnitKind::Occurrence | UnitKind::Item => Some(1.0),
        UnitKind::Area if unit.is_some_and(|u| FINE_AREA_UNITS.contains(&u.trim())) => Some(0.01),
        UnitKind::Area => Some(1.0),
        UnitKind::Measure => None,
    }
}

/// A project indicator's target.
///
/// For a relative target (`change` set) `value` is the change in % to achieve and the comparison `op`
/// applies to the achieved change, computed from `baseline` and the current value. Evidence on a
/// relative target is the measured quantity itself, in the baseline's unit (吨, 元, 小时 …), never the
/// percentage: the change is always computed, never typed (see [`Target::reported_unit`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The comparison.
    pub op: Op,
    /// The target number; absent for ranges and deliverables.
    pub value: Option<f64>,
    /// Lower end of a `between` range.
    pub min: Option<f64>,
    /// Upper end of a `between` range.
    pub max: Option<f64>,
    /// Canonical unit.
    pub unit: Option<String>,
    /// Set when the target is a change against `baseline`.
    pub change: Option<Change>,
    /// The value measured when the project started (needed for a relative target).
    pub baseline: Option<f64>,
    /// The unit of a relative target's measured quantity: the baseline's, and the one evidence is
    /// reported in. A baseline without it is not usable (an older row whose unit nobody confirmed).
    #[serde(default)]
    pub baseline_unit: Option<String>,
    /// When the baseline was measured.
    #[serde(default)]
    pub baseline_on: Option<NaiveDate>,
    /// Where the baseline comes from (统计年报, 检测报告 …).
    #[serde(default)]
    pub baseline_source: Option<String>,
    /// How evidence values combine.
    pub aggregation: Aggregation,
    /// The indicator's weight within its class for acceptance readiness.
    pub weight: f64,
    /// The indicator's class for acceptance readiness.
    pub class: IndicatorClass,
}

impl Target {
    /// A target copied from a guide indicator, with the defaults staff start from: aggregation from the
    /// unit, no baseline, weight 1, class technical.
    pub fn from_indicator(indicator: &Indicator) -> Target {
        Target {
            op: indicator.op,
            value: indicator.value,
            min: indicator.min,
            max: indicator.max,
            unit: indicator.unit.clone(),
            change: indicator.change,
            baseline: None,
            baseline_unit: None,
            baseline_on: None,
            baseline_source: None,
            aggregation: Aggregation::default_for(indicator.unit.as_deref()),
            weight: 1.0,
            class: IndicatorClass::Technical,
        }
    }

    /// What `between` means for this target. A relative change is one number, so a range of changes
    /// (提升10-20%) is met by reaching its lower end, like a count.
    pub fn range_kind(&self) -> RangeKind {
        if self.change.is_some() { RangeKind::Count } else { RangeKind::for_unit(self.unit.as_deref()) }
    }

    /// The unit's kind.
    pub fn unit_kind(&self) -> UnitKind {
        UnitKind::of(self.unit.as_deref())
    }

    /// Whether lower values are better (`<=`, `<`).
    pub fn lower_is_better(&self) -> bool {
        matches!(self.op, Op::Le | Op::Lt)
    }

    /// The number a quantitative target's value is compared with: `value`, or `min` for a count range;
    /// `None` for a physical range, a deliverable, or a missing or non-finite number.
    pub fn goal(&self) -> Option<f64> {
        let goal = match self.op {
            Op::Deliverable => None,
            Op::Between => match self.range_kind() {
                RangeKind::Count => self.min,
                RangeKind::Range => None,
            },
            Op::Ge | Op::Gt | Op::Le | Op::Lt | Op::Eq => self.value,
        };
        goal.filter(|g| g.is_finite())
    }

    /// The usable baseline of a relative target: finite and not zero (a change against zero is
    /// undefined), and with the unit of its quantity, without which neither the PI nor a reader knows
    /// what the numbers count.
    pub fn usable_baseline(&self) -> Option<f64> {
        if self.change.is_some() && self.baseline_unit.is_none() {
            return None;
        }
        self.baseline.filter(|b| b.is_finite() && *b != 0.0)
    }

    /// The unit evidence values are reported in: for a relative target its measured quantity's (the
    /// baseline's unit; `None` until staff record it), otherwise the target's own.
    pub fn reported_unit(&self) -> Option<&str> {
        match self.change {
            Some(_) => self.baseline_unit.as_deref(),
            None => self.unit.as_deref(),
        }
    }
}

/// The relative tolerance of an `=` target: a value within 0.1% of the target meets it, so that a
/// measurement reported to a sensible precision (3.0 套, 7.00 pH) is not failed by rounding.
pub const EQ_TOLERANCE: f64 = 1e-3;

/// The relative slack of non-strict comparisons, which only absorbs floating-point noise (a sum of
/// 0.7 + 0.1 + 0.1 + 0.1 is 0.9999999999999999, and must reach 1).
const NOISE: f64 = 1e-9;

/// The absolute slack around `b` for non-strict comparisons.
fn noise(b: f64) -> f64 {
    NOISE * b.abs().max(1.0)
}

/// Whether `value` meets `goal` under a numeric comparison (`>=`, `>`, `<=`, `<`, `=`). `between` and
/// `deliverable` are not numeric comparisons and never meet here; any NaN never meets.
pub fn meets(op: Op, value: f64, goal: f64) -> bool {
    match op {
        Op::Ge => value >= goal - noise(goal),
        Op::Gt => value > goal,
        Op::Le => value <= goal + noise(goal),
        Op::Lt => value < goal,
        Op::Eq => (value - goal).abs() <= (EQ_TOLERANCE * goal.abs()).max(noise(goal)),
        Op::Between | Op::Deliverable => false,
    }
}

/// Whether a planned value reaches a target's goal in the target's direction: at least the goal for
/// higher-is-better targets and count ranges, at most for lower-is-better ones, within the tolerance
/// for `=`. The strictness of `>` and `<` is left to the comparison with the evidence.
pub fn reaches(target: &Target, planned: f64, goal: f64) -> bool {
    match target.op {
        Op::Ge | Op::Gt | Op::Between => meets(Op::Ge, planned, goal),
        Op::Le | Op::Lt => meets(Op::Le, planned, goal),
        Op::Eq => meets(Op::Eq, planned, goal),
        Op::Deliverable => true,
    }
}

/// One piece of verified evidence (reviewed and accepted by staff); unreviewed reports never reach the
/// engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// When the value was measured or the event took place (not when it was logged or reviewed).
    pub measured_on: NaiveDate,
    /// The value; for a range, its lower end. `None` for a deliverable's report.
    pub value: Option<f64>,
    /// The upper end of a reported range (pH 2-13); `None` for a single value.
    pub value_max: Option<f64>,
    /// For a deliverable: whether it was delivered.
    pub done: bool,
}

impl Observation {
    /// A single verified value measured on a date.
    pub fn value(measured_on: NaiveDate, value: f64) -> Observation {
        Observation { measured_on, value: Some(value), value_max: None, done: false }
    }

    /// A verified range `[low, high]` measured on a date.
    pub fn range(measured_on: NaiveDate, low: f64, high: f64) -> Observation {
        Observation { measured_on, value: Some(low), value_max: Some(high), done: false }
    }

    /// A deliverable's verified report: delivered (`done`) or progress only.
    pub fn deliverable(measured_on: NaiveDate, done: bool) -> Observation {
        Observation { measured_on, value: None, value_max: None, done }
    }
}

/// A value at the precision people read it, two decimals at most, so that an export carries the
/// figure the page shows (`9.19`, never `9.19186046511628`); never -0.
pub fn rounded(value: f64) -> f64 {
    (value * 100.0).round() / 100.0 + 0.0
}

/// A number as people write it: no trailing zeros, at most two decimals.
pub fn number(value: f64) -> String {
    let rounded = rounded(value);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 { format!("{}", rounded as i64) } else { format!("{rounded}") }
}

/// A change against a baseline at the precision people read it, one decimal: the number an export
/// carries is then the one the page, the mail and the report write. A change that rounds to nothing
/// is 0, never -0.
pub fn change_rounded(change: f64) -> f64 {
    (change * 10.0).round() / 10.0 + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_aggregation_per_unit() {
        let table: &[(Option<&str>, Aggregation)] = &[
            (Some("人次"), Aggregation::Sum),
            (Some("场"), Aggregation::Sum),
            (Some("期"), Aggregation::Sum),
            (Some("家次"), Aggregation::Sum),
            (Some("课时"), Aggregation::Sum),
            (Some(" 人次 "), Aggregation::Sum),
            (Some("人"), Aggregation::Latest),
            (Some("名"), Aggregation::Latest),
            (Some("亩"), Aggregation::Latest),
            (Some("株"), Aggregation::Latest),
            (Some("篇"), Aggregation::Latest),
            (Some("项"), Aggregation::Latest),
            (Some("件"), Aggregation::Latest),
            (Some("%"), Aggregation::Latest),
            (Some("℃"), Aggregation::Latest),
            (Some(""), Aggregation::Latest),
            (None, Aggregation::Latest),
        ];
        for (unit, expected) in table {
            assert_eq!(Aggregation::default_for(*unit), *expected, "{unit:?}");
        }
    }

    #[test]
    fn range_kind_per_unit() {
        let table: &[(Option<&str>, RangeKind)] = &[
            (Some("种"), RangeKind::Count),
            (Some("个"), RangeKind::Count),
            (Some("门"), RangeKind::Count),
            (Some("人次"), RangeKind::Count),
            (Some("亩"), RangeKind::Count),
            (Some("pH"), RangeKind::Range),
            (Some("℃"), RangeKind::Range),
            (Some("%"), RangeKind::Range),
            (Some("mg/L"), RangeKind::Range),
            (Some("h"), RangeKind::Range),
            (None, RangeKind::Range),
        ];
        for (unit, expected) in table {
            assert_eq!(RangeKind::for_unit(*unit), *expected, "{unit:?}");
        }
    }

    #[test]
    fn granularity_per_unit() {
        let table: &[(Option<&str>, Option<f64>)] = &[
            (Some("人次"), Some(1.0)),
            (Some("篇"), Some(1.0)),
            (Some("亩"), Some(1.0)),
            (Some("m²"), Some(1.0)),
            (Some("公顷"), Some(0.01)),
            (Some("%"), None),
            (None, None),
        ];
        for (unit, expected) in table {
            assert_eq!(granularity(*unit), *expected, "{unit:?}");
        }
    }

    #[test]
    fn numeric_comparisons() {
        let table: &[(Op, f64, f64, bool)] = &[
            (Op::Ge, 95.0, 95.0, true),
            (Op::Ge, 94.99, 95.0, false),
            (Op::Ge, 0.7 + 0.1 + 0.1 + 0.1, 1.0, true),
            (Op::Gt, 30.0, 30.0, false),
            (Op::Gt, 30.01, 30.0, true),
            (Op::Le, 0.5, 0.5, true),
            (Op::Le, 0.51, 0.5, false),
            (Op::Lt, 200.0, 200.0, false),
            (Op::Lt, 199.0, 200.0, true),
            (Op::Eq, 3.0, 3.0, true),
            (Op::Eq, 3.002, 3.0, true),
            (Op::Eq, 3.004, 3.0, false),
            (Op::Eq, 2.996, 3.0, false),
            (Op::Eq, 0.0, 0.0, true),
            (Op::Eq, 1e-6, 0.0, false),
            (Op::Between, 4.0, 3.0, false),
            (Op::Deliverable, 1.0, 1.0, false),
            (Op::Ge, f64::NAN, 1.0, false),
            (Op::Ge, 1.0, f64::NAN, false),
            (Op::Le, f64::NAN, 1.0, false),
            (Op::Eq, f64::NAN, f64::NAN, false),
            (Op::Ge, f64::INFINITY, 1.0, true),
            (Op::Ge, 1.0, f64::INFINITY, false),
        ];
        for &(op, value, goal, expected) in table {
            assert_eq!(meets(op, value, goal), expected, "{value} {} {goal}", op.as_str());
        }
    }

    #[test]
    fn a_relative_range_is_a_count_range() {
        let mut target = Target::from_indicator(&Indicator {
            metric: "产量".into(),
            op: Op::Between,
            value: None,
            min: Some(10.0),
            max: Some(20.0),
            unit: Some("%".into()),
            change: None,
            condition: None,
            source: "产量10-20%".into(),
            confidence: 1.0,
        });
        assert_eq!(target.range_kind(), RangeKind::Range);
        assert_eq!(target.goal(), None);
        target.change = Some(Change::Increase);
        assert_eq!(target.range_kind(), RangeKind::Count);
        assert_eq!(target.goal(), Some(10.0));
    }

    #[test]
    fn from_indicator_takes_the_unit_default() {
        let target = Target::from_indicator(&Indicator {
            metric: "培训".into(),
            op: Op::Ge,
            value: Some(40.0),
            min: None,
            max: None,
            unit: Some("人次".into()),
            change: None,
            condition: None,
            source: "培训不少于40人次".into(),
            confidence: 1.0,
        });
        assert_eq!(target.aggregation, Aggregation::Sum);
        assert_eq!(target.weight, 1.0);
        assert_eq!(target.class, IndicatorClass::Technical);
        assert_eq!(target.goal(), Some(40.0));
    }

    #[test]
    fn a_change_is_rounded_one_way() {
        // 112 吨 against 100 吨 computes as 12.000000000000002: the export carries what the page says.
        let change = (112.0 - 100.0) / 100.0 * 100.0;
        assert_eq!(change_rounded(change), 12.0);
        assert_eq!(change_rounded(-4.04), -4.0);
        assert!(change_rounded(-0.04).is_sign_positive(), "never -0.0");
    }

    #[test]
    fn usable_baseline_rejects_zero_and_non_finite() {
        let mut target = Target::from_indicator(&Indicator {
            metric: "产量".into(),
            op: Op::Ge,
            value: Some(10.0),
            min: None,
            max: None,
            unit: Some("%".into()),
            change: Some(Change::Increase),
            condition: None,
            source: "产量提升10%以上".into(),
            confidence: 1.0,
        });
        target.baseline_unit = Some("吨".into());
        for (baseline, usable) in [
            (None, None),
            (Some(0.0), None),
            (Some(f64::NAN), None),
            (Some(f64::INFINITY), None),
            (Some(5.0), Some(5.0)),
        ] {
            target.baseline = baseline;
            assert_eq!(target.usable_baseline(), usable, "{baseline:?}");
        }
        // A baseline whose unit nobody recorded says nothing about what the evidence counts.
        target.baseline_unit = None;
        assert_eq!(target.usable_baseline(), None);
        assert_eq!(target.reported_unit(), None, "a relative target is never reported in %");
        target.baseline_unit = Some("吨".into());
        assert_eq!(target.reported_unit(), Some("吨"));
    }
}
