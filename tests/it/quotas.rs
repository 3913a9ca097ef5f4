//! Seats reserved for migrant children: the hand-checked scenario, the checker catching a
//! placement that ignores the reservation, input errors, and properties on random scenarios.

use proptest::prelude::*;

use seatplan::policy::TieRule;
use seatplan::Scenario;
use seatplan::{Mechanism, Outcome, SolverOptions};

use super::util::{copy_scenario, load, scenario_dir, solve_checked};

/// Each child's place as `id:school` (or `id:-` without a public place), in input order.
fn places(scenario: &Scenario, outcomes: &[Outcome]) -> Vec<String> {
    scenario
        .child_indices()
        .map(|c| {
            let at = outcomes[c.ix()]
                .public_school()
                .map_or("-".to_string(), |s| scenario.school(s).id.clone());
            format!("{}:{at}", scenario.child(c).id)
        })
        .collect()
}

fn without_quotas(scenario: Scenario) -> Scenario {
    let mut parts = scenario.into_parts();
    for s in &mut parts.schools {
        s.reserved_migrant = 0;
    }
    Scenario::new(parts).unwrap()
}

#[test]
fn reserved_seats_go_to_migrant_children_first_and_unused_ones_are_released() {
    let scenario = load(&scenario_dir("tiny/reserved/scenario.toml"));
    let reserved: Vec<u32> = scenario
        .schools()
        .iter()
        .map(|s| s.reserved_migrant)
        .collect();
    // floor(0.34 × 3) = 1, floor(0.34 × 2) = 0, and S3's own column: 2.
    assert_eq!(reserved, vec![1, 0, 2]);
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    assert_eq!(
        places(&scenario, &solved.assignment.outcomes),
        ["H1:S1", "H2:S1", "H3:S2", "H4:S3", "H5:-", "M1:S1", "M2:S2", "M3:S3"]
    );
    // Deferred acceptance asked for by name gives the same.
    let da = solve_checked(&scenario, Mechanism::DeferredAcceptance);
    assert_eq!(da.assignment.outcomes, solved.assignment.outcomes);
    // Without the reservation the catchment-hukou children take every seat they ask for.
    let plain = without_quotas(scenario.clone());
    let solved = solve_checked(&plain, Mechanism::Optimal);
    assert_eq!(
        places(&plain, &solved.assignment.outcomes),
        ["H1:S1", "H2:S1", "H3:S1", "H4:S3", "H5:S3", "M1:S2", "M2:S2", "M3:-"]
    );
}

#[test]
fn the_checker_rejects_a_placement_that_ignores_the_reserved_seats() {
    let scenario = load(&scenario_dir("tiny/reserved/scenario.toml"));
    let plain = solve_checked(&without_quotas(scenario.clone()), Mechanism::Optimal);
    let report = seatplan::check(&scenario, &plain.assignment.outcomes);
    let envy: Vec<&str> = report
        .violations
        .iter()
        .filter(|v| v.rule == "justified-envy")
        .map(|v| v.message.as_str())
        .collect();
    // M1 and M2 wanted S1, whose reserved seat went to H3; M3 wanted S3, whose two reserved
    // seats went to H4 and H5.
    assert_eq!(envy.len(), 3, "{envy:#?}");
    for (who, school) in [("M1", "S1"), ("M2", "S1"), ("M3", "S3")] {
        assert!(
            envy.iter().any(|m| m.starts_with(&format!(
                "child {who} was refused {school}, which she ranked higher, while a seat reserved for migrant children went to a non-migrant child"
            ))),
            "{envy:#?}"
        );
    }
}

