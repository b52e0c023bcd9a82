//! Tables as spreadsheets staff open in Excel or WPS: CSV (UTF-8 with a byte-order mark, without
//! which Excel reads Chinese as mojibake) and .xlsx with typed number and date cells.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::domain::refusal::Failure;
use crate::domain::target::rounded;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A date.
    Date(NaiveDate),
    /// Nothing.
    Empty,
}

impl Cell {
    /// A number at the precision the pages write it (see [`rounded`]), or an empty cell.
    pub fn number(value: Option<f64>) -> Cell {
        value.filter(|v| v.is_finite()).map_or(Cell::Empty, |v| Cell::Number(rounded(v)))
    }

    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(date) => date.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A titled table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet's title (the first line of the sheet).
    pub title: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows, as long as the headings.
    pub rows: Vec<Vec<Cell>>,
}

/// A text cell that a spreadsheet would take for a formula is prefixed with an apostrophe, so that
/// exported user input (a project title starting with "=") can never run as one.
fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

impl Table {
    /// The headings and rows as CSV (the title is left out so the file stays a plain table).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = "\u{feff}".as_bytes().to_vec();
        {
            let mut writer = csv::Writer::from_writer(&mut out);
            // Writing to a Vec cannot fail.
            let _ = writer.write_record(&self.headers);
            for row in &self.rows {
                let _ = writer.write_record(row.iter().map(|cell| match cell {
                    Cell::Text(text) => defused(text),
                    other => other.text(),
                }));
            }
            let _ = writer.flush();
        }
        out
    }

    /// The table as an .xlsx workbook: the title in the first row, headings in bold, numbers and
    /// dates as typed cells.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, Failure> {
        self.write_xlsx().map_err(|e| Failure::internal(format!("cannot write the spreadsheet: {e}")))
    }

    fn write_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string_with_format(0, 0, &self.title, &bold)?;
        for (col, header) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(2, col as u16, header, &bold)?;
        }
        for (i, row) in self.rows.iter().enumerate() {
            let r = i as u32 + 3;
            for (col, cell) in row.iter().enumerate() {
                let c = col as u16;
                match cell {
                    Cell::Text(text) => sheet.write_string(r, c, text).map(|_| ())?,
                    Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ())?,
                    Cell::Date(d) => {
                        // Excel's calendar starts in 1900; earlier dates stay text.
                        match ExcelDateTime::from_ymd(d.year().try_into().unwrap_or(0), d.month() as u8, d.day() as u8)
                        {
                            Ok(excel) => sheet.write_date_with_format(r, c, &excel, &date).map(|_| ())?,
                            Err(_) => sheet.write_string(r, c, d.to_string()).map(|_| ())?,
                        }
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(3, 0)?;
        for (col, width) in self.column_widths().into_iter().enumerate() {
            sheet.set_column_width(col as u16, width)?;
        }
        workbook.save_to_buffer()
    }

    /// Each column's width in Excel's units (the width of a Latin digit), from its heading and cells
    /// as written: a Chinese character takes two, which Excel's own measure of a string's length
    /// would not know, leaving Chinese columns half as wide as their text. Capped so that one long
    /// title does not push the others off screen.
    fn column_widths(&self) -> Vec<f64> {
        const MIN: f64 = 6.0;
        const MAX: f64 = 60.0;
        let width = |text: &str| unicode_width::UnicodeWidthStr::width(text) as f64;
        (0..self.headers.len())
            .map(|col| {
                let cells = self.rows.iter().filter_map(|row| row.get(col)).map(|cell| width(&cell.text()));
                let widest = cells.fold(width(&self.headers[col]), f64::max);
                (widest * 1.1 + 2.0).clamp(MIN, MAX)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            title: "逾期 2026-01-10".into(),
            headers: vec!["项目编号".into(), "目标".into(), "日期".into()],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"x\")".into()),
                    Cell::Number(20000.0),
                    Cell::Date(NaiveDate::from_ymd_opt(2026, 1, 10).unwrap()),
                ],
                vec![Cell::Text("XJ-01, \"甲\"".into()), Cell::Empty, Cell::number(Some(f64::NAN))],
                vec![
                    Cell::Text("长名称的承担单位：中国科学院上海生命科学研究院".into()),
                    Cell::number(Some(9.19186046511628)),
                    Cell::Empty,
                ],
            ],
        }
    }

    #[test]
    fn csv_has_a_bom_quotes_and_defused_formulas() {
        let csv = String::from_utf8(table().to_csv()).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "项目编号,目标,日期");
        assert!(lines[1].starts_with("\"'=HYPERLINK(\"\"x\"\")\",20000,"), "{}", lines[1]);
        assert_eq!(lines[2], "\"XJ-01, \"\"甲\"\"\",,");
    }

    #[test]
    fn xlsx_reads_back_with_typed_cells() {
        use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
        let bytes = table().to_xlsx().unwrap();
        let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(range.get_value((0, 0)), Some(&Data::String("逾期 2026-01-10".into())));
        assert_eq!(range.get_value((2, 0)), Some(&Data::String("项目编号".into())));
        assert_eq!(range.get_value((3, 0)), Some(&Data::String("=HYPERLINK(\"x\")".into())));
        assert_eq!(range.get_value((3, 1)), Some(&Data::Float(20000.0)));
        assert!(matches!(range.get_value((3, 2)), Some(Data::DateTime(_))));
        assert_eq!(range.get_value((4, 1)), Some(&Data::Empty));
        assert_eq!(range.get_value((5, 1)), Some(&Data::Float(9.19)), "rounded as the pages write it");
    }

    #[test]
    fn chinese_columns_are_as_wide_as_their_text() {
        let widths = table().column_widths();
        // 23 characters, each two columns wide.
        assert!(widths[0] > 45.0 && widths[0] < 60.0, "{widths:?}");
        assert!(widths[2] >= 10.0 && widths[2] < 16.0, "a date column fits a date: {widths:?}");
    }
}
