//! Units of measure written after a number, rewritten to the contract's canonical symbols
//! (`tests/fixtures/guides/CONTRACT.md`): 小时 → `h`, 分钟 → `min`, 秒 → `s`, 米 → `m`, 千米/公里 → `km`,
//! 平方米/平米/m2/m^2 → `m²`, 立方米/m3/m^3 → `m³`, 千瓦 → `kW`, 千瓦时/kWH → `kWh`, 摄氏度/°C → `℃`,
//! L/m2·h → `L/(m²·h)`, full-width ％ → `%`; every other unit is kept as written.
//!
//! Three tiers, from surest to least sure: a table of units written in Chinese or as a symbol
//! (longest match first, so 人次 wins over 人 and 千瓦时 over 千瓦), a run of ASCII unit symbols
//! checked against known SI-style atoms (`mg/L`, `kg`, `dB`), and a guess for an unseen unit: one
//! CJK classifier character that is not a function word.

mod ascii;
mod table;

use ascii::{KNOWN_ASCII, ascii_run};
use table::{CN_COUNT, table_at};

/// How a unit was recognised; the less sure tiers lower an indicator's confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// From the table, or an ASCII unit the contract names.
    Known,
    /// An ASCII run made of known unit atoms (`mg/L`).
    Ascii,
    /// One unseen CJK character taken for a classifier.
    Guess,
}

/// How the number before a unit was written, which decides which units may follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numeral {
    /// ASCII digits: any unit, including ASCII runs and guesses.
    Digits,
    /// A Chinese numeral on its own: only counting units ([`CN_COUNT`]), since 一级 二期 一批
    /// are names.
    ChineseCount,
    /// A Chinese numeral after a comparator (不少于两期): any table unit.
    ChineseAny,
}

/// The longest unit the database accepts (`Indicator::check`), in characters.
const MAX_UNIT_CHARS: usize = 20;

/// A unit found after a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Canonical spelling.
    pub canon: String,
    /// Byte offset just past the unit.
    pub end: usize,
    /// How it was recognised.
    pub kind: Kind,
}

/// CJK characters that never stand for an unseen unit: function words, comparators, numerals and
/// words that name things after a number (型, 代, 版, 号).
fn is_stop(c: char) -> bool {
    matches!(
        c,
        '的' | '以'
            | '及'
            | '和'
            | '与'
            | '并'
            | '且'
            | '在'
            | '为'
            | '等'
            | '内'
            | '左'
            | '右'
            | '之'
            | '或'
            | '中'
            | '上'
            | '下'
            | '至'
            | '到'
            | '于'
            | '达'
            | '每'
            | '不'
            | '超'
            | '低'
            | '高'
            | '大'
            | '小'
            | '少'
            | '多'
            | '余'
            | '约'
            | '是'
            | '将'
            | '已'
            | '后'
            | '前'
            | '时'
            | '间'
            | '由'
            | '从'
            | '向'
            | '其'
            | '该'
            | '此'
            | '也'
            | '都'
            | '均'
            | '可'
            | '能'
            | '要'
            | '需'
            | '应'
            | '则'
            | '即'
            | '而'
            | '但'
            | '第'
            | '万'
            | '亿'
            | '千'
            | '百'
            | '十'
            | '零'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '型'
            | '代'
            | '版'
            | '号'
            | '类'
            | '体'
            | '系'
            | '线'
            | '范'
            | '附'
            | '提'
            | '降'
            | '增'
            | '减'
            | '缩'
            | '扩'
            | '延'
            | '共'
            | '计'
            | '合'
            | '总'
            | '累'
            | '实'
            | '满'
    )
}

/// A CJK ideograph (basic block or extension A).
pub(crate) fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Whether a phrase ends at `p`: the end of the span, white space, punctuation, a conjunction, 的,
/// or a postfix comparator. An unseen unit, a bare number or a Chinese numeral is believed only
/// where its phrase ends.
pub(crate) fn phrase_ends(t: &str, p: usize, limit: usize) -> bool {
    let Some(rest) = t.get(p..limit) else { return true };
    let Some(c) = rest.chars().next() else { return true };
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '、' | '，'
                | '。'
                | '；'
                | '：'
                | '（'
                | '）'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '《'
                | '》'
                | '！'
                | '？'
                | '…'
                | '·'
                | '的'
                | '和'
                | '及'
                | '且'
                | '并'
                | '或'
                | '与'
                | '内'
        )
        || (matches!(c, '以' | '之' | '左')
            && ["以上", "以下", "以内", "之内", "之间", "左右"].iter().any(|w| rest.starts_with(w)))
}

/// A guessed unit: one CJK ideograph that is not a function word, where a phrase ends after it.
fn guess_at(t: &str, p: usize, limit: usize) -> Option<(String, usize)> {
    let c = t.get(p..limit)?.chars().next()?;
    if !is_ideograph(c) || is_stop(c) {
        return None;
    }
    let end = p + c.len_utf8();
    phrase_ends(t, end, limit).then(|| (c.to_string(), end))
}

/// A second unit after `/` (吨/天, kg/亩, 元/亩), appended to `canon`.
fn per(t: &str, p: usize, limit: usize, canon: String) -> (String, usize) {
    if !t.get(p..limit).is_some_and(|r| r.starts_with('/')) {
        return (canon, p);
    }
    let q = p + 1;
    let second = table_at(t, q, limit)
        .map(|(surface, c)| (c.to_string(), q + surface.len()))
        .or_else(|| ascii_run(t, q, limit).map(|(c, end, _)| (c, end)))
        .or_else(|| guess_at(t, q, limit));
    match second {
        Some((c, end)) if canon.chars().count() + 1 + c.chars().count() <= MAX_UNIT_CHARS => {
            (format!("{canon}/{c}"), end)
        }
        _ => (canon, p),
    }
}

