//! The rules a project indicator's target must satisfy before it is stored, checked all at once so
//! that a form shows every mistake beside its field. Stricter than the guide parser's own check
//! ([`crate::domain::guide::Indicator::check`]): a project target also carries a baseline, a weight
//! and a class, and a relative change is measured in percent.

use crate::domain::guide::model::Op;
use crate::domain::target::Target;

/// One problem: the field it belongs to and the catalogue key of its message.
pub type Problem = (&'static str, &'static str);

/// Units longer than any real one are mistakes (a metric typed into the unit box).
const MAX_UNIT_CHARS: usize = 20;

/// Every problem with a metric and its target; empty when both may be stored.
pub fn problems(metric: &str, target: &Target) -> Vec<Problem> {
    let mut out = Vec::new();
    if metric.trim().is_empty() {
        out.push(("metric", "indicator.metric_missing"));
    }
    let numbers = [("value", target.value), ("min", target.min), ("max", target.max), ("baseline", target.baseline)];
    for (field, number) in numbers {
        if number.is_some_and(|n| !n.is_finite()) {
            out.push((field, "indicator.not_finite"));
        }
    }
    if target.unit.as_ref().is_some_and(|u| u.chars().count() > MAX_UNIT_CHARS) {
        out.push(("unit", "indicator.unit_too_long"));
    }
    match target.op {
        Op::Deliverable => {
            let numbers = [target.value, target.min, target.max, target.baseline];
            if numbers.iter().any(Option::is_some) || target.change.is_some() {
                out.push(("value", "indicator.deliverable_with_number"));
            }
        }
        Op::Between => {
            if target.value.is_some() {
                out.push(("value", "indicator.value_with_range"));
            }
            match (target.min, target.max) {
                (Some(min), Some(max)) if min <= max || !min.is_finite() || !max.is_finite() => {}
                _ => out.push(("min", "indicator.range_invalid")),
            }
        }
        Op::Ge | Op::Gt | Op::Le | Op::Lt | Op::Eq => {
            if target.value.is_none() {
                out.push(("value", "indicator.value_missing"));
            }
            if target.min.is_some() || target.max.is_some() {
                out.push(("min", "indicator.range_with_value"));
            }
        }
    }
    if target.change.is_some() && target.unit.as_deref().map(str::trim) != Some("%") {
        out.push(("unit", "indicator.relative_needs_percent"));
    }
    match target.baseline {
        Some(_) if target.change.is_none() && target.op != Op::Deliverable => {
            out.push(("baseline", "indicator.baseline_not_relative"));
        }
        Some(0.0) => out.push(("baseline", "indicator.baseline_zero")),
        _ => {}
    }
    out.extend(baseline_record_problems(target));
    if !(target.weight.is_finite() && target.weight > 0.0) {
        out.push(("weight", "indicator.weight_invalid"));
    }
    out
}

/// The longest source of a baseline kept.
const MAX_SOURCE_CHARS: usize = 200;

