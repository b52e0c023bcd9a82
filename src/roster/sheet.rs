//! A roster file as a grid of cells: the first worksheet of an `.xlsx` workbook, or a CSV file in
//! UTF-8 (with or without the byte-order mark Excel writes). The format is told by the content, not
//! the file name: an `.xlsx` file is a zip archive.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text, trimmed.
    Text(String),
    /// A number cell of a workbook.
    Number(f64),
    /// A date cell of a workbook.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text: numbers as people write them (an integer without `.0`, so codes and
    /// contract numbers typed as numbers survive), dates as YYYY-MM-DD.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(date) => date.to_string(),
        }
    }

    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.is_empty(),
            _ => false,
        }
    }
}

/// The rows of a roster, each with its number as the spreadsheet shows it (1-based).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    /// Row number and cells; the first row is the header.
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// A CSV file not in UTF-8 (Excel's "CSV" on Chinese Windows is GBK).
    #[error("the CSV file is not UTF-8")]
    NotUtf8,
    /// A CSV file the reader rejects.
    #[error("the CSV file cannot be read")]
    Csv,
    /// A zip archive that is not a readable workbook, or one without worksheets.
    #[error("the file is not a readable .xlsx workbook")]
    Xlsx,
}

impl SheetError {
    /// The catalogue key of the message.
    pub fn message_key(self) -> &'static str {
        match self {
            SheetError::NotUtf8 => "roster.not_utf8",
            SheetError::Csv => "roster.csv_invalid",
            SheetError::Xlsx => "roster.xlsx_invalid",
        }
    }
}

/// Reads a roster file.
pub fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes) } else { read_csv(bytes) }
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, SheetError> {
    let text = std::str::from_utf8(bytes).map_err(|_| SheetError::NotUtf8)?;
    // Files saved twice by different tools can open with the mark more than once.
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| SheetError::Csv)?;
        let cells = record.iter().map(|field| text_cell(field.trim())).collect();
        rows.push((index + 1, cells));
    }
    Ok(Sheet { rows })
}

fn text_cell(text: &str) -> Cell {
    if text.is_empty() { Cell::Empty } else { Cell::Text(text.to_owned()) }
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, SheetError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::Xlsx)?;
    let range = workbook.worksheet_range_at(0).ok_or(SheetError::Xlsx)?.map_err(|_| SheetError::Xlsx)?;
    // A range starts at its first non-empty cell; row numbers count from the sheet's top.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let rows = range.rows().enumerate().map(|(index, cells)| (first_row + index + 1, cells.iter().map(cell).collect()));
    Ok(Sheet { rows: rows.collect() })
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => text_cell(text.trim()),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::DateTime(value) if value.is_datetime() => {
            let (year, month, day, ..) = value.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
                .map_or_else(|| Cell::Text(value.to_string()), Cell::Date)
        }
        // ISO dates come from workbooks written by other tools; the date part is what counts.
        Data::DateTimeIso(text) => NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
            .map_or_else(|_| text_cell(text), Cell::Date),
        other => text_cell(other.to_string().trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(300)))]

        #[test]
        fn fuzz_any_bytes_are_read_or_refused(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4000)) {
            let _ = read(&bytes);
        }

        #[test]
        fn fuzz_zip_looking_bytes_are_read_or_refused(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4000)) {
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend(tail);
            let _ = read(&bytes);
        }

        #[test]
        fn fuzz_csv_shaped_text_keeps_every_row(rows in proptest::collection::vec(proptest::collection::vec("[^,\"\r\n]{0,12}", 1..6), 1..20)) {
            let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
            let sheet = read(text.as_bytes()).unwrap();
            // Byte-order marks opening the file are not content, and a line holding one empty
            // field is a blank line, which CSV skips.
            let mut rows = rows;
            rows[0][0] = rows[0][0].trim_start_matches('\u{feff}').to_owned();
            let kept: Vec<usize> = rows.iter().filter(|r| !(r.len() == 1 && r[0].is_empty())).map(Vec::len).collect();
            proptest::prop_assert_eq!(sheet.rows.iter().map(|(_, cells)| cells.len()).collect::<Vec<_>>(), kept);
        }
    }

    #[test]
    fn csv_with_a_byte_order_mark_reads_like_without() {
        let plain = read("项目编号,项目名称\nA-1, 课题 \n".as_bytes()).unwrap();
        let with_bom = read("\u{feff}项目编号,项目名称\nA-1, 课题 \n".as_bytes()).unwrap();
        assert_eq!(plain, with_bom);
        assert_eq!(plain.rows[1], (2, vec![Cell::Text("A-1".into()), Cell::Text("课题".into())]));
    }

    #[test]
    fn a_file_holding_only_byte_order_marks_has_no_rows() {
        // The fuzz test above drew these and expected a row: the marks are not content.
        assert_eq!(read("\u{feff}\n".as_bytes()).unwrap(), Sheet::default());
        assert_eq!(read("\u{feff}\u{feff}\n".as_bytes()).unwrap(), Sheet::default());
    }

    #[test]
    fn gbk_csv_is_refused_with_a_reason() {
        // "项目" in GBK.
        assert_eq!(read(&[0xCF, 0xEE, 0xC4, 0xBF, b'\n']), Err(SheetError::NotUtf8));
    }

    #[test]
    fn a_broken_workbook_is_refused() {
        assert_eq!(read(b"PK\x03\x04not really a zip"), Err(SheetError::Xlsx));
    }

    #[test]
    fn numbers_read_as_people_wrote_them() {
        assert_eq!(Cell::Number(2024310000001234.0).text(), "2024310000001234");
        assert_eq!(Cell::Number(150.5).text(), "150.5");
    }
}
