//! Dates and times as guides write them: the signature's date, the application window and a
//! direction's execution period.

use crate::domain::guide::model::{Period, Window};
use crate::domain::timestamp::in_beijing;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

/// A line that is only a date: the signature's date.
pub(super) fn standalone_date(text: &str) -> Option<NaiveDate> {
    let (date, end) = date_at(text, 0)?;
    (end == text.len()).then_some(date)
}

/// Every date (with its time, if one follows) in a text, in order.
fn datetimes(text: &str) -> Vec<(NaiveDateTime, bool)> {
    let mut found = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let Some(start) = text[from..].find(|c: char| c.is_ascii_digit()).map(|p| p + from) else { break };
        match date_at(text, start) {
            Some((date, end)) => {
                let (time, end) = time_at(text, end).map_or((None, end), |(t, e)| (Some(t), e));
                found.push((date.and_time(time.unwrap_or_default()), time.is_some()));
                from = end;
            }
            None => {
                from = start + text[start..].find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len() - start);
            }
        }
    }
    found
}

/// Reads a number of ASCII digits at `at`, returning it and the byte after it.
pub(super) fn number_at(text: &str, at: usize, max_digits: usize) -> Option<(u32, usize)> {
    let digits = text.get(at..)?.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > max_digits {
        return None;
    }
    Some((text[at..at + digits].parse().ok()?, at + digits))
}

/// `2024年12月1日`, `2024-12-01`, `2024.12.1`, `2024/12/1`, or `2024年12月` (the first day).
fn date_at(text: &str, at: usize) -> Option<(NaiveDate, usize)> {
    let (year, after_year) = number_at(text, at, 4).filter(|(y, _)| *y >= 1900)?;
    let rest = &text[after_year..];
    let (separator, month_at) = if rest.starts_with('年') {
        ('年', after_year + '年'.len_utf8())
    } else {
        let c = rest.chars().next().filter(|c| matches!(c, '-' | '.' | '/'))?;
        (c, after_year + 1)
    };
    let (month, after_month) = number_at(text, month_at, 2)?;
    let after_month_text = &text[after_month..];
    let day_at = if separator == '年' {
        after_month_text.strip_prefix('月').map(|_| after_month + '月'.len_utf8())?
    } else {
        after_month_text.strip_prefix(separator).map(|_| after_month + 1)?
    };
    match number_at(text, day_at, 2) {
        Some((day, after_day)) => {
            let end =
                if text[after_day..].starts_with(['日', '号']) { after_day + '日'.len_utf8() } else { after_day };
            Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, end))
        }
        None if separator == '年' => Some((NaiveDate::from_ymd_opt(year as i32, month, 1)?, day_at)),
        None => None,
    }
}

/// `9:00`, `16:30`, `9时`, `16时30分`, `下午4点半`, right after a date.
fn time_at(text: &str, at: usize) -> Option<(NaiveTime, usize)> {
    let mut at = at;
    let mut afternoon = false;
    for prefix in ["上午", "下午", "晚上", " "] {
        if text[at..].starts_with(prefix) {
            afternoon = prefix != "上午" && prefix != " ";
            at += prefix.len();
        }
    }
    let (hour, after_hour) = number_at(text, at, 2)?;
    let rest = &text[after_hour..];
    let (minute, end) = if let Some(stripped) = rest.strip_prefix(':') {
        let (m, e) = number_at(text, after_hour + 1, 2)?;
        let _ = stripped;
        (m, e)
    } else if let Some(after) = rest.strip_prefix(['时', '点']) {
        let base = after_hour + '时'.len_utf8();
        if after.starts_with('半') {
            (30, base + '半'.len_utf8())
        } else if let Some((m, e)) = number_at(text, base, 2) {
            let e = if text[e..].starts_with('分') { e + '分'.len_utf8() } else { e };
            (m, e)
        } else {
            (0, base)
        }
    } else {
        return None;
    };
    let hour = if afternoon && hour < 12 { hour + 12 } else { hour };
    Some((NaiveTime::from_hms_opt(hour, minute, 0)?, end))
}

/// The sentence that gives the application deadline, with the opening before it.
pub(super) fn application_window(paragraphs: &[String]) -> Option<Window> {
    const CUES: [&str; 5] = ["截止", "起始时间", "受理时间", "申报时间", "填报时间"];
    paragraphs.iter().filter(|p| CUES.iter().any(|cue| p.contains(cue))).find_map(|paragraph| {
        let found = datetimes(paragraph);
        let (first, last) = (found.first()?, found.last()?);
        if found.len() < 2 {
            return None;
        }
        let opens = first.0;
        // A deadline without a time means the end of that day.
        let closes = if last.1 { last.0 } else { last.0.date().and_hms_opt(23, 59, 0)? };
        // A Chinese guide states its times in Beijing time, whatever zone the tracker shows.
        Some(Window { opens: in_beijing(opens), closes: in_beijing(closes) })
    })
}

/// 2024年12月1日至2026年11月30日; a month alone runs from its first to its last day.
pub(super) fn period(text: &str) -> Option<Period> {
    let found = datetimes(text);
    let (start, end) = (found.first()?.0.date(), found.get(1)?.0.date());
    let month_only = |t: &str| !t.contains('日') && !t.contains('号') && t.contains('月');
    let end = if month_only(text) { last_day_of_month(end)? } else { end };
    (end >= start).then_some(Period { start, end })
}

fn last_day_of_month(date: NaiveDate) -> Option<NaiveDate> {
    let (year, month) = if date.month0() == 11 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1)?.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::document::paragraphs;
    use crate::domain::guide::text;

    #[test]
    fn dates_times_and_periods() {
        assert_eq!(
            period("2024年12月1日至2026年11月30日。").map(|p| (p.start.to_string(), p.end.to_string())),
            Some(("2024-12-01".into(), "2026-11-30".into()))
        );
        assert_eq!(period("2025年1月至2026年12月").map(|p| p.end.to_string()), Some("2026-12-31".into()));
        assert_eq!(period("2025-01-01至2024-01-01"), None, "an end before the start is refused");
        let window = application_window(&paragraphs(&text::lines(
            "项目网上填报起始时间为2024年11月14日9:00，截止时间（含申报单位网\n上审核提交）为2024年12月3\n日16:30。",
        )))
        .unwrap();
        assert_eq!(window.opens.to_rfc3339(), "2024-11-14T09:00:00+08:00");
        assert_eq!(window.closes.to_rfc3339(), "2024-12-03T16:30:00+08:00");
        let window =
            application_window(&paragraphs(&text::lines("申报受理时间为2025年3月1日上午9时至2025年3月20日下午4点半")))
                .unwrap();
        assert_eq!(window.closes.to_rfc3339(), "2025-03-20T16:30:00+08:00");
        assert_eq!(standalone_date("2024年11月6日"), NaiveDate::from_ymd_opt(2024, 11, 6));
        assert_eq!(standalone_date("2024年    月    日"), None);
    }
}
