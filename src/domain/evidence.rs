//! A reported value (进展数据) as a PI types it, and the rules a report must meet before it is kept:
//! a number the indicator can use, measured within the execution period and not in the future.

use chrono::NaiveDate;

use super::guide::model::Op;
use super::guide::number::amount_at;
use super::target::{RangeKind, Target};

/// A value as reported: one number or a range (for an operating range such as pH 2–13).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reported {
    /// The value, or the low end of a range.
    pub value: f64,
    /// The high end of a range.
    pub value_max: Option<f64>,
}

/// The largest magnitude accepted: far beyond any indicator, and exact in an `f64`.
const MAX_MAGNITUDE: f64 = 1e15;

/// What is wrong with a report; each names the field and the catalogue key of its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The value is not a number (or has text after it other than the unit).
    NotANumber,
    /// A range was given where one number is expected, or its ends are reversed.
    BadRange,
    /// Beyond ±10¹⁵, or not finite.
    OutOfRange,
    /// A quantitative indicator needs a value.
    ValueMissing,
    /// A deliverable is reported by marking it done.
    NotDone,
    /// The date is missing or not a date.
    DateMissing,
    /// Measured before the execution period began or after it ended.
    OutsidePeriod,
    /// Measured in the future.
    InFuture,
    /// A relative target has no usable baseline yet: staff must record it before anyone can report.
    BaselineMissing,
    /// A percentage typed for a relative target, whose evidence is the measured quantity itself.
    ChangeTyped,
}

impl Problem {
    /// The form field it concerns.
    pub fn field(self) -> &'static str {
        match self {
            Problem::NotANumber
            | Problem::BadRange
            | Problem::OutOfRange
            | Problem::ValueMissing
            | Problem::BaselineMissing
            | Problem::ChangeTyped => "value",
            Problem::NotDone => "done",
            Problem::DateMissing | Problem::OutsidePeriod | Problem::InFuture => "measured_on",
        }
    }

    /// The catalogue key of the message.
    pub fn message_key(self) -> &'static str {
        match self {
            Problem::NotANumber => "evidence.error.not_a_number",
            Problem::BadRange => "evidence.error.bad_range",
            Problem::OutOfRange => "evidence.error.out_of_range",
            Problem::ValueMissing => "evidence.error.value_missing",
            Problem::NotDone => "evidence.error.not_done",
            Problem::DateMissing => "evidence.error.date_missing",
            Problem::OutsidePeriod => "evidence.error.outside_period",
            Problem::InFuture => "evidence.error.in_future",
            Problem::BaselineMissing => "evidence.error.baseline_missing",
            Problem::ChangeTyped => "evidence.error.change_typed",
        }
    }
}

/// Reads a value as people type it: `95`, `95.5%`, `20,000亩`, `2万`, `1.2万 亩`, full-width digits;
/// a range (`2-13`) only where the target is an operating range. The unit, if typed, must be the one
/// the indicator is reported in ([`Target::reported_unit`]): for a relative target the measured
/// quantity's, so `12%` typed for 产量提升10% is refused as a percentage, not stored as 12 吨.
pub fn parse_value(text: &str, target: &Target) -> Result<Reported, Problem> {
    let normalised: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '，' | ',' => ',',
            other => other,
        })
        .collect();
    let unit = target.reported_unit().unwrap_or_default();
    let percent = normalised.trim_end().ends_with(['%', '％']);
    if target.change.is_some() && percent && unit != "%" {
        return Err(Problem::ChangeTyped);
    }
    let without_unit = normalised.strip_suffix(unit).filter(|_| !unit.is_empty()).unwrap_or(&normalised).trim_end();
    let without_unit = without_unit.strip_suffix('%').filter(|_| unit == "%").unwrap_or(without_unit).trim_end();
    if without_unit.is_empty() {
        return Err(Problem::NotANumber);
    }
    let amount = amount_at(without_unit, 0, without_unit.len()).ok_or(Problem::NotANumber)?;
    if amount.end != without_unit.len() || amount.chinese || amount.approx {
        return Err(Problem::NotANumber);
    }
    let in_range = |v: f64| v.is_finite() && v.abs() <= MAX_MAGNITUDE;
    if !in_range(amount.lo) || !amount.hi.is_none_or(in_range) {
        return Err(Problem::OutOfRange);
    }
    let range_allowed = target.op == Op::Between && target.range_kind() == RangeKind::Range;
    match amount.hi {
        Some(_) if !range_allowed => Err(Problem::BadRange),
        Some(hi) if hi < amount.lo => Err(Problem::BadRange),
        hi => Ok(Reported { value: amount.lo, value_max: hi }),
    }
}

