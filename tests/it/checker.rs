//! The checker trusts nothing: it recomputes the ranking itself and verifies every column of a
//! placements file.
//!
//! - **agreement**: on random scenarios with random policies (every indicator kind, layers and
//!   caps, recognition of months elsewhere, every gate, per-school tiers, tie-break keys), the
//!   checker's own points, gates, tiers, priorities, lottery and fallback order equal the
//!   solver's `Ranking` — two independent implementations of one definition;
//! - **mutation**: the solver run with a deliberately broken ranking (one child's points off by
//!   one, two tiers swapped, the lottery reversed) fails the check, both on its outcomes and on
//!   the `placements.csv` it writes;
//! - **tampering**: each column of a tiny scenario's `placements.csv` changed in turn makes
//!   `seatplan check` exit 3 naming the child, the column, the value found and the one expected;
//!   out-of-range values are reported, never a panic.

use std::path::Path;

use proptest::prelude::*;

use seatplan::domain::*;
use seatplan::internals::{assign, CheckerRanks};
use seatplan::policy::{
    Bracket, CategoryFact, Fact, Gates, Indicator, IndicatorRule, NumericFact, Scope, TieKey,
    TieRule, Tier,
};
use seatplan::{Mechanism, Outcome, Ranking, Scenario, Solved, SolverOptions};

use super::util::{assert_no_panic, load, scenario_dir, seatplan, solve_checked};

// ---------------------------------------------------------------------------------------------
// Random scenarios with random policies.

/// One random indicator: (scope 0 provincial / 1 city / 2 district, its district, fact 0–6,
/// recognition, rule parameters, cap).
type IndicatorDraw = (u8, u32, u8, Option<i64>, (i64, i64, i64), Option<i64>);

fn indicator(draw: IndicatorDraw, n_d: u32, i: usize) -> Indicator {
    let (scope, d, fact, recognition, (a, b, c), cap) = draw;
    let scope = match scope {
        0 => Scope::Provincial,
        1 => Scope::City,
        _ => Scope::District(DistrictIdx(d % n_d)),
    };
    let fact = match fact {
        0 => Fact::Numeric(NumericFact::InsuranceMonths),
        1 => Fact::Numeric(NumericFact::ResidenceMonths),
        2 => Fact::Numeric(NumericFact::PermitMonths),
        3 => Fact::Category(CategoryFact::Housing),
        4 => Fact::Category(CategoryFact::Education),
        5 => Fact::Extra {
            name: "hours".into(),
            slot: 0,
        },
        _ => Fact::Extra {
            name: "donor".into(),
            slot: 1,
        },
    };
    let rule = match &fact {
        Fact::Category(CategoryFact::Housing) => {
            IndicatorRule::Category([("owned".to_string(), a), ("rented".to_string(), b)].into())
        }
        Fact::Category(CategoryFact::Education) => {
            IndicatorRule::Category([("college".to_string(), a), ("senior".to_string(), c)].into())
        }
        _ if i.is_multiple_of(2) => IndicatorRule::PerUnit { per_unit: a },
        _ => IndicatorRule::Brackets(vec![
            Bracket {
                from: 1,
                to: Some(12),
                points: a,
            },
            Bracket {
                from: 12,
                to: Some(40),
                points: b,
            },
            Bracket {
                from: 40,
                to: None,
                points: c,
            },
        ]),
    };
    let recognition = match fact {
        Fact::Numeric(NumericFact::InsuranceMonths | NumericFact::ResidenceMonths) => recognition,
        _ => None,
    };
    Indicator {
        name: format!("indicator {i}"),
        scope,
        fact,
        recognition,
        rule,
        cap,
    }
}

