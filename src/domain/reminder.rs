//! Which reminders fall due on a day: the upcoming-checkpoint and overdue ladders, evidence waiting
//! for review, and the approaching mid-term check and end-of-term acceptance.
//!
//! Each rule is a list of day offsets per audience; the overdue ladder's last step repeats at an
//! interval until the indicator is met or the project closes. A reminder whose nominal day is a day
//! off moves to a working day away from the date it is about ([`Direction::shift`]): a sweep on a
//! Friday also sends the upcoming reminders of the weekend after it, and a sweep on a Monday the
//! overdue steps of the weekend before it. Whether a checkpoint is still unmet is the caller's
//! question; this module only does the calendar arithmetic, so that the sweep can look up exactly the
//! due dates that matter instead of scanning every checkpoint, and works out which days a sweep
//! covers ([`coverage`]) so that a day without a sweep is caught up.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::workdays::{Shift, WorkCalendar};

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
pub struct Ladder {
    /// Each audience's offsets.
    pub steps: Vec<(Audience, Vec<u32>)>,
    /// Every so many days after the last step, the last step again (`None`: the ladder ends).
    pub repeat_every: Option<u32>,
}

impl Ladder {
    /// A ladder that ends at its last step.
    pub fn once(steps: Vec<(Audience, Vec<u32>)>) -> Ladder {
        Ladder { steps, repeat_every: None }
    }

    /// Every offset any audience has, ascending, without repeats (the repeated last step aside).
    pub fn offsets(&self) -> Vec<u32> {
        let mut all: Vec<u32> = self.steps.iter().flat_map(|(_, days)| days.iter().copied()).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The audiences of one offset: those with that step, or, for an offset that repeats the last
    /// step, the last step's.
    pub fn audiences(&self, offset: u32) -> Vec<Audience> {
        let at = |offset: u32| -> Vec<Audience> {
            self.steps.iter().filter(|(_, days)| days.contains(&offset)).map(|(a, _)| *a).collect()
        };
        let direct = at(offset);
        match (self.last(), self.repeat_every) {
            (Some(last), Some(every))
                if direct.is_empty() && offset > last && (offset - last).is_multiple_of(every) =>
            {
                at(last)
            }
            _ => direct,
        }
    }

    fn last(&self) -> Option<u32> {
        self.offsets().last().copied()
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
    /// Every so many days after the overdue ladder's last step, that step again, until the indicator
    /// is met or the project closes; 0 ends the ladder at its last step.
    pub overdue_repeat: u32,
    /// How many days, today included, a sweep reaches back to catch up the days no sweep completed
    /// (the server was down, cron skipped); items of older days are counted as skipped.
    pub catch_up: u32,
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
            overdue_repeat: 30,
            catch_up: 30,
        }
    }
}

/// The longest offset accepted, in days: a year, beyond which a reminder is a typing mistake.
pub const MAX_OFFSET_DAYS: u32 = 366;
/// The most offsets one list may hold.
pub const MAX_OFFSETS: usize = 10;

/// A list of days that cannot be used: which list, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRuleDays {
    /// The list's name, as in [`RuleDays`].
    pub field: &'static str,
    /// What is wrong, in English (the admin page shows its own sentence per field).
    pub problem: &'static str,
}

impl std::fmt::Display for BadRuleDays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for BadRuleDays {}

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
        if !(1..=MAX_OFFSET_DAYS).contains(&self.catch_up) {
            return Err(BadRuleDays { field: "catch_up", problem: "must be between 1 and 366 days" });
        }
        if self.overdue_repeat > MAX_OFFSET_DAYS {
            return Err(BadRuleDays { field: "overdue_repeat", problem: "must be between 0 (off) and 366 days" });
        }
        Ok(())
    }

    /// The ladders these days describe.
    pub fn rules(&self) -> Rules {
        Rules {
            upcoming: Ladder::once(vec![(Audience::Pi, self.upcoming.clone())]),
            overdue: Ladder {
                steps: vec![
                    (Audience::Pi, self.overdue_pi.clone()),
                    (Audience::ResearchOffice, self.overdue_research_office.clone()),
                    (Audience::Officer, self.overdue_officer.clone()),
                ],
                repeat_every: (self.overdue_repeat > 0).then_some(self.overdue_repeat),
            },
            review_waiting_days: self.review_waiting,
            term: Ladder::once(vec![(Audience::Pi, self.term.clone()), (Audience::Staff, self.term.clone())]),
        }
    }
}

/// Which way a ladder's offsets count from the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Offsets before the due date (upcoming, term approaching).
    Before,
    /// Offsets after the due date (overdue, waiting for review).
    After,
}

impl Direction {
    /// Where a reminder falling on a day off goes: one ahead of a date to the working day before, so
    /// that it still comes ahead; one after a date to the working day after, so that it never comes
    /// before what it reports has happened.
    pub fn shift(self) -> Shift {
        match self {
            Direction::Before => Shift::Earlier,
            Direction::After => Shift::Later,
        }
    }

