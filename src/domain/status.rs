//! The status engine: what an indicator's verified evidence says about its target and milestones, as
//! of a given date (DESIGN.md, "Milestones and status").
//!
//! [`evaluate`] is a pure function of the target, its checkpoints, its verified observations, the
//! execution period and the as-of date; every page, e-mail, export and report is computed from it, and
//! the as-of date is how tests travel through a period. Observations measured after the as-of date are
//! ignored.
//!
//! The status is exactly one of, checked in this order:
//!
//! 1. [`Status::Achieved`]: the final target is met by the evidence so far (including evidence measured
//!    after the period end but by the as-of date, such as an on-site test at acceptance);
//! 2. [`Status::Missed`]: the period has ended (the as-of date is after its last day) without the target;
//! 3. [`Status::Overdue`]: a checkpoint's due date has passed (it is before the as-of date) and the current
//!    value still does not meet its planned value; days overdue count from the earliest such due date;
//! 4. [`Status::AtRisk`]: a checkpoint falls due within the warning window (today included) and the
//!    current value does not meet it yet;
//! 5. [`Status::NotStarted`]: there is no evidence at all (and, by the above, nothing is overdue or at
//!    risk);
//! 6. [`Status::OnTrack`] otherwise.
//!
//! A checkpoint is met when the current value meets the target's comparison with the planned value in
//! place of the target. Intermediate values of a `>` (`<`) target short of the final target ask for at
//! least (at most) the planned value: a mid-term plan is a level to reach, the strictness belongs to the
//! final target. A checkpoint planning nothing (a zero or negative plan for a higher-is-better target,
//! as rounding can give the first quarter of a small count) is met even without evidence. A checkpoint
//! without a planned value (physical range, deliverable) asks for the whole target.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::guide::model::{Change, Op, Period};
use crate::domain::plan::Checkpoint;
use crate::domain::target::{Aggregation, Observation, RangeKind, Target, meets};

/// The warning window of DESIGN.md: a checkpoint due within this many days is at risk when not yet met.
pub const DEFAULT_WARNING_DAYS: i64 = 30;

/// An unmet target's progress stays below this, so that a progress of 1 (100%) always means achieved,
/// even for a `>` target the evidence equals.
pub const UNMET_PROGRESS_CAP: f64 = 0.999;

/// Where an indicator stands as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No evidence and nothing due yet.
    NotStarted,
    /// Nothing overdue or at risk.
    OnTrack,
    /// A checkpoint is due within the warning window and not yet met.
    AtRisk,
    /// A checkpoint's due date has passed and its planned value is still not met.
    Overdue,
    /// The final target is met.
    Achieved,
    /// The execution period has ended without the target.
    Missed,
}

impl Status {
    /// Every status, from best to worst (see [`Status::severity`]).
    pub const ALL: [Status; 6] =
        [Status::Achieved, Status::OnTrack, Status::NotStarted, Status::AtRisk, Status::Overdue, Status::Missed];

    /// The stored and serialised name (`not_started`, `on_track` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::Overdue => "overdue",
            Status::Achieved => "achieved",
            Status::Missed => "missed",
        }
    }

    /// The catalogue key naming it.
    pub fn label_key(self) -> &'static str {
        match self {
            Status::NotStarted => "status.not_started",
            Status::OnTrack => "status.on_track",
            Status::AtRisk => "status.at_risk",
            Status::Overdue => "status.overdue",
            Status::Achieved => "status.achieved",
            Status::Missed => "status.missed",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// How bad the status is, 0 (achieved) to 5 (missed); a project's status is its indicators' worst.
    ///
    /// The order is achieved < on track < not started < at risk < overdue < missed. Not started ranks
    /// below on track because an indicator with no evidence at all is less assured than one progressing
    /// as planned, yet nothing about it is due, so it ranks above nothing that needs attention.
    pub fn severity(self) -> u8 {
        match self {
            Status::Achieved => 0,
            Status::OnTrack => 1,
            Status::NotStarted => 2,
            Status::AtRisk => 3,
            Status::Overdue => 4,
            Status::Missed => 5,
        }
    }
}

/// Where the verified pace leads by the end of the period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The value expected at the period end, in the target's terms (for a relative target the change
    /// in % in the direction it asks for, so a fall of 10 % is 10 for 降低10%): "on pace for 14,000 of
    /// 20,000 亩". Readers see it through `i18n::reading::forecast_text`.
    pub at_end: f64,
    /// Whether that value would meet the target.
    pub meets_target: bool,
}

/// An indicator's evaluation as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The status.
    pub status: Status,
    /// For [`Status::Overdue`] and [`Status::Missed`], the days since `overdue_since`; otherwise 0.
    pub days_overdue: i64,
    /// The earliest due date that passed unmet (for a missed target without such a checkpoint, the period
    /// end); `None` unless overdue or missed.
    pub overdue_since: Option<NaiveDate>,
    /// The verified value compared with the target: the aggregated value, or for a relative target the
    /// achieved change in % (`None` without a usable baseline); for a physical range the lower end of the
    /// latest reported range. `None` without evidence, and for deliverables.
    pub current: Option<f64>,
    /// The upper end of the latest reported range, for a physical range target.
    pub current_max: Option<f64>,
    /// The aggregated verified value itself (for a relative target, the value the change is computed
    /// from).
    pub measured: Option<f64>,
    /// For a deliverable: whether verified evidence says it was delivered.
    pub done: bool,
    /// The planned value of the latest checkpoint due on or before the date; `None` when none is due yet
    /// or it plans the whole target without a number.
    pub planned_to_date: Option<f64>,
    /// Progress towards the final target, 0 to 1; 1 exactly when achieved. Higher-is-better targets:
    /// current / target (完成率); lower-is-better: target / current (the 逆向指标 completion rate);
    /// `=`: 1 − |current − target| / |target|; physical range: the share of the target range the reported
    /// range covers; deliverable: 0 until done.
    pub progress: f64,
    /// The next checkpoint due on or after the date.
    pub next_due: Option<Checkpoint>,
    /// For [`Status::AtRisk`], the earliest checkpoint within the warning window that is not yet met;
    /// otherwise `None`.
    pub due_soon: Option<NaiveDate>,
    /// Where the verified pace leads by the period end; `None` for deliverables and physical ranges, and
    /// when there is nothing to extrapolate from.
    pub forecast: Option<Forecast>,
    /// The target is a relative change without a usable (present, finite, non-zero) baseline: it cannot
    /// be achieved until staff record one.
    pub needs_baseline: bool,
}

/// What the verified evidence says as of the date.
#[derive(Debug, Clone, Copy, Default)]
struct Reading {
    measured: Option<f64>,
    measured_max: Option<f64>,
    current: Option<f64>,
    done: bool,
    has_evidence: bool,
}

/// The achieved change in % of `value` against `baseline`; the baseline's magnitude is the denominator
/// so that the sign always says whether the change went the asked way.
fn change_from(change: Change, baseline: f64, value: f64) -> f64 {
    match change {
        Change::Increase => (value - baseline) / baseline.abs() * 100.0,
        Change::Decrease => (baseline - value) / baseline.abs() * 100.0,
    }
}

/// Converts a raw value into the target's terms: the change for a relative target (`None` without a
/// usable baseline), the value itself otherwise.
fn in_target_terms(target: &Target, raw: f64) -> Option<f64> {
    let value = match target.change {
        Some(change) => change_from(change, target.usable_baseline()?, raw),
        None => raw,
    };
    value.is_finite().then_some(value)
}

