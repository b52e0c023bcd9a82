//! Milestone plans: the dated checkpoints an indicator's target becomes over a project's execution
//! period (执行期限), with the value planned for each.
//!
//! - **When** ([`Schedule`]): by default the mid-term check (中期检查, halfway through the period) and the
//!   end of term; optionally every half year or every quarter from the start date. Intermediate dates lie
//!   strictly inside the period and the end date always comes last. The mid-term check belongs to the
//!   default schedule only; the quarterly and half-yearly ones replace it with their regular dates.
//! - **How much** ([`Profile`]): a linear plan (cumulative counts such as 亩 and 人次 grow in proportion
//!   to the time elapsed), the full target at every checkpoint (thresholds such as an accuracy of ≥95%), or
//!   values entered by hand.
//! - A deliverable gets one checkpoint, by default at the end of term.
//! - [`replan`] re-plans the open checkpoints when an extension moves the end date and keeps the ones
//!   already due.
//!
//! Dates are whole days; the period runs from its first day to its last, both included.

use std::fmt;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::guide::model::Op;
use crate::domain::target::{Aggregation, RangeKind, Target, granularity, reaches};

/// Periods longer than this are refused: real execution periods last a few years, and a bound keeps a
/// quarterly plan of a mistyped period (a year 9999 end date) from producing tens of thousands of rows.
pub const MAX_PERIOD_DAYS: i64 = 100 * 366;

/// When checkpoints fall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// The mid-term check halfway through the period and the end of term.
    #[default]
    MidtermAndEnd,
    /// Every six months from the start date, and the end of term.
    HalfYearly,
    /// Every three months from the start date, and the end of term.
    Quarterly,
}

/// How the planned values are set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// In proportion to the time elapsed since the start, reaching the target at the end. Applies to
    /// higher-is-better targets (`>=`, `>`, a count range towards its `min`, a relative change from 0);
    /// for other targets, which have no natural starting point, it plans the full target like
    /// [`Profile::FullTarget`].
    Linear,
    /// The full target at every checkpoint.
    FullTarget,
    /// Dates and values entered by hand; the schedule is ignored.
    Manual(Vec<(NaiveDate, f64)>),
}

impl Profile {
    /// The profile a new indicator starts with:
    ///
    /// - [`Profile::Linear`] for quantities that accumulate over the project: `>=`/`>` targets that sum
    ///   their evidence or count things (人次, 名, 亩 …), and count ranges (3-5种);
    /// - [`Profile::FullTarget`] for everything else: thresholds on a level (accuracy ≥95%, ≥400吨 per
    ///   fermenter, a lifetime of ≥1年), `<=`/`<` and `=` targets, physical ranges, relative changes
    ///   (measured against the baseline, which a project does not move by a fixed share each quarter),
    ///   and deliverables (which have no planned value).
    pub fn default_for(target: &Target) -> Profile {
        if target.change.is_some() {
            return Profile::FullTarget;
        }
        let accumulates = target.aggregation == Aggregation::Sum || target.unit_kind().is_counting();
        match target.op {
            Op::Ge | Op::Gt if accumulates => Profile::Linear,
            Op::Between if target.range_kind() == RangeKind::Count => Profile::Linear,
            _ => Profile::FullTarget,
        }
    }
}

/// What a checkpoint stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointKind {
    /// The mid-term check (中期检查).
    MidTerm,
    /// The end of term (结题).
    EndOfTerm,
    /// A quarterly checkpoint.
    Quarterly,
    /// A half-yearly checkpoint.
    HalfYearly,
    /// A checkpoint entered by hand.
    Manual,
    /// A deliverable's due date.
    Deliverable,
}