#[test]
fn a_non_migrant_child_envies_only_open_seats() {
    // Give H2's seat at S1 to M2: S1 then holds M1 (reserved seat), H1 and M2 (open seats).
    // H2 (and H3) envy S1 for the open seat M2 holds; M2, the worse migrant, in an open seat,
    // is what makes it justified — M1 in the reserved seat would not be.
    let scenario = load(&scenario_dir("tiny/reserved/scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    let mut outcomes = solved.assignment.outcomes.clone();
    let ix = |id: &str| scenario.children().iter().position(|c| c.id == id).unwrap();
    let s1 = seatplan::domain::SchoolIdx(0);
    outcomes[ix("M2")] = Outcome::Choice {
        school: s1,
        rank: 1,
    };
    outcomes[ix("H2")] = outcomes[ix("H5")];
    let report = seatplan::check(&scenario, &outcomes);
    let envy: Vec<&str> = report
        .violations
        .iter()
        .filter(|v| v.rule == "justified-envy")
        .map(|v| v.message.as_str())
        .collect();
    assert_eq!(
        envy,
        [
            "child H2 was refused S1, which she ranked higher, while it holds a child of lower priority in an open seat",
            "child H3 was refused S1, which she ranked higher, while it holds a child of lower priority in an open seat"
        ]
    );
}

fn load_errors(dir: &tempfile::TempDir) -> Vec<String> {
    match seatplan::load(&dir.path().join("scenario.toml")) {
        Ok(_) => panic!("the broken scenario was accepted"),
        Err(e) => e
            .iter()
            .map(|e| {
                e.to_string().replace(
                    &format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR),
                    "",
                )
            })
            .collect(),
    }
}

fn edit(dir: &tempfile::TempDir, file: &str, from: &str, to: &str) {
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from} in {file}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn more_reserved_seats_than_seats_is_an_input_error() {
    let dir = copy_scenario("tiny/reserved");
    edit(&dir, "schools.csv", "4,0,2\n", "4,0,3\n");
    edit(&dir, "schools.csv", "2,0,\n", "2,0,-1\n");
    assert_eq!(
        load_errors(&dir),
        [
            "schools.csv:3: field `reserved_migrant`: must be between 0 and the school's 2 seats, got -1",
            "schools.csv:4: field `reserved_migrant`: must be between 0 and the school's 2 seats, got 3",
        ]
    );
}

#[test]
fn a_migrant_share_outside_zero_to_one_is_an_input_error() {
    let dir = copy_scenario("tiny/reserved");
    edit(
        &dir,
        "scenario.toml",
        "\nmigrant_share = 0.34",
        "\nmigrant_share = 1.5",
    );
    assert_eq!(
        load_errors(&dir),
        ["scenario.toml:21: field `quotas.migrant_share`: must be a share between 0 and 1, got 1.5"]
    );
}

#[test]
fn reserved_seats_with_ties_kept_are_refused() {
    let dir = copy_scenario("tiny/reserved");
    edit(
        &dir,
        "policy.toml",
        "rule = \"lottery\"",
        "rule = \"keep_ties\"",
    );
    assert_eq!(
        load_errors(&dir),
        ["policy.toml: field `priority.rule`: seats reserved for migrant children (`reserved_migrant` in schools.csv, or `[quotas] migrant_share`) need strict priorities: rule `keep_ties` keeps ties; use `lottery`"]
    );
}

#[test]
fn the_integer_program_refuses_reserved_seats() {
    let scenario = load(&scenario_dir("tiny/reserved/scenario.toml"));
    let err = seatplan::solve(&scenario, Mechanism::Ip, &SolverOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "mechanism `ip` does not handle seats reserved for migrant children; use `optimal` or `deferred-acceptance`"
    );
}

/// A random scenario of the property tests with random reserved seats at each school.
fn with_reserved() -> impl Strategy<Value = Scenario> {
    (
        super::properties::scenario(TieRule::Lottery),
        prop::collection::vec(0u32..4, 6),
    )
        .prop_map(|(sc, reserved)| {
            let mut sc = sc.into_parts();
            for (s, r) in sc.schools.iter_mut().zip(reserved) {
                s.reserved_migrant = r.min(s.seats);
            }
            Scenario::new(sc).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn reserved_seats_pass_the_checker(sc in with_reserved()) {
        solve_checked(&sc, Mechanism::Optimal);
        solve_checked(&sc, Mechanism::DeferredAcceptance);
    }

    #[test]
    fn reserved_seats_no_migrant_asks_for_are_released_to_everyone(sc in with_reserved()) {
        // Reservations at schools no migrant child lists change nothing.
        let mut only_unwanted = sc.to_parts();
        for s in sc.school_indices() {
            let wanted = sc.children().iter().any(|c| c.is_migrant() && c.choices.contains(&s));
            if wanted {
                only_unwanted.schools[s.ix()].reserved_migrant = 0;
            }
        }
        let only_unwanted = Scenario::new(only_unwanted).unwrap();
        let plain = solve_checked(&without_quotas(sc.clone()), Mechanism::Optimal);
        let released = solve_checked(&only_unwanted, Mechanism::Optimal);
        prop_assert_eq!(plain.assignment.outcomes, released.assignment.outcomes);
    }

    #[test]
    fn reserving_every_seat_for_everyone_migrant_changes_nothing(sc in with_reserved()) {
        // When every child is a migrant child, reserved seats are just seats.
        let mut all_migrant = sc.to_parts();
        for c in &mut all_migrant.children {
            c.hukou_district = None;
        }
        let all_migrant = Scenario::new(all_migrant).unwrap();
        let plain = solve_checked(&without_quotas(all_migrant.clone()), Mechanism::Optimal);
        let reserved = solve_checked(&all_migrant, Mechanism::Optimal);
        prop_assert_eq!(plain.assignment.outcomes, reserved.assignment.outcomes);
    }
}

/// Every assignment of the children to their listed schools (or to none), as choice ranks.
fn every_choice_assignment(sc: &Scenario) -> Vec<Vec<Option<u8>>> {
    let mut out = vec![Vec::new()];
    for child in sc.children() {
        let mut next = Vec::new();
        for partial in &out {
            for r in 0..=child.choices.len() {
                let mut p: Vec<Option<u8>> = partial.clone();
                p.push((r > 0).then_some(r as u8));
                next.push(p);
            }
        }
        out = next;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn deferred_acceptance_with_reserved_seats_is_child_optimal(sc in with_reserved()) {
        // On small instances, among every assignment without justified envy (by seat category)
        // and within seats, each child does at least as well under deferred acceptance.
        let mut sc = sc.into_parts();
        sc.children.truncate(6);
        let sc = Scenario::new(sc).unwrap();
        let solved = solve_checked(&sc, Mechanism::Optimal);
        let rank = |o: &Outcome| match o {
            Outcome::Choice { rank, .. } => *rank,
            _ => u8::MAX,
        };
        for ranks in every_choice_assignment(&sc) {
            let outcomes: Vec<Outcome> = sc
                .child_indices()
                .map(|c| match ranks[c.ix()] {
                    Some(r) => Outcome::Choice {
                        school: sc.child(c).choices[r as usize - 1],
                        rank: r,
                    },
                    None => Outcome::Unplaced {
                        reason: seatplan::UnplacedReason::NoPrivateInReach,
                    },
                })
                .collect();
            let report = seatplan::check(&sc, &outcomes);
            let stable = !report.violations.iter().any(|v| {
                matches!(v.rule, "justified-envy" | "capacity" | "eligibility")
            });
            if stable {
                for c in sc.child_indices() {
                    prop_assert!(
                        rank(&solved.assignment.outcomes[c.ix()]) <= rank(&outcomes[c.ix()]),
                        "child {} does better in a stable assignment: {:?}",
                        sc.child(c).id,
                        ranks
                    );
                }
            }
        }
    }
}