/// A relative target's baseline is a measurement: its value comes with the unit of the quantity (the
/// unit evidence is then reported in), the date it was measured and where it comes from, all or none.
fn baseline_record_problems(target: &Target) -> Vec<Problem> {
    let mut out = Vec::new();
    let recorded = target.baseline_unit.is_some() || target.baseline_on.is_some() || target.baseline_source.is_some();
    if target.change.is_none() {
        if recorded && target.op != Op::Deliverable {
            out.push(("baseline", "indicator.baseline_not_relative"));
        }
        return out;
    }
    if target.baseline.is_none() {
        if recorded {
            out.push(("baseline", "indicator.baseline_value_missing"));
        }
        return out;
    }
    match target.baseline_unit.as_deref().map(str::trim) {
        None | Some("") => out.push(("baseline_unit", "indicator.baseline_unit_missing")),
        Some(unit) if unit.chars().count() > MAX_UNIT_CHARS => out.push(("baseline_unit", "indicator.unit_too_long")),
        Some(_) => {}
    }
    if target.baseline_on.is_none() {
        out.push(("baseline_on", "indicator.baseline_on_missing"));
    }
    match target.baseline_source.as_deref() {
        None => out.push(("baseline_source", "indicator.baseline_source_missing")),
        Some(source) if !crate::domain::text::is_line(source, MAX_SOURCE_CHARS) => {
            out.push(("baseline_source", "error.text_invalid"));
        }
        Some(_) => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::model::Change;
    use crate::domain::plan::tests::{between, target};

    fn keys(metric: &str, t: &Target) -> Vec<&'static str> {
        problems(metric, t).into_iter().map(|(_, key)| key).collect()
    }

    /// A relative target's baseline recorded in full: 吨, measured on 2024-12-01, from a yearbook.
    fn recorded(t: Target) -> Target {
        Target {
            baseline_unit: Some("吨".into()),
            baseline_on: chrono::NaiveDate::from_ymd_opt(2024, 12, 1),
            baseline_source: Some("2024年统计年报".into()),
            ..t
        }
    }

    #[test]
    fn valid_targets_pass() {
        let relative = recorded(Target {
            change: Some(Change::Decrease),
            baseline: Some(12.5),
            ..target(Op::Ge, Some(10.0), Some("%"))
        });
        for t in [
            target(Op::Ge, Some(40.0), Some("人次")),
            between(3.0, 5.0, "种"),
            between(4.0, 4.0, "pH"),
            target(Op::Deliverable, None, None),
            relative,
        ] {
            assert_eq!(keys("指标", &t), Vec::<&str>::new(), "{t:?}");
        }
    }

    #[test]
    fn each_mistake_is_named_at_its_field() {
        let relative_in_tons = Target { change: Some(Change::Increase), ..target(Op::Ge, Some(10.0), Some("吨")) };
        let table: Vec<(&str, Target, Vec<Problem>)> = vec![
            (" ", target(Op::Ge, Some(1.0), None), vec![("metric", "indicator.metric_missing")]),
            ("x", target(Op::Ge, None, Some("个")), vec![("value", "indicator.value_missing")]),
            ("x", target(Op::Ge, Some(f64::NAN), None), vec![("value", "indicator.not_finite")]),
            ("x", target(Op::Le, Some(f64::INFINITY), None), vec![("value", "indicator.not_finite")]),
            ("x", between(5.0, 3.0, "种"), vec![("min", "indicator.range_invalid")]),
            ("x", Target { max: None, ..between(5.0, 3.0, "种") }, vec![("min", "indicator.range_invalid")]),
            (
                "x",
                Target { value: Some(4.0), ..between(3.0, 5.0, "种") },
                vec![("value", "indicator.value_with_range")],
            ),
            (
                "x",
                Target { min: Some(1.0), ..target(Op::Ge, Some(2.0), None) },
                vec![("min", "indicator.range_with_value")],
            ),
            ("x", target(Op::Deliverable, Some(1.0), None), vec![("value", "indicator.deliverable_with_number")]),
            ("x", relative_in_tons, vec![("unit", "indicator.relative_needs_percent")]),
            (
                "x",
                Target { baseline: Some(3.0), ..target(Op::Ge, Some(2.0), None) },
                vec![("baseline", "indicator.baseline_not_relative")],
            ),
            (
                "x",
                recorded(Target {
                    change: Some(Change::Increase),
                    baseline: Some(0.0),
                    ..target(Op::Ge, Some(2.0), Some("%"))
                }),
                vec![("baseline", "indicator.baseline_zero")],
            ),
            (
                "x",
                Target { change: Some(Change::Increase), baseline: Some(80.0), ..target(Op::Ge, Some(2.0), Some("%")) },
                vec![
                    ("baseline_unit", "indicator.baseline_unit_missing"),
                    ("baseline_on", "indicator.baseline_on_missing"),
                    ("baseline_source", "indicator.baseline_source_missing"),
                ],
            ),
            (
                "x",
                recorded(Target { change: Some(Change::Increase), ..target(Op::Ge, Some(2.0), Some("%")) }),
                vec![("baseline", "indicator.baseline_value_missing")],
            ),
            (
                "x",
                recorded(target(Op::Ge, Some(2.0), Some("吨"))),
                vec![("baseline", "indicator.baseline_not_relative")],
            ),
            (
                "x",
                Target { weight: 0.0, ..target(Op::Ge, Some(2.0), None) },
                vec![("weight", "indicator.weight_invalid")],
            ),
            (
                "x",
                Target { weight: f64::NAN, ..target(Op::Ge, Some(2.0), None) },
                vec![("weight", "indicator.weight_invalid")],
            ),
            (
                "x",
                target(Op::Ge, Some(2.0), Some("一二三四五六七八九十一二三四五六七八九十一")),
                vec![("unit", "indicator.unit_too_long")],
            ),
        ];
        for (metric, t, expected) in table {
            assert_eq!(problems(metric, &t), expected, "{metric} {t:?}");
        }
    }
}