/// The most recent of `items` by date; among the same date, the last in the slice (the last logged).
fn latest<'a, T>(items: impl Iterator<Item = (NaiveDate, &'a T)>) -> Option<&'a T> {
    items
        .fold(None, |best: Option<(NaiveDate, &T)>, (date, item)| match best {
            Some((best_date, _)) if best_date > date => best,
            _ => Some((date, item)),
        })
        .map(|(_, item)| item)
}

/// Reads the observations measured on or before `as_of`; non-finite values are ignored.
fn read(target: &Target, observations: &[&Observation]) -> Reading {
    match target.op {
        Op::Deliverable => Reading {
            done: observations.iter().any(|o| o.done),
            has_evidence: !observations.is_empty(),
            ..Reading::default()
        },
        Op::Between if target.range_kind() == RangeKind::Range => {
            // A reported range replaces the previous one whatever the aggregation: operating ranges do not
            // add up.
            let ranges = observations.iter().filter_map(|o| {
                let low = o.value.filter(|v| v.is_finite())?;
                let high = o.value_max.filter(|v| v.is_finite()).unwrap_or(low);
                Some((o.measured_on, (low.min(high), low.max(high))))
            });
            let ranges: Vec<(NaiveDate, (f64, f64))> = ranges.collect();
            let Some(&(low, high)) = latest(ranges.iter().map(|(d, r)| (*d, r))) else { return Reading::default() };
            Reading {
                measured: Some(low),
                measured_max: Some(high),
                current: Some(low),
                done: false,
                has_evidence: true,
            }
        }
        _ => {
            let values: Vec<(NaiveDate, f64)> = observations
                .iter()
                .filter_map(|o| o.value.filter(|v| v.is_finite()).map(|v| (o.measured_on, v)))
                .collect();
            let measured = match target.aggregation {
                Aggregation::Sum if values.is_empty() => None,
                Aggregation::Sum => Some(values.iter().map(|(_, v)| v).sum::<f64>()),
                Aggregation::Latest => latest(values.iter().map(|(d, v)| (*d, v))).copied(),
            }
            .filter(|v| v.is_finite());
            Reading {
                measured,
                measured_max: None,
                current: measured.and_then(|m| in_target_terms(target, m)),
                done: false,
                has_evidence: !values.is_empty(),
            }
        }
    }
}

/// Whether the reading meets the final target.
fn target_met(target: &Target, reading: &Reading) -> bool {
    match target.op {
        Op::Deliverable => reading.done,
        Op::Between if target.range_kind() == RangeKind::Range => {
            match (target.min, target.max, reading.measured, reading.measured_max) {
                (Some(min), Some(max), Some(low), Some(high)) if min <= max => {
                    meets(Op::Le, low, min) && meets(Op::Ge, high, max)
                }
                _ => false,
            }
        }
        Op::Between => match (reading.current, target.goal()) {
            (Some(current), Some(goal)) => meets(Op::Ge, current, goal),
            _ => false,
        },
        op => match (reading.current, target.goal()) {
            (Some(current), Some(goal)) => meets(op, current, goal),
            _ => false,
        },
    }
}

/// Whether the reading meets a checkpoint (see the module docs).
fn checkpoint_met(target: &Target, checkpoint: &Checkpoint, reading: &Reading) -> bool {
    let planned = checkpoint.planned.filter(|p| p.is_finite());
    let (Some(planned), false) = (planned, matches!(target.op, Op::Deliverable)) else {
        return target_met(target, reading);
    };
    let goal = target.goal();
    let op = match target.op {
        Op::Between if target.range_kind() == RangeKind::Range => return target_met(target, reading),
        Op::Between | Op::Ge => Op::Ge,
        Op::Gt if goal.is_some_and(|g| planned >= g) => Op::Gt,
        Op::Gt => Op::Ge,
        Op::Lt if goal.is_some_and(|g| planned <= g) => Op::Lt,
        Op::Lt => Op::Le,
        op => op,
    };
    match reading.current {
        Some(current) => meets(op, current, planned),
        None => op == Op::Ge && planned <= 0.0,
    }
}

/// Clamps to 0..=1, NaN to 0.
fn unit_interval(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// Progress towards the final target (see [`Evaluation::progress`]).
fn progress(target: &Target, reading: &Reading, met: bool) -> f64 {
    if met {
        return 1.0;
    }
    let partial = match target.op {
        Op::Deliverable => 0.0,
        Op::Between if target.range_kind() == RangeKind::Range => {
            match (target.min, target.max, reading.measured, reading.measured_max) {
                (Some(min), Some(max), Some(low), Some(high)) if min < max => {
                    (high.min(max) - low.max(min)).max(0.0) / (max - min)
                }
                _ => 0.0,
            }
        }
        op => match (reading.current, target.goal()) {
            (Some(current), Some(goal)) => match op {
                Op::Le | Op::Lt if goal > 0.0 && current > 0.0 => goal / current,
                Op::Le | Op::Lt => 0.0,
                Op::Eq if goal != 0.0 => 1.0 - (current - goal).abs() / goal.abs(),
                Op::Eq => 0.0,
                _ if goal > 0.0 => current / goal,
                _ => 0.0,
            },
            _ => 0.0,
        },
    };
    unit_interval(partial).min(UNMET_PROGRESS_CAP)
}

/// Days from `from` to `to`.
fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    to.signed_duration_since(from).num_days()
}

/// The least-squares line through `points`, evaluated at `x`; `None` unless there are two distinct x.
fn least_squares_at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.0 - mean_x)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    // Centred sums keep the fit exact for day numbers far from zero; sxx is 0 when all x are equal.
    if sxx.is_nan() || sxx <= 0.0 {
        return None;
    }
    let at = mean_y + sxy / sxx * (x - mean_x);
    at.is_finite().then_some(at)
}

/// Extrapolates the verified pace to the period end (see [`Evaluation::forecast`]).
///
/// - After the period has ended there is nothing left to extrapolate: the forecast is the value reached.
/// - Sum: the total so far grows at its average rate since the period start
///   (`total × period days / elapsed days`); nothing before the start.
/// - Latest: the least-squares line through the observations (day, value), at the end date; with a
///   single observation date, the baseline at the start date is the second point. A line fitted to values
///   that were never negative is not extrapolated below zero.
fn forecast(
    target: &Target,
    values: &[(NaiveDate, f64)],
    reading: &Reading,
    period: Period,
    as_of: NaiveDate,
) -> Option<Forecast> {
    if target.op == Op::Deliverable || (target.op == Op::Between && target.range_kind() == RangeKind::Range) {
        return None;
    }
    let goal = target.goal()?;
    let span = days_between(period.start, period.end);
    let raw = if as_of >= period.end {
        reading.measured?
    } else {
        match target.aggregation {
            Aggregation::Sum => {
                let elapsed = days_between(period.start, as_of);
                if elapsed <= 0 {
                    return None;
                }
                reading.measured? * (span as f64 / elapsed as f64)
            }
            Aggregation::Latest => {
                let mut points: Vec<(f64, f64)> =
                    values.iter().map(|&(date, v)| (days_between(period.start, date) as f64, v)).collect();
                let distinct = points.iter().any(|p| Some(p.0) != points.first().map(|f| f.0));
                if !distinct {
                    let baseline = match target.change {
                        Some(_) => target.usable_baseline(),
                        None => target.baseline.filter(|b| b.is_finite()),
                    };
                    points.extend(baseline.map(|b| (0.0, b)));
                }
                let at = least_squares_at(&points, span as f64)?;
                if points.iter().all(|p| p.1 >= 0.0) { at.max(0.0) } else { at }
            }
        }
    };
    let at_end = in_target_terms(target, raw)?;
    let op = if target.op == Op::Between { Op::Ge } else { target.op };
    Some(Forecast { at_end, meets_target: meets(op, at_end, goal) })
}

