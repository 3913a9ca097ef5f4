//! `seatplan template`: the empty scenario it writes has every column of the dictionary in its
//! workbook and CSVs; filled by this test with a shipped scenario's rows, it runs; it never
//! writes into a folder that is not empty.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use seatplan::dictionary::{columns, TableKind};
use seatplan::{Lang, NoReporter, RunSettings};

use super::util::scenario_dir;

/// Writes the rows of the shipped `tiny/<name>` table into the template's CSV, in the
/// template's column order (cells the shipped table lacks left empty).
fn fill(template: &std::path::Path, name: &str, table: TableKind) {
    let file = template.join(seatplan::template_csv_name(table));
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let mut header = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = header.headers().unwrap().iter().map(String::from).collect();
    let shipped = scenario_dir(&format!("tiny/{name}")).join(format!("{}.csv", table.name()));
    let mut rows = csv::Reader::from_path(&shipped).unwrap();
    let theirs: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    for t in &theirs {
        assert!(
            header.contains(t),
            "the template has {}'s column {t}",
            table.name()
        );
    }
    let mut w = csv::Writer::from_writer(bytes.clone());
    for record in rows.records() {
        let record = record.unwrap();
        let cells: Vec<&str> = header
            .iter()
            .map(|h| {
                theirs
                    .iter()
                    .position(|t| t == h)
                    .map_or("", |k| &record[k])
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    std::fs::write(&file, w.into_inner().unwrap()).unwrap();
}

#[test]
fn the_template_filled_with_a_tiny_scenario_runs_like_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    let written = seatplan::write_template(&dir, Lang::Both).unwrap();
    assert_eq!(
        written,
        [
            "scenario.toml",
            "policy.toml",
            "intake.xlsx",
            "districts.csv",
            "schools.csv",
            "private_schools.csv",
            "children.csv",
            "choices.csv",
            "catchments.csv"
        ]
    );
    // two-schools has no catchment table: the template's stays empty.
    for table in TableKind::ALL
        .into_iter()
        .filter(|&t| t != TableKind::Catchments)
    {
        fill(&dir, "two-schools", table);
    }
    // The analyst switches to the CSV files as the scenario's closing comment says.
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let (head, tail) = toml.split_once("[tables]\n").unwrap();
    let csv_tables: String = tail
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.contains(".csv\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(csv_tables.lines().count(), 6, "{toml}");
    std::fs::write(
        dir.join("scenario.toml"),
        format!("{head}[tables]\n{csv_tables}"),
    )
    .unwrap();
    let run = seatplan::run_and_write(
        &dir.join("scenario.toml"),
        &tmp.path().join("out"),
        &RunSettings::default(),
        &NoReporter,
    )
    .unwrap();
    assert!(run.solved.check.passed());
    let shipped = seatplan::load(&scenario_dir("tiny/two-schools/scenario.toml")).unwrap();
    assert_eq!(
        run.loaded.scenario.children().len(),
        shipped.scenario.children().len()
    );
    // Same tables, so the same places (the template's own policy and budget aside, every
    // child of the shipped scenario gets a row).
    let placements = std::fs::read_to_string(tmp.path().join("out/placements.csv")).unwrap();
    assert_eq!(
        placements.lines().count(),
        shipped.scenario.children().len() + 1
    );
}

/// The template's workbook as an analyst fills it: each sheet keeps the template's name and
/// header row, and gets the shipped `tiny/<name>` table's rows under it (cells as text, as
/// typed; columns the shipped table lacks left empty).
fn filled_workbook(template: &[u8], name: &str) -> Vec<u8> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(template.to_vec())).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for sheet_name in book.sheet_names() {
        let Some(table) = TableKind::ALL
            .into_iter()
            .find(|t| sheet_name == format!("{} {}", t.zh(), t.name()))
        else {
            continue; // the help sheet
        };
        let range = book.worksheet_range(&sheet_name).unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let ws = out.add_worksheet();
        ws.set_name(&sheet_name).unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        let shipped = scenario_dir(&format!("tiny/{name}")).join(format!("{}.csv", table.name()));
        let Ok(mut rows) = csv::Reader::from_path(&shipped) else {
            continue; // a table the shipped scenario does not have
        };
        let theirs: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
        for (r, record) in rows.records().enumerate() {
            let record = record.unwrap();
            for (c, h) in header.iter().enumerate() {
                let english = h.rsplit(' ').next().unwrap();
                if let Some(k) = theirs.iter().position(|t| t == english) {
                    ws.write_string(r as u32 + 1, c as u16, &record[k]).unwrap();
                }
            }
        }
    }
    out.save_to_buffer().unwrap()
}

#[test]
fn the_template_workbook_filled_in_runs_as_the_scenario_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    seatplan::write_template(&dir, Lang::Both).unwrap();
    let book = std::fs::read(dir.join("intake.xlsx")).unwrap();
    std::fs::write(
        dir.join("intake.xlsx"),
        filled_workbook(&book, "two-schools"),
    )
    .unwrap();
    let loaded = seatplan::load(&dir.join("scenario.toml")).unwrap();
    let shipped = seatplan::load(&scenario_dir("tiny/two-schools/scenario.toml")).unwrap();
    assert_eq!(
        loaded.scenario.children().len(),
        shipped.scenario.children().len()
    );
    assert!(loaded.sources.iter().all(|r| !r.is_plain()));
    let solved = seatplan::solve(
        &loaded.scenario,
        seatplan::Mechanism::Optimal,
        &Default::default(),
    )
    .unwrap();
    assert!(solved.check.passed(), "{:?}", solved.check.violations);
}

