//! `results.xlsx`: the run's tables as one workbook for people who read results in Excel or WPS —
//! sheets placements, schools, districts, waitlists and summary, each with a frozen header row,
//! an autofilter, column widths and number formats (counts whole, shares as %, yuan with
//! thousands separators, distances to 0.0 km), headers in the run's [`Lang`].
//!
//! The sheets hold exactly the rows and cells of the CSV tables of the same run: each is filled
//! from the rendered CSV bytes (read back with the csv crate), so the workbook and the CSVs
//! cannot disagree; only the headers are translated and the cells typed. The summary sheet lists
//! the fields of `summary.json`. The bytes are the same on every run of the same inputs: the
//! document's creation time is fixed ([`CREATED`]) and rust_xlsxwriter stamps every zip entry
//! with the zip format's fixed default time.
//!
//! A table of more than [`SHEET_ROWS`] rows (a province's million placements, say) is not
//! copied into the workbook: its sheet keeps the header row and one row saying how many rows
//! the table has and that its CSV holds them all. Writing a million-row sheet took most of a
//! province's run, gave a file of over 100 MB that Excel and WPS are slow to open, and offered
//! nothing the CSV does not (Excel and WPS open the CSV itself). The rule depends on the table
//! alone, so the bytes of a run's workbook are still the same on every run.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::chart::svg::group;
use crate::lang::Lang;
use crate::metrics::Summary;

/// Name of the results workbook ([`results_xlsx`]).
pub const RESULTS: &str = "results.xlsx";

/// The creation time written into every results workbook, so that its bytes depend on the run
/// alone: 2020-01-01 00:00:00 UTC.
pub const CREATED: (u16, u8, u8) = (2020, 1, 1);

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Text as written.
    Text,
    /// A whole number (counts, ranks, positions): `#,##0`.
    Whole,
    /// A number as written (points): general format.
    Number,
    /// A share between 0 and 1, shown as a percentage: `0.0%`.
    Share,
    /// Yuan: `#,##0`, thousands separated.
    Yuan,
    /// Kilometres: `0.0`.
    Km,
}

/// One column of a sheet: its CSV name, its Chinese and English headers and its cells.
struct Col {
    csv: &'static str,
    zh: &'static str,
    en: &'static str,
    cell: Cell,
}

const fn c(csv: &'static str, zh: &'static str, en: &'static str, cell: Cell) -> Col {
    Col { csv, zh, en, cell }
}

/// One sheet filled from a CSV table.
struct Sheet {
    zh: &'static str,
    en: &'static str,
    cols: &'static [Col],
}

impl Sheet {
    /// The run's CSV file this sheet shows (`placements.csv`).
    fn csv_name(&self) -> String {
        format!("{}.csv", self.en)
    }
}

const PLACEMENTS: Sheet = Sheet {
    zh: "录取结果",
    en: "placements",
    cols: &[
        c("child", "儿童编号", "child", Cell::Text),
        c("district", "户籍区县", "district", Cell::Text),
        c("kind", "安置方式", "kind", Cell::Text),
        c("school", "学校编号", "school", Cell::Text),
        c("school_name", "学校名称", "school name", Cell::Text),
        c("choice_rank", "志愿序号", "choice rank", Cell::Whole),
        c("points", "积分", "points", Cell::Number),
        c("tier", "类别", "tier", Cell::Text),
        c("distance_km", "距离（公里）", "distance (km)", Cell::Km),
        c("cost_yuan", "费用（元）", "cost (yuan)", Cell::Yuan),
        c("reason", "原因代码", "reason", Cell::Text),
        c("note", "说明", "note", Cell::Text),
    ],
};

