//! The fallback stages a scenario chooses (`[fallback] coordinated` and `purchase`): a
//! hand-checked city under each stage, the checker catching a place the stage does not allow or
//! a preferred school passed over, the scenario file's words refused with file, line and field,
//! and every mechanism passing the checker under every stage on random scenarios.

use std::path::MAIN_SEPARATOR;

use proptest::prelude::*;
use seatplan::domain::*;
use seatplan::policy::{
    Fact, Gates, Indicator, IndicatorRule, NumericFact, Policy, Scope, TieRule, Tier,
};
use seatplan::{Mechanism, Outcome, Scenario, ScenarioParts, UnplacedReason};

use super::properties;
use super::util::{copy_scenario, solve_checked};

/// The hand-checked city. District D1 has schools A (0,0), E (2,0) and B (4,0), district D2
/// school C (1,0); one seat each. X (0.1,0) lists A and wins it. Y (0.8,0, catchment B) and
/// Z (0.9,0) list nothing; Y has more points, so she is coordinated first. Private school P
/// (0.8,1) in D1 sells one place.
///
/// | stage | Y | Z |
/// |---|---|---|
/// | `district` | A is full: E (1.2 km) | B (3.1 km) |
/// | `catchment` | her catchment school B | E (1.1 km) |
/// | `nearest` ≤ 5 km | C in D2 (0.2 km) | E (1.1 km) |
/// | `nearest` ≤ 0.5 km | C | nothing in reach: bought P |
/// | `off` | bought P (first in order) | nothing left: unplaced |
fn city(fallback: FallbackRules) -> Scenario {
    let district = |id: &str| District {
        id: id.into(),
        name: id.into(),
        permanent_population: 1000,
        cohort_share: 0.012,
        migrant_share: None,
        cohort_children: None,
        apply_share: 1.0,
        growth_rate: 0.0,
    };
    let school = |id: &str, d: u32, x: f64| School {
        id: id.into(),
        name: id.into(),
        district: DistrictIdx(d),
        entry_grade: 1,
        seats: 1,
        reserved_migrant: 0,
        location: Location::km(x, 0.0),
    };
    let child =
        |id: &str, x: f64, months: u32, choices: Vec<SchoolIdx>, catchment: Vec<SchoolIdx>| Child {
            id: id.into(),
            birth_date: Date {
                year: 2017,
                month: 1,
                day: 1,
            },
            residence_district: DistrictIdx(0),
            location: Location::km(x, 0.0),
            hukou_district: None,
            permit_months: 24,
            insurance_months: months,
            residence_months: 24,
            housing: Housing::Rented,
            education: Education::Senior,
            sibling_school: None,
            catchment: catchment.into(),
            hukou_catchment: Box::default(),
            feeder_schools: Box::default(),
            lottery: None,
            insurance_months_elsewhere: 0,
            residence_months_elsewhere: 0,
            insurance_back_paid: false,
            extra_facts: Box::default(),
            choices: choices.into(),
            sibling_group: None,
        };
    Scenario::new(ScenarioParts {
        name: "fallback stages".into(),
        entry_grade: 1,
        seed: 1,
        budget_yuan: 10_000,
        districts: vec![district("D1"), district("D2")],
        schools: vec![
            school("A", 0, 0.0),
            school("E", 0, 2.0),
            school("B", 0, 4.0),
            school("C", 1, 1.0),
        ],
        private_schools: vec![PrivateSchool {
            id: "P".into(),
            name: "P".into(),
            district: DistrictIdx(0),
            entry_grade: 1,
            purchasable_seats: 1,
            subsidy_yuan: 5000,
            fee_yuan: 8000,
            location: Location::km(0.8, 1.0),
        }],
        children: vec![
            child("X", 0.1, 36, vec![SchoolIdx(0)], vec![]),
            child("Y", 0.8, 24, vec![], vec![SchoolIdx(2)]),
            child("Z", 0.9, 12, vec![], vec![]),
        ],
        extra_facts: vec![],
        policy: Policy {
            name: "months".into(),
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
                cap: None,
            }],
            layer_caps: [None; 3],
            tiers: vec![Tier::Migrant],
            school_tiers: Default::default(),
            tie_keys: vec![],
            tie_rule: TieRule::Lottery,
        },
        pseudonym_key: None,
        catchment_areas: Vec::new(),
        fallback,
    })
    .expect("a valid scenario")
}

