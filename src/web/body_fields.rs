//! Reading a JSON or URL-encoded body into its type, and saying which field did not fit: an unknown
//! field, a missing one, or a value of the wrong type. Input types refuse unknown fields
//! (`deny_unknown_fields`), so a misspelt field is reported instead of silently ignored.

use serde::de::DeserializeOwned;

use crate::web::error::AppError;

/// A JSON body as `T`.
pub fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        // Broken JSON (cut off, not JSON at all) is no one field's fault.
        if e.inner().is_data() { refusal(e, "error.bad_json") } else { AppError::BadRequest("error.bad_json") }
    })?;
    // Trailing data after the value is as malformed as a value cut short.
    deserializer.end().map_err(|_| AppError::BadRequest("error.bad_json"))?;
    Ok(value)
}

/// URL-encoded pairs as `T`.
pub fn form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(deserializer).map_err(|e| refusal(e, "error.bad_form"))
}

/// The field-naming error for a failed parse, or `otherwise` when no field is to blame (a body
/// that is not JSON at all, say).
fn refusal<E: std::fmt::Display>(error: serde_path_to_error::Error<E>, otherwise: &'static str) -> AppError {
    let field = shown(&error.path().to_string());
    let message = error.inner().to_string();
    // The path ends at an unknown field, but at the object that lacks a missing one: serde words
    // that the same in every format (`de::Error::missing_field`) and names the field only there.
    if message.starts_with("unknown field `") {
        return AppError::BadField("error.field_unknown", field);
    }
    if let Some(name) = quoted_after(&message, "missing field `") {
        return AppError::BadField("error.field_missing", join(&field, name));
    }
    if field == "." || field.is_empty() {
        AppError::BadRequest(otherwise)
    } else {
        AppError::BadField("error.field_type", field)
    }
}

/// A field name as it may be shown back: the sender chose it, so without control characters and
/// at most 100 characters long.
fn shown(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(100).collect()
}

/// The text between `prefix` and the next backquote.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    rest.split('`').next()
}

/// `name` inside the object at `path` (`partners[0].name`).
fn join(path: &str, name: &str) -> String {
    if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // only parsed
    struct Partner {
        name: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // only parsed
    struct Body {
        title: String,
        budget: i64,
        #[serde(default)]
        partners: Vec<Partner>,
    }

    fn field_of(result: Result<Body, AppError>) -> (String, String) {
        match result {
            Err(AppError::BadField(key, field)) => (key.to_owned(), field),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_refusals_name_the_field() {
        let unknown = json::<Body>(br#"{"title": "t", "budget": 1, "titel": "t"}"#);
        assert_eq!(field_of(unknown), ("error.field_unknown".into(), "titel".into()));
        let missing = json::<Body>(br#"{"title": "t"}"#);
        assert_eq!(field_of(missing), ("error.field_missing".into(), "budget".into()));
        let wrong = json::<Body>(r#"{"title": "t", "budget": "一百"}"#.as_bytes());
        assert_eq!(field_of(wrong), ("error.field_type".into(), "budget".into()));
        let nested = json::<Body>(br#"{"title": "t", "budget": 1, "partners": [{"name": "a", "x": 1}]}"#);
        assert_eq!(field_of(nested), ("error.field_unknown".into(), "partners[0].x".into()));
        assert!(matches!(json::<Body>(b"{\"title\": "), Err(AppError::BadRequest("error.bad_json"))));
        assert!(matches!(json::<Body>(b"[]"), Err(AppError::BadRequest("error.bad_json"))));
        assert!(matches!(
            json::<Body>(br#"{"title": "t", "budget": 1} {}"#),
            Err(AppError::BadRequest("error.bad_json"))
        ));
        assert!(json::<Body>(br#"{"title": "t", "budget": 1}"#).is_ok());
    }

    #[test]
    fn form_refusals_name_the_field() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)] // only parsed
        struct Form {
            name: String,
            days: u32,
        }
        let field = |bytes: &[u8]| match form::<Form>(bytes) {
            Err(AppError::BadField(key, field)) => (key, field),
            other => panic!("{other:?}"),
        };
        assert_eq!(field(b"name=a&days=3&admin=1"), ("error.field_unknown", "admin".into()));
        assert_eq!(field(b"name=a"), ("error.field_missing", "days".into()));
        assert_eq!(field(b"name=a&days=three"), ("error.field_type", "days".into()));
        let (_, long) = field(format!("name=a&days=3&x%00{}=1", "y".repeat(300)).as_bytes());
        assert_eq!(long, format!("x{}", "y".repeat(99)), "shown without control characters, cut at 100");
        assert!(form::<Form>("name=%E5%90%8D&days=3".as_bytes()).is_ok());
    }
}
