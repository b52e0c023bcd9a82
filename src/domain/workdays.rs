//! Working days in mainland China: weekends and public holidays are off, except the official make-up
//! working days (调休上班) that fall on a weekend. Reminders due on a day off go out on the working
//! day before; due dates on a day off are shown as such.
//!
//! The State Council publishes each year's arrangement in the autumn before; the built-in calendar
//! holds the published years, and the configuration and the administrators' calendar page add or
//! replace years. A year nobody has entered is never guessed at: its days off are the weekends only,
//! and [`WorkCalendar::missing_years`] says which years those are, so that it can be said loudly.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// Which days are worked: each known year's arrangement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeMap<i32, Year>,
}

/// One year's arrangement, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Year {
    holidays: BTreeSet<NaiveDate>,
    make_up_workdays: BTreeSet<NaiveDate>,
}

/// Why a day is not worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOff {
    /// Saturday or Sunday.
    Weekend,
    /// A public holiday.
    Holiday,
}

/// Which way a reminder falling on a day off moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// To the working day before: reminders ahead of a date.
    Earlier,
    /// To the working day after: reminders following a date.
    Later,
}

/// One year's arrangement as the configuration writes it: holiday dates and ranges
/// (`"2026-02-15..2026-02-23"`), and make-up working days.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct YearArrangement {
    /// Days off: single dates or inclusive ranges `A..B`.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Weekend days that are worked.
    #[serde(default)]
    pub workdays: Vec<String>,
}

/// Why a year's arrangement cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadDates {
    /// Neither a date nor a range.
    Unreadable(String),
    /// A date outside the year (a notice may reach into the December before, no further).
    OutsideYear(String),
    /// A holiday that is a weekend day, or a range of only weekend days: off anyway.
    HolidayOnWeekend(String),
    /// A make-up working day that is not a Saturday or Sunday.
    MakeUpOnWeekday(String),
    /// A day listed both as a holiday and as a make-up working day.
    Both(String),
}

impl fmt::Display for BadDates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadDates::Unreadable(day) => {
                write!(f, "'{day}' is neither a date (YYYY-MM-DD) nor a range of dates (YYYY-MM-DD..YYYY-MM-DD)")
            }
            BadDates::OutsideYear(day) => {
                write!(f, "'{day}' is not in the year of the arrangement (or the December before it)")
            }
            BadDates::HolidayOnWeekend(day) => {
                write!(f, "'{day}' falls on a weekend only: a holiday must include a weekday")
            }
            BadDates::MakeUpOnWeekday(day) => {
                write!(f, "'{day}' is a weekday: a make-up working day (调休上班) is a Saturday or Sunday")
            }
            BadDates::Both(day) => write!(f, "'{day}' is both a holiday and a make-up working day"),
        }
    }
}

impl std::error::Error for BadDates {}

impl BadDates {
    /// The date or range at fault, as written.
    pub fn text(&self) -> &str {
        match self {
            BadDates::Unreadable(t)
            | BadDates::OutsideYear(t)
            | BadDates::HolidayOnWeekend(t)
            | BadDates::MakeUpOnWeekday(t)
            | BadDates::Both(t) => t,
        }
    }
}

/// The longest holiday range accepted; longer ones are typing mistakes.
const MAX_RANGE_DAYS: u64 = 31;

fn dates(text: &str) -> Result<Vec<NaiveDate>, BadDates> {
    let bad = || BadDates::Unreadable(text.to_owned());
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad());
    match text.split_once("..") {
        None => Ok(vec![parse(text)?]),
        Some((from, to)) => {
            let (from, to) = (parse(from)?, parse(to)?);
            let span = (to - from).num_days();
            if span < 0 || span as u64 >= MAX_RANGE_DAYS {
                return Err(bad());
            }
            Ok(from.iter_days().take(span as usize + 1).collect())
        }
    }
}