const SCHOOLS: Sheet = Sheet {
    zh: "学校",
    en: "schools",
    cols: &[
        c("school", "学校编号", "school", Cell::Text),
        c("name", "学校名称", "name", Cell::Text),
        c("kind", "类型", "kind", Cell::Text),
        c("district", "区县", "district", Cell::Text),
        c("seats", "学位数", "seats", Cell::Whole),
        c("filled", "已录取", "filled", Cell::Whole),
        c("spare", "空余学位", "spare", Cell::Whole),
        c("by_choice", "按志愿录取", "by choice", Cell::Whole),
        c("coordinated", "统筹安排", "coordinated", Cell::Whole),
        c("applicants", "报名人数", "applicants", Cell::Whole),
        c(
            "first_choice_applicants",
            "第一志愿人数",
            "first-choice applicants",
            Cell::Whole,
        ),
        c("cutoff_tier", "录取线类别", "cut-off tier", Cell::Text),
        c(
            "cutoff_points",
            "录取线积分",
            "cut-off points",
            Cell::Number,
        ),
        c(
            "cost_per_seat_yuan",
            "每个学位费用（元）",
            "cost per seat (yuan)",
            Cell::Yuan,
        ),
    ],
};

const DISTRICTS: Sheet = Sheet {
    zh: "区县",
    en: "districts",
    cols: &[
        c("district", "区县编号", "district", Cell::Text),
        c("name", "区县名称", "name", Cell::Text),
        c(
            "permanent_population",
            "常住人口",
            "permanent population",
            Cell::Whole,
        ),
        c("cohort_share", "适龄儿童占比", "cohort share", Cell::Share),
        c(
            "projected_children",
            "预计适龄儿童",
            "projected children",
            Cell::Whole,
        ),
        c(
            "projected_migrant_children",
            "预计随迁子女",
            "projected migrant children",
            Cell::Whole,
        ),
        c("applicants", "报名人数", "applicants", Cell::Whole),
        c(
            "migrant_applicants",
            "随迁子女报名人数",
            "migrant applicants",
            Cell::Whole,
        ),
        c("public_seats", "公办学位", "public seats", Cell::Whole),
        c(
            "purchasable_places",
            "可购买民办学位",
            "purchasable places",
            Cell::Whole,
        ),
        c("projected_gap", "预计缺口", "projected gap", Cell::Whole),
        c("applicant_gap", "报名缺口", "applicant gap", Cell::Whole),
        c("placed_public", "公办安置", "placed public", Cell::Whole),
        c(
            "placed_purchased",
            "购买学位安置",
            "placed purchased",
            Cell::Whole,
        ),
        c("unplaced", "未安置", "unplaced", Cell::Whole),
    ],
};

const WAITLISTS: Sheet = Sheet {
    zh: "候补名单",
    en: "waitlists",
    cols: &[
        c("school", "学校编号", "school", Cell::Text),
        c("school_name", "学校名称", "school name", Cell::Text),
        c("position", "候补位次", "position", Cell::Whole),
        c("child", "儿童编号", "child", Cell::Text),
        c("choice_rank", "志愿序号", "choice rank", Cell::Whole),
        c("tier", "类别", "tier", Cell::Text),
        c("points", "积分", "points", Cell::Number),
        c("holds", "现录取学校", "holds", Cell::Text),
        c("holds_name", "现录取学校名称", "holds (name)", Cell::Text),
    ],
};

/// The summary sheet's rows: a field of `summary.json`, its Chinese and English labels, its cell.
const SUMMARY_ROWS: &[Col] = &[
    c("scenario", "方案", "scenario", Cell::Text),
    c("entry_grade", "入学年级", "entry grade", Cell::Whole),
    c("seed", "随机种子", "seed", Cell::Text),
    c("policy", "积分政策", "policy", Cell::Text),
    c("tie_rule", "同分规则", "tie rule", Cell::Text),
    c("mechanism", "录取机制", "mechanism", Cell::Text),
    c("children", "儿童人数", "children", Cell::Whole),
    c(
        "public_by_choice",
        "按志愿进入公办",
        "public by choice",
        Cell::Whole,
    ),
    c("first_choice", "第一志愿录取", "first choice", Cell::Whole),
    c("coordinated", "统筹安排", "coordinated", Cell::Whole),
    c("purchased", "购买学位", "purchased", Cell::Whole),
    c("unplaced", "未安置", "unplaced", Cell::Whole),
    c("ineligible", "不符合条件", "ineligible", Cell::Whole),
    c("public_seats", "公办学位", "public seats", Cell::Whole),
    c(
        "purchasable_places",
        "可购买民办学位",
        "purchasable places",
        Cell::Whole,
    ),
    c("budget_yuan", "预算（元）", "budget (yuan)", Cell::Yuan),
    c("spent_yuan", "支出（元）", "spent (yuan)", Cell::Yuan),
    c("components", "分量数", "components", Cell::Whole),
    c(
        "components_with_ties",
        "含同分的分量",
        "components with ties",
        Cell::Whole,
    ),
    c("ip_variables", "整数规划变量", "IP variables", Cell::Whole),
    c("proven_optimal", "已证明最优", "proven optimal", Cell::Text),
    c(
        "choice_stage_bound",
        "志愿阶段上界",
        "choice-stage bound",
        Cell::Whole,
    ),
    c("check_passed", "独立核验通过", "check passed", Cell::Text),
    c(
        "check_violations",
        "核验发现的问题",
        "check violations",
        Cell::Whole,
    ),
];

