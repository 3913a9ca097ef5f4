//! Tables as bureaus save them: every shipped tiny scenario, converted here to one workbook with
//! Chinese sheet names and headers (numbers as number cells, birth dates as date cells) and to
//! GBK tab-separated CSV files with Chinese headers, gives byte-identical placements; bad cells
//! are reported with their sheet and cell; the encoding and separator detected are printed;
//! ambiguous separators and workbooks named as CSV are refused with a hint.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};
use seatplan::dictionary::{columns, words, TableKind, ValueKind};
use seatplan::Mechanism;

use super::util::{copy_scenario, scenario_dir, seatplan};

/// A CSV table as the shipped scenario holds it.
struct Csv {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(path: &Path) -> Csv {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    Csv { headers, rows }
}

fn kind(key: &str) -> Option<TableKind> {
    TableKind::ALL.iter().copied().find(|k| k.name() == key)
}

/// The Chinese header the template writes for `header` (extra `fact_*` columns as they are).
fn zh(kind: TableKind, header: &str) -> String {
    columns(kind)
        .iter()
        .find(|c| c.name == header)
        .map_or(header.to_string(), |c| c.zh[0].to_string())
}

/// A cell as a Chinese bureau writes it: a category word as its first Chinese word (`租房` for
/// `rented`, `是` for `yes`), anything else as it is.
fn zh_value(kind: TableKind, header: &str, value: &str) -> String {
    match value_kind(kind, header) {
        Some(ValueKind::Words(set)) => words(set)
            .iter()
            .find(|w| w.canonical == value)
            .and_then(|w| w.zh.first())
            .map_or(value.to_string(), |z| z.to_string()),
        _ => value.to_string(),
    }
}

fn value_kind(kind: TableKind, header: &str) -> Option<ValueKind> {
    columns(kind)
        .iter()
        .find(|c| c.name == header)
        .map(|c| c.kind)
}

/// The shipped tiny scenarios (folders with a scenario file), by name.
fn tiny_scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(scenario_dir("tiny"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("scenario.toml").is_file())
        // The example workbook is itself a conversion.
        .filter(|p| p.file_name().unwrap() != "workbook")
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The scenario file's `[tables]`: each table's key and file name (the catchment table too, a
/// declared table like the others: its sheet `施教区` is found in the workbook undeclared).
fn tables(scenario: &toml::Table) -> Vec<(TableKind, String)> {
    scenario["tables"]
        .as_table()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| Some((kind(k)?, v.as_str().unwrap().to_string())))
        .collect()
}

/// The workbook of a scenario's tables: a sheet per table named in Chinese, Chinese headers,
/// numbers as number cells, dates as date cells, category words in Chinese, other values as
/// text.
fn workbook_of(dir: &Path, tables: &[(TableKind, String)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (kind, file) in tables {
        let csv = read_csv(&dir.join(file));
        let sheet = book.add_worksheet();
        sheet.set_name(kind.zh()).unwrap();
        for (c, h) in csv.headers.iter().enumerate() {
            sheet.write_string(0, c as u16, zh(*kind, h)).unwrap();
        }
        for (r, row) in csv.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                if value.is_empty() {
                    continue;
                }
                match value_kind(*kind, &csv.headers[c as usize]) {
                    Some(ValueKind::Whole | ValueKind::Decimal) => {
                        sheet.write_number(r, c, value.parse::<f64>().unwrap())
                    }
                    Some(ValueKind::Date) => {
                        let ymd: Vec<u16> = value.split('-').map(|p| p.parse().unwrap()).collect();
                        let d = ExcelDateTime::from_ymd(ymd[0], ymd[1] as u8, ymd[2] as u8);
                        sheet.write_datetime_with_format(r, c, d.unwrap(), &date)
                    }
                    _ => sheet.write_string(r, c, zh_value(*kind, &csv.headers[c as usize], value)),
                }
                .unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The scenario `name` as one workbook `intake.xlsx` (its CSV tables removed), in a temp folder.
pub(super) fn as_workbook(name: &str) -> tempfile::TempDir {
    let tmp = copy_scenario(&format!("tiny/{name}"));
    let path = tmp.path().join("scenario.toml");
    let mut scenario: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let tables = tables(&scenario);
    std::fs::write(
        tmp.path().join("intake.xlsx"),
        workbook_of(tmp.path(), &tables),
    )
    .unwrap();
    for (_, file) in &tables {
        std::fs::remove_file(tmp.path().join(file)).unwrap();
    }
    let mut decl = toml::Table::new();
    decl.insert("workbook".into(), "intake.xlsx".into());
    // Catchment polygons are a GeoJSON file, not a table: they stay beside the workbook.
    if let Some(polygons) = scenario["tables"].get("catchment_polygons").cloned() {
        decl.insert("catchment_polygons".into(), polygons);
    }
    scenario.insert("tables".into(), decl.into());
    std::fs::write(&path, toml::to_string(&scenario).unwrap()).unwrap();
    tmp
}

/// The scenario `name` with every table rewritten as a GBK tab-separated file with Chinese
/// headers and category words, under the same names, in a temp folder.
pub(super) fn as_gbk_tabs(name: &str) -> tempfile::TempDir {
    let tmp = copy_scenario(&format!("tiny/{name}"));
    let text = std::fs::read_to_string(tmp.path().join("scenario.toml")).unwrap();
    let scenario: toml::Table = text.parse().unwrap();
    for (kind, file) in tables(&scenario) {
        let path = tmp.path().join(&file);
        let csv = read_csv(&path);
        let mut out = String::new();
        let headers: Vec<String> = csv.headers.iter().map(|h| zh(kind, h)).collect();
        out.push_str(&headers.join("\t"));
        out.push_str("\r\n");
        for row in &csv.rows {
            assert!(row.iter().all(|v| !v.contains(['\t', '"'])), "{file}");
            let cells: Vec<String> = row
                .iter()
                .zip(&csv.headers)
                .map(|(v, h)| zh_value(kind, h, v))
                .collect();
            out.push_str(&cells.join("\t"));
            out.push_str("\r\n");
        }
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&out);
        assert!(!unmappable, "{file}");
        std::fs::write(&path, bytes).unwrap();
    }
    tmp
}

/// The placements a scenario gives (or why it gives none).
fn placements(scenario: &Path) -> String {
    let loaded = seatplan::load(scenario).unwrap_or_else(|e| panic!("{e}"));
    match seatplan::solve(
        &loaded.scenario,
        Mechanism::Optimal,
        &seatplan::SolverOptions::default(),
    ) {
        Ok(solved) => {
            let files = seatplan::render(&loaded.scenario, &solved);
            let (_, bytes) = files
                .into_iter()
                .find(|(f, _)| *f == "placements.csv")
                .unwrap();
            String::from_utf8(bytes).unwrap()
        }
        Err(e) => format!("no solution: {e}"),
    }
}

#[test]
fn every_tiny_scenario_as_a_workbook_gives_the_same_placements() {
    let names = tiny_scenarios();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let original = placements(&scenario_dir(&format!("tiny/{name}/scenario.toml")));
        let tmp = as_workbook(&name);
        let converted = placements(&tmp.path().join("scenario.toml"));
        assert_eq!(original, converted, "{name}");
    }
}

#[test]
fn every_tiny_scenario_as_gbk_tab_separated_files_gives_the_same_placements() {
    for name in tiny_scenarios() {
        let original = placements(&scenario_dir(&format!("tiny/{name}/scenario.toml")));
        let tmp = as_gbk_tabs(&name);
        let path = tmp.path().join("scenario.toml");
        assert_eq!(original, placements(&path), "{name}");
        let loaded = seatplan::load(&path).unwrap();
        assert!(loaded.sources.iter().all(|r| !r.is_plain()), "{name}");
    }
}

#[test]
fn the_encoding_and_separator_detected_are_printed() {
    let tmp = as_gbk_tabs("two-schools");
    let scenario = tmp.path().join("scenario.toml");
    let out = seatplan(&["validate", scenario.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let children = tmp.path().join("children.csv");
    assert!(
        stderr.contains(&format!(
            "{}: GB18030 (detected), tab-separated (detected)\n",
            children.display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("(detected)").count(), 10, "{stderr}");
    // A plain UTF-8 scenario with commas prints no such line.
    let plain = scenario_dir("tiny/two-schools/scenario.toml");
    let out = seatplan(&["validate", plain.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("detected"));
}

#[test]
fn a_declared_encoding_and_separator_are_used_and_said() {
    let tmp = as_gbk_tabs("two-schools");
    let path = tmp.path().join("scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "children = \"children.csv\"",
        "children = { file = \"children.csv\", encoding = \"gbk\", separator = \"\\t\" }",
    );
    std::fs::write(&path, text).unwrap();
    let loaded = seatplan::load(&path).unwrap();
    let children = loaded
        .sources
        .iter()
        .find(|r| r.table == TableKind::Children)
        .unwrap();
    assert!(
        children
            .to_string()
            .ends_with("children.csv: GBK (declared), tab-separated (declared)"),
        "{children}"
    );
    // Declared UTF-8, the GBK file is refused at its first line that is not.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("encoding = \"gbk\"", "encoding = \"utf-8\"");
    std::fs::write(&path, text).unwrap();
    let e = seatplan::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("children.csv: the file is not UTF-8 text (line 1;"),
        "{e}"
    );
}

/// The errors of loading `scenario`, one a line.
fn errors(scenario: &Path) -> Vec<String> {
    seatplan::load(scenario)
        .unwrap_err()
        .errors
        .iter()
        .map(|e| e.to_string())
        .collect()
}

/// The two-schools scenario's workbook with `edit` applied to its children sheet (given the
/// worksheet), in a temp folder.
fn workbook_with(edit: impl Fn(&mut rust_xlsxwriter::Worksheet)) -> tempfile::TempDir {
    let tmp = as_workbook("two-schools");
    let src = scenario_dir("tiny/two-schools");
    let scenario: toml::Table = std::fs::read_to_string(src.join("scenario.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let tables = tables(&scenario);
    // Rebuilt from the shipped CSVs, then the children sheet edited.
    let mut book = Workbook::new();
    for (kind, file) in &tables {
        let csv = read_csv(&src.join(file));
        let sheet = book.add_worksheet();
        sheet.set_name(kind.zh()).unwrap();
        for (c, h) in csv.headers.iter().enumerate() {
            sheet.write_string(0, c as u16, zh(*kind, h)).unwrap();
        }
        for (r, row) in csv.rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match value_kind(*kind, &csv.headers[c as usize]) {
                    Some(ValueKind::Whole | ValueKind::Decimal) if !value.is_empty() => {
                        sheet.write_number(r, c, value.parse::<f64>().unwrap())
                    }
                    _ if value.is_empty() => continue,
                    _ => sheet.write_string(r, c, value),
                }
                .unwrap();
            }
        }
        if *kind == TableKind::Children {
            edit(sheet);
        }
    }
    std::fs::write(
        tmp.path().join("intake.xlsx"),
        book.save_to_buffer().unwrap(),
    )
    .unwrap();
    tmp
}

#[test]
fn bad_cells_in_a_workbook_are_named_by_sheet_and_cell() {
    let tmp = workbook_with(|sheet| {
        // B3: a birth date that is no date; H4: an error cell; B5: a date with a time of day.
        sheet.write_string(2, 1, "2017-13-01").unwrap();
        sheet
            .write_formula(3, 7, Formula::new("=NA()").set_result("#N/A"))
            .unwrap();
        let noon = ExcelDateTime::from_ymd(2017, 3, 1)
            .unwrap()
            .and_hms(12, 0, 0)
            .unwrap();
        sheet
            .write_datetime_with_format(
                4,
                1,
                &noon,
                &Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            )
            .unwrap();
    });
    let book = tmp.path().join("intake.xlsx").display().to_string();
    let errs = errors(&tmp.path().join("scenario.toml"));
    assert_eq!(
        errs,
        vec![
            format!(
                "{book}: [儿童] H4: field `insurance_months` (社保月数): an error cell (`#N/A`); \
                 fix the formula or type the value"
            ),
            format!(
                "{book}: [儿童] B5: field `birth_date` (出生日期): a date with a time of day \
                 (`2017-03-01 12:00:00`); the cell must hold a date only"
            ),
        ],
    );
    // Once the cells are readable, the validators' problems are named by cell too.
    let tmp = workbook_with(|sheet| {
        sheet.write_string(2, 1, "2017-13-01").unwrap();
        sheet.write_string(3, 7, "many").unwrap();
    });
    let book = tmp.path().join("intake.xlsx").display().to_string();
    let errs = errors(&tmp.path().join("scenario.toml"));
    assert_eq!(
        errs,
        vec![
            format!(
                "{book}: [儿童] H4: field `insurance_months` (社保月数): `many` is not a whole number"
            ),
            format!(
                "{book}: [儿童] B3: field `birth_date` (出生日期): `2017-13-01` is not a real date \
                 (months run from 01 to 12)"
            ),
        ]
    );
}

#[test]
fn a_header_given_twice_under_two_names_and_an_unknown_header_are_refused() {
    let tmp = workbook_with(|sheet| {
        sheet.write_string(0, 5, "id").unwrap();
    });
    let errs = errors(&tmp.path().join("scenario.toml"));
    let book = tmp.path().join("intake.xlsx").display().to_string();
    assert_eq!(
        errs,
        vec![format!(
            "{book}: [儿童] A1: field `id` (编号): column appears twice, as `编号` and as `id`; \
             keep one"
        )]
    );
    let tmp = workbook_with(|sheet| {
        sheet.write_string(0, 5, "户口").unwrap();
    });
    let book = tmp.path().join("intake.xlsx").display().to_string();
    let errs = errors(&tmp.path().join("scenario.toml"));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with(&format!(
            "{book}: [儿童] F1: field `户口`: unknown column (expected: id (编号 / 儿童编号 / 学生编号 / 申请编号), \
             birth_date (出生日期 / 出生年月日),"
        )),
        "{errs:#?}"
    );
}

#[test]
fn an_ambiguous_separator_is_refused_naming_the_candidates() {
    let tmp = copy_scenario("tiny/two-schools");
    std::fs::write(
        tmp.path().join("choices.csv"),
        "child,school,x;rank;school\nA,S1,1\n",
    )
    .unwrap();
    let errs = errors(&tmp.path().join("scenario.toml"));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains(
            "choices.csv:1: field `separator`: the header line splits into 2 known columns with \
             commas and with semicolons; declare the separator"
        ),
        "{errs:#?}"
    );
}

#[test]
fn a_workbook_named_as_a_csv_file_gets_a_hint() {
    let tmp = as_workbook("two-schools");
    std::fs::copy(
        tmp.path().join("intake.xlsx"),
        tmp.path().join("children.csv"),
    )
    .unwrap();
    let path = tmp.path().join("scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}children = \"children.csv\"\n")).unwrap();
    let errs = errors(&path);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains(
            "children.csv: the file is a workbook (xlsx, xlsm or ods: a zip archive), not CSV \
             text; name it by its extension"
        ),
        "{errs:#?}"
    );
}

#[test]
fn workbooks_load_from_memory_too() {
    let tmp = as_workbook("two-schools");
    let files: Vec<(PathBuf, Vec<u8>)> = ["scenario.toml", "policy.toml", "intake.xlsx"]
        .iter()
        .map(|f| {
            let p = PathBuf::from("mem").join(f);
            (p, std::fs::read(tmp.path().join(f)).unwrap())
        })
        .collect();
    let loaded = seatplan::load_from_memory(Path::new("mem/scenario.toml"), files).unwrap();
    assert_eq!(loaded.scenario.children().len(), 6);
    assert_eq!(loaded.sources.len(), 5);
    assert_eq!(loaded.files.all().len(), 3);
    assert_eq!(
        loaded.sources[3].to_string(),
        "mem/intake.xlsx [儿童]: the children table, a workbook sheet"
    );
}

/// The example workbook shipped for the docs is the two-schools scenario converted here
/// (`SEATPLAN_WRITE_EXAMPLE=1` writes it anew).
#[test]
fn the_shipped_example_workbook_is_the_converted_two_schools_scenario() {
    let src = scenario_dir("tiny/two-schools");
    let scenario: toml::Table = std::fs::read_to_string(src.join("scenario.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let bytes = workbook_of(&src, &tables(&scenario));
    let shipped = scenario_dir("tiny/workbook/intake.xlsx");
    if std::env::var_os("SEATPLAN_WRITE_EXAMPLE").is_some() {
        std::fs::write(&shipped, &bytes).unwrap();
    }
    assert!(
        std::fs::read(&shipped).unwrap() == bytes,
        "scenarios/tiny/workbook/intake.xlsx differs from the converted two-schools scenario; \
         rerun with SEATPLAN_WRITE_EXAMPLE=1"
    );
    assert_eq!(
        placements(&scenario_dir("tiny/workbook/scenario.toml")),
        placements(&src.join("scenario.toml"))
    );
}
