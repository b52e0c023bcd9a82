//! Values read out of a direction's funding and applicant fields: the cap per project, the
//! number of projects, the annex a recommendation letter follows.

use super::dates::number_at;

/// Amounts of money in a text, in 万元, with the byte where each starts.
fn amounts_wan_yuan(text: &str) -> Vec<(usize, f64)> {
    let mut found = Vec::new();
    for (index, _) in text.match_indices('元') {
        let head = &text[..index];
        let (scale, head) = if let Some(h) = head.strip_suffix('万') {
            (1.0, h)
        } else if let Some(h) = head.strip_suffix('亿') {
            (10_000.0, h)
        } else {
            (0.0001, head)
        };
        let digits = head.chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',').count();
        let start = head.char_indices().rev().nth(digits.saturating_sub(1)).map_or(head.len(), |(i, _)| i);
        if digits == 0 {
            continue;
        }
        if let Ok(value) = head[start..].replace(',', "").parse::<f64>() {
            found.push((start, value * scale));
        }
    }
    found
}

/// The cap per project: the amount after 每项/单项/资助额度 if the text names one, else the last.
pub(super) fn funding_cap(text: &str) -> Option<f64> {
    let amounts = amounts_wan_yuan(text);
    const PER_PROJECT: [&str; 6] = ["每项", "单项", "每个项目", "资助额度", "资助金额", "资助强度"];
    amounts
        .iter()
        .find(|(start, _)| {
            let before: String = text[..*start].chars().rev().take(10).collect::<Vec<_>>().into_iter().rev().collect();
            PER_PROJECT.iter().any(|cue| before.contains(cue))
        })
        .or(amounts.last())
        .map(|(_, value)| *value)
}

/// 拟支持不超过15个项目 / 支持1项 / 支持项目数不超过2项.
pub(super) fn max_projects(text: &str) -> Option<u32> {
    let at = text.find("支持")?;
    let rest = &text[at..];
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    // The number must belong to the same clause as 支持.
    if rest[..start].contains(['，', '。', '；']) {
        return None;
    }
    let (count, end) = number_at(rest, start, 4)?;
    rest[end..].starts_with(['个', '项']).then_some(count)
}

/// The annex a requirement points to (推荐函（附件2）→ 附件2).
pub(super) fn annex_reference(text: &str) -> Option<String> {
    let at = text.find("附件")?;
    let (number, _) = number_at(text, at + "附件".len(), 2)?;
    Some(format!("附件{number}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funding_and_project_counts() {
        let text = "非定额资助，拟支持不超过15个项目，每项资助额度不超过50万元。";
        assert_eq!(funding_cap(text), Some(50.0));
        assert_eq!(max_projects(text), Some(15));
        assert_eq!(funding_cap("定额资助，每项200000元"), Some(20.0));
        assert_eq!(funding_cap("总经费不超过300万元，单项不超过100万元"), Some(100.0));
        assert_eq!(funding_cap("资助1.5亿元"), Some(15000.0));
        assert_eq!(max_projects("拟支持1项"), Some(1));
        assert_eq!(max_projects("支持方式：后补助，金额100万元"), None);
    }
}
