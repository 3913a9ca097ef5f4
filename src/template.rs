//! `seatplan template DIR`: an empty scenario for an analyst to fill in Excel or WPS and run.
//!
//! The folder holds `scenario.toml` (commented, naming the workbook's sheets as the tables, with
//! the CSV files as a commented alternative), `policy.toml` (a shipped
//! preset, the Shenzhen-like insurance-months scheme, which needs no district layer), the
//! workbook `intake.xlsx` with one sheet per table and a sheet `说明 Help`, and the same tables
//! as CSV files (UTF-8 with a byte-order mark, so Excel and WPS open them as UTF-8).
//!
//! Every column comes from the bilingual dictionary ([`crate::input::dictionary`]): the
//! workbook's headers are its Chinese first name, its English name, or both (per [`Lang`]); its
//! header row is frozen, columns are sized and formatted by kind (ids and names as text, whole
//! numbers `0`, decimals `0.000`, dates `yyyy-mm-dd`), category columns offer their words in a
//! drop-down list and whole-number columns refuse negative or fractional entries. The help sheet
//! explains every column in Chinese and English. The CSVs keep the English column names, which
//! every version of the loader reads; the scenario names them in a commented alternative.
//!
//! The template is written only into an absent or empty folder, atomically
//! ([`crate::atomic_dir::write_dir`]): it never replaces anything.

use std::path::Path;

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, Workbook, Worksheet,
    XlsxError,
};

use crate::atomic_dir::{write_dir, Provenance};
use crate::error::OutputError;
use crate::input::dictionary::{columns, words, Column, TableKind, ValueKind, WordSet};
use crate::lang::Lang;

/// Name of the template's scenario file.
pub const SCENARIO: &str = "scenario.toml";
/// Name of the template's policy file.
pub const POLICY: &str = "policy.toml";
/// Name of the template's workbook.
pub const WORKBOOK: &str = "intake.xlsx";

/// The shipped preset the template starts from.
const PRESET: &str = include_str!("../scenarios/policies/shenzhen-insurance.toml");

/// How many rows of each sheet carry the drop-down lists and number checks.
const ROWS: u32 = 10_000;

/// The CSV file of a table (`children.csv`).
pub fn csv_name(table: TableKind) -> String {
    format!("{}.csv", table.name())
}

/// The workbook sheet of a table, named in `lang` (`儿童`, `children`, `儿童 children`).
pub fn sheet_name(table: TableKind, lang: Lang) -> String {
    lang.pick(table.zh(), table.name())
}

/// A column's header in `lang`: its first Chinese name, its English name, or both.
pub fn header(column: &Column, lang: Lang) -> String {
    lang.pick(
        column.zh.first().copied().unwrap_or(column.name),
        column.name,
    )
}

/// Every file of the template, rendered, in the order written: the scenario, the policy, the
/// workbook and a CSV per table.
pub fn template_files(lang: Lang) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        (SCENARIO.to_string(), scenario_toml(lang).into_bytes()),
        (POLICY.to_string(), policy_toml().into_bytes()),
        (
            WORKBOOK.to_string(),
            workbook(lang).expect("the template's workbook renders to memory"),
        ),
    ];
    for table in TableKind::ALL {
        files.push((csv_name(table), csv_header(table)));
    }
    files
}

/// Writes the template into `dir`, which must be absent or empty; returns the names written.
pub fn write_template(dir: &Path, lang: Lang) -> Result<Vec<String>, OutputError> {
    let refuse = |why: &str| OutputError::Folder {
        dir: dir.to_path_buf(),
        step: format!(
            "refusing to write a template into {}: {why}; name an absent or empty folder",
            dir.display()
        ),
        source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
    };
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(refuse("it is not empty"));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(refuse("it is a file"))
        }
        Err(source) => {
            return Err(OutputError::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    }
    let files = template_files(lang);
    write_dir(
        dir,
        &files,
        &Provenance::new("template", Vec::<&Path>::new()),
    )?;
    Ok(files.into_iter().map(|(n, _)| n).collect())
}

fn scenario_toml(lang: Lang) -> String {
    let mut s = String::from(
        "# 入学方案 / An intake scenario, written by `seatplan template`.\n\
         # 填写各表后运行 / Fill in the tables, then run:\n\
         #   seatplan run scenario.toml --out out\n\
         # 在 intake.xlsx 中填写各工作表（或改用 CSV 文件，见文末）。\n\
         # Fill the sheets of intake.xlsx (or use the CSV files instead: see the end of this\n\
         # file). docs/scenario-format.md describes every field.\n\n\
         name = \"新方案 New scenario\"\n\
         # 入学年级（1 = 小学一年级，7 = 初中一年级）/ Entry grade (1 = primary, 7 = junior secondary)\n\
         entry_grade = 1\n\
         # 随机种子（摇号与化名）/ Seed of the lottery and pseudonyms\n\
         seed = 1\n\
         # 购买民办学位的预算（元）/ Budget for buying private places (yuan)\n\
         budget_yuan = 0\n\
         # 积分政策 / The points policy\n\
         policy = \"policy.toml\"\n\n\
         # 各表为工作簿 intake.xlsx 的工作表 / Each table is a sheet of the workbook intake.xlsx\n\
         [tables]\n\
         workbook = \"intake.xlsx\"\n",
    );
    for table in TableKind::ALL {
        s.push_str(&format!(
            "{} = {{ sheet = \"{}\" }}\n",
            table.name(),
            sheet_name(table, lang),
        ));
    }
    s.push_str(
        "\n# 若改用 CSV 文件，请将上面的 [tables] 换成下面这些行 /\n\
         # To use the CSV files instead, replace the [tables] above by these lines:\n\
         # [tables]\n",
    );
    for table in TableKind::ALL {
        s.push_str(&format!(
            "# {} = \"{}\"   # {}\n",
            table.name(),
            csv_name(table),
            table.zh()
        ));
    }
    s
}