impl CheckpointKind {
    /// Every kind, as stored.
    const ALL: [CheckpointKind; 6] = [
        CheckpointKind::MidTerm,
        CheckpointKind::EndOfTerm,
        CheckpointKind::Quarterly,
        CheckpointKind::HalfYearly,
        CheckpointKind::Manual,
        CheckpointKind::Deliverable,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointKind::MidTerm => "mid_term",
            CheckpointKind::EndOfTerm => "end_of_term",
            CheckpointKind::Quarterly => "quarterly",
            CheckpointKind::HalfYearly => "half_yearly",
            CheckpointKind::Manual => "manual",
            CheckpointKind::Deliverable => "deliverable",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<CheckpointKind> {
        CheckpointKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A dated milestone of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The day by which the planned value is due (it is met on time when met on this day).
    pub due_on: NaiveDate,
    /// The value due, in the target's terms (the change in % for a relative target). `None` when the
    /// whole target is due: a physical range, or a deliverable.
    pub planned: Option<f64>,
    /// What the checkpoint stands for.
    pub kind: CheckpointKind,
}

/// Why a plan could not be made; each is a catalogue key for the message shown to staff.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// The end date is before the start date.
    PeriodInvalid {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// The period is longer than [`MAX_PERIOD_DAYS`].
    PeriodTooLong {
        /// Its length in days.
        days: i64,
    },
    /// The target has no finite value (or, for `between`, no finite `min <= max`) to plan towards.
    TargetInvalid,
    /// A manual plan with no checkpoints.
    ManualEmpty,
    /// A manual checkpoint outside the execution period.
    ManualDateOutsidePeriod {
        /// The offending date.
        date: NaiveDate,
    },
    /// A manual checkpoint not after the one before it.
    ManualDatesNotAscending {
        /// The offending date.
        date: NaiveDate,
    },
    /// A manual planned value that is not a finite number.
    ManualValueNotFinite {
        /// The checkpoint's date.
        date: NaiveDate,
    },
    /// The last manual value does not reach the target.
    ManualShortOfTarget {
        /// The last planned value.
        planned: f64,
        /// The target it must reach.
        target: f64,
    },
    /// Planned values were entered for a target that has none (a physical range or a deliverable).
    ManualNotApplicable,
    /// A deliverable's due date outside the execution period.
    DueDateOutsidePeriod {
        /// The offending date.
        date: NaiveDate,
    },
    /// A re-plan whose new end date has already passed.
    ReplanEndPassed {
        /// The new end date.
        new_end: NaiveDate,
        /// The date of the re-plan.
        as_of: NaiveDate,
    },
}

impl PlanError {
    /// The catalogue key of the message.
    pub fn message_key(&self) -> &'static str {
        match self {
            PlanError::PeriodInvalid { .. } => "plan.period_invalid",
            PlanError::PeriodTooLong { .. } => "plan.period_too_long",
            PlanError::TargetInvalid => "plan.target_invalid",
            PlanError::ManualEmpty => "plan.manual_empty",
            PlanError::ManualDateOutsidePeriod { .. } => "plan.manual_date_outside_period",
            PlanError::ManualDatesNotAscending { .. } => "plan.manual_dates_not_ascending",
            PlanError::ManualValueNotFinite { .. } => "plan.manual_value_not_finite",
            PlanError::ManualShortOfTarget { .. } => "plan.manual_short_of_target",
            PlanError::ManualNotApplicable => "plan.manual_not_applicable",
            PlanError::DueDateOutsidePeriod { .. } => "plan.due_date_outside_period",
            PlanError::ReplanEndPassed { .. } => "plan.replan_end_passed",
        }
    }
}

impl fmt::Display for PlanError {
    /// An English one-liner for logs and the CLI; pages use [`PlanError::message_key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::PeriodInvalid { start, end } => write!(f, "the period ends ({end}) before it starts ({start})"),
            PlanError::PeriodTooLong { days } => {
                write!(f, "the period lasts {days} days, more than the {MAX_PERIOD_DAYS} allowed")
            }
            PlanError::TargetInvalid => write!(f, "the target has no finite value or valid range to plan towards"),
            PlanError::ManualEmpty => write!(f, "the manual plan has no checkpoints"),
            PlanError::ManualDateOutsidePeriod { date } => write!(f, "checkpoint {date} is outside the period"),
            PlanError::ManualDatesNotAscending { date } => {
                write!(f, "checkpoint {date} is not after the checkpoint before it")
            }
            PlanError::ManualValueNotFinite { date } => write!(f, "the value planned for {date} is not a number"),
            PlanError::ManualShortOfTarget { planned, target } => {
                write!(f, "the last planned value {planned} does not reach the target {target}")
            }
            PlanError::ManualNotApplicable => write!(f, "this target takes no planned values"),
            PlanError::DueDateOutsidePeriod { date } => write!(f, "due date {date} is outside the period"),
            PlanError::ReplanEndPassed { new_end, as_of } => {
                write!(f, "the new end date {new_end} is before the re-plan date {as_of}")
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// Checks the period and returns its length in days.
fn period_days(start: NaiveDate, end: NaiveDate) -> Result<i64, PlanError> {
    let days = end.signed_duration_since(start).num_days();
    if days < 0 {
        return Err(PlanError::PeriodInvalid { start, end });
    }
    if days > MAX_PERIOD_DAYS {
        return Err(PlanError::PeriodTooLong { days });
    }
    Ok(days)
}

/// The intermediate dates of a schedule, strictly inside the period, ascending.
fn intermediate_dates(
    start: NaiveDate,
    end: NaiveDate,
    days: i64,
    schedule: Schedule,
) -> Vec<(NaiveDate, CheckpointKind)> {
    let step = match schedule {
        Schedule::MidtermAndEnd => {
            let half = start.checked_add_days(chrono::Days::new(u64::try_from(days / 2).unwrap_or(0)));
            return half.filter(|d| *d > start && *d < end).map(|d| (d, CheckpointKind::MidTerm)).into_iter().collect();
        }
        Schedule::HalfYearly => (6, CheckpointKind::HalfYearly),
        Schedule::Quarterly => (3, CheckpointKind::Quarterly),
    };
    // Each date is counted from the start rather than from the previous date, so that a start on the 31st
    // gives the 31st again after a shorter month (Jan 31 → Apr 30 → Jul 31) instead of drifting.
    let mut dates = Vec::new();
    for k in 1u32.. {
        let Some(date) = k.checked_mul(step.0).and_then(|m| start.checked_add_months(Months::new(m))) else { break };
        if date >= end {
            break;
        }
        dates.push((date, step.1));
    }
    dates
}

/// Rounds a planned value to the unit's step (half away from zero); measures are left as they are.
fn round_to_unit(value: f64, unit: Option<&str>) -> f64 {
    match granularity(unit) {
        // Multiplying by the whole number of steps per unit (1 or 100) rounds more exactly than dividing
        // by the step (0.01 is not representable).
        Some(step) if step > 0.0 => {
            let per_unit = (1.0 / step).round();
            let rounded = (value * per_unit).round() / per_unit;
            if rounded.is_finite() { rounded } else { value }
        }
        _ => value,
    }
}

/// Whether [`Profile::Linear`] plans a path for this target (rather than the full target throughout).
fn plans_linearly(target: &Target) -> bool {
    match target.op {
        Op::Ge | Op::Gt => true,
        Op::Between => target.range_kind() == RangeKind::Count,
        Op::Le | Op::Lt | Op::Eq | Op::Deliverable => false,
    }
}

/// Makes the checkpoints of an indicator over the period `start..=end`.
///
/// Deliverables get one checkpoint at the end of term (see [`plan_deliverable`] for another due date)
/// and ignore the schedule. Physical ranges get the schedule's dates with no planned value: the whole
/// range is due at each. Quantitative targets get the schedule's dates with values from the profile;
/// linear values are `target × elapsed days / period days`, rounded to the unit's step and never above
/// the target, and the end of term always plans the target itself.
pub fn plan(
    start: NaiveDate,
    end: NaiveDate,
    target: &Target,
    schedule: Schedule,
    profile: &Profile,
) -> Result<Vec<Checkpoint>, PlanError> {
    let days = period_days(start, end)?;
    let goal = match target.op {
        Op::Deliverable if matches!(profile, Profile::Manual(_)) => return Err(PlanError::ManualNotApplicable),
        Op::Deliverable => return plan_deliverable(start, end, None),
        Op::Between => {
            let valid = |lo: f64, hi: f64| lo.is_finite() && hi.is_finite() && lo <= hi;
            if !matches!((target.min, target.max), (Some(lo), Some(hi)) if valid(lo, hi)) {
                return Err(PlanError::TargetInvalid);
            }
            if target.range_kind() == RangeKind::Range {
                // A physical range: the whole range is due at every checkpoint, with no number to plan.
                if matches!(profile, Profile::Manual(_)) {
                    return Err(PlanError::ManualNotApplicable);
                }
                return Ok(scheduled(start, end, days, schedule, None, |_| None));
            }
            target.goal()
        }
        Op::Ge | Op::Gt | Op::Le | Op::Lt | Op::Eq => target.goal(),
    };
    let Some(goal) = goal else { return Err(PlanError::TargetInvalid) };
    match profile {
        Profile::FullTarget => Ok(scheduled(start, end, days, schedule, Some(goal), |_| Some(goal))),
        Profile::Linear if !plans_linearly(target) => {
            Ok(scheduled(start, end, days, schedule, Some(goal), |_| Some(goal)))
        }
        Profile::Linear => Ok(scheduled(start, end, days, schedule, Some(goal), |date| {
            let elapsed = date.signed_duration_since(start).num_days();
            // `days` is positive whenever there is an intermediate date (they lie strictly inside).
            let fraction = if days > 0 { elapsed as f64 / days as f64 } else { 1.0 };
            let planned = round_to_unit(goal * fraction, target.unit.as_deref());
            Some(if planned.is_finite() { planned.min(goal) } else { goal })
        })),
        Profile::Manual(entries) => manual(start, end, target, goal, entries),
    }
}

/// The schedule's checkpoints, valued by `planned` for the intermediate dates; the end of term plans
/// `goal`, the full target (`None` for a range), unrounded.
fn scheduled(
    start: NaiveDate,
    end: NaiveDate,
    days: i64,
    schedule: Schedule,
    goal: Option<f64>,
    planned: impl Fn(NaiveDate) -> Option<f64>,
) -> Vec<Checkpoint> {
    let mut checkpoints: Vec<Checkpoint> = intermediate_dates(start, end, days, schedule)
        .into_iter()
        .map(|(due_on, kind)| Checkpoint { due_on, planned: planned(due_on), kind })
        .collect();
    checkpoints.push(Checkpoint { due_on: end, planned: goal, kind: CheckpointKind::EndOfTerm });
    checkpoints
}

/// Validates a manual plan and turns it into checkpoints.
fn manual(
    start: NaiveDate,
    end: NaiveDate,
    target: &Target,
    goal: f64,
    entries: &[(NaiveDate, f64)],
) -> Result<Vec<Checkpoint>, PlanError> {
    let mut previous: Option<NaiveDate> = None;
    for &(date, value) in entries {
        if date < start || date > end {
            return Err(PlanError::ManualDateOutsidePeriod { date });
        }
        if previous.is_some_and(|p| date <= p) {
            return Err(PlanError::ManualDatesNotAscending { date });
        }
        if !value.is_finite() {
            return Err(PlanError::ManualValueNotFinite { date });
        }
        previous = Some(date);
    }
    let Some(&(_, last)) = entries.last() else { return Err(PlanError::ManualEmpty) };
    if !reaches(target, last, goal) {
        return Err(PlanError::ManualShortOfTarget { planned: last, target: goal });
    }
    Ok(entries
        .iter()
        .map(|&(due_on, value)| Checkpoint { due_on, planned: Some(value), kind: CheckpointKind::Manual })
        .collect())
}

/// The checkpoint of a deliverable: due on `due_on` (which must lie in the period), by default the end
/// of term.
pub fn plan_deliverable(
    start: NaiveDate,
    end: NaiveDate,
    due_on: Option<NaiveDate>,
) -> Result<Vec<Checkpoint>, PlanError> {
    period_days(start, end)?;
    let due_on = due_on.unwrap_or(end);
    if due_on < start || due_on > end {
        return Err(PlanError::DueDateOutsidePeriod { date: due_on });
    }
    Ok(vec![Checkpoint { due_on, planned: None, kind: CheckpointKind::Deliverable }])
}

/// Re-plans an indicator after an extension moves the period's end to `new_end`, on `as_of`.
///
/// Checkpoints of `old` due before `as_of` are kept as they were (history: what was due then stays
/// due), except the old plan's final checkpoint (its end of term or a deliverable's due date), which the
/// extension supersedes: keeping it would leave the project overdue for its whole extension. The
/// checkpoints of a fresh plan over `start..=new_end` that fall on or after `as_of` are added, so linear
/// values follow the longer period. A new end date before `as_of` is refused.
pub fn replan(
    old: &[Checkpoint],
    start: NaiveDate,
    new_end: NaiveDate,
    as_of: NaiveDate,
    target: &Target,
    schedule: Schedule,
    profile: &Profile,
) -> Result<Vec<Checkpoint>, PlanError> {
    if new_end < as_of {
        return Err(PlanError::ReplanEndPassed { new_end, as_of });
    }
    let fresh = plan(start, new_end, target, schedule, profile)?;
    let old_final = old.iter().map(|c| c.due_on).max();
    let mut checkpoints: Vec<Checkpoint> =
        old.iter().filter(|c| c.due_on < as_of && Some(c.due_on) != old_final).cloned().collect();
    checkpoints.sort_by_key(|c| c.due_on);
    checkpoints.extend(fresh.into_iter().filter(|c| c.due_on >= as_of));
    Ok(checkpoints)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::guide::model::Change;
    use crate::domain::target::IndicatorClass;
    use proptest::prelude::*;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn target(op: Op, value: Option<f64>, unit: Option<&str>) -> Target {
        Target {
            op,
            value,
            min: None,
            max: None,
            unit: unit.map(str::to_owned),
            change: None,
            baseline: None,
            baseline_unit: None,
            baseline_on: None,
            baseline_source: None,
            aggregation: Aggregation::default_for(unit),
            weight: 1.0,
            class: IndicatorClass::Technical,
        }
    }

    pub(crate) fn between(min: f64, max: f64, unit: &str) -> Target {
        Target { min: Some(min), max: Some(max), ..target(Op::Between, None, Some(unit)) }
    }

    fn cp(due_on: NaiveDate, planned: Option<f64>, kind: CheckpointKind) -> Checkpoint {
        Checkpoint { due_on, planned, kind }
    }

    #[test]
    fn default_profiles() {
        let relative = Target { change: Some(Change::Increase), ..target(Op::Ge, Some(10.0), Some("%")) };
        let sum_measure = Target { aggregation: Aggregation::Sum, ..target(Op::Ge, Some(5.0), Some("h")) };
        let table: Vec<(&str, Target, Profile)> = vec![
            ("person-times", target(Op::Ge, Some(40.0), Some("人次")), Profile::Linear),
            ("area", target(Op::Ge, Some(20000.0), Some("亩")), Profile::Linear),
            ("people", target(Op::Ge, Some(5.0), Some("名")), Profile::Linear),
            ("more than a count", target(Op::Gt, Some(10.0), Some("条")), Profile::Linear),
            ("summed measure", sum_measure, Profile::Linear),
            ("accuracy", target(Op::Ge, Some(95.0), Some("%")), Profile::FullTarget),
            ("fermenter scale", target(Op::Ge, Some(400.0), Some("吨")), Profile::FullTarget),
            ("flux", target(Op::Gt, Some(10.0), Some("L/(m²·h)")), Profile::FullTarget),
            ("no unit", target(Op::Gt, Some(30.0), None), Profile::FullTarget),
            ("at most", target(Op::Le, Some(0.5), Some("h")), Profile::FullTarget),
            ("at most a count", target(Op::Le, Some(3.0), Some("个")), Profile::FullTarget),
            ("less than", target(Op::Lt, Some(200.0), Some("ms")), Profile::FullTarget),
            ("exactly", target(Op::Eq, Some(3.0), Some("套")), Profile::FullTarget),
            ("count range", between(3.0, 5.0, "种"), Profile::Linear),
            ("physical range", between(2.0, 13.0, "pH"), Profile::FullTarget),
            ("relative change", relative, Profile::FullTarget),
            ("deliverable", target(Op::Deliverable, None, None), Profile::FullTarget),
        ];
        for (name, target, expected) in table {
            assert_eq!(Profile::default_for(&target), expected, "{name}");
        }
    }

    #[test]
    fn schedules_and_profiles() {
        let people = target(Op::Ge, Some(40.0), Some("人次"));
        let accuracy = target(Op::Ge, Some(95.0), Some("%"));
        let ph = between(2.0, 13.0, "pH");
        let (start, end) = (d(2025, 1, 1), d(2026, 12, 31));
        use CheckpointKind::*;
        let table: Vec<(&str, &Target, Schedule, Profile, Vec<Checkpoint>)> = vec![
            (
                // 729 days: halfway is day 364.
                "default linear",
                &people,
                Schedule::MidtermAndEnd,
                Profile::Linear,
                vec![cp(d(2025, 12, 31), Some(20.0), MidTerm), cp(end, Some(40.0), EndOfTerm)],
            ),
            (
                "half-yearly linear",
                &people,
                Schedule::HalfYearly,
                Profile::Linear,
                vec![
                    cp(d(2025, 7, 1), Some(10.0), HalfYearly), // 181/729 × 40 = 9.93
                    cp(d(2026, 1, 1), Some(20.0), HalfYearly), // 365/729 × 40 = 20.03
                    cp(d(2026, 7, 1), Some(30.0), HalfYearly), // 546/729 × 40 = 29.96
                    cp(end, Some(40.0), EndOfTerm),
                ],
            ),
            (
                "quarterly linear",
                &people,
                Schedule::Quarterly,
                Profile::Linear,
                vec![
                    cp(d(2025, 4, 1), Some(5.0), Quarterly), // 90/729 × 40 = 4.94
                    cp(d(2025, 7, 1), Some(10.0), Quarterly),
                    cp(d(2025, 10, 1), Some(15.0), Quarterly), // 273/729 × 40 = 14.98
                    cp(d(2026, 1, 1), Some(20.0), Quarterly),
                    cp(d(2026, 4, 1), Some(25.0), Quarterly), // 455/729 × 40 = 24.97
                    cp(d(2026, 7, 1), Some(30.0), Quarterly),
                    cp(d(2026, 10, 1), Some(35.0), Quarterly), // 638/729 × 40 = 35.01
                    cp(end, Some(40.0), EndOfTerm),
                ],
            ),
            (
                "default full target",
                &accuracy,
                Schedule::MidtermAndEnd,
                Profile::FullTarget,
                vec![cp(d(2025, 12, 31), Some(95.0), MidTerm), cp(end, Some(95.0), EndOfTerm)],
            ),
            (
                "linear on a physical range plans the whole range",
                &ph,
                Schedule::HalfYearly,
                Profile::Linear,
                vec![
                    cp(d(2025, 7, 1), None, HalfYearly),
                    cp(d(2026, 1, 1), None, HalfYearly),
                    cp(d(2026, 7, 1), None, HalfYearly),
                    cp(end, None, EndOfTerm),
                ],
            ),
            (
                "manual",
                &people,
                Schedule::Quarterly,
                Profile::Manual(vec![(d(2025, 6, 30), 8.0), (d(2026, 6, 30), 30.0), (end, 40.0)]),
                vec![
                    cp(d(2025, 6, 30), Some(8.0), Manual),
                    cp(d(2026, 6, 30), Some(30.0), Manual),
                    cp(end, Some(40.0), Manual),
                ],
            ),
        ];
        for (name, target, schedule, profile, expected) in table {
            assert_eq!(plan(start, end, target, schedule, &profile), Ok(expected), "{name}");
        }
    }

    #[test]
    fn linear_rounding_per_unit() {
        let (start, end) = (d(2025, 1, 1), d(2025, 1, 11)); // 10 days, halfway on day 5
        let table: &[(f64, Option<&str>, f64)] = &[
            (5.0, Some("名"), 3.0),     // 2.5 rounds half away from zero
            (3.0, Some("人次"), 2.0),   // 1.5 → 2
            (7.0, Some("亩"), 4.0),     // 3.5 → 4
            (1.0, Some("套"), 1.0),     // 0.5 → 1, still not above the target
            (2.5, Some("件"), 1.0),     // 1.25 → 1
            (0.7, Some("件"), 0.0),     // 0.35 → 0: nothing due yet
            (2.35, Some("公顷"), 1.18), // 1.175 → 1.18 (0.01 ha steps)
            (5.0, Some("m²"), 3.0),     // 2.5 → 3
            (45.0, Some("mg"), 22.5),   // a summed measure is not rounded
        ];
        for &(goal, unit, mid) in table {
            let mut t = target(Op::Ge, Some(goal), unit);
            t.aggregation = Aggregation::Sum;
            let plan = plan(start, end, &t, Schedule::MidtermAndEnd, &Profile::Linear).unwrap();
            assert_eq!(plan[0].planned, Some(mid), "{goal} {unit:?}");
            assert_eq!(plan[1].planned, Some(goal), "{goal} {unit:?} at the end");
        }
    }

    #[test]
    fn linear_never_above_the_target_and_fractional_targets_end_exactly() {
        // A fractional count target: rounding up must not overshoot it.
        // 100 days, one quarter in: 2.9 × 0.9 = 2.61 rounds to 3, above 2.9.
        let t = target(Op::Ge, Some(2.9), Some("件"));
        let p = plan(d(2025, 1, 1), d(2025, 4, 11), &t, Schedule::Quarterly, &Profile::Linear).unwrap();
        assert_eq!(
            p,
            vec![
                cp(d(2025, 4, 1), Some(2.9), CheckpointKind::Quarterly),
                cp(d(2025, 4, 11), Some(2.9), CheckpointKind::EndOfTerm)
            ]
        );
        // A negative target: a path from 0 would lie above it, so the target itself is planned.
        let t = target(Op::Ge, Some(-4.0), Some("个"));
        let p = plan(d(2025, 1, 1), d(2025, 1, 11), &t, Schedule::MidtermAndEnd, &Profile::Linear).unwrap();
        assert!(p.iter().all(|c| c.planned == Some(-4.0)), "{p:?}");
    }

    #[test]
    fn linear_applies_to_count_ranges_towards_min_and_not_to_lower_is_better() {
        let (start, end) = (d(2025, 1, 1), d(2025, 1, 11));
        let table: Vec<(Target, Option<f64>)> = vec![
            (between(3.0, 5.0, "种"), Some(2.0)), // 1.5 → 2, towards min 3
            (target(Op::Le, Some(0.5), Some("h")), Some(0.5)),
            (target(Op::Lt, Some(3.0), Some("个")), Some(3.0)),
            (target(Op::Eq, Some(3.0), Some("套")), Some(3.0)),
            (Target { change: Some(Change::Decrease), ..target(Op::Ge, Some(10.0), Some("%")) }, Some(5.0)),
        ];
        for (t, mid) in table {
            let p = plan(start, end, &t, Schedule::MidtermAndEnd, &Profile::Linear).unwrap();
            assert_eq!(p[0].planned, mid, "{t:?}");
            assert_eq!(p[1].planned, t.goal(), "{t:?}");
        }
    }

    #[test]
    fn leap_years_and_month_ends() {
        let t = target(Op::Ge, Some(12.0), Some("篇"));
        // Quarterly from 29 Feb 2024: months are counted from the start, so the day comes back after
        // short months, and a year on is 28 Feb 2025.
        let p = plan(d(2024, 2, 29), d(2025, 2, 28), &t, Schedule::Quarterly, &Profile::FullTarget).unwrap();
        let dates: Vec<_> = p.iter().map(|c| c.due_on).collect();
        assert_eq!(dates, vec![d(2024, 5, 29), d(2024, 8, 29), d(2024, 11, 29), d(2025, 2, 28)]);
        // From 31 Jan: 30 Apr, 31 Jul, 31 Oct, no drift.
        let p = plan(d(2025, 1, 31), d(2026, 1, 30), &t, Schedule::Quarterly, &Profile::FullTarget).unwrap();
        let dates: Vec<_> = p.iter().map(|c| c.due_on).collect();
        assert_eq!(dates, vec![d(2025, 4, 30), d(2025, 7, 31), d(2025, 10, 31), d(2026, 1, 30)]);
        // The halfway point of a leap-year period counts 29 February: 366 days, halfway day 183.
        let p = plan(d(2024, 1, 1), d(2025, 1, 1), &t, Schedule::MidtermAndEnd, &Profile::Linear).unwrap();
        assert_eq!(p[0], cp(d(2024, 7, 2), Some(6.0), CheckpointKind::MidTerm));
    }

    #[test]
    fn short_periods() {
        let t = target(Op::Ge, Some(10.0), Some("人次"));
        let table: &[(NaiveDate, NaiveDate, Schedule, usize)] = &[
            // Shorter than a quarter: only the end.
            (d(2025, 1, 1), d(2025, 3, 31), Schedule::Quarterly, 1),
            // Exactly a quarter: the quarter date is the end, not strictly inside.
            (d(2025, 1, 1), d(2025, 4, 1), Schedule::Quarterly, 1),
            (d(2025, 1, 1), d(2025, 4, 2), Schedule::Quarterly, 2),
            (d(2025, 1, 1), d(2025, 6, 30), Schedule::HalfYearly, 1),
            // A one-day period has no halfway date strictly inside; a same-day period has only its end.
            (d(2025, 1, 1), d(2025, 1, 2), Schedule::MidtermAndEnd, 1),
            (d(2025, 1, 1), d(2025, 1, 1), Schedule::MidtermAndEnd, 1),
            (d(2025, 1, 1), d(2025, 1, 3), Schedule::MidtermAndEnd, 2),
        ];
        for &(start, end, schedule, count) in table {
            let p = plan(start, end, &t, schedule, &Profile::Linear).unwrap();
            assert_eq!(p.len(), count, "{start} {end} {schedule:?}");
            assert_eq!(p.last(), Some(&cp(end, Some(10.0), CheckpointKind::EndOfTerm)));
            assert!(p.iter().rev().skip(1).all(|c| c.due_on > start && c.due_on < end));
        }
    }

    #[test]
    fn deliverables() {
        let t = target(Op::Deliverable, None, None);
        let (start, end) = (d(2025, 1, 1), d(2026, 12, 31));
        for schedule in [Schedule::MidtermAndEnd, Schedule::HalfYearly, Schedule::Quarterly] {
            for profile in [Profile::Linear, Profile::FullTarget] {
                assert_eq!(
                    plan(start, end, &t, schedule, &profile),
                    Ok(vec![cp(end, None, CheckpointKind::Deliverable)])
                );
            }
        }
        // (due date given, plan expected)
        type Case = (Option<NaiveDate>, Result<Vec<Checkpoint>, PlanError>);
        let table: &[Case] = &[
            (None, Ok(vec![cp(end, None, CheckpointKind::Deliverable)])),
            (Some(d(2025, 6, 30)), Ok(vec![cp(d(2025, 6, 30), None, CheckpointKind::Deliverable)])),
            (Some(start), Ok(vec![cp(start, None, CheckpointKind::Deliverable)])),
            (Some(d(2027, 1, 1)), Err(PlanError::DueDateOutsidePeriod { date: d(2027, 1, 1) })),
            (Some(d(2024, 12, 31)), Err(PlanError::DueDateOutsidePeriod { date: d(2024, 12, 31) })),
        ];
        for (due, expected) in table {
            assert_eq!(&plan_deliverable(start, end, *due), expected, "{due:?}");
        }
        assert_eq!(
            plan(start, end, &t, Schedule::MidtermAndEnd, &Profile::Manual(vec![(end, 1.0)])),
            Err(PlanError::ManualNotApplicable)
        );
    }

    #[test]
    fn plan_errors() {
        let (start, end) = (d(2025, 1, 1), d(2026, 12, 31));
        let people = target(Op::Ge, Some(40.0), Some("人次"));
        let time = target(Op::Le, Some(0.5), Some("h"));
        let exact = target(Op::Eq, Some(3.0), Some("套"));
        let manual = |entries: Vec<(NaiveDate, f64)>| Profile::Manual(entries);
        let table: Vec<(&str, NaiveDate, NaiveDate, Target, Profile, PlanError)> = vec![
            (
                "reversed period",
                end,
                start,
                people.clone(),
                Profile::Linear,
                PlanError::PeriodInvalid { start: end, end: start },
            ),
            (
                "long period",
                start,
                d(2200, 1, 1),
                people.clone(),
                Profile::Linear,
                PlanError::PeriodTooLong { days: 63917 },
            ),
            ("no value", start, end, target(Op::Ge, None, Some("人次")), Profile::Linear, PlanError::TargetInvalid),
            (
                "NaN value",
                start,
                end,
                target(Op::Ge, Some(f64::NAN), None),
                Profile::FullTarget,
                PlanError::TargetInvalid,
            ),
            (
                "infinite value",
                start,
                end,
                target(Op::Le, Some(f64::INFINITY), None),
                Profile::FullTarget,
                PlanError::TargetInvalid,
            ),
            ("range reversed", start, end, between(5.0, 3.0, "种"), Profile::Linear, PlanError::TargetInvalid),
            (
                "range without max",
                start,
                end,
                Target { max: None, ..between(3.0, 5.0, "种") },
                Profile::Linear,
                PlanError::TargetInvalid,
            ),
            ("range NaN", start, end, between(f64::NAN, 13.0, "pH"), Profile::FullTarget, PlanError::TargetInvalid),
            (
                "manual on a physical range",
                start,
                end,
                between(2.0, 13.0, "pH"),
                manual(vec![(end, 13.0)]),
                PlanError::ManualNotApplicable,
            ),
            ("manual empty", start, end, people.clone(), manual(vec![]), PlanError::ManualEmpty),
            (
                "manual before start",
                start,
                end,
                people.clone(),
                manual(vec![(d(2024, 12, 31), 5.0), (end, 40.0)]),
                PlanError::ManualDateOutsidePeriod { date: d(2024, 12, 31) },
            ),
            (
                "manual after end",
                start,
                end,
                people.clone(),
                manual(vec![(d(2027, 1, 1), 40.0)]),
                PlanError::ManualDateOutsidePeriod { date: d(2027, 1, 1) },
            ),
            (
                "manual descending",
                start,
                end,
                people.clone(),
                manual(vec![(d(2026, 1, 1), 5.0), (d(2025, 6, 1), 10.0), (end, 40.0)]),
                PlanError::ManualDatesNotAscending { date: d(2025, 6, 1) },
            ),
            (
                "manual duplicate date",
                start,
                end,
                people.clone(),
                manual(vec![(d(2026, 1, 1), 5.0), (d(2026, 1, 1), 10.0), (end, 40.0)]),
                PlanError::ManualDatesNotAscending { date: d(2026, 1, 1) },
            ),
            (
                "manual NaN",
                start,
                end,
                people.clone(),
                manual(vec![(d(2026, 1, 1), f64::NAN), (end, 40.0)]),
                PlanError::ManualValueNotFinite { date: d(2026, 1, 1) },
            ),
            (
                "manual infinite",
                start,
                end,
                people.clone(),
                manual(vec![(end, f64::INFINITY)]),
                PlanError::ManualValueNotFinite { date: end },
            ),
            (
                "manual short",
                start,
                end,
                people.clone(),
                manual(vec![(d(2026, 1, 1), 20.0), (end, 39.0)]),
                PlanError::ManualShortOfTarget { planned: 39.0, target: 40.0 },
            ),
            (
                "manual above an at-most target",
                start,
                end,
                time,
                manual(vec![(end, 0.6)]),
                PlanError::ManualShortOfTarget { planned: 0.6, target: 0.5 },
            ),
            (
                "manual off an exact target",
                start,
                end,
                exact,
                manual(vec![(end, 2.0)]),
                PlanError::ManualShortOfTarget { planned: 2.0, target: 3.0 },
            ),
        ];
        for (name, start, end, target, profile, expected) in table {
            let got = plan(start, end, &target, Schedule::MidtermAndEnd, &profile);
            assert_eq!(got, Err(expected.clone()), "{name}");
            assert!(expected.message_key().starts_with("plan."), "{name}");
            assert!(!expected.to_string().is_empty(), "{name}");
        }
    }

    #[test]
    fn manual_plans_that_are_accepted() {
        let (start, end) = (d(2025, 1, 1), d(2026, 12, 31));
        let table: Vec<(Target, Vec<(NaiveDate, f64)>)> = vec![
            // Beyond the target, on the first day, last checkpoint before the end.
            (target(Op::Ge, Some(40.0), Some("人次")), vec![(start, 0.0), (d(2026, 6, 30), 45.0)]),
            (target(Op::Le, Some(0.5), Some("h")), vec![(d(2025, 6, 30), 1.0), (end, 0.4)]),
            (target(Op::Eq, Some(3.0), Some("套")), vec![(end, 3.0)]),
            (between(3.0, 5.0, "种"), vec![(d(2025, 12, 31), 1.0), (end, 3.0)]),
        ];
        for (t, entries) in table {
            let p = plan(start, end, &t, Schedule::Quarterly, &Profile::Manual(entries.clone())).unwrap();
            let got: Vec<_> = p.iter().map(|c| (c.due_on, c.planned.unwrap_or(f64::NAN))).collect();
            assert_eq!(got, entries, "{t:?}");
            assert!(p.iter().all(|c| c.kind == CheckpointKind::Manual));
        }
    }

    #[test]
    fn replan_keeps_history_and_replans_open_checkpoints() {
        let t = target(Op::Ge, Some(40.0), Some("人次"));
        let (start, end, new_end) = (d(2025, 1, 1), d(2025, 12, 31), d(2026, 12, 31));
        let old = plan(start, end, &t, Schedule::Quarterly, &Profile::Linear).unwrap();
        assert_eq!(old.len(), 4);
        use CheckpointKind::*;

        // Extended in August: the April and July checkpoints stay as planned; October and the end are
        // re-planned over two years.
        let got = replan(&old, start, new_end, d(2025, 8, 15), &t, Schedule::Quarterly, &Profile::Linear).unwrap();
        let expected = vec![
            cp(d(2025, 4, 1), Some(10.0), Quarterly),
            cp(d(2025, 7, 1), Some(20.0), Quarterly),
            cp(d(2025, 10, 1), Some(15.0), Quarterly),
            cp(d(2026, 1, 1), Some(20.0), Quarterly),
            cp(d(2026, 4, 1), Some(25.0), Quarterly),
            cp(d(2026, 7, 1), Some(30.0), Quarterly),
            cp(d(2026, 10, 1), Some(35.0), Quarterly),
            cp(new_end, Some(40.0), EndOfTerm),
        ];
        assert_eq!(got, expected);

        // Extended after the old end passed: its end of term is superseded, not kept overdue.
        let got = replan(&old, start, new_end, d(2026, 1, 15), &t, Schedule::MidtermAndEnd, &Profile::Linear).unwrap();
        assert_eq!(
            got,
            vec![
                cp(d(2025, 4, 1), Some(10.0), Quarterly),
                cp(d(2025, 7, 1), Some(20.0), Quarterly),
                cp(d(2025, 10, 1), Some(30.0), Quarterly),
                cp(new_end, Some(40.0), EndOfTerm),
            ]
        );

        // A checkpoint due on the re-plan day is open, so it is re-planned.
        let got = replan(&old, start, new_end, d(2025, 7, 1), &t, Schedule::Quarterly, &Profile::Linear).unwrap();
        assert_eq!(got.get(1), Some(&cp(d(2025, 7, 1), Some(10.0), Quarterly)));

        // A deliverable moves to the new end.
        let del = target(Op::Deliverable, None, None);
        let old = plan_deliverable(start, end, Some(d(2025, 6, 30))).unwrap();
        let got = replan(&old, start, new_end, d(2025, 8, 1), &del, Schedule::MidtermAndEnd, &Profile::FullTarget);
        assert_eq!(got, Ok(vec![cp(new_end, None, Deliverable)]));

        // Errors.
        assert_eq!(
            replan(&old, start, d(2025, 7, 1), d(2025, 8, 1), &t, Schedule::Quarterly, &Profile::Linear),
            Err(PlanError::ReplanEndPassed { new_end: d(2025, 7, 1), as_of: d(2025, 8, 1) })
        );
        assert_eq!(
            replan(
                &[],
                start,
                new_end,
                d(2025, 8, 1),
                &target(Op::Ge, None, None),
                Schedule::Quarterly,
                &Profile::Linear
            ),
            Err(PlanError::TargetInvalid)
        );
        // No old plan: just the open part of a fresh one.
        let got = replan(&[], start, new_end, d(2026, 11, 1), &t, Schedule::MidtermAndEnd, &Profile::Linear).unwrap();
        assert_eq!(got, vec![cp(new_end, Some(40.0), EndOfTerm)]);
    }

    pub(crate) fn any_date() -> impl Strategy<Value = NaiveDate> {
        prop_oneof![
            (-2000i32..3000, 1u32..=12, 1u32..=31)
                .prop_map(|(y, m, day)| NaiveDate::from_ymd_opt(y, m, day.min(28)).unwrap_or(NaiveDate::MIN)),
            Just(NaiveDate::MIN),
            Just(NaiveDate::MAX),
            (2024i32..2028, 1u32..=12, 1u32..=29)
                .prop_map(|(y, m, day)| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MAX)),
        ]
    }

    pub(crate) fn any_number() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => -1.0e6f64..1.0e6,
            1 => Just(0.0),
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
            1 => Just(f64::MAX),
            1 => Just(f64::MIN_POSITIVE),
        ]
    }