fn rules(coordination: Coordination, max_km: Option<f64>, purchase: bool) -> FallbackRules {
    FallbackRules {
        coordination,
        coordinated_max_km: max_km,
        purchase,
        ..FallbackRules::default()
    }
}

/// Where each child ended, in words: a school's id, `bought P` or `unplaced (reason)`.
fn ends(scenario: &Scenario, outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .map(|o| match *o {
            Outcome::Choice { school, .. } => format!("{} by choice", scenario.school(school).id),
            Outcome::Coordinated { school } => scenario.school(school).id.clone(),
            Outcome::Purchased { school } => {
                format!("bought {}", scenario.private_school(school).id)
            }
            Outcome::Unplaced { reason } => format!("unplaced ({})", reason.as_str()),
        })
        .collect()
}

fn run(fallback: FallbackRules) -> Vec<String> {
    let scenario = city(fallback);
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    ends(&scenario, &solved.assignment.outcomes)
}

#[test]
fn each_coordinated_stage_places_the_hand_checked_children() {
    let table = [
        (
            rules(Coordination::District, None, true),
            ["A by choice", "E", "B"],
        ),
        (
            rules(Coordination::CatchmentFirst, None, true),
            ["A by choice", "B", "E"],
        ),
        (
            rules(Coordination::Nearest, Some(5.0), true),
            ["A by choice", "C", "E"],
        ),
        (
            rules(Coordination::Nearest, Some(0.5), true),
            ["A by choice", "C", "bought P"],
        ),
        (
            rules(Coordination::Off, None, true),
            ["A by choice", "bought P", "unplaced (private_places_full)"],
        ),
    ];
    for (fallback, expected) in table {
        assert_eq!(run(fallback.clone()), expected, "{fallback:?}");
    }
}

#[test]
fn the_default_stages_are_district_coordination_and_buying() {
    assert_eq!(
        FallbackRules::default(),
        rules(Coordination::District, None, true)
    );
}

#[test]
fn without_purchase_the_children_left_are_unplaced_with_no_private_school_in_reach() {
    assert_eq!(
        run(rules(Coordination::Off, None, false)),
        [
            "A by choice",
            "unplaced (no_private_school_in_reach)",
            "unplaced (no_private_school_in_reach)"
        ]
    );
    assert_eq!(
        run(rules(Coordination::Nearest, Some(0.5), false)),
        ["A by choice", "C", "unplaced (no_private_school_in_reach)"]
    );
}

/// The checker's rules broken by `outcomes` under `fallback`.
fn broken(fallback: FallbackRules, outcomes: &[Outcome]) -> Vec<&'static str> {
    let scenario = city(fallback);
    let mut rules: Vec<&str> = seatplan::check(&scenario, outcomes)
        .violations
        .iter()
        .map(|v| v.rule)
        .collect();
    rules.dedup();
    rules
}

