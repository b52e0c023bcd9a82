//! Values as a person reads them, written one way for pages, mail, reports, exports and the
//! calendar feed: numbers grouped by thousands at the precision people read them, a target's
//! comparison in words (不低于 95 % / at least 95 %, 区间 / between, 交付物 / deliverable), a
//! relative target's direction against its baseline (↑/↓), funding in 万元 and durations in days.
//! Dates with their weekday are in [`super::dates`]; a reported value with its change against a
//! baseline is in [`super::reading`], built on these.
//!
//! What a person types back (a form's value, a figure in an export's cell) is the plain number of
//! [`crate::domain::target::number`], never the grouped text, so it parses as it reads.

use super::T;
use crate::domain::guide::model::{Change, Op};
use crate::domain::target::{Target, change_rounded, number as plain};

/// A number as people read it: at most two decimals, no trailing zeros, and the integer part
/// grouped by thousands once it has five digits (`20,000`, `1500`, `96.25`). Four-digit numbers stay
/// whole, as GB/T 15835 allows and as the guides write them (`1500吨`).
pub fn number(value: f64) -> String {
    let text = plain(value);
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    if whole.len() < 5 {
        return text;
    }
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 4);
    for (at, digit) in whole.chars().enumerate() {
        if at > 0 && (whole.len() - at) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A number with its unit, a space between (`20,000 亩`, `95 %`); the number alone without one.
pub fn quantity(value: f64, unit: Option<&str>) -> String {
    with_unit(number(value), unit)
}

/// A range with its unit: `80–90 吨`.
pub fn range(low: f64, high: f64, unit: Option<&str>) -> String {
    with_unit(format!("{}–{}", number(low), number(high)), unit)
}

fn with_unit(figure: String, unit: Option<&str>) -> String {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(unit) => format!("{figure} {unit}"),
        None => figure,
    }
}

/// A change against a baseline at one decimal, signed: `+12.0 %`, `-10.0 %`, `0.0 %`.
pub fn change(change: f64) -> String {
    let change = change_rounded(change);
    let sign = if change > 0.0 { "+" } else { "" };
    format!("{sign}{change:.1} %")
}

/// The comparison a target makes, in words: 不低于 / at least, 低于 / less than …
pub fn comparison(t: T, op: Op) -> &'static str {
    t.get(match op {
        Op::Ge => "format.op.ge",
        Op::Gt => "format.op.gt",
        Op::Le => "format.op.le",
        Op::Lt => "format.op.lt",
        Op::Eq => "format.op.eq",
        Op::Between => "format.op.between",
        Op::Deliverable => "format.op.deliverable",
    })
}

/// A target in words: `不低于 95 %`, `区间 80–90 吨`, `按期交付` (a deliverable's target is to be
/// delivered by the end of term, the word mail and reports have always used); a relative target with its
/// direction against the baseline: `较基线 ↑ 不低于 10 %` / `↑ at least 10 % against the baseline`.
pub fn target(t: T, target: &Target) -> String {
    let unit = target.unit.as_deref();
    let words = match target.op {
        Op::Deliverable => return t.get("format.delivered_on_time").to_owned(),
        Op::Between => t.fmt(
            "format.target_between",
            &[
                ("low", &number(target.min.unwrap_or_default())),
                ("high", &number(target.max.unwrap_or_default())),
                ("unit", &unit.unwrap_or_default()),
            ],
        ),
        op => t.fmt(
            "format.target",
            &[("op", &comparison(t, op)), ("value", &quantity(target.value.unwrap_or_default(), unit))],
        ),
    };
    let words = words.trim_end().to_owned();
    match target.change {
        None => words,
        Some(change) => {
            let arrow = match change {
                Change::Increase => "↑",
                Change::Decrease => "↓",
            };
            t.fmt("format.relative", &[("arrow", &arrow), ("target", &words)])
        }
    }
}

/// Funding as its readers count it: in 万元 in Chinese, as the commission states it (`150 万元`), and
/// in yuan in English (`CNY 1,500,000`), where "× 10⁴ yuan" would be the code's notation, not words.
pub fn money_wan(t: T, yuan: i64) -> String {
    let wan = number(yuan as f64 / 10_000.0);
    t.fmt("format.money_wan", &[("amount", &wan), ("yuan", &grouped(yuan as f64))])
}

/// A number grouped by thousands whatever its length (`1,500,000`, `7,500`), as English writes sums.
fn grouped(value: f64) -> String {
    let text = number(value);
    if text.split('.').next().is_some_and(|whole| whole.trim_start_matches('-').len() == 4) {
        let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |rest| ("-", rest));
        format!("{sign}{},{}", &digits[..1], &digits[1..])
    } else {
        text
    }
}

