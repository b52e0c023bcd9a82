//! A roster file as a grid of cells: the first worksheet of an `.xlsx` workbook, or a CSV file in
//! UTF-8 (with or without the byte-order mark Excel writes). The format is told by the content, not
//! the file name: an `.xlsx` file is a zip archive.
//!
//! A workbook is untrusted: it passes the zip guard ([`crate::zip_guard`]) before calamine opens
//! it, and its cells are read one by one into rows that hold values, within [`MAX_ROWS`],
//! [`MAX_COLUMNS`] and [`MAX_CELLS`]. Calamine's own ranges are not used: a range spans from the
//! first to the last cell, so two cells at `A1` and `XFD1048576` in a file of a few hundred bytes
//! would ask for seventeen billion.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, XlsxError};
use chrono::NaiveDate;

use crate::zip_guard::{self, Limits};

/// The most rows holding a value that a roster may have (a year's roster has a few hundred).
pub const MAX_ROWS: usize = 50_000;
/// The most columns a row may span, from the first column used anywhere in the sheet.
pub const MAX_COLUMNS: usize = 256;
/// The most cells held, each row counted up to its last value.
pub const MAX_CELLS: usize = 1_000_000;

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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// More rows, columns or cells than a roster may have.
    #[error("the roster has more than {MAX_ROWS} rows, {MAX_COLUMNS} columns or {MAX_CELLS} cells")]
    TooLarge,
    /// A workbook that unpacks to more than the zip guard allows.
    #[error(transparent)]
    Archive(#[from] zip_guard::Excess),
}

impl SheetError {
    /// The catalogue key of the message; its arguments, besides the file's `name`, come from
    /// [`SheetError::args`].
    pub fn message_key(&self) -> &'static str {
        match self {
            SheetError::NotUtf8 => "roster.not_utf8",
            SheetError::Csv => "roster.csv_invalid",
            SheetError::Xlsx => "roster.xlsx_invalid",
            SheetError::TooLarge => "roster.too_large",
            SheetError::Archive(excess) => excess.message_key(),
        }
    }

    /// The message's arguments besides the file's `name`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            SheetError::TooLarge => vec![
                ("rows", MAX_ROWS.to_string()),
                ("columns", MAX_COLUMNS.to_string()),
                ("cells", MAX_CELLS.to_string()),
            ],
            SheetError::Archive(excess) => excess.args(),
            _ => Vec::new(),
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
    let mut held = 0usize;
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| SheetError::Csv)?;
        held += record.len();
        if index >= MAX_ROWS || record.len() > MAX_COLUMNS || held > MAX_CELLS {
            return Err(SheetError::TooLarge);
        }
        let cells = record.iter().map(|field| text_cell(field.trim())).collect();
        rows.push((index + 1, cells));
    }
    Ok(Sheet { rows })
}

