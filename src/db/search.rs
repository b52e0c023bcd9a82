//! Finding rows by what a person types into a list's search field: the text anywhere in a name,
//! whatever its case, taken literally (a typed `%` or `_` is that character, not a wildcard).

use diesel::sql_types::Text;

diesel::define_sql_function! {
    /// SQL `lower()`: a column compared with [`containing`]'s pattern through it matches whatever
    /// the case, on PostgreSQL (whose `LIKE` minds case) as on SQLite.
    fn lower(text: Text) -> Text;
}

/// A `LIKE` pattern matching `text` anywhere, lower-cased (compare [`lower`] of the column with it)
/// and escaped with `\`: use with `.escape('\\')`.
pub fn containing(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_typed_are_taken_literally() {
        assert_eq!(containing("新疆"), "%新疆%");
        assert_eq!(containing("SH2024"), "%sh2024%");
        assert_eq!(containing("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