/// The execution period and "today", against which a measurement date is checked.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    /// First day of execution.
    pub start: NaiveDate,
    /// Last day of execution (after any extension).
    pub end: NaiveDate,
    /// Today, in the commission's time zone.
    pub today: NaiveDate,
}

/// Checks a measurement date.
pub fn check_date(measured_on: Option<NaiveDate>, period: Period) -> Result<NaiveDate, Problem> {
    let date = measured_on.ok_or(Problem::DateMissing)?;
    if date > period.today {
        Err(Problem::InFuture)
    } else if date < period.start || date > period.end {
        Err(Problem::OutsidePeriod)
    } else {
        Ok(date)
    }
}

/// A report as entered: the value's text (empty when none), whether a deliverable is done, the date.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    /// The value as typed.
    pub value: &'a str,
    /// The deliverable is done.
    pub done: bool,
    /// When it was measured.
    pub measured_on: Option<NaiveDate>,
}

/// A checked report: what is stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Checked {
    /// The value (none for a deliverable).
    pub reported: Option<Reported>,
    /// The deliverable is done.
    pub done: bool,
    /// When it was measured.
    pub measured_on: NaiveDate,
}

/// Checks a report against its indicator's target and period; every problem is returned.
pub fn check(entry: &Entry<'_>, target: &Target, period: Period) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let reported = if target.op == Op::Deliverable {
        if !entry.done {
            problems.push(Problem::NotDone);
        }
        None
    } else if entry.value.trim().is_empty() {
        problems.push(Problem::ValueMissing);
        None
    } else if target.change.is_some() && target.usable_baseline().is_none() {
        problems.push(Problem::BaselineMissing);
        None
    } else {
        parse_value(entry.value, target).map_err(|p| problems.push(p)).ok()
    };
    let measured_on = check_date(entry.measured_on, period).map_err(|p| problems.push(p)).ok();
    match measured_on {
        Some(measured_on) if problems.is_empty() => {
            Ok(Checked { reported, done: target.op == Op::Deliverable && entry.done, measured_on })
        }
        _ => Err(problems),
    }
}

