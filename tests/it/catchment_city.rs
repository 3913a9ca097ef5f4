//! A generated city with communities and catchments (`seatplan generate --catchments`): the same
//! schools and children as without, a catchment for every public school with some communities
//! shared (多校划片), community columns consistent with the homes; and the shipped
//! `scenarios/hangzhou-catchments`, which the generator writes byte for byte and which runs under
//! the independent checker with every catchment class of the Hangzhou preset held.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use seatplan::policy::Tier;
use seatplan::{generate_city, read_census, CityConfig, Mechanism};

use super::util::{load, scenario_dir, seatplan, solve_checked};

/// The generator's files for a Hangzhou-like city at `scale`, with or without catchments.
fn files(scale: f64, catchments: bool) -> BTreeMap<&'static str, String> {
    let census = scenario_dir("data/zhejiang_districts_2020.csv");
    let mut cfg = CityConfig::new(
        "catchment test",
        read_census(&census, "Hangzhou").unwrap(),
        7,
    );
    cfg.scale = scale;
    cfg.catchments = catchments;
    generate_city(&cfg).into_iter().collect()
}

/// The rows of a CSV text as maps from header to cell.
fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn catchments_add_a_table_and_two_columns_to_the_same_city() {
    let (plain, with) = (files(0.02, false), files(0.02, true));
    let extra: Vec<&&str> = with.keys().filter(|k| !plain.contains_key(*k)).collect();
    assert_eq!(extra, [&"catchments.csv"]);
    for (name, text) in &plain {
        match *name {
            "children.csv" => {
                let cut: String = with[name]
                    .lines()
                    .map(|l| {
                        let mut cells: Vec<&str> = l.split(',').collect();
                        cells.truncate(cells.len() - 2);
                        format!("{}\n", cells.join(","))
                    })
                    .collect();
                assert!(
                    cut == *text,
                    "children.csv differs beyond its two new columns"
                );
                assert!(with[name].starts_with(&format!(
                    "{},community,hukou_community\n",
                    text.lines().next().unwrap()
                )));
            }
            "scenario.toml" => {
                let added: Vec<&str> = with[name]
                    .lines()
                    .filter(|l| !text.lines().any(|m| m == *l))
                    .collect();
                assert_eq!(
                    added,
                    [
                        "catchments = \"catchments.csv\"",
                        "coordinated = \"catchment\""
                    ]
                );
            }
            _ => assert!(with[name] == *text, "{name} differs"),
        }
    }
}

#[test]
fn every_school_has_a_catchment_and_the_communities_match_the_homes() {
    let with = files(0.05, true);
    let schools = rows(&with["schools.csv"]);
    let district_of: HashMap<&str, &str> = schools
        .iter()
        .map(|s| (s["id"].as_str(), s["district"].as_str()))
        .collect();
    let mut schools_of: HashMap<String, BTreeSet<String>> = HashMap::new();
    for row in rows(&with["catchments.csv"]) {
        let fresh = schools_of
            .entry(row["community"].clone())
            .or_default()
            .insert(row["school"].clone());
        assert!(fresh, "{row:?} written twice");
    }
    // Every public school has a catchment, within its own district; some communities are
    // shared by two schools, none by more.
    let covered: BTreeSet<&str> = schools_of.values().flatten().map(String::as_str).collect();
    assert_eq!(covered, district_of.keys().copied().collect());
    let district_of_community: HashMap<&str, &str> = schools_of
        .iter()
        .map(|(c, of)| {
            let ds: BTreeSet<&str> = of.iter().map(|s| district_of[s.as_str()]).collect();
            assert_eq!(ds.len(), 1, "{c}: {of:?}");
            (c.as_str(), *ds.first().unwrap())
        })
        .collect();
    let shared = schools_of.values().filter(|of| of.len() == 2).count();
    assert!(schools_of.values().all(|of| of.len() <= 2));
    assert!(
        shared * 20 > schools_of.len() && shared * 2 < schools_of.len(),
        "{shared} of {} communities shared",
        schools_of.len()
    );
    // Homes: each child's community is of her district, and is mostly in the catchment of her
    // district's school nearest her home; hukou communities are of the hukou district, and
    // mostly the home's for an owned home in it (人户一致).
    let at: HashMap<&str, (f64, f64)> = schools
        .iter()
        .map(|s| {
            (
                s["id"].as_str(),
                (s["x_km"].parse().unwrap(), s["y_km"].parse().unwrap()),
            )
        })
        .collect();
    let (mut near, mut children, mut owners, mut same) = (0, 0, 0, 0);
    for c in rows(&with["children.csv"]) {
        children += 1;
        let community = c["community"].as_str();
        assert_eq!(
            district_of_community[community], c["residence_district"],
            "{c:?}"
        );
        let home: (f64, f64) = (c["x_km"].parse().unwrap(), c["y_km"].parse().unwrap());
        let d = |s: &str| (at[s].0 - home.0).hypot(at[s].1 - home.1);
        let nearest = district_of
            .iter()
            .filter(|(_, d)| **d == c["residence_district"])
            .map(|(s, _)| *s)
            .min_by(|a, b| d(a).total_cmp(&d(b)))
            .unwrap();
        near += usize::from(schools_of[community].contains(nearest));
        match (c["hukou_district"].as_str(), c["hukou_community"].as_str()) {
            ("", h) => assert_eq!(h, "", "{c:?}"),
            (hd, h) => {
                assert_eq!(district_of_community[h], hd, "{c:?}");
                if hd == c["residence_district"] && c["housing"] == "owned" {
                    owners += 1;
                    same += usize::from(h == community);
                }
            }
        }
    }
    assert!(near * 10 > children * 7, "{near} of {children} near");
    assert!(same * 10 > owners * 8, "{same} of {owners} owners");
}