/// The arrangements built into the program, as published (国务院办公厅关于部分节假日安排的通知).
pub fn published() -> BTreeMap<i32, YearArrangement> {
    let texts = |days: &[&str]| days.iter().map(|d| (*d).to_owned()).collect();
    super::workdays_cn::PUBLISHED
        .iter()
        .map(|(year, holidays, workdays)| {
            (*year, YearArrangement { holidays: texts(holidays), workdays: texts(workdays) })
        })
        .collect()
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The non-empty lines of a list of dates as typed or stored, trimmed; commas and the Chinese
/// enumeration comma separate too.
pub fn lines(text: &str) -> Vec<String> {
    text.split(['\n', ',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

impl YearArrangement {
    /// Reads and checks the arrangement of `year`: every date readable and in the year (or the
    /// December before), every holiday entry with a weekday in it, every make-up day a weekend day,
    /// no day both.
    pub fn check(&self, year: i32) -> Result<Year, BadDates> {
        let first = NaiveDate::from_ymd_opt(year - 1, 12, 1);
        let last = NaiveDate::from_ymd_opt(year, 12, 31);
        let in_year = |day: &NaiveDate| first.is_some_and(|f| *day >= f) && last.is_some_and(|l| *day <= l);
        let mut checked = Year::default();
        for text in &self.holidays {
            let days = dates(text)?;
            if !days.iter().all(in_year) {
                return Err(BadDates::OutsideYear(text.clone()));
            }
            if days.iter().all(|d| is_weekend(*d)) {
                return Err(BadDates::HolidayOnWeekend(text.clone()));
            }
            checked.holidays.extend(days);
        }
        for text in &self.workdays {
            let days = dates(text)?;
            if !days.iter().all(in_year) {
                return Err(BadDates::OutsideYear(text.clone()));
            }
            if let Some(day) = days.iter().find(|d| !is_weekend(**d)) {
                return Err(BadDates::MakeUpOnWeekday(day.to_string()));
            }
            if let Some(day) = days.iter().find(|d| checked.holidays.contains(d)) {
                return Err(BadDates::Both(day.to_string()));
            }
            checked.make_up_workdays.extend(days);
        }
        Ok(checked)
    }
}

impl WorkCalendar {
    /// The built-in calendar of published years.
    pub fn china() -> WorkCalendar {
        let mut calendar = WorkCalendar::default();
        for (year, arrangement) in &published() {
            // The built-in file is checked by a test; nothing in it fails.
            let _ = calendar.set_year(*year, arrangement);
        }
        calendar
    }

    /// Puts a year's arrangement in force, replacing what the calendar had for that year.
    pub fn set_year(&mut self, year: i32, arrangement: &YearArrangement) -> Result<(), BadDates> {
        self.years.insert(year, arrangement.check(year)?);
        Ok(())
    }

    /// The years the calendar has an arrangement for, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether the calendar has the year's arrangement.
    pub fn knows_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years from `from` to `to` the calendar has no arrangement for: their holidays are
    /// unknown, and only weekends are taken as days off.
    pub fn missing_years(&self, from: i32, to: i32) -> Vec<i32> {
        (from..=to).filter(|year| !self.knows_year(*year)).collect()
    }

    /// Why `day` is not worked, or `None` for a working day.
    pub fn day_off(&self, day: NaiveDate) -> Option<DayOff> {
        // A day belongs to its own year's arrangement or, in December, to the next year's.
        let years = [day.year(), day.year() + 1];
        let arrangements = || years.iter().filter_map(|y| self.years.get(y));
        if arrangements().any(|y| y.holidays.contains(&day)) {
            Some(DayOff::Holiday)
        } else if is_weekend(day) && !arrangements().any(|y| y.make_up_workdays.contains(&day)) {
            Some(DayOff::Weekend)
        } else {
            None
        }
    }

    /// Whether `day` is worked.
    pub fn is_workday(&self, day: NaiveDate) -> bool {
        self.day_off(day).is_none()
    }

    /// The working day a reminder nominally due on `day` is sent: `day` itself when it is worked,
    /// else the nearest working day in the direction of `shift`.
    pub fn send_day(&self, day: NaiveDate, shift: Shift) -> NaiveDate {
        let mut d = day;
        // Holidays never run longer than a few weeks, so this ends quickly; the bound is a guard.
        for _ in 0..MAX_RUN_OFF {
            if self.is_workday(d) {
                return d;
            }
            match step(d, shift) {
                Some(next) => d = next,
                None => return day,
            }
        }
        day
    }

    /// The nominal days whose reminders are sent on `today`: today itself when it is worked, and the
    /// days off next to it on the side `shift` moves them from (after it for [`Shift::Earlier`],
    /// before it for [`Shift::Later`]), in date order. Empty on a day off.
    pub fn sends_for(&self, today: NaiveDate, shift: Shift) -> Vec<NaiveDate> {
        if !self.is_workday(today) {
            return Vec::new();
        }
        let away = match shift {
            Shift::Earlier => Shift::Later,
            Shift::Later => Shift::Earlier,
        };
        let mut days = vec![today];
        let mut d = today;
        while let Some(next) = step(d, away) {
            if self.is_workday(next) || days.len() > MAX_RUN_OFF {
                break;
            }
            days.push(next);
            d = next;
        }
        days.sort_unstable();
        days
    }
}

/// The longest run of days off looked through; real ones are under two weeks.
const MAX_RUN_OFF: usize = 60;

fn step(day: NaiveDate, shift: Shift) -> Option<NaiveDate> {
    match shift {
        Shift::Earlier => day.checked_sub_days(Days::new(1)),
        Shift::Later => day.checked_add_days(Days::new(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_built_in_calendar_parses_and_knows_the_published_years() {
        let mut calendar = WorkCalendar::default();
        for (year, arrangement) in &published() {
            calendar.set_year(*year, arrangement).unwrap();
        }
        assert_eq!(calendar, WorkCalendar::china());
        assert_eq!(calendar.missing_years(2024, 2028), [2027, 2028], "no year is guessed at");
        // 2026 Spring Festival: 15–23 February off, Saturday 14 and Saturday 28 February worked.
        assert_eq!(calendar.day_off(date(2026, 2, 16)), Some(DayOff::Holiday));
        assert!(calendar.is_workday(date(2026, 2, 14)));
        assert!(calendar.is_workday(date(2026, 2, 28)));
        // National Day 2025: 1–8 October off, Sunday 28 September worked.
        assert_eq!(calendar.day_off(date(2025, 10, 8)), Some(DayOff::Holiday));
        assert!(calendar.is_workday(date(2025, 9, 28)));
        assert_eq!(calendar.day_off(date(2026, 11, 28)), Some(DayOff::Weekend));
    }

    #[test]
    fn a_reminder_on_a_day_off_moves_away_from_the_date_it_is_about() {
        let calendar = WorkCalendar::china();
        // Sunday 29 November 2026: before a date → Friday 27; after a date → Monday 30.
        assert_eq!(calendar.send_day(date(2026, 11, 29), Shift::Earlier), date(2026, 11, 27));
        assert_eq!(calendar.send_day(date(2026, 11, 29), Shift::Later), date(2026, 11, 30));
        assert_eq!(calendar.send_day(date(2026, 11, 30), Shift::Earlier), date(2026, 11, 30));
        assert_eq!(calendar.send_day(date(2026, 11, 30), Shift::Later), date(2026, 11, 30));
        // National Day 2026 (1–7 October): → Wednesday 30 September, or → Thursday 8 October.
        assert_eq!(calendar.send_day(date(2026, 10, 5), Shift::Earlier), date(2026, 9, 30));
        assert_eq!(calendar.send_day(date(2026, 10, 5), Shift::Later), date(2026, 10, 8));
        // Dragon Boat 2025 (31 May – 2 June): 1 June moves to Friday 30 May or Tuesday 3 June.
        assert_eq!(calendar.send_day(date(2025, 6, 1), Shift::Earlier), date(2025, 5, 30));
        assert_eq!(calendar.send_day(date(2025, 6, 1), Shift::Later), date(2025, 6, 3));
        // Friday 27 November sends ahead for the weekend after it; Monday 30 late for the one before.
        assert_eq!(
            calendar.sends_for(date(2026, 11, 27), Shift::Earlier),
            [date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)]
        );
        assert_eq!(calendar.sends_for(date(2026, 11, 27), Shift::Later), [date(2026, 11, 27)]);
        assert_eq!(
            calendar.sends_for(date(2026, 11, 30), Shift::Later),
            [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)]
        );
        for shift in [Shift::Earlier, Shift::Later] {
            assert!(calendar.sends_for(date(2026, 11, 28), shift).is_empty());
        }
        // Every day is sent for exactly once either way, by the day `send_day` names.
        for shift in [Shift::Earlier, Shift::Later] {
            let mut d = date(2025, 1, 1);
            while d < date(2027, 1, 1) {
                let senders: Vec<_> = (0..80)
                    .filter_map(|k| d.checked_add_days(Days::new(k)).and_then(|s| s.checked_sub_days(Days::new(40))))
                    .filter(|s| calendar.sends_for(*s, shift).contains(&d))
                    .collect();
                assert_eq!(senders, [calendar.send_day(d, shift)], "{d} {shift:?}");
                match shift {
                    Shift::Earlier => assert!(calendar.send_day(d, shift) <= d),
                    Shift::Later => assert!(calendar.send_day(d, shift) >= d),
                }
                d = d.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn configured_dates_are_checked() {
        let mut calendar = WorkCalendar::default();
        let arrangement = |holidays: &[&str], workdays: &[&str]| YearArrangement {
            holidays: holidays.iter().map(|s| (*s).to_owned()).collect(),
            workdays: workdays.iter().map(|s| (*s).to_owned()).collect(),
        };
        calendar.set_year(2030, &arrangement(&["2030-01-01..2030-01-03"], &["2030-01-05"])).unwrap();
        assert_eq!(calendar.day_off(date(2030, 1, 2)), Some(DayOff::Holiday));
        assert!(calendar.is_workday(date(2030, 1, 5)), "a make-up Saturday");
        assert!(calendar.knows_year(2030) && !calendar.knows_year(2031));
        // Setting a year again replaces it.
        calendar.set_year(2030, &arrangement(&["2030-01-01"], &[])).unwrap();
        assert!(calendar.is_workday(date(2030, 1, 2)));
        assert_eq!(calendar.day_off(date(2030, 1, 5)), Some(DayOff::Weekend));
        let bad: &[(&[&str], &[&str], BadDates)] = &[
            (&["2030-13-01"], &[], BadDates::Unreadable("2030-13-01".into())),
            (&["2030-01-05..2030-01-01"], &[], BadDates::Unreadable("2030-01-05..2030-01-01".into())),
            (&["2030-01-01..2030-03-01"], &[], BadDates::Unreadable("2030-01-01..2030-03-01".into())),
            (&["soon"], &[], BadDates::Unreadable("soon".into())),
            (&["2031-01-01"], &[], BadDates::OutsideYear("2031-01-01".into())),
            (&["2029-11-30"], &[], BadDates::OutsideYear("2029-11-30".into())),
            (&["2030-01-05..2030-01-06"], &[], BadDates::HolidayOnWeekend("2030-01-05..2030-01-06".into())),
            (&[], &["2030-01-07"], BadDates::MakeUpOnWeekday("2030-01-07".into())),
            (&["2030-02-01..2030-02-10"], &["2030-02-09"], BadDates::Both("2030-02-09".into())),
        ];
        for (holidays, workdays, error) in bad {
            assert_eq!(calendar.set_year(2030, &arrangement(holidays, workdays)).as_ref(), Err(error));
        }
        assert!(calendar.is_workday(date(2030, 1, 2)), "a refused arrangement changes nothing");
        // A notice may start its year's holidays in the December before.
        calendar.set_year(2031, &arrangement(&["2030-12-30..2031-01-01"], &[])).unwrap();
        assert_eq!(calendar.day_off(date(2030, 12, 30)), Some(DayOff::Holiday));
    }
}
