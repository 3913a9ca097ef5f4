//! Tiers a policy defines (`[[priority.tier]]`): bad definitions refused with file, line and
//! field; a definition read the same by the ranking and by the independent checker; and adding a
//! child of a higher tier never helping anyone already applying.

use std::path::{Path, MAIN_SEPARATOR};

use proptest::prelude::*;
use seatplan::{Mechanism, Outcome};
use tempfile::TempDir;

use super::util::{copy_scenario, load, scenario_dir, solve_checked};

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
            "policy.toml:21: field `priority.tier.housing`: `bought` is not a kind of home (expected owned, rented or none)",
            "policy.toml:24: field `priority.tier.any.min_facts`: `Owned-Years` is not a fact name (lower-case letters, digits and `_`)",
            "policy.toml:34: field `priority.tier.hukou`: unknown area `nowhere` (expected catchment, district, city, none)",
            "policy.toml:39: field `priority.tier.name`: `migrant` is a built-in tier: give the tier you define another name",
            "policy.toml:13: field `priority.tiers`: unknown tier `四类` (known tiers: catchment_hukou, sibling, hukou, migrant, 一类, 二类, 三类)",
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
            "policy.toml:39: field `priority.tier.name`: tier `三类` is defined twice",
            "policy.toml:32: field `priority.tier.name`: tier `三类` is defined but no tier list names it (add it to `priority.tiers` or a `[priority.schools]` list)",
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
        errs[0].starts_with("policy.toml:36: unknown field `min_permit_month`"),
        "{errs:#?}"
    );

    let dir = copy_scenario("tiny/catchments");
    edit(&dir, "policy.toml", "owned_years = 5", "years_owned = 5");
    assert_eq!(
        errors(&dir),
        ["policy.toml:24: field `priority.tier.min_facts`: unknown fact `years_owned`: the children file has no column `fact_years_owned`"]
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Every mechanism keeps working with the defined tiers of the catchment scenario: deferred
    /// acceptance, the optimum and the integer program with strict priorities, kept ties,
    /// admit-all-tied, seats reserved for migrant children, and each coordinated stage after
    /// them; the independent checker, which evaluates the tiers from the rules on its own,
    /// passes every run.
    #[test]
    fn every_mechanism_passes_the_checker_with_defined_tiers(
        kids in proptest::collection::vec(kid(), 3..10),
        rule in 0..3usize,
        reserved in any::<bool>(),
        stage in 0..4usize,
    ) {
        let dir = copy_scenario("tiny/catchments");
        write_city(dir.path(), &kids);
        let (words, mechanisms): (&str, &[Mechanism]) = match rule {
            0 => ("lottery", &[Mechanism::Optimal, Mechanism::DeferredAcceptance, Mechanism::Ip]),
            1 => ("keep_ties", &[Mechanism::Optimal, Mechanism::Ip]),
            _ => ("admit_all_tied", &[Mechanism::Optimal, Mechanism::DeferredAcceptance]),
        };
        edit(&dir, "policy.toml", "[priority]\n", &format!("[priority]\nrule = \"{words}\"\n"));
        let mut settings = String::new();
        // Reserved seats need strict priorities (refused otherwise, tested in tests/it/quotas.rs).
        if reserved && rule == 0 {
            settings.push_str("\n[quotas]\nmigrant_share = 0.34\n");
        }
        let stage = ["off", "district", "catchment", "nearest"][stage];
        settings.push_str(&format!("\n[fallback]\ncoordinated = \"{stage}\"\ncoordinated_max_km = 6.0\n"));
        let path = dir.path().join("scenario.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}{settings}")).unwrap();
        let scenario = load(&path);
        for &m in mechanisms {
            // The integer program does not take reserved seats (`Unsupported`, by design).
            if !(reserved && rule == 0 && m == Mechanism::Ip) {
                solve_checked(&scenario, m);
            }
        }
    }
}