/// Evaluates an indicator as of `as_of` (see the module docs for the rules).
///
/// `period` is the project's execution period (after any extension); `warning_days` is the at-risk
/// window (negative counts as 0: only what is due today). Checkpoints and observations may come in any
/// order; observations measured after `as_of` are ignored.
pub fn evaluate(
    target: &Target,
    checkpoints: &[Checkpoint],
    observations: &[Observation],
    period: Period,
    as_of: NaiveDate,
    warning_days: i64,
) -> Evaluation {
    let known: Vec<&Observation> = observations.iter().filter(|o| o.measured_on <= as_of).collect();
    let reading = read(target, &known);
    let met = target_met(target, &reading);
    let needs_baseline = target.change.is_some() && target.usable_baseline().is_none();
    let warning_days = warning_days.max(0);

    let passed_unmet =
        checkpoints.iter().filter(|c| c.due_on < as_of && !checkpoint_met(target, c, &reading)).map(|c| c.due_on).min();
    let due_soon = checkpoints
        .iter()
        .filter(|c| {
            c.due_on >= as_of && days_between(as_of, c.due_on) <= warning_days && !checkpoint_met(target, c, &reading)
        })
        .map(|c| c.due_on)
        .min();

    let (status, overdue_since) = if met {
        (Status::Achieved, None)
    } else if as_of > period.end {
        (Status::Missed, Some(passed_unmet.unwrap_or(period.end)))
    } else if let Some(since) = passed_unmet {
        (Status::Overdue, Some(since))
    } else if due_soon.is_some() {
        (Status::AtRisk, None)
    } else if !reading.has_evidence {
        (Status::NotStarted, None)
    } else {
        (Status::OnTrack, None)
    };

    let planned_to_date = latest(checkpoints.iter().filter(|c| c.due_on <= as_of).map(|c| (c.due_on, c)))
        .and_then(|c| c.planned)
        .filter(|p| p.is_finite());
    // The earliest upcoming checkpoint; among the same date, the first listed.
    let next_due = checkpoints
        .iter()
        .filter(|c| c.due_on >= as_of)
        .fold(None, |best: Option<&Checkpoint>, c| match best {
            Some(b) if b.due_on <= c.due_on => Some(b),
            _ => Some(c),
        })
        .cloned();
    let values: Vec<(NaiveDate, f64)> =
        known.iter().filter_map(|o| o.value.filter(|v| v.is_finite()).map(|v| (o.measured_on, v))).collect();

    Evaluation {
        status,
        days_overdue: overdue_since.map_or(0, |since| days_between(since, as_of).max(0)),
        overdue_since,
        current: reading.current,
        current_max: reading.measured_max,
        measured: reading.measured,
        done: reading.done,
        planned_to_date,
        progress: progress(target, &reading, met),
        next_due,
        due_soon: due_soon.filter(|_| status == Status::AtRisk),
        forecast: forecast(target, &values, &reading, period, as_of),
        needs_baseline,
    }
}

/// A stretch of as-of dates over which an indicator's status stays the same: `from` included, `until`
/// excluded (`None`: from then on).
///
/// Storing an indicator's timeline lets the portfolio's lists and counts be one indexed query for any
/// as-of date while every verdict still comes from [`evaluate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSpan {
    /// The status over the span.
    pub status: Status,
    /// For overdue and missed, the earliest due date that passed unmet (days overdue count from it); for
    /// at risk, the checkpoint falling due; otherwise `None`. Constant over the span.
    pub since: Option<NaiveDate>,
    /// The first as-of date of the span; `None` for the first span, which holds from the beginning.
    pub from: Option<NaiveDate>,
    /// The first as-of date after it.
    pub until: Option<NaiveDate>,
}

