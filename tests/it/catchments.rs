//! Catchments (施教区): the hand-checked tiny scenario, every rule of the catchment table and
//! the community columns refused with file, line and field, and a catchment nobody lives in
//! changing nothing.

use std::path::{Path, MAIN_SEPARATOR};

use proptest::prelude::*;
use seatplan::{Mechanism, Outcome};
use tempfile::TempDir;

use super::util::{assert_same_text, copy_scenario, load, scenario_dir, solve_checked};

/// A fresh copy of the tiny catchment scenario.
fn tiny() -> TempDir {
    copy_scenario("tiny/catchments")
}

/// Replaces the one occurrence of `from` in `file` by `to`.
fn edit(dir: &TempDir, file: &str, from: &str, to: &str) {
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}:\n{text}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Every error of the refused scenario, paths relative to its folder.
fn errors(dir: &TempDir) -> Vec<String> {
    let prefix = format!("{}{MAIN_SEPARATOR}", dir.path().display());
    match seatplan::load(&dir.path().join("scenario.toml")) {
        Ok(_) => panic!("the broken scenario was accepted"),
        Err(e) => e
            .errors
            .iter()
            .map(|e| e.to_string().replace(&prefix, ""))
            .collect(),
    }
}

/// Each child's id and the school she was placed in by choice (`-` if none).
fn by_choice(path: &Path) -> Vec<(String, String)> {
    let scenario = load(path);
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    scenario
        .children()
        .iter()
        .zip(&solved.assignment.outcomes)
        .map(|(c, o)| {
            let school = match o {
                Outcome::Choice { school, .. } => scenario.school(*school).id.clone(),
                _ => "-".to_string(),
            };
            (c.id.clone(), school)
        })
        .collect()
}

