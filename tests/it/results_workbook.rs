//! `results.xlsx`: read back with calamine, its sheets, headers (per language) and cells agree
//! with the CSVs of the same run; its bytes are the same on every run; the run's manifest lists
//! it and records the language, and `verify` reproduces it.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use seatplan::{Lang, Mechanism, NoReporter, RunSettings};

use super::util::{copy_scenario, load, scenario_dir, solve_checked};

fn workbook(scenario: &str, lang: Lang) -> Vec<u8> {
    let sc = load(&scenario_dir(scenario));
    let solved = solve_checked(&sc, Mechanism::Optimal);
    let files = seatplan::render_in(&sc, &solved, lang);
    files
        .into_iter()
        .find(|(n, _)| *n == "results.xlsx")
        .expect("a run renders results.xlsx")
        .1
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("results.xlsx opens")
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn english_workbook_has_every_sheet_and_the_csvs_cells() {
    let mut wb = open(workbook("tiny/purchase/scenario.toml", Lang::En));
    assert_eq!(
        wb.sheet_names(),
        ["placements", "schools", "districts", "waitlists", "summary"]
    );
    let placements = wb.worksheet_range("placements").unwrap();
    let header: Vec<String> = placements.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(header[0], "child");
    assert_eq!(header[8], "distance (km)");
    assert_eq!(header[9], "cost (yuan)");
    // The same rows as placements.csv, numbers as numbers.
    let csv =
        std::fs::read_to_string(scenario_dir("tiny/purchase/expected/placements.csv")).unwrap();
    assert_eq!(placements.height(), csv.lines().count());
    let first = placements.rows().nth(1).unwrap();
    assert_eq!(text(&first[0]), "A");
    assert_eq!(first[3], Data::String("P3".into()));
    assert_eq!(first[8], Data::Float(1.803));
    assert_eq!(first[9], Data::Float(4000.0));
    assert_eq!(first[5], Data::Empty, "no choice rank for a bought place");
    let summary = wb.worksheet_range("summary").unwrap();
    let rows: Vec<Vec<String>> = summary
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert!(rows.contains(&vec!["budget (yuan)".to_string(), "11000".to_string()]));
    assert!(rows.contains(&vec!["check passed".to_string(), "yes".to_string()]));
    let districts = wb.worksheet_range("districts").unwrap();
    assert_eq!(districts.rows().nth(1).unwrap()[3], Data::Float(0.012));
}

#[test]
fn chinese_and_bilingual_headers() {
    let mut wb = open(workbook("tiny/two-schools/scenario.toml", Lang::Zh));
    assert_eq!(
        wb.sheet_names(),
        ["录取结果", "学校", "区县", "候补名单", "概要"]
    );
    let header: Vec<String> = wb
        .worksheet_range("学校")
        .unwrap()
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(text)
        .collect();
    assert_eq!(header[0], "学校编号");
    assert_eq!(header[4], "学位数");
    let mut wb = open(workbook("tiny/two-schools/scenario.toml", Lang::Both));
    assert_eq!(wb.sheet_names()[0], "录取结果 placements");
    let header = wb.worksheet_range("录取结果 placements").unwrap();
    assert_eq!(text(&header.rows().next().unwrap()[0]), "儿童编号 child");
}

#[test]
fn the_same_run_gives_the_same_bytes() {
    for lang in Lang::ALL {
        assert_eq!(
            workbook("tiny/siblings/scenario.toml", lang),
            workbook("tiny/siblings/scenario.toml", lang),
            "{lang}"
        );
    }
    assert_ne!(
        workbook("tiny/siblings/scenario.toml", Lang::Zh),
        workbook("tiny/siblings/scenario.toml", Lang::En)
    );
}

#[test]
fn a_run_writes_it_records_its_language_and_verify_reproduces_it() {
    let dir = copy_scenario("tiny/two-schools");
    let scenario = dir.path().join("scenario.toml");
    let settings = RunSettings {
        lang: Lang::Zh,
        ..RunSettings::default()
    };
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let run = seatplan::run_and_write(&scenario, &a, &settings, &NoReporter).unwrap();
    seatplan::run_and_write(&scenario, &b, &settings, &NoReporter).unwrap();
    assert!(run
        .manifest
        .outputs
        .iter()
        .any(|f| f.file == "results.xlsx"));
    assert_eq!(
        std::fs::read(a.join("results.xlsx")).unwrap(),
        std::fs::read(b.join("results.xlsx")).unwrap()
    );
    let manifest = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"lang\": \"zh\""), "{manifest}");
    let problems = seatplan::verify_run(&run.manifest, &a).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let report = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(report.contains("入学报告"), "the report is in Chinese");
}
