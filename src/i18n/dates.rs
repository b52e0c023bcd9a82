//! Dates as a person reads them: with the weekday, and whether the day is off.

use chrono::{Datelike, NaiveDate};

use super::T;
use crate::domain::workdays::{DayOff, WorkCalendar};

/// A date with its weekday, and whether it is a day off: `2026-10-03（星期六，法定节假日）`.
pub fn date_text(t: T, calendar: &WorkCalendar, day: NaiveDate) -> String {
    let weekday = t.get(WEEKDAYS[day.weekday().num_days_from_monday() as usize]);
    match calendar.day_off(day) {
        None => t.fmt("day.date", &[("date", &day), ("weekday", &weekday)]),
        Some(off) => {
            let off = t.get(match off {
                DayOff::Weekend => "day.off.weekend",
                DayOff::Holiday => "day.off.holiday",
            });
            t.fmt("day.date_off", &[("date", &day), ("weekday", &weekday), ("off", &off)])
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "day.weekday.mon",
    "day.weekday.tue",
    "day.weekday.wed",
    "day.weekday.thu",
    "day.weekday.fri",
    "day.weekday.sat",
    "day.weekday.sun",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn dates_say_when_they_are_a_weekend_or_a_holiday() {
        let calendar = WorkCalendar::china();
        let t = Locale::ZhCn.t();
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!(date_text(t, &calendar, day("2026-11-30")), "2026-11-30（星期一）");
        assert_eq!(date_text(t, &calendar, day("2026-11-29")), "2026-11-29（星期日，周末）");
        assert_eq!(date_text(t, &calendar, day("2026-10-01")), "2026-10-01（星期四，法定节假日）");
        assert_eq!(date_text(Locale::En.t(), &calendar, day("2026-10-01")), "2026-10-01 (Thursday, public holiday)");
    }
}