#[test]
fn the_tiny_catchment_scenario_matches_its_hand_checked_outputs() {
    let dir = scenario_dir("tiny/catchments");
    let scenario = load(&dir.join("scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    for (file, bytes) in seatplan::render(&scenario, &solved) {
        if file.ends_with(".xlsx") {
            continue; // read back in tests/it/results_workbook.rs
        }
        let expected = std::fs::read_to_string(dir.join("expected").join(file)).unwrap();
        assert_same_text(
            &format!("catchments/{file}"),
            &expected,
            std::str::from_utf8(&bytes).unwrap(),
        );
    }
}

#[test]
fn catchment_tiers_place_the_children_as_worked_out_by_hand() {
    // docs/points-policy.md §12: A, F, C at S1 (一类, 二类, 四类 above D's `migrant`), E at S2
    // (二类 over B's 三类), D at S3 (三类), B unplaced.
    let placed = by_choice(&scenario_dir("tiny/catchments/scenario.toml"));
    let want: Vec<(String, String)> = [
        ("A", "S1"),
        ("B", "-"),
        ("C", "S1"),
        ("D", "S3"),
        ("E", "S2"),
        ("F", "S1"),
    ]
    .iter()
    .map(|(c, s)| (c.to_string(), s.to_string()))
    .collect();
    assert_eq!(placed, want);
}

#[test]
fn a_community_in_two_catchments_gives_the_tier_at_both_schools() {
    // Willow is in the catchments of S1 and S2 (多校划片), so E (hukou and home in Willow) is
    // 二类 at S2 and takes its seat. With Willow in S1's catchment only, E holds just `hukou` at
    // S2, below C (三类: a migrant child with a permit living in Pine, S2's catchment): C takes
    // S2, and E is admitted to her second choice S1 as 二类, where C had been.
    let placements = |dir: &Path| {
        let scenario = load(&dir.join("scenario.toml"));
        let solved = solve_checked(&scenario, Mechanism::Optimal);
        seatplan::render(&scenario, &solved)
            .into_iter()
            .find(|(f, _)| *f == "placements.csv")
            .map(|(_, b)| String::from_utf8(b).unwrap())
            .unwrap()
    };
    let both = placements(&scenario_dir("tiny/catchments"));
    assert!(
        both.contains("\nE,D1,public,S2,Willow Primary,1,30,二类,"),
        "{both}"
    );
    let dir = tiny();
    edit(&dir, "catchments.csv", "Willow,S2\n", "");
    let one = placements(dir.path());
    assert!(
        one.contains("\nE,D1,public,S1,Lotus Primary,2,30,二类,"),
        "{one}"
    );
    assert!(
        one.contains("\nC,D1,public,S2,Willow Primary,2,50,三类,"),
        "{one}"
    );
}

#[test]
fn unknown_communities_and_schools_are_refused_with_file_line_and_field() {
    let dir = tiny();
    edit(&dir, "children.csv", ",Pine,,0\n", ",Pines,,0\n");
    edit(
        &dir,
        "catchments.csv",
        "Maple,S3\n",
        "Maple,S3\nMaple,S9\nLotus,S1\n",
    );
    assert_eq!(
        errors(&dir),
        [
            "catchments.csv:7: field `school`: unknown public school `S9`",
            "catchments.csv:8: field `school`: community `Lotus` is already in the catchment of `S1` (line 2)",
            "children.csv:4: field `community`: unknown community `Pines`: catchments.csv lists no such community (add its rows `Pines,<school>` there, or check the spelling)",
        ]
    );
}

#[test]
fn a_hukou_community_needs_a_local_hukou() {
    let dir = tiny();
    edit(&dir, "children.csv", ",Willow,,0\n", ",Willow,Willow,0\n");
    assert_eq!(
        errors(&dir),
        ["children.csv:3: field `hukou_community`: a hukou community needs a `hukou_district` (a migrant child has no local hukou address)"]
    );
}

#[test]
fn catchment_tiers_need_a_catchment_table_and_every_school_in_it() {
    let dir = tiny();
    edit(&dir, "catchments.csv", "Maple,S3\n", "");
    edit(&dir, "children.csv", ",Maple,,0\n", ",,,0\n");
    edit(&dir, "children.csv", ",Lotus,Maple,6\n", ",Lotus,,6\n");
    assert_eq!(
        errors(&dir),
        ["schools.csv:4: field `id`: public school `S3` has no catchment, but the policy's tiers read catchments: add rows `community,S3` to catchments.csv (no child could hold a catchment tier there)"]
    );

    let dir = tiny();
    edit(
        &dir,
        "scenario.toml",
        "catchments = \"catchments.csv\"\n",
        "",
    );
    let policy_error = "policy.toml: the policy's tiers read catchments (`hukou` or `residence` = \"catchment\"), but scenario.toml names no catchment table: add `catchments = \"catchments.csv\"` to its `[tables]`";
    let errs = errors(&dir);
    assert_eq!(errs.last().map(String::as_str), Some(policy_error));
    assert_eq!(
        errs[0],
        "children.csv:2: field `community`: community `Lotus` given, but the scenario has no catchment table: add `catchments = \"catchments.csv\"` to `[tables]` or leave the column blank"
    );
    // Without the community columns, the policy itself is refused.
    for col in ["community", "hukou_community"] {
        let text = std::fs::read_to_string(dir.path().join("children.csv")).unwrap();
        let mut lines: Vec<Vec<String>> = text
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let at = lines[0].iter().position(|h| h == col).unwrap();
        for l in &mut lines {
            l.remove(at);
        }
        let out: String = lines.iter().map(|l| l.join(",") + "\n").collect();
        std::fs::write(dir.path().join("children.csv"), out).unwrap();
    }
    assert_eq!(errors(&dir), [policy_error]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// A community nobody lives in, added to any schools' catchments, changes no placement.
    #[test]
    fn a_catchment_nobody_lives_in_changes_nothing(
        schools in proptest::sample::subsequence(vec!["S1", "S2", "S3"], 1..=3),
        name in "[A-Z][a-z]{2,8}",
    ) {
        prop_assume!(!["Lotus", "Willow", "Pine", "Maple"].contains(&name.as_str()));
        let before = by_choice(&scenario_dir("tiny/catchments/scenario.toml"));
        let dir = tiny();
        let mut rows = String::new();
        for s in &schools {
            rows.push_str(&format!("{name},{s}\n"));
        }
        edit(&dir, "catchments.csv", "Maple,S3\n", &format!("Maple,S3\n{rows}"));
        prop_assert_eq!(by_choice(&dir.path().join("scenario.toml")), before);
    }
}

/// The catchment table is a declared table like the others: a GBK, tab-separated file with
/// Chinese headers (`小区`, `学校`) reads as the shipped one, and its errors name the header as
/// written.
#[test]
fn a_gbk_tab_separated_catchment_table_with_chinese_headers_reads_like_the_shipped_one() {
    let dir = tiny();
    let text = "小区\t学校\r\nLotus\tS1\r\nWillow\tS1\r\nWillow\tS2\r\nPine\tS2\r\nMaple\tS3\r\n";
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    std::fs::write(dir.path().join("catchments.csv"), &bytes).unwrap();
    let shipped = by_choice(&scenario_dir("tiny/catchments").join("scenario.toml"));
    assert_eq!(by_choice(&dir.path().join("scenario.toml")), shipped);

    let broken = text.replace("Pine\tS2", "Pine\tS9");
    let (bytes, _, _) = encoding_rs::GBK.encode(&broken);
    std::fs::write(dir.path().join("catchments.csv"), &bytes).unwrap();
    assert_eq!(
        errors(&dir),
        ["catchments.csv:5: field `school`: unknown public school `S9`"]
    );
}

/// A workbook's catchment table is its sheet `施教区`; its errors name the sheet, the cell and
/// the header as written, and a school left without a catchment is refused at its own line.
#[test]
fn the_catchment_table_as_a_workbook_sheet_reports_its_cells() {
    use rust_xlsxwriter::Workbook;
    let dir = tiny();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("施教区").unwrap();
    for (r, row) in [
        ["社区", "学校"],
        ["Lotus", "S1"],
        ["Willow", "S1"],
        ["Willow", "S2"],
        ["Pine", "S2"],
        ["Maple", "S7"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("catchments.xlsx"),
        book.save_to_buffer().unwrap(),
    )
    .unwrap();
    edit(
        &dir,
        "scenario.toml",
        "catchments = \"catchments.csv\"",
        "catchments = \"catchments.xlsx\"",
    );
    assert_eq!(
        errors(&dir),
        [
            "catchments.xlsx: [施教区] B6: field `school` (学校): unknown public school `S7`",
            "schools.csv:4: field `id`: public school `S3` has no catchment, but the policy's tiers read catchments: add rows `community,S3` to catchments.xlsx [施教区] (no child could hold a catchment tier there)",
        ]
    );
}
