//! Property tests of the points policy: monotone in "more is better" facts, caps never exceeded,
//! the order of indicator rows irrelevant.

use proptest::prelude::*;

use seatplan::domain::*;
use seatplan::policy::{
    Bracket, Fact, Gates, Indicator, IndicatorRule, Layer, NumericFact, Policy, Scope, TieRule,
    Tier,
};
use seatplan::Scenario;

fn child(insurance: u32, residence: u32, elsewhere: u32) -> Child {
    Child {
        id: "C".into(),
        birth_date: Date {
            year: 2017,
            month: 3,
            day: 1,
        },
        residence_district: DistrictIdx(0),
        location: Location::km(0.0, 0.0),
        hukou_district: None,
        permit_months: 24,
        insurance_months: insurance,
        residence_months: residence,
        insurance_months_elsewhere: elsewhere,
        residence_months_elsewhere: elsewhere,
        insurance_back_paid: false,
        housing: Housing::Rented,
        education: Education::Senior,
        sibling_school: None,
        catchment: Box::default(),
        hukou_catchment: Box::default(),
        feeder_schools: Box::default(),
        lottery: None,
        extra_facts: Box::default(),
        choices: Box::default(),
        sibling_group: None,
    }
}

/// A random "more is better" indicator on insurance or residence months.
fn indicator() -> impl Strategy<Value = Indicator> {
    (
        0usize..3,
        prop::bool::ANY,
        0i64..3000,
        prop::option::of(0i64..100_000),
        prop::collection::vec((1u32..40, 0i64..20_000), 1..4),
        prop::option::of(1i64..=1000),
        0usize..2,
    )
        .prop_map(|(layer, per_unit, rate, cap, steps, recognition, fact)| {
            let rule = if per_unit {
                IndicatorRule::PerUnit { per_unit: rate }
            } else {
                // Increasing thresholds with non-decreasing points: a monotone step table.
                let (mut from, mut pts) = (0u32, 0i64);
                let mut brackets = Vec::new();
                for (i, (width, step)) in steps.iter().enumerate() {
                    pts += step;
                    let to = (i + 1 < steps.len()).then_some(from + width);
                    brackets.push(Bracket {
                        from,
                        to,
                        points: pts,
                    });
                    from += width;
                }
                IndicatorRule::Brackets(brackets)
            };
            Indicator {
                name: format!("i{layer}{fact}"),
                scope: [
                    Scope::Provincial,
                    Scope::City,
                    Scope::District(DistrictIdx(0)),
                ][layer],
                fact: Fact::Numeric(
                    [NumericFact::InsuranceMonths, NumericFact::ResidenceMonths][fact],
                ),
                recognition,
                rule,
                cap,
            }
        })
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        prop::collection::vec(indicator(), 1..6),
        prop::array::uniform3(prop::option::of(0i64..200_000)),
    )
        .prop_map(|(indicators, layer_caps)| Policy {
            name: "random".into(),
            gates: Gates::default(),
            indicators,
            layer_caps,
            tiers: vec![Tier::Migrant],
            school_tiers: Default::default(),
            tie_keys: vec![],
            tie_rule: TieRule::Lottery,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn more_months_never_cost_points(p in policy(), ins in 0u32..200, res in 0u32..200, extra in 0u32..60, add in 1u32..50, which in 0usize..3) {
        let before = child(ins, res, extra);
        let mut after = before.clone();
        match which {
            0 => after.insurance_months += add,
            1 => after.residence_months += add,
            _ => {
                after.insurance_months_elsewhere += add;
                after.residence_months_elsewhere += add;
            }
        }
        let d = DistrictIdx(0);
        prop_assert!(p.points_at(&after, d) >= p.points_at(&before, d));
    }

    #[test]
    fn caps_are_never_exceeded(p in policy(), ins in 0u32..400, res in 0u32..400, extra in 0u32..100) {
        let st = p.statement(&child(ins, res, extra), DistrictIdx(0));
        for (ind, item) in p.indicators.iter().zip(&st.items) {
            let item = item.as_ref().unwrap();
            if let Some(cap) = ind.cap {
                prop_assert!(item.points <= cap);
            }
            prop_assert!(item.points <= item.raw);
        }
        for (total, cap) in st.layers.iter().zip(p.layer_caps) {
            if let Some(cap) = cap {
                prop_assert!(*total <= cap);
            }
        }
        prop_assert_eq!(st.total, st.layers.iter().sum::<i64>());
    }

    #[test]
    fn the_order_of_indicator_rows_changes_nothing(p in policy(), ins in 0u32..300, res in 0u32..300, extra in 0u32..60, seed in any::<u64>()) {
        let mut shuffled = p.clone();
        let mut rng = seatplan::Rng::new(seed);
        for i in (1..shuffled.indicators.len()).rev() {
            shuffled.indicators.swap(i, rng.int(0, i as u64) as usize);
        }
        let c = child(ins, res, extra);
        prop_assert_eq!(p.points_at(&c, DistrictIdx(0)), shuffled.points_at(&c, DistrictIdx(0)));
    }

    #[test]
    fn district_points_count_only_in_their_district(p in policy(), ins in 0u32..300, res in 0u32..300) {
        let c = child(ins, res, 0);
        let home = p.statement(&c, DistrictIdx(0));
        let elsewhere = p.statement(&c, DistrictIdx(1));
        prop_assert_eq!(elsewhere.layers[Layer::District as usize], 0);
        prop_assert_eq!(&home.layers[..2], &elsewhere.layers[..2]);
    }
}

/// Runs a shipped policy preset on a small generated city of the given census city.
fn run_preset(preset: &str, city: &str) -> (Scenario, seatplan::Solved) {
    use seatplan::{generate_city, read_census, CityConfig};
    let census = super::util::scenario_dir("data/zhejiang_districts_2020.csv");
    let mut cfg = CityConfig::new("preset test", read_census(&census, city).unwrap(), 3);
    cfg.scale = 0.01;
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in generate_city(&cfg) {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    std::fs::copy(
        super::util::scenario_dir(&format!("policies/{preset}")),
        tmp.path().join("policy.toml"),
    )
    .unwrap();
    let sc = super::util::load(&tmp.path().join("scenario.toml"));
    let solved = super::util::solve_checked(&sc, seatplan::Mechanism::Optimal);
    (sc, solved)
}

#[test]
fn the_shipped_presets_load_and_place_every_child() {
    for (preset, city) in [
        ("ningbo-300.toml", "Ningbo"),
        ("shenzhen-insurance.toml", "Ningbo"),
        ("hangzhou-weighted.toml", "Hangzhou"),
    ] {
        let (sc, solved) = run_preset(preset, city);
        assert!(solved.assignment.public.proven_optimal(), "{preset}");
        // Points stay within the layer caps the preset declares.
        for c in sc.children() {
            let st = sc.policy().statement(c, c.residence_district);
            for (total, cap) in st.layers.iter().zip(sc.policy().layer_caps) {
                assert!(cap.is_none_or(|cap| *total <= cap), "{preset}");
            }
        }
    }
}

#[test]
fn the_ningbo_preset_adds_up_to_300_and_counts_district_points_only_at_home() {
    let (sc, solved) = run_preset("ningbo-300.toml", "Ningbo");
    let caps: Vec<i64> = sc.policy().layer_caps.iter().map(|c| c.unwrap()).collect();
    assert_eq!(caps, [100_000, 150_000, 50_000]);
    // A child with district-layer points has fewer points at other districts' schools.
    let with_local = sc
        .child_indices()
        .find(|&c| {
            let child = sc.child(c);
            sc.policy()
                .statement(child, child.residence_district)
                .layers[Layer::District as usize]
                > 0
        })
        .expect("some child earns district points");
    let home = sc.child(with_local).residence_district;
    let other = DistrictIdx(if home.0 == 0 { 1 } else { 0 });
    assert!(
        solved.ranking.points_at(&sc, with_local, other)
            < solved.ranking.points_at(&sc, with_local, home)
    );
}