/// One CSV table as the workbook is given it.
#[derive(Debug, Clone, Copy)]
pub enum Table<'a> {
    /// The table's bytes, header first.
    Csv(&'a [u8]),
    /// Only the table's number of rows below its header: a table longer than a sheet is
    /// given, whose bytes went to its CSV file without being kept ([`Kept`]).
    Rows(usize),
}

/// What the workbook needs of a CSV table written as a stream: its rows, counted, and its
/// bytes while there are no more rows than a sheet is given ([`SHEET_ROWS`]); beyond that the
/// bytes are dropped, since the sheet will only say how many rows the CSV holds.
#[derive(Debug)]
pub struct Kept {
    rows: usize,
    bytes: Option<Vec<u8>>,
}

impl Default for Kept {
    fn default() -> Kept {
        Kept {
            rows: 0,
            bytes: Some(Vec::new()),
        }
    }
}

impl Kept {
    /// Takes the table's next `bytes`, which hold `rows` rows (0 for a header).
    pub fn add(&mut self, bytes: &[u8], rows: usize) {
        self.rows += rows;
        if self.rows > SHEET_ROWS {
            self.bytes = None;
        } else if let Some(kept) = &mut self.bytes {
            kept.extend_from_slice(bytes);
        }
    }

    /// The rows taken so far (below the header).
    #[cfg(test)]
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The table as the workbook is given it.
    pub fn table(&self) -> Table<'_> {
        match &self.bytes {
            Some(bytes) => Table::Csv(bytes),
            None => Table::Rows(self.rows),
        }
    }
}

/// The CSV tables a results workbook is filled from, as rendered for the same run.
pub struct Tables<'a> {
    /// `placements.csv`
    pub placements: Table<'a>,
    /// `schools.csv`
    pub schools: Table<'a>,
    /// `districts.csv`
    pub districts: Table<'a>,
    /// `waitlists.csv`
    pub waitlists: Table<'a>,
}

/// Renders `results.xlsx` from the run's CSV tables and summary, headers in `lang`.
pub fn results_xlsx(tables: &Tables<'_>, summary: &Summary, lang: Lang) -> Vec<u8> {
    build(tables, summary, lang)
        .expect("a workbook of valid sheets renders (its table rows through a temporary file)")
}

fn build(tables: &Tables<'_>, summary: &Summary, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fast deflate level: at the default level, compressing a city's workbook took a large
    // share of its whole run in a profile; a faster level costs a somewhat larger file.
    wb.set_zip_compression_level(3);
    let (y, m, d) = CREATED;
    wb.set_properties(
        &DocProperties::new()
            .set_title(lang.pick("入学安置结果", "Intake results"))
            .set_author("seatplan")
            .set_creation_datetime(&ExcelDateTime::from_ymd(y, m, d)?),
    );
    let formats = Formats::new();
    for (sheet, table) in [
        (&PLACEMENTS, tables.placements),
        (&SCHOOLS, tables.schools),
        (&DISTRICTS, tables.districts),
        (&WAITLISTS, tables.waitlists),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick(sheet.zh, sheet.en))?;
        table_sheet(ws, sheet, table, lang, &formats, SHEET_ROWS)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("概要", "summary"))?;
    summary_sheet(ws, summary, lang, &formats)?;
    wb.save_to_buffer()
}