    pub(crate) fn any_target() -> impl Strategy<Value = Target> {
        let ops = prop_oneof![
            Just(Op::Ge),
            Just(Op::Gt),
            Just(Op::Le),
            Just(Op::Lt),
            Just(Op::Eq),
            Just(Op::Between),
            Just(Op::Deliverable)
        ];
        let units = prop_oneof![
            Just(None),
            Just(Some("人次")),
            Just(Some("亩")),
            Just(Some("公顷")),
            Just(Some("种")),
            Just(Some("%")),
            Just(Some("pH"))
        ];
        let changes = prop_oneof![Just(None), Just(Some(Change::Increase)), Just(Some(Change::Decrease))];
        let aggregations = prop_oneof![Just(Aggregation::Sum), Just(Aggregation::Latest)];
        (
            ops,
            proptest::option::of(any_number()),
            proptest::option::of(any_number()),
            proptest::option::of(any_number()),
            units,
            changes,
            proptest::option::of(any_number()),
            aggregations,
            any_number(),
        )
            .prop_map(|(op, value, min, max, unit, change, baseline, aggregation, weight)| Target {
                op,
                value,
                min,
                max,
                unit: unit.map(str::to_owned),
                change,
                baseline,
                baseline_unit: None,
                baseline_on: None,
                baseline_source: None,
                aggregation,
                weight,
                class: IndicatorClass::Economic,
            })
    }

