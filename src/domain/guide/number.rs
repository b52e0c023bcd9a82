//! Numbers as call guides write them: ASCII digits with decimals and thousands separators
//! (`0.5`, `20,000`), the multipliers 万 and 亿 folded in (`10万` → 100000), small Chinese
//! numerals (`两`, `十二`, `一百`), negative values (`-20`) and ranges (`3-5`, `2~3`, `3至5`,
//! `20—60`, `1-2万`).
//!
//! Everything here works on byte offsets into the caller's text and only ever slices it through
//! `str::get`, so a malformed offset yields `None` instead of a panic.

/// The most digits one number may have; longer runs are serial numbers or noise, and capping them
/// keeps the mantissa inside a `u64`.
const MAX_DIGITS: usize = 15;

/// One number read from the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num {
    /// The value with any multiplier folded in.
    pub value: f64,
    /// Byte offset just past the number (and its multiplier).
    pub end: usize,
    /// Written with Chinese numerals (两项), which only count when a counting unit follows.
    pub chinese: bool,
    /// A plain four-digit integer between 1900 and 2100: a year when 年 follows.
    pub year_like: bool,
    /// 10余万, 1万多: an approximate amount.
    pub approx: bool,
    /// Power of ten of the multiplier (4 for 万), 0 without one.
    pub scale: i32,
}

/// A single number or a range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Amount {
    /// The value, or the lower end of a range.
    pub lo: f64,
    /// The upper end of a range.
    pub hi: Option<f64>,
    /// Byte offset just past the amount.
    pub end: usize,
    /// Written with Chinese numerals.
    pub chinese: bool,
    /// Every part is year-like (2024, 2024-2026).
    pub year_like: bool,
    /// Marked as approximate (余, 多).
    pub approx: bool,
}

/// Multipliers, longest first so that 万亿 is not read as 万.
const MULTIPLIERS: &[(&str, i32)] = &[("万亿", 12), ("千万", 7), ("百万", 6), ("亿", 8), ("万", 4)];

/// Characters that join the two ends of a range.
fn is_range_separator(c: char) -> bool {
    matches!(c, '-' | '~' | '～' | '〜' | '—' | '–' | '－' | '―' | '‐' | '至' | '到')
}

