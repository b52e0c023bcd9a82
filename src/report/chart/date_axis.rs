//! The date axis of the charts over time (indicator progress, overdue trend, timeline).

use std::ops::Range;

use chrono::{Datelike, Days, NaiveDate};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

/// A date axis whose ticks fall on the first of a month, every 1, 2, 3, 6 or 12 months, so that they
/// read as months or quarters; labelled `2025-04`. A span too short for two such ticks gets its ends,
/// labelled with the full date.
#[derive(Debug, Clone)]
pub(super) struct DateAxis {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
}

impl DateAxis {
    /// The axis over `dates` (and at least `[start, end]`), widened by half a month each way when it
    /// would be a single day, so that a point on it is not drawn on the frame.
    pub(super) fn new(start: NaiveDate, end: NaiveDate, dates: impl Iterator<Item = NaiveDate>) -> Self {
        let (mut start, mut end) =
            dates.fold((start.min(end), end.max(start)), |(lo, hi), date| (lo.min(date), hi.max(date)));
        if end <= start {
            start = start.checked_sub_days(Days::new(15)).unwrap_or(start);
            end = end.checked_add_days(Days::new(15)).unwrap_or(end);
        }
        DateAxis { start, end }
    }

    /// The axis widened by a fortieth of its span each way, so that markers at its ends stay off the
    /// frame.
    pub(super) fn padded(self) -> Self {
        let pad = Days::new(u64::try_from(self.days() / 40).unwrap_or(0).max(1));
        DateAxis {
            start: self.start.checked_sub_days(pad).unwrap_or(self.start),
            end: self.end.checked_add_days(pad).unwrap_or(self.end),
        }
    }

    pub(super) fn days(&self) -> i64 {
        (self.end - self.start).num_days().max(1)
    }
}

impl Ranged for DateAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = NaiveDate;

    fn map(&self, value: &NaiveDate, limit: (i32, i32)) -> i32 {
        let share = (*value - self.start).num_days() as f64 / self.days() as f64;
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<NaiveDate> {
        let most = hint.max_num_points();
        let month = |date: NaiveDate| i64::from(date.year()) * 12 + i64::from(date.month0());
        let first_of = |index: i64| {
            let year = i32::try_from(index.div_euclid(12)).ok()?;
            let month0 = u32::try_from(index.rem_euclid(12)).ok()?;
            NaiveDate::from_ymd_opt(year, month0 + 1, 1)
        };
        let (from, to) = (month(self.start) + i64::from(self.start.day() > 1), month(self.end));
        for step in [1, 2, 3, 6, 12, 24, 60] {
            let ticks: Vec<NaiveDate> =
                (from..=to).filter(|index| index.rem_euclid(step) == 0).filter_map(first_of).collect();
            if ticks.len() <= most {
                if ticks.len() >= 2 {
                    return ticks;
                }
                break;
            }
        }
        if most >= 2 { vec![self.start, self.end] } else { Vec::new() }
    }

    fn range(&self) -> Range<NaiveDate> {
        self.start..self.end
    }
}

impl ValueFormatter<NaiveDate> for DateAxis {
    fn format_ext(&self, value: &NaiveDate) -> String {
        if value.day() == 1 { value.format("%Y-%m").to_string() } else { value.format("%Y-%m-%d").to_string() }
    }
}
