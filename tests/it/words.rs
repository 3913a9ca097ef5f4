//! Values as bureaus write them (`docs/dictionary.md`): every shipped tiny scenario, its
//! children table rewritten by the test with Chinese category words, yes/no as 是/否 and birth
//! dates in each written form, gives byte-identical outputs to the original; the ambiguous and
//! mistaken forms are refused with the documented messages.

use std::path::Path;

use seatplan::Mechanism;

use super::util::{copy_scenario, load, solve_checked};

/// The Chinese word this test writes for each English category word (its own list, not the
/// dictionary's, so a word dropped from the dictionary fails here).
fn chinese(column: &str, word: &str) -> Option<&'static str> {
    let zh = match (column, word) {
        ("housing", "owned") => "自有住房",
        ("housing", "rented") => "租房",
        ("housing", "none") => "无住房",
        ("education", "none") => "无",
        ("education", "junior") => "初中",
        ("education", "senior") => "高中",
        ("education", "college") => "大专",
        ("education", "bachelor") => "本科",
        ("education", "postgraduate") => "研究生",
        ("insurance_back_paid", "yes") => "是",
        ("insurance_back_paid", "no") => "否",
        _ => return None,
    };
    Some(zh)
}

/// `2017-01-10` written in the `i`-th of the year-first forms.
fn written_date(iso: &str, i: usize) -> String {
    let (y, rest) = iso.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    let (m1, d1) = (m.trim_start_matches('0'), d.trim_start_matches('0'));
    match i % 6 {
        0 => format!("{y}年{m1}月{d1}日"),
        1 => format!("{y}/{m1}/{d1}"),
        2 => format!("{y}-{m1}-{d1}"),
        3 => format!("{y}.{m1}.{d1}"),
        4 => format!("{y}年{m}月{d}日"),
        _ => format!("{y}/{m1}/{d1} 0:00"),
    }
}

/// The children table rewritten: category words in Chinese, dates in the written forms, and an
/// `insurance_back_paid` column of 否 where the table has none.
fn rewrite_children(path: &Path) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let add_back_paid = !headers.iter().any(|h| h == "insurance_back_paid");
    if add_back_paid {
        headers.push("insurance_back_paid".into());
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(String::from).collect();
        for (cell, header) in cells.iter_mut().zip(&headers) {
            if header == "birth_date" {
                *cell = written_date(cell, i);
            } else if let Some(zh) = chinese(header, cell) {
                *cell = zh.to_string();
            }
        }
        if add_back_paid {
            cells.push("否".into());
        }
        writer.write_record(&cells).unwrap();
    }
    std::fs::write(path, writer.into_inner().unwrap()).unwrap();
}

/// Every output file of a scenario's run, by name.
fn outputs(scenario: &Path) -> Vec<(String, Vec<u8>)> {
    let scenario = load(scenario);
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    seatplan::render(&scenario, &solved)
        .into_iter()
        .map(|(name, bytes)| (name.to_string(), bytes))
        .collect()
}

#[test]
fn chinese_words_and_written_dates_give_the_same_outputs() {
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tiny");
    let mut names: Vec<String> = std::fs::read_dir(&tiny)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| tiny.join(n).join("children.csv").is_file())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let original = copy_scenario(&format!("tiny/{name}"));
        let converted = copy_scenario(&format!("tiny/{name}"));
        let children = converted.path().join("children.csv");
        let before = std::fs::read_to_string(&children).unwrap();
        rewrite_children(&children);
        let after = std::fs::read_to_string(&children).unwrap();
        assert!(
            after.contains('年') && after.contains('否'),
            "{name}: {after}"
        );
        assert_ne!(before, after);
        let expected = outputs(&original.path().join("scenario.toml"));
        let got = outputs(&converted.path().join("scenario.toml"));
        assert_eq!(expected.len(), got.len(), "{name}");
        for ((file, want), (_, have)) in expected.iter().zip(&got) {
            assert!(
                want == have,
                "{name}/{file} differs:\n{}\n---\n{}",
                String::from_utf8_lossy(want),
                String::from_utf8_lossy(have)
            );
        }
    }
}

/// The errors of the two-schools scenario with its children file's line 2 (child `A`) replaced.
fn refusal_of_row(row: &str) -> Vec<String> {
    let dir = copy_scenario("tiny/two-schools");
    let path = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = row;
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    match seatplan::load(&dir.path().join("scenario.toml")) {
        Ok(_) => panic!("`{row}` was accepted"),
        Err(e) => {
            let prefix = format!("{}/", dir.path().display());
            e.errors
                .iter()
                .map(|e| e.to_string().replace(&prefix, ""))
                .collect()
        }
    }
}

