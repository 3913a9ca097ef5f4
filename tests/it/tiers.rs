//! Tiers a policy defines (`[[priority.tier]]`): bad definitions refused with file, line and
//! field; a definition read the same by the ranking and by the independent checker; and adding a
//! child of a higher tier never helping anyone already applying.

use std::path::{Path, MAIN_SEPARATOR};

use proptest::prelude::*;
use seatplan::{Mechanism, Outcome};
use tempfile::TempDir;

use super::util::{copy_scenario, load, solve_checked};

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
fn bad_tier_definitions_are_refused_with_their_lines() {
    let dir = copy_scenario("tiny/catchments");
    edit(&dir, "policy.toml", "name = \"四类\"", "name = \"migrant\"");
    edit(
        &dir,
        "policy.toml",
        "hukou = \"none\"\nresidence = \"catchment\"",
        "hukou = \"nowhere\"\nresidence = \"catchment\"",
    );
    edit(
        &dir,
        "policy.toml",
        "housing = \"owned\"\n",
        "housing = [\"owned\", \"bought\"]\n",
    );
    edit(
        &dir,
        "policy.toml",
        "min_facts = { owned_years = 5 }",
        "min_facts = { Owned-Years = 5 }",
    );
    assert_eq!(
        errors(&dir),
        [
            "policy.toml:26: field `priority.tier.housing`: `bought` is not a kind of home (expected owned, rented or none)",
            "policy.toml:31: field `priority.tier.any.min_facts`: `Owned-Years` is not a fact name (lower-case letters, digits and `_`)",
            "policy.toml:37: field `priority.tier.hukou`: unknown area `nowhere` (expected catchment, district, city, none)",
            "policy.toml:43: field `priority.tier.name`: `migrant` is a built-in tier: give the tier you define another name",
            "policy.toml:14: field `priority.tiers`: unknown tier `四类` (known tiers: catchment_hukou, sibling, hukou, migrant, 一类, 二类, 三类)",
        ]
    );
}

#[test]
fn a_tier_defined_twice_or_never_listed_is_refused() {
    let dir = copy_scenario("tiny/catchments");
    edit(&dir, "policy.toml", "name = \"四类\"", "name = \"三类\"");
    edit(&dir, "policy.toml", "\"三类\", \"四类\", ", "");
    assert_eq!(
        errors(&dir),
        [
            "policy.toml:43: field `priority.tier.name`: tier `三类` is defined twice",
            "policy.toml:36: field `priority.tier.name`: tier `三类` is defined but no tier list names it (add it to `priority.tiers` or a `[priority.schools]` list)",
        ]
    );
}

#[test]
fn an_unknown_key_or_fact_in_a_tier_is_refused() {
    let dir = copy_scenario("tiny/catchments");
    edit(
        &dir,
        "policy.toml",
        "min_permit_months = 12\n\n",
        "min_permit_month = 12\n\n",
    );
    let errs = errors(&dir);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with("policy.toml:39: unknown field `min_permit_month`"),
        "{errs:#?}"
    );

    let dir = copy_scenario("tiny/catchments");
    edit(&dir, "policy.toml", "owned_years = 5", "years_owned = 5");
    assert_eq!(
        errors(&dir),
        ["policy.toml:27: field `priority.tier.min_facts`: unknown fact `years_owned`: the children file has no column `fact_years_owned`"]
    );
}

/// One child of the generated cities: home community, hukou, housing, permit, insurance.
#[derive(Debug, Clone)]
struct Kid {
    community: usize,
    hukou: Option<usize>,
    owned: bool,
    permit: u32,
    insurance: u32,
    choices: Vec<usize>,
}

const COMMUNITIES: [(&str, &str); 4] = [
    ("Lotus", "D1"),
    ("Willow", "D1"),
    ("Pine", "D1"),
    ("Maple", "D2"),
];
const SCHOOLS: [&str; 3] = ["S1", "S2", "S3"];

fn kid() -> impl Strategy<Value = Kid> {
    (
        0..4usize,
        proptest::option::of(0..4usize),
        any::<bool>(),
        0..30u32,
        0..60u32,
        proptest::sample::subsequence(vec![0usize, 1, 2], 1..=3).prop_shuffle(),
    )
        .prop_map(
            |(community, hukou, owned, permit, insurance, choices)| Kid {
                community,
                hukou,
                owned,
                permit,
                insurance,
                choices,
            },
        )
}

/// Writes the tiny catchment scenario's city with these children instead of its own.
fn write_city(dir: &Path, kids: &[Kid]) {
    let mut children = String::from("id,birth_date,residence_district,x_km,y_km,hukou_district,permit_months,insurance_months,residence_months,housing,education,sibling_school,community,hukou_community,fact_owned_years\n");
    let mut choices = String::from("child,school,rank\n");
    for (i, k) in kids.iter().enumerate() {
        let (community, district) = COMMUNITIES[k.community];
        let (hukou_district, hukou_community) = match k.hukou {
            Some(h) => (COMMUNITIES[h].1, COMMUNITIES[h].0),
            None => ("", ""),
        };
        children.push_str(&format!(
            "K{i:02},2017-0{}-10,{district},{}.5,0,{hukou_district},{},{},30,{},senior,,{community},{hukou_community},{}\n",
            1 + i % 9,
            i % 7,
            k.permit,
            k.insurance,
            if k.owned { "owned" } else { "rented" },
            if k.owned { 6 } else { 0 },
        ));
        for (r, s) in k.choices.iter().enumerate() {
            choices.push_str(&format!("K{i:02},{},{}\n", SCHOOLS[*s], r + 1));
        }
    }
    std::fs::write(dir.join("children.csv"), children).unwrap();
    std::fs::write(dir.join("choices.csv"), choices).unwrap();
}

/// The choice rank each child was admitted at (`usize::MAX` if not by choice), by id.
fn choice_ranks(dir: &Path) -> std::collections::BTreeMap<String, usize> {
    let scenario = load(&dir.join("scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    scenario
        .children()
        .iter()
        .zip(&solved.assignment.outcomes)
        .map(|(c, o)| {
            let rank = match o {
                Outcome::Choice { rank, .. } => *rank as usize,
                _ => usize::MAX,
            };
            (c.id.clone(), rank)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// A new applicant of the first tier (一类 at the schools whose catchment holds her home)
    /// never gives any child already applying a better choice; and every run passes the
    /// independent checker, which reads the defined tiers on its own.
    #[test]
    fn adding_a_child_of_a_tier_above_never_helps_a_child_below(
        kids in proptest::collection::vec(kid(), 3..10),
        community in 0..4usize,
        choices in proptest::sample::subsequence(vec![0usize, 1, 2], 1..=3),
    ) {
        let dir = copy_scenario("tiny/catchments");
        write_city(dir.path(), &kids);
        let before = choice_ranks(dir.path());
        let mut more = kids.clone();
        more.push(Kid { community, hukou: Some(community), owned: true, permit: 0, insurance: 0, choices });
        write_city(dir.path(), &more);
        let after = choice_ranks(dir.path());
        for (id, rank) in &before {
            prop_assert!(after[id] >= *rank, "{id} went from choice {rank} to {}", after[id]);
        }
    }
}
