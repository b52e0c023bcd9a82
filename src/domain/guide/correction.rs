//! Staff corrections of parsed indicators, submitted as form fields named
//! `i-<topic>-<direction>-<indicator>-<field>` (indexes from 0 in the parse's order).
//!
//! The parse is recomputed from the source text on every step, so a correction form carries only
//! the source and the changed fields, and nothing half-edited is ever stored.

use std::collections::HashMap;

use super::model::{Change, Guide, Indicator, IndicatorProblem, Op};

/// The fields an indicator can be corrected in.
pub const FIELDS: [&str; 8] = ["metric", "op", "value", "min", "max", "unit", "change", "condition"];

/// The form name of one field of one indicator.
pub fn field_name(topic: usize, direction: usize, indicator: usize, field: &str) -> String {
    format!("i-{topic}-{direction}-{indicator}-{field}")
}

/// A correction that cannot be applied: the form field and the catalogue key of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionError {
    /// The form field, e.g. `i-0-3-1-value`.
    pub field: String,
    /// Catalogue key.
    pub message: &'static str,
}

/// Applies corrections in place; indicators marked `…-drop` are removed. Returns what could not
/// be applied (the indicator then keeps its parsed form).
pub fn apply(guide: &mut Guide, form: &HashMap<String, String>) -> Vec<CorrectionError> {
    let mut errors = Vec::new();
    for (t, topic) in guide.topics.iter_mut().enumerate() {
        for (d, direction) in topic.directions.iter_mut().enumerate() {
            let mut kept = Vec::with_capacity(direction.indicators.len());
            for (i, parsed) in direction.indicators.drain(..).enumerate() {
                let get = |field: &str| form.get(&field_name(t, d, i, field)).map(|v| v.trim());
                if get("drop").is_some() {
                    continue;
                }
                if FIELDS.iter().all(|f| get(f).is_none()) {
                    kept.push(parsed);
                    continue;
                }
                match corrected(&parsed, &get) {
                    Ok(indicator) => kept.push(indicator),
                    Err((field, message)) => {
                        errors.push(CorrectionError { field: field_name(t, d, i, field), message });
                        kept.push(parsed);
                    }
                }
            }
            direction.indicators = kept;
        }
    }
    errors
}

/// The indicator with the submitted fields; a field that was not submitted keeps its parsed value.
fn corrected<'a>(
    parsed: &Indicator,
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<Indicator, (&'static str, &'static str)> {
    let number = |field: &'static str, current: Option<f64>| -> Result<Option<f64>, (&'static str, &'static str)> {
        match get(field) {
            None => Ok(current),
            Some("") => Ok(None),
            Some(text) => text
                .replace([',', '，'], "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or((field, "indicator.not_a_number")),
        }
    };
    let text = |field: &str, current: &Option<String>| match get(field) {
        None => current.clone(),
        Some(v) => Some(v.to_owned()).filter(|v| !v.is_empty()),
    };
    let op = match get("op") {
        None => parsed.op,
        Some(symbol) => Op::parse(symbol).ok_or(("op", "indicator.op_invalid"))?,
    };
    let change = match get("change") {
        None => parsed.change,
        Some("") => None,
        Some(name) => Some(Change::parse(name).ok_or(("change", "indicator.change_invalid"))?),
    };
    let indicator = Indicator {
        metric: get("metric").map_or_else(|| parsed.metric.clone(), str::to_owned),
        op,
        value: number("value", parsed.value)?,
        min: number("min", parsed.min)?,
        max: number("max", parsed.max)?,
        unit: text("unit", &parsed.unit),
        change,
        condition: text("condition", &parsed.condition),
        source: parsed.source.clone(),
        // A person has looked at it.
        confidence: 1.0,
    };
    indicator.check().map_err(|problem| (field_of(problem), problem.message_key()))?;
    Ok(indicator)
}

/// The form field a problem is shown next to.
fn field_of(problem: IndicatorProblem) -> &'static str {
    match problem {
        IndicatorProblem::MetricMissing => "metric",
        IndicatorProblem::ValueMissing | IndicatorProblem::NotFinite | IndicatorProblem::DeliverableWithNumber => {
            "value"
        }
        IndicatorProblem::RangeInvalid => "min",
        IndicatorProblem::UnitTooLong => "unit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::parse;

    fn guide() -> Guide {
        let mut guide = parse(
            "沪科指南〔2025〕1号\n专题一、测试\n方向1. 第一\n考核指标：建立平台。\n执行期限：2025年1月1日至2026年12月31日。\n",
        );
        guide.topics[0].directions[0].indicators = vec![Indicator::deliverable("平台".into(), "建立平台".into(), 0.5)];
        guide
    }

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_correction_replaces_the_parsed_target_and_raises_confidence() {
        let mut g = guide();
        let errors = apply(&mut g, &form(&[("i-0-0-0-op", ">="), ("i-0-0-0-value", "3"), ("i-0-0-0-unit", "个")]));
        assert!(errors.is_empty(), "{errors:?}");
        let fixed = &g.topics[0].directions[0].indicators[0];
        assert_eq!(
            (fixed.op, fixed.value, fixed.unit.as_deref(), fixed.confidence),
            (Op::Ge, Some(3.0), Some("个"), 1.0)
        );
        assert_eq!(fixed.source, "建立平台", "the source span stays");
    }

    #[test]
    fn invalid_corrections_are_reported_on_their_field_and_change_nothing() {
        for (pairs, field) in [
            (vec![("i-0-0-0-op", ">="), ("i-0-0-0-value", "NaN")], "i-0-0-0-value"),
            (vec![("i-0-0-0-op", ">="), ("i-0-0-0-value", "abc")], "i-0-0-0-value"),
            (vec![("i-0-0-0-op", "between"), ("i-0-0-0-min", "5"), ("i-0-0-0-max", "3")], "i-0-0-0-min"),
            (vec![("i-0-0-0-op", "≈")], "i-0-0-0-op"),
            (vec![("i-0-0-0-metric", "  ")], "i-0-0-0-metric"),
        ] {
            let mut g = guide();
            let errors = apply(&mut g, &form(&pairs));
            assert_eq!(errors.len(), 1, "{pairs:?}");
            assert_eq!(errors[0].field, field);
            assert_eq!(g.topics[0].directions[0].indicators[0].op, Op::Deliverable);
        }
    }

    #[test]
    fn dropped_indicators_disappear() {
        let mut g = guide();
        assert!(apply(&mut g, &form(&[("i-0-0-0-drop", "on")])).is_empty());
        assert!(g.topics[0].directions[0].indicators.is_empty());
    }
}
