//! The schedule and profile a stored plan was made with, read back from its checkpoints, so that a
//! change that re-plans an indicator without asking (a new target value, an extension of the period)
//! keeps the shape staff chose: a quarterly linear plan stays quarterly and linear, a plan entered by
//! hand keeps its hand-entered values.

use chrono::NaiveDate;

use crate::domain::plan::{Checkpoint, CheckpointKind, Profile, Schedule};
use crate::domain::target::Target;

/// The schedule and profile that produced `checkpoints` (the current plan, in date order) for
/// `target`. A re-plan keeps the checkpoints already due from earlier plans, so the shape is read from
/// the latest ones: a plan ending in hand-entered checkpoints is manual; otherwise the kind of the last
/// intermediate checkpoint names the schedule, and the planned values of that kind give the profile
/// (below the final value: linear; equal to it: the full target; none: the target's default).
pub fn infer(checkpoints: &[Checkpoint], target: &Target) -> (Schedule, Profile) {
    if checkpoints.last().is_some_and(|c| c.kind == CheckpointKind::Manual) {
        let entries = checkpoints.iter().filter_map(|c| c.planned.map(|p| (c.due_on, p))).collect();
        return (Schedule::MidtermAndEnd, Profile::Manual(entries));
    }
    let latest = checkpoints.iter().rev().map(|c| c.kind).find(|k| *k != CheckpointKind::EndOfTerm);
    let schedule = match latest {
        Some(CheckpointKind::Quarterly) => Schedule::Quarterly,
        Some(CheckpointKind::HalfYearly) => Schedule::HalfYearly,
        _ => Schedule::MidtermAndEnd,
    };
    let last = checkpoints.last().and_then(|c| c.planned);
    let intermediate: Vec<f64> =
        checkpoints.iter().filter(|c| Some(c.kind) == latest).filter_map(|c| c.planned).collect();
    let profile = match last {
        Some(last) if !intermediate.is_empty() => {
            if intermediate.iter().all(|v| *v == last) {
                Profile::FullTarget
            } else {
                Profile::Linear
            }
        }
        _ => Profile::default_for(target),
    };
    (schedule, profile)
}

/// The open part of a hand-entered plan: the entries due on or after `today` (those already due stay
/// as they were and are not planned again).
pub fn open_entries(entries: &[(NaiveDate, f64)], today: NaiveDate) -> Vec<(NaiveDate, f64)> {
    entries.iter().copied().filter(|(date, _)| *date >= today).collect()
}

/// A hand-entered plan stretched to a new end of term: the entry that fell on the old end moves to the
/// new one, the others stay where staff put them.
pub fn stretch_manual(entries: &[(NaiveDate, f64)], old_end: NaiveDate, new_end: NaiveDate) -> Vec<(NaiveDate, f64)> {
    entries.iter().map(|&(date, value)| (if date == old_end { new_end } else { date }, value)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::model::Op;
    use crate::domain::plan::plan;
    use crate::domain::plan::tests::{between, d, target};

    #[test]
    fn a_plan_made_by_the_planner_reads_back_as_made() {
        let people = target(Op::Ge, Some(40.0), Some("人次"));
        let accuracy = target(Op::Ge, Some(95.0), Some("%"));
        let range = between(2.0, 13.0, "pH");
        let (start, end) = (d(2025, 1, 1), d(2026, 12, 31));
        for t in [&people, &accuracy] {
            for schedule in [Schedule::MidtermAndEnd, Schedule::HalfYearly, Schedule::Quarterly] {
                for profile in [Profile::Linear, Profile::FullTarget] {
                    let checkpoints = plan(start, end, t, schedule, &profile).unwrap();
                    assert_eq!(infer(&checkpoints, t), (schedule, profile), "{t:?} {schedule:?}");
                }
            }
        }
        let quarterly_range = plan(start, end, &range, Schedule::Quarterly, &Profile::FullTarget).unwrap();
        assert_eq!(infer(&quarterly_range, &range).0, Schedule::Quarterly);
    }

    #[test]
    fn checkpoints_kept_from_earlier_plans_do_not_change_the_shape() {
        use crate::domain::plan::replan;
        let lines = target(Op::Ge, Some(10.0), Some("条"));
        let (start, end, today) = (d(2025, 1, 1), d(2026, 12, 31), d(2026, 1, 15));
        let linear_quarters = plan(start, end, &lines, Schedule::Quarterly, &Profile::Linear).unwrap();
        let full_halves =
            replan(&linear_quarters, start, end, today, &lines, Schedule::HalfYearly, &Profile::FullTarget).unwrap();
        assert!(full_halves.iter().any(|c| c.kind == CheckpointKind::Quarterly), "the passed quarters stay");
        assert_eq!(infer(&full_halves, &lines), (Schedule::HalfYearly, Profile::FullTarget));
        let manual = Profile::Manual(vec![(d(2026, 6, 30), 7.0), (end, 10.0)]);
        let by_hand = replan(&full_halves, start, end, today, &lines, Schedule::MidtermAndEnd, &manual).unwrap();
        let (_, inferred) = infer(&by_hand, &lines);
        let Profile::Manual(entries) = inferred else { panic!("{inferred:?}") };
        assert_eq!(open_entries(&entries, today), vec![(d(2026, 6, 30), 7.0), (end, 10.0)]);
    }

    #[test]
    fn a_manual_plan_keeps_its_entries() {
        let people = target(Op::Ge, Some(40.0), Some("人次"));
        let entries = vec![(d(2025, 3, 1), 5.0), (d(2026, 12, 31), 40.0)];
        let checkpoints =
            plan(d(2025, 1, 1), d(2026, 12, 31), &people, Schedule::MidtermAndEnd, &Profile::Manual(entries.clone()))
                .unwrap();
        assert_eq!(infer(&checkpoints, &people), (Schedule::MidtermAndEnd, Profile::Manual(entries.clone())));
        assert_eq!(
            stretch_manual(&entries, d(2026, 12, 31), d(2027, 6, 30)),
            vec![(d(2025, 3, 1), 5.0), (d(2027, 6, 30), 40.0)]
        );
    }
}
