//! Capacity planning: the hand-checked tiny case, monotonicity in the budget, row order, the
//! applied scenario, bad candidate files.

use proptest::prelude::*;

use seatplan::{plan, read_candidates};

use super::util::{copy_scenario, scenario_dir, seatplan};

fn tiny() -> (seatplan::Loaded, Vec<seatplan::Candidate>) {
    let loaded = seatplan::load(&scenario_dir("tiny/planning/scenario.toml")).unwrap();
    let candidates = read_candidates(
        loaded.planning.candidates.as_ref().unwrap(),
        &loaded.scenario,
    )
    .unwrap();
    (loaded, candidates)
}

#[test]
fn the_tiny_plan_matches_the_hand_checked_choice() {
    let (loaded, candidates) = tiny();
    let sc = &loaded.scenario;
    // Before: Riverside lacks 40 seats this year and 50 next; 20 places can be bought each year.
    let p = plan(sc, &candidates, 5_000_000, 1).unwrap();
    assert_eq!(
        (p.unplaced_before, p.purchase_cost_before_yuan),
        (50, 200_000)
    );
    // Two classes at S1: nobody unplaced, nothing to buy — preferred to one class (also nobody
    // unplaced, but 5 places bought next year), although it costs more capital.
    let chosen: Vec<(&str, u32)> = p
        .chosen
        .iter()
        .map(|c| (c.candidate.as_str(), c.units))
        .collect();
    assert_eq!(chosen, [("C1", 2)]);
    assert_eq!(
        (
            p.unplaced_after,
            p.purchase_cost_after_yuan,
            p.capital_spent_yuan
        ),
        (0, 0, 4_000_000)
    );

    let p = plan(sc, &candidates, 3_000_000, 1).unwrap();
    let chosen: Vec<(&str, u32)> = p
        .chosen
        .iter()
        .map(|c| (c.candidate.as_str(), c.units))
        .collect();
    assert_eq!(chosen, [("C1", 1)]);
    assert_eq!((p.unplaced_after, p.purchase_cost_after_yuan), (0, 25_000));

    let p = plan(sc, &candidates, 0, 1).unwrap();
    assert!(p.chosen.is_empty());
    assert_eq!((p.unplaced_after, p.capital_spent_yuan), (50, 0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn more_budget_never_leaves_more_children_unplaced(a in 0u64..30_000_000, b in 0u64..30_000_000, years in 0u32..3) {
        let (loaded, candidates) = tiny();
        let (lo, hi) = (a.min(b), a.max(b));
        let small = plan(&loaded.scenario, &candidates, lo, years).unwrap();
        let large = plan(&loaded.scenario, &candidates, hi, years).unwrap();
        prop_assert!(large.unplaced_after <= small.unplaced_after);
        prop_assert!(small.capital_spent_yuan <= lo && large.capital_spent_yuan <= hi);
        if large.unplaced_after == small.unplaced_after {
            prop_assert!(large.purchase_cost_after_yuan <= small.purchase_cost_after_yuan);
        }
    }
}

#[test]
fn the_order_of_candidate_rows_changes_nothing() {
    let (loaded, candidates) = tiny();
    let dir = copy_scenario("tiny/planning");
    let text = std::fs::read_to_string(dir.path().join("candidates.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    std::fs::write(dir.path().join("candidates.csv"), lines.join("\n") + "\n").unwrap();
    let reversed = read_candidates(&dir.path().join("candidates.csv"), &loaded.scenario).unwrap();
    for budget in [0, 3_000_000, 5_000_000, 20_000_000] {
        assert_eq!(
            plan(&loaded.scenario, &candidates, budget, 1).unwrap(),
            plan(&loaded.scenario, &reversed, budget, 1).unwrap()
        );
    }
}

#[test]
fn plan_then_run_builds_the_plan_into_the_intake() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let scenario = scenario_dir("tiny/planning/scenario.toml");
    let o = seatplan(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("unplaced 50 → 0, purchased-place cost 200000 → 0 yuan"),
        "{stderr}"
    );
    let plan_csv = std::fs::read_to_string(out.join("plan.csv")).unwrap();
    assert_eq!(
        plan_csv,
        "candidate,district,school,name,units,seats_added,cost_yuan\nC1,D1,S1,Two more classes at Riverside Primary,2,90,4000000\n"
    );
    assert!(std::fs::read_to_string(out.join("supply_demand.svg"))
        .unwrap()
        .starts_with("<svg"));

    let applied = out.join("scenario/scenario.toml");
    let run = tmp.path().join("run");
    let o = seatplan(&[
        "run",
        applied.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let schools = std::fs::read_to_string(run.join("schools.csv")).unwrap();
    assert!(
        schools.contains("\nS1,Riverside Primary,public,D1,150,"),
        "{schools}"
    );
}

/// Plans `scenario` into `dir/plan`, runs the applied scenario into `dir/run`; returns what the
/// plan printed.
fn plan_and_run(scenario: &std::path::Path, dir: &std::path::Path) -> String {
    let out = dir.join("plan");
    let o = seatplan(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    let applied = out.join("scenario/scenario.toml");
    let run = dir.join("run");
    let o = seatplan(&[
        "run",
        applied.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    stderr
}

/// Regression: `plan` copied a workbook as if it were `schools.csv`, and read a GBK file's
/// seats as UTF-8. Now a scenario whose tables are a workbook's sheets, or GBK tab-separated
/// files with Chinese headers and words, plans and re-runs like the original, and the plan says
/// which tables it wrote as UTF-8 CSV.
#[test]
fn a_plan_of_a_workbook_or_gbk_scenario_reruns_like_the_original() {
    let tmp = tempfile::tempdir().unwrap();
    plan_and_run(
        &scenario_dir("tiny/planning/scenario.toml"),
        &tmp.path().join("csv"),
    );
    let original = |f: &str| std::fs::read(tmp.path().join("csv/run").join(f)).unwrap();
    for (name, converted, sheet) in [
        ("workbook", super::sources::as_workbook("planning"), true),
        ("gbk", super::sources::as_gbk_tabs("planning"), false),
    ] {
        let dir = tmp.path().join(name);
        let said = plan_and_run(&converted.path().join("scenario.toml"), &dir);
        for table in [
            "districts",
            "schools",
            "private_schools",
            "children",
            "choices",
        ] {
            let from = if sheet {
                "intake.xlsx [".to_string()
            } else {
                format!("{table}.csv (GB18030, separated by tabs)")
            };
            assert!(
                said.contains(&format!("/scenario/{table}.csv: the table of "))
                    && said.contains(&from),
                "{name} {table}: {said}"
            );
        }
        let applied = dir.join("plan/scenario");
        let toml = std::fs::read_to_string(applied.join("scenario.toml")).unwrap();
        assert!(
            !toml.contains("workbook") && !toml.contains("sheet"),
            "{toml}"
        );
        assert!(!applied.join("intake.xlsx").exists());
        let schools = std::fs::read_to_string(applied.join("schools.csv")).unwrap();
        assert!(
            schools.contains("\nS1,Riverside Primary,D1,1,150,"),
            "{schools}"
        );
        for f in ["placements.csv", "schools.csv", "districts.csv"] {
            assert_eq!(
                std::fs::read(dir.join("run").join(f)).unwrap(),
                original(f),
                "{name}: {f}"
            );
        }
    }
}

#[test]
fn a_new_school_is_added_to_the_applied_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let scenario = scenario_dir("tiny/planning/scenario.toml");
    // A longer horizon and a bigger budget: the new school becomes worth its fixed cost.
    let o = seatplan(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--capital-budget",
        "20000000",
        "--years",
        "6",
        "-q",
    ]);
    assert!(o.status.success());
    let plan_csv = std::fs::read_to_string(out.join("plan.csv")).unwrap();
    // Six years of 10 % growth: 177 applicants in year 6 need more than S1's two classes.
    assert!(
        plan_csv.contains("C2,D1,,Riverside New Primary,"),
        "{plan_csv}"
    );
    let schools = std::fs::read_to_string(out.join("scenario/schools.csv")).unwrap();
    assert!(
        schools.contains("\nC2,Riverside New Primary,D1,1,"),
        "{schools}"
    );
}

#[test]
fn bad_candidate_rows_are_reported_with_their_lines() {
    let (loaded, _) = tiny();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("candidates.csv");
    std::fs::write(
        &file,
        "id,district,school,seats_per_unit,cost_per_unit_yuan,x_km,y_km\n\
         A,D9,,45,100,0,0\n\
         B,D1,S2,45,100,,\n\
         C,D1,,45,100,,\n\
         S1,D1,,45,-5,1,1\n",
    )
    .unwrap();
    let errors: Vec<String> = read_candidates(&file, &loaded.scenario)
        .unwrap_err()
        .iter()
        .map(|e| {
            e.to_string()
                .replace(&format!("{}/", dir.path().display()), "")
        })
        .collect();
    assert_eq!(
        errors,
        [
            "candidates.csv:2: field `district`: unknown district `D9`",
            "candidates.csv:3: field `school`: school `S2` is not in district `D1`",
            "candidates.csv:4: field `x_km`: a new school (no `school`) needs its location x_km, y_km",
            "candidates.csv:5: field `cost_per_unit_yuan`: must be ≥ 0, got -5",
            "candidates.csv:5: field `id`: a new school needs an id of its own; `S1` is already a school",
        ]
    );
}