#[test]
fn the_checker_refuses_a_place_the_stage_does_not_allow_or_a_preferred_school_passed_over() {
    let choice = Outcome::Choice {
        school: SchoolIdx(0),
        rank: 1,
    };
    let at = |s: u32| Outcome::Coordinated {
        school: SchoolIdx(s),
    };
    // C lies in D2: allowed only to `nearest`.
    let cross = [choice, at(3), at(1)];
    assert_eq!(
        broken(rules(Coordination::District, None, true), &cross),
        ["coordinated-district", "coordinated-order"]
    );
    assert_eq!(
        broken(rules(Coordination::Nearest, Some(5.0), true), &cross),
        Vec::<&str>::new()
    );
    // Under `catchment`, Y's catchment school B comes before the nearer E.
    let nearer = [choice, at(1), at(2)];
    assert_eq!(
        broken(rules(Coordination::District, None, true), &nearer),
        Vec::<&str>::new()
    );
    assert_eq!(
        broken(rules(Coordination::CatchmentFirst, None, true), &nearer),
        ["coordinated-order"]
    );
    // Nobody is coordinated under `off`; a bought place when nothing may be bought.
    let unplaced = Outcome::Unplaced {
        reason: UnplacedReason::NoPrivateInReach,
    };
    assert_eq!(
        broken(
            rules(Coordination::Off, None, true),
            &[choice, at(1), at(2)]
        ),
        ["coordinated-district"]
    );
    let bought = Outcome::Purchased {
        school: PrivateIdx(0),
    };
    assert_eq!(
        broken(
            rules(Coordination::Off, None, false),
            &[choice, bought, unplaced]
        ),
        ["purchase-reach"]
    );
    // `nearest` within 0.5 km: E is out of reach, and C (0.1 km from Z) went to Y before her.
    assert_eq!(
        broken(
            rules(Coordination::Nearest, Some(0.5), true),
            &[choice, at(3), at(1)]
        ),
        ["coordinated-distance"]
    );
}

/// The errors of the tiny catchment scenario with `[fallback]` set to `section`, paths relative
/// to its folder.
fn refused(section: &str) -> Vec<String> {
    let dir = copy_scenario("tiny/catchments");
    let path = dir.path().join("scenario.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[fallback]\n");
    text.push_str(section);
    std::fs::write(&path, text).unwrap();
    let prefix = format!("{}{MAIN_SEPARATOR}", dir.path().display());
    match seatplan::load(&path) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .errors
            .iter()
            .map(|e| e.to_string().replace(&prefix, ""))
            .collect(),
    }
}

#[test]
fn the_scenario_file_names_its_stages_and_bad_ones_are_refused_at_their_line() {
    for ok in [
        "coordinated = \"off\"\npurchase = \"off\"\n",
        "coordinated = \"catchment\"\n",
        "coordinated = \"nearest\"\ncoordinated_max_km = 3.0\n",
        "coordinated = \"district\"\npurchase = \"on\"\n",
    ] {
        assert_eq!(refused(ok), Vec::<String>::new(), "{ok}");
    }
    assert_eq!(
        refused("coordinated = \"everywhere\"\n"),
        ["scenario.toml:17: field `fallback.coordinated`: unknown coordinated stage `everywhere`: expected one of `off`, `district`, `catchment`, `nearest`"]
    );
    assert_eq!(
        refused("coordinated = \"nearest\"\n"),
        ["scenario.toml:17: field `fallback.coordinated`: `nearest` places children across districts and needs a distance limit: set `coordinated_max_km`"]
    );
    assert_eq!(
        refused("purchase = \"yes\"\n"),
        ["scenario.toml:17: field `fallback.purchase`: unknown purchase setting `yes`: expected `on` or `off`"]
    );
}

#[test]
fn catchment_coordination_needs_a_catchment_table() {
    let dir = copy_scenario("tiny/two-schools");
    let path = dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("[fallback]"), "{text}");
    std::fs::write(
        &path,
        format!("{text}\n[fallback]\ncoordinated = \"catchment\"\n"),
    )
    .unwrap();
    let Err(e) = seatplan::load(&path) else {
        panic!("a catchment stage without a catchment table was accepted");
    };
    let line = text.lines().count() + 3;
    assert_eq!(e.errors.len(), 1, "{e}");
    assert!(
        e.errors[0].to_string().ends_with(&format!(
            "scenario.toml:{line}: field `fallback.coordinated`: `catchment` coordinates children into their catchment's schools first, but the scenario names no catchment table: add `catchments = \"catchments.csv\"` to its `[tables]`"
        )),
        "{e}"
    );
}

