//! What staff send to add or change an indicator, shared by the JSON API and the forms: a phrase from
//! the task book read by the guide's indicator parser, and explicit fields that override it. Turning
//! that into an [`IndicatorInput`] names every unusable field; the target rules themselves live in
//! [`crate::domain::target_check`].

use chrono::NaiveDate;

use crate::db::indicator::IndicatorInput;
use crate::domain::guide::model::{Change, Op};
use crate::domain::refusal::FieldError;
use crate::domain::target::{Aggregation, IndicatorClass, Target};

/// Changes to an indicator; every field is optional. Leaving a field out keeps it; `null` clears it.
/// Changing `op` clears the numbers the new comparison does not take unless they are sent too.
#[derive(Debug, Clone, Default)]
pub struct TargetChanges {
    /// A task-book phrase such as "培养技术人员不少于40人次", read by the indicator parser; only when
    /// adding. Explicit fields override what it yields.
    pub phrase: Option<String>,
    /// What is measured.
    pub metric: Option<String>,
    /// The test condition.
    pub condition: Option<Option<String>>,
    /// `>=`, `>`, `<=`, `<`, `=`, `between` or `deliverable`.
    pub op: Option<String>,
    /// The target number.
    pub value: Option<Option<f64>>,
    /// Lower end of a `between` range.
    pub min: Option<Option<f64>>,
    /// Upper end of a `between` range.
    pub max: Option<Option<f64>>,
    /// Unit; `%` for a relative change.
    pub unit: Option<Option<String>>,
    /// `increase` or `decrease` for a relative target.
    pub change: Option<Option<String>>,
    /// The value a relative change is measured from.
    pub baseline: Option<Option<f64>>,
    /// The unit of the measured quantity a relative change is computed from (吨, 元, 小时 …): the
    /// baseline's, and the one the PI reports evidence in.
    pub baseline_unit: Option<Option<String>>,
    /// When the baseline was measured (`YYYY-MM-DD`).
    pub baseline_on: Option<Option<String>>,
    /// Where the baseline comes from (统计年报, 检测报告 …).
    pub baseline_source: Option<Option<String>>,
    /// `sum` or `latest`.
    pub aggregation: Option<String>,
    /// Weight within the class, above 0.
    pub weight: Option<f64>,
    /// `technical`, `economic` or `social`.
    pub class: Option<String>,
    /// Why: required for a change once the project's baseline is frozen; kept with the revision.
    pub reason: Option<String>,
}

/// The starting point of an indicator added without a phrase: nothing filled in yet.
fn blank() -> (String, Option<String>, Target) {
    let target = Target {
        op: Op::Ge,
        value: None,
        min: None,
        max: None,
        unit: None,
        change: None,
        baseline: None,
        baseline_unit: None,
        baseline_on: None,
        baseline_source: None,
        aggregation: Aggregation::Latest,
        weight: 1.0,
        class: IndicatorClass::Technical,
    };
    (String::new(), None, target)
}

/// A target that is no longer relative keeps no baseline.
fn clear_baseline(t: &mut Target) {
    (t.baseline, t.baseline_unit, t.baseline_on, t.baseline_source) = (None, None, None, None);
}

