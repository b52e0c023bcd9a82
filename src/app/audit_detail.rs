//! What an audit entry changed, read from its stored detail for a person: each field with what it
//! was and what it became, ids replaced by the names people know. The stored detail stays JSON
//! for the API and the audit chain; this is only how the history page reads it.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::domain::target::Target;

/// A value as the history shows it, before it is written in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// Text as stored: a name, a date, a note, or a state or status by its stored name.
    Text(String),
    /// A number.
    Number(f64),
    /// Yes or no.
    Flag(bool),
    /// A list or a group of values, by how many it holds (a registration's indicators).
    Count(usize),
    /// An indicator's target.
    Target(Target),
    /// People by name (a project's members).
    Names(Vec<String>),
    /// Nothing (a field cleared).
    Empty,
}

/// One field of an entry: what it was (none when it was set by this entry) and what it became
/// (none when it was removed).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// The stored field name (`status`, `execution_end`, `officer`).
    pub field: String,
    /// Before.
    pub before: Option<Shown>,
    /// After.
    pub after: Option<Shown>,
}

/// The names ids in details stand for: users (officer, PI, members) and the project's indicators.
#[derive(Debug, Default)]
pub struct Names {
    /// User id to name.
    pub users: HashMap<i64, String>,
    /// Indicator id to what it measures.
    pub indicators: HashMap<i64, String>,
}

/// The user ids a detail names (officer, PI, members), to look up before [`changes`].
pub fn user_ids(detail: &Value) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut visit = |object: &Map<String, Value>| {
        for (key, value) in object {
            if key.ends_with("_user_id") {
                ids.extend(value.as_i64());
            } else if key == "member_ids" {
                ids.extend(value.as_array().into_iter().flatten().filter_map(Value::as_i64));
            }
        }
    };
    if let Some(object) = detail.as_object() {
        visit(object);
        for side in ["before", "after"] {
            if let Some(inner) = object.get(side).and_then(Value::as_object) {
                visit(inner);
            }
        }
    }
    ids
}

/// The fields an entry changed, by field name: for a detail with `before` and `after`, each field
/// whose value differs; then any other field of the detail as set by the entry. A detail that
/// is not a JSON object is one text field (`detail`), so nothing stored is ever hidden. `parsed` is
/// `detail` as read once by the caller (which also looks for the users it names), `None` when it is
/// not JSON.
pub fn changes(detail: &str, parsed: Option<&Value>, names: &Names) -> Vec<FieldChange> {
    let Some(Value::Object(object)) = parsed else {
        return vec![FieldChange { field: "detail".into(), before: None, after: Some(Shown::Text(detail.to_owned())) }];
    };
    let (before, after) = (object.get("before"), object.get("after"));
    // Each side is a group of fields, or one value (a state's name, a target, a list).
    fn fields_of(side: Option<&Value>) -> Option<&Map<String, Value>> {
        match side {
            Some(value @ Value::Object(fields)) if target(value).is_none() => Some(fields),
            _ => None,
        }
    }
    let empty = Map::new();
    let mut found = Vec::new();
    let mut set_after = &empty;
    if fields_of(before).is_some() || fields_of(after).is_some() {
        let before = fields_of(before).unwrap_or(&empty);
        set_after = fields_of(after).unwrap_or(&empty);
        let mut fields: Vec<&String> = before.keys().collect();
        fields.extend(set_after.keys().filter(|key| !before.contains_key(*key)));
        found.extend(
            fields
                .into_iter()
                .filter(|field| before.get(*field) != set_after.get(*field))
                .filter_map(|field| field_change(field, before.get(field), set_after.get(field), names)),
        );
    } else if before.is_some() || after.is_some() {
        let field = if after.and_then(target).is_some() { "target" } else { "change" };
        found.push(FieldChange { field: field.into(), before: before.map(shown), after: after.map(shown) });
    }
    for (field, value) in object {
        if field == "before" || field == "after" || set_after.contains_key(field) {
            continue;
        }
        found.extend(field_change(field, None, Some(value), names));
    }
    found
}

/// How a field's value is read: ids of people or indicators by their names, the rest as stored.
#[derive(Clone, Copy)]
enum Reading {
    User,
    Members,
    Indicator,
    Plain,
}

impl Reading {
    fn show(self, value: &Value, names: &Names) -> Shown {
        let named = |table: &HashMap<i64, String>| match value {
            Value::Number(n) => {
                n.as_i64().and_then(|id| table.get(&id)).map_or(Shown::Empty, |name| Shown::Text(name.clone()))
            }
            other => shown(other),
        };
        match self {
            Reading::User => named(&names.users),
            Reading::Indicator => named(&names.indicators),
            Reading::Members => {
                let members: Vec<String> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|id| id.as_i64().and_then(|id| names.users.get(&id)).cloned())
                    .collect();
                if members.is_empty() { Shown::Empty } else { Shown::Names(members) }
            }
            Reading::Plain => shown(value),
        }
    }
}