fn text_cell(text: &str) -> Cell {
    if text.is_empty() { Cell::Empty } else { Cell::Text(text.to_owned()) }
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, SheetError> {
    zip_guard::check_all(bytes, Limits::ROSTER).map_err(|refusal| match refusal {
        zip_guard::Refusal::Unreadable => SheetError::Xlsx,
        zip_guard::Refusal::TooBig(excess) => SheetError::Archive(excess),
    })?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::Xlsx)?;
    let name = workbook.sheet_names().first().cloned().ok_or(SheetError::Xlsx)?;
    let mut reader = match workbook.worksheet_cells_reader(&name) {
        Ok(reader) => reader,
        // A chart sheet first: no cells.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Sheet::default()),
        Err(_) => return Err(SheetError::Xlsx),
    };
    // Values by row (0-based) and column; a sheet lists its cells row by row, but nothing says so.
    let mut by_row: BTreeMap<u32, Vec<(u32, Cell)>> = BTreeMap::new();
    let mut values = 0usize;
    while let Some(found) = reader.next_cell().map_err(|_| SheetError::Xlsx)? {
        let value = Data::from(found.get_value().clone());
        if value == Data::Empty {
            continue;
        }
        values += 1;
        let (row, column) = found.get_position();
        by_row.entry(row).or_default().push((column, cell(&value)));
        if values > MAX_CELLS || by_row.len() > MAX_ROWS {
            return Err(SheetError::TooLarge);
        }
    }
    // Each row's cells start at the first column used anywhere, as a header and its rows line up.
    let first_column = by_row.values().flatten().map(|(column, _)| *column).min().unwrap_or(0);
    let mut held = 0usize;
    let mut rows = Vec::with_capacity(by_row.len());
    for (row, cells) in by_row {
        let width = cells.iter().map(|(column, _)| (column - first_column) as usize + 1).max().unwrap_or(0);
        held += width;
        if width > MAX_COLUMNS || held > MAX_CELLS {
            return Err(SheetError::TooLarge);
        }
        let mut line = vec![Cell::Empty; width];
        for (column, value) in cells {
            line[(column - first_column) as usize] = value;
        }
        // Row numbers as the spreadsheet shows them, from 1 at its top.
        rows.push((row as usize + 1, line));
    }
    Ok(Sheet { rows })
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

    /// A workbook whose first sheet holds `cells` (reference, XML of the cell's content).
    fn workbook(cells: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let sheet: String = cells
            .iter()
            .map(|(at, value)| format!("<c r=\"{at}\" t=\"inlineStr\"><is><t>{value}</t></is></c>"))
            .collect();
        let parts = [
            ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned()),
            ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned()),
            ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned()),
            ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>{sheet}</row></sheetData></worksheet>"#)),
        ];
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in parts {
            writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(content.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn workbook_rows_hold_their_values_from_the_first_column_used() {
        let sheet =
            read(&workbook(&[("B2", "项目编号"), ("C2", "项目名称"), ("B4", "A-1"), ("D4", " 课题 ")])).unwrap();
        assert_eq!(
            sheet.rows,
            vec![
                (2, vec![Cell::Text("项目编号".into()), Cell::Text("项目名称".into())]),
                (4, vec![Cell::Text("A-1".into()), Cell::Empty, Cell::Text("课题".into())]),
            ]
        );
    }

    #[test]
    fn cells_far_apart_do_not_make_a_huge_grid() {
        // Calamine's range would span 1,048,576 rows by 16,384 columns here.
        assert_eq!(read(&workbook(&[("A1", "x"), ("XFD1048576", "y")])), Err(SheetError::TooLarge));
        let wide = read(&workbook(&[("A1", "x"), ("IV1", "y")])).unwrap();
        assert_eq!(wide.rows[0].1.len(), MAX_COLUMNS, "column IV is the 256th");
        assert_eq!(read(&workbook(&[("A1", "x"), ("IW1", "y")])), Err(SheetError::TooLarge));
        let tall = read(&workbook(&[("A1", "x"), ("A1048576", "y")])).unwrap();
        assert_eq!(
            tall.rows.iter().map(|(row, _)| *row).collect::<Vec<_>>(),
            [1, 1_048_576],
            "empty rows are not held"
        );
    }

    #[test]
    fn a_csv_past_the_limits_is_refused() {
        let wide = format!("{}\n", vec!["x"; MAX_COLUMNS + 1].join(","));
        assert_eq!(read(wide.as_bytes()), Err(SheetError::TooLarge));
        let tall = "x\n".repeat(MAX_ROWS + 1);
        assert_eq!(read(tall.as_bytes()), Err(SheetError::TooLarge));
        assert_eq!(read("x\n".repeat(MAX_ROWS).as_bytes()).unwrap().rows.len(), MAX_ROWS);
    }

    #[test]
    fn numbers_read_as_people_wrote_them() {
        assert_eq!(Cell::Number(2024310000001234.0).text(), "2024310000001234");
        assert_eq!(Cell::Number(150.5).text(), "150.5");
    }
}
