//! Free text as the tracker keeps it. A name, title or code is one line; a note or comment may break
//! lines and hold tabs. Neither may hold any other control character: PostgreSQL cannot store NUL at
//! all, and a bell or an escape sequence in a title is never what its writer meant but would reach
//! every page, e-mail and report that shows it.

/// Whether `text` is one line of at most `max_chars` characters, with no control character.
pub fn is_line(text: &str, max_chars: usize) -> bool {
    text.chars().count() <= max_chars && !text.chars().any(char::is_control)
}

/// Whether `text` has at most `max_chars` characters and no control character but line breaks and tabs.
pub fn is_paragraphs(text: &str, max_chars: usize) -> bool {
    text.chars().count() <= max_chars && !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_breaks_allowed_only_in_paragraphs() {
        assert!(is_line("合成生物 🧪 e\u{301}\u{202e}", 20), "emoji, combining and direction marks are text");
        for bad in ["a\u{0}b", "a\u{7}b", "a\u{1b}[31mb", "a\nb", "a\u{85}b"] {
            assert!(!is_line(bad, 20), "{bad:?}");
        }
        assert!(is_paragraphs("第一行\n第二行\r\n\t缩进", 20));
        assert!(!is_paragraphs("a\u{0}b", 20));
        assert!(!is_line("长".repeat(21).as_str(), 20) && is_line("长".repeat(20).as_str(), 20));
    }
}