/// A random scenario of `super::properties::scenario` with random facts and a random policy.
fn scenario_with_policy(rule: TieRule) -> impl Strategy<Value = Scenario> {
    let indicator_draw = (
        0u8..3,
        0u32..2,
        0u8..7,
        prop::option::of(prop_oneof![Just(1000i64), Just(500), Just(333)]),
        (0i64..4000, 0i64..4000, 0i64..4000),
        prop::option::of(0i64..30_000),
    );
    let child_draw = (
        (0u32..60, 0u32..90, 0u32..40, 0u32..30, 0u32..30),
        (any::<bool>(), 0u8..3, 0u8..6, 0u32..50, 0u32..2),
        (prop::option::of(0u32..6), 0u32..4, 1u8..13),
    );
    // Per child: months (insurance, residence, permit, insurance and residence elsewhere);
    // back-paid, housing, education, the two extra facts; sibling school, hukou, birth month.
    (
        super::properties::scenario(rule),
        prop::collection::vec(indicator_draw, 0..7),
        prop::collection::vec(child_draw, 24),
        (0u32..20, 0u32..20, any::<bool>(), any::<bool>()),
        prop::array::uniform3(prop::option::of(0i64..60_000)),
        (
            Just(Tier::ALL.to_vec()).prop_shuffle(),
            1usize..=4,
            prop::option::of((0u32..6, 1usize..=4)),
        ),
        (Just(TieKey::ALL.to_vec()).prop_shuffle(), 0usize..=4),
    )
        .prop_map(move |(sc, indicators, kids, gates, caps, tiers, keys)| {
            let mut parts = sc.into_parts();
            let n_d = parts.districts.len() as u32;
            let n_s = parts.schools.len() as u32;
            parts.extra_facts = vec!["hours".into(), "donor".into()];
            for (child, draw) in parts.children.iter_mut().zip(kids) {
                let ((ins, res, permit, ins_else, res_else), (back, h, e, hours, donor)) =
                    (draw.0, draw.1);
                let (sibling, hukou, month) = draw.2;
                child.insurance_months = ins;
                child.residence_months = res;
                child.permit_months = permit;
                child.insurance_months_elsewhere = ins_else;
                child.residence_months_elsewhere = res_else;
                child.insurance_back_paid = back;
                child.housing = Housing::ALL[h as usize % Housing::ALL.len()];
                child.education = Education::ALL[e as usize % Education::ALL.len()];
                child.extra_facts = vec![hours, donor].into();
                child.sibling_school = sibling.map(|s| SchoolIdx(s % n_s));
                child.hukou_district = (hukou < n_d).then_some(DistrictIdx(hukou));
                child.birth_date = Date {
                    year: 2017,
                    month,
                    day: 1 + (ins % 28) as u8,
                };
            }
            let policy = &mut parts.policy;
            policy.gates = Gates {
                min_permit_months: gates.0,
                min_insurance_months: gates.1,
                require_housing: gates.2,
                no_back_payment: gates.3,
            };
            policy.indicators = indicators
                .into_iter()
                .enumerate()
                .map(|(i, d)| indicator(d, n_d, i))
                .collect();
            policy.layer_caps = caps;
            let (order, n, own) = tiers;
            policy.tiers = order[..n].to_vec();
            policy.school_tiers = own
                .map(|(s, k)| (SchoolIdx(s % n_s), order[4 - k..].to_vec()))
                .into_iter()
                .collect();
            policy.tie_keys = keys.0[..keys.1].to_vec();
            Scenario::new(parts).expect("a valid random scenario")
        })
}