    fn flip(self) -> Direction {
        match self {
            Direction::Before => Direction::After,
            Direction::After => Direction::Before,
        }
    }
}

/// One step that falls due: which offset, on which nominal day, to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The offset in days.
    pub offset: u32,
    /// The day the step nominally falls on.
    pub nominal: NaiveDate,
    /// The recipients of this step.
    pub audiences: Vec<Audience>,
}

/// The due dates whose reminders fall on one of the nominal `days`, for every offset of a ladder:
/// what a sweep looks up. The repeats of an ending ladder's last step reach back to `floor` (the
/// earliest date anything open can be due).
pub fn due_dates(ladder: &Ladder, direction: Direction, days: &[NaiveDate], floor: NaiveDate) -> Vec<NaiveDate> {
    let offsets = ladder.offsets();
    let mut dues: Vec<NaiveDate> = days
        .iter()
        .flat_map(|day| offsets.iter().filter_map(move |offset| shift(*day, *offset, direction.flip())))
        .collect();
    if let (Some(last), Some(every), Direction::After) = (ladder.last(), ladder.repeat_every, direction) {
        for day in days {
            let mut offset = u64::from(last) + u64::from(every);
            while let Some(due) = day.checked_sub_days(Days::new(offset)).filter(|due| *due >= floor) {
                dues.push(due);
                offset += u64::from(every);
            }
        }
    }
    dues.sort_unstable();
    dues.dedup();
    dues
}

/// The steps of a ladder for something due on `due_on` that fall on one of the nominal `days`.
pub fn steps(ladder: &Ladder, direction: Direction, due_on: NaiveDate, days: &[NaiveDate]) -> Vec<Step> {
    days.iter()
        .filter_map(|nominal| {
            let distance = match direction {
                Direction::Before => (due_on - *nominal).num_days(),
                Direction::After => (*nominal - due_on).num_days(),
            };
            let offset = u32::try_from(distance).ok().filter(|o| *o > 0)?;
            let audiences = ladder.audiences(offset);
            (!audiences.is_empty()).then_some(Step { offset, nominal: *nominal, audiences })
        })
        .collect()
}

fn shift(day: NaiveDate, offset: u32, direction: Direction) -> Option<NaiveDate> {
    let days = Days::new(u64::from(offset));
    match direction {
        Direction::Before => day.checked_sub_days(days),
        Direction::After => day.checked_add_days(days),
    }
}

/// The days one sweep covers: every day after the last completed sweep up to today, at most a
/// limit back; the days before that are skipped, and said to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The days swept, in order; today last.
    pub days: Vec<NaiveDate>,
    /// The first and last day left unswept for being older than the limit.
    pub skipped: Option<(NaiveDate, NaiveDate)>,
}

/// Which days a sweep on `today` covers, given the last day a sweep completed and how many days it
/// may reach back (at least today). A sweep on or before the last completed day covers only itself:
/// re-running a day queues only what it has not queued yet.
pub fn coverage(last_completed: Option<NaiveDate>, today: NaiveDate, limit_days: u32) -> Coverage {
    let only_today = Coverage { days: vec![today], skipped: None };
    let Some(first) = last_completed.and_then(|last| last.succ_opt()).filter(|first| *first < today) else {
        return only_today;
    };
    let reach = today - Days::new(u64::from(limit_days.max(1)) - 1);
    let from = first.max(reach);
    let skipped = (first < from).then(|| (first, from.pred_opt().unwrap_or(from)));
    Coverage { days: from.iter_days().take_while(|d| *d <= today).collect(), skipped }
}

