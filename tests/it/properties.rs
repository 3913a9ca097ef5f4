//! Property tests on random small scenarios: the checker always passes, the integer program
//! agrees with deferred acceptance where theory says it must, and the metamorphic relations
//! (more seats, useless schools, repeated runs, shuffled rows) hold.

use proptest::prelude::*;

use seatplan::domain::*;
use seatplan::policy::{
    Fact, Gates, Indicator, IndicatorRule, NumericFact, Policy, Scope, TieRule, Tier,
};
use seatplan::{Mechanism, Outcome};
use seatplan::{Scenario, ScenarioParts};

use super::util::solve_checked;

/// A random scenario: 1–2 districts, up to 6 schools, up to 24 children with few distinct
/// points (many ties), random lists, some private places and budget.
pub fn scenario(rule: TieRule) -> impl Strategy<Value = Scenario> {
    (
        1usize..=2,
        prop::collection::vec((0u32..4, 0u32..2, 0.0f64..10.0, 0.0f64..10.0), 1..6),
        prop::collection::vec(
            (
                0u32..2,
                0u32..4,
                0u32..3,
                prop::collection::vec(0u32..6, 0..4),
                0.0f64..10.0,
                0.0f64..10.0,
            ),
            1..24,
        ),
        prop::collection::vec((0u32..3, 0u32..2, 3000u64..8000), 0..3),
        0u64..20_000,
        any::<u64>(),
    )
        .prop_map(move |(n_d, schools, children, privates, budget, seed)| {
            let districts = (0..n_d)
                .map(|i| District {
                    id: format!("D{i}"),
                    name: format!("District {i}"),
                    permanent_population: 1000,
                    cohort_share: 0.012,
                    migrant_share: None,
                    cohort_children: None,
                    apply_share: 1.0,
                    growth_rate: 0.0,
                })
                .collect();
            let n_s = schools.len() as u32;
            let schools: Vec<School> = schools
                .into_iter()
                .enumerate()
                .map(|(i, (seats, d, x, y))| School {
                    id: format!("S{i}"),
                    name: format!("School {i}"),
                    district: DistrictIdx(d % n_d as u32),
                    entry_grade: 1,
                    seats,
                    reserved_migrant: 0,
                    location: Location::km(x, y),
                })
                .collect();
            let children = children
                .into_iter()
                .enumerate()
                .map(|(i, (d, months, hukou, list, x, y))| {
                    let mut choices: Vec<SchoolIdx> = Vec::new();
                    for s in list {
                        let s = SchoolIdx(s % n_s);
                        if !choices.contains(&s) {
                            choices.push(s);
                        }
                    }
                    let d = DistrictIdx(d % n_d as u32);
                    Child {
                        id: format!("C{i:02}"),
                        birth_date: Date {
                            year: 2017,
                            month: 1,
                            day: 1,
                        },
                        residence_district: d,
                        location: Location::km(x, y),
                        hukou_district: (hukou == 0).then_some(d),
                        permit_months: 12 * (months + 1),
                        insurance_months: 12 * months,
                        residence_months: 24,
                        housing: Housing::Rented,
                        education: Education::Senior,
                        sibling_school: None,
                        catchment: Box::default(),
                        hukou_catchment: Box::default(),
                        feeder_schools: Box::default(),
                        lottery: None,
                        insurance_months_elsewhere: 0,
                        residence_months_elsewhere: 0,
                        insurance_back_paid: false,
                        extra_facts: Box::default(),
                        choices: choices.into(),
                        sibling_group: None,
                    }
                })
                .collect();
            let private_schools = privates
                .into_iter()
                .enumerate()
                .map(|(i, (seats, d, subsidy))| PrivateSchool {
                    id: format!("P{i}"),
                    name: format!("Private {i}"),
                    district: DistrictIdx(d % n_d as u32),
                    entry_grade: 1,
                    purchasable_seats: seats,
                    subsidy_yuan: subsidy,
                    fee_yuan: 6000,
                    location: Location::km(5.0, 5.0),
                })
                .collect();
            Scenario::new(ScenarioParts {
                name: "random".into(),
                entry_grade: 1,
                seed,
                budget_yuan: budget,
                districts,
                schools,
                private_schools,
                children,
                extra_facts: vec![],
                policy: Policy {
                    name: "random".into(),
                    gates: Gates {
                        min_permit_months: 0,
                        min_insurance_months: 12,
                        require_housing: false,
                        no_back_payment: false,
                    },
                    indicators: vec![Indicator {
                        name: "insurance".into(),
                        scope: Scope::City,
                        fact: Fact::Numeric(NumericFact::InsuranceMonths),
                        recognition: None,
                        rule: IndicatorRule::PerUnit { per_unit: 1000 },
                        cap: Some(24_000),
                    }],
                    layer_caps: [None; 3],
                    tiers: vec![Tier::CatchmentHukou, Tier::Hukou, Tier::Migrant],
                    school_tiers: Default::default(),
                    tie_keys: vec![],
                    tie_rule: rule,
                },
                pseudonym_key: None,
                catchment_areas: Vec::new(),
                fallback: FallbackRules {
                    coordinated_max_km: Some(8.0),
                    purchase_max_km: None,
                    purchase_same_district: true,
                    ..FallbackRules::default()
                },
            })
            .expect("a valid random scenario")
        })
}