/// The checker's ranking equals the solver's on every child, district and school.
fn assert_agree(sc: &Scenario) -> Result<(), TestCaseError> {
    let solver = Ranking::compute(sc);
    let own = CheckerRanks::new(sc);
    let n_tiers = sc.policy().tiers.len() as u8;
    for c in sc.child_indices() {
        let id = &sc.child(c).id;
        prop_assert_eq!(solver.eligible(c), own.eligible(c), "gates of {}", id);
        prop_assert_eq!(
            solver.gate_failure[c.ix()].as_deref(),
            own.gate_failure(c),
            "gate reasons of {}",
            id
        );
        prop_assert_eq!(solver.lottery[c.ix()], own.draw(c), "draw of {}", id);
        prop_assert_eq!(
            solver.home_tier[c.ix()],
            own.home_tier(c).map_or(n_tiers, |(i, _)| i),
            "home tier of {}",
            id
        );
        for d in 0..sc.districts().len() {
            let d = DistrictIdx(d as u32);
            prop_assert_eq!(
                solver.points_at(sc, c, d),
                own.points_at(c, d),
                "points of {} at district {}",
                id,
                d.ix()
            );
        }
        for s in sc.school_indices() {
            prop_assert_eq!(
                solver.tier_at(sc, c, s),
                own.tier_at(c, s),
                "tier of {} at {}",
                id,
                &sc.school(s).id
            );
        }
    }
    for s in sc.school_indices() {
        for a in sc.child_indices() {
            for b in sc.child_indices() {
                prop_assert_eq!(
                    solver.priority(sc, a, s).cmp(&solver.priority(sc, b, s)),
                    own.priority(a, s).cmp(&own.priority(b, s)),
                    "{} against {} at {}",
                    &sc.child(a).id,
                    &sc.child(b).id,
                    &sc.school(s).id
                );
            }
        }
    }
    prop_assert_eq!(&solver.fallback_order[..], own.fallback_order());
    Ok(())
}

/// Writes the run's `placements.csv` into `dir` and returns its path.
fn write_placements(dir: &Path, sc: &Scenario, solved: &Solved) -> std::path::PathBuf {
    let files = seatplan::render(sc, solved);
    let (_, bytes) = files
        .into_iter()
        .find(|(name, _)| *name == "placements.csv")
        .unwrap();
    let path = dir.join("placements.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_checkers_ranking_equals_the_solvers_under_the_lottery(sc in scenario_with_policy(TieRule::Lottery)) {
        assert_agree(&sc)?;
    }

    #[test]
    fn the_checkers_ranking_equals_the_solvers_with_ties_kept(sc in scenario_with_policy(TieRule::KeepTies)) {
        assert_agree(&sc)?;
    }

    #[test]
    fn a_written_placements_file_passes_every_column(sc in scenario_with_policy(TieRule::Lottery)) {
        let solved = solve_checked(&sc, Mechanism::Optimal);
        let tmp = tempfile::tempdir().unwrap();
        let path = write_placements(tmp.path(), &sc, &solved);
        let read = seatplan::read_placements(&path, &sc).unwrap();
        prop_assert_eq!(&read.outcomes, &solved.assignment.outcomes);
        let report = seatplan::check_placements(&sc, &read);
        prop_assert!(report.passed(), "{:#?}", report.violations);
    }
}

// ---------------------------------------------------------------------------------------------
// Mutation: the solver with a broken ranking.

/// The solver's assignment of `sc` when it ranks with `ranking` instead of its own.
fn solve_with(sc: &Scenario, ranking: Ranking) -> Solved {
    let assignment = assign(sc, &ranking, Mechanism::Optimal, &SolverOptions::default()).unwrap();
    let check = seatplan::check(sc, &assignment.outcomes);
    Solved {
        ranking,
        assignment,
        check,
    }
}

/// The ranking of `sc` computed on a copy changed by `twist`: a ranking wrong for `sc`.
fn ranking_of_twisted(sc: &Scenario, twist: impl FnOnce(&mut seatplan::ScenarioParts)) -> Ranking {
    let mut parts = sc.to_parts();
    twist(&mut parts);
    Ranking::compute(&Scenario::new(parts).unwrap())
}

