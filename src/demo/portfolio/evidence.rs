//! The evidence a demo project reports: how far each indicator keeps up with its plan, and values a
//! real report would give.

use chrono::{Days, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;

use crate::domain::guide::model::{Change, Op};
use crate::domain::plan::Checkpoint;
use crate::domain::target::{IndicatorClass, Observation, RangeKind, Target, granularity};

/// People trained are a social result, money and income changes economic, the rest technical.
pub(super) fn class_of(target: &Target) -> IndicatorClass {
    let unit = target.unit.as_deref().unwrap_or_default();
    if ["人次", "人", "名"].contains(&unit) {
        IndicatorClass::Social
    } else if unit.ends_with('元') || target.change.is_some() {
        IndicatorClass::Economic
    } else {
        IndicatorClass::Technical
    }
}

/// How far along an indicator's evidence keeps up with its plan.
#[derive(Debug, Clone, Copy)]
enum Pace {
    /// At or ahead of plan.
    OnPlan(f64),
    /// Behind by the factor.
    Behind(f64),
    /// Nothing reported.
    Silent,
}

fn pace(rng: &mut StdRng) -> Pace {
    let r: f64 = rng.r#gen();
    if r < 0.68 {
        Pace::OnPlan(rng.gen_range(1.0..1.2))
    } else if r < 0.88 {
        Pace::Behind(rng.gen_range(0.55..0.97))
    } else if r < 0.95 {
        Pace::Behind(rng.gen_range(0.1..0.5))
    } else {
        Pace::Silent
    }
}

/// The value that meets `planned` (for the target's direction) scaled by the pace, as a real report
/// would give it: a relative target's measured quantity (its plan is a change in %), whole numbers for
/// counting units (0.77 篇 is no paper), a proportion within 0–100 % (no 108 % accuracy).
fn value_for(target: &Target, planned: f64, factor: f64) -> f64 {
    let raw = if target.lower_is_better() { planned / factor.max(0.05) } else { planned * factor };
    let raw = match (target.change, target.usable_baseline()) {
        (Some(Change::Increase), Some(baseline)) => baseline * (1.0 + raw / 100.0),
        (Some(Change::Decrease), Some(baseline)) => baseline * (1.0 - raw / 100.0),
        _ => raw,
    };
    plausible(target, raw)
}

/// A value rounded the way its unit is counted, and a proportion kept within 0–100 %.
fn plausible(target: &Target, value: f64) -> f64 {
    let value = if target.reported_unit() == Some("%") { value.clamp(0.0, 100.0) } else { value.max(0.0) };
    match granularity(target.reported_unit()) {
        Some(step) => (value / step).round() * step,
        None => (value * 100.0).round() / 100.0,
    }
}

/// The unit a relative target's quantity is measured in, from what the metric names (the demo guide's
/// 产量, 花期, 水肥施用, 扩繁效率 and the task books' 农户增收).
fn quantity_unit(metric: &str) -> &'static str {
    const UNITS: [(&str, &str); 6] =
        [("收", "元"), ("花期", "天"), ("水肥", "千克"), ("扩繁", "株"), ("能耗", "千瓦时"), ("产量", "吨")];
    UNITS.iter().find(|(word, _)| metric.contains(word)).map_or("吨", |(_, unit)| unit)
}

/// A relative target's baseline as staff would record it before the project starts: a measured
/// quantity in its unit, dated the month before the start, with its source.
pub(super) fn record_baseline(rng: &mut StdRng, target: &mut Target, metric: &str, start: NaiveDate) {
    target.baseline = Some(f64::from(rng.gen_range(50..500)));
    target.baseline_unit = Some(quantity_unit(metric).to_owned());
    target.baseline_on = start.checked_sub_days(Days::new(30));
    target.baseline_source = Some("项目申报书（立项前实测）".to_owned());
}

/// Evidence for one indicator: one report a little before each checkpoint due by today.
pub(super) fn evidence_for(
    rng: &mut StdRng,
    target: &Target,
    checkpoints: &[Checkpoint],
    today: NaiveDate,
) -> Vec<(Observation, bool)> {
    let pace = pace(rng);
    let factor = match pace {
        Pace::Silent => return Vec::new(),
        Pace::OnPlan(f) | Pace::Behind(f) => f,
    };
    let mut out = Vec::new();
    let mut reported = 0.0;
    for checkpoint in checkpoints {
        let Some(measured_on) = checkpoint.due_on.checked_sub_days(Days::new(rng.gen_range(3..45))) else { continue };
        if measured_on >= today {
            break;
        }
        // One report in ten still awaits review: shown beside the verified value, not counted.
        let verified = rng.gen_bool(0.9);
        let observation = match target.op {
            Op::Deliverable => Observation::deliverable(measured_on, matches!(pace, Pace::OnPlan(_))),
            Op::Between if target.range_kind() == RangeKind::Range => {
                let (min, max) = (target.min.unwrap_or(0.0), target.max.unwrap_or(0.0));
                let shrink = if matches!(pace, Pace::OnPlan(_)) { 0.0 } else { (max - min) * 0.1 };
                Observation::range(measured_on, plausible(target, min + shrink), plausible(target, max - shrink))
            }
            _ => {
                let planned = checkpoint.planned.or(target.goal()).unwrap_or(1.0);
                let level = value_for(target, planned, factor);
                let value = match target.aggregation {
                    crate::domain::target::Aggregation::Sum => {
                        let step = (level - reported).max(0.0);
                        reported += step;
                        step
                    }
                    crate::domain::target::Aggregation::Latest => level,
                };
                Observation::value(measured_on, value)
            }
        };
        out.push((observation, verified));
    }
    out
}
