//! Working days in mainland China: weekends and public holidays are off, except the official make-up
//! working days (调休上班) that fall on a weekend. Reminders due on a day off go out on the working
//! day before; due dates on a day off are shown as such.
//!
//! The State Council publishes each year's arrangement in the autumn before; the built-in calendar
//! holds the published years and the configuration can add or replace years.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// Which days are worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
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

/// A date or range that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is neither a date (YYYY-MM-DD) nor a range of dates (YYYY-MM-DD..YYYY-MM-DD)")]
pub struct BadDates(pub String);

/// The longest holiday range accepted; longer ones are typing mistakes.
const MAX_RANGE_DAYS: u64 = 31;

fn dates(text: &str) -> Result<Vec<NaiveDate>, BadDates> {
    let bad = || BadDates(text.to_owned());
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

/// The published arrangements built into the program (国务院办公厅关于部分节假日安排的通知).
const BUILT_IN: &str = include_str!("workdays_cn.toml");

impl WorkCalendar {
    /// The built-in calendar of published years.
    pub fn china() -> WorkCalendar {
        let years: std::collections::BTreeMap<String, YearArrangement> = toml::from_str(BUILT_IN).unwrap_or_default();
        let mut calendar = WorkCalendar::default();
        for arrangement in years.values() {
            // The built-in file is checked by a test; nothing in it fails to parse.
            let _ = calendar.add(arrangement);
        }
        calendar
    }

    /// Adds a year's arrangement.
    pub fn add(&mut self, arrangement: &YearArrangement) -> Result<(), BadDates> {
        for text in &arrangement.holidays {
            self.holidays.extend(dates(text)?);
        }
        for text in &arrangement.workdays {
            self.make_up_workdays.extend(dates(text)?);
        }
        Ok(())
    }

    /// Why `day` is not worked, or `None` for a working day.
    pub fn day_off(&self, day: NaiveDate) -> Option<DayOff> {
        if self.holidays.contains(&day) {
            Some(DayOff::Holiday)
        } else if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.make_up_workdays.contains(&day) {
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
        let years: std::collections::BTreeMap<String, YearArrangement> = toml::from_str(BUILT_IN).unwrap();
        let mut calendar = WorkCalendar::default();
        for arrangement in years.values() {
            calendar.add(arrangement).unwrap();
        }
        assert_eq!(calendar, WorkCalendar::china());
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
        let good = YearArrangement { holidays: vec!["2027-01-01..2027-01-03".into()], workdays: vec![] };
        calendar.add(&good).unwrap();
        assert_eq!(calendar.day_off(date(2027, 1, 2)), Some(DayOff::Holiday));
        for bad in ["2027-13-01", "2027-01-05..2027-01-01", "2027-01-01..2027-03-01", "soon"] {
            let arrangement = YearArrangement { holidays: vec![bad.into()], workdays: vec![] };
            assert_eq!(calendar.add(&arrangement), Err(BadDates(bad.into())));
        }
    }
}
