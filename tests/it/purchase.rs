//! Purchased private places: the hand-checked counter-example to nearest-first buying, the
//! checker catching wrong purchases, and the purchase stage against a brute force on small
//! random instances.

use proptest::prelude::*;

use seatplan::domain::{ChildIdx, Location, PrivateIdx, PrivateSchool};
use seatplan::policy::TieRule;
use seatplan::Scenario;
use seatplan::{Mechanism, Outcome, UnplacedReason};

use super::util::{load, scenario_dir, solve_checked};

fn outcome_of(scenario: &Scenario, outcomes: &[Outcome], id: &str) -> Outcome {
    let i = scenario.children().iter().position(|c| c.id == id).unwrap();
    outcomes[i]
}

fn private(scenario: &Scenario, id: &str) -> PrivateIdx {
    PrivateIdx(
        scenario
            .private_schools()
            .iter()
            .position(|p| p.id == id)
            .unwrap() as u32,
    )
}

#[test]
fn a_higher_child_is_moved_so_a_lower_child_who_reaches_one_school_is_placed() {
    // Nearest-first buying gives A her nearest place, P1, the only one B can reach, and strands
    // B. The rule places A and B (A at P3, also the cheaper), then C's place would break the
    // budget, D reaches nothing and E only P1.
    let scenario = load(&scenario_dir("tiny/purchase/scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    let o = &solved.assignment.outcomes;
    let bought = |s: &str| Outcome::Purchased {
        school: private(&scenario, s),
    };
    let unplaced = |reason| Outcome::Unplaced { reason };
    assert_eq!(outcome_of(&scenario, o, "A"), bought("P3"));
    assert_eq!(outcome_of(&scenario, o, "B"), bought("P1"));
    assert_eq!(
        outcome_of(&scenario, o, "C"),
        unplaced(UnplacedReason::BudgetExhausted)
    );
    assert_eq!(
        outcome_of(&scenario, o, "D"),
        unplaced(UnplacedReason::NoPrivateInReach)
    );
    assert_eq!(
        outcome_of(&scenario, o, "E"),
        unplaced(UnplacedReason::PrivateSeatsFull)
    );
    let r = &solved.assignment.purchase;
    assert_eq!((r.seats, r.cost_yuan), (2, 9000));
    assert_eq!(r.distance_m, 1803 + 1000);
    assert_eq!(
        (r.no_school_in_reach, r.seats_full, r.budget_exhausted),
        (1, 1, 1)
    );
    assert!(solved.check.notes.is_empty(), "{:?}", solved.check.notes);
}

/// The rules the checker reports for the outcomes of the tiny purchase scenario with some
/// children's outcomes replaced.
fn violations_with(changes: &[(&str, Outcome)]) -> Vec<&'static str> {
    let scenario = load(&scenario_dir("tiny/purchase/scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    let mut outcomes = solved.assignment.outcomes.clone();
    for (id, o) in changes {
        let i = scenario
            .children()
            .iter()
            .position(|c| c.id == *id)
            .unwrap();
        outcomes[i] = *o;
    }
    let mut rules: Vec<&str> = seatplan::check(&scenario, &outcomes)
        .violations
        .iter()
        .map(|v| v.rule)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

#[test]
fn the_checker_rejects_nearest_first_buying() {
    let scenario = load(&scenario_dir("tiny/purchase/scenario.toml"));
    let at = |s: &str| Outcome::Purchased {
        school: private(&scenario, s),
    };
    // What nearest-first buying gives: A at P1, B stranded, C at P2 with the money left.
    let greedy = violations_with(&[
        ("A", at("P1")),
        (
            "B",
            Outcome::Unplaced {
                reason: UnplacedReason::PrivateSeatsFull,
            },
        ),
        ("C", at("P2")),
    ]);
    // B could have been placed (A at P3); A at P1 is dearer than at the free P3; and after A
    // and C, E is kept out by the budget, not the seats (A at P3, C at P2, E at P1 fit).
    assert_eq!(
        greedy,
        vec!["purchase-cost", "purchase-priority", "unplaced-reason"]
    );
}

#[test]
fn the_checker_rejects_a_dearer_assignment_of_the_same_children() {
    let scenario = load(&scenario_dir("tiny/purchase/scenario.toml"));
    let at = |s: &str| Outcome::Purchased {
        school: private(&scenario, s),
    };
    // A at P2 (2.5 km, in reach; 6,000 yuan) with B at P1 fits the budget, but P3 is free and
    // cheaper for A.
    assert_eq!(violations_with(&[("A", at("P2"))]), vec!["purchase-cost"]);
}

#[test]
fn the_checker_rejects_a_wrong_unplaced_reason() {
    let full = Outcome::Unplaced {
        reason: UnplacedReason::PrivateSeatsFull,
    };
    let budget = Outcome::Unplaced {
        reason: UnplacedReason::BudgetExhausted,
    };
    assert_eq!(violations_with(&[("C", full)]), vec!["unplaced-reason"]);
    assert_eq!(violations_with(&[("E", budget)]), vec!["unplaced-reason"]);
}

/// Distance in metres, as the rule counts it.
fn metres(scenario: &Scenario, c: ChildIdx, p: PrivateIdx) -> i64 {
    let d = scenario
        .child(c)
        .location
        .distance_km(scenario.private_school(p).location);
    (d * 1000.0).round() as i64
}

fn reach(scenario: &Scenario, c: ChildIdx) -> Vec<PrivateIdx> {
    let child = scenario.child(c);
    scenario
        .private_indices()
        .filter(|&p| {
            let ps = scenario.private_school(p);
            ps.purchasable_seats > 0
                && (!scenario.fallback().purchase_same_district
                    || ps.district == child.residence_district)
                && scenario
                    .fallback()
                    .purchase_max_km
                    .is_none_or(|m| child.location.distance_km(ps.location) <= m)
        })
        .collect()
}

/// Every assignment of the stage children (None or a school in reach) within the seats, with
/// its cost in yuan and metres.
fn all_assignments(
    scenario: &Scenario,
    stage: &[ChildIdx],
) -> Vec<(Vec<Option<PrivateIdx>>, i64, i64)> {
    let reaches: Vec<Vec<PrivateIdx>> = stage.iter().map(|&c| reach(scenario, c)).collect();
    let mut out = Vec::new();
    let mut current = vec![None; stage.len()];
    fn go(
        i: usize,
        scenario: &Scenario,
        stage: &[ChildIdx],
        reaches: &[Vec<PrivateIdx>],
        left: &mut Vec<u32>,
        current: &mut Vec<Option<PrivateIdx>>,
        out: &mut Vec<(Vec<Option<PrivateIdx>>, i64, i64)>,
    ) {
        if i == stage.len() {
            let (mut yuan, mut m) = (0, 0);
            for (k, p) in current.iter().enumerate() {
                if let Some(p) = *p {
                    yuan += scenario.private_school(p).cost_per_seat() as i64;
                    m += metres(scenario, stage[k], p);
                }
            }
            out.push((current.clone(), yuan, m));
            return;
        }
        current[i] = None;
        go(i + 1, scenario, stage, reaches, left, current, out);
        for &p in &reaches[i] {
            if left[p.ix()] > 0 {
                left[p.ix()] -= 1;
                current[i] = Some(p);
                go(i + 1, scenario, stage, reaches, left, current, out);
                left[p.ix()] += 1;
            }
        }
        current[i] = None;
    }
    let mut left: Vec<u32> = scenario
        .private_schools()
        .iter()
        .map(|p| p.purchasable_seats)
        .collect();
    go(
        0,
        scenario,
        stage,
        &reaches,
        &mut left,
        &mut current,
        &mut out,
    );
    out
}

/// A small instance for the brute force: the random scenario of the property tests cut to
/// eight children, with private schools spread over the map and a random reach.
fn small_purchase_scenario() -> impl Strategy<Value = Scenario> {
    (
        super::properties::scenario(TieRule::Lottery),
        prop::collection::vec(
            (0u32..3, 0u32..2, 1000u64..5000, 0.0f64..10.0, 0.0f64..10.0),
            0..4,
        ),
        prop::option::of(2.0f64..9.0),
        any::<bool>(),
        0u64..15_000,
    )
        .prop_map(|(sc, privates, max_km, same_district, budget)| {
            let mut sc = sc.into_parts();
            sc.children.truncate(8);
            // Few public seats, so most children reach the purchase stage.
            for s in &mut sc.schools {
                s.seats /= 2;
            }
            let n_d = sc.districts.len() as u32;
            sc.private_schools = privates
                .into_iter()
                .enumerate()
                .map(|(i, (seats, d, subsidy, x, y))| PrivateSchool {
                    id: format!("P{i}"),
                    name: format!("Private {i}"),
                    district: seatplan::domain::DistrictIdx(d % n_d),
                    entry_grade: 1,
                    purchasable_seats: seats,
                    // Few distinct costs, so equal-cost alternatives occur.
                    subsidy_yuan: subsidy / 1000 * 1000,
                    fee_yuan: 4000,
                    location: Location::km(x, y),
                })
                .collect();
            sc.fallback.purchase_max_km = max_km;
            sc.fallback.purchase_same_district = same_district;
            // Whole thousands, so the budget is often met exactly.
            sc.budget_yuan = budget / 1000 * 1000;
            Scenario::new(sc).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn purchases_equal_the_brute_force(sc in small_purchase_scenario()) {
        let solved = solve_checked(&sc, Mechanism::Optimal);
        prop_assert!(solved.check.notes.is_empty());
        let o = &solved.assignment.outcomes;
        let stage: Vec<ChildIdx> = solved
            .ranking
            .fallback_order
            .iter()
            .copied()
            .filter(|c| o[c.ix()].public_school().is_none())
            .collect();
        let all = all_assignments(&sc, &stage);
        let budget = sc.budget_yuan() as i64;
        // The best: most placed lexicographically by priority, then least yuan, then metres.
        let best = all
            .iter()
            .filter(|a| a.1 <= budget)
            .max_by(|a, b| {
                let placed = |x: &Vec<Option<PrivateIdx>>| x.iter().map(|p| p.is_some()).collect::<Vec<_>>();
                placed(&a.0)
                    .cmp(&placed(&b.0))
                    .then(b.1.cmp(&a.1))
                    .then(b.2.cmp(&a.2))
            })
            .unwrap();
        let (mut yuan, mut m) = (0i64, 0i64);
        for (k, &c) in stage.iter().enumerate() {
            let got = match o[c.ix()] {
                Outcome::Purchased { school } => {
                    yuan += sc.private_school(school).cost_per_seat() as i64;
                    m += metres(&sc, c, school);
                    Some(school)
                }
                _ => None,
            };
            prop_assert_eq!(got.is_some(), best.0[k].is_some(), "child {}", sc.child(c).id);
            if let Outcome::Unplaced { reason } = o[c.ix()] {
                let granted: Vec<usize> = (0..k).filter(|&j| best.0[j].is_some()).collect();
                let seats_take_her = all
                    .iter()
                    .any(|a| a.0[k].is_some() && granted.iter().all(|&j| a.0[j].is_some()));
                let expected = if reach(&sc, c).is_empty() {
                    UnplacedReason::NoPrivateInReach
                } else if !seats_take_her {
                    UnplacedReason::PrivateSeatsFull
                } else {
                    UnplacedReason::BudgetExhausted
                };
                prop_assert_eq!(reason, expected, "child {}", sc.child(c).id);
            }
        }
        prop_assert_eq!((yuan, m), (best.1, best.2));
        prop_assert_eq!(solved.assignment.spent_yuan as i64, yuan);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_checker_accepts_exactly_the_best_purchases(
        sc in small_purchase_scenario(),
        pick in any::<prop::sample::Index>(),
    ) {
        // Replace the bought places by any other assignment within seats, reach and budget:
        // the checker must object unless it places the same children at the same cost and
        // distance as the best.
        let solved = solve_checked(&sc, Mechanism::Optimal);
        let o = &solved.assignment.outcomes;
        let stage: Vec<ChildIdx> = solved
            .ranking
            .fallback_order
            .iter()
            .copied()
            .filter(|c| o[c.ix()].public_school().is_none())
            .collect();
        let budget = sc.budget_yuan() as i64;
        let all: Vec<_> = all_assignments(&sc, &stage)
            .into_iter()
            .filter(|a| a.1 <= budget)
            .collect();
        let (alt, yuan, m) = &all[pick.index(all.len())];
        let mut outcomes = o.clone();
        for (k, &c) in stage.iter().enumerate() {
            outcomes[c.ix()] = match alt[k] {
                Some(p) => Outcome::Purchased { school: p },
                // Keep the solver's reason where it had one, else the plausible one.
                None => match o[c.ix()] {
                    Outcome::Unplaced { reason } => Outcome::Unplaced { reason },
                    _ => Outcome::Unplaced {
                        reason: if reach(&sc, c).is_empty() {
                            UnplacedReason::NoPrivateInReach
                        } else {
                            UnplacedReason::BudgetExhausted
                        },
                    },
                },
            };
        }
        let same = stage.iter().enumerate().all(|(k, &c)| {
            alt[k].is_some() == matches!(o[c.ix()], Outcome::Purchased { .. })
        }) && (*yuan, *m) == {
            let (mut y, mut d) = (0i64, 0i64);
            for &c in &stage {
                if let Outcome::Purchased { school } = o[c.ix()] {
                    y += sc.private_school(school).cost_per_seat() as i64;
                    d += metres(&sc, c, school);
                }
            }
            (y, d)
        };
        let report = seatplan::check(&sc, &outcomes);
        prop_assert_eq!(report.passed(), same, "{:#?}", report.violations);
    }
}

#[test]
fn shuffled_rows_give_the_same_outputs_for_the_new_stages() {
    // Bought places, reserved seats and joint applications: reversing the rows of every table
    // changes no output byte (ties are decided by ids and the fallback order, not by row order).
    for name in ["purchase", "reserved", "siblings", "siblings-repair"] {
        let dir = super::util::copy_scenario(&format!("tiny/{name}"));
        let render = |path: &std::path::Path| {
            let sc = load(path);
            let solved = solve_checked(&sc, Mechanism::Optimal);
            seatplan::render(&sc, &solved)
        };
        let before = render(&dir.path().join("scenario.toml"));
        for table in [
            "children.csv",
            "choices.csv",
            "schools.csv",
            "private_schools.csv",
        ] {
            let path = dir.path().join(table);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut lines: Vec<&str> = text.lines().collect();
            lines[1..].reverse();
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        }
        assert_eq!(before, render(&dir.path().join("scenario.toml")), "{name}");
    }
}

/// Mutations of a correct purchase, each caught by the exact check: a worse-priority child
/// bought in a better one's place, the budget exceeded by one yuan, two children swapped.
#[test]
fn the_checker_catches_mutated_purchases() {
    let scenario = load(&scenario_dir("tiny/purchase/scenario.toml"));
    let at = |s: &str| Outcome::Purchased {
        school: private(&scenario, s),
    };
    let full = Outcome::Unplaced {
        reason: UnplacedReason::PrivateSeatsFull,
    };
    // E (30 points, reaches only P1) bought at P1 instead of B (60 points).
    assert!(violations_with(&[("B", full), ("E", at("P1"))]).contains(&"purchase-priority"));
    // A and B swapped: B's new place P3 is out of her reach.
    assert!(violations_with(&[("A", at("P1")), ("B", at("P3"))]).contains(&"purchase-reach"));
    // The right purchase (9,000 yuan) against a budget of 8,999.
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    assert_eq!(solved.assignment.spent_yuan, 9000);
    let poorer = scenario
        .edited(&[seatplan::Edit::BudgetYuan(8999)])
        .expect("a valid edit");
    let rules: Vec<&str> = seatplan::check(&poorer, &solved.assignment.outcomes)
        .violations
        .iter()
        .map(|v| v.rule)
        .collect();
    assert!(rules.contains(&"budget"), "{rules:?}");
}
