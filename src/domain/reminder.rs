//! Which reminders fall due on a day: the upcoming-checkpoint and overdue ladders, evidence waiting
//! for review, and the approaching mid-term check and end-of-term acceptance.
//!
//! Each rule is a list of day offsets per audience. A reminder whose nominal day is a day off goes
//! out on the working day before ([`crate::domain::workdays::WorkCalendar::sends_for`]), so a sweep on a Friday also sends what
//! falls on the weekend after it. Whether a checkpoint is still unmet is the caller's question; this
//! module only does the calendar arithmetic, so that the sweep can look up exactly the due dates that
//! matter today instead of scanning every checkpoint.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Who a reminder goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The project's principal investigator.
    Pi,
    /// The research office (科研处) of the lead institution.
    ResearchOffice,
    /// The commission officer in charge of the project.
    Officer,
    /// Commission staff.
    Staff,
}

impl Audience {
    /// The stored and configured name.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Pi => "pi",
            Audience::ResearchOffice => "research_office",
            Audience::Officer => "officer",
            Audience::Staff => "staff",
        }
    }
}

/// Offsets in days for each audience of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder(pub Vec<(Audience, Vec<u32>)>);

impl Ladder {
    /// Every offset any audience has, ascending, without repeats.
    pub fn offsets(&self) -> Vec<u32> {
        let mut all: Vec<u32> = self.0.iter().flat_map(|(_, days)| days.iter().copied()).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The audiences of one offset.
    pub fn audiences(&self, offset: u32) -> Vec<Audience> {
        self.0.iter().filter(|(_, days)| days.contains(&offset)).map(|(a, _)| *a).collect()
    }
}

/// The reminder rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Days before a checkpoint's due date, while it is not met.
    pub upcoming: Ladder,
    /// Days after a checkpoint's due date, while it is not met: the escalation ladder.
    pub overdue: Ladder,
    /// Days evidence may wait for review before staff are reminded (then every so many days again).
    pub review_waiting_days: u32,
    /// Days before the mid-term check and the end-of-term acceptance.
    pub term: Ladder,
}

impl Default for Rules {
    fn default() -> Self {
        RuleDays::default().rules()
    }
}

/// The rules as the configuration file and the admin page write them: lists of days per rule and
/// audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleDays {
    /// Days before a checkpoint's due date, to the PI.
    pub upcoming: Vec<u32>,
    /// Days after the due date, to the PI.
    pub overdue_pi: Vec<u32>,
    /// Days after the due date, to the lead institution's research office.
    pub overdue_research_office: Vec<u32>,
    /// Days after the due date, to the commission officer in charge.
    pub overdue_officer: Vec<u32>,
    /// Days evidence may wait for review before staff are reminded, and again every so many days.
    pub review_waiting: u32,
    /// Days before the mid-term check and the end-of-term acceptance, to the PI and staff.
    pub term: Vec<u32>,
}

impl Default for RuleDays {
    fn default() -> Self {
        RuleDays {
            upcoming: vec![30, 7, 1],
            overdue_pi: vec![1, 7, 30],
            overdue_research_office: vec![14, 30],
            overdue_officer: vec![30],
            review_waiting: 7,
            term: vec![60, 14],
        }
    }
}

/// The longest offset accepted, in days: a year, beyond which a reminder is a typing mistake.
pub const MAX_OFFSET_DAYS: u32 = 366;
/// The most offsets one list may hold.
pub const MAX_OFFSETS: usize = 10;

/// A list of days that cannot be used: which list, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct BadRuleDays {
    /// The list's name, as in [`RuleDays`].
    pub field: &'static str,
    /// What is wrong, in English (the admin page shows its own sentence per field).
    pub problem: &'static str,
}

impl RuleDays {
    /// Checks every list: offsets from 1 to [`MAX_OFFSET_DAYS`], at most [`MAX_OFFSETS`] of them.
    /// An empty list turns its reminder off.
    pub fn check(&self) -> Result<(), BadRuleDays> {
        let lists: [(&'static str, &[u32]); 5] = [
            ("upcoming", &self.upcoming),
            ("overdue_pi", &self.overdue_pi),
            ("overdue_research_office", &self.overdue_research_office),
            ("overdue_officer", &self.overdue_officer),
            ("term", &self.term),
        ];
        for (field, days) in lists {
            if days.len() > MAX_OFFSETS {
                return Err(BadRuleDays { field, problem: "too many offsets (at most 10)" });
            }
            if days.iter().any(|d| !(1..=MAX_OFFSET_DAYS).contains(d)) {
                return Err(BadRuleDays { field, problem: "each offset must be between 1 and 366 days" });
            }
        }
        if !(1..=MAX_OFFSET_DAYS).contains(&self.review_waiting) {
            return Err(BadRuleDays { field: "review_waiting", problem: "must be between 1 and 366 days" });
        }
        Ok(())
    }

    /// The ladders these days describe.
    pub fn rules(&self) -> Rules {
        Rules {
            upcoming: Ladder(vec![(Audience::Pi, self.upcoming.clone())]),
            overdue: Ladder(vec![
                (Audience::Pi, self.overdue_pi.clone()),
                (Audience::ResearchOffice, self.overdue_research_office.clone()),
                (Audience::Officer, self.overdue_officer.clone()),
            ]),
            review_waiting_days: self.review_waiting,
            term: Ladder(vec![(Audience::Pi, self.term.clone()), (Audience::Staff, self.term.clone())]),
        }
    }
}

/// Which way a ladder's offsets count from the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Offsets before the due date (upcoming, term approaching).
    Before,
    /// Offsets after the due date (overdue).
    After,
}