/// The value of a Chinese digit.
fn cn_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// The value of a Chinese place word.
fn cn_place(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// Whether a Chinese numeral may start at `c`. 百 and 千 alone are left out: 千家万户 and 百花
/// are idioms, not counts.
pub(crate) fn is_cn_numeral_start(c: char) -> bool {
    matches!(c, '一' | '二' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
}

/// Whether `c` belongs to a Chinese numeral.
pub(crate) fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || cn_place(c).is_some()
}

/// `mantissa × 10^exp`, dividing for negative exponents so that 1.5万 is exactly 15000.
fn scaled(mantissa: u64, exp: i32) -> f64 {
    // The mantissa has at most MAX_DIGITS digits, so the conversion is exact.
    let m = mantissa as f64;
    if exp >= 0 { m * 10f64.powi(exp) } else { m / 10f64.powi(-exp) }
}

/// Reads a multiplier (万, 亿 …) at `p`, allowing 余/多 before it (10余万). Returns the power of
/// ten, whether it was approximate, and the offset after it.
fn multiplier(t: &str, p: usize, limit: usize) -> (i32, bool, usize) {
    let Some(rest) = t.get(p..limit) else { return (0, false, p) };
    // Cheap test first: this runs after every number. 万 亿 千 百 余 多 start with 0xE4, 0xE5 or 0xE7.
    if !matches!(rest.as_bytes().first(), Some(0xE4 | 0xE5 | 0xE7)) {
        return (0, false, p);
    }
    let (approx, skip) = match rest.chars().next() {
        Some(c @ ('余' | '多')) => (true, c.len_utf8()),
        _ => (false, 0),
    };
    let after = rest.get(skip..).unwrap_or("");
    for (word, exp) in MULTIPLIERS {
        if after.starts_with(word) {
            return (*exp, approx, p + skip + word.len());
        }
    }
    (0, false, p)
}

/// Reads one number (ASCII or Chinese, optionally negative) starting exactly at `b`.
pub(crate) fn number_at(t: &str, b: usize, limit: usize) -> Option<Num> {
    let rest = t.get(b..limit)?;
    let bytes = rest.as_bytes();
    let negative = bytes.first() == Some(&b'-');
    let start = usize::from(negative);
    if bytes.get(start).is_some_and(u8::is_ascii_digit) {
        return ascii_number(t, b, limit, negative);
    }
    if negative {
        return None;
    }
    chinese_number(t, b, limit)
}

/// ASCII digits with optional thousands groups and decimals.
fn ascii_number(t: &str, b: usize, limit: usize, negative: bool) -> Option<Num> {
    let bytes = t.get(b..limit)?.as_bytes();
    let mut i = usize::from(negative);
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let push = |m: u64, d: u8| m * 10 + u64::from(d - b'0');
    while let Some(d) = bytes.get(i).filter(|d| d.is_ascii_digit()) {
        digits += 1;
        if digits > MAX_DIGITS {
            return None;
        }
        mantissa = push(mantissa, *d);
        i += 1;
    }
    let int_digits = digits;
    let mut grouped = false;
    // 20,000: a comma followed by exactly three digits continues the number.
    if int_digits <= 3 {
        while bytes.get(i) == Some(&b',')
            && bytes.get(i + 1..i + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit))
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            for d in bytes.get(i + 1..i + 4).unwrap_or(&[]) {
                digits += 1;
                if digits > MAX_DIGITS {
                    return None;
                }
                mantissa = push(mantissa, *d);
            }
            grouped = true;
            i += 4;
        }
    }
    let mut frac = 0i32;
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while let Some(d) = bytes.get(i).filter(|d| d.is_ascii_digit()) {
            // Decimals beyond what the mantissa holds exactly are dropped: a value typed to sixteen
            // places is still that value (the fuzzing of evidence values found 673795585667.8287
            // refused as "not a number"). Too many integer digits still mark a serial number.
            if digits < MAX_DIGITS {
                digits += 1;
                mantissa = push(mantissa, *d);
                frac += 1;
            }
            i += 1;
        }
    }
    // Scientific notation: 1×10^6, 1.5×10⁸, 10^-6, 10⁻⁶.
    let bare_ten = mantissa == 10 && int_digits == 2 && frac == 0 && !grouped;
    let (power, used) = exponent(t.get(b + i..limit).unwrap_or(""), bare_ten);
    if used > 0 {
        if bare_ten && !t.get(b + i..limit).is_some_and(|r| r.starts_with(['×', 'x', 'X', '*'])) {
            mantissa = 1;
        }
        i += used;
    }
    let (scale, approx, end) = if used > 0 { (0, false, b + i) } else { multiplier(t, b + i, limit) };
    let value = scaled(mantissa, scale - frac + power);
    let year_like =
        !negative && int_digits == 4 && frac == 0 && !grouped && scale == 0 && (1900..=2100).contains(&mantissa);
    Some(Num { value: if negative { -value } else { value }, end, chinese: false, year_like, approx, scale })
}

