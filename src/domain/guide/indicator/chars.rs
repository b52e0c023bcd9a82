//! Panic-free text helpers and the characters the scan stops or starts at: boundaries, the
//! start of a number, letters typed for digits, names and list markers.

use crate::domain::guide::number;
use crate::domain::guide::unit::{self, Numeral};

/// The character starting at byte `b`.
pub(super) fn ch_at(t: &str, b: usize) -> Option<char> {
    t.get(b..)?.chars().next()
}

/// The character ending at byte `b`.
pub(super) fn ch_before(t: &str, b: usize) -> Option<char> {
    t.get(..b)?.chars().next_back()
}

/// `t[a..b]`, or empty when the offsets are not char boundaries.
pub(super) fn sl(t: &str, a: usize, b: usize) -> &str {
    t.get(a..b).unwrap_or("")
}

/// Whether `t[lo..b]` ends with `pat`.
pub(super) fn ends(t: &str, lo: usize, b: usize, pat: &str) -> bool {
    t.get(lo..b).is_some_and(|s| s.ends_with(pat))
}
pub(super) fn is_hard_boundary(c: char) -> bool {
    matches!(c, '；' | ';' | '。' | '\n' | '\r' | '！' | '？' | '!' | '?')
}

/// Soft boundaries: `，` `：` always, `,` unless it groups thousands, `:` unless between digits.
pub(super) fn is_soft_boundary(t: &str, p: usize, c: char) -> bool {
    if !matches!(c, '，' | '：' | ',' | ':') {
        return false;
    }
    let digit_before = ch_before(t, p).is_some_and(|d| d.is_ascii_digit());
    match c {
        '，' | '：' => true,
        ',' => {
            let b = t.as_bytes();
            let group = b.get(p + 1..p + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit))
                && !b.get(p + 4).is_some_and(u8::is_ascii_digit);
            !(digit_before && group)
        }
        ':' => !(digit_before && ch_at(t, p + 1).is_some_and(|d| d.is_ascii_digit())),
        _ => false,
    }
}

/// Whether an amount may start at `p`.
pub(super) fn starts_number(t: &str, p: usize, c: char) -> bool {
    if c.is_ascii_digit() {
        return true;
    }
    if c == '-' {
        // A minus sign, not a hyphen inside a range or a name.
        return ch_at(t, p + 1).is_some_and(|d| d.is_ascii_digit())
            && !ch_before(t, p).is_some_and(|q| {
                q.is_ascii_alphanumeric() || matches!(q, '%' | ')' | '）' | '℃' | '°' | '²' | '³' | '.' | '-')
            });
    }
    number::is_cn_numeral_start(c)
}

/// Letters typed (or read by text recognition) for digits: I and l for 1, O and o for 0, half- and
/// full-width.
pub(super) fn is_digit_lookalike(c: char) -> bool {
    matches!(c, 'I' | 'l' | 'O' | 'o' | 'Ｉ' | 'ｌ' | 'Ｏ' | 'ｏ')
}

/// A Latin letter or a digit, half- or full-width: what a word such as SCI, AI or 5G is made of.
fn is_latin_or_digit(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// A number with a letter where a digit belongs starting at `p` (I个, l项, O篇, 2O000亩, Ｉ个): where
/// its unit ends. Only the units a Chinese numeral may count follow it, so a Roman numeral naming a
/// phase, grade, class or type (I期, II级, I类, I型) is not taken for one; nor is a letter inside a
/// word (SCI, AI, Cell) or an ordinal (第I).
pub(super) fn letter_for_digit(t: &str, p: usize, limit: usize) -> Option<usize> {
    if ch_before(t, p).is_some_and(|b| is_latin_or_digit(b) || b == '.' || b == '第') {
        return None;
    }
    let mut end = p;
    let mut letters = false;
    for (i, c) in t.get(p..limit)?.char_indices() {
        if is_digit_lookalike(c) {
            letters = true;
        } else if !(c.is_ascii_digit() || (c == '.' && i > 0)) {
            break;
        }
        end = p + i + c.len_utf8();
    }
    if !letters {
        return None;
    }
    let end = if ch_before(t, end) == Some('.') { end - 1 } else { end };
    unit::after_number(t, end, limit, Numeral::ChineseCount).map(|u| u.end)
}

/// The end of the name or numeral starting at `b` (PM2.5, GB/T19001-2016, 十四五), at least one
/// character further, so that a skipped token is never read again digit by digit.
pub(super) fn skip_token(t: &str, b: usize, limit: usize) -> usize {
    let Some(rest) = t.get(b..limit) else { return limit.max(b + 1) };
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else { return limit.max(b + 1) };
    let chinese = !first.is_ascii() && number::is_cn_numeral(first);
    let mut end = first.len_utf8();
    for (i, c) in chars {
        let same = if chinese {
            number::is_cn_numeral(c)
        } else {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '+' | ':' | '×' | '*')
        };
        if !same {
            break;
        }
        end = i + c.len_utf8();
    }
    b + end
}

/// Byte length of a list marker at the start of `s`: `1.` `2、` `3)` `(1)` `①` `一、`.
pub(super) fn list_marker_len(s: &str) -> usize {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        if digits > 2 {
            return 0;
        }
        let rest = s.get(digits..).unwrap_or("");
        for m in [".", "．", "、", ")", "）"] {
            if let Some(after) = rest.strip_prefix(m) {
                if m == "." && after.starts_with(|c: char| c.is_ascii_digit()) {
                    return 0;
                }
                return digits + m.len();
            }
        }
        return 0;
    }
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if ('\u{2460}'..='\u{249B}').contains(&c) || ('\u{2776}'..='\u{2793}').contains(&c) => {
            c.len_utf8()
        }
        Some((_, '(' | '（')) => {
            for (n, (i, c)) in chars.enumerate() {
                if n > 3 {
                    break;
                }
                if matches!(c, ')' | '）') {
                    return if n > 0 { i + c.len_utf8() } else { 0 };
                }
                if !(c.is_ascii_digit() || number::is_cn_numeral(c)) {
                    break;
                }
            }
            0
        }
        Some((_, c)) if number::is_cn_numeral(c) => {
            for (n, (i, c)) in s.char_indices().enumerate() {
                if n > 3 {
                    break;
                }
                if c == '、' {
                    return if n > 0 { i + c.len_utf8() } else { 0 };
                }
                if !number::is_cn_numeral(c) {
                    break;
                }
            }
            0
        }
        _ => 0,
    }
}
