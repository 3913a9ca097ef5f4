//! Broken scenarios: each test copies `tiny/two-schools`, breaks one thing and checks the exact
//! messages the loader gives (file, line, field and words), with the temp folder stripped.

use std::path::{Path, MAIN_SEPARATOR};

use tempfile::TempDir;

use super::util::{assert_cli_refuses, assert_no_panic, copy_scenario, seatplan};

/// A fresh copy of the tiny two-school scenario.
fn tiny() -> TempDir {
    copy_scenario("tiny/two-schools")
}

fn scenario_toml(dir: &TempDir) -> std::path::PathBuf {
    dir.path().join("scenario.toml")
}

fn read(dir: &TempDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join(file)).unwrap()
}

fn write(dir: &TempDir, file: &str, contents: impl AsRef<[u8]>) {
    std::fs::write(dir.path().join(file), contents).unwrap();
}

/// Replaces the one occurrence of `from` in `file` by `to`.
fn edit(dir: &TempDir, file: &str, from: &str, to: &str) {
    let text = read(dir, file);
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` should occur exactly once in {file}:\n{text}"
    );
    write(dir, file, text.replacen(from, to, 1));
}

/// Appends one line to `file`.
fn append(dir: &TempDir, file: &str, line: &str) {
    let mut text = read(dir, file);
    assert!(text.ends_with('\n'));
    text.push_str(line);
    text.push('\n');
    write(dir, file, text);
}

/// Replaces every mention of the temp folder, so paths read relative to it.
fn relative(dir: &Path, text: &str) -> String {
    text.replace(&format!("{}{MAIN_SEPARATOR}", dir.display()), "")
}

/// Loads the scenario, which must be refused, and returns every error's text. The CLI must
/// refuse it too, with the same errors, exit code 2 and no panic.
fn errors(dir: &TempDir) -> Vec<String> {
    let errors = refused(dir);
    errors
        .errors
        .iter()
        .map(|e| relative(dir.path(), &e.to_string()))
        .collect()
}

/// The library's errors for a scenario it must refuse, after checking the CLI agrees.
fn refused(dir: &TempDir) -> seatplan::InputErrors {
    match seatplan::load(&scenario_toml(dir)) {
        Ok(_) => panic!("the broken scenario was accepted"),
        Err(e) => {
            assert_cli_refuses(&scenario_toml(dir), &e);
            e
        }
    }
}

/// Loads a scenario that must be accepted, by the library and the CLI alike.
fn accepted(dir: &TempDir) -> seatplan::Loaded {
    let o = seatplan(&["validate", scenario_toml(dir).to_str().unwrap()]);
    assert_no_panic("seatplan validate", &o);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    seatplan::load(&scenario_toml(dir)).unwrap_or_else(|e| panic!("{e}"))
}

const SCENARIO_KEYS: &str =
    "`name`, `entry_grade`, `intake_date`, `seed`, `budget_yuan`, `policy`, `tables`, \
                             `demand`, `fallback`, `planning`, `privacy`, `quotas`, `limits`, `coordinates`";
const KNOWN_FACTS: &str = "insurance_months, residence_months, permit_months, housing, education";
const TIE_KEYS: &str = "insurance_months, residence_months, permit_months, birth_date";

// ---- whole files -------------------------------------------------------------------------

#[test]
fn missing_children_file() {
    let dir = tiny();
    std::fs::remove_file(dir.path().join("children.csv")).unwrap();
    assert_eq!(
        errors(&dir),
        vec!["children.csv: cannot read the file: No such file or directory (os error 2)"]
    );
}

#[test]
fn missing_choices_file() {
    let dir = tiny();
    std::fs::remove_file(dir.path().join("choices.csv")).unwrap();
    assert_eq!(
        errors(&dir),
        vec!["choices.csv: cannot read the file: No such file or directory (os error 2)"]
    );
}

#[test]
fn missing_policy_file() {
    let dir = tiny();
    std::fs::remove_file(dir.path().join("policy.toml")).unwrap();
    assert_eq!(
        errors(&dir),
        vec!["policy.toml: cannot read the policy file: No such file or directory (os error 2)"]
    );
}

#[test]
fn empty_file() {
    let dir = tiny();
    write(&dir, "choices.csv", "");
    assert_eq!(
        errors(&dir),
        vec!["choices.csv: the file is empty; expected a header with: child,school,rank"]
    );
}

#[test]
fn gbk_encoded_csv_is_read_as_gb18030() {
    let dir = tiny();
    // "民办" (private-run) in GBK, as an Excel export on a Chinese Windows writes it: detected
    // and read as GB18030 (it was refused with a hint before GBK was read).
    let mut bytes = read(&dir, "private_schools.csv").into_bytes();
    let at = bytes.len() - "Minban One,D1,1,2,6000,8000,1,1\n".len();
    bytes.splice(at..at + "Minban".len(), *b"\xc3\xf1\xb0\xec");
    write(&dir, "private_schools.csv", bytes);
    let loaded = accepted(&dir);
    assert!(loaded
        .scenario
        .private_schools()
        .iter()
        .any(|p| p.name == "民办 One"));
    // Bytes that are neither UTF-8 nor GB18030 are still refused with a hint.
    let mut bytes = read(&dir, "choices.csv").into_bytes();
    bytes.extend(b"\xff\xff\n");
    write(&dir, "choices.csv", bytes);
    let errs = errors(&dir);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("choices.csv: the file is neither UTF-8 nor GB18030/GBK text"),
        "{errs:?}"
    );
}

#[test]
fn utf8_bom_is_accepted() {
    let dir = tiny();
    let text = read(&dir, "children.csv");
    write(&dir, "children.csv", format!("\u{feff}{text}"));
    let loaded = accepted(&dir);
    let ids: Vec<&str> = loaded
        .scenario
        .children()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, ["A", "B", "C", "D", "E", "F"]);
}

// ---- headers -----------------------------------------------------------------------------

#[test]
fn required_column_missing() {
    let dir = tiny();
    write(
        &dir,
        "private_schools.csv",
        "id,name,district,entry_grade,purchasable_seats,subsidy_yuan,x_km,y_km\n\
         P1,Minban One,D1,1,2,6000,1,1\n",
    );
    assert_eq!(
        errors(&dir),
        vec!["private_schools.csv:1: field `fee_yuan`: required column is missing"]
    );
}

#[test]
fn unknown_extra_column() {
    let dir = tiny();
    let text = read(&dir, "choices.csv").replace('\n', ",\n");
    write(&dir, "choices.csv", text.replacen("rank,", "rank,note", 1));
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:1: field `note`: unknown column (expected: child, school, rank)"]
    );
}

// ---- ids and references ------------------------------------------------------------------

#[test]
fn duplicate_school_id() {
    let dir = tiny();
    append(&dir, "schools.csv", "S1,Third Primary,D1,1,5,3,0");
    assert_eq!(
        errors(&dir),
        vec!["schools.csv:5: field `id`: duplicate id `S1` (first defined at line 2)"]
    );
}

#[test]
fn duplicate_child_id() {
    let dir = tiny();
    append(
        &dir,
        "children.csv",
        "B,2017-04-01,D1,1,1,,24,30,30,rented,college,",
    );
    assert_eq!(
        errors(&dir),
        vec!["children.csv:8: field `id`: duplicate id `B` (first defined at line 3)"]
    );
}

#[test]
fn unknown_district_in_schools() {
    let dir = tiny();
    edit(
        &dir,
        "schools.csv",
        "J1,First Junior,D1,",
        "J1,First Junior,D9,",
    );
    assert_eq!(
        errors(&dir),
        vec!["schools.csv:4: field `district`: unknown district `D9` (not in districts.csv)"]
    );
}

#[test]
fn private_school_id_collides_with_public_school() {
    let dir = tiny();
    edit(&dir, "private_schools.csv", "P1,", "S2,");
    assert_eq!(
        errors(&dir),
        vec![
            "private_schools.csv:2: field `id`: id `S2` is already a public school \
             (schools.csv:3); school ids must be unique across both files"
        ]
    );
}

// ---- numbers, dates and categories ---------------------------------------------------------

#[test]
fn negative_seats() {
    let dir = tiny();
    edit(&dir, "schools.csv", ",7,40,", ",7,-40,");
    assert_eq!(
        errors(&dir),
        vec!["schools.csv:4: field `seats`: must be ≥ 0, got -40"]
    );
}

#[test]
fn malformed_seats() {
    let dir = tiny();
    edit(&dir, "schools.csv", ",7,40,", ",7,abc,");
    assert_eq!(
        errors(&dir),
        vec!["schools.csv:4: field `seats`: `abc` is not a whole number"]
    );
}

#[test]
fn malformed_birth_date() {
    let dir = tiny();
    edit(&dir, "children.csv", "B,2017-02-10,", "B,10/02/2017,");
    assert_eq!(
        errors(&dir),
        vec!["children.csv:3: field `birth_date`: `10/02/2017` is written day-first or month-first, which cannot be told apart; write dates year first, as YYYY-MM-DD (2017-01-10), 2017/1/10 or 2017年1月10日"]
    );
}

#[test]
fn impossible_birth_date_is_refused() {
    let dir = tiny();
    edit(&dir, "children.csv", "B,2017-02-10,", "B,2017-02-30,");
    let err = refused(&dir);
    assert_eq!(err.errors.len(), 1, "{err}");
    let e = &err.errors[0];
    assert_eq!(e.file, dir.path().join("children.csv"));
    assert_eq!(e.line, Some(3));
    assert_eq!(e.field.as_deref(), Some("birth_date"));
    assert!(e.message.contains("`2017-02-30`"), "{e}");
}

#[test]
fn impossible_birth_date_message_says_the_day_does_not_exist() {
    let dir = tiny();
    edit(&dir, "children.csv", "B,2017-02-10,", "B,2017-02-30,");
    assert_eq!(
        errors(&dir),
        vec!["children.csv:3: field `birth_date`: `2017-02-30` is not a real date (2017-02 has 28 days)"]
    );
}

#[test]
fn unknown_housing_value() {
    let dir = tiny();
    edit(&dir, "children.csv", ",24,20,24,none,", ",24,20,24,dorm,");
    assert_eq!(
        errors(&dir),
        vec!["children.csv:7: field `housing`: `dorm` is not one of: owned (自有住房), rented (租房), none (无住房) (see docs/dictionary.md)"]
    );
}

// ---- choices -----------------------------------------------------------------------------

#[test]
fn unknown_school_in_choices() {
    let dir = tiny();
    edit(&dir, "choices.csv", "D,S2,1", "D,S9,1");
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:7: field `school`: unknown public school `S9` (not in schools.csv)"]
    );
}

#[test]
fn choice_of_a_school_of_the_wrong_grade() {
    let dir = tiny();
    append(&dir, "choices.csv", "A,J1,2");
    assert_eq!(
        errors(&dir),
        vec![
            "choices.csv:10: field `school`: school `J1` takes grade-7 entrants, but this intake \
             is for grade 1"
        ]
    );
}

#[test]
fn duplicate_rank_for_a_child() {
    let dir = tiny();
    append(&dir, "choices.csv", "A,S2,1");
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:10: field `rank`: child `A` already has a choice of rank 1 (line 2)"]
    );
}

#[test]
fn same_school_listed_twice_by_one_child() {
    let dir = tiny();
    append(&dir, "choices.csv", "B,S1,3");
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:10: field `school`: child `B` already lists school `S1` (line 3)"]
    );
}

#[test]
fn choice_for_an_unknown_child() {
    let dir = tiny();
    append(&dir, "choices.csv", "Z,S1,1");
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:10: field `child`: unknown child `Z` (not in children.csv)"]
    );
}

/// The choices are read beside the children, knowing children only by id until both are read:
/// the rows naming no child are still reported in line order, each such row's problems after
/// its unknown child, and an unknown child's repeated rank is not reported.
#[test]
fn choices_of_unknown_children_are_reported_in_line_order() {
    let dir = tiny();
    append(&dir, "choices.csv", "Z,S1,1");
    append(&dir, "choices.csv", "A,S9,5");
    append(&dir, "choices.csv", "Z,S1,1");
    append(&dir, "choices.csv", "Y,S9,0");
    append(&dir, "choices.csv", "Z,S2,2");
    assert_eq!(
        errors(&dir),
        vec![
            "choices.csv:10: field `child`: unknown child `Z` (not in children.csv)",
            "choices.csv:11: field `school`: unknown public school `S9` (not in schools.csv)",
            "choices.csv:12: field `child`: unknown child `Z` (not in children.csv)",
            "choices.csv:13: field `child`: unknown child `Y` (not in children.csv)",
            "choices.csv:13: field `school`: unknown public school `S9` (not in schools.csv)",
            "choices.csv:13: field `rank`: must be between 1 and 100, got 0",
            "choices.csv:14: field `child`: unknown child `Z` (not in children.csv)",
        ]
    );
}

// ---- scenario.toml -----------------------------------------------------------------------

#[test]
fn entry_grade_3() {
    let dir = tiny();
    edit(&dir, "scenario.toml", "entry_grade = 1", "entry_grade = 3");
    assert_eq!(
        errors(&dir),
        vec!["scenario.toml:4: field `entry_grade`: must be 1 (primary) or 7 (junior secondary), got 3"]
    );
}

#[test]
fn negative_budget() {
    let dir = tiny();
    edit(
        &dir,
        "scenario.toml",
        "budget_yuan = 6000",
        "budget_yuan = -6000",
    );
    assert_eq!(
        errors(&dir),
        vec!["scenario.toml:6: field `budget_yuan`: must be ≥ 0, got -6000"]
    );
}

#[test]
fn a_cohort_share_out_of_range_is_reported_once() {
    let dir = tiny();
    let text = read(&dir, "scenario.toml") + "\n[demand]\ncohort_share = 2.0\n";
    write(&dir, "scenario.toml", text);
    let errs = errors(&dir);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].ends_with("field `demand.cohort_share`: must be in (0, 1], got 2"),
        "{errs:#?}"
    );
}

#[test]
fn unknown_key_in_scenario_toml() {
    let dir = tiny();
    edit(
        &dir,
        "scenario.toml",
        "seed = 7\n",
        "seed = 7\nbudget = 6000\n",
    );
    assert_eq!(
        errors(&dir),
        vec![format!(
            "scenario.toml:6: unknown field `budget`, expected one of {SCENARIO_KEYS}"
        )]
    );
}

// ---- policy.toml -------------------------------------------------------------------------

#[test]
fn policy_unknown_fact() {
    let dir = tiny();
    edit(
        &dir,
        "policy.toml",
        "fact = \"insurance_months\"",
        "fact = \"insurance\"",
    );
    assert_eq!(
        errors(&dir),
        vec![format!(
            "policy.toml:9: field `fact`: unknown fact `insurance`: not one of {KNOWN_FACTS} and the children file has no column `fact_insurance`"
        )]
    );
}

#[test]
fn policy_unknown_tie_break_key() {
    let dir = tiny();
    edit(
        &dir,
        "policy.toml",
        "tie_break = [\"birth_date\"]",
        "tie_break = [\"birth_date\", \"shoe_size\"]",
    );
    assert_eq!(
        errors(&dir),
        vec![format!(
            "policy.toml:20: field `priority.tie_break`: unknown tie-break key `shoe_size` \
             (known keys: {TIE_KEYS})"
        )]
    );
}

// ---- many at once ------------------------------------------------------------------------

#[test]
fn errors_in_several_files_are_reported_together() {
    let dir = tiny();
    edit(
        &dir,
        "scenario.toml",
        "budget_yuan = 6000",
        "budget_yuan = -1",
    );
    edit(
        &dir,
        "policy.toml",
        "tie_break = [\"birth_date\"]",
        "tie_break = [\"shoe_size\"]",
    );
    edit(&dir, "schools.csv", ",7,40,", ",7,-40,");
    edit(&dir, "private_schools.csv", "P1,", "S1,");
    edit(&dir, "children.csv", ",24,20,24,none,", ",24,20,24,dorm,");
    append(&dir, "choices.csv", "Z,S1,1");
    let errs = errors(&dir);
    assert_eq!(errs.len(), 6, "{errs:#?}");
    assert_eq!(
        errs,
        vec![
            "scenario.toml:6: field `budget_yuan`: must be ≥ 0, got -1".to_string(),
            format!(
                "policy.toml:20: field `priority.tie_break`: unknown tie-break key `shoe_size` \
                 (known keys: {TIE_KEYS})"
            ),
            "schools.csv:4: field `seats`: must be ≥ 0, got -40".to_string(),
            "private_schools.csv:2: field `id`: id `S1` is already a public school \
             (schools.csv:2); school ids must be unique across both files"
                .to_string(),
            "children.csv:7: field `housing`: `dorm` is not one of: owned (自有住房), rented (租房), none (无住房) (see docs/dictionary.md)"
                .to_string(),
            "choices.csv:10: field `child`: unknown child `Z` (not in children.csv)".to_string(),
        ]
    );
}

// ---- knock-on errors -----------------------------------------------------------------------

#[test]
fn an_invalid_school_row_is_not_reported_again_in_choices() {
    let dir = tiny();
    edit(&dir, "schools.csv", ",1,1,2,0", ",1,-1,2,0");
    assert_eq!(
        errors(&dir),
        vec!["schools.csv:3: field `seats`: must be ≥ 0, got -1"]
    );
}

#[test]
fn an_invalid_district_row_is_not_reported_again_in_other_files() {
    let dir = tiny();
    edit(
        &dir,
        "districts.csv",
        "D1,Riverside,1000",
        "D1,Riverside,-1000",
    );
    assert_eq!(
        errors(&dir),
        vec!["districts.csv:2: field `permanent_population`: must be ≥ 0, got -1000"]
    );
}

#[test]
fn an_unreadable_child_row_is_not_reported_again_in_choices() {
    let dir = tiny();
    edit(
        &dir,
        "children.csv",
        ",24,20,24,none,junior,",
        ",24,20,24,none",
    );
    assert_eq!(
        errors(&dir),
        vec!["children.csv:7: the row has 10 fields, the header has 12"]
    );
}

// ---- layout quirks -------------------------------------------------------------------------

#[test]
fn crlf_line_endings_keep_line_numbers() {
    let dir = tiny();
    let text = read(&dir, "choices.csv").replace('\n', "\r\n");
    write(&dir, "choices.csv", text.replacen("D,S2,1", "D,S9,1", 1));
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:7: field `school`: unknown public school `S9` (not in schools.csv)"]
    );
}

#[test]
fn a_quoted_newline_keeps_physical_line_numbers() {
    let dir = tiny();
    edit(
        &dir,
        "schools.csv",
        "S2,Second Primary,",
        "S2,\"Second\nPrimary\",",
    );
    edit(&dir, "schools.csv", ",7,40,", ",7,-40,");
    assert_eq!(
        errors(&dir),
        vec!["schools.csv:5: field `seats`: must be ≥ 0, got -40"]
    );
}

#[test]
fn utf8_bom_in_scenario_toml_is_accepted() {
    let dir = tiny();
    let text = read(&dir, "scenario.toml");
    write(&dir, "scenario.toml", format!("\u{feff}{text}"));
    accepted(&dir);
}

#[test]
fn a_trailing_comma_in_a_header_is_named_as_such() {
    let dir = tiny();
    let text = read(&dir, "choices.csv").replacen('\n', ",\n", 1);
    write(&dir, "choices.csv", text);
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:1: column 4 has no name (a trailing comma in the header?)"]
    );
}

// ---- the command line --------------------------------------------------------------------

#[test]
fn cli_run_on_a_broken_scenario_exits_2_and_writes_nothing() {
    let dir = tiny();
    edit(&dir, "children.csv", ",24,20,24,none,", ",24,20,24,dorm,");
    let out = dir.path().join("results").join("run");
    let output = seatplan(&[
        "run",
        scenario_toml(&dir).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{stderr}");
    let expected = format!(
        "{}:7: field `housing`: `dorm` is not one of: owned (自有住房), rented (租房), none (无住房) (see docs/dictionary.md)",
        dir.path().join("children.csv").display()
    );
    assert!(stderr.contains(&expected), "stderr:\n{stderr}");
    assert!(
        stderr.contains("the scenario has 1 problem:"),
        "stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
    assert!(!out.exists(), "the output folder was created");
    assert!(
        !dir.path().join("results").exists(),
        "the output's parent folder was created"
    );
}

#[test]
fn choice_ranks_with_a_gap() {
    let dir = tiny();
    edit(&dir, "choices.csv", "B,S2,2", "B,S2,5");
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:4: field `rank`: child `B` has choice ranks 1, 5: ranks must run 1, 2, 3, … without gaps (rank 5 is out of place)"]
    );
}

#[test]
fn a_month_that_does_not_exist() {
    let dir = tiny();
    edit(&dir, "children.csv", "B,2017-02-10,", "B,2017-13-10,");
    assert_eq!(
        errors(&dir),
        vec!["children.csv:3: field `birth_date`: `2017-13-10` is not a real date (months run from 01 to 12)"]
    );
}

#[test]
fn a_refused_choice_row_does_not_also_open_a_rank_gap() {
    let dir = tiny();
    edit(&dir, "choices.csv", "B,S1,1", "B,S9,1");
    assert_eq!(
        errors(&dir),
        vec!["choices.csv:3: field `school`: unknown public school `S9` (not in schools.csv)"]
    );
}

#[test]
fn policy_school_tiers_for_an_unknown_school() {
    let dir = tiny();
    let policy = read(&dir, "policy.toml") + "\n[priority.schools]\nS7 = [\"migrant\"]\n";
    write(&dir, "policy.toml", policy);
    assert_eq!(
        errors(&dir),
        vec!["policy.toml:24: field `priority.schools.S7`: unknown public school `S7`"]
    );
}

#[test]
fn policy_district_indicator_for_an_unknown_district() {
    let dir = tiny();
    let policy = read(&dir, "policy.toml")
        + "\n[[indicators]]\nname = \"Local years\"\nlayer = \"district\"\ndistrict = \"D9\"\nfact = \"residence_months\"\npoints_per_unit = 1\n";
    write(&dir, "policy.toml", policy);
    assert_eq!(
        errors(&dir),
        vec!["policy.toml:27: field `district`: unknown district `D9` in indicator `Local years`"]
    );
}

#[test]
fn an_extra_fact_column_must_hold_numbers_or_yes_no() {
    let dir = tiny();
    let children = read(&dir, "children.csv")
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},fact_blood_donor"),
            2 => format!("{l},maybe"),
            _ => format!("{l},yes"),
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(&dir, "children.csv", children + "\n");
    assert_eq!(
        errors(&dir),
        vec![
            "children.csv:3: field `fact_blood_donor`: `maybe` is not a whole number ≥ 0 or yes/no"
        ]
    );
}

#[test]
fn district_demand_columns_out_of_range() {
    let dir = tiny();
    write(
        &dir,
        "districts.csv",
        "id,name,permanent_population,cohort_share,apply_share,growth_rate,cohort_children\nD1,Riverside,1000,1.5,1.2,0.8,-4\n",
    );
    assert_eq!(
        errors(&dir),
        vec![
            "districts.csv:2: field `cohort_share`: must be in (0, 1], got 1.5",
            "districts.csv:2: field `apply_share`: must be in [0, 1], got 1.2",
            "districts.csv:2: field `growth_rate`: must be a yearly rate between -0.5 and 0.5, got 0.8",
            "districts.csv:2: field `cohort_children`: must be ≥ 0, got -4",
        ]
    );
}

#[test]
fn too_many_planning_years() {
    let dir = tiny();
    let text = read(&dir, "scenario.toml") + "\n[planning]\nyears = 40\n";
    write(&dir, "scenario.toml", text);
    assert_eq!(
        errors(&dir),
        vec!["scenario.toml: field `planning.years`: at most 30 projection years, got 40"]
    );
}

#[test]
fn a_birth_date_on_or_after_the_intake_date_is_in_the_future() {
    let dir = tiny();
    edit(
        &dir,
        "scenario.toml",
        "entry_grade = 1\n",
        "entry_grade = 1\nintake_date = \"2023-09-01\"\n",
    );
    edit(&dir, "children.csv", "B,2017-02-10,", "B,2024-02-10,");
    assert_eq!(
        errors(&dir),
        vec!["children.csv:3: field `birth_date`: `2024-02-10` is not before the intake date 2023-09-01 (`intake_date` in the scenario file): a birth date in the future"]
    );
}

#[test]
fn an_intake_date_that_is_not_a_date() {
    let dir = tiny();
    edit(
        &dir,
        "scenario.toml",
        "entry_grade = 1\n",
        "entry_grade = 1\nintake_date = \"2023-02-30\"\n",
    );
    assert_eq!(
        errors(&dir),
        vec!["scenario.toml:5: field `intake_date`: `2023-02-30` is not a real date (2023-02 has 28 days)"]
    );
}

/// A city with no public seats at all is valid: everyone is bought a place or left unplaced,
/// each with the reason, and the check passes.
#[test]
fn a_city_without_public_seats_places_nobody_in_public_school() {
    let dir = tiny();
    let schools = read(&dir, "schools.csv");
    let mut lines = schools.lines();
    let header = lines.next().unwrap();
    let seats_col = header.split(',').position(|c| c == "seats").unwrap();
    let mut out = format!("{header}\n");
    for line in lines {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[seats_col] = "0";
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    write(&dir, "schools.csv", out);
    let sc = crate::util::load(&scenario_toml(&dir));
    assert!(sc.schools().iter().all(|s| s.seats == 0));
    let solved = crate::util::solve_checked(&sc, seatplan::Mechanism::Optimal);
    assert!(solved
        .assignment
        .outcomes
        .iter()
        .all(|o| o.public_school().is_none()));
}

/// Far more children than seats anywhere: the run completes, the check passes, and the children
/// without a place carry a reason.
#[test]
fn more_children_than_all_seats() {
    let tmp = tempfile::tempdir().unwrap();
    let city = crate::util::generate_city(tmp.path(), "Ningbo", "0.01", "9");
    let schools = std::fs::read_to_string(city.join("schools.csv")).unwrap();
    let mut lines = schools.lines();
    let header = lines.next().unwrap().to_string();
    let seats_col = header.split(',').position(|c| c == "seats").unwrap();
    let mut out = format!("{header}\n");
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        cells[seats_col] = (cells[seats_col].parse::<u32>().unwrap() / 10).to_string();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    std::fs::write(city.join("schools.csv"), out).unwrap();
    let sc = crate::util::load(&city.join("scenario.toml"));
    let seats: u64 = sc.schools().iter().map(|s| u64::from(s.seats)).sum();
    assert!((sc.children().len() as u64) > 2 * seats);
    let solved = crate::util::solve_checked(&sc, seatplan::Mechanism::Optimal);
    let public = solved
        .assignment
        .outcomes
        .iter()
        .filter(|o| o.public_school().is_some())
        .count() as u64;
    assert!(public <= seats);
    // Everyone else is bought a place or left unplaced (with a reason: the check verified it).
    let elsewhere = solved
        .assignment
        .outcomes
        .iter()
        .filter(|o| {
            matches!(
                o,
                seatplan::Outcome::Purchased { .. } | seatplan::Outcome::Unplaced { .. }
            )
        })
        .count() as u64;
    assert_eq!(public + elsewhere, sc.children().len() as u64);
    assert!(elsewhere >= sc.children().len() as u64 - seats);
}

/// A 20 MB value in one cell (a pasted blob) is refused with a short message naming the cell,
/// not echoed back whole, and without a panic.
#[test]
fn a_huge_cell_is_refused_briefly() {
    let dir = tiny();
    let blob = "x".repeat(20 << 20);
    edit(
        &dir,
        "children.csv",
        "B,2017-02-10,D1,1,0,,24,60,30,rented,",
        &format!("B,2017-02-10,D1,1,0,,24,60,30,{blob},"),
    );
    let errs = errors(&dir);
    assert_eq!(
        errs.len(),
        1,
        "{:?}",
        errs.iter()
            .map(|e| &e[..e.len().min(200)])
            .collect::<Vec<_>>()
    );
    assert!(
        errs[0].starts_with("children.csv:3: field `housing`: "),
        "{}",
        &errs[0][..200.min(errs[0].len())]
    );
    assert!(
        errs[0].len() < 300,
        "the message echoes {} bytes",
        errs[0].len()
    );
}
