//! An indicator's figures in words, written one way for every page, mail, report and export: a
//! reported or verified value in the unit it is reported in, with a relative target's change against
//! its baseline (`112 吨（较基线 +12.0 %）`); the baseline as recorded; a plan or a forecast in the
//! target's own terms. Reminders (`jobs`) and pages (`web`) both write through here, which is why it
//! lives beside the catalogue rather than in `report`.

use super::T;
use super::format::{change, quantity, range};
use crate::domain::evidence::change_from_baseline;
use crate::domain::guide::model::Change;
use crate::domain::status::Evaluation;
use crate::domain::target::Target;

/// A reported or measured value in the unit it is reported in and, for a relative target, with the
/// change it makes against the baseline (`112 吨（较基线 +12.0 %）`), since that change is what the
/// target measures.
pub fn reading_text(t: T, target: &Target, value: f64, value_max: Option<f64>) -> String {
    let text = measured_text(target, value, value_max);
    match change_from_baseline(target, value) {
        Some(by) => format!("{text}{}", t.fmt("evidence_page.change", &[("change", &change(by))])),
        None => text,
    }
}

/// A reported or measured value in the unit it is reported in ([`Target::reported_unit`]: 吨 for
/// 产量提升10%, never %): `112 吨`, `2–13 pH`.
fn measured_text(target: &Target, value: f64, value_max: Option<f64>) -> String {
    let unit = target.reported_unit();
    match value_max {
        Some(max) => range(value, max, unit),
        None => quantity(value, unit),
    }
}

/// The verified value as the status engine judged it: for a relative target the measured quantity
/// and its change, otherwise the value (or range) in the target's unit; `None` without one.
pub fn verified_text(t: T, target: &Target, e: &Evaluation) -> Option<String> {
    match target.change {
        Some(_) => Some(reading_text(t, target, e.measured?, None)),
        None => Some(reading_text(t, target, e.current?, e.current_max)),
    }
}

/// A relative target's baseline as people read it: `100 吨（2024-11-30 测定，来源：统计年报）`; a
/// baseline stored before its unit was recorded says that its unit is still to be recorded.
pub fn baseline_text(t: T, target: &Target) -> Option<String> {
    let value = target.baseline?;
    if target.change.is_some() && target.baseline_unit.is_none() {
        return Some(t.fmt("indicator_page.baseline_unconfirmed", &[("baseline", &super::format::number(value))]));
    }
    let date = target.baseline_on.map(|d| d.to_string()).unwrap_or_default();
    let source = target.baseline_source.clone().unwrap_or_default();
    let baseline = measured_text(target, value, None);
    Some(t.fmt("indicator_page.baseline_record", &[("baseline", &baseline), ("date", &date), ("source", &source)]))
}

/// A number in the target's own terms with the target's unit (a planned value; for a relative target
/// a change in %, read against the target's arrow); `—` for none.
pub fn terms_text(target: &Target, value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| quantity(v, target.unit.as_deref()))
}

/// Where the verified pace leads by the end ([`crate::domain::status::Forecast::at_end`], in the
/// target's terms): for a relative target the change against the baseline it leads to, signed as
/// readings are (`较基线 -10.0 %` for a fall of 10 %, which a 降低10% target counts as 10), never a
/// quantity next to `%`; otherwise the value in the target's unit.
pub fn forecast_text(t: T, target: &Target, at_end: f64) -> String {
    let signed = match target.change {
        Some(Change::Increase) => at_end,
        Some(Change::Decrease) => -at_end,
        None => return terms_text(target, Some(at_end)),
    };
    t.fmt("evidence_page.preview", &[("change", &change(signed))])
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::guide::model::Op;
    use crate::domain::status::Status;
    use crate::domain::target::{Aggregation, IndicatorClass};
    use crate::i18n::Locale;

    /// 产量提升10%以上 from a baseline of 100 吨.
    fn output() -> Target {
        Target {
            op: Op::Ge,
            value: Some(10.0),
            min: None,
            max: None,
            unit: Some("%".into()),
            change: Some(Change::Increase),
            baseline: Some(100.0),
            baseline_unit: Some("吨".into()),
            baseline_on: NaiveDate::from_ymd_opt(2024, 11, 30),
            baseline_source: Some("2024年生产统计报表".into()),
            aggregation: Aggregation::Latest,
            weight: 1.0,
            class: IndicatorClass::Technical,
        }
    }

    fn judged(measured: f64, current: f64) -> Evaluation {
        Evaluation {
            status: Status::Achieved,
            days_overdue: 0,
            overdue_since: None,
            current: Some(current),
            current_max: None,
            measured: Some(measured),
            done: false,
            planned_to_date: None,
            progress: 1.0,
            next_due: None,
            due_soon: None,
            forecast: None,
            needs_baseline: false,
        }
    }

    #[test]
    fn a_relative_target_reads_as_the_quantity_with_its_change_in_both_languages() {
        let target = output();
        let e = judged(112.0, 12.0);
        assert_eq!(verified_text(Locale::ZhCn.t(), &target, &e).unwrap(), "112 吨（较基线 +12.0 %）");
        assert_eq!(verified_text(Locale::En.t(), &target, &e).unwrap(), "112 吨 (+12.0 % against the baseline)");
        assert_eq!(forecast_text(Locale::ZhCn.t(), &target, 12.0), "较基线 +12.0 %");
        // A fall of 10 % is what 降低10% counts as 10; it reads as the fall it is, like a reading.
        let fall = Target { change: Some(Change::Decrease), ..output() };
        assert_eq!(forecast_text(Locale::En.t(), &fall, 10.0), "-10.0 % against the baseline");
        assert_eq!(verified_text(Locale::ZhCn.t(), &fall, &judged(90.0, 10.0)).unwrap(), "90 吨（较基线 -10.0 %）");
        assert_eq!(terms_text(&target, Some(10.0)), "10 %");
        assert_eq!(
            baseline_text(Locale::ZhCn.t(), &target).unwrap(),
            "100 吨（2024-11-30 测定，来源：2024年生产统计报表）"
        );
    }

    #[test]
    fn other_targets_read_in_their_own_unit_with_a_range_whole() {
        let range = Target {
            op: Op::Between,
            value: None,
            min: Some(2.0),
            max: Some(13.0),
            unit: Some("pH".into()),
            change: None,
            baseline: None,
            baseline_unit: None,
            baseline_on: None,
            baseline_source: None,
            ..output()
        };
        let e = Evaluation { current_max: Some(13.0), ..judged(2.0, 2.0) };
        assert_eq!(verified_text(Locale::ZhCn.t(), &range, &e).unwrap(), "2–13 pH");
        assert_eq!(forecast_text(Locale::ZhCn.t(), &range, 14.5), "14.5 pH");
        assert_eq!(verified_text(Locale::ZhCn.t(), &range, &Evaluation { current: None, ..e }), None);
    }
}
