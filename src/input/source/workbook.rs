//! A workbook sheet as a table: calamine reads the workbook (xlsx, xlsm, xlsb, xls, ods), and
//! each sheet becomes CSV text the table readers already understand, one line per sheet row, so
//! that a row's line is its Excel row counted from the header.
//!
//! Cells become the strings a CSV cell would hold: text as it is; a whole number without `.0`,
//! another number in its shortest form that reads back the same; `TRUE`/`FALSE` as `yes`/`no`;
//! a date cell (an Excel serial number with a date format, or an ISO date) as `YYYY-MM-DD`. A date
//! with a time of day, a duration, an error cell (`#N/A`, `#REF!`) and a line break inside a cell
//! are refused, naming the cell. Rows and columns after the last that holds anything are ignored.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Sheets};

/// An opened workbook.
pub(crate) type Workbook = Sheets<Cursor<Vec<u8>>>;

/// Opens a workbook from its bytes; the error is calamine's, in words.
pub(crate) fn open(bytes: Vec<u8>) -> Result<Workbook, String> {
    calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("cannot read the workbook: {e}"))
}

/// A sheet turned into CSV text, and where its cells are.
#[derive(Debug)]
pub(crate) struct SheetText {
    /// The sheet as UTF-8 CSV with commas: its header row first, then one line per row.
    pub csv: Vec<u8>,
    /// Where line 1 (the header) and column 1 are on the sheet.
    pub origin: Origin,
    /// The header row's cells as written.
    pub headers: Vec<String>,
}

/// Where a sheet's table starts: its header row (1-based, as Excel numbers rows) and its first
/// column (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The Excel row of the header.
    pub header_row: u32,
    /// The 0-based index of the table's first column (0 = `A`).
    pub first_col: u32,
}

impl Origin {
    /// The Excel row of the table's `line` (1 = the header).
    pub fn row(&self, line: u64) -> u64 {
        u64::from(self.header_row) + line - 1
    }

    /// The cell name (`D100`) of the table's `line` and 0-based column `col`.
    pub fn cell(&self, line: u64, col: usize) -> String {
        format!(
            "{}{}",
            column_letters(self.first_col as usize + col),
            self.row(line)
        )
    }
}

/// A refused cell: the table's line and column, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadCell {
    /// The table's line (1 = the header).
    pub line: u64,
    /// The 0-based column within the table.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

/// The names of the workbook's sheets, in order.
pub(crate) fn sheet_names(book: &Workbook) -> Vec<String> {
    book.sheet_names()
}

/// Reads sheet `name` of `book` as CSV text; `Err` with every refused cell, or a message for the
/// whole sheet.
pub(crate) fn sheet_text(book: &mut Workbook, name: &str) -> Result<SheetText, SheetProblem> {
    let range = book
        .worksheet_range(name)
        .map_err(|e| SheetProblem::Sheet(format!("cannot read the sheet: {e}")))?;
    range_text(&range)
}

/// Why a sheet could not be read.
#[derive(Debug)]
pub(crate) enum SheetProblem {
    /// The sheet as a whole (unreadable, empty).
    Sheet(String),
    /// These cells; the sheet's origin and its header row as written are given to name them.
    Cells(Origin, Vec<String>, Vec<BadCell>),
}

/// A range of cells as CSV text; see [`sheet_text`].
pub(crate) fn range_text(range: &Range<Data>) -> Result<SheetText, SheetProblem> {
    let Some((start_row, start_col)) = range.start() else {
        return Err(SheetProblem::Sheet("the sheet is empty".into()));
    };
    let rows: Vec<&[Data]> = range.rows().collect();
    let Some(first) = rows.iter().position(|r| r.iter().any(|c| !is_blank(c))) else {
        return Err(SheetProblem::Sheet("the sheet is empty".into()));
    };
    let last = rows.iter().rposition(|r| r.iter().any(|c| !is_blank(c)));
    let last = last.unwrap_or(first);
    let width = rows[first..=last]
        .iter()
        .filter_map(|r| r.iter().rposition(|c| !is_blank(c)))
        .max()
        .map_or(0, |w| w + 1);
    let origin = Origin {
        header_row: start_row + first as u32 + 1,
        first_col: start_col,
    };
    let mut bad = Vec::new();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut headers = Vec::new();
    let mut record: Vec<String> = Vec::with_capacity(width);
    for (i, row) in rows[first..=last].iter().enumerate() {
        let line = i as u64 + 1;
        record.clear();
        for col in 0..width {
            let cell = row.get(col).unwrap_or(&Data::Empty);
            match cell_text(cell) {
                Ok(text) if text.contains(['\n', '\r']) => bad.push(BadCell {
                    line,
                    col,
                    message: "a line break inside the cell; put the value on one line".into(),
                }),
                Ok(text) => record.push(text),
                Err(message) => bad.push(BadCell { line, col, message }),
            }
            if record.len() < col + 1 {
                record.push(String::new());
            }
        }
        if line == 1 {
            headers = record.clone();
        }
        out.write_record(&record)
            .map_err(|e| SheetProblem::Sheet(format!("cannot convert the sheet: {e}")))?;
    }
    if !bad.is_empty() {
        return Err(SheetProblem::Cells(origin, headers, bad));
    }
    let csv = out
        .into_inner()
        .map_err(|e| SheetProblem::Sheet(format!("cannot convert the sheet: {e}")))?;
    Ok(SheetText {
        csv,
        origin,
        headers,
    })
}

