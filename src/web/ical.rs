//! iCalendar (RFC 5545) text for the checkpoint feed: all-day events, escaped and folded as calendar
//! programs expect.

use chrono::{NaiveDate, NaiveDateTime};

/// One all-day event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Globally unique and stable, so that a calendar updates the event instead of duplicating it.
    pub uid: String,
    /// The day.
    pub date: NaiveDate,
    /// The title.
    pub summary: String,
    /// The details.
    pub description: String,
    /// A link to the project.
    pub url: String,
}

/// Escapes a text value: backslash, semicolon, comma and new lines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value as RFC 5545 wants it (no escaping, unlike text): every byte that is not one of the
/// characters RFC 3986 allows in a URI is percent-encoded, so that nothing in a value (a line
/// break, a space, a quote) can end the `URL:` line or start another property.
fn uri(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        let allowed = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b);
        if allowed {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a character (Chinese takes 3 octets each).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A calendar of the events, stamped with `now` (UTC).
pub fn calendar(name: &str, events: &[Event], now: NaiveDateTime) -> String {
    let mut out = String::new();
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//coop-tracker//checkpoints//ZH", "CALSCALE:GREGORIAN"] {
        fold(line, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    for event in events {
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}", event.uid), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        fold(&format!("DTSTART;VALUE=DATE:{}", event.date.format("%Y%m%d")), &mut out);
        if let Some(next) = event.date.succ_opt() {
            fold(&format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")), &mut out);
        }
        fold(&format!("SUMMARY:{}", escape(&event.summary)), &mut out);
        fold(&format!("DESCRIPTION:{}", escape(&event.description)), &mut out);
        fold(&format!("URL:{}", uri(&event.url)), &mut out);
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_escaped_folded_and_all_day() {
        let date = NaiveDate::from_ymd_opt(2025, 11, 30).unwrap();
        let event = Event {
            uid: "m-7@coop".into(),
            date,
            summary: "SH-001 中期检查：示范推广种植, 10000亩; 达标".into(),
            description: "第一行\n第二行".repeat(20),
            url: "http://x/projects/SH-001".into(),
        };
        let now = date.and_hms_opt(1, 2, 3).unwrap();
        let text = calendar("考核节点", &[event], now);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20251130\r\nDTEND;VALUE=DATE:20251201\r\n"));
        assert!(text.contains("SUMMARY:SH-001 中期检查：示范推广种植\\, 10000亩\\; 达标"));
        assert!(text.contains("DTSTAMP:20251130T010203Z"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", "第一行\\n第二行".repeat(20))));
    }

    #[test]
    fn a_url_cannot_break_its_line() {
        let date = NaiveDate::from_ymd_opt(2025, 11, 30).unwrap();
        let event = Event {
            uid: "m-8@coop".into(),
            date,
            summary: "s".into(),
            description: "d".into(),
            url: "http://x/projects/沪科 1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged\"<>\\^`{|}".into(),
        };
        let text = calendar("考核节点", &[event], date.and_hms_opt(0, 0, 0).unwrap());
        let unfolded = text.replace("\r\n ", "");
        let url = unfolded.lines().find(|l| l.starts_with("URL:")).unwrap();
        assert_eq!(
            url,
            "URL:http://x/projects/%E6%B2%AA%E7%A7%91%201%0D%0AEND:VEVENT%0D%0ABEGIN:VEVENT%0D%0ASUMMARY:forged%22%3C%3E%5C%5E%60%7B%7C%7D"
        );
        assert_eq!(unfolded.split("\r\n").filter(|l| *l == "BEGIN:VEVENT").count(), 1, "{unfolded}");
        assert!(!unfolded.split("\r\n").any(|l| l.starts_with("SUMMARY:forged")), "{unfolded}");
    }
}