/// Asserts the broken solve fails the checker, on its outcomes and through `seatplan check` on
/// the `placements.csv` it writes; returns the CLI's stderr.
fn assert_caught(dir: &str, sc: &Scenario, broken: Ranking) -> String {
    let honest = solve_checked(sc, Mechanism::Optimal);
    let solved = solve_with(sc, broken);
    assert!(
        !solved.check.passed(),
        "the checker passed a solve with a broken ranking"
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = write_placements(tmp.path(), sc, &solved);
    let scenario = scenario_dir(dir).join("scenario.toml");
    let o = seatplan(&[
        "check",
        scenario.to_str().unwrap(),
        "--placements",
        path.to_str().unwrap(),
    ]);
    assert_no_panic("seatplan check", &o);
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    // The honest solve's file passes.
    let path = write_placements(tmp.path(), sc, &honest);
    let o = seatplan(&[
        "check",
        scenario.to_str().unwrap(),
        "--placements",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stderr
}

#[test]
fn a_ranking_with_one_childs_points_off_by_one_is_caught() {
    // C and D both have 50 points; C, older, wins S2's one seat. One more insurance month for D
    // (one point a month) gives her the seat in the broken ranking.
    let sc = load(&scenario_dir("tiny/two-schools/scenario.toml"));
    let d = sc.children().iter().position(|c| c.id == "D").unwrap();
    let broken = ranking_of_twisted(&sc, |p| p.children[d].insurance_months += 1);
    assert_eq!(broken.points[d], 51_000);
    let stderr = assert_caught("tiny/two-schools", &sc, broken);
    assert!(
        stderr.contains(
            "[justified-envy] child C was refused S2, which she ranked higher, while it holds a child of lower priority"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("child D: column `points` is `51`, expected `50`"),
        "{stderr}"
    );
}

#[test]
fn a_ranking_with_two_tiers_swapped_is_caught() {
    // Migrant children before catchment-hukou ones: A (catchment hukou, 20 points) loses S1.
    let sc = load(&scenario_dir("tiny/two-schools/scenario.toml"));
    let broken = ranking_of_twisted(&sc, |p| {
        let tiers = &mut p.policy.tiers;
        let (a, b) = (
            tiers
                .iter()
                .position(|&t| t == Tier::CatchmentHukou)
                .unwrap(),
            tiers.iter().position(|&t| t == Tier::Migrant).unwrap(),
        );
        tiers.swap(a, b);
    });
    let stderr = assert_caught("tiny/two-schools", &sc, broken);
    assert!(
        stderr.contains("[justified-envy] child A was refused S1"),
        "{stderr}"
    );
}

#[test]
fn a_ranking_with_the_lottery_reversed_is_caught() {
    // Everyone with 0 points and no tie-break key: the lottery alone orders each tier. The
    // broken ranking reverses every draw (and so every class and the fallback order).
    let tmp = super::util::copy_scenario("tiny/two-schools");
    let policy = "name = \"lottery only\"\n[gates]\nmin_permit_months = 12\n";
    std::fs::write(tmp.path().join("policy.toml"), policy).unwrap();
    let sc = load(&tmp.path().join("scenario.toml"));
    let mut broken = Ranking::compute(&sc);
    assert!(broken.points.iter().all(|&p| p == 0) && broken.class_by_district.is_empty());
    let n = broken.class.len() as u32;
    for c in 0..broken.class.len() {
        broken.lottery[c] = !broken.lottery[c];
        broken.class[c] = n - 1 - broken.class[c];
    }
    let mut order: Vec<ChildIdx> = sc.child_indices().collect();
    order.sort_by_key(|c| (broken.home_tier[c.ix()], broken.class[c.ix()]));
    for (pos, c) in order.iter().enumerate() {
        broken.fallback_position[c.ix()] = pos as u32;
    }
    broken.fallback_order = order;
    let honest = solve_checked(&sc, Mechanism::Optimal);
    let solved = solve_with(&sc, broken);
    assert_ne!(honest.assignment.outcomes, solved.assignment.outcomes);
    assert!(
        !solved.check.passed(),
        "the checker passed a solve with the lottery reversed"
    );
    assert!(
        solved
            .check
            .violations
            .iter()
            .any(|v| v.rule == "justified-envy"),
        "{:#?}",
        solved.check.violations
    );
    let path = write_placements(tmp.path(), &sc, &solved);
    let o = seatplan(&[
        "check",
        tmp.path().join("scenario.toml").to_str().unwrap(),
        "--placements",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// Tampering with each column through the CLI.

/// Runs `seatplan check` on the tiny two-schools scenario with `file` as its placements.
fn check_file(file: &str) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("placements.csv");
    std::fs::write(&path, file).unwrap();
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    let o = seatplan(&[
        "check",
        scenario.to_str().unwrap(),
        "--placements",
        path.to_str().unwrap(),
    ]);
    assert_no_panic("seatplan check", &o);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// The tiny two-schools scenario's expected `placements.csv` with child `child`'s `column` set
/// to `value`.
fn tampered(child: &str, column: &str, value: &str) -> String {
    let text =
        std::fs::read_to_string(scenario_dir("tiny/two-schools/expected/placements.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = header.iter().position(|h| h == column).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let mut fields: Vec<String> = record.iter().map(String::from).collect();
        if fields[0] == child {
            fields[at] = value.to_string();
        }
        w.write_record(&fields).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn the_expected_placements_of_every_tiny_scenario_pass_every_column() {
    for name in [
        "two-schools",
        "coordinated",
        "keep-ties",
        "purchase",
        "reserved",
        "siblings",
    ] {
        let dir = scenario_dir(&format!("tiny/{name}"));
        let o = seatplan(&[
            "check",
            dir.join("scenario.toml").to_str().unwrap(),
            "--placements",
            dir.join("expected/placements.csv").to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn a_tampered_value_in_any_column_fails_the_check_naming_it() {
    // (child, column, value written, the message's "column … is …, expected …").
    let cases = [
        (
            "A",
            "district",
            "D2",
            "child A: column `district` is `D2`, expected `D1`",
        ),
        (
            "A",
            "kind",
            "purchased",
            "child A: column `kind` is `purchased`, expected `public`",
        ),
        (
            "A",
            "school_name",
            "Second Primary",
            "child A: column `school_name` is `Second Primary`, expected `First Primary`",
        ),
        (
            "D",
            "choice_rank",
            "1",
            "child D: column `choice_rank` is `1`, expected blank",
        ),
        (
            "A",
            "points",
            "21",
            "child A: column `points` is `21`, expected `20`",
        ),
        (
            "B",
            "points",
            "70.5",
            "child B: column `points` is `70.5`, expected `70`",
        ),
        (
            "A",
            "tier",
            "hukou",
            "child A: column `tier` is `hukou`, expected `catchment_hukou`",
        ),
        (
            "E",
            "tier",
            "migrant",
            "child E: column `tier` is `migrant`, expected `ineligible`",
        ),
        (
            "A",
            "distance_km",
            "0.700",
            "child A: column `distance_km` is `0.700`, expected `0.500`",
        ),
        (
            "E",
            "distance_km",
            "1.000",
            "child E: column `distance_km` is `1.000`, expected blank",
        ),
        (
            "D",
            "cost_yuan",
            "5000",
            "child D: column `cost_yuan` is `5000`, expected `6000`",
        ),
        (
            "C",
            "cost_yuan",
            "6000",
            "child C: column `cost_yuan` is `6000`, expected blank",
        ),
        (
            "C",
            "reason",
            "first_choice",
            "child C: column `reason` is `first_choice`, expected `choice`",
        ),
        (
            "D",
            "reason",
            "ineligible",
            "child D: column `reason` is `ineligible`, expected `choices_full`",
        ),
        (
            "A",
            "note",
            "admitted to choice 2",
            "child A: column `note` is `admitted to choice 2`, expected `admitted to choice 1`",
        ),
    ];
    for (child, column, value, message) in cases {
        let (code, stderr) = check_file(&tampered(child, column, value));
        assert_eq!(code, Some(3), "{child}.{column} = {value}: {stderr}");
        assert!(
            stderr.contains(message),
            "{child}.{column} = {value}: {stderr}"
        );
        assert!(stderr.contains("[placement-column] line "), "{stderr}");
    }
}

#[test]
fn a_tampered_placement_itself_fails_the_rules() {
    // The columns that say where a child is — school, choice rank, an unplaced child's reason —
    // are the placement the rules verify.
    let (code, stderr) = check_file(&tampered("C", "choice_rank", "1"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains(
            "[choice-rank] child C is placed at S2 as choice 1, which is not her choice 1"
        ),
        "{stderr}"
    );
    let (code, stderr) = check_file(&tampered("A", "school", "S2"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("[choice-rank] child A is placed at S2"),
        "{stderr}"
    );
    let (code, stderr) = check_file(&tampered("F", "reason", "no_private_school_in_reach"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("[unplaced-reason] child F is unplaced for `no_private_school_in_reach`"),
        "{stderr}"
    );
    // A coordinated place where she had been bought one.
    let (code, stderr) = check_file(&tampered("D", "school", "S1"));
    assert_eq!(code, Some(3), "{stderr}");
}

#[test]
fn a_choice_rank_beyond_the_childs_list_is_reported_not_a_panic() {
    // C listed two schools; rank 9 once indexed past her list.
    let (code, stderr) = check_file(&tampered("C", "choice_rank", "9"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("child C is placed at S2 as choice 9, which is not her choice 9"),
        "{stderr}"
    );
    // A sibling group's rank beyond the list.
    let dir = scenario_dir("tiny/siblings");
    let text = std::fs::read_to_string(dir.join("expected/placements.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rank = header.iter().position(|h| h == "choice_rank").unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for record in reader.records() {
        let mut fields: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if !fields[rank].is_empty() {
            fields[rank] = "200".into();
        }
        w.write_record(&fields).unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("placements.csv");
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    let o = seatplan(&[
        "check",
        dir.join("scenario.toml").to_str().unwrap(),
        "--placements",
        path.to_str().unwrap(),
    ]);
    assert_no_panic("seatplan check", &o);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Outcomes built in code with indices out of range are reported too.
    let sc = load(&scenario_dir("tiny/two-schools/scenario.toml"));
    let mut outcomes = solve_checked(&sc, Mechanism::Optimal).assignment.outcomes;
    outcomes[0] = Outcome::Choice {
        school: SchoolIdx(99),
        rank: 0,
    };
    outcomes[1] = Outcome::Purchased {
        school: PrivateIdx(7),
    };
    let report = seatplan::check(&sc, &outcomes);
    let rules: Vec<&str> = report.violations.iter().map(|v| v.rule).collect();
    assert_eq!(
        rules,
        ["every-child-once", "every-child-once"],
        "{:#?}",
        report.violations
    );
}

#[test]
fn what_cannot_be_read_as_a_placement_is_invalid_input() {
    for (child, column, value, message) in [
        ("A", "school", "S9", "field `school`: unknown school `S9`"),
        (
            "A",
            "choice_rank",
            "0",
            "field `choice_rank`: `0` is not a choice rank",
        ),
        (
            "A",
            "choice_rank",
            "one",
            "field `choice_rank`: `one` is not a choice rank",
        ),
        (
            "F",
            "reason",
            "first_choice",
            "field `reason`: `first_choice` is not the reason of a child without a school",
        ),
        ("A", "child", "Z", "field `child`: unknown child `Z`"),
        ("A", "child", "B", "child `B` appears again"),
    ] {
        let (code, stderr) = check_file(&tampered(child, column, value));
        assert_eq!(code, Some(2), "{child}.{column} = {value}: {stderr}");
        assert!(
            stderr.contains(message),
            "{child}.{column} = {value}: {stderr}"
        );
    }
}