/// The nominal days whose reminders go out when the sweep covers `swept` (each a day it stands for),
/// for reminders that move by `shift`: every day sent for on a working day among them.
pub fn nominal_days(calendar: &WorkCalendar, swept: &[NaiveDate], shift: Shift) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = swept.iter().flat_map(|day| calendar.sends_for(*day, shift)).collect();
    days.sort_unstable();
    days.dedup();
    days
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
    fn the_overdue_ladder_escalates_then_repeats_its_last_step() {
        let rules = Rules::default();
        let due = date(2026, 6, 30);
        let on = |d: NaiveDate| steps(&rules.overdue, Direction::After, due, &[d]);
        let step = |offset, nominal, audiences: &[Audience]| Step { offset, nominal, audiences: audiences.to_vec() };
        let last = [Audience::Pi, Audience::ResearchOffice, Audience::Officer];
        assert_eq!(on(date(2026, 7, 1)), [step(1, date(2026, 7, 1), &[Audience::Pi])]);
        assert_eq!(on(date(2026, 7, 14)), [step(14, date(2026, 7, 14), &[Audience::ResearchOffice])]);
        assert_eq!(on(date(2026, 7, 30)), [step(30, date(2026, 7, 30), &last)]);
        assert!(on(date(2026, 7, 2)).is_empty());
        assert!(on(due).is_empty(), "nothing is overdue on its due date");
        assert!(on(date(2026, 6, 29)).is_empty(), "nor before it");
        // Day 60, 90, … repeat day 30's step, and nothing between.
        assert_eq!(on(date(2026, 8, 29)), [step(60, date(2026, 8, 29), &last)]);
        assert_eq!(on(date(2026, 9, 28)), [step(90, date(2026, 9, 28), &last)]);
        assert!(on(date(2026, 8, 30)).is_empty());
        assert!(on(date(2026, 8, 13)).is_empty(), "day 44 is not a repeat of day 14");
        let once = RuleDays { overdue_repeat: 0, ..RuleDays::default() }.rules();
        assert!(steps(&once.overdue, Direction::After, due, &[date(2026, 8, 29)]).is_empty(), "0 ends the ladder");
        assert_eq!(
            RuleDays { overdue_repeat: 367, ..RuleDays::default() }.check().unwrap_err().field,
            "overdue_repeat"
        );
    }

    #[test]
    fn a_sweep_looks_up_only_the_due_dates_that_matter() {
        let rules = Rules::default();
        let calendar = WorkCalendar::china();
        let floor = date(2024, 1, 1);
        // Friday 27 November 2026 sends ahead for the weekend after it, and late for no day before it.
        let ahead = calendar.sends_for(date(2026, 11, 27), Shift::Earlier);
        let late = calendar.sends_for(date(2026, 11, 30), Shift::Later);
        let upcoming = due_dates(&rules.upcoming, Direction::Before, &ahead, floor);
        assert_eq!(upcoming.len(), 9, "three offsets by three days");
        assert!(upcoming.contains(&date(2026, 12, 29)), "30 days after Sunday 29 November");
        let overdue = due_dates(&rules.overdue, Direction::After, &late, floor);
        assert!(overdue.contains(&date(2026, 11, 27)), "1 day before Saturday, sent on Monday");
        assert!(overdue.contains(&date(2026, 10, 31)), "30 days before Monday");
        assert!(overdue.contains(&date(2026, 9, 30)), "60 days before Sunday: the first repeat");
        assert!(overdue.iter().all(|d| *d >= floor) && overdue.iter().any(|d| (*d - floor).num_days() < 30));
        // Every due date looked up has a step on those days, and no other due date does.
        let mut d = floor;
        while d < date(2027, 2, 1) {
            let has_steps = !steps(&rules.upcoming, Direction::Before, d, &ahead).is_empty();
            assert_eq!(has_steps, upcoming.contains(&d), "{d}");
            let has_steps = !steps(&rules.overdue, Direction::After, d, &late).is_empty();
            assert_eq!(has_steps, overdue.contains(&d), "{d}");
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn no_overdue_step_falls_on_or_before_its_due_date_whatever_the_holidays() {
        let rules = Rules::default();
        let calendar = WorkCalendar::china();
        let mut due = date(2025, 1, 1);
        while due < date(2027, 1, 1) {
            for offset in rules.overdue.offsets() {
                let nominal = due + Days::new(u64::from(offset));
                assert!(calendar.send_day(nominal, Direction::After.shift()) > due, "{due} +{offset}");
            }
            due = due.succ_opt().unwrap();
        }
        // The case the issue found: due Sunday 1 June 2025 (Dragon Boat), day 1 is Monday 2 June, a
        // holiday: it goes out on Tuesday 3 June, not on Friday 30 May.
        let day_one = date(2025, 6, 2);
        assert_eq!(calendar.send_day(day_one, Direction::After.shift()), date(2025, 6, 3));
        let friday = nominal_days(&calendar, &[date(2025, 5, 30)], Direction::After.shift());
        assert!(steps(&rules.overdue, Direction::After, date(2025, 6, 1), &friday).is_empty());
    }

    #[test]
    fn a_sweep_covers_every_day_since_the_last_one_up_to_a_limit() {
        let today = date(2026, 12, 3);
        let days = |from: NaiveDate| from.iter_days().take_while(|d| *d <= today).collect::<Vec<_>>();
        assert_eq!(coverage(None, today, 30), Coverage { days: vec![today], skipped: None }, "the first sweep");
        assert_eq!(coverage(Some(date(2026, 12, 2)), today, 30).days, [today]);
        assert_eq!(coverage(Some(today), today, 30).days, [today], "a second run the same day");
        assert_eq!(coverage(Some(date(2026, 12, 20)), today, 30).days, [today], "a day in the past, again");
        assert_eq!(
            coverage(Some(date(2026, 11, 28)), today, 30),
            Coverage { days: days(date(2026, 11, 29)), skipped: None }
        );
        let long = coverage(Some(date(2026, 9, 30)), today, 30);
        assert_eq!(long.days, days(date(2026, 11, 4)));
        assert_eq!(long.days.len(), 30);
        assert_eq!(long.skipped, Some((date(2026, 10, 1), date(2026, 11, 3))));
        assert_eq!(coverage(Some(date(2026, 11, 1)), today, 1).skipped, Some((date(2026, 11, 2), date(2026, 12, 2))));
    }
}
