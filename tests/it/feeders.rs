//! Feeder schools (对口直升): the hand-checked tiny scenario, the schools' `feeders` and the
//! children's `primary_school` refused with file, line and field, and the independent checker
//! reading the feeder condition on its own.

use std::path::MAIN_SEPARATOR;

use seatplan::{Mechanism, Outcome};
use tempfile::TempDir;

use super::util::{assert_same_text, copy_scenario, load, scenario_dir, seatplan, solve_checked};

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

#[test]
fn the_tiny_feeder_scenario_matches_its_hand_checked_outputs() {
    let dir = scenario_dir("tiny/feeders");
    let scenario = load(&dir.join("scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    for (file, bytes) in seatplan::render(&scenario, &solved) {
        if file.ends_with(".xlsx") {
            continue; // read back in tests/it/results_workbook.rs
        }
        let expected = std::fs::read_to_string(dir.join("expected").join(file)).unwrap();
        assert_same_text(
            &format!("feeders/{file}"),
            &expected,
            std::str::from_utf8(&bytes).unwrap(),
        );
    }
}

/// Each child's id and the school she was placed in by choice (`-` if none), for the scenario
/// in `dir`.
fn by_choice(dir: &std::path::Path) -> Vec<String> {
    let scenario = load(&dir.join("scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    scenario
        .children()
        .iter()
        .zip(&solved.assignment.outcomes)
        .map(|(c, o)| match o {
            Outcome::Choice { school, .. } => format!("{} {}", c.id, scenario.school(*school).id),
            _ => format!("{} -", c.id),
        })
        .collect()
}

#[test]
fn feeder_tiers_place_the_children_as_worked_out_by_hand() {
    // docs/points-policy.md §7.6: at J1 (P1 and P2 feed it) A and C hold 直升 and take both
    // seats ahead of the older hukou children B and D; B, turned away, holds 直升 at J2 (P3
    // feeds it) ahead of the older E, whose P1 feeds J1 only.
    let dir = scenario_dir("tiny/feeders");
    assert_eq!(by_choice(&dir), ["A J1", "B J2", "C J1", "D -", "E -"]);
    // Without the feeder tier the hukou children go by age: D and A at J1, E at J2.
    let plain = copy_scenario("tiny/feeders");
    edit(&plain, "policy.toml", "\"直升\", ", "");
    let policy = std::fs::read_to_string(plain.path().join("policy.toml")).unwrap();
    let cut = policy.find("\n[[priority.tier]]").unwrap();
    std::fs::write(plain.path().join("policy.toml"), &policy[..=cut]).unwrap();
    assert_eq!(
        by_choice(plain.path()),
        ["A J1", "B -", "C -", "D J1", "E J2"]
    );
}

#[test]
fn bad_feeders_and_primary_schools_are_refused_with_their_lines() {
    let dir = copy_scenario("tiny/feeders");
    edit(&dir, "schools.csv", "P1;P2", "P1;;P2;P1;J2");
    edit(&dir, "children.csv", "junior,P1", "junior,P9");
    edit(&dir, "children.csv", "bachelor,P1", "bachelor,J2");
    assert_eq!(
        errors(&dir),
        [
            "schools.csv:2: field `feeders`: an empty entry: separate primary schools by single `;`",
            "schools.csv:2: field `feeders`: primary school `P1` is listed twice",
            "schools.csv:2: field `feeders`: `J2` is a school of entry grade 7 itself, not a primary school that feeds one",
            "children.csv:2: field `primary_school`: `J2` is a school of this intake's entry grade, not a primary school",
            "children.csv:6: field `primary_school`: unknown primary school `P9`: no school's `feeders` in schools.csv lists it (add it to the `feeders` of the school it goes up to, or check the spelling)",
        ]
    );
}

#[test]
fn a_primary_school_of_the_schools_file_that_feeds_nothing_is_accepted() {
    // P1 is a row of the schools file (entry grade 1): once no junior school lists it, a pupil
    // of P1 is valid and holds 直升 nowhere: A falls to the hukou tier and D, older, takes her seat.
    let dir = copy_scenario("tiny/feeders");
    edit(&dir, "schools.csv", "P1;P2", "P2");
    assert_eq!(
        by_choice(dir.path()),
        ["A -", "B J2", "C J1", "D J1", "E -"]
    );
    let scenario = load(&dir.path().join("scenario.toml"));
    assert!(scenario.children()[0].feeder_schools.is_empty());
}

#[test]
fn a_policy_reading_feeders_without_any_is_refused() {
    let dir = copy_scenario("tiny/feeders");
    edit(&dir, "schools.csv", ",P1;P2\n", ",\n");
    edit(&dir, "schools.csv", ",P3\n", ",\n");
    edit(&dir, "children.csv", "bachelor,P1", "bachelor,");
    edit(&dir, "children.csv", "college,P3", "college,");
    edit(&dir, "children.csv", "senior,P2", "senior,");
    edit(&dir, "children.csv", "junior,P1", "junior,");
    assert_eq!(
        errors(&dir),
        ["policy.toml: the policy's tiers read feeder schools (`feeder`), but no school of schools.csv has a `feeders` cell: list each junior school's primary schools there (对口小学)"]
    );
}

#[test]
fn the_checker_reads_the_feeder_condition_on_its_own() {
    // A placements file giving D (hukou) J1's seat while A (直升 at J1) is left out: the
    // independent checker must find A's justified envy from the feeder lists alone.
    let dir = scenario_dir("tiny/feeders");
    let honest = std::fs::read_to_string(dir.join("expected/placements.csv")).unwrap();
    let a = honest.lines().find(|l| l.starts_with("A,")).unwrap();
    let d = honest.lines().find(|l| l.starts_with("D,")).unwrap();
    let swapped = honest
        .replace(a, &format!("A{}", &d[1..]))
        .replace(d, &format!("D{}", &a[1..]).replace(",直升,", ",hukou,"));
    let tmp = tempfile::tempdir().unwrap();
    let check = |text: &str| {
        let path = tmp.path().join("placements.csv");
        std::fs::write(&path, text).unwrap();
        seatplan(&[
            "check",
            dir.join("scenario.toml").to_str().unwrap(),
            "--placements",
            path.to_str().unwrap(),
        ])
    };
    let o = check(&honest);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = check(&swapped);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("[justified-envy] child A was refused J1"),
        "{stderr}"
    );
}

/// The bytes of `placements.csv` for the scenario in `dir`.
fn placements_bytes(dir: &std::path::Path) -> Vec<u8> {
    let scenario = load(&dir.join("scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    seatplan::render(&scenario, &solved)
        .into_iter()
        .find(|(f, _)| *f == "placements.csv")
        .unwrap()
        .1
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8))]

    /// A `feeders` entry naming a primary school no child attended, added to either junior
    /// school, changes no placement: the same `placements.csv`, byte for byte.
    #[test]
    fn an_unused_feeder_entry_changes_nothing(name in "Q[0-9]{1,3}", east in proptest::bool::ANY) {
        let before = placements_bytes(&scenario_dir("tiny/feeders"));
        let dir = copy_scenario("tiny/feeders");
        if east {
            edit(&dir, "schools.csv", ",P1;P2\n", &format!(",P1;P2;{name}\n"));
        } else {
            edit(&dir, "schools.csv", ",P3\n", &format!(",{name};P3\n"));
        }
        proptest::prop_assert_eq!(placements_bytes(dir.path()), before);
    }
}