/// A random scenario with random catchments under a random stage.
fn staged(rule: TieRule) -> impl Strategy<Value = Scenario> {
    (
        properties::scenario(rule),
        0usize..4,
        any::<bool>(),
        prop::option::of(1.0f64..8.0),
        any::<u64>(),
    )
        .prop_map(|(sc, stage, purchase, max_km, bits)| {
            let mut parts = sc.into_parts();
            let coordination = Coordination::ALL[stage];
            let n = parts.schools.len() as u64;
            for (i, child) in parts.children.iter_mut().enumerate() {
                let pick = (bits >> (i % 64)) % (n + 1);
                child.catchment = if pick < n {
                    vec![SchoolIdx(pick as u32)].into()
                } else {
                    Box::default()
                };
            }
            parts.fallback = FallbackRules {
                coordination,
                coordinated_max_km: if coordination == Coordination::Nearest {
                    Some(max_km.unwrap_or(4.0))
                } else {
                    max_km
                },
                purchase,
                ..parts.fallback
            };
            Scenario::new(parts).expect("a valid random scenario")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_mechanism_passes_the_checker_under_every_stage(sc in staged(TieRule::Lottery)) {
        for m in [Mechanism::DeferredAcceptance, Mechanism::Optimal, Mechanism::Ip] {
            solve_checked(&sc, m);
        }
    }

    #[test]
    fn kept_and_admitted_ties_pass_the_checker_under_every_stage(sc in staged(TieRule::KeepTies), all in staged(TieRule::AdmitAllTied)) {
        solve_checked(&sc, Mechanism::Ip);
        solve_checked(&all, Mechanism::DeferredAcceptance);
    }

    #[test]
    fn no_coordination_coordinates_no_one_and_no_purchase_buys_nothing(sc in staged(TieRule::Lottery)) {
        let solved = solve_checked(&sc, Mechanism::DeferredAcceptance);
        for o in &solved.assignment.outcomes {
            if sc.fallback().coordination == Coordination::Off {
                prop_assert!(!matches!(o, Outcome::Coordinated { .. }), "coordinated under off");
            }
            if !sc.fallback().purchase {
                prop_assert!(!matches!(o, Outcome::Purchased { .. }), "bought without purchase");
            }
        }
    }
}

#[test]
fn the_shipped_fallback_stages_scenario_matches_its_hand_checked_outputs() {
    let dir = super::util::scenario_dir("tiny/fallback-stages");
    let scenario = super::util::load(&dir.join("scenario.toml"));
    assert_eq!(
        scenario.fallback().coordination,
        Coordination::CatchmentFirst
    );
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    assert_eq!(
        ends(&scenario, &solved.assignment.outcomes),
        ["A by choice", "B", "E"]
    );
    for (file, bytes) in seatplan::render(&scenario, &solved) {
        if file.ends_with(".xlsx") {
            continue;
        }
        let expected = std::fs::read_to_string(dir.join("expected").join(file)).unwrap();
        super::util::assert_same_text(
            &format!("fallback-stages/{file}"),
            &expected,
            std::str::from_utf8(&bytes).unwrap(),
        );
    }
}

#[test]
fn catchment_coordination_from_a_workbook_without_a_catchment_sheet_is_refused() {
    let dir = copy_scenario("tiny/workbook");
    let path = dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[fallback]\ncoordinated = \"catchment\"\n"),
    )
    .unwrap();
    let Err(e) = seatplan::load(&path) else {
        panic!("a catchment stage without a catchment sheet was accepted");
    };
    let prefix = format!("{}{MAIN_SEPARATOR}", dir.path().display());
    let errors: Vec<String> = e
        .errors
        .iter()
        .map(|e| e.to_string().replace(&prefix, ""))
        .collect();
    assert_eq!(
        errors,
        ["scenario.toml: field `fallback.coordinated`: `catchment` coordinates children into their catchment's schools first, but the workbook has no catchment sheet (`施教区`): add it, or declare `catchments` in `[tables]`"]
    );
}