/// A power of ten after a mantissa (`×10^6`, `×10⁸`) or, for a bare 10, right after it (`^-6`,
/// `⁻⁶`). Returns the exponent and the bytes it took, or `(0, 0)`.
fn exponent(text: &str, bare_ten: bool) -> (i32, usize) {
    // Cheap test first: this runs after every number.
    if !bare_ten && !matches!(text.as_bytes().first(), Some(b'x' | b'X' | b'*' | 0xC3)) {
        return (0, 0);
    }
    let mut used = 0;
    for times in ["×10", "x10", "X10", "*10"] {
        if text.starts_with(times) {
            used = times.len();
            break;
        }
    }
    if used == 0 && !bare_ten {
        return (0, 0);
    }
    let tail = text.get(used..).unwrap_or("");
    let mut chars = tail.char_indices().peekable();
    let superscript = |c: char| "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|s| s == c);
    let mut negative = false;
    let mut value: i32 = 0;
    let mut digits = 0;
    let mut end = 0;
    match chars.peek() {
        Some(&(_, '^')) => {
            chars.next();
            if let Some(&(_, '-' | '−')) = chars.peek() {
                negative = true;
                chars.next();
            }
            for (i, c) in chars.by_ref() {
                let Some(d) = c.to_digit(10) else { break };
                value = value * 10 + d as i32;
                digits += 1;
                end = i + 1;
                if digits > 2 {
                    return (0, 0);
                }
            }
        }
        Some(&(_, c)) if c == '⁻' || superscript(c).is_some() => {
            for (i, c) in chars.by_ref() {
                if c == '⁻' && digits == 0 && !negative {
                    negative = true;
                    continue;
                }
                let Some(d) = superscript(c) else { break };
                value = value * 10 + d as i32;
                digits += 1;
                end = i + c.len_utf8();
                if digits > 2 {
                    return (0, 0);
                }
            }
        }
        _ => {}
    }
    if digits == 0 {
        return (0, 0);
    }
    (if negative { -value } else { value }, used + end)
}

/// Small Chinese numerals: 两, 十二, 二十五, 一百零五 (then an optional 万/亿).
fn chinese_number(t: &str, b: usize, limit: usize) -> Option<Num> {
    let rest = t.get(b..limit)?;
    let first = rest.chars().next()?;
    if !is_cn_numeral_start(first) {
        return None;
    }
    let mut total: u64 = 0;
    let mut pending: Option<u64> = None;
    let mut last_place = u64::MAX;
    let mut used = 0usize;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n >= 10 {
            return None;
        }
        if let Some(d) = cn_digit(c) {
            if d == 0 {
                // 零 only marks a gap (一百零五).
                used = i + c.len_utf8();
                continue;
            }
            if pending.is_some() {
                // 十四五, 二〇二五: digits in a row are names or years, not counts.
                return None;
            }
            pending = Some(d);
        } else if let Some(place) = cn_place(c) {
            if place >= last_place {
                return None;
            }
            let d = match pending.take() {
                Some(d) => d,
                None if n == 0 => 1,
                None => return None,
            };
            total += d * place;
            last_place = place;
        } else {
            break;
        }
        used = i + c.len_utf8();
    }
    total += pending.unwrap_or(0);
    if used == 0 || total == 0 {
        return None;
    }
    let (scale, approx, end) = multiplier(t, b + used, limit);
    Some(Num { value: scaled(total, scale), end, chinese: true, year_like: false, approx, scale })
}

/// A range separator followed by a second number of the same kind, starting at `p` (the `-20%` of
/// `15%-20%`).
pub(crate) fn range_tail(t: &str, p: usize, limit: usize, chinese: bool) -> Option<Num> {
    let rest = t.get(p..limit)?;
    let sep = rest.chars().next().filter(|c| is_range_separator(*c))?;
    let mut q = p + sep.len_utf8();
    // A doubled dash (——) is one separator.
    if matches!(sep, '—' | '―') && t.get(q..limit).is_some_and(|r| r.starts_with(sep)) {
        q += sep.len_utf8();
    }
    let second = number_at(t, q, limit)?;
    (second.chinese == chinese).then_some(second)
}

