//! Project rosters (立项名单): one row per approved project, from an Excel `.xlsx` or a CSV file,
//! turned into typed records with every problem reported by row and column. Everything here is
//! pure; finding directions, institutions and people is `db::roster`'s job. A row as read, and how its
//! cells write lists, are `domain::roster`'s, which the registration form reads the same way.
//!
//! The header row names the columns, in Chinese or English (see [`Column::aliases`]); column order
//! is free, and a `序号` column is ignored. Title rows above the header are skipped. Row numbers are
//! those the spreadsheet shows (the header is row 1 unless a title sits above it).

pub mod sheet;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use crate::domain::roster::{PartnerName, RosterRow};
use crate::domain::roster::{half_width, parse_partners, split_emails};
pub use sheet::{Cell, Sheet};

/// The largest roster file accepted.
pub const MAX_ROSTER_BYTES: usize = 2 * 1024 * 1024;

/// A column of the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 项目编号.
    Code,
    /// 项目名称.
    Title,
    /// 方向: `指南文号/专题号/方向号` or the direction's exact title.
    Direction,
    /// 承担单位.
    LeadInstitution,
    /// 合作单位, several separated by `；` or `;`, each optionally `单位名（地区）`.
    Partners,
    /// 项目负责人邮箱.
    PiEmail,
    /// 项目组成员邮箱, several separated by `；`, `;`, `，`, `,`, `、` or spaces.
    MemberEmails,
    /// 项目主管邮箱: the commission officer in charge.
    OfficerEmail,
    /// 资助经费（万元）.
    Funding,
    /// 执行开始.
    ExecutionStart,
    /// 执行结束.
    ExecutionEnd,
    /// 技术合同登记号.
    ContractNumber,
    /// 推荐函.
    RecommendationRef,
}

impl Column {
    /// Every column, in the order of a blank roster.
    pub const ALL: [Column; 13] = [
        Column::Code,
        Column::Title,
        Column::Direction,
        Column::LeadInstitution,
        Column::Partners,
        Column::PiEmail,
        Column::MemberEmails,
        Column::OfficerEmail,
        Column::Funding,
        Column::ExecutionStart,
        Column::ExecutionEnd,
        Column::ContractNumber,
        Column::RecommendationRef,
    ];

    /// The field name used in errors, as in the registration API.
    pub fn field(self) -> &'static str {
        match self {
            Column::Code => "code",
            Column::Title => "title",
            Column::Direction => "direction",
            Column::LeadInstitution => "lead_institution",
            Column::Partners => "partners",
            Column::PiEmail => "pi_email",
            Column::MemberEmails => "member_emails",
            Column::OfficerEmail => "officer_email",
            Column::Funding => "funding_wan_yuan",
            Column::ExecutionStart => "execution_start",
            Column::ExecutionEnd => "execution_end",
            Column::ContractNumber => "contract_number",
            Column::RecommendationRef => "recommendation_ref",
        }
    }

    /// Header names accepted for the column, the canonical Chinese one first. Headers are compared
    /// after [`normalize_header`].
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Code => &["项目编号", "编号", "code", "project code"],
            Column::Title => &["项目名称", "名称", "title", "project title"],
            Column::Direction => &["方向", "指南方向", "direction"],
            Column::LeadInstitution => &["承担单位", "lead institution", "lead"],
            Column::Partners => &["合作单位", "partners", "partner institutions"],
            Column::PiEmail => &["项目负责人邮箱", "负责人邮箱", "pi email", "pi e-mail"],
            Column::MemberEmails => &["项目组成员邮箱", "成员邮箱", "member emails", "member e-mails", "members"],
            Column::OfficerEmail => &["项目主管邮箱", "项目主管", "officer email", "officer e-mail", "officer"],
            Column::Funding => &["资助经费（万元）", "资助经费", "funding (10k yuan)", "funding", "funding wan yuan"],
            Column::ExecutionStart => &["执行开始", "开始日期", "execution start", "start"],
            Column::ExecutionEnd => &["执行结束", "结束日期", "execution end", "end"],
            Column::ContractNumber => &["技术合同登记号", "合同登记号", "contract number"],
            Column::RecommendationRef => &["推荐函", "推荐函文号", "recommendation letter", "recommendation ref"],
        }
    }

    /// Whether every roster must have the column.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Code
                | Column::Title
                | Column::Direction
                | Column::LeadInstitution
                | Column::PiEmail
                | Column::Funding
        )
    }

    /// The column a header names, if any.
    pub fn from_header(header: &str) -> Option<Column> {
        let header = normalize_header(header);
        Column::ALL.into_iter().find(|c| c.aliases().iter().any(|a| normalize_header(a) == header))
    }
}

/// Header comparison ignores case, spaces, underscores, hyphens and the width of brackets, so
/// `资助经费(万元)`, `资助经费（万元）` and `Funding_Wan_Yuan` all match what they should.
pub fn normalize_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Header names ignored rather than refused: row numbering columns people add.
const IGNORED_HEADERS: [&str; 3] = ["序号", "no", "#"];