/// The number formats, made once.
struct Formats {
    header: Format,
    whole: Format,
    share: Format,
    km: Format,
    text: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_text_wrap(),
            whole: Format::new().set_num_format("#,##0"),
            share: Format::new().set_num_format("0.0%"),
            km: Format::new().set_num_format("0.0"),
            text: Format::new(),
        }
    }

    fn of(&self, cell: Cell) -> &Format {
        match cell {
            Cell::Whole | Cell::Yuan => &self.whole,
            Cell::Share => &self.share,
            Cell::Km => &self.km,
            Cell::Number | Cell::Text => &self.text,
        }
    }
}

/// A header's width in Excel's character units: a CJK character counts two.
fn width(text: &str) -> f64 {
    text.chars()
        .map(|ch| if (ch as u32) < 0x2E80 { 1.0 } else { 2.0 })
        .sum()
}

/// The most rows (below the header) a table may have to be copied into the workbook: the
/// shipped city's 142,947 children are copied, a province's million are left to the CSV. Far
/// below the 1,048,576 rows an Excel sheet can hold, so no sheet is ever cut short.
const SHEET_ROWS: usize = 250_000;

fn table_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    table: Table<'_>,
    lang: Lang,
    f: &Formats,
    max_rows: usize,
) -> Result<(), XlsxError> {
    let total = match table {
        Table::Csv(csv_bytes) => {
            let mut reader = csv::Reader::from_reader(csv_bytes);
            let headers = reader
                .headers()
                .expect("the run's own CSV has a header")
                .clone();
            assert_eq!(
                headers.iter().collect::<Vec<_>>(),
                sheet.cols.iter().map(|c| c.csv).collect::<Vec<_>>(),
                "the workbook's {} sheet lists the CSV's columns",
                sheet.en
            );
            reader.records().count()
        }
        Table::Rows(rows) => rows,
    };
    let mut widths: Vec<f64> = Vec::with_capacity(sheet.cols.len());
    for (j, col) in sheet.cols.iter().enumerate() {
        let h = lang.pick(col.zh, col.en);
        widths.push(width(&h).clamp(8.0, 24.0));
        ws.write_string_with_format(0, j as u16, h, &f.header)?;
    }
    let mut rows = 0u32;
    match table {
        Table::Csv(csv_bytes) if total <= max_rows => {
            let mut reader = csv::Reader::from_reader(csv_bytes);
            for record in reader.records() {
                let record = record.expect("the run's own CSV reads back");
                rows += 1;
                for (j, (value, col)) in record.iter().zip(sheet.cols).enumerate() {
                    write_cell(ws, rows, j as u16, value, col.cell, f)?;
                    if col.cell == Cell::Text {
                        widths[j] = widths[j].max(width(value).min(60.0));
                    }
                }
            }
        }
        _ => {
            // Left to the CSV: the sheet says so, with the table's size, below its header.
            let note = lang.pick(
                &format!(
                    "本表共 {} 行，多于工作簿收录的上限 {} 行，完整数据见 {}",
                    group(&total.to_string()),
                    group(&max_rows.to_string()),
                    sheet.csv_name()
                ),
                &format!(
                    "This table has {} rows, more than the {} a workbook sheet is given: see {} for all of them",
                    group(&total.to_string()),
                    group(&max_rows.to_string()),
                    sheet.csv_name()
                ),
            );
            ws.write_string(1, 0, note)?;
            rows = 1;
        }
    }
    for (j, w) in widths.into_iter().enumerate() {
        ws.set_column_width(j as u16, w + 1.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows, sheet.cols.len() as u16 - 1)?;
    Ok(())
}

/// One cell: empty stays empty, a number column's value as a number (as text if it is none).
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    cell: Cell,
    f: &Formats,
) -> Result<(), XlsxError> {
    if value.is_empty() {
        return Ok(());
    }
    match (cell, value.parse::<f64>()) {
        (Cell::Text, _) | (_, Err(_)) => {
            ws.write_string(row, col, value)?;
        }
        (_, Ok(n)) => {
            ws.write_number_with_format(row, col, n, f.of(cell))?;
        }
    }
    Ok(())
}

