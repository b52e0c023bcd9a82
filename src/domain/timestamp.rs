//! How the JSON API writes timestamps: RFC 3339 with the offset the value truly has, the
//! `date-time` format the OpenAPI document promises, which a bare `2026-11-22T02:00:00` is not
//! (schemathesis found the difference). Instants the program records are kept in UTC and sent with
//! `Z` (`2026-11-22T02:00:00Z`). A call guide's application window is the one exception: it is kept
//! as the guide writes it, in Beijing time, and sent with `+08:00` (`2024-11-14T09:00:00+08:00`).

use chrono::{FixedOffset, NaiveDateTime, SecondsFormat, TimeZone};
use serde::Serializer;

/// Beijing time (北京时间), in which every Chinese document states its times: UTC+8 all year, as
/// China has kept no daylight saving time since 1991.
fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("eight hours is a valid offset"))
}

/// The UTC instant of a Beijing wall-clock time, for showing it in another zone.
pub fn beijing_to_utc(at: &NaiveDateTime) -> NaiveDateTime {
    *at - chrono::Duration::seconds(i64::from(beijing().local_minus_utc()))
}

/// `#[serde(serialize_with = "crate::domain::timestamp::beijing_option")]`, for a Beijing
/// wall-clock time such as a guide's opening: `null` when absent.
pub fn beijing_option<S: Serializer>(at: &Option<NaiveDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match at.and_then(|at| beijing().from_local_datetime(&at).single()) {
        Some(at) => serializer.collect_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => serializer.serialize_none(),
    }
}

/// `#[serde(serialize_with = "crate::domain::timestamp::utc")]`.
pub fn utc<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// [`utc`] for an optional timestamp: `null` when absent.
pub fn utc_option<S: Serializer>(at: &Option<NaiveDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct Stamped {
        #[serde(serialize_with = "super::utc")]
        at: chrono::NaiveDateTime,
        #[serde(serialize_with = "super::utc_option")]
        until: Option<chrono::NaiveDateTime>,
    }

    #[derive(serde::Serialize)]
    struct Window {
        #[serde(serialize_with = "super::beijing_option")]
        opens: Option<chrono::NaiveDateTime>,
    }

    #[test]
    fn a_beijing_time_is_sent_with_its_own_offset_and_converts_to_utc() {
        let nine = chrono::NaiveDateTime::parse_from_str("2024-11-14 09:00", "%Y-%m-%d %H:%M").unwrap();
        let json = serde_json::to_string(&Window { opens: Some(nine) }).unwrap();
        assert_eq!(json, r#"{"opens":"2024-11-14T09:00:00+08:00"}"#);
        assert_eq!(super::beijing_to_utc(&nine).to_string(), "2024-11-14 01:00:00");
    }

    #[test]
    fn timestamps_are_rfc_3339_in_utc() {
        let at = chrono::NaiveDateTime::parse_from_str("2026-11-22 02:00:00.25", "%Y-%m-%d %H:%M:%S%.f").unwrap();
        let json = serde_json::to_string(&Stamped { at, until: None }).unwrap();
        assert_eq!(json, r#"{"at":"2026-11-22T02:00:00.250Z","until":null}"#);
    }
}