/// The command that wrote `scenarios/hangzhou-catchments` (README.md, "Shipped scenarios").
const SHIPPED: [&str; 10] = [
    "--city",
    "Hangzhou",
    "--seed",
    "2023",
    "--scale",
    "0.1",
    "--catchments",
    "--policy",
    "scenarios/policies/hangzhou-weighted.toml",
    "-q",
];

#[test]
fn the_shipped_catchment_city_is_what_the_generator_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("city");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let census = root.join("scenarios/data/zhejiang_districts_2020.csv");
    let policy = root.join(SHIPPED[8]);
    let mut args = vec![
        "generate",
        "--census",
        census.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(SHIPPED.iter().map(|a| match *a {
        "scenarios/policies/hangzhou-weighted.toml" => policy.to_str().unwrap(),
        a => a,
    }));
    let o = seatplan(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shipped = scenario_dir("hangzhou-catchments");
    let names = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect()
    };
    assert_eq!(names(&out), names(&shipped));
    for name in names(&shipped) {
        let (a, b) = (
            std::fs::read(out.join(&name)).unwrap(),
            std::fs::read(shipped.join(&name)).unwrap(),
        );
        assert!(
            a == b,
            "{name}: regenerate it with `seatplan generate --out scenarios/hangzhou-catchments {}`",
            SHIPPED.join(" ")
        );
    }
}

#[test]
fn the_shipped_catchment_city_runs_under_the_checker_with_every_class_held() {
    let sc = load(&scenario_dir("hangzhou-catchments/scenario.toml"));
    assert!(sc.policy().uses_catchments());
    assert!(sc.children().len() > 10_000, "{}", sc.children().len());
    let solved = solve_checked(&sc, Mechanism::Optimal);
    assert!(solved.check.notes.is_empty(), "{:?}", solved.check.notes);
    let s = seatplan::summary(&sc, &solved);
    assert_eq!(
        s.public_by_choice + s.coordinated + s.purchased + s.unplaced,
        sc.children().len()
    );
    assert!(s.proven_optimal);
    // Every class of the Hangzhou preset is held by some admitted child at her school.
    let mut admitted: BTreeMap<String, usize> = BTreeMap::new();
    for c in sc.child_indices() {
        if let seatplan::Outcome::Choice { school, .. } = solved.assignment.outcomes[c.ix()] {
            let (_, tier) = solved.ranking.tier_at(&sc, c, school).unwrap();
            *admitted.entry(tier.name().to_string()).or_default() += 1;
        }
    }
    for t in &sc.policy().tiers {
        if matches!(t, Tier::Defined(_)) {
            assert!(
                admitted.contains_key(t.name()),
                "{}: {admitted:?}",
                t.name()
            );
        }
    }
}