/// A one-district city with one school of `seats` seats that every child applies to, and a
/// policy giving everyone 0 points with these `tie_break` keys.
fn one_school(dir: &Path, seats: usize, tie_break: &str, children: &str) {
    let files = [
        (
            "scenario.toml",
            "name = \"one school\"\nentry_grade = 1\nseed = 5\nbudget_yuan = 0\npolicy = \"policy.toml\"\n[tables]\ndistricts = \"districts.csv\"\nschools = \"schools.csv\"\nchildren = \"children.csv\"\nchoices = \"choices.csv\"\n".to_string(),
        ),
        (
            "policy.toml",
            format!("name = \"ties\"\n[priority]\ntie_break = {tie_break}\n"),
        ),
        ("districts.csv", "id,name,permanent_population\nD1,One,1000\n".to_string()),
        (
            "schools.csv",
            format!("id,name,district,entry_grade,seats,x_km,y_km\nS1,Only,D1,1,{seats},0,0\n"),
        ),
        ("children.csv", children.to_string()),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let mut choices = String::from("child,school,rank\n");
    for line in children.lines().skip(1) {
        let id = line.split(',').next().unwrap();
        choices.push_str(&format!("{id},S1,1\n"));
    }
    std::fs::write(dir.join("choices.csv"), choices).unwrap();
}

/// The ids admitted by choice, sorted.
fn admitted(dir: &Path) -> Vec<String> {
    let ranks = choice_ranks(dir);
    ranks
        .into_iter()
        .filter(|(_, r)| *r == 1)
        .map(|(id, _)| id)
        .collect()
}

const HEADER: &str = "id,birth_date,residence_district,x_km,y_km,hukou_district,permit_months,insurance_months,residence_months,housing,education";

#[test]
fn a_tie_break_key_on_an_extra_fact_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut children = format!("{HEADER},fact_insurance_start\n");
    for (id, start) in [
        ("A", 20190301),
        ("B", 20180115),
        ("C", 20200701),
        ("D", 20171201),
    ] {
        children.push_str(&format!(
            "{id},2017-01-01,D1,0,0,D1,0,0,0,rented,senior,{start}\n"
        ));
    }
    // The earliest insurance start first: D (2017-12), B (2018-01).
    one_school(
        dir.path(),
        2,
        "[{ key = \"insurance_start\", order = \"ascending\" }]",
        &children,
    );
    assert_eq!(admitted(dir.path()), ["B", "D"]);
    one_school(
        dir.path(),
        2,
        "[{ key = \"insurance_start\", order = \"descending\" }]",
        &children,
    );
    assert_eq!(admitted(dir.path()), ["A", "C"]);
    // The younger child first, on the birth date.
    let mut children = format!("{HEADER}\n");
    for (id, born) in [
        ("A", "2017-03-01"),
        ("B", "2017-01-01"),
        ("C", "2017-02-01"),
    ] {
        children.push_str(&format!("{id},{born},D1,0,0,D1,0,0,0,rented,senior\n"));
    }
    one_school(
        dir.path(),
        1,
        "[{ key = \"birth_date\", order = \"descending\" }]",
        &children,
    );
    assert_eq!(admitted(dir.path()), ["A"]);
    one_school(dir.path(), 1, "[\"birth_date\"]", &children);
    assert_eq!(admitted(dir.path()), ["B"]);
}

#[test]
fn bad_tie_break_keys_are_refused_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let children = format!("{HEADER}\nA,2017-01-01,D1,0,0,D1,0,0,0,rented,senior\n");
    one_school(
        dir.path(),
        1,
        "[\n  { key = \"start\", order = \"ascending\" },\n  { key = \"birth_date\", order = \"up\" },\n  { key = \"birth_date\" },\n  { key = \"permit_months\", order = \"descending\", by = 1 },\n  3,\n]",
        &children,
    );
    let errors = seatplan::load(&dir.path().join("scenario.toml")).unwrap_err();
    let prefix = format!("{}{MAIN_SEPARATOR}", dir.path().display());
    let got: Vec<String> = errors
        .errors
        .iter()
        .map(|e| e.to_string().replace(&prefix, ""))
        .collect();
    assert_eq!(
        got,
        [
            "policy.toml:5: field `priority.tie_break`: unknown order `up` for tie-break key `birth_date` (expected `ascending` or `descending`)",
            "policy.toml:6: field `priority.tie_break`: tie-break key `birth_date` needs `order = \"ascending\"` (smaller first) or `\"descending\"` (larger first)",
            "policy.toml:7: field `priority.tie_break`: unknown key `by` in a tie-break key (expected `key` and `order`)",
            "policy.toml:8: field `priority.tie_break`: a tie-break key is a name or `{ key = \"…\", order = \"…\" }`, not `3`",
        ]
    );
    // Once the file is sound, the fact is looked up in the children file.
    one_school(
        dir.path(),
        1,
        "[{ key = \"start\", order = \"ascending\" }]",
        &children,
    );
    let errors = seatplan::load(&dir.path().join("scenario.toml")).unwrap_err();
    assert_eq!(
        errors.errors[0].to_string().replace(&prefix, ""),
        "policy.toml:3: field `priority.tie_break`: unknown tie-break key `start`: not one of insurance_months, residence_months, permit_months, insurance_months_elsewhere, residence_months_elsewhere, birth_date and the children file has no column `fact_start`"
    );
}