/// A field's change, with ids named; `None` for a bare id no one would recognise (a direction's or
/// a row's internal number).
fn field_change(field: &str, before: Option<&Value>, after: Option<&Value>, names: &Names) -> Option<FieldChange> {
    let (name, reading) = if let Some(role) = field.strip_suffix("_user_id") {
        (role, Reading::User)
    } else if field == "member_ids" {
        ("members", Reading::Members)
    } else if field == "indicator_id" {
        ("indicator", Reading::Indicator)
    } else if field == "id" || field.ends_with("_id") || field.ends_with("_ids") {
        return None;
    } else {
        (field, Reading::Plain)
    };
    let show = |value: &Value| reading.show(value, names);
    Some(FieldChange { field: name.to_owned(), before: before.map(show), after: after.map(show) })
}

/// The target a stored value holds, if it is one.
fn target(value: &Value) -> Option<Target> {
    serde_json::from_value(value.clone()).ok()
}

/// A stored value as shown.
fn shown(value: &Value) -> Shown {
    match value {
        Value::Null => Shown::Empty,
        Value::Bool(flag) => Shown::Flag(*flag),
        Value::Number(n) => n.as_f64().map_or(Shown::Empty, Shown::Number),
        Value::String(text) => Shown::Text(text.clone()),
        // A pair of dates is a period (`execution`); other lists of plain values are listed.
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
            Shown::Text(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" – "))
        }
        Value::Array(items) => Shown::Count(items.len()),
        Value::Object(fields) => target(value).map_or(Shown::Count(fields.len()), Shown::Target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The changes of a stored detail, read as the history reads it.
    fn read(detail: &str) -> Vec<FieldChange> {
        changes(detail, serde_json::from_str(detail).ok().as_ref(), &names())
    }

    fn names() -> Names {
        Names {
            users: HashMap::from([(3, "张敏".to_owned()), (7, "李伟".to_owned())]),
            indicators: HashMap::from([(12, "发酵产量预测精度".to_owned())]),
        }
    }

    #[test]
    fn a_before_and_after_gives_the_fields_that_changed_with_ids_named() {
        let detail =
            r#"{"before":{"officer_user_id":3,"state":"active"},"after":{"officer_user_id":7,"state":"active"}}"#;
        assert_eq!(
            read(detail),
            vec![FieldChange {
                field: "officer".into(),
                before: Some(Shown::Text("张敏".into())),
                after: Some(Shown::Text("李伟".into())),
            }]
        );
    }

    #[test]
    fn fields_beside_before_and_after_are_what_the_entry_set() {
        let detail = r#"{"after":{"status":"rejected","reason":"缺少盖章"},"decision":"rejected","indicator_id":12,"review_id":5}"#;
        let found = read(detail);
        let fields: Vec<&str> = found.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["reason", "status", "decision", "indicator"], "{found:?}");
        assert_eq!(found[3].after, Some(Shown::Text("发酵产量预测精度".into())));
        assert!(found.iter().all(|c| c.before.is_none()));
    }

    #[test]
    fn a_state_change_is_one_change_and_a_target_reads_as_one() {
        let detail = r#"{"before":"active","after":"extended","note":"设备延期到货"}"#;
        assert_eq!(
            read(detail),
            vec![
                FieldChange {
                    field: "change".into(),
                    before: Some(Shown::Text("active".into())),
                    after: Some(Shown::Text("extended".into()))
                },
                FieldChange {
                    field: "note".into(), before: None, after: Some(Shown::Text("设备延期到货".into()))
                },
            ]
        );
        let target = serde_json::to_string(&Target {
            op: crate::domain::guide::model::Op::Deliverable,
            value: None,
            min: None,
            max: None,
            unit: None,
            change: None,
            baseline: None,
            baseline_unit: None,
            baseline_on: None,
            baseline_source: None,
            aggregation: crate::domain::target::Aggregation::Latest,
            weight: 1.0,
            class: crate::domain::target::IndicatorClass::Technical,
        })
        .unwrap();
        let added = read(&format!(r#"{{"metric":"新品种","after":{target}}}"#));
        assert_eq!(added[0].field, "target", "{added:?}");
        assert!(matches!(added[0].after, Some(Shown::Target(_))), "{added:?}");
    }

    #[test]
    fn periods_lists_and_what_is_not_json_read_as_people_read_them() {
        let detail = r#"{"after":{"execution":["2024-12-01","2026-11-30"],"indicators":[{},{}],"funding_yuan":690000,"done":true,"member_ids":[7]}}"#;
        let found = read(detail);
        let value = |field: &str| found.iter().find(|c| c.field == field).and_then(|c| c.after.clone());
        assert_eq!(value("execution"), Some(Shown::Text("2024-12-01 – 2026-11-30".into())));
        assert_eq!(value("indicators"), Some(Shown::Count(2)));
        assert_eq!(value("funding_yuan"), Some(Shown::Number(690_000.0)));
        assert_eq!(value("done"), Some(Shown::Flag(true)));
        assert_eq!(value("members"), Some(Shown::Names(vec!["李伟".into()])));
        assert_eq!(
            read("not json"),
            vec![FieldChange { field: "detail".into(), before: None, after: Some(Shown::Text("not json".into())) }]
        );
    }
}