/// For a relative target: the signed change of a measured `value` against the baseline, in percent, as
/// a reader says it (a fall from 200 吨 to 180 吨 is -10 %, whichever way the target asks).
pub fn change_from_baseline(target: &Target, value: f64) -> Option<f64> {
    target.change?;
    let baseline = target.usable_baseline()?;
    let change = (value - baseline) / baseline.abs() * 100.0;
    change.is_finite().then_some(change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::Change;
    use crate::domain::target::{Aggregation, IndicatorClass};

    fn target(op: Op, unit: Option<&str>) -> Target {
        Target {
            op,
            value: matches!(op, Op::Ge).then_some(95.0),
            min: matches!(op, Op::Between).then_some(2.0),
            max: matches!(op, Op::Between).then_some(13.0),
            unit: unit.map(str::to_owned),
            change: None,
            baseline: None,
            baseline_unit: None,
            baseline_on: None,
            baseline_source: None,
            aggregation: Aggregation::Latest,
            weight: 1.0,
            class: IndicatorClass::Technical,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(500)))]

        #[test]
        fn fuzz_any_text_is_a_value_within_bounds_or_a_problem(
            text in "\\PC{0,40}",
            unit in proptest::sample::select(vec!["", "%", "亩", "人次", "万元"]),
            op in proptest::sample::select(vec![Op::Ge, Op::Le, Op::Between, Op::Deliverable]),
        ) {
            let target = target(op, Some(unit).filter(|u| !u.is_empty()));
            if let Ok(reported) = parse_value(&text, &target) {
                proptest::prop_assert!(reported.value.is_finite() && reported.value.abs() <= MAX_MAGNITUDE);
                if let Some(hi) = reported.value_max {
                    proptest::prop_assert!(op == Op::Between && hi >= reported.value);
                }
            }
        }

        #[test]
        fn fuzz_a_number_as_written_reads_back(value in -1e12f64..1e12, grouped in proptest::bool::ANY) {
            let written = if grouped { format!("{value:.2}") } else { format!("{value}") };
            let read = parse_value(&written, &target(Op::Ge, Some("亩"))).map(|r| r.value);
            let exact = written.parse::<f64>().unwrap();
            // Fifteen significant digits are kept; anything typed beyond them is dropped.
            proptest::prop_assert!(read.is_ok_and(|r| (r - exact).abs() <= 1e-13 * exact.abs().max(1.0)), "{written}: {read:?}");
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn values_are_read_as_people_type_them() {
        let pct = target(Op::Ge, Some("%"));
        assert_eq!(parse_value(" 95.5% ", &pct), Ok(Reported { value: 95.5, value_max: None }));
        assert_eq!(parse_value("９６", &pct).map(|r| r.value), Ok(96.0));
        let mu = target(Op::Ge, Some("亩"));
        assert_eq!(parse_value("20,000亩", &mu).map(|r| r.value), Ok(20_000.0));
        assert_eq!(parse_value("1.2万 亩", &mu).map(|r| r.value), Ok(12_000.0));
        assert_eq!(parse_value("-3", &mu).map(|r| r.value), Ok(-3.0));
        let ph = target(Op::Between, None);
        assert_eq!(parse_value("2-13", &ph), Ok(Reported { value: 2.0, value_max: Some(13.0) }));
    }

    #[test]
    fn anything_else_is_refused() {
        let mu = target(Op::Ge, Some("亩"));
        for text in ["abc", "95人次", "NaN", "inf", "1e400", "十二", "10余", "1/2", "95 95", "%", "1-2"] {
            assert!(parse_value(text, &mu).is_err(), "{text}");
        }
        assert_eq!(parse_value("1-2", &mu), Err(Problem::BadRange));
        assert_eq!(parse_value("13-2", &target(Op::Between, None)), Err(Problem::BadRange));
        assert_eq!(parse_value("9999万亿", &mu), Err(Problem::OutOfRange));
    }

    #[test]
    fn dates_must_fall_in_the_period_and_not_in_the_future() {
        let period = Period { start: date(2025, 1, 1), end: date(2026, 12, 31), today: date(2026, 6, 1) };
        assert_eq!(check_date(Some(date(2026, 6, 1)), period), Ok(date(2026, 6, 1)));
        assert_eq!(check_date(Some(date(2026, 6, 2)), period), Err(Problem::InFuture));
        assert_eq!(check_date(Some(date(2024, 12, 31)), period), Err(Problem::OutsidePeriod));
        assert_eq!(check_date(None, period), Err(Problem::DateMissing));
    }

    #[test]
    fn a_report_is_checked_whole() {
        let period = Period { start: date(2025, 1, 1), end: date(2026, 12, 31), today: date(2026, 6, 1) };
        let pct = target(Op::Ge, Some("%"));
        let empty = Entry { value: "", done: false, measured_on: None };
        assert_eq!(check(&empty, &pct, period), Err(vec![Problem::ValueMissing, Problem::DateMissing]));
        let good = Entry { value: "96", done: false, measured_on: Some(date(2026, 5, 1)) };
        assert_eq!(check(&good, &pct, period).unwrap().reported.map(|r| r.value), Some(96.0));
        let deliverable = target(Op::Deliverable, None);
        let undone = Entry { value: "", done: false, measured_on: Some(date(2026, 5, 1)) };
        assert_eq!(check(&undone, &deliverable, period), Err(vec![Problem::NotDone]));
        let done = Entry { done: true, ..undone };
        assert!(check(&done, &deliverable, period).unwrap().done);
    }

    #[test]
    fn a_relative_target_shows_the_change_against_its_baseline() {
        let mut t = target(Op::Ge, Some("%"));
        t.change = Some(Change::Increase);
        t.baseline = Some(80.0);
        assert_eq!(change_from_baseline(&t, 92.0), None, "a baseline without its unit is not usable");
        t.baseline_unit = Some("吨".into());
        assert_eq!(change_from_baseline(&t, 92.0), Some(15.0));
        t.baseline = None;
        assert_eq!(change_from_baseline(&t, 92.0), None);
    }

    #[test]
    fn a_relative_target_takes_the_measured_quantity_never_a_percentage() {
        let period = Period { start: date(2025, 1, 1), end: date(2026, 12, 31), today: date(2026, 6, 1) };
        let mut t = target(Op::Ge, Some("%"));
        t.change = Some(Change::Increase);
        let entry = |value| Entry { value, done: false, measured_on: Some(date(2026, 5, 1)) };
        // No baseline yet: nothing can be reported, whatever is typed.
        assert_eq!(check(&entry("112"), &t, period), Err(vec![Problem::BaselineMissing]));
        t.baseline = Some(100.0);
        assert_eq!(check(&entry("112"), &t, period), Err(vec![Problem::BaselineMissing]), "no unit yet");
        t.baseline_unit = Some("吨".into());
        // The PI who types "+12 %" is told to report tons; tons are taken, with or without the unit.
        assert_eq!(check(&entry("12%"), &t, period), Err(vec![Problem::ChangeTyped]));
        assert_eq!(check(&entry("12 ％"), &t, period), Err(vec![Problem::ChangeTyped]));
        for text in ["112", "112吨", "112 吨"] {
            assert_eq!(check(&entry(text), &t, period).unwrap().reported.map(|r| r.value), Some(112.0), "{text}");
        }
        assert_eq!(check(&entry("112亩"), &t, period), Err(vec![Problem::NotANumber]));
    }
}