#[test]
fn a_notarised_draw_orders_the_children_still_tied() {
    let dir = tempfile::tempdir().unwrap();
    let mut children = format!("{HEADER},lottery\n");
    for (id, n) in [("A", 3), ("B", 1), ("C", 4), ("D", 2)] {
        children.push_str(&format!(
            "{id},2017-01-01,D1,0,0,D1,0,0,0,rented,senior,{n}\n"
        ));
    }
    one_school(dir.path(), 2, "[]", &children);
    assert_eq!(admitted(dir.path()), ["B", "D"]);

    // Every child needs her own number.
    let broken = children
        .replace(",senior,4\n", ",senior,\n")
        .replace(",senior,2\n", ",senior,3\n");
    one_school(dir.path(), 2, "[]", &broken);
    let errors = seatplan::load(&dir.path().join("scenario.toml")).unwrap_err();
    let prefix = format!("{}{MAIN_SEPARATOR}", dir.path().display());
    let got: Vec<String> = errors
        .errors
        .iter()
        .map(|e| e.to_string().replace(&prefix, ""))
        .collect();
    assert_eq!(
        got,
        [
            "children.csv:4: field `lottery`: blank, but other children have the draw's numbers: a notarised draw gives every child a number (or leave the whole column blank for the seeded lottery)",
            "children.csv:5: field `lottery`: number 3 is also child `A`'s: each child draws her own number",
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Reversing a tie-break key's order reverses the order of the children it separates: with
    /// `seats` seats, one order admits the children with the smallest values, the other those
    /// with the largest.
    #[test]
    fn reversing_a_tie_break_key_reverses_the_order_of_tied_children(
        values in proptest::collection::btree_set(0..1000u32, 2..9),
        seats in 1..8usize,
        seed in any::<u64>(),
    ) {
        let seats = seats.min(values.len() - 1);
        let mut values: Vec<u32> = values.into_iter().collect();
        // Shuffle the values over the children, so the ids say nothing of the order.
        let n = values.len();
        for i in (1..n).rev() {
            values.swap(i, (seed as usize ^ i.wrapping_mul(2654435761)) % (i + 1));
        }
        let mut children = format!("{HEADER},fact_score\n");
        for (i, v) in values.iter().enumerate() {
            children.push_str(&format!("K{i},2017-01-01,D1,0,0,D1,0,0,0,rented,senior,{v}\n"));
        }
        let mut by_value: Vec<(u32, String)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (*v, format!("K{i}")))
            .collect();
        by_value.sort();
        let sorted_ids = |part: &[(u32, String)]| {
            let mut ids: Vec<String> = part.iter().map(|(_, id)| id.clone()).collect();
            ids.sort();
            ids
        };
        let smallest = sorted_ids(&by_value[..seats]);
        let largest = sorted_ids(&by_value[n - seats..]);
        let dir = tempfile::tempdir().unwrap();
        one_school(dir.path(), seats, "[{ key = \"score\", order = \"ascending\" }]", &children);
        prop_assert_eq!(admitted(dir.path()), smallest);
        one_school(dir.path(), seats, "[{ key = \"score\", order = \"descending\" }]", &children);
        prop_assert_eq!(admitted(dir.path()), largest);
    }
}

/// An explanation gives a parent the tier in the policy's own words, as its `[[priority.tier]]`
/// describes it.
#[test]
fn an_explanation_names_the_tier_in_the_policys_own_words() {
    let scenario = scenario_dir("tiny/catchments").join("scenario.toml");
    let out = super::util::seatplan(&[
        "explain",
        scenario.to_str().unwrap(),
        "--child",
        "E",
        "--lang",
        "both",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Tier 类别: 二类：户籍在施教区内，或在施教区内自有住房满五年"),
        "{text}"
    );
    let policy = std::fs::read_to_string(scenario.with_file_name("policy.toml")).unwrap();
    assert!(policy.contains("二类：户籍在施教区内，或在施教区内自有住房满五年"));
}