fn summary_sheet(
    ws: &mut Worksheet,
    summary: &Summary,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let value = serde_json::to_value(summary).expect("a summary serialises");
    let fields = value.as_object().expect("a summary is an object");
    ws.write_string_with_format(0, 0, lang.pick("项目", "item"), &f.header)?;
    ws.write_string_with_format(0, 1, lang.pick("数值", "value"), &f.header)?;
    let mut row = 0u32;
    let mut label_width = width(&lang.pick("项目", "item"));
    let mut value_width = 10.0f64;
    for col in SUMMARY_ROWS {
        row += 1;
        let label = lang.pick(col.zh, col.en);
        label_width = label_width.max(width(&label));
        ws.write_string(row, 0, label)?;
        let text = match fields.get(col.csv) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Bool(true)) => lang.pick("是", "yes"),
            Some(serde_json::Value::Bool(false)) => lang.pick("否", "no"),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        value_width = value_width.max(width(&text).min(60.0));
        write_cell(ws, row, 1, &text, col.cell, f)?;
    }
    for st in &summary.statuses {
        row += 1;
        let label = format!("{}: {}", lang.pick("分量状态", "components"), st.status);
        label_width = label_width.max(width(&label).min(60.0));
        ws.write_string(row, 0, label)?;
        ws.write_number_with_format(row, 1, st.components as f64, &f.whole)?;
    }
    ws.set_column_width(0, label_width + 1.0)?;
    ws.set_column_width(1, value_width + 1.0)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row, 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of more rows than a sheet is given keeps its header and one row naming the CSV
    /// and the table's size (here a limit of 4 rows and a table of 5), in either language; a
    /// table at the limit is copied whole.
    #[test]
    fn a_table_beyond_the_limit_is_left_to_its_csv() {
        use calamine::{open_workbook_from_rs, Reader, Xlsx};
        const COLS: &[Col] = &[
            c("district", "区县", "district", Cell::Text),
            c("name", "名称", "name", Cell::Text),
        ];
        let sheet = Sheet {
            zh: "区县",
            en: "districts",
            cols: COLS,
        };
        let first_column = |rows: usize, lang: Lang| {
            let mut csv = String::from("district,name\n");
            for i in 0..rows {
                csv.push_str(&format!("D{i},Name {i}\n"));
            }
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            table_sheet(
                ws,
                &sheet,
                Table::Csv(csv.as_bytes()),
                lang,
                &Formats::new(),
                4,
            )
            .unwrap();
            let from_bytes = wb.save_to_buffer().unwrap();
            if rows > 4 {
                // A table known by its count alone gives the same workbook.
                let mut wb = Workbook::new();
                let ws = wb.add_worksheet();
                table_sheet(ws, &sheet, Table::Rows(rows), lang, &Formats::new(), 4).unwrap();
                assert_eq!(wb.save_to_buffer().unwrap(), from_bytes);
            }
            let bytes = from_bytes;
            let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
            let range = book.worksheet_range_at(0).unwrap().unwrap();
            range.rows().map(|r| r[0].to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            first_column(5, Lang::En),
            [
                "district",
                "This table has 5 rows, more than the 4 a workbook sheet is given: see districts.csv for all of them"
            ]
        );
        assert_eq!(
            first_column(5, Lang::Zh),
            [
                "区县",
                "本表共 5 行，多于工作簿收录的上限 4 行，完整数据见 districts.csv"
            ]
        );
        assert_eq!(
            first_column(4, Lang::En),
            ["district", "D0", "D1", "D2", "D3"]
        );
    }

    /// A table's bytes are kept up to a sheet's rows and dropped beyond, its rows always counted.
    #[test]
    fn kept_holds_bytes_up_to_a_sheet() {
        let mut kept = Kept::default();
        kept.add(b"h\n", 0);
        kept.add(b"1\n", SHEET_ROWS);
        assert!(matches!(kept.table(), Table::Csv(b"h\n1\n")));
        kept.add(b"2\n", 1);
        assert!(matches!(kept.table(), Table::Rows(n) if n == SHEET_ROWS + 1));
        kept.add(b"3\n", 2);
        assert_eq!(kept.rows(), SHEET_ROWS + 3);
        assert!(matches!(kept.table(), Table::Rows(_)));
    }
}
