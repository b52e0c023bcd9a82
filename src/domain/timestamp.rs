//! How the JSON API writes timestamps. They are kept in UTC without an offset and sent as RFC 3339
//! with `Z` (`2026-11-22T02:00:00Z`): the `date-time` format the OpenAPI document promises, which a
//! bare `2026-11-22T02:00:00` is not (schemathesis found the difference).

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

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

    #[test]
    fn timestamps_are_rfc_3339_in_utc() {
        let at = chrono::NaiveDateTime::parse_from_str("2026-11-22 02:00:00.25", "%Y-%m-%d %H:%M:%S%.f").unwrap();
        let json = serde_json::to_string(&Stamped { at, until: None }).unwrap();
        assert_eq!(json, r#"{"at":"2026-11-22T02:00:00.250Z","until":null}"#);
    }
}
