//! A table of the applied scenario as plain CSV: the plan's copy of a scenario must load
//! wherever it is taken, so a table that was a workbook sheet, or a CSV file in GB18030/GBK or
//! UTF-16 or split by tabs or semicolons, is written as UTF-8 CSV with commas. Its cells and its
//! header row stay as written (Chinese headers and category words included, which the loader
//! reads), one record per record of the table; only the container changes.

use crate::input::dictionary::TableKind;
use crate::input::source::{decode, workbook, How, TableRead};
use crate::input::{read_input, FileKind};

/// The table `read` describes as UTF-8 CSV with commas, and the words saying where it came from
/// (`intake.xlsx [儿童]`, `children.csv (GB18030, separated by tabs)`); `Err` names what could not
/// be read.
pub(super) fn plain_csv(read: &TableRead) -> Result<(Vec<u8>, String), String> {
    let bytes = read_input(&read.file, FileKind::Table).map_err(|e| format!("cannot read: {e}"))?;
    let file = crate::error::shown_path(&read.file);
    let (text, delimiter, from) = match &read.how {
        How::Csv {
            encoding,
            separator,
            ..
        } => {
            let decoded = decode::decode(bytes, *encoding)?;
            let from = format!(
                "{file} ({}, separated by {})",
                encoding.name(),
                separator.words()
            );
            (decoded.text.into_bytes(), separator.byte(), from)
        }
        How::Sheet { sheet } => {
            let mut book = workbook::open(bytes)?;
            let text = workbook::sheet_text(&mut book, sheet).map_err(|p| match p {
                workbook::SheetProblem::Sheet(message) => message,
                workbook::SheetProblem::Cells(..) => {
                    format!("a cell of the sheet `{sheet}` cannot be read")
                }
            })?;
            let from = format!("{file} [{}]", crate::error::shown(sheet));
            (text.csv, b',', from)
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(&text[..]);
    let mut w = csv::Writer::from_writer(Vec::new());
    for record in reader.byte_records() {
        let record = record.map_err(|e| e.to_string())?;
        w.write_byte_record(&record).expect("writing to memory");
    }
    Ok((w.into_inner().expect("writing to memory"), from))
}

/// The name of the plain copy of table `kind` (`children.csv`).
pub(super) fn plain_name(kind: TableKind) -> String {
    format!("{}.csv", kind.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::{Chosen, Encoding, Separator};

    #[test]
    fn a_gbk_tab_separated_table_becomes_utf8_with_commas() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("districts.csv");
        // "编号\t名称\nD1\t上城区, 东\n" in GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode("编号\t名称\nD1\t上城区, 东\n");
        std::fs::write(&path, &gbk).unwrap();
        let read = TableRead {
            table: TableKind::Districts,
            file: path,
            how: How::Csv {
                encoding: Encoding::Gb18030,
                encoding_chosen: Chosen::Detected,
                separator: Separator::Tab,
                separator_chosen: Chosen::Detected,
            },
        };
        let (bytes, from) = plain_csv(&read).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "编号,名称\nD1,\"上城区, 东\"\n"
        );
        assert!(
            from.ends_with("districts.csv (GB18030, separated by tabs)"),
            "{from}"
        );
        assert_eq!(plain_name(TableKind::PrivateSchools), "private_schools.csv");
    }
}