pub use crate::domain::refusal::RowError;

/// The rows that parsed and the problems of those that did not.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Valid rows, in file order.
    pub rows: Vec<RosterRow>,
    /// Every problem found, in row order.
    pub errors: Vec<RowError>,
}

/// Reads the header and every row. Rows with nothing in them are skipped (spreadsheets often end
/// in some); a missing or unknown column stops before the rows, since nothing below can be read
/// reliably then.
pub fn parse(sheet: &Sheet) -> Parsed {
    let mut parsed = Parsed::default();
    // Rosters often open with a title row ("2024年度立项名单") above the header: the header is the
    // first row naming a known column.
    let header_index = sheet
        .rows
        .iter()
        .position(|(_, cells)| cells.iter().any(|c| Column::from_header(&c.text()).is_some()))
        .unwrap_or(0);
    let Some((header_row, header)) = sheet.rows.get(header_index) else {
        parsed.errors.push(RowError::new(1, "file", "roster.empty"));
        return parsed;
    };
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (index, cell) in header.iter().enumerate() {
        let name = cell.text();
        if name.is_empty() || IGNORED_HEADERS.iter().any(|i| normalize_header(i) == normalize_header(&name)) {
            continue;
        }
        match Column::from_header(&name) {
            Some(column) if columns.contains_key(&column) => parsed.errors.push(RowError {
                row: *header_row,
                field: "header",
                message: "roster.column_duplicate",
                args: vec![("name", name)],
            }),
            Some(column) => {
                columns.insert(column, index);
            }
            None => parsed.errors.push(RowError {
                row: *header_row,
                field: "header",
                message: "roster.column_unknown",
                args: vec![("name", name)],
            }),
        }
    }
    for column in Column::ALL.into_iter().filter(|c| c.required() && !columns.contains_key(c)) {
        parsed.errors.push(RowError {
            row: *header_row,
            field: column.field(),
            message: "roster.column_missing",
            args: vec![("name", column.aliases()[0].to_owned())],
        });
    }
    if !parsed.errors.is_empty() {
        return parsed;
    }
    let mut first_row_of_code: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &sheet.rows[header_index + 1..] {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let cell = |column: Column| columns.get(&column).and_then(|&i| cells.get(i)).unwrap_or(&Cell::Empty);
        let mut reader = RowReader { row: *row, errors: Vec::new() };
        let code = reader.required(Column::Code, cell(Column::Code));
        if !code.is_empty() {
            match first_row_of_code.get(&code) {
                Some(&first) => reader.errors.push(RowError {
                    row: *row,
                    field: "code",
                    message: "roster.code_duplicate",
                    args: vec![("row", first.to_string())],
                }),
                None => {
                    first_row_of_code.insert(code.clone(), *row);
                }
            }
        }
        let record = RosterRow {
            row: *row,
            title: reader.required(Column::Title, cell(Column::Title)),
            direction: reader.required(Column::Direction, cell(Column::Direction)),
            lead_institution: reader.required(Column::LeadInstitution, cell(Column::LeadInstitution)),
            partners: parse_partners(&cell(Column::Partners).text()),
            pi_email: reader.required(Column::PiEmail, cell(Column::PiEmail)),
            member_emails: split_emails(&cell(Column::MemberEmails).text()),
            officer_email: optional(cell(Column::OfficerEmail)),
            funding_wan_yuan: reader.funding(cell(Column::Funding)),
            execution_start: reader.date(Column::ExecutionStart, cell(Column::ExecutionStart)),
            execution_end: reader.date(Column::ExecutionEnd, cell(Column::ExecutionEnd)),
            contract_number: optional(cell(Column::ContractNumber)),
            recommendation_ref: optional(cell(Column::RecommendationRef)),
            code,
        };
        if reader.errors.is_empty() {
            parsed.rows.push(record);
        } else {
            parsed.errors.append(&mut reader.errors);
        }
    }
    if parsed.rows.is_empty() && parsed.errors.is_empty() {
        parsed.errors.push(RowError::new(*header_row, "file", "roster.empty"));
    }
    parsed
}

fn optional(cell: &Cell) -> Option<String> {
    Some(cell.text()).filter(|t| !t.is_empty())
}

/// Collects one row's problems while reading its cells.
struct RowReader {
    row: usize,
    errors: Vec<RowError>,
}

impl RowReader {
    fn required(&mut self, column: Column, cell: &Cell) -> String {
        let text = cell.text();
        if text.is_empty() {
            self.errors.push(RowError::new(self.row, column.field(), "roster.required"));
        }
        text
    }

    fn funding(&mut self, cell: &Cell) -> f64 {
        let value = match cell {
            Cell::Number(n) => Some(*n),
            Cell::Empty => {
                self.errors.push(RowError::new(self.row, Column::Funding.field(), "roster.required"));
                return 0.0;
            }
            // Thousands separators are how people write larger sums.
            other => half_width(&other.text()).replace(',', "").parse::<f64>().ok(),
        };
        match value {
            Some(v) if v.is_finite() && v >= 0.0 => v,
            Some(_) => {
                self.errors.push(RowError::new(self.row, Column::Funding.field(), "project.funding_invalid"));
                0.0
            }
            None => {
                self.errors.push(RowError {
                    row: self.row,
                    field: Column::Funding.field(),
                    message: "roster.not_a_number",
                    args: vec![("value", cell.text())],
                });
                0.0
            }
        }
    }

