//! Trimming the words around a metric or deliverable down to what it names.

use super::chars::list_marker_len;
use super::words::{lists, longest_prefix};
use crate::domain::guide::model::Change;

/// A leading date phrase: 2025年底前, 2025年12月前.
fn strip_year_phrase(s: &str) -> Option<&str> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    let mut rest = s.get(digits..)?.strip_prefix('年')?;
    for mark in ['月', '日'] {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=2).contains(&n)
            && let Some(r) = rest.get(n..).and_then(|r| r.strip_prefix(mark))
        {
            rest = r;
        }
    }
    for w in ["年底", "底", "末", "初"] {
        if let Some(r) = rest.strip_prefix(w) {
            rest = r;
            break;
        }
    }
    for w in ["以前", "前", "内"] {
        if let Some(r) = rest.strip_prefix(w) {
            rest = r;
            break;
        }
    }
    Some(rest)
}

/// Drops white space, list markers, connectives and leading time phrases.
pub(super) fn strip_leading(mut s: &str) -> &str {
    for _ in 0..12 {
        if s.is_empty() {
            return s;
        }
        let trimmed = s.trim_start_matches(|c: char| c.is_whitespace() || "、，,：:".contains(c));
        let unmarked = trimmed.get(list_marker_len(trimmed)..).unwrap_or(trimmed);
        let word = longest_prefix(unmarked, &lists().leading).filter(|w| !(*w == "使" && unmarked.starts_with("使用")));
        let next = match word {
            Some(w) => unmarked.get(w.len()..).unwrap_or(""),
            None => strip_year_phrase(unmarked).unwrap_or(unmarked),
        };
        if next.len() == s.len() {
            return s;
        }
        s = next;
    }
    s
}

/// Drops a leading verb (培育, 建立 …).
pub(super) fn strip_verbs(s: &str) -> &str {
    match longest_prefix(s, &lists().metric_verbs) {
        Some(v) => s.get(v.len()..).unwrap_or(s),
        None => s,
    }
}

/// Keeps what follows the last 的 when what precedes it is a long modifier (适用于…企业的技术 →
/// 技术) or nothing; short ones (高效的育种技术体系) read better kept.
pub(super) fn strip_de(s: &str) -> &str {
    let Some(i) = s.rfind('的') else { return s };
    let head = s.get(..i).unwrap_or("");
    let tail = s.get(i + '的'.len_utf8()..).unwrap_or("");
    if tail.chars().count() >= 2 && (head.is_empty() || head.chars().count() >= 4) { tail } else { s }
}

/// Drops trailing fillers (为, 在, 的, 累计 …).
pub(super) fn strip_trailing(mut s: &str) -> &str {
    for _ in 0..6 {
        s = s.trim_end();
        match lists().trailing.longest_suffix(s) {
            Some((w, ())) => s = s.get(..s.len() - w.len()).unwrap_or(""),
            None => break,
        }
    }
    s
}

/// A change verb opening the metric (降低水肥施用10%), unless it is part of a noun (下降率, 增长值).
pub(super) fn leading_change(s: &str) -> Option<(Change, &str)> {
    let (w, dir) = lists().changes_first.longest_prefix(s)?;
    let rest = s.get(w.len()..)?;
    if rest.is_empty() || rest.starts_with(['率', '幅', '值', '量']) {
        return None;
    }
    Some((dir, rest))
}
