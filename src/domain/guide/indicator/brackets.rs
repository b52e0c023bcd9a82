//! Brackets: the matched pairs whose numbers are never targets and whose commas do not split.

use super::chars::sl;

/// A matched pair of brackets, outermost only.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    /// Offset of the opening bracket.
    pub(super) open: usize,
    /// Offset just past the closing bracket.
    pub(super) close_end: usize,
    /// Round or square brackets, which may hold a test condition; quotes and 《》 never do.
    pub(super) paren: bool,
}

/// The closing bracket for an opening one, and whether it is a parenthesis.
pub(super) fn closer_of(c: char) -> Option<(char, bool)> {
    Some(match c {
        '(' => (')', true),
        '（' => ('）', true),
        '[' => (']', true),
        '【' => ('】', true),
        '〔' => ('〕', false),
        '《' => ('》', false),
        '“' => ('”', false),
        '‘' => ('’', false),
        '「' => ('」', false),
        '『' => ('』', false),
        '〈' => ('〉', false),
        '{' => ('}', false),
        _ => return None,
    })
}

fn is_closer(c: char) -> bool {
    matches!(c, ')' | '）' | ']' | '】' | '〕' | '》' | '”' | '’' | '」' | '』' | '〉' | '}')
}

/// The outermost matched bracket pairs of `t[start..end]`, sorted. Unmatched brackets are
/// ignored, so a stray `(` does not swallow the rest of the clause; the search for a matching
/// opener looks only a few levels down, which keeps `((((…]]]]` linear.
pub(super) fn bracket_spans(t: &str, start: usize, end: usize) -> Vec<Span> {
    let mut stack: Vec<(usize, char, bool)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, c) in sl(t, start, end).char_indices() {
        let i = i + start;
        if let Some((close, paren)) = closer_of(c) {
            stack.push((i, close, paren));
        } else if is_closer(c) {
            let floor = stack.len().saturating_sub(4);
            let found = (floor..stack.len()).rev().find(|&k| stack.get(k).is_some_and(|s| s.1 == c));
            if let Some(k) = found
                && let Some(&(open, _, paren)) = stack.get(k)
            {
                stack.truncate(k);
                pairs.push(Span { open, close_end: i + c.len_utf8(), paren });
            }
        }
    }
    pairs.sort_unstable_by_key(|s| s.open);
    let mut top: Vec<Span> = Vec::with_capacity(pairs.len());
    let mut last_end = 0;
    for s in pairs {
        if s.open >= last_end {
            last_end = s.close_end;
            top.push(s);
        }
    }
    top
}
