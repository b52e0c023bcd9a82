//! Finding rows by what a person types into a list's search field: the text anywhere in a name,
//! taken literally (a typed `%` or `_` is that character, not a wildcard).

/// A `LIKE` pattern matching `text` anywhere, escaped with `\`: use with `.escape('\\')`.
pub fn containing(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
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
        assert_eq!(containing("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
