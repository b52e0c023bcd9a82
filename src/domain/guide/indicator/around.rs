//! The words around an amount: comparators and change verbs before it, 以上/以下, conditions and
//! nouns after it, and the separators between targets.

use super::chars::{ch_at, ch_before, starts_number};
use super::strip::strip_trailing;
use super::words::{lists, longest_prefix};
use crate::domain::guide::model::{Change, Op};
use crate::domain::guide::{number, unit};

/// What the words before a number say.
#[derive(Debug, Default)]
pub(super) struct Prefix {
    /// Where the metric ends (the first byte of the comparator words).
    pub(super) start: usize,
    pub(super) op: Option<Op>,
    pub(super) change: Option<Change>,
    pub(super) absolute: Option<Change>,
    /// 到/至 right before the number: with a change verb earlier, an absolute target.
    pub(super) to_marker: bool,
    pub(super) plus_minus: bool,
    pub(super) unit: Option<&'static str>,
    pub(super) approx: bool,
    /// The change verb itself, which names the metric when nothing else does (节水30%).
    pub(super) change_word: Option<&'static str>,
    /// 零下 (below zero): the amount is negative.
    pub(super) below_zero: bool,
}

/// Reads comparator, change and filler words backwards from `hi`, not past `lo`. At most eight
/// words are read, so a run of 不少于不少于… cannot make this quadratic.
pub(super) fn scan_prefix(t: &str, lo: usize, hi: usize) -> Prefix {
    let mut pre = Prefix::default();
    let mut p = hi;
    let lists = lists();
    for _ in 0..8 {
        let Some(s) = t.get(lo..p) else { break };
        let trimmed = s.trim_end();
        if trimmed.len() < s.len() {
            p = lo + trimmed.len();
            continue;
        }
        if lists.prefix_any.longest_suffix(s).is_none() {
            break;
        }
        if pre.unit.is_none()
            && let Some(w) = ["pH值", "pH"].into_iter().find(|w| s.ends_with(w))
        {
            pre.unit = Some("pH");
            p -= w.len();
            continue;
        }
        if let Some((w, op)) = lists.comparators.longest_suffix(s) {
            pre.op.get_or_insert(op);
            p -= w.len();
            continue;
        }
        if let Some((w, dir)) = lists.absolute.longest_suffix(s) {
            pre.absolute.get_or_insert(dir);
            p -= w.len();
            continue;
        }
        if let Some((w, dir)) = lists.changes_last.longest_suffix(s) {
            pre.change.get_or_insert(dir);
            pre.change_word.get_or_insert(w);
            p -= w.len();
            continue;
        }
        if let Some(w) = ["到", "至"].into_iter().find(|w| s.ends_with(w)) {
            pre.to_marker = true;
            p -= w.len();
            continue;
        }
        if s.ends_with("零下") {
            pre.below_zero = true;
            p -= "零下".len();
            continue;
        }
        if s.ends_with('±') {
            pre.plus_minus = true;
            p -= '±'.len_utf8();
            continue;
        }
        if let Some((w, ())) = lists.fillers.longest_suffix(s)
            // 人均, 亩均, 年均 are part of the metric, not the filler 均.
            && !(w == "均" && s.get(..s.len() - w.len()).is_some_and(|h| h.ends_with(['人', '平', '亩', '户', '年', '日', '月', '周'])))
        {
            pre.approx |= w.contains('约');
            p -= w.len();
            continue;
        }
        break;
    }
    pre.start = p;
    pre
}

/// A postfix word at `p`: its comparator (if any) and length.
pub(super) fn postfix_word(t: &str, p: usize, limit: usize) -> Option<(Option<Op>, usize)> {
    lists().postfix.longest_prefix(t.get(p..limit)?).map(|(w, op)| (op, w.len()))
}

/// 以上/以下/以内 after a short noun (覆盖3个县以上): at most three ideographs in between.
pub(super) fn gap_postfix(t: &str, p: usize, limit: usize) -> Option<(Op, usize)> {
    let rest = t.get(p..limit)?;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n > 0 {
            let here = rest.get(i..).unwrap_or("");
            if here.starts_with("以上") {
                return Some((Op::Ge, p + i + "以上".len()));
            }
            if here.starts_with("以下") || here.starts_with("以内") {
                return Some((Op::Le, p + i + "以下".len()));
            }
        }
        if n >= 3
            || !unit::is_ideograph(c)
            || matches!(c, '的' | '和' | '及' | '且' | '并' | '或' | '与' | '以' | '不' | '每')
            || number::is_cn_numeral(c)
        {
            return None;
        }
    }
    None
}