fn choice_ranks(outcomes: &[Outcome]) -> Vec<Option<u8>> {
    outcomes
        .iter()
        .map(|o| match o {
            Outcome::Choice { rank, .. } => Some(*rank),
            _ => None,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_mechanism_passes_the_checker_with_strict_priorities(sc in scenario(TieRule::Lottery)) {
        for m in [Mechanism::Optimal, Mechanism::Ip, Mechanism::DeferredAcceptance] {
            solve_checked(&sc, m);
        }
    }

    #[test]
    fn admitting_all_tied_passes_the_checker_and_never_places_fewer(sc in scenario(TieRule::AdmitAllTied)) {
        let all_tied = solve_checked(&sc, Mechanism::Optimal);
        let mut lottery = sc.to_parts();
        lottery.policy.tie_rule = TieRule::Lottery;
        let lottery = Scenario::new(lottery).unwrap();
        let by_lottery = solve_checked(&lottery, Mechanism::Optimal);
        let count = |o: &[Outcome]| o.iter().filter(|o| matches!(o, Outcome::Choice { .. })).count();
        prop_assert!(count(&all_tied.assignment.outcomes) >= count(&by_lottery.assignment.outcomes));
    }

    #[test]
    fn the_integer_program_equals_deferred_acceptance_when_priorities_are_strict(sc in scenario(TieRule::Lottery)) {
        let da = solve_checked(&sc, Mechanism::DeferredAcceptance);
        let ip = solve_checked(&sc, Mechanism::Ip);
        prop_assert_eq!(da.assignment.outcomes, ip.assignment.outcomes);
        prop_assert!(ip.assignment.public.proven_optimal());
    }

    #[test]
    fn keeping_ties_never_places_fewer_than_any_lottery(sc in scenario(TieRule::KeepTies)) {
        let optimal = solve_checked(&sc, Mechanism::Optimal);
        let da = solve_checked(&sc, Mechanism::DeferredAcceptance);
        let count = |o: &[Outcome]| o.iter().filter(|o| matches!(o, Outcome::Choice { .. })).count();
        prop_assert!(count(&optimal.assignment.outcomes) >= count(&da.assignment.outcomes));
        prop_assert!(optimal.assignment.public.proven_optimal());
    }

    #[test]
    fn more_seats_leave_no_child_worse_off_at_the_choice_stage(sc in scenario(TieRule::Lottery), extra in 1u32..3, which in 0usize..6) {
        let before = solve_checked(&sc, Mechanism::Optimal);
        let mut more = sc.to_parts();
        let s = which % more.schools.len();
        more.schools[s].seats += extra;
        let more = Scenario::new(more).unwrap();
        let after = solve_checked(&more, Mechanism::Optimal);
        for (b, a) in choice_ranks(&before.assignment.outcomes).into_iter().zip(choice_ranks(&after.assignment.outcomes)) {
            if let Some(b) = b {
                prop_assert!(a.is_some_and(|a| a <= b), "a child went from choice {} to {:?}", b, a);
            }
        }
    }

    #[test]
    fn a_school_with_no_seats_changes_nothing(sc in scenario(TieRule::Lottery)) {
        let before = solve_checked(&sc, Mechanism::Optimal);
        let mut more = sc.to_parts();
        more.schools.push(School {
            id: "Z-empty".into(),
            name: "Empty".into(),
            district: DistrictIdx(0),
            entry_grade: 1,
            seats: 0,
            reserved_migrant: 0,
            location: Location::km(0.0, 0.0),
        });
        let more = Scenario::new(more).unwrap();
        let after = solve_checked(&more, Mechanism::Optimal);
        prop_assert_eq!(before.assignment.outcomes, after.assignment.outcomes);
    }

    #[test]
    fn solving_twice_gives_identical_outputs(sc in scenario(TieRule::KeepTies)) {
        let a = seatplan::render(&sc, &solve_checked(&sc, Mechanism::Optimal));
        let b = seatplan::render(&sc, &solve_checked(&sc, Mechanism::Optimal));
        prop_assert_eq!(a, b);
    }
}

/// Writes a generated city twice — rows in file order and rows shuffled — and solves both.
fn outputs_with_rows(seed: u64, shuffle: Option<u64>) -> Vec<(&'static str, Vec<u8>)> {
    use seatplan::{generate_city, CityConfig, DistrictSpec, Rng};
    let districts = ["A", "B", "C"]
        .iter()
        .map(|id| DistrictSpec {
            id: id.to_string(),
            name: format!("District {id}"),
            population: 40_000,
        })
        .collect();
    let mut cfg = CityConfig::new("shuffle", districts, seed);
    cfg.scale = 1.0;
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in generate_city(&cfg) {
        let text = match (shuffle, name.ends_with(".csv")) {
            (Some(s), true) => {
                let mut lines: Vec<&str> = text.lines().collect();
                let header = lines.remove(0);
                let mut rng = Rng::new(s);
                for i in (1..lines.len()).rev() {
                    lines.swap(i, rng.int(0, i as u64) as usize);
                }
                std::iter::once(header)
                    .chain(lines)
                    .map(|l| format!("{l}\n"))
                    .collect()
            }
            _ => text,
        };
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let sc = super::util::load(&tmp.path().join("scenario.toml"));
    seatplan::render(&sc, &solve_checked(&sc, Mechanism::Optimal))
}

#[test]
fn shuffling_input_rows_changes_no_output_byte() {
    for seed in [1, 2] {
        let plain = outputs_with_rows(seed, None);
        for shuffle in [10, 20] {
            let shuffled = outputs_with_rows(seed, Some(shuffle));
            for ((name, a), (_, b)) in plain.iter().zip(&shuffled) {
                assert!(
                    a == b,
                    "{name} changed when rows were shuffled (seed {seed}, shuffle {shuffle})"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_textbook_and_compact_forms_reach_the_same_optimum(sc in scenario(TieRule::KeepTies)) {
        use seatplan::{Formulation, SolverOptions};
        let value = |f: Formulation| {
            let options = SolverOptions { formulation: f, ..SolverOptions::default() };
            let solved = seatplan::solve(&sc, Mechanism::Ip, &options).unwrap();
            prop_assert!(solved.check.passed(), "{:?}: {:?}", f, solved.check.violations);
            prop_assert!(solved.assignment.public.proven_optimal(), "{:?}: {:?}", f, solved.assignment.public);
            let ranks: Vec<u8> = solved.assignment.outcomes.iter().filter_map(|o| match o {
                Outcome::Choice { rank, .. } => Some(*rank),
                _ => None,
            }).collect();
            Ok((ranks.len(), ranks.iter().map(|&r| r as usize).sum::<usize>()))
        };
        prop_assert_eq!(value(Formulation::Compact)?, value(Formulation::Textbook)?);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Pruning removes only applications no weakly stable assignment uses: the optimum (children
    /// placed, then the sum of choice ranks) is the same with and without it, and both pass the
    /// independent check.
    #[test]
    fn pruning_keeps_the_optimum(sc in scenario(TieRule::KeepTies)) {
        use seatplan::SolverOptions;
        let value = |prune: bool| {
            let options = SolverOptions { prune, ..SolverOptions::default() };
            let solved = seatplan::solve(&sc, Mechanism::Ip, &options).unwrap();
            prop_assert!(solved.check.passed(), "prune {}: {:?}", prune, solved.check.violations);
            prop_assert!(solved.assignment.public.proven_optimal(), "prune {}: {:?}", prune, solved.assignment.public);
            let ranks: Vec<u8> = solved.assignment.outcomes.iter().filter_map(|o| match o {
                Outcome::Choice { rank, .. } => Some(*rank),
                _ => None,
            }).collect();
            Ok((ranks.len(), ranks.iter().map(|&r| r as usize).sum::<usize>()))
        };
        prop_assert_eq!(value(true)?, value(false)?);
    }

    /// The pruned lists keep every application deferred acceptance (under any tie-breaking: here
    /// the lottery's) places, and only remove, never add or reorder.
    #[test]
    fn pruning_keeps_what_deferred_acceptance_places(sc in scenario(TieRule::KeepTies)) {
        use seatplan::internals::{deferred_acceptance, prune, Applicants};
        let ranking = seatplan::Ranking::compute(&sc);
        let applicants = Applicants::build(&sc, &ranking);
        let pruned = prune(&applicants);
        for (c, kept) in pruned.original.iter().enumerate() {
            prop_assert!(kept.windows(2).all(|w| w[0] < w[1]));
            for (i, &o) in kept.iter().enumerate() {
                prop_assert_eq!(pruned.applicants.lists[c][i], applicants.lists[c][o as usize]);
            }
        }
        let removed: usize = applicants.lists.iter().map(|l| l.len()).sum::<usize>()
            - pruned.applicants.lists.iter().map(|l| l.len()).sum::<usize>();
        prop_assert_eq!(removed, pruned.removed);
        for (c, pos) in deferred_acceptance(&applicants).into_iter().enumerate() {
            prop_assert_eq!(pruned.pruned_position(c, pos).is_some(), pos.is_some(), "child {}", c);
        }
    }
}