/// The unit written right after a number ending at `pos` (one space allowed before it).
pub(crate) fn after_number(t: &str, pos: usize, limit: usize, numeral: Numeral) -> Option<Unit> {
    let chinese = numeral != Numeral::Digits;
    let first = t.get(pos..limit)?.chars().next()?;
    let spaced = matches!(first, ' ' | '\u{3000}' | '\u{a0}' | '\t');
    let at = if spaced { pos + first.len_utf8() } else { pos };
    if let Some((surface, canon)) = table_at(t, at, limit) {
        if numeral == Numeral::ChineseCount && !CN_COUNT.contains(&surface) {
            return None;
        }
        let (canon, end) = per(t, at + surface.len(), limit, canon.to_string());
        return Some(Unit { canon, end, kind: Kind::Known });
    }
    if chinese {
        return None;
    }
    if let Some((canon, end, glue_ok)) = ascii_run(t, at, limit) {
        if !glue_ok && !spaced {
            return None;
        }
        let kind = if KNOWN_ASCII.contains(&canon.as_str()) { Kind::Known } else { Kind::Ascii };
        let (canon, end) = per(t, end, limit, canon);
        return Some(Unit { canon, end, kind });
    }
    if spaced {
        return None;
    }
    let (canon, end) = guess_at(t, at, limit)?;
    let (canon, end) = per(t, end, limit, canon);
    Some(Unit { canon, end, kind: Kind::Guess })
}

/// Whether a canonical unit measures time, so that 3年内 reads as a deadline.
pub(crate) fn is_period(canon: &str) -> bool {
    matches!(canon, "年" | "个月" | "月" | "天" | "日" | "周" | "工作日")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(s: &str) -> Option<(String, Kind)> {
        after_number(s, 0, s.len(), Numeral::Digits).map(|u| (u.canon, u.kind))
    }

    fn canon(s: &str) -> Option<String> {
        unit(s).map(|u| u.0)
    }

    #[test]
    fn contract_rewrites() {
        for (raw, want) in [
            ("％", "%"),
            ("%", "%"),
            ("小时", "h"),
            ("分钟", "min"),
            ("秒", "s"),
            ("米", "m"),
            ("千米", "km"),
            ("公里", "km"),
            ("平方米", "m²"),
            ("平米", "m²"),
            (" m2", "m²"),
            ("m^2", "m²"),
            (" m²", "m²"),
            ("立方米", "m³"),
            (" m3", "m³"),
            ("m^3", "m³"),
            (" m³", "m³"),
            ("千瓦", "kW"),
            ("千瓦时", "kWh"),
            (" kWH", "kWh"),
            ("摄氏度", "℃"),
            ("°C", "℃"),
            ("℃", "℃"),
            (" L/m2·h", "L/(m²·h)"),
            (" L/m²·h", "L/(m²·h)"),
            (" L/(m²·h)", "L/(m²·h)"),
            ("元", "元"),
        ] {
            assert_eq!(canon(raw).as_deref(), Some(want), "{raw}");
        }
    }

    #[test]
    fn longest_unit_first() {
        assert_eq!(canon("人次以上").as_deref(), Some("人次"));
        assert_eq!(canon("千瓦时").as_deref(), Some("kWh"));
        assert_eq!(canon("平方米").as_deref(), Some("m²"));
        assert_eq!(canon("个月").as_deref(), Some("个月"));
    }

    #[test]
    fn kept_as_written() {
        for u in
            ["倍", "年", "天", "亩", "名", "人", "种", "个", "套", "条", "吨", "株", "项", "台", "篇", "件", "公顷"]
        {
            assert_eq!(canon(u).as_deref(), Some(u));
        }
    }

    #[test]
    fn compound_units() {
        assert_eq!(canon("吨/天").as_deref(), Some("吨/天"));
        assert_eq!(canon(" kg/亩").as_deref(), Some("kg/亩"));
        assert_eq!(canon(" mg/L").as_deref(), Some("mg/L"));
        assert_eq!(canon(" μg/m3").as_deref(), Some("μg/m³"));
        assert_eq!(canon(" Wh/kg").as_deref(), Some("Wh/kg"));
        assert_eq!(canon(" dB(A)").as_deref(), Some("dB(A)"));
    }

    #[test]
    fn fallbacks_are_marked() {
        assert_eq!(unit(" mg/L"), Some(("mg/L".into(), Kind::Ascii)));
        assert_eq!(unit("kg"), Some(("kg".into(), Kind::Ascii)));
        assert_eq!(unit("帧"), Some(("帧".into(), Kind::Known)));
        assert_eq!(unit("樽，"), Some(("樽".into(), Kind::Guess)));
        assert_eq!(unit("的"), None);
        assert_eq!(unit("体系"), None);
    }

    #[test]
    fn names_are_not_units() {
        assert_eq!(unit("G基站"), None);
        assert_eq!(unit("D打印"), None);
        assert_eq!(unit("K超清"), None);
        assert_eq!(unit(" K"), Some(("K".into(), Kind::Ascii)));
    }

    #[test]
    fn chinese_numerals_take_counting_units_only() {
        assert!(after_number("项", 0, 3, Numeral::ChineseCount).is_some());
        assert!(after_number("级标准", 0, 9, Numeral::ChineseCount).is_none());
        assert!(after_number("批", 0, 3, Numeral::ChineseCount).is_none());
        assert!(after_number("期", 0, 3, Numeral::ChineseAny).is_some());
        assert!(after_number("G", 0, 1, Numeral::ChineseAny).is_none());
    }
}