impl TargetChanges {
    /// A new indicator: the phrase's parse (if any) with the explicit fields laid over it. Aggregation
    /// follows the unit unless given.
    pub fn new_indicator(&self) -> Result<IndicatorInput, Vec<FieldError>> {
        let (metric, condition, target) = match self.phrase.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => blank(),
            Some(phrase) => match crate::domain::guide::indicator::parse(phrase).into_iter().next() {
                Some(parsed) => (parsed.metric.clone(), parsed.condition.clone(), Target::from_indicator(&parsed)),
                None => {
                    return Err(vec![FieldError { field: "phrase", message: "indicator.phrase_unreadable" }]);
                }
            },
        };
        let mut input = self.apply(&metric, condition, &target)?;
        if self.aggregation.is_none() {
            input.target.aggregation = Aggregation::default_for(input.target.unit.as_deref());
        }
        Ok(input)
    }

    /// These changes applied to an existing indicator.
    pub fn apply(
        &self,
        metric: &str,
        condition: Option<String>,
        current: &Target,
    ) -> Result<IndicatorInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut t = current.clone();
        if let Some(op) = self.op.as_deref() {
            match Op::parse(op.trim()) {
                Some(op) if op != t.op => {
                    // Numbers the new comparison does not take go, unless sent along with it.
                    match op {
                        Op::Between => t.value = None,
                        Op::Deliverable => {
                            (t.value, t.min, t.max, t.change) = (None, None, None, None);
                            clear_baseline(&mut t);
                        }
                        Op::Ge | Op::Gt | Op::Le | Op::Lt | Op::Eq => (t.min, t.max) = (None, None),
                    }
                    t.op = op;
                }
                Some(_) => {}
                None => errors.push(FieldError { field: "op", message: "indicator.op_invalid" }),
            }
        }
        for (given, slot) in [(self.value, &mut t.value), (self.min, &mut t.min), (self.max, &mut t.max)] {
            if let Some(given) = given {
                *slot = given;
            }
        }
        if let Some(unit) = &self.unit {
            t.unit = unit.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned);
        }
        if let Some(change) = &self.change {
            match change.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                None => {
                    t.change = None;
                    clear_baseline(&mut t);
                }
                Some(name) => match Change::parse(name) {
                    Some(change) => t.change = Some(change),
                    None => errors.push(FieldError { field: "change", message: "indicator.change_invalid" }),
                },
            }
        }
        if let Some(baseline) = self.baseline {
            t.baseline = baseline;
        }
        let line = |text: &Option<String>| text.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned);
        if let Some(unit) = &self.baseline_unit {
            t.baseline_unit = line(unit);
        }
        if let Some(source) = &self.baseline_source {
            t.baseline_source = line(source);
        }
        if let Some(on) = &self.baseline_on {
            match line(on).map(|d| d.parse::<NaiveDate>()) {
                None => t.baseline_on = None,
                Some(Ok(date)) => t.baseline_on = Some(date),
                Some(Err(_)) => {
                    errors.push(FieldError { field: "baseline_on", message: "indicator.baseline_on_invalid" })
                }
            }
        }
        if let Some(name) = self.aggregation.as_deref() {
            match Aggregation::parse(name.trim()) {
                Some(aggregation) => t.aggregation = aggregation,
                None => errors.push(FieldError { field: "aggregation", message: "indicator.aggregation_invalid" }),
            }
        }
        if let Some(weight) = self.weight {
            t.weight = weight;
        }
        if let Some(name) = self.class.as_deref() {
            match IndicatorClass::parse(name.trim()) {
                Some(class) => t.class = class,
                None => errors.push(FieldError { field: "class", message: "indicator.class_invalid" }),
            }
        }
        if self.metric.as_deref().is_some_and(|m| m.trim().is_empty() || !crate::domain::text::is_line(m, 300)) {
            errors.push(FieldError { field: "metric", message: "error.text_invalid" });
        }
        if self
            .condition
            .as_ref()
            .is_some_and(|c| c.as_deref().is_some_and(|c| !crate::domain::text::is_paragraphs(c, 2000)))
        {
            errors.push(FieldError { field: "condition", message: "error.text_invalid" });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let condition = match &self.condition {
            Some(given) => given.clone(),
            None => condition,
        };
        Ok(IndicatorInput { metric: self.metric.clone().unwrap_or_else(|| metric.to_owned()), condition, target: t })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_fills_the_fields_and_explicit_fields_override_it() {
        let changes =
            TargetChanges { phrase: Some("培养技术人员不少于40人次".into()), ..Default::default() };
        let input = changes.new_indicator().unwrap();
        assert_eq!(
            (input.target.op, input.target.value, input.target.unit.as_deref(), input.target.aggregation),
            (Op::Ge, Some(40.0), Some("人次"), Aggregation::Sum)
        );
        assert!(input.metric.contains("技术人员"), "{}", input.metric);
        let overridden = TargetChanges { value: Some(Some(50.0)), class: Some("social".into()), ..changes };
        let input = overridden.new_indicator().unwrap();
        assert_eq!((input.target.value, input.target.class), (Some(50.0), IndicatorClass::Social));
    }

    #[test]
    fn changing_the_comparison_clears_numbers_it_does_not_take() {
        let (_, _, mut current) = blank();
        current.value = Some(5.0);
        let to_range = TargetChanges {
            op: Some("between".into()),
            min: Some(Some(3.0)),
            max: Some(Some(5.0)),
            ..Default::default()
        };
        let input = to_range.apply("种类", None, &current).unwrap();
        assert_eq!((input.target.value, input.target.min, input.target.max), (None, Some(3.0), Some(5.0)));
        let unknown = TargetChanges { op: Some("≈".into()), class: Some("cultural".into()), ..Default::default() };
        let fields: Vec<_> = unknown.apply("x", None, &current).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["op", "class"]);
    }
}