/// A duration in days: `3 天` / `3 days`, `1 day`.
pub fn days(t: T, n: i64) -> String {
    if n.abs() == 1 { t.fmt("format.day", &[("n", &n)]) } else { t.fmt("format.days", &[("n", &n)]) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::target::{Aggregation, IndicatorClass};
    use crate::i18n::Locale;

    fn target_of(op: Op, value: Option<f64>, range: Option<(f64, f64)>, unit: &str) -> Target {
        Target {
            op,
            value,
            min: range.map(|r| r.0),
            max: range.map(|r| r.1),
            unit: Some(unit.into()).filter(|u: &String| !u.is_empty()),
            change: None,
            baseline: None,
            baseline_unit: None,
            baseline_on: None,
            baseline_source: None,
            aggregation: Aggregation::Latest,
            weight: 1.0,
            class: IndicatorClass::Technical,
        }
    }

    #[test]
    fn numbers_are_grouped_from_five_digits_and_keep_at_most_two_decimals() {
        let cases = [
            (20_000.0, "20,000"),
            (1500.0, "1500"),
            (1_234_567.891, "1,234,567.89"),
            (-25_000.5, "-25,000.5"),
            (96.25, "96.25"),
            (0.0, "0"),
            (99_999.999, "100,000"),
        ];
        for (value, text) in cases {
            assert_eq!(number(value), text, "{value}");
        }
        assert_eq!(quantity(20_000.0, Some("亩")), "20,000 亩");
        assert_eq!(quantity(3.0, Some(" ")), "3");
        assert_eq!(range(80.0, 90.0, Some("吨")), "80–90 吨");
        assert_eq!(range(6.5, 7.5, None), "6.5–7.5");
    }

    #[test]
    fn targets_read_as_words_in_both_languages() {
        let (zh, en) = (Locale::ZhCn.t(), Locale::En.t());
        let accuracy = target_of(Op::Ge, Some(95.0), None, "%");
        assert_eq!(target(zh, &accuracy), "不低于 95 %");
        assert_eq!(target(en, &accuracy), "at least 95 %");
        let area = target_of(Op::Gt, Some(20_000.0), None, "亩");
        assert_eq!(target(zh, &area), "高于 20,000 亩");
        assert_eq!(target(en, &area), "more than 20,000 亩");
        let cost = target_of(Op::Le, Some(3.0), None, "元/公斤");
        assert_eq!(target(zh, &cost), "不高于 3 元/公斤");
        assert_eq!(target(en, &cost), "at most 3 元/公斤");
        let ph = target_of(Op::Between, None, Some((6.5, 7.5)), "");
        assert_eq!(target(zh, &ph), "区间 6.5–7.5");
        assert_eq!(target(en, &ph), "between 6.5 and 7.5");
        let deliverable = target_of(Op::Deliverable, None, None, "");
        assert_eq!(target(zh, &deliverable), "按期交付");
        assert_eq!(target(en, &deliverable), "delivered on time");
        assert_eq!(comparison(zh, Op::Deliverable), "交付物");
        assert_eq!(comparison(en, Op::Deliverable), "deliverable");
    }

    #[test]
    fn a_relative_target_says_its_direction_against_the_baseline() {
        let (zh, en) = (Locale::ZhCn.t(), Locale::En.t());
        let mut output = target_of(Op::Ge, Some(10.0), None, "%");
        output.change = Some(Change::Increase);
        assert_eq!(target(zh, &output), "较基线 ↑ 不低于 10 %");
        assert_eq!(target(en, &output), "↑ at least 10 % against the baseline");
        output.change = Some(Change::Decrease);
        assert_eq!(target(zh, &output), "较基线 ↓ 不低于 10 %");
        // 112 吨 against 100 吨 computes as 12.000000000000002: the export carries what the page says.
        assert_eq!(change((112.0 - 100.0) / 100.0 * 100.0), "+12.0 %");
        assert_eq!(change(-4.04), "-4.0 %");
        assert_eq!(change(-0.04), "0.0 %", "never -0.0 %");
    }

    #[test]
    fn money_is_in_wan_yuan_and_durations_in_days() {
        let (zh, en) = (Locale::ZhCn.t(), Locale::En.t());
        assert_eq!(money_wan(zh, 1_500_000), "150 万元");
        assert_eq!(money_wan(en, 1_500_000), "CNY 1,500,000");
        assert_eq!(money_wan(en, 7_500), "CNY 7,500");
        assert_eq!(money_wan(en, 750), "CNY 750");
        assert_eq!(money_wan(zh, 125_000_000), "12,500 万元");
        assert_eq!(days(zh, 3), "3 天");
        assert_eq!(days(en, 1), "1 day");
        assert_eq!(days(en, 3), "3 days");
    }
}
