//! Units of measure written after a number, rewritten to the contract's canonical symbols
//! (`tests/fixtures/guides/CONTRACT.md`): 小时 → `h`, 分钟 → `min`, 秒 → `s`, 米 → `m`, 千米/公里 → `km`,
//! 平方米/平米/m2/m^2 → `m²`, 立方米/m3/m^3 → `m³`, 千瓦 → `kW`, 千瓦时/kWH → `kWh`, 摄氏度/°C → `℃`,
//! L/m2·h → `L/(m²·h)`, full-width ％ → `%`; every other unit is kept as written.
//!
//! Three tiers, from surest to least sure: a table of units written in Chinese or as a symbol
//! (longest match first, so 人次 wins over 人 and 千瓦时 over 千瓦), a run of ASCII unit symbols
//! checked against known SI-style atoms (`mg/L`, `kg`, `dB`), and a guess for an unseen unit: one
//! CJK classifier character that is not a function word.

use std::sync::OnceLock;

/// A word list grouped by the first (or last) character of each word, so that matching at a
/// position compares only the few words that can match there instead of the whole list. The
/// parser matches word lists at every number, so this keeps its cost per number small even in an
/// unoptimised build.
pub(crate) struct Index<T: 'static> {
    /// `(key character, word, value)`, sorted by key.
    entries: Vec<(char, &'static str, T)>,
    /// The distinct key characters, sorted, with where their words start in `entries`.
    keys: Vec<(char, usize)>,
    /// A 256-bit filter of the key characters: most lookups miss, and this answers them at once.
    filter: [u64; 4],
}

/// The filter bit of a character.
fn filter_bit(c: char) -> (usize, u64) {
    let h = (c as u32).wrapping_mul(0x9E37_79B1) >> 24;
    ((h >> 6) as usize & 3, 1u64 << (h & 63))
}