/// Whether a cell holds nothing (empty, or text of white space only).
fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The text a cell stands for; the error says why it is refused.
pub(crate) fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => {
            return Err(format!(
                "a duration cell (`{}`); write the value as a number or text",
                number(dt.as_f64())
            ))
        }
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, ms) = dt.to_ymd_hms_milli();
            if (hh, mm, ss, ms) != (0, 0, 0, 0) {
                return Err(format!(
                    "a date with a time of day (`{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}`); \
                     the cell must hold a date only"
                ));
            }
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) => iso_date(s)?,
        Data::DurationIso(s) => {
            return Err(format!(
                "a duration cell (`{s}`); write the value as a number or text"
            ))
        }
        Data::Error(e) => {
            return Err(format!(
                "an error cell (`{e}`); fix the formula or type the value"
            ))
        }
    })
}

/// A number as a CSV cell would hold it: whole numbers without a fraction, others in the
/// shortest form that reads back as the same number.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An ISO 8601 date or date-time cell as `YYYY-MM-DD`; a time of day other than midnight, or a
/// time alone, is refused.
fn iso_date(s: &str) -> Result<String, String> {
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let midnight = time.is_none_or(|t| t.chars().all(|c| matches!(c, '0' | ':' | '.')));
    let is_date = date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-';
    if !is_date {
        return Err(format!(
            "a time cell (`{s}`); the cell must hold a date only"
        ));
    }
    if !midnight {
        return Err(format!(
            "a date with a time of day (`{s}`); the cell must hold a date only"
        ));
    }
    Ok(date.to_string())
}

/// The letters of a 0-based column index (`0` → `A`, `26` → `AA`).
pub(crate) fn column_letters(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_a_csv_file_would_hold_them() {
        assert_eq!(cell_text(&Data::Float(120.0)).unwrap(), "120");
        assert_eq!(cell_text(&Data::Float(-0.0)).unwrap(), "0");
        assert_eq!(
            cell_text(&Data::Float(0.1 + 0.2)).unwrap(),
            "0.30000000000000004"
        );
        assert_eq!(cell_text(&Data::Float(2.5)).unwrap(), "2.5");
        assert_eq!(cell_text(&Data::Int(7)).unwrap(), "7");
        assert_eq!(cell_text(&Data::Bool(true)).unwrap(), "yes");
        let date = ExcelDateTime::new(42745.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)).unwrap(), "2017-01-10");
        let noon = ExcelDateTime::new(42745.5, ExcelDateTimeType::DateTime, false);
        let e = cell_text(&Data::DateTime(noon)).unwrap_err();
        assert!(e.contains("2017-01-10 12:00:00"), "{e}");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2017-01-10T00:00:00".into())).unwrap(),
            "2017-01-10"
        );
        assert!(cell_text(&Data::DateTimeIso("12:30:00".into())).is_err());
        let e = cell_text(&Data::Error(CellErrorType::NA)).unwrap_err();
        assert!(e.contains("`#N/A`"), "{e}");
    }

    #[test]
    fn column_letters_count_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn trailing_rows_and_columns_are_ignored_and_rows_keep_their_lines() {
        let mut range = Range::new((1, 1), (6, 4));
        range.set_value((1, 1), Data::String("child".into()));
        range.set_value((1, 2), Data::String("school".into()));
        range.set_value((1, 3), Data::String("rank".into()));
        range.set_value((2, 1), Data::String("C1".into()));
        range.set_value((2, 2), Data::String("S1".into()));
        range.set_value((2, 3), Data::Float(1.0));
        range.set_value((4, 1), Data::String("C2".into()));
        range.set_value((4, 2), Data::String("S2".into()));
        range.set_value((4, 3), Data::Float(2.0));
        let t = range_text(&range).unwrap();
        assert_eq!(
            String::from_utf8(t.csv).unwrap(),
            "child,school,rank\nC1,S1,1\n,,\nC2,S2,2\n"
        );
        assert_eq!(t.origin.cell(4, 2), "D5");
        assert_eq!(t.headers, ["child", "school", "rank"]);
        range.set_value((4, 3), Data::Error(CellErrorType::Ref));
        let Err(SheetProblem::Cells(origin, _, bad)) = range_text(&range) else {
            panic!("the error cell is refused");
        };
        assert_eq!(origin.cell(bad[0].line, bad[0].col), "D5");
    }
}
