//! Times, one way everywhere. Every instant the program keeps is stored in UTC (a `NaiveDateTime`
//! meaning UTC, the type both databases share), including a call guide's application window, which
//! the guide states in Beijing time and the parser turns into the instant it names. A person reads
//! an instant in the configured zone (`timezone`, Asia/Shanghai by default): pages, mail, reports,
//! exports and the calendar go through [`local`], [`local_date`] and [`local_minute`]. The JSON API
//! writes RFC 3339 with the offset the value truly has, the `date-time` format the OpenAPI document
//! promises, which a bare `2026-11-22T02:00:00` is not (schemathesis found the difference):
//! recorded instants with `Z` ([`utc`]), the guide's window with `+08:00` as the guide states it
//! ([`beijing_option`]). So a changed `timezone` setting changes how times are shown, never what is
//! stored.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// Beijing time (北京时间), in which every Chinese document states its times: UTC+8 all year, as
/// China has kept no daylight saving time since 1991.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("eight hours is a valid offset"))
}

/// The instant a Beijing wall-clock time names (a guide's "2024年11月14日9:00").
pub fn in_beijing(wall_clock: NaiveDateTime) -> DateTime<FixedOffset> {
    beijing().from_utc_datetime(&(wall_clock - chrono::Duration::seconds(i64::from(beijing().local_minus_utc()))))
}

/// A stored (UTC) instant in a zone.
pub fn local<Tz: TimeZone>(at: &NaiveDateTime, tz: &Tz) -> DateTime<Tz> {
    at.and_utc().with_timezone(tz)
}

/// The day a stored (UTC) instant falls on in a zone: a review at 17:30 UTC is on the next day in
/// Shanghai.
pub fn local_date<Tz: TimeZone>(at: &NaiveDateTime, tz: &Tz) -> NaiveDate {
    local(at, tz).date_naive()
}

/// A stored (UTC) instant as a person reads it in a zone, to the minute: `2026-03-02 01:30`.
pub fn local_minute<Tz: TimeZone>(at: &NaiveDateTime, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    local(at, tz).format("%Y-%m-%d %H:%M").to_string()
}

/// The instant (UTC) a day begins in a zone, for comparing stored instants with a local day.
pub fn local_midnight_utc<Tz: TimeZone>(day: NaiveDate, tz: &Tz) -> NaiveDateTime {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    tz.from_local_datetime(&midnight).earliest().map_or(midnight, |t| t.naive_utc())
}

/// A stored (UTC) instant as RFC 3339 text with `Z`, for JSON written without serde attributes
/// (the details of an audit row).
pub fn rfc3339(at: &NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `#[serde(serialize_with = "crate::domain::timestamp::utc")]`.
pub fn utc<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&rfc3339(at))
}

/// [`utc`] for an optional timestamp: `null` when absent.
pub fn utc_option<S: Serializer>(at: &Option<NaiveDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// `#[serde(serialize_with = "crate::domain::timestamp::beijing_option")]`, for a stored (UTC)
/// instant that a document stated in Beijing time, such as a guide's opening: sent as the guide
/// wrote it, with `+08:00`; `null` when absent.
pub fn beijing_option<S: Serializer>(at: &Option<NaiveDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.collect_str(&local(at, &beijing()).to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => serializer.serialize_none(),
    }
}

/// `#[serde(deserialize_with = "crate::domain::timestamp::from_utc")]`, reading back what [`utc`]
/// wrote: RFC 3339 with any offset, converted to UTC, or (as files written before times carried
/// their offset hold it) a bare `2026-11-22T02:00:00`, which was always UTC.
pub fn from_utc<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDateTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|at| at.with_timezone(&Utc).naive_utc())
        .or_else(|_| text.parse::<NaiveDateTime>())
        .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Stamped {
        #[serde(serialize_with = "super::utc", deserialize_with = "super::from_utc")]
        at: NaiveDateTime,
        #[serde(serialize_with = "super::utc_option", skip_deserializing)]
        until: Option<NaiveDateTime>,
    }

    #[derive(serde::Serialize)]
    struct Window {
        #[serde(serialize_with = "super::beijing_option")]
        opens: Option<NaiveDateTime>,
    }

    #[test]
    fn timestamps_are_rfc_3339_in_utc_and_read_back_with_or_without_their_offset() {
        let json = serde_json::to_string(&Stamped { at: at("2026-11-22 02:00:00.25"), until: None }).unwrap();
        assert_eq!(json, r#"{"at":"2026-11-22T02:00:00.250Z","until":null}"#);
        for written in ["2026-11-22T02:00:00.250Z", "2026-11-22T10:00:00.250+08:00", "2026-11-22T02:00:00.250"] {
            let read: Stamped = serde_json::from_str(&format!(r#"{{"at":"{written}"}}"#)).unwrap();
            assert_eq!(read.at, at("2026-11-22 02:00:00.25"), "{written}");
        }
        assert!(serde_json::from_str::<Stamped>(r#"{"at":"soon"}"#).is_err());
    }

    #[test]
    fn a_beijing_wall_clock_time_is_an_instant_sent_with_its_own_offset() {
        let opens = super::in_beijing(at("2024-11-14 09:00:00"));
        assert_eq!(opens.naive_utc(), at("2024-11-14 01:00:00"), "stored in UTC");
        assert_eq!(opens.to_rfc3339(), "2024-11-14T09:00:00+08:00");
        let json = serde_json::to_string(&Window { opens: Some(opens.naive_utc()) }).unwrap();
        assert_eq!(json, r#"{"opens":"2024-11-14T09:00:00+08:00"}"#);
        assert_eq!(serde_json::to_string(&Window { opens: None }).unwrap(), r#"{"opens":null}"#);
    }

    #[test]
    fn a_person_reads_an_instant_in_the_configured_zone() {
        let review = at("2026-03-01 17:30:00");
        let shanghai = chrono_tz::Asia::Shanghai;
        assert_eq!(super::local_minute(&review, &shanghai), "2026-03-02 01:30");
        assert_eq!(super::local_date(&review, &shanghai).to_string(), "2026-03-02");
        assert_eq!(super::local_date(&review, &chrono_tz::UTC).to_string(), "2026-03-01");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(super::local_midnight_utc(day, &shanghai), at("2026-03-01 16:00:00"));
        assert_eq!(super::rfc3339(&review), "2026-03-01T17:30:00Z");
    }
}