    fn date(&mut self, column: Column, cell: &Cell) -> Option<NaiveDate> {
        match cell {
            Cell::Empty => None,
            Cell::Date(date) => Some(*date),
            other => {
                let text = other.text();
                let ascii = half_width(&text);
                let parsed = ["%Y-%m-%d", "%Y/%m/%d"].iter().find_map(|f| NaiveDate::parse_from_str(&ascii, f).ok());
                if parsed.is_none() {
                    self.errors.push(RowError {
                        row: self.row,
                        field: column.field(),
                        message: "roster.date_invalid",
                        args: vec![("value", text)],
                    });
                }
                parsed
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet { rows: rows.iter().enumerate().map(|(i, r)| (i + 1, r.iter().map(|s| text(s)).collect())).collect() }
    }

    const HEADER: &[&str] =
        &["项目编号", "项目名称", "方向", "承担单位", "项目负责人邮箱", "资助经费（万元）", "执行开始"];

    #[test]
    fn headers_match_in_either_language_and_either_bracket_width() {
        assert_eq!(Column::from_header("资助经费(万元)"), Some(Column::Funding));
        assert_eq!(Column::from_header(" PI Email "), Some(Column::PiEmail));
        assert_eq!(Column::from_header("\u{feff}项目编号"), Some(Column::Code));
        assert_eq!(Column::from_header("Member_Emails"), Some(Column::MemberEmails));
        assert_eq!(Column::from_header("备注"), None);
    }

    #[test]
    fn a_good_row_becomes_a_record() {
        let parsed = parse(&sheet(&[
            HEADER,
            &["A-1", "课题", "沪科指南〔2024〕42号/1/1", "华东理工大学", "pi@example.org", "150", "2024-12-01"],
        ]));
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let row = &parsed.rows[0];
        assert_eq!((row.row, row.code.as_str(), row.funding_wan_yuan), (2, "A-1", 150.0));
        assert_eq!(row.execution_start, NaiveDate::from_ymd_opt(2024, 12, 1));
        assert_eq!(row.execution_end, None);
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_row_and_column() {
        let parsed = parse(&sheet(&[
            HEADER,
            &["A-1", "课题", "d", "u", "pi@example.org", "很多", "2024-12-01"],
            &["", "", "", "", "", "", ""],
            &["A-2", "", "d", "u", "pi@example.org", "-5", "2024-13-01"],
            &["A-1", "课题", "d", "u", "pi@example.org", "1,200", ""],
        ]));
        let found: Vec<_> = parsed.errors.iter().map(|e| (e.row, e.field, e.message)).collect();
        assert_eq!(
            found,
            [
                (2, "funding_wan_yuan", "roster.not_a_number"),
                (4, "title", "roster.required"),
                (4, "funding_wan_yuan", "project.funding_invalid"),
                (4, "execution_start", "roster.date_invalid"),
                (5, "code", "roster.code_duplicate"),
            ]
        );
        assert_eq!(parsed.errors[4].args, [("row", "2".to_owned())]);
        assert!(parsed.rows.is_empty());
    }

    #[test]
    fn missing_and_unknown_columns_stop_at_the_header() {
        let parsed = parse(&sheet(&[&["序号", "项目编号", "项目名称", "备注"], &["1", "A-1", "x", "y"]]));
        let fields: Vec<_> = parsed.errors.iter().map(|e| (e.row, e.field, e.message)).collect();
        assert!(fields.contains(&(1, "header", "roster.column_unknown")), "{fields:?}");
        assert!(fields.contains(&(1, "direction", "roster.column_missing")), "{fields:?}");
        assert!(!fields.iter().any(|f| f.0 > 1));
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped_and_row_numbers_stay_the_sheets() {
        let parsed = parse(&sheet(&[
            &["2024年度国内科技合作领域立项名单"],
            HEADER,
            &["A-1", "课题", "d", "u", "pi@example.org", "五十", ""],
        ]));
        let found: Vec<_> = parsed.errors.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(found, [(3, "funding_wan_yuan")]);
    }

    #[test]
    fn full_width_digits_read_as_numbers_and_dates() {
        let parsed = parse(&sheet(&[
            HEADER,
            &["A-1", "课题", "d", "u", "pi@example.org", "１，２００．５", "２０２５－０１－０１"],
        ]));
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.rows[0].funding_wan_yuan, 1200.5);
        assert_eq!(parsed.rows[0].execution_start, NaiveDate::from_ymd_opt(2025, 1, 1));
    }

    #[test]
    fn an_empty_roster_says_so() {
        assert_eq!(parse(&sheet(&[HEADER])).errors[0].message, "roster.empty");
        assert_eq!(parse(&Sheet::default()).errors[0].message, "roster.empty");
    }
}
