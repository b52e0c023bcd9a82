//! The annexes: the table of cooperation regions and fields (附件1), and the regions the notice
//! defines as paired (对口地区).

use super::lines::{Kind, chinese_numeral, classify, is_cn_digit};
use crate::domain::guide::model::{CooperationRegion, PairedRegion};
use crate::domain::guide::text::Line;

/// Provincial-level divisions, full names first so that 新疆维吾尔自治区 wins over 新疆.
const PROVINCES: [&str; 67] = [
    "新疆生产建设兵团",
    "新疆维吾尔自治区",
    "广西壮族自治区",
    "宁夏回族自治区",
    "内蒙古自治区",
    "西藏自治区",
    "香港特别行政区",
    "澳门特别行政区",
    "黑龙江省",
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "黑龙江",
    "内蒙古",
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
];

/// The byte where the earliest province name in `text` starts.
fn first_province(text: &str) -> Option<usize> {
    text.char_indices().map(|(i, _)| i).find(|&i| PROVINCES.iter().any(|p| text[i..].starts_with(p)))
}

/// The rows of the annex table (附件1): `新疆维吾尔自治区：特色农牧业、绿色低碳 西藏自治区：…`, with
/// the topic of each row. Table cells reach us with line breaks anywhere, so the annex is read as
/// one text and each entry is found by its `：` with a province (maybe with a city or county)
/// before it.
pub(super) fn cooperation_regions(annexes: &[Line]) -> Vec<CooperationRegion> {
    let mut text = String::new();
    for line in annexes.iter().skip(1) {
        if matches!(classify(&line.text), Kind::Annex(_)) {
            break;
        }
        text.push_str(&line.text);
    }
    // Entries: (start of the region name, the colon after it, topic).
    let mut entries: Vec<(usize, usize, Option<u32>)> = Vec::new();
    let mut topic = None;
    for (colon, _) in text.match_indices('：') {
        let head_start = text[..colon]
            .rfind(['、', '：', '，', '。', '；', ')', '）'])
            .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
        let head = &text[head_start..colon];
        if let Some(rest) = head.rfind("专题").map(|i| &head[i + "专题".len()..]) {
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || is_cn_digit(*c)).collect();
            topic = digits.parse().ok().or_else(|| chinese_numeral(&digits)).or(topic);
            continue;
        }
        if let Some(offset) = first_province(head).filter(|&o| head[o..].chars().count() <= 14) {
            entries.push((head_start + offset, colon, topic));
        }
    }
    const STOPS: [&str; 4] = ["附件", "专题", "注：", "对口"];
    entries
        .iter()
        .enumerate()
        .map(|(index, &(start, colon, topic))| {
            let fields_start = colon + '：'.len_utf8();
            let mut fields_end = entries.get(index + 1).map_or(text.len(), |next| next.0).max(fields_start);
            if let Some(stop) = STOPS.iter().filter_map(|s| text[fields_start..fields_end].find(s)).min() {
                fields_end = fields_start + stop;
            }
            let fields = text[fields_start..fields_end]
                .split(['、', '，', ','])
                .map(|f| f.trim_matches(|c: char| c.is_whitespace() || c == '。'))
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect();
            CooperationRegion { topic, region: text[start..colon].to_owned(), fields }
        })
        .collect()
}

/// The definition of 对口地区: `“对口地区”特指…地区：A（a、b），B；C（全境）；…`.
pub(super) fn paired_regions(lines: &[Line]) -> Vec<PairedRegion> {
    // The definition reads 对口地区 (maybe in quotes) followed by 特指 / 是指 / 指.
    let defines = |text: &str| {
        text.match_indices("对口地区").any(|(at, word)| {
            let rest = text[at + word.len()..].trim_start_matches(['”', '"', '」', '’']);
            ["特指", "是指", "系指", "指"].iter().any(|verb| rest.starts_with(verb))
        })
    };
    let Some(first) = lines.iter().position(|l| defines(&l.text)) else {
        return Vec::new();
    };
    // A PDF wraps the definition over several lines; it ends with the sentence.
    let mut definition = String::new();
    for line in &lines[first..] {
        definition.push_str(&line.text);
        if line.text.contains('。') || matches!(classify(&line.text), Kind::Annex(_)) {
            break;
        }
    }
    let after_definition = &definition[definition.find("对口地区").unwrap_or(0)..];
    let Some((_, list)) = after_definition.split_once('：') else { return Vec::new() };
    let list = list.split('。').next().unwrap_or(list);
    split_outside_brackets(list, &['；', '，', ';'])
        .into_iter()
        .filter_map(|item| {
            let item = item.trim();
            let (name, parts) = match item.find(['(', '（']) {
                Some(open) => {
                    let inner = item[open..].trim_matches(['(', ')', '（', '）']);
                    (&item[..open], inner.split('、').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect())
                }
                None => (item, Vec::new()),
            };
            (!name.is_empty()).then(|| PairedRegion { region: name.to_owned(), parts })
        })
        .collect()
}

/// Splits at any of `separators` that is not inside brackets.
fn split_outside_brackets<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = (depth - 1).max(0),
            c if depth == 0 && separators.contains(&c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guide::text;

    #[test]
    fn annex_regions_and_paired_regions() {
        let lines = text::lines(
            "附件1\n专题二：技 术协同 应用\t新疆维吾尔自治区：特色农\n牧业、绿色低碳 辽宁省大连市：生命健康、绿色能源\t附件 2\n专题三：能力提升 对口地区：相关领域\n注：“对口地区”特指本市对口支援、对口合作地区：新疆维吾尔自治区喀什四县（叶城县、莎车县），克拉玛依市；云南省（全境）；青海省果洛州。",
        );
        let regions = cooperation_regions(&lines);
        let names: Vec<_> = regions.iter().map(|r| (r.topic, r.region.as_str(), r.fields.len())).collect();
        assert_eq!(names, [(Some(2), "新疆维吾尔自治区", 2), (Some(2), "辽宁省大连市", 2)]);
        assert_eq!(regions[0].fields, ["特色农牧业", "绿色低碳"], "a cell wrapped by the PDF is joined");
        let paired = paired_regions(&lines);
        let names: Vec<_> = paired.iter().map(|p| p.region.as_str()).collect();
        assert_eq!(names, ["新疆维吾尔自治区喀什四县", "克拉玛依市", "云南省", "青海省果洛州"]);
        assert_eq!(paired[0].parts, ["叶城县", "莎车县"]);
    }
}
