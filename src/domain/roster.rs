//! A project roster's rows (立项名单) as read, naming things as people do, and how a cell (or the
//! registration form's field) writes a list: partners as `单位名（地区）`, e-mail addresses, digits
//! typed full-width. Reading the file is `roster`'s; registering the rows is the use case's.

use chrono::NaiveDate;

/// A partner institution as written: `单位名` or `单位名（地区）`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerName {
    /// The institution's registered name.
    pub institution: String,
    /// The region it stands for.
    pub region: Option<String>,
}

/// One valid row of a roster: a project to register.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    /// The row number as the spreadsheet shows it.
    pub row: usize,
    /// 项目编号.
    pub code: String,
    /// 项目名称.
    pub title: String,
    /// The direction reference as written.
    pub direction: String,
    /// 承担单位.
    pub lead_institution: String,
    /// 合作单位.
    pub partners: Vec<PartnerName>,
    /// 项目负责人邮箱.
    pub pi_email: String,
    /// 项目组成员邮箱.
    pub member_emails: Vec<String>,
    /// 项目主管邮箱.
    pub officer_email: Option<String>,
    /// 资助经费 in 万元.
    pub funding_wan_yuan: f64,
    /// 执行开始; the direction's when absent.
    pub execution_start: Option<NaiveDate>,
    /// 执行结束; the direction's when absent.
    pub execution_end: Option<NaiveDate>,
    /// 技术合同登记号.
    pub contract_number: Option<String>,
    /// 推荐函.
    pub recommendation_ref: Option<String>,
}

/// Full-width digits and punctuation, as a Chinese input method types them, in their ASCII form,
/// for reading numbers and dates.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' | '．' | '，' | '－' | '／' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Partners as written in one cell: separated by `；` or `;` (or line breaks), each `单位名` or
/// `单位名（地区）` with either width of brackets.
pub fn parse_partners(text: &str) -> Vec<PartnerName> {
    text.split(['；', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let normalized = part.replace('（', "(").replace('）', ")");
            match normalized.strip_suffix(')').and_then(|rest| rest.rsplit_once('(')) {
                Some((name, region)) if !name.trim().is_empty() => PartnerName {
                    institution: name.trim().to_owned(),
                    region: Some(region.trim().to_owned()).filter(|r| !r.is_empty()),
                },
                _ => PartnerName { institution: part.to_owned(), region: None },
            }
        })
        .collect()
}

/// E-mail addresses separated by semicolons, commas, enumeration commas or spaces.
pub fn split_emails(text: &str) -> Vec<String> {
    text.split(|c: char| matches!(c, '；' | ';' | '，' | ',' | '、') || c.is_whitespace())
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partners_and_emails_split_as_people_write_them() {
        assert_eq!(
            parse_partners("新疆大学（新疆维吾尔自治区）；喀什大学; 石河子大学(兵团)"),
            [
                PartnerName { institution: "新疆大学".into(), region: Some("新疆维吾尔自治区".into()) },
                PartnerName { institution: "喀什大学".into(), region: None },
                PartnerName { institution: "石河子大学".into(), region: Some("兵团".into()) },
            ]
        );
        assert_eq!(split_emails("a@x.cn；b@x.cn, c@x.cn、d@x.cn"), ["a@x.cn", "b@x.cn", "c@x.cn", "d@x.cn"]);
    }
}