/// Reads a number or a range starting exactly at `b`.
pub(crate) fn amount_at(t: &str, b: usize, limit: usize) -> Option<Amount> {
    let first = number_at(t, b, limit)?;
    let mut amount = Amount {
        lo: first.value,
        hi: None,
        end: first.end,
        chinese: first.chinese,
        year_like: first.year_like,
        approx: first.approx,
    };
    if let Some(second) = range_tail(t, first.end, limit, first.chinese) {
        // 1-2万亩: the multiplier written once applies to both ends.
        amount.lo =
            if first.scale == 0 && second.scale > 0 { first.value * 10f64.powi(second.scale) } else { first.value };
        amount.hi = Some(second.value);
        amount.end = second.end;
        amount.year_like = first.year_like && second.year_like;
        amount.approx |= second.approx;
    }
    Some(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Option<(f64, Option<f64>, usize)> {
        amount_at(s, 0, s.len()).map(|a| (a.lo, a.hi, a.end))
    }

    #[test]
    fn ascii_numbers() {
        assert_eq!(one("95%"), Some((95.0, None, 2)));
        assert_eq!(one("0.5小时"), Some((0.5, None, 3)));
        assert_eq!(one("20,000亩"), Some((20000.0, None, 6)));
        assert_eq!(one("1,234,567"), Some((1234567.0, None, 9)));
        assert_eq!(one("1,2个"), Some((1.0, None, 1)));
        assert_eq!(one("1."), Some((1.0, None, 1)));
        assert_eq!(one("-20~60°C"), Some((-20.0, Some(60.0), 6)));
    }

    #[test]
    fn multipliers_fold_exactly() {
        assert_eq!(one("10万株").map(|a| a.0), Some(100000.0));
        assert_eq!(one("1.5万亩").map(|a| a.0), Some(15000.0));
        assert_eq!(one("2000万元").map(|a| a.0), Some(20000000.0));
        assert_eq!(one("1.2亿元").map(|a| a.0), Some(120000000.0));
        assert_eq!(one("0.3万").map(|a| a.0), Some(3000.0));
        assert_eq!(one("10余万亩").map(|a| a.0), Some(100000.0));
        assert_eq!(one("5千万元").map(|a| a.0), Some(50000000.0));
    }

    #[test]
    fn ranges() {
        assert_eq!(one("3-5种").map(|a| (a.0, a.1)), Some((3.0, Some(5.0))));
        assert_eq!(one("2~3个").map(|a| (a.0, a.1)), Some((2.0, Some(3.0))));
        assert_eq!(one("3至5种").map(|a| (a.0, a.1)), Some((3.0, Some(5.0))));
        assert_eq!(one("20—60").map(|a| (a.0, a.1)), Some((20.0, Some(60.0))));
        assert_eq!(one("1-2万亩").map(|a| (a.0, a.1)), Some((10000.0, Some(20000.0))));
        assert_eq!(one("两到三名").map(|a| (a.0, a.1)), Some((2.0, Some(3.0))));
    }

    #[test]
    fn chinese_numerals() {
        for (s, v) in
            [("两项", 2.0), ("十二", 12.0), ("二十", 20.0), ("一百", 100.0), ("一百零五", 105.0), ("三万", 30000.0)]
        {
            assert_eq!(one(s).map(|a| a.0), Some(v), "{s}");
        }
        assert_eq!(one("十四五"), None);
        assert_eq!(one("二〇二五"), None);
        assert_eq!(one("百花"), None);
    }

    #[test]
    fn years_are_marked() {
        let year_like = |s: &str| amount_at(s, 0, s.len()).is_some_and(|a| a.year_like);
        assert!(year_like("2025年"));
        assert!(year_like("2024-2026年"));
        assert!(year_like("2000平方米")); // the unit decides; 2000 alone could be a year
        assert!(!year_like("20000亩"));
        assert!(!year_like("2000万元"));
        assert!(!year_like("1800"));
    }

    #[test]
    fn scientific_notation() {
        assert_eq!(one("1×10^6个").map(|a| a.0), Some(1e6));
        assert_eq!(one("1.5×10⁸").map(|a| a.0), Some(1.5e8));
        assert_eq!(one("10^-6").map(|a| a.0), Some(1e-6));
        assert_eq!(one("10⁻⁶").map(|a| a.0), Some(1e-6));
        assert_eq!(one("10^2"), Some((100.0, None, 4)));
        assert_eq!(one("10个").map(|a| a.0), Some(10.0));
    }

    #[test]
    fn long_digit_runs_are_not_numbers() {
        assert_eq!(one("12345678901234567890"), None);
    }
}