/// An indicator's statuses on every date (see [`StatusSpan`]).
///
/// An evaluation only changes on the days evidence was measured, a checkpoint enters the warning
/// window or passes, and the day after the period ends; the timeline evaluates the earliest date and
/// those days, and merges neighbours that say the same.
pub fn timeline(
    target: &Target,
    checkpoints: &[Checkpoint],
    observations: &[Observation],
    period: Period,
    warning_days: i64,
) -> Vec<StatusSpan> {
    let warning = chrono::Days::new(warning_days.max(0).unsigned_abs());
    let mut days: Vec<NaiveDate> = vec![NaiveDate::MIN];
    days.extend(observations.iter().map(|o| o.measured_on));
    for checkpoint in checkpoints {
        days.extend(checkpoint.due_on.checked_sub_days(warning));
        days.extend(checkpoint.due_on.succ_opt());
    }
    days.extend(period.end.succ_opt());
    days.sort_unstable();
    days.dedup();
    let mut spans: Vec<StatusSpan> = Vec::new();
    for day in days {
        let e = evaluate(target, checkpoints, observations, period, day, warning_days);
        let since = match e.status {
            Status::Overdue | Status::Missed => e.overdue_since,
            Status::AtRisk => e.due_soon,
            _ => None,
        };
        if let Some(last) = spans.last_mut() {
            if (last.status, last.since) == (e.status, since) {
                continue;
            }
            last.until = Some(day);
        }
        let from = (day != NaiveDate::MIN).then_some(day);
        spans.push(StatusSpan { status: e.status, since, from, until: None });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::tests::{any_date, any_number, any_target, between, d, target};
    use crate::domain::plan::{CheckpointKind, Profile, Schedule, plan, plan_deliverable};
    use proptest::prelude::*;

    // The standard period: 729 days, mid-term on 2025-12-31.
    const START: (i32, u32, u32) = (2025, 1, 1);
    const END: (i32, u32, u32) = (2026, 12, 31);

    fn period() -> Period {
        Period { start: d(START.0, START.1, START.2), end: d(END.0, END.1, END.2) }
    }
    fn mid() -> NaiveDate {
        d(2025, 12, 31)
    }
    fn early() -> NaiveDate {
        d(2025, 3, 1)
    }
    /// 21 days before the mid-term check.
    fn near_mid() -> NaiveDate {
        d(2025, 12, 10)
    }
    /// 10 days after the mid-term check.
    fn after_mid() -> NaiveDate {
        d(2026, 1, 10)
    }
    /// 5 days after the end.
    fn after_end() -> NaiveDate {
        d(2027, 1, 5)
    }

    /// A relative target whose baseline, when given, is in 吨.
    fn relative(change: Change, value: f64, baseline: Option<f64>) -> Target {
        Target {
            change: Some(change),
            baseline,
            baseline_unit: Some("吨".into()),
            ..target(Op::Ge, Some(value), Some("%"))
        }
    }
    fn default_plan(target: &Target) -> Vec<Checkpoint> {
        let p = period();
        plan(p.start, p.end, target, Schedule::MidtermAndEnd, &Profile::default_for(target)).unwrap()
    }
    fn v(date: NaiveDate, value: f64) -> Observation {
        Observation::value(date, value)
    }
    fn eval(target: &Target, observations: &[Observation], as_of: NaiveDate) -> Evaluation {
        evaluate(target, &default_plan(target), observations, period(), as_of, DEFAULT_WARNING_DAYS)
    }

    struct Case {
        name: &'static str,
        target: Target,
        checkpoints: Option<Vec<Checkpoint>>,
        observations: Vec<Observation>,
        as_of: NaiveDate,
        status: Status,
        days_overdue: i64,
    }

    fn case(
        name: &'static str,
        target: &Target,
        observations: Vec<Observation>,
        as_of: NaiveDate,
        status: Status,
        days: i64,
    ) -> Case {
        Case { name, target: target.clone(), checkpoints: None, observations, as_of, status, days_overdue: days }
    }

    fn run(cases: Vec<Case>) {
        for c in cases {
            let checkpoints = c.checkpoints.clone().unwrap_or_else(|| default_plan(&c.target));
            let e = evaluate(&c.target, &checkpoints, &c.observations, period(), c.as_of, DEFAULT_WARNING_DAYS);
            assert_eq!((e.status, e.days_overdue), (c.status, c.days_overdue), "{}: {e:?}", c.name);
            assert_eq!(e.progress == 1.0, e.status == Status::Achieved, "{}: progress {}", c.name, e.progress);
            assert!((0.0..=1.0).contains(&e.progress), "{}", c.name);
        }
    }

    #[test]
    fn every_status_for_higher_is_better_ops() {
        use Status::*;
        let ge = target(Op::Ge, Some(40.0), Some("人次")); // sum; linear plan: 20 at mid-term, 40 at the end
        let gt = target(Op::Gt, Some(30.0), None); // full target at both checkpoints
        let (jan, feb) = (d(2025, 1, 20), d(2025, 2, 1));
        run(vec![
            case(">= not started", &ge, vec![], early(), NotStarted, 0),
            case(">= on track", &ge, vec![v(feb, 5.0)], early(), OnTrack, 0),
            case(">= at risk", &ge, vec![v(feb, 5.0), v(d(2025, 11, 1), 10.0)], near_mid(), AtRisk, 0),
            case(">= overdue", &ge, vec![v(feb, 5.0), v(d(2025, 11, 1), 10.0)], after_mid(), Overdue, 10),
            case(
                ">= on track after the mid-term",
                &ge,
                vec![v(feb, 5.0), v(d(2025, 11, 1), 15.0)],
                after_mid(),
                OnTrack,
                0,
            ),
            case(">= achieved", &ge, vec![v(feb, 25.0), v(d(2025, 11, 1), 15.0)], after_mid(), Achieved, 0),
            case(">= missed", &ge, vec![v(feb, 30.0)], after_end(), Missed, 5),
            case("> not started", &gt, vec![], early(), NotStarted, 0),
            case("> on track", &gt, vec![v(jan, 30.0)], early(), OnTrack, 0),
            case("> at risk when only equal", &gt, vec![v(jan, 30.0)], near_mid(), AtRisk, 0),
            case("> overdue when only equal", &gt, vec![v(jan, 30.0)], after_mid(), Overdue, 10),
            case("> achieved", &gt, vec![v(jan, 30.5)], after_mid(), Achieved, 0),
            case("> missed", &gt, vec![v(jan, 29.0)], after_end(), Missed, 370),
        ]);
    }

    #[test]
    fn every_status_for_lower_is_better_and_exact_ops() {
        use Status::*;
        let le = target(Op::Le, Some(0.5), Some("h"));
        let lt = target(Op::Lt, Some(200.0), Some("ms"));
        let eq = target(Op::Eq, Some(3.0), Some("套"));
        let jan = d(2025, 1, 20);
        run(vec![
            case("<= not started", &le, vec![], early(), NotStarted, 0),
            case("<= on track", &le, vec![v(jan, 0.8)], early(), OnTrack, 0),
            case("<= at risk", &le, vec![v(jan, 0.8)], near_mid(), AtRisk, 0),
            case("<= overdue", &le, vec![v(jan, 0.8)], after_mid(), Overdue, 10),
            case("<= overdue without evidence", &le, vec![], after_mid(), Overdue, 10),
            case("<= achieved at the boundary", &le, vec![v(jan, 0.5)], after_mid(), Achieved, 0),
            case("<= missed", &le, vec![v(jan, 0.6)], after_end(), Missed, 370),
            case("< not started", &lt, vec![], early(), NotStarted, 0),
            case("< on track", &lt, vec![v(jan, 250.0)], early(), OnTrack, 0),
            case("< at risk", &lt, vec![v(jan, 200.0)], near_mid(), AtRisk, 0),
            case("< overdue when only equal", &lt, vec![v(jan, 200.0)], after_mid(), Overdue, 10),
            case("< achieved", &lt, vec![v(jan, 199.0)], after_mid(), Achieved, 0),
            case("< missed", &lt, vec![v(jan, 200.0)], after_end(), Missed, 370),
            case("= not started", &eq, vec![], early(), NotStarted, 0),
            case("= on track", &eq, vec![v(jan, 1.0)], early(), OnTrack, 0),
            case("= at risk", &eq, vec![v(jan, 2.0)], near_mid(), AtRisk, 0),
            case("= overdue above", &eq, vec![v(jan, 4.0)], after_mid(), Overdue, 10),
            case("= achieved", &eq, vec![v(jan, 3.0)], after_mid(), Achieved, 0),
            case("= achieved within the tolerance", &eq, vec![v(jan, 3.002)], after_mid(), Achieved, 0),
            case("= missed outside the tolerance", &eq, vec![v(jan, 3.01)], after_end(), Missed, 370),
        ]);
    }

    #[test]
    fn every_status_for_ranges() {
        use Status::*;
        let count = between(3.0, 5.0, "种"); // latest; linear towards 3: 364/729 × 3 = 1.498 → 1 at mid-term
        let ph = between(2.0, 13.0, "pH"); // the whole range due at both checkpoints
        let jan = d(2025, 1, 20);
        let r = Observation::range;
        run(vec![
            case("count not started", &count, vec![], early(), NotStarted, 0),
            case("count on track", &count, vec![v(jan, 0.0)], early(), OnTrack, 0),
            case("count at risk", &count, vec![v(jan, 0.0)], near_mid(), AtRisk, 0),
            case("count overdue", &count, vec![v(jan, 0.0)], after_mid(), Overdue, 10),
            case("count on track at the mid-term plan", &count, vec![v(jan, 1.0)], after_mid(), OnTrack, 0),
            case("count achieved at min", &count, vec![v(jan, 3.0)], after_mid(), Achieved, 0),
            case("count achieved above max", &count, vec![v(jan, 6.0)], after_mid(), Achieved, 0),
            case("count missed", &count, vec![v(jan, 2.0)], after_end(), Missed, 5),
            case("range not started", &ph, vec![], early(), NotStarted, 0),
            case("range on track", &ph, vec![r(jan, 3.0, 12.0)], early(), OnTrack, 0),
            case("range at risk", &ph, vec![r(jan, 3.0, 12.0)], near_mid(), AtRisk, 0),
            case("range overdue when not covered", &ph, vec![r(jan, 3.0, 13.0)], after_mid(), Overdue, 10),
            case("range overdue with a single value", &ph, vec![v(jan, 7.0)], after_mid(), Overdue, 10),
            case("range achieved exactly", &ph, vec![r(jan, 2.0, 13.0)], after_mid(), Achieved, 0),
            case("range achieved wider", &ph, vec![r(jan, 1.5, 14.0)], after_mid(), Achieved, 0),
            case("range achieved reported reversed", &ph, vec![r(jan, 13.0, 2.0)], after_mid(), Achieved, 0),
            case(
                "range: the latest report replaces",
                &ph,
                vec![r(jan, 2.0, 13.0), r(d(2025, 6, 1), 3.0, 13.0)],
                after_mid(),
                Overdue,
                10,
            ),
            case("range missed", &ph, vec![r(jan, 3.0, 12.0)], after_end(), Missed, 370),
        ]);
    }

    #[test]
    fn every_status_for_relative_changes() {
        use Status::*;
        let increase = relative(Change::Increase, 10.0, Some(100.0));
        let decrease = relative(Change::Decrease, 15.0, Some(200.0));
        let no_baseline = relative(Change::Increase, 10.0, None);
        let zero_baseline = relative(Change::Increase, 10.0, Some(0.0));
        let jan = d(2025, 1, 20);
        run(vec![
            case("increase not started", &increase, vec![], early(), NotStarted, 0),
            case("increase on track", &increase, vec![v(jan, 105.0)], early(), OnTrack, 0),
            case("increase at risk", &increase, vec![v(jan, 105.0)], near_mid(), AtRisk, 0),
            case("increase overdue", &increase, vec![v(jan, 105.0)], after_mid(), Overdue, 10),
            case("increase achieved", &increase, vec![v(jan, 110.0)], after_mid(), Achieved, 0),
            case("increase missed", &increase, vec![v(jan, 109.0)], after_end(), Missed, 370),
            case("decrease not started", &decrease, vec![], early(), NotStarted, 0),
            case("decrease on track", &decrease, vec![v(jan, 190.0)], early(), OnTrack, 0),
            case("decrease at risk", &decrease, vec![v(jan, 190.0)], near_mid(), AtRisk, 0),
            case("decrease overdue", &decrease, vec![v(jan, 180.0)], after_mid(), Overdue, 10),
            case("decrease achieved", &decrease, vec![v(jan, 170.0)], after_mid(), Achieved, 0),
            case(
                "decrease missed: an increase is no decrease",
                &decrease,
                vec![v(jan, 260.0)],
                after_end(),
                Missed,
                370,
            ),
            case("no baseline not started", &no_baseline, vec![], early(), NotStarted, 0),
            case("no baseline on track", &no_baseline, vec![v(jan, 200.0)], early(), OnTrack, 0),
            case("no baseline at risk", &no_baseline, vec![v(jan, 200.0)], near_mid(), AtRisk, 0),
            case("no baseline never achieved", &no_baseline, vec![v(jan, 200.0)], after_mid(), Overdue, 10),
            case("no baseline missed", &no_baseline, vec![v(jan, 200.0)], after_end(), Missed, 370),
            case("zero baseline never achieved", &zero_baseline, vec![v(jan, 200.0)], after_mid(), Overdue, 10),
        ]);
        let table: &[(&Target, Option<f64>, Option<f64>, bool)] = &[
            (&increase, Some(111.0), Some(11.0), false),
            (&decrease, Some(170.0), Some(15.0), false),
            (&no_baseline, Some(200.0), None, true),
            (&zero_baseline, Some(200.0), None, true),
            (&relative(Change::Increase, 10.0, Some(f64::NAN)), Some(200.0), None, true),
            // A negative baseline: the change is measured against its magnitude.
            (&relative(Change::Increase, 10.0, Some(-50.0)), Some(-40.0), Some(20.0), false),
        ];
        for &(t, value, current, needs_baseline) in table {
            let e = eval(t, &[v(jan, value.unwrap_or(0.0))], after_mid());
            assert_eq!(e.measured, value, "{t:?}");
            assert_eq!(e.current.map(|c| (c * 1e9).round() / 1e9), current, "{t:?}");
            assert_eq!(e.needs_baseline, needs_baseline, "{t:?}");
        }
        // The flag is set with or without evidence.
        assert!(eval(&no_baseline, &[], early()).needs_baseline);
        assert!(!eval(&target(Op::Ge, Some(1.0), None), &[], early()).needs_baseline);
    }

    #[test]
    fn every_status_for_deliverables() {
        use Status::*;
        let del = target(Op::Deliverable, None, None); // due at the end of term
        let p = period();
        let mid_due = plan_deliverable(p.start, p.end, Some(mid())).unwrap();
        let progress_report = Observation::deliverable(d(2025, 2, 1), false);
        let done = Observation::deliverable(d(2025, 11, 1), true);
        run(vec![
            case("not started", &del, vec![], early(), NotStarted, 0),
            case("on track with a progress report", &del, vec![progress_report.clone()], early(), OnTrack, 0),
            case("on track before the window", &del, vec![], d(2026, 11, 30), NotStarted, 0),
            case("at risk", &del, vec![progress_report.clone()], d(2026, 12, 15), AtRisk, 0),
            case("achieved", &del, vec![progress_report.clone(), done.clone()], after_mid(), Achieved, 0),
            case("achieved after the end", &del, vec![done.clone()], after_end(), Achieved, 0),
            case("missed", &del, vec![progress_report.clone()], after_end(), Missed, 5),
            Case {
                name: "overdue on its own due date",
                target: del.clone(),
                checkpoints: Some(mid_due.clone()),
                observations: vec![progress_report.clone()],
                as_of: after_mid(),
                status: Overdue,
                days_overdue: 10,
            },
            Case {
                name: "done after the as-of date does not count",
                target: del.clone(),
                checkpoints: Some(mid_due),
                observations: vec![Observation::deliverable(d(2026, 2, 1), true)],
                as_of: after_mid(),
                status: Overdue,
                days_overdue: 10,
            },
        ]);
        let e = eval(&del, &[done], after_mid());
        assert_eq!((e.current, e.done, e.forecast, e.planned_to_date), (None, true, None, None));
    }

    #[test]
    fn boundaries() {
        use Status::*;
        let ge = target(Op::Ge, Some(40.0), Some("人次")); // 20 due at the mid-term (2025-12-31), 40 at the end
        let some = vec![v(d(2025, 2, 1), 15.0)];
        let at = |as_of: NaiveDate, warning: i64, observations: &[Observation]| {
            let e = evaluate(&ge, &default_plan(&ge), observations, period(), as_of, warning);
            (e.status, e.days_overdue)
        };
        // (name, as of, warning days, observations, (status, days overdue))
        type Row<'a> = (&'a str, NaiveDate, i64, Vec<Observation>, (Status, i64));
        let table: Vec<Row> = vec![
            ("due exactly today", mid(), 30, some.clone(), (AtRisk, 0)),
            ("the day after", d(2026, 1, 1), 30, some.clone(), (Overdue, 1)),
            ("first day of the window", d(2025, 12, 1), 30, some.clone(), (AtRisk, 0)),
            ("the day before the window", d(2025, 11, 30), 30, some.clone(), (OnTrack, 0)),
            ("no window: due today", mid(), 0, some.clone(), (AtRisk, 0)),
            ("no window: due tomorrow", d(2025, 12, 30), 0, some.clone(), (OnTrack, 0)),
            ("negative window counts as none", mid(), -5, some.clone(), (AtRisk, 0)),
            ("negative window, due tomorrow", d(2025, 12, 30), -5, some.clone(), (OnTrack, 0)),
            ("huge window", early(), i64::MAX, some.clone(), (AtRisk, 0)),
            ("without evidence, in the window", d(2025, 12, 1), 30, vec![], (AtRisk, 0)),
            ("before the start", d(2024, 6, 1), 30, vec![], (NotStarted, 0)),
            (
                "before the start, evidence after the date",
                d(2024, 6, 1),
                30,
                vec![v(d(2024, 7, 1), 50.0)],
                (NotStarted, 0),
            ),
            ("before the start, evidence before it", d(2024, 6, 1), 30, vec![v(d(2024, 5, 1), 50.0)], (Achieved, 0)),
            ("the last day of the period", period().end, 30, vec![v(d(2025, 2, 1), 30.0)], (AtRisk, 0)),
            ("the day after the period", d(2027, 1, 1), 30, vec![v(d(2025, 2, 1), 30.0)], (Missed, 1)),
            (
                "evidence after the date is ignored",
                d(2026, 5, 31),
                30,
                vec![v(d(2025, 2, 1), 25.0), v(d(2026, 6, 1), 15.0)],
                (OnTrack, 0),
            ),
            (
                "and counts from its date",
                d(2026, 6, 1),
                30,
                vec![v(d(2025, 2, 1), 25.0), v(d(2026, 6, 1), 15.0)],
                (Achieved, 0),
            ),
            (
                "evidence measured after the end, by the date",
                after_end(),
                30,
                vec![v(d(2027, 1, 3), 40.0)],
                (Achieved, 0),
            ),
            ("missed without evidence counts from the mid-term", after_end(), 30, vec![], (Missed, 370)),
        ];
        for (name, as_of, warning, observations, expected) in table {
            assert_eq!(at(as_of, warning, &observations), expected, "{name}");
        }
        // No checkpoints at all: nothing is ever overdue or at risk before the end.
        let e = evaluate(&ge, &[], &some, period(), after_mid(), 30);
        assert_eq!(e.status, OnTrack);
        let e = evaluate(&ge, &[], &some, period(), after_end(), 30);
        assert_eq!((e.status, e.days_overdue, e.overdue_since), (Missed, 5, Some(period().end)));
    }

    #[test]
    fn days_overdue_count_from_the_earliest_unmet_due_date() {
        let ge = target(Op::Ge, Some(40.0), Some("人次"));
        let p = Period { start: d(2025, 1, 1), end: d(2025, 12, 31) };
        // Quarterly: 10 on 04-01, 20 on 07-01, 30 on 10-01, 40 on 12-31.
        let checkpoints = plan(p.start, p.end, &ge, Schedule::Quarterly, &Profile::Linear).unwrap();
        let mut reversed = checkpoints.clone();
        reversed.reverse();
        let table: &[(f64, NaiveDate, Status, i64, Option<NaiveDate>)] = &[
            (5.0, d(2025, 7, 15), Status::Overdue, 105, Some(d(2025, 4, 1))),
            (12.0, d(2025, 7, 15), Status::Overdue, 14, Some(d(2025, 7, 1))),
            (25.0, d(2025, 10, 5), Status::Overdue, 4, Some(d(2025, 10, 1))),
            (30.0, d(2025, 10, 5), Status::OnTrack, 0, None),
            (5.0, d(2026, 1, 10), Status::Missed, 284, Some(d(2025, 4, 1))),
            (35.0, d(2026, 1, 10), Status::Missed, 10, Some(d(2025, 12, 31))),
        ];
        for &(total, as_of, status, days, since) in table {
            for plan in [&checkpoints, &reversed] {
                let e = evaluate(&ge, plan, &[v(d(2025, 1, 10), total)], p, as_of, 0);
                assert_eq!((e.status, e.days_overdue, e.overdue_since), (status, days, since), "{total} {as_of}");
            }
        }
    }

    #[test]
    fn a_zero_plan_is_met_without_evidence() {
        // One 套 over two years, quarterly: the first quarters round to 0 and are due without anything done.
        let t = target(Op::Ge, Some(1.0), Some("套"));
        let p = period();
        let checkpoints = plan(p.start, p.end, &t, Schedule::Quarterly, &Profile::Linear).unwrap();
        assert_eq!(checkpoints.first().and_then(|c| c.planned), Some(0.0));
        let e = evaluate(&t, &checkpoints, &[], p, d(2025, 4, 10), 0);
        assert_eq!(e.status, Status::NotStarted);
        let e = evaluate(&t, &checkpoints, &[], p, d(2026, 1, 10), 0);
        assert_eq!(e.status, Status::Overdue); // 0.5 rounds to 1 on 2026-01-01
    }

    #[test]
    fn sum_and_latest_aggregation() {
        let obs = vec![v(d(2025, 2, 1), 10.0), v(d(2025, 3, 1), 15.0), v(d(2025, 1, 15), 20.0)];
        let ties = vec![v(d(2025, 3, 1), 15.0), v(d(2025, 3, 1), 18.0), v(d(2025, 2, 1), 30.0)];
        let noisy = vec![v(d(2025, 2, 1), f64::NAN), v(d(2025, 2, 2), 5.0), v(d(2025, 2, 3), f64::INFINITY)];
        let valueless = vec![Observation::deliverable(d(2025, 2, 1), true)];
        let overflow = vec![v(d(2025, 2, 1), f64::MAX), v(d(2025, 2, 2), f64::MAX)];
        // (name, observations, aggregation, measured value, status)
        type Row<'a> = (&'a str, &'a [Observation], Aggregation, Option<f64>, Status);
        let table: Vec<Row> = vec![
            ("sum", &obs, Aggregation::Sum, Some(45.0), Status::Achieved),
            ("latest is the most recent by date", &obs, Aggregation::Latest, Some(15.0), Status::OnTrack),
            ("sum of ties", &ties, Aggregation::Sum, Some(63.0), Status::Achieved),
            ("latest of ties is the last logged", &ties, Aggregation::Latest, Some(18.0), Status::OnTrack),
            ("non-finite values ignored (sum)", &noisy, Aggregation::Sum, Some(5.0), Status::OnTrack),
            ("non-finite values ignored (latest)", &noisy, Aggregation::Latest, Some(5.0), Status::OnTrack),
            ("no values", &valueless, Aggregation::Sum, None, Status::NotStarted),
            ("a sum that overflows is no value", &overflow, Aggregation::Sum, None, Status::OnTrack),
            ("nothing", &[], Aggregation::Latest, None, Status::NotStarted),
        ];
        for (name, observations, aggregation, measured, status) in table {
            let t = Target { aggregation, ..target(Op::Ge, Some(40.0), Some("人")) };
            let e = eval(&t, observations, early());
            assert_eq!((e.measured, e.current, e.status), (measured, measured, status), "{name}");
        }
    }

    #[test]
    fn planned_to_date_and_next_due() {
        let ge = target(Op::Ge, Some(40.0), Some("人次"));
        let mid_cp = Checkpoint { due_on: mid(), planned: Some(20.0), kind: CheckpointKind::MidTerm };
        let end_cp = Checkpoint { due_on: period().end, planned: Some(40.0), kind: CheckpointKind::EndOfTerm };
        let table: Vec<(NaiveDate, Option<f64>, Option<&Checkpoint>)> = vec![
            (early(), None, Some(&mid_cp)),
            (mid(), Some(20.0), Some(&mid_cp)),
            (after_mid(), Some(20.0), Some(&end_cp)),
            (period().end, Some(40.0), Some(&end_cp)),
            (after_end(), Some(40.0), None),
        ];
        for (as_of, planned, next) in table {
            let e = eval(&ge, &[], as_of);
            assert_eq!((e.planned_to_date, e.next_due.as_ref()), (planned, next), "{as_of}");
        }
        // A physical range plans no number.
        assert_eq!(eval(&between(2.0, 13.0, "pH"), &[], after_mid()).planned_to_date, None);
    }

    #[test]
    fn progress_per_op() {
        let jan = d(2025, 1, 20);
        let ph = between(2.0, 13.0, "pH");
        let table: Vec<(&str, Target, Vec<Observation>, f64)> = vec![
            (">= part", target(Op::Ge, Some(40.0), Some("人")), vec![v(jan, 10.0)], 0.25),
            (">= none", target(Op::Ge, Some(40.0), Some("人")), vec![], 0.0),
            (">= negative", target(Op::Ge, Some(40.0), Some("人")), vec![v(jan, -10.0)], 0.0),
            (">= met", target(Op::Ge, Some(40.0), Some("人")), vec![v(jan, 50.0)], 1.0),
            (">= zero target met", target(Op::Ge, Some(0.0), Some("人")), vec![v(jan, 0.0)], 1.0),
            ("> equal is not complete", target(Op::Gt, Some(30.0), None), vec![v(jan, 30.0)], UNMET_PROGRESS_CAP),
            ("<= twice the target", target(Op::Le, Some(0.5), Some("h")), vec![v(jan, 1.0)], 0.5),
            ("<= met", target(Op::Le, Some(0.5), Some("h")), vec![v(jan, 0.2)], 1.0),
            ("<= zero target", target(Op::Le, Some(0.0), Some("h")), vec![v(jan, 1.0)], 0.0),
            ("< equal", target(Op::Lt, Some(200.0), Some("ms")), vec![v(jan, 200.0)], UNMET_PROGRESS_CAP),
            ("= below", target(Op::Eq, Some(4.0), Some("套")), vec![v(jan, 3.0)], 0.75),
            ("= far above", target(Op::Eq, Some(3.0), Some("套")), vec![v(jan, 9.0)], 0.0),
            ("count range", between(3.0, 5.0, "种"), vec![v(jan, 2.0)], 2.0 / 3.0),
            ("physical range part", ph.clone(), vec![Observation::range(jan, 3.0, 13.0)], 10.0 / 11.0),
            ("physical range outside", ph.clone(), vec![Observation::range(jan, 20.0, 30.0)], 0.0),
            ("physical range single value", ph, vec![v(jan, 7.0)], 0.0),
            ("increase half way", relative(Change::Increase, 10.0, Some(100.0)), vec![v(jan, 105.0)], 0.5),
            ("increase went down", relative(Change::Increase, 10.0, Some(100.0)), vec![v(jan, 95.0)], 0.0),
            ("increase without baseline", relative(Change::Increase, 10.0, None), vec![v(jan, 500.0)], 0.0),
            (
                "deliverable pending",
                target(Op::Deliverable, None, None),
                vec![Observation::deliverable(jan, false)],
                0.0,
            ),
            ("deliverable done", target(Op::Deliverable, None, None), vec![Observation::deliverable(jan, true)], 1.0),
            ("invalid target", target(Op::Ge, Some(f64::NAN), None), vec![v(jan, 1.0)], 0.0),
        ];
        for (name, t, observations, expected) in table {
            let e = eval_unplanned(&t, &observations, after_mid());
            assert!((e.progress - expected).abs() < 1e-9, "{name}: {} ≠ {expected}", e.progress);
        }
    }

    /// Evaluates without checkpoints (for targets the planner would refuse).
    fn eval_unplanned(target: &Target, observations: &[Observation], as_of: NaiveDate) -> Evaluation {
        evaluate(target, &[], observations, period(), as_of, DEFAULT_WARNING_DAYS)
    }

    #[test]
    fn forecasts() {
        let year = Period { start: d(2025, 1, 1), end: d(2025, 12, 31) }; // 364 days
        let (q1, h1) = (d(2025, 4, 2), d(2025, 7, 2)); // days 91 and 182
        let area_sum = Target { aggregation: Aggregation::Sum, ..target(Op::Ge, Some(20000.0), Some("亩")) };
        let area = target(Op::Ge, Some(20000.0), Some("亩"));
        let accuracy = Target { baseline: Some(80.0), ..target(Op::Ge, Some(95.0), Some("%")) };
        let time = target(Op::Le, Some(0.5), Some("h"));
        let f = |at_end: f64, meets_target: bool| Some(Forecast { at_end, meets_target });
        // (name, target, observations, as of, forecast)
        type Row<'a> = (&'a str, Target, Vec<Observation>, NaiveDate, Option<Forecast>);
        let table: Vec<Row> = vec![
            (
                "sum: pace since the start",
                area_sum.clone(),
                vec![v(q1, 3000.0), v(d(2025, 6, 1), 4000.0)],
                h1,
                f(14000.0, false),
            ),
            ("sum: on pace", area_sum.clone(), vec![v(q1, 10000.0)], h1, f(20000.0, true)),
            ("sum: nothing elapsed", area_sum.clone(), vec![v(d(2024, 12, 1), 10.0)], year.start, None),
            ("sum: no data", area_sum.clone(), vec![], h1, None),
            (
                "sum: after the end, the value reached",
                area_sum,
                vec![v(q1, 18000.0)],
                d(2026, 1, 10),
                f(18000.0, false),
            ),
            ("latest: a line through two", area.clone(), vec![v(q1, 3500.0), v(h1, 7000.0)], h1, f(14000.0, false)),
            (
                "latest: least squares through three",
                area.clone(),
                vec![v(year.start, 0.0), v(q1, 4000.0), v(h1, 6000.0)],
                h1,
                f(37000.0 / 3.0, false),
            ),
            (
                "latest: later evidence ignored",
                area.clone(),
                vec![v(q1, 3500.0), v(h1, 7000.0), v(d(2025, 8, 1), 1.0)],
                h1,
                f(14000.0, false),
            ),
            ("latest: one value, no baseline", area.clone(), vec![v(h1, 7000.0)], h1, None),
            ("latest: two values the same day", area, vec![v(h1, 7000.0), v(h1, 7100.0)], h1, None),
            ("latest: one value and the baseline", accuracy.clone(), vec![v(h1, 88.0)], h1, f(96.0, true)),
            ("latest: the baseline's day only", accuracy, vec![v(year.start, 88.0)], h1, None),
            ("latest: not below zero", time, vec![v(q1, 2.0), v(h1, 1.0)], h1, f(0.0, true)),
            (
                "relative: the change at the end",
                relative(Change::Increase, 10.0, Some(100.0)),
                vec![v(h1, 105.0)],
                h1,
                f(10.0, true),
            ),
            (
                "relative: no baseline",
                relative(Change::Increase, 10.0, None),
                vec![v(q1, 100.0), v(h1, 105.0)],
                h1,
                None,
            ),
            ("count range towards min", between(3.0, 5.0, "种"), vec![v(q1, 1.0), v(h1, 2.0)], h1, f(4.0, true)),
            ("physical range", between(2.0, 13.0, "pH"), vec![Observation::range(h1, 2.0, 13.0)], h1, None),
            ("deliverable", target(Op::Deliverable, None, None), vec![Observation::deliverable(q1, false)], h1, None),
        ];
        for (name, t, observations, as_of, expected) in table {
            let e = evaluate(&t, &[], &observations, year, as_of, 30);
            let rounded = e.forecast.map(|f| Forecast { at_end: (f.at_end * 1e6).round() / 1e6, ..f });
            let expected = expected.map(|f| Forecast { at_end: (f.at_end * 1e6).round() / 1e6, ..f });
            assert_eq!(rounded, expected, "{name}");
        }
    }

    #[test]
    fn status_names_and_severity() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("late"), None);
        let severities: Vec<u8> = Status::ALL.iter().map(|s| s.severity()).collect();
        assert_eq!(severities, vec![0, 1, 2, 3, 4, 5]);
    }

    fn any_observation() -> impl Strategy<Value = Observation> {
        (any_date(), proptest::option::of(any_number()), proptest::option::of(any_number()), any::<bool>())
            .prop_map(|(measured_on, value, value_max, done)| Observation { measured_on, value, value_max, done })
    }

    fn any_checkpoint() -> impl Strategy<Value = Checkpoint> {
        (any_date(), proptest::option::of(any_number())).prop_map(|(due_on, planned)| Checkpoint {
            due_on,
            planned,
            kind: CheckpointKind::Manual,
        })
    }

    proptest! {
        #[test]
        fn evaluate_never_panics_and_is_consistent(
            target in any_target(),
            checkpoints in proptest::collection::vec(any_checkpoint(), 0..5),
            observations in proptest::collection::vec(any_observation(), 0..6),
            start in any_date(), end in any_date(), as_of in any_date(),
            warning in prop_oneof![Just(i64::MIN), Just(i64::MAX), -40i64..400],
        ) {
            let e = evaluate(&target, &checkpoints, &observations, Period { start, end }, as_of, warning);
            prop_assert!((0.0..=1.0).contains(&e.progress));
            prop_assert_eq!(e.progress == 1.0, e.status == Status::Achieved);
            prop_assert!(e.days_overdue >= 0);
            prop_assert_eq!(e.overdue_since.is_some(), matches!(e.status, Status::Overdue | Status::Missed));
            if !matches!(e.status, Status::Overdue | Status::Missed) {
                prop_assert_eq!(e.days_overdue, 0);
            }
            prop_assert!(e.current.is_none_or(f64::is_finite));
            prop_assert!(e.forecast.is_none_or(|f| f.at_end.is_finite()));
            prop_assert!(Status::ALL.contains(&e.status));
        }

        #[test]
        fn planned_evaluations_never_panic(
            target in any_target(),
            observations in proptest::collection::vec(any_observation(), 0..6),
            start in any_date(), days in 0i64..2000, as_of in any_date(),
            schedule in crate::domain::plan::tests::any_schedule(),
        ) {
            let end = start.checked_add_signed(chrono::TimeDelta::days(days)).unwrap_or(start);
            let profile = Profile::default_for(&target);
            let checkpoints = plan(start, end, &target, schedule, &profile).unwrap_or_default();
            let e = evaluate(&target, &checkpoints, &observations, Period { start, end }, as_of, DEFAULT_WARNING_DAYS);
            prop_assert!((0.0..=1.0).contains(&e.progress));
        }
    }

    fn timeline_at(spans: &[StatusSpan], day: NaiveDate) -> Vec<&StatusSpan> {
        spans.iter().filter(|s| s.from.is_none_or(|f| f <= day) && s.until.is_none_or(|u| u > day)).collect()
    }

    /// The timeline agrees with `evaluate` on every day: exactly one span holds
    /// each day, with the evaluation's status and its overdue-since (or, at risk, due-soon) date.
    #[test]
    fn the_timeline_agrees_with_evaluate_day_by_day() {
        let period = Period { start: d(2024, 12, 1), end: d(2026, 11, 30) };
        let cases: Vec<(Target, Vec<Observation>)> = vec![
            (
                target(Op::Ge, Some(20000.0), Some("亩")),
                vec![Observation::value(d(2025, 9, 1), 8000.0), Observation::value(d(2026, 3, 1), 12000.0)],
            ),
            (
                target(Op::Ge, Some(95.0), Some("%")),
                vec![Observation::value(d(2025, 12, 20), 96.0), Observation::value(d(2026, 2, 1), 90.0)],
            ),
            (target(Op::Le, Some(0.5), Some("h")), vec![Observation::value(d(2026, 1, 10), 0.4)]),
            (target(Op::Deliverable, None, None), vec![Observation::deliverable(d(2026, 12, 15), true)]),
            (target(Op::Ge, Some(40.0), Some("人次")), vec![]),
            (
                target(Op::Ge, Some(40.0), Some("人次")),
                vec![Observation::value(d(2024, 11, 1), 5.0), Observation::value(d(2025, 11, 20), 16.0)],
            ),
        ];
        for (target, observations) in cases {
            for schedule in [Schedule::MidtermAndEnd, Schedule::Quarterly] {
                let checkpoints = if target.op == Op::Deliverable {
                    plan_deliverable(period.start, period.end, None).unwrap()
                } else {
                    plan(period.start, period.end, &target, schedule, &Profile::default_for(&target)).unwrap()
                };
                for warning in [0, 30] {
                    let spans = timeline(&target, &checkpoints, &observations, period, warning);
                    let mut day = d(2024, 10, 1);
                    while day <= d(2027, 3, 1) {
                        let e = evaluate(&target, &checkpoints, &observations, period, day, warning);
                        let active = timeline_at(&spans, day);
                        assert_eq!(active.len(), 1, "{target:?} on {day}: {spans:?}");
                        let since = if e.status == Status::AtRisk { e.due_soon } else { e.overdue_since };
                        assert_eq!((active[0].status, active[0].since), (e.status, since), "{target:?} on {day}");
                        day = day.succ_opt().unwrap();
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn the_timeline_agrees_with_evaluate_on_any_day(
            target in any_target(),
            checkpoints in proptest::collection::vec(any_checkpoint(), 0..5),
            observations in proptest::collection::vec(any_observation(), 0..6),
            start in any_date(), days in 0i64..2000, as_of in any_date(), warning in -5i64..90,
        ) {
            let end = start.checked_add_signed(chrono::TimeDelta::days(days)).unwrap_or(start);
            let period = Period { start, end };
            let spans = timeline(&target, &checkpoints, &observations, period, warning);
            prop_assert!(spans.first().is_some_and(|s| s.from.is_none()));
            prop_assert!(spans.windows(2).all(|w| w[0].until == w[1].from && w[0].from < w[1].from));
            let e = evaluate(&target, &checkpoints, &observations, period, as_of, warning);
            let active = timeline_at(&spans, as_of);
            prop_assert_eq!(active.len(), 1);
            prop_assert_eq!(active[0].status, e.status);
        }
    }
}