impl<T: Copy> Index<T> {
    /// Indexes `table` by each word's first character, for prefix matching.
    pub(crate) fn by_first(table: &[(&'static str, T)]) -> Self {
        Self::build(table, |w| w.chars().next())
    }

    /// Indexes `table` by each word's last character, for suffix matching.
    pub(crate) fn by_last(table: &[(&'static str, T)]) -> Self {
        Self::build(table, |w| w.chars().next_back())
    }

    fn build(table: &[(&'static str, T)], key: impl Fn(&str) -> Option<char>) -> Self {
        let mut entries: Vec<(char, &'static str, T)> =
            table.iter().filter_map(|&(w, v)| key(w).map(|c| (c, w, v))).collect();
        entries.sort_by_key(|e| e.0);
        let mut keys: Vec<(char, usize)> = Vec::new();
        let mut filter = [0u64; 4];
        for (i, e) in entries.iter().enumerate() {
            if keys.last().is_none_or(|k| k.0 != e.0) {
                keys.push((e.0, i));
                let (word, bit) = filter_bit(e.0);
                if let Some(w) = filter.get_mut(word) {
                    *w |= bit;
                }
            }
        }
        Index { entries, keys, filter }
    }

    /// The words keyed by `c`.
    fn group(&self, c: char) -> &[(char, &'static str, T)] {
        let (word, bit) = filter_bit(c);
        if self.filter.get(word).is_none_or(|w| w & bit == 0) {
            return &[];
        }
        // Plain binary search: this runs for every number, and closures are slow unoptimised.
        let (mut lo, mut hi) = (0, self.keys.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let Some(&(k, start)) = self.keys.get(mid) else { return &[] };
            if k == c {
                let end = self.keys.get(mid + 1).map_or(self.entries.len(), |n| n.1);
                return self.entries.get(start..end).unwrap_or(&[]);
            }
            if k < c {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        &[]
    }

    /// The longest word `s` starts with (needs an index by first character).
    pub(crate) fn longest_prefix(&self, s: &str) -> Option<(&'static str, T)> {
        let c = s.chars().next()?;
        let mut best: Option<(&'static str, T)> = None;
        for &(_, w, v) in self.group(c) {
            if s.starts_with(w) && best.is_none_or(|(b, _)| w.len() > b.len()) {
                best = Some((w, v));
            }
        }
        best
    }

    /// The longest word `s` ends with (needs an index by last character).
    pub(crate) fn longest_suffix(&self, s: &str) -> Option<(&'static str, T)> {
        let c = s.chars().next_back()?;
        let mut best: Option<(&'static str, T)> = None;
        for &(_, w, v) in self.group(c) {
            if s.ends_with(w) && best.is_none_or(|(b, _)| w.len() > b.len()) {
                best = Some((w, v));
            }
        }
        best
    }
}

/// Pairs each word of a plain list with `()` so that it can be indexed.
pub(crate) fn unit_values(words: &[&'static str]) -> Vec<(&'static str, ())> {
    words.iter().map(|&w| (w, ())).collect()
}

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

/// Units written in Chinese or as one symbol, with their canonical spelling.
const TABLE: &[(&str, &str)] = &[
    // Rewritten by the contract.
    ("千瓦时", "kWh"),
    ("千瓦", "kW"),
    ("平方米", "m²"),
    ("平米", "m²"),
    ("立方米", "m³"),
    ("千米", "km"),
    ("公里", "km"),
    ("米", "m"),
    ("小时", "h"),
    ("分钟", "min"),
    ("秒钟", "s"),
    ("秒", "s"),
    ("摄氏度", "℃"),
    ("℃", "℃"),
    ("％", "%"),
    ("%", "%"),
    ("元", "元"),
    // Kept as written.
    ("‰", "‰"),
    ("个百分点", "个百分点"),
    ("百分点", "百分点"),
    ("倍", "倍"),
    ("年", "年"),
    ("个月", "个月"),
    ("月", "月"),
    ("天", "天"),
    ("日", "日"),
    ("周", "周"),
    ("工作日", "工作日"),
    ("亩", "亩"),
    ("公顷", "公顷"),
    ("平方公里", "平方公里"),
    ("平方千米", "平方千米"),
    ("人次", "人次"),
    ("人天", "人天"),
    ("人日", "人日"),
    ("人年", "人年"),
    ("名", "名"),
    ("人", "人"),
    ("位", "位"),
    ("种", "种"),
    ("个", "个"),
    ("套", "套"),
    ("台套", "台套"),
    ("台", "台"),
    ("条", "条"),
    ("吨标准煤", "吨标准煤"),
    ("吨标煤", "吨标煤"),
    ("吨", "吨"),
    ("公斤", "公斤"),
    ("千克", "千克"),
    ("克", "克"),
    ("毫克", "毫克"),
    ("微克", "微克"),
    ("斤", "斤"),
    ("升", "升"),
    ("毫升", "毫升"),
    ("株", "株"),
    ("项次", "项次"),
    ("项", "项"),
    ("本", "本"),
    ("篇", "篇"),
    ("件", "件"),
    ("家次", "家次"),
    ("家", "家"),
    ("份", "份"),
    ("期", "期"),
    ("口", "口"),
    ("级", "级"),
    ("批次", "批次"),
    ("批", "批"),
    ("所", "所"),
    ("座", "座"),
    ("处", "处"),
    ("部", "部"),
    ("款", "款"),
    ("门", "门"),
    ("次", "次"),
    ("轮", "轮"),
    ("场", "场"),
    ("届", "届"),
    ("支", "支"),
    ("例", "例"),
    ("头", "头"),
    ("只", "只"),
    ("羽", "羽"),
    ("尾", "尾"),
    ("棵", "棵"),
    ("粒", "粒"),
    ("张", "张"),
    ("册", "册"),
    ("户", "户"),
    ("村", "村"),
    ("县", "县"),
    ("节", "节"),
    ("课时", "课时"),
    ("学时", "学时"),
    ("学分", "学分"),
    ("辆", "辆"),
    ("艘", "艘"),
    ("架", "架"),
    ("颗", "颗"),
    ("块", "块"),
    ("根", "根"),
    ("栋", "栋"),
    ("间", "间"),
    ("道", "道"),
    ("组", "组"),
    ("对", "对"),
    ("方", "方"),
    ("层", "层"),
    ("路", "路"),
    ("分", "分"),
    ("度", "度"),
    ("厘米", "厘米"),
    ("毫米", "毫米"),
    ("微米", "微米"),
    ("纳米", "纳米"),
    ("毫秒", "毫秒"),
    ("微秒", "微秒"),
    ("兆瓦", "兆瓦"),
    ("吉瓦", "吉瓦"),
    ("瓦", "瓦"),
    ("千伏", "千伏"),
    ("伏", "伏"),
    ("美元", "美元"),
    ("帧", "帧"),
    ("床", "床"),
];

/// Units a Chinese numeral may count (不少于两项, 两年以上). 级 期 批 类 月 日 are left out
/// because 一级 二期 一批 三月 name things rather than count them.
const CN_COUNT: &[&str] = &[
    "项",
    "个",
    "种",
    "套",
    "条",
    "名",
    "人",
    "人次",
    "位",
    "家",
    "台",
    "台套",
    "本",
    "篇",
    "件",
    "份",
    "所",
    "座",
    "处",
    "款",
    "次",
    "例",
    "只",
    "株",
    "倍",
    "年",
    "个月",
    "天",
    "周",
    "小时",
    "亩",
    "吨",
    "元",
    "届",
    "轮",
    "场",
    "项次",
    "家次",
    "个百分点",
    "百分点",
    "公顷",
];

/// ASCII unit atoms (SI symbols and the like) that may make up an ASCII unit run.
const ATOMS: &[&str] = &[
    "g", "kg", "mg", "μg", "µg", "ug", "ng", "t", "kt", "Mt", "L", "l", "mL", "ml", "μL", "uL", "m", "km", "cm", "mm",
    "μm", "um", "nm", "hm", "dm", "s", "ms", "μs", "us", "ns", "min", "h", "hr", "d", "Hz", "kHz", "MHz", "GHz", "W",
    "kW", "MW", "GW", "TW", "mW", "Wp", "kWp", "MWp", "GWp", "Wh", "kWh", "MWh", "GWh", "TWh", "J", "kJ", "MJ", "GJ",
    "V", "kV", "mV", "A", "mA", "kA", "Ah", "mAh", "VA", "kVA", "MVA", "var", "kvar", "Mvar", "Pa", "kPa", "MPa",
    "GPa", "hPa", "bar", "mbar", "N", "kN", "Nm", "mol", "mmol", "μmol", "K", "dB", "dBm", "dBi", "ppm", "ppb", "ppt",
    "lx", "lm", "cd", "B", "KB", "kB", "MB", "GB", "TB", "PB", "bit", "kbit", "Mbit", "Gbit", "bps", "kbps", "Kbps",
    "Mbps", "Gbps", "Tbps", "FLOPS", "TFLOPS", "PFLOPS", "EFLOPS", "TOPS", "fps", "FPS", "rpm", "Bq", "Gy", "Sv",
    "mSv", "μSv", "eV", "keV", "MeV", "GeV", "cal", "kcal", "IU", "U", "CFU", "cfu", "Ω", "kΩ", "MΩ", "F", "μF", "nF",
    "pF", "H", "mH", "T", "mT", "mmHg", "cP", "ha", "°", "tce", "dpi", "ppi", "nit", "nits", "bpm", "pH", "cells",
    "cell", "copies", "μmol", "mM", "μM", "nM", "pM", "C",
];

/// Single-letter units that may be glued to a number (10m, 5t); any other single letter right
/// after a number makes a name (5G, 3D, 4K).
const GLUED_SINGLE: &str = "gtLmshWVA";

/// ASCII units that the contract names; they keep full confidence.
const KNOWN_ASCII: &[&str] = &["m", "km", "h", "min", "s", "m²", "m³", "kW", "kWh", "℃", "L/(m²·h)", "pH"];

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

/// The longest table unit at `p`.
fn table_at(t: &str, p: usize, limit: usize) -> Option<(&'static str, &'static str)> {
    static INDEX: OnceLock<Index<&'static str>> = OnceLock::new();
    INDEX.get_or_init(|| Index::by_first(TABLE)).longest_prefix(t.get(p..limit)?)
}

/// Canonical spelling of one ASCII atom, if it is a unit.
fn atom(raw: &str) -> Option<&'static str> {
    match raw {
        "°C" | "℃" => Some("℃"),
        "kWH" | "KWh" | "KWH" | "kwh" => Some("kWh"),
        "KW" | "kw" => Some("kW"),
        _ => ATOMS.iter().find(|a| **a == raw).copied(),
    }
}

/// A run of ASCII unit symbols at `p` (`mg/L`, `L/m²·h`, `m^3`, `°C`), canonicalised. Returns the
/// spelling, the offset after it and whether it may be glued to a number: a lone letter with no
/// exponent may only if it is in [`GLUED_SINGLE`] (10m, but not 5G).
fn ascii_run(t: &str, p: usize, limit: usize) -> Option<(String, usize, bool)> {
    let rest = t.get(p..limit)?;
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, 'μ' | 'µ' | 'Ω' | '°')) {
        return None;
    }
    let mut out = String::new();
    let mut good: Option<(usize, usize)> = None; // (bytes of `rest` consumed, length of `out`)
    let mut atoms = 0usize;
    let mut glue_ok = true;
    let mut depth = 0usize;
    let mut chars = rest.char_indices().peekable();
    'terms: loop {
        // An opening parenthesis may start a term after a separator: L/(m²·h).
        while let Some(&(_, '(')) = chars.peek() {
            if depth >= 2 || atoms == 0 {
                break 'terms;
            }
            depth += 1;
            out.push('(');
            chars.next();
        }
        let mut raw = String::new();
        let mut atom_end = None;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_ascii_alphabetic() || matches!(c, 'μ' | 'µ' | 'Ω' | '°') {
                raw.push(c);
                atom_end = Some(i + c.len_utf8());
                chars.next();
                if raw.len() > 12 {
                    break 'terms;
                }
            } else {
                break;
            }
        }
        let Some(mut end) = atom_end else { break };
        let Some(canon) = atom(&raw) else { break };
        out.push_str(canon);
        atoms += 1;
        glue_ok = atoms > 1 || raw.len() > 1 || GLUED_SINGLE.contains(raw.as_str());
        // Exponent: m2, m^2, m².
        let mut look = chars.clone();
        let mut exp = None;
        match look.next() {
            Some((i, c @ ('²' | '³'))) => exp = Some((c, i + c.len_utf8())),
            Some((_, '^')) => {
                if let Some((i, c @ ('2' | '3'))) = look.next() {
                    exp = Some((if c == '2' { '²' } else { '³' }, i + 1));
                }
            }
            Some((i, c @ ('2' | '3'))) if !look.peek().is_some_and(|(_, d)| d.is_ascii_digit()) => {
                exp = Some((if c == '2' { '²' } else { '³' }, i + 1));
            }
            _ => {}
        }
        if let Some((sup, after)) = exp {
            glue_ok = true;
            out.push(sup);
            end = after;
            while chars.peek().is_some_and(|(i, _)| *i < after) {
                chars.next();
            }
        }
        // dB(A): the weighting belongs to the unit.
        if canon == "dB" && (rest.get(end..).is_some_and(|r| r.starts_with("(A)") || r.starts_with("(C)"))) {
            out.push_str(rest.get(end..end + 3).unwrap_or(""));
            end += 3;
            while chars.peek().is_some_and(|(i, _)| *i < end) {
                chars.next();
            }
        }
        while depth > 0 && chars.peek().is_some_and(|(_, c)| *c == ')') {
            depth -= 1;
            out.push(')');
            if let Some((i, _)) = chars.next() {
                end = i + 1;
            }
        }
        if depth == 0 {
            good = Some((end, out.len()));
        }
        match chars.peek() {
            Some(&(_, c @ ('/' | '·' | '*' | '⋅' | '•'))) => {
                out.push(if c == '/' { '/' } else { '·' });
                chars.next();
            }
            _ => break,
        }
    }
    let (consumed, len) = good?;
    out.truncate(len);
    if out.chars().count() > MAX_UNIT_CHARS {
        return None;
    }
    // L/m²·h means litres per (square metre × hour).
    if out.matches('/').count() == 1
        && let Some((num, den)) = out.split_once('/')
        && den.contains('·')
        && !den.starts_with('(')
    {
        out = format!("{num}/({den})");
    }
    Some((out, p + consumed, glue_ok))
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