/// 在25℃条件下: the end of a condition marker shortly after an amount.
pub(super) fn condition_marker(t: &str, p: usize, limit: usize) -> Option<usize> {
    let rest = t.get(p..limit)?;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n > 8 {
            return None;
        }
        let here = rest.get(i..).unwrap_or("");
        if let Some(m) = longest_prefix(here, &lists().condition_markers) {
            return Some(p + i + m.len());
        }
        if c.is_ascii_digit()
            || matches!(c, '、' | '，' | ',' | '；' | ';' | '。' | '和' | '及' | '且' | '并' | '(' | '（')
        {
            return None;
        }
    }
    None
}

/// Whether the words after an amount run straight (no separator, no 的) into a comparator and
/// another number: then the amount qualifies that target (-20℃放电容量保持率不低于85%).
pub(super) fn leads_to_comparator(t: &str, p: usize, limit: usize) -> bool {
    let Some(rest) = t.get(p..limit) else { return false };
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n > 24 {
            return false;
        }
        if starts_number(t, p + i, c) {
            return n > 0 && scan_prefix(t, p, p + i).op.is_some();
        }
        if matches!(c, '、' | '，' | ',' | '；' | ';' | '和' | '及' | '且' | '并' | '的' | '(' | '（' | '“')
        {
            return false;
        }
    }
    false
}

/// The noun after an amount, for targets written count-first (建设2个示范基地).
pub(super) fn trailing_metric(t: &str, p: usize, limit: usize) -> Option<(&str, usize)> {
    let rest = t.get(p..limit)?;
    let mut end = 0;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n >= 16
            || c.is_ascii_digit()
            || matches!(
                c,
                '、' | '，'
                    | ','
                    | '；'
                    | ';'
                    | '。'
                    | '：'
                    | ':'
                    | '（'
                    | '('
                    | '【'
                    | '['
                    | '“'
                    | '《'
                    | '和'
                    | '及'
                    | '且'
                    | '并'
                    | '或'
            )
        {
            break;
        }
        end = i + c.len_utf8();
    }
    let s = rest.get(..end)?;
    let m = strip_trailing(s.trim().trim_start_matches('的'));
    (!m.is_empty()).then_some((m, p + end))
}

/// 余/多 between a number and its unit (1000余人, 10多项).
pub(super) fn approx_word(t: &str, p: usize, limit: usize) -> Option<usize> {
    let c = t.get(p..limit)?.chars().next()?;
    matches!(c, '余' | '多').then_some(p + c.len_utf8())
}

/// Where a separator between targets sits at `p`: its start, end, and whether it joins clauses
/// (并, 且, 以及, 同时) rather than nouns (、 和 及). Common words that contain these characters
/// (及时, 并网, 碳中和) are not separators.
pub(super) fn separator_at(t: &str, lo: usize, p: usize, c: char) -> Option<(usize, usize, bool)> {
    let prev = if p > lo { ch_before(t, p) } else { None };
    let n = p + c.len_utf8();
    let next = ch_at(t, n);
    match c {
        '、' => Some((p, n, false)),
        '和' => (!matches!(prev, Some('总' | '中' | '缓' | '温' | '饱' | '调' | '柔' | '融'))
            && !matches!(next, Some('谐' | '平' | '煦')))
        .then_some((p, n, false)),
        '及' => {
            if prev == Some('以') {
                return Some((p - '以'.len_utf8(), n, true));
            }
            (!matches!(prev, Some('涉' | '普' | '危' | '波' | '企' | '顾' | '触' | '不' | '可' | '来'))
                && !matches!(next, Some('时' | '格' | '早')))
            .then_some((p, n, false))
        }
        '并' => (!matches!(prev, Some('合' | '兼' | '吞' | '归'))
            && !matches!(next, Some('网' | '行' | '发' | '购' | '联' | '列' | '存' | '非')))
        .then_some((p, n, true)),
        '且' => Some((p, n, true)),
        '同' if next == Some('时') => Some((p, n + '时'.len_utf8(), true)),
        _ => None,
    }
}