/// One step that falls due: which offset and to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The offset in days.
    pub offset: u32,
    /// The recipients of this step.
    pub audiences: Vec<Audience>,
}

/// The due dates whose reminders go out when sending for `days` (see [`crate::domain::workdays::WorkCalendar::sends_for`]), for
/// every offset of a ladder: what a sweep looks up.
pub fn due_dates(ladder: &Ladder, direction: Direction, days: &[NaiveDate]) -> Vec<NaiveDate> {
    let mut dues: Vec<NaiveDate> = days
        .iter()
        .flat_map(|day| ladder.offsets().into_iter().filter_map(move |offset| shift(*day, offset, direction.flip())))
        .collect();
    dues.sort_unstable();
    dues.dedup();
    dues
}

/// The steps of a ladder for something due on `due_on` that go out when sending for `days`.
pub fn steps(ladder: &Ladder, direction: Direction, due_on: NaiveDate, days: &[NaiveDate]) -> Vec<Step> {
    ladder
        .offsets()
        .into_iter()
        .filter(|offset| shift(due_on, *offset, direction).is_some_and(|nominal| days.contains(&nominal)))
        .map(|offset| Step { offset, audiences: ladder.audiences(offset) })
        .collect()
}

impl Direction {
    fn flip(self) -> Direction {
        match self {
            Direction::Before => Direction::After,
            Direction::After => Direction::Before,
        }
    }
}

fn shift(day: NaiveDate, offset: u32, direction: Direction) -> Option<NaiveDate> {
    let days = Days::new(u64::from(offset));
    match direction {
        Direction::Before => day.checked_sub_days(days),
        Direction::After => day.checked_add_days(days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workdays::WorkCalendar;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn rule_days_are_checked() {
        assert_eq!(RuleDays::default().check(), Ok(()));
        let zero = RuleDays { upcoming: vec![0], ..RuleDays::default() };
        assert_eq!(zero.check().unwrap_err().field, "upcoming");
        let long = RuleDays { overdue_officer: vec![400], ..RuleDays::default() };
        assert_eq!(long.check().unwrap_err().field, "overdue_officer");
        let off = RuleDays { term: vec![], ..RuleDays::default() };
        assert_eq!(off.check(), Ok(()), "an empty list turns the reminder off");
        assert!(off.rules().term.offsets().is_empty());
    }

    #[test]
    fn the_overdue_ladder_escalates() {
        let rules = Rules::default();
        let due = date(2026, 6, 30);
        let on = |d: NaiveDate| steps(&rules.overdue, Direction::After, due, &[d]);
        assert_eq!(on(date(2026, 7, 1)), [Step { offset: 1, audiences: vec![Audience::Pi] }]);
        assert_eq!(on(date(2026, 7, 14)), [Step { offset: 14, audiences: vec![Audience::ResearchOffice] }]);
        assert_eq!(
            on(date(2026, 7, 30)),
            [Step { offset: 30, audiences: vec![Audience::Pi, Audience::ResearchOffice, Audience::Officer] }]
        );
        assert!(on(date(2026, 7, 2)).is_empty());
        assert!(on(due).is_empty(), "nothing is overdue on its due date");
    }

    #[test]
    fn a_sweep_looks_up_only_the_due_dates_that_matter() {
        let rules = Rules::default();
        let calendar = WorkCalendar::china();
        // Friday 27 November 2026 sends for the weekend too.
        let days = calendar.sends_for(date(2026, 11, 27));
        let upcoming = due_dates(&rules.upcoming, Direction::Before, &days);
        assert_eq!(upcoming.len(), 9, "three offsets by three days");
        assert!(upcoming.contains(&date(2026, 12, 29)), "30 days after Sunday 29 November");
        let overdue = due_dates(&rules.overdue, Direction::After, &days);
        assert!(overdue.contains(&date(2026, 11, 26)), "1 day before Friday");
        assert!(overdue.contains(&date(2026, 10, 30)), "30 days before Sunday");
        // Every due date looked up has a step today, and no other due date does.
        let mut d = date(2026, 9, 1);
        while d < date(2027, 2, 1) {
            let has_steps = !steps(&rules.upcoming, Direction::Before, d, &days).is_empty();
            assert_eq!(has_steps, upcoming.contains(&d), "{d}");
            let has_steps = !steps(&rules.overdue, Direction::After, d, &days).is_empty();
            assert_eq!(has_steps, overdue.contains(&d), "{d}");
            d = d.succ_opt().unwrap();
        }
        assert!(calendar.sends_for(date(2026, 11, 28)).is_empty(), "nothing goes out on a Saturday");
    }
}
