//! Unit tests of reading a policy file: a good file, and each kind of problem with its line.

use std::path::Path;

use super::parse_policy;
use crate::policy::spec::FactSpec;
use crate::policy::{
    resolve, Fact, IndicatorRule, Layer, NumericFact, ScenarioNames, SchoolName, TieRule, Tier,
};

const GOOD: &str = r#"
name = "test"
[gates]
min_permit_months = 12
[[indicators]]
name = "insurance"
fact = "insurance_months"
points_per_unit = 0.5
cap = 30
[[indicators]]
name = "home"
fact = "housing"
points = { owned = 20, rented = 10 }
[priority]
tiers = ["catchment_hukou", "migrant"]
tie_break = ["birth_date"]
rule = "keep_ties"
"#;

/// A scenario with no districts, every school known, and no extra fact columns.
const NO_NAMES: ScenarioNames = ScenarioNames {
    district: &|_| None,
    school: &|_| SchoolName::OtherGrade,
    extra_facts: &[],
    catchments: false,
    polygons_only: None,
};

#[test]
fn parses_a_good_policy() {
    let spec = parse_policy(Path::new("policy.toml"), GOOD).unwrap();
    {
        let first = &spec.indicators[0];
        assert_eq!(first.fact, FactSpec::Numeric(NumericFact::InsuranceMonths));
        assert_eq!(first.rule, IndicatorRule::PerUnit { per_unit: 500 });
        assert_eq!(
            (first.cap, first.layer, first.line),
            (Some(30_000), Layer::City, 7)
        );
    }
    let p = resolve(Path::new("policy.toml"), &spec, &NO_NAMES).unwrap();
    assert_eq!(p.indicators.len(), 2);
    assert_eq!(p.tiers, vec![Tier::CatchmentHukou, Tier::Migrant]);
    assert_eq!(p.tie_rule, TieRule::KeepTies);
    let first = &p.indicators[0];
    assert_eq!(first.fact, Fact::Numeric(NumericFact::InsuranceMonths));
    assert_eq!(first.rule, IndicatorRule::PerUnit { per_unit: 500 });
}

#[test]
fn reports_every_bad_name_with_its_line() {
    let text = GOOD.replace("\"birth_date\"", "\"shoe_size\"");
    let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
    let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        shown,
        ["p.toml:16: field `priority.tie_break`: unknown tie-break key `shoe_size` (known keys: insurance_months, residence_months, permit_months, birth_date)"]
    );
    // A fact that is neither built in nor a column of the children file.
    let text = GOOD.replace("\"insurance_months\"", "\"insurence_months\"");
    let spec = parse_policy(Path::new("p.toml"), &text).unwrap();
    let errs = resolve(Path::new("p.toml"), &spec, &NO_NAMES).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "p.toml:7: field `fact`: unknown fact `insurence_months`: not one of insurance_months, residence_months, permit_months, housing, education and the children file has no column `fact_insurence_months`"
    );
}

#[test]
fn negative_cap_is_refused() {
    let errs =
        parse_policy(Path::new("p.toml"), &GOOD.replace("cap = 30", "cap = -3")).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "p.toml:9: field `cap`: must be a number ≥ 0, got -3"
    );
}

#[test]
fn overlapping_brackets_are_refused() {
    let text = GOOD.replace(
        "points_per_unit = 0.5",
        "brackets = [{ from = 0, to = 24, points = 5 }, { from = 12, points = 10 }]",
    );
    let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "p.toml:8: field `brackets`: brackets overlap: [0, 24) and [12, …)"
    );
}

#[test]
fn layer_caps_must_add_up_to_the_total() {
    let text =
        format!("{GOOD}\n[layers]\ntotal = 300\nprovincial = 100\ncity = 150\ndistrict = 40\n");
    let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "p.toml:20: field `layers.total`: the layer caps add up to 290 (provincial 100 + city 150 + district 40), not 300"
    );
}

#[test]
fn district_layer_needs_a_district() {
    let text = GOOD.replace("name = \"home\"", "name = \"home\"\nlayer = \"district\"");
    let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "p.toml:13: field `district`: indicator `home` is in the district layer and must name its `district`"
    );
}

#[test]
fn unknown_keys_are_refused_with_a_line() {
    let errs = parse_policy(Path::new("p.toml"), "name = \"x\"\nbonus = 3\n").unwrap_err();
    assert_eq!(errs[0].line, Some(2));
    assert!(
        errs[0].message.contains("unknown field `bonus`"),
        "{}",
        errs[0]
    );
}