fn policy_toml() -> String {
    format!(
        "# 积分政策：seatplan 自带的预设（示意，非任何官方方案），请按本地政策修改。\n\
         # The points policy: a preset shipped with seatplan (illustrative, not any official\n\
         # scheme); change it to the local rules. docs/points-policy.md describes every field.\n\
         #\n{PRESET}"
    )
}

/// A CSV with the table's English header line, UTF-8 with a byte-order mark.
fn csv_header(table: TableKind) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(columns(table).iter().map(|c| c.name))
        .expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// The words a category column's drop-down list offers in `lang`.
fn offered(set: WordSet, lang: Lang) -> Vec<String> {
    let zh = || {
        words(set)
            .iter()
            .filter_map(|w| w.zh.first())
            .map(|w| w.to_string())
    };
    let en = || words(set).iter().map(|w| w.canonical.to_string());
    match lang {
        Lang::Zh => zh().collect(),
        Lang::En => en().collect(),
        Lang::Both => zh().chain(en()).collect(),
    }
}

fn kind_words(kind: ValueKind) -> (&'static str, &'static str) {
    match kind {
        ValueKind::Text => ("文字", "text"),
        ValueKind::Id => ("编号", "id"),
        ValueKind::Whole => ("整数", "whole number"),
        ValueKind::Decimal => ("小数", "decimal number"),
        ValueKind::Date => ("日期", "date"),
        ValueKind::Words(_) => ("选项", "one of the words"),
    }
}

/// A column's width in Excel's character units: a CJK character counts two.
fn width(text: &str) -> f64 {
    text.chars()
        .map(|ch| if (ch as u32) < 0x2E80 { 1.0 } else { 2.0 })
        .sum()
}

fn workbook(lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(lang.pick("入学方案模板", "Intake scenario template"))
            .set_author("seatplan")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2020, 1, 1)?),
    );
    let header_format = Format::new().set_bold().set_text_wrap();
    for table in TableKind::ALL {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(table, lang))?;
        table_sheet(ws, table, lang, &header_format)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("说明 Help")?;
    help_sheet(ws, &header_format)?;
    wb.save_to_buffer()
}

fn table_sheet(
    ws: &mut Worksheet,
    table: TableKind,
    lang: Lang,
    header_format: &Format,
) -> Result<(), XlsxError> {
    for (j, column) in columns(table).iter().enumerate() {
        let j = j as u16;
        let h = header(column, lang);
        ws.write_string_with_format(0, j, &h, header_format)?;
        let format = match column.kind {
            ValueKind::Text | ValueKind::Id | ValueKind::Words(_) => {
                Format::new().set_num_format("@")
            }
            ValueKind::Whole => Format::new().set_num_format("0"),
            ValueKind::Decimal => Format::new().set_num_format("0.000"),
            ValueKind::Date => Format::new().set_num_format("yyyy-mm-dd"),
        };
        ws.set_column_format(j, &format)?;
        let wide = match column.kind {
            ValueKind::Text => 20.0,
            ValueKind::Date => 12.0,
            _ => 10.0,
        };
        ws.set_column_width(j, width(&h).max(wide) + 2.0)?;
        let check = match column.kind {
            ValueKind::Words(set) => Some(
                DataValidation::new()
                    .allow_list_strings(&offered(set, lang))?
                    .set_error_title(lang.pick("请从列表中选择", "Choose from the list"))?,
            ),
            ValueKind::Whole => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                    .set_error_title(lang.pick("请填写整数", "A whole number"))?,
            ),
            _ => None,
        };
        if let Some(check) = check {
            ws.add_data_validation(1, j, ROWS, j, &check.ignore_blank(true))?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn help_sheet(ws: &mut Worksheet, header_format: &Format) -> Result<(), XlsxError> {
    let heads = [
        "表 table",
        "列名 header",
        "column",
        "必填 required",
        "类型 kind",
        "说明",
        "help",
    ];
    for (j, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, header_format)?;
    }
    let mut row = 0u32;
    for table in TableKind::ALL {
        for column in columns(table) {
            row += 1;
            let (kind_zh, kind_en) = kind_words(column.kind);
            let kind = match column.kind {
                ValueKind::Words(set) => {
                    let zh: Vec<&str> = words(set)
                        .iter()
                        .filter_map(|w| w.zh.first().copied())
                        .collect();
                    let en: Vec<&str> = words(set).iter().map(|w| w.canonical).collect();
                    format!("{kind_zh} {kind_en}: {} / {}", zh.join("、"), en.join(", "))
                }
                _ => format!("{kind_zh} {kind_en}"),
            };
            let cells = [
                format!("{} {}", table.zh(), table.name()),
                column.zh.join(" / "),
                column.name.to_string(),
                if column.required { "是 yes" } else { "否 no" }.to_string(),
                kind,
                column.help_zh.to_string(),
                column.help_en.to_string(),
            ];
            for (j, cell) in cells.iter().enumerate() {
                ws.write_string(row, j as u16, cell)?;
            }
        }
    }
    for (j, w) in [18.0, 24.0, 28.0, 12.0, 40.0, 50.0, 60.0]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(j as u16, w)?;
    }
    let wrap = Format::new().set_text_wrap();
    ws.set_column_format(5, &wrap)?;
    ws.set_column_format(6, &wrap)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row, heads.len() as u16 - 1)?;
    Ok(())
}