const DATE_HINT: &str =
    "write dates year first, as YYYY-MM-DD (2017-01-10), 2017/1/10 or 2017年1月10日";

#[test]
fn ambiguous_and_mistaken_forms_are_refused_with_a_hint() {
    let cases = [
        (
            "A,10/1/2017,D1,0.5,0,D1,0,0,60,owned,bachelor,",
            format!("children.csv:2: field `birth_date`: `10/1/2017` is written day-first or month-first, which cannot be told apart; {DATE_HINT}"),
        ),
        (
            "A,17/1/10,D1,0.5,0,D1,0,0,60,owned,bachelor,",
            format!("children.csv:2: field `birth_date`: `17/1/10` has a two-digit year, which is not guessed; {DATE_HINT}"),
        ),
        (
            "A,42745,D1,0.5,0,D1,0,0,60,owned,bachelor,",
            format!("children.csv:2: field `birth_date`: `42745` is a bare number, not a date (an Excel serial date? format the column as a date, or write it as text); {DATE_HINT}"),
        ),
        (
            "A,2017年2月30日,D1,0.5,0,D1,0,0,60,owned,bachelor,",
            "children.csv:2: field `birth_date`: `2017年2月30日` is not a real date (2017-02 has 28 days)".to_string(),
        ),
        (
            "A,2017-01-10,D1,0.5,0,D1,\"1,00\",0,60,owned,bachelor,",
            "children.csv:2: field `permit_months`: `1,00` is not a whole number: thousands are grouped by `,` in threes (`1,000`, `12,345,678`)".to_string(),
        ),
        (
            "A,2017-01-10,D1,0.5,0,D1,\"1.000,5\",0,60,owned,bachelor,",
            "children.csv:2: field `permit_months`: `1.000,5` is not a whole number: a whole number has no `.`; thousands are grouped by `,` (`1,000`), never by `.`".to_string(),
        ),
        (
            "A,2017-01-10,D1,0.5,0,D1,１２,0,60,owned,bachelor,",
            "children.csv:2: field `permit_months`: `１２` is not a whole number: full-width digits are text to Excel and WPS; write ASCII digits (`12`, not `１２`)".to_string(),
        ),
        (
            "A,2017-01-10,D1,\"0,5\",0,D1,0,0,60,owned,bachelor,",
            "children.csv:2: field `x_km`: `0,5` is not a number: a decimal number takes no `,` (a decimal comma or a thousands separator cannot be told apart); write `1234.5` or `1.2345`".to_string(),
        ),
        (
            "A,2017-01-10,D1,0.5,0,D1,0,0,60,宿舍,小学,",
            "children.csv:2: field `housing`: `宿舍` is not one of: owned (自有住房), rented (租房), none (无住房) (see docs/dictionary.md)".to_string(),
        ),
    ];
    for (row, expected) in cases {
        let got = refusal_of_row(row);
        assert_eq!(got.first(), Some(&expected), "{row}: {got:?}");
    }
    assert_eq!(
        refusal_of_row("A,2017-01-10,D1,0.5,0,D1,0,0,60,owned,小学,"),
        ["children.csv:2: field `education`: `小学` is not one of: none (无), junior (初中), senior (高中), college (大专), bachelor (本科), postgraduate (研究生) (see docs/dictionary.md)"]
    );
}

#[test]
fn grouped_counts_and_chinese_yes_no_are_read() {
    let dir = copy_scenario("tiny/two-schools");
    let path = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let extra = match i {
            0 => ",insurance_back_paid,fact_volunteer_hours",
            1 => ",是,\"1,200\"",
            2 => ",否,有",
            3 => ",TRUE,无",
            _ => ",,",
        };
        out.push_str(&format!("{line}{extra}\n"));
    }
    std::fs::write(&path, out).unwrap();
    let scenario = load(&dir.path().join("scenario.toml"));
    let back_paid: Vec<bool> = scenario
        .children()
        .iter()
        .map(|c| c.insurance_back_paid)
        .collect();
    assert_eq!(back_paid, [true, false, true, false, false, false]);
    let hours: Vec<u32> = scenario
        .children()
        .iter()
        .map(|c| c.extra_facts[0])
        .collect();
    assert_eq!(hours, [1200, 1, 0, 0, 0, 0]);
}