    pub(crate) fn any_schedule() -> impl Strategy<Value = Schedule> {
        prop_oneof![Just(Schedule::MidtermAndEnd), Just(Schedule::HalfYearly), Just(Schedule::Quarterly)]
    }

    fn any_profile() -> impl Strategy<Value = Profile> {
        prop_oneof![
            Just(Profile::Linear),
            Just(Profile::FullTarget),
            proptest::collection::vec((any_date(), any_number()), 0..5).prop_map(Profile::Manual),
        ]
    }

    proptest! {
        #[test]
        fn plan_never_panics_and_ends_on_the_end_date(
            start in any_date(), end in any_date(), target in any_target(),
            schedule in any_schedule(), profile in any_profile(),
        ) {
            if let Ok(checkpoints) = plan(start, end, &target, schedule, &profile) {
                prop_assert!(!checkpoints.is_empty());
                prop_assert!(checkpoints.windows(2).all(|w| w[0].due_on < w[1].due_on));
                prop_assert!(checkpoints.iter().all(|c| c.due_on >= start && c.due_on <= end));
                prop_assert!(checkpoints.iter().all(|c| c.planned.is_none_or(f64::is_finite)));
                if !matches!(profile, Profile::Manual(_)) && target.op != Op::Deliverable {
                    prop_assert_eq!(checkpoints.last().map(|c| c.due_on), Some(end));
                }
            }
        }

        #[test]
        fn linear_plans_never_exceed_the_target(
            start in any_date(), days in 0i64..4000, goal in -1.0e7f64..1.0e7, schedule in any_schedule(),
            unit in prop_oneof![Just(None), Just(Some("人次")), Just(Some("亩")), Just(Some("公顷")), Just(Some("%"))],
            op in prop_oneof![Just(Op::Ge), Just(Op::Gt), Just(Op::Le), Just(Op::Lt), Just(Op::Eq), Just(Op::Between)],
        ) {
            let end = start.checked_add_signed(chrono::TimeDelta::days(days)).unwrap_or(start);
            let mut t = target(op, Some(goal), unit);
            if op == Op::Between {
                t = Target { value: None, min: Some(goal), max: Some(goal + 1.0), ..t };
            }
            let checkpoints = plan(start, end, &t, schedule, &Profile::Linear).unwrap();
            let limit = t.goal().unwrap_or(goal);
            for c in &checkpoints {
                if let Some(p) = c.planned {
                    prop_assert!(p <= limit, "{:?} above {}", c, limit);
                }
            }
            if let Some(last) = checkpoints.last() {
                prop_assert_eq!(last.planned.or(t.goal()), t.goal());
            }
        }

        #[test]
        fn replan_never_panics(
            start in any_date(), end in any_date(), new_end in any_date(), as_of in any_date(),
            target in any_target(), schedule in any_schedule(), profile in any_profile(),
        ) {
            let old = plan(start, end, &target, schedule, &profile).unwrap_or_default();
            if let Ok(checkpoints) = replan(&old, start, new_end, as_of, &target, schedule, &profile) {
                prop_assert!(checkpoints.windows(2).all(|w| w[0].due_on <= w[1].due_on));
            }
        }
    }
}