/// Sheets named in both languages (`儿童 children`, as `--lang both` writes them) are found
/// without `sheet = …`: a scenario naming only `workbook = "intake.xlsx"` reads every table.
#[test]
fn the_bilingual_template_sheets_are_found_without_declaring_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    seatplan::write_template(&dir, Lang::Both).unwrap();
    let book = std::fs::read(dir.join("intake.xlsx")).unwrap();
    std::fs::write(
        dir.join("intake.xlsx"),
        filled_workbook(&book, "two-schools"),
    )
    .unwrap();
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let declared: String = toml
        .lines()
        .filter(|l| !l.contains("{ sheet = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!declared.contains("sheet ="), "{declared}");
    std::fs::write(dir.join("scenario.toml"), declared).unwrap();
    let loaded = seatplan::load(&dir.join("scenario.toml")).unwrap();
    let shipped = seatplan::load(&scenario_dir("tiny/two-schools/scenario.toml")).unwrap();
    assert_eq!(
        loaded.scenario.children().len(),
        shipped.scenario.children().len()
    );
    assert_eq!(
        loaded.scenario.schools().len(),
        shipped.scenario.schools().len()
    );
    assert_eq!(
        loaded.scenario.private_schools().len(),
        shipped.scenario.private_schools().len()
    );
}

#[test]
fn the_workbook_has_a_sheet_per_table_with_the_dictionary_headers_and_a_help_sheet() {
    for (lang, first) in [
        (Lang::Zh, "区县"),
        (Lang::En, "districts"),
        (Lang::Both, "区县 districts"),
    ] {
        let files = seatplan::template_files(lang);
        let (_, bytes) = files.iter().find(|(n, _)| n == "intake.xlsx").unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        let names = wb.sheet_names();
        assert_eq!(names.len(), 7);
        assert_eq!(names[0], first);
        assert_eq!(names[6], "说明 Help");
        for table in TableKind::ALL {
            let sheet = wb
                .worksheet_range(&seatplan::template_sheet_name(table, lang))
                .unwrap();
            let header: Vec<String> = sheet
                .rows()
                .next()
                .unwrap()
                .iter()
                .map(|d| d.to_string())
                .collect();
            let expect: Vec<String> = columns(table)
                .iter()
                .map(|c| lang.pick(c.zh[0], c.name))
                .collect();
            assert_eq!(header, expect, "{lang} {table:?}");
        }
        let help = wb.worksheet_range("说明 Help").unwrap();
        let all: usize = TableKind::ALL.iter().map(|t| columns(*t).len()).sum();
        assert_eq!(help.height(), all + 1, "a line per column");
        assert!(help
            .rows()
            .any(|r| r[2] == Data::String("housing".into()) && r[4].to_string().contains("租房")));
    }
    assert_eq!(
        seatplan::template_files(Lang::Zh),
        seatplan::template_files(Lang::Zh),
        "the same bytes every time"
    );
}

#[test]
fn the_template_never_writes_into_a_folder_that_holds_something() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("mine.txt"), "keep").unwrap();
    let err = seatplan::write_template(tmp.path(), Lang::Zh).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    // An empty folder is fine; a second template into it is refused.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    seatplan::write_template(&empty, Lang::Zh).unwrap();
    assert!(seatplan::write_template(&empty, Lang::Zh).is_err());
}
