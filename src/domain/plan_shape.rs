//! The schedule and profile a stored plan was made with, read back from its checkpoints, so that a
//! change that re-plans an indicator without asking (a new target value, an extension of the period)
//! keeps the shape staff chose: a quarterly linear plan stays quarterly and linear, a plan entered by
//! hand keeps its hand-entered values.

use chrono::NaiveDate;

use crate::domain::plan::{Checkpoint, CheckpointKind, Profile, Schedule};
use crate::domain::target::Target;

/// The schedule and profile that produced `checkpoints` (the current plan, in date order) for
/// `target`. The profile is read from the planned values: intermediate values below the final one
/// mean a linear plan, equal ones the full target; with no intermediate value it is the target's
/// default.
pub fn infer(checkpoints: &[Checkpoint], target: &Target) -> (Schedule, Profile) {
    let has = |kind: CheckpointKind| checkpoints.iter().any(|c| c.kind == kind);
    if has(CheckpointKind::Manual) {
        let entries = checkpoints.iter().filter_map(|c| c.planned.map(|p| (c.due_on, p))).collect();
        return (Schedule::MidtermAndEnd, Profile::Manual(entries));
    }
    let schedule = if has(CheckpointKind::Quarterly) {
        Schedule::Quarterly
    } else if has(CheckpointKind::HalfYearly) {
        Schedule::HalfYearly
    } else {
        Schedule::MidtermAndEnd
    };
    let last = checkpoints.last().and_then(|c| c.planned);
    let intermediate: Vec<f64> =
        checkpoints.iter().filter(|c| c.kind != CheckpointKind::EndOfTerm).filter_map(|c| c.planned).collect();
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
