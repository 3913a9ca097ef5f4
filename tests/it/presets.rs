//! The shipped policy presets (`scenarios/policies/`) and their catchment classes: on a city
//! generated with catchments every class of each preset is held by some child and the checker
//! passes; on a city without catchments each preset ranks by its `tiers_without_catchments`,
//! byte for byte as the same preset with those tiers written as its `tiers`.

use std::collections::BTreeSet;
use std::path::Path;

use seatplan::policy::Tier;
use seatplan::{generate_city, read_census, CityConfig, Mechanism, Scenario};

use super::util::{load, scenario_dir, solve_checked};

/// The presets with their tier lists as written, and the census city each is run on.
const PRESETS: [(&str, &str); 3] = [
    ("ningbo-300.toml", "Ningbo"),
    ("shenzhen-insurance.toml", "Ningbo"),
    ("hangzhou-weighted.toml", "Hangzhou"),
];

/// Writes a generated city of `city` at `scale` (with or without catchments) into `dir`, with
/// the preset `preset` as its policy.
fn city(dir: &Path, city: &str, scale: f64, catchments: bool, preset: &str) {
    let census = scenario_dir("data/zhejiang_districts_2020.csv");
    let mut cfg = CityConfig::new("preset test", read_census(&census, city).unwrap(), 3);
    cfg.scale = scale;
    cfg.catchments = catchments;
    for (name, text) in generate_city(&cfg) {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let text = std::fs::read_to_string(scenario_dir(&format!("policies/{preset}"))).unwrap();
    std::fs::write(dir.join("policy.toml"), text).unwrap();
}

/// The names of the tiers of the scenario's default list that some child holds at some school
/// she applied to.
fn tiers_held(sc: &Scenario, solved: &seatplan::Solved) -> BTreeSet<String> {
    sc.child_indices()
        .flat_map(|c| {
            sc.child(c)
                .choices
                .iter()
                .filter_map(move |&s| solved.ranking.tier_at(sc, c, s))
        })
        .map(|(_, t)| t.name().to_string())
        .collect()
}

#[test]
fn every_catchment_class_of_every_preset_is_held_in_a_city_with_catchments() {
    for (preset, name) in PRESETS {
        let tmp = tempfile::tempdir().unwrap();
        // Large enough for districts of several schools, so some homes of a district lie outside
        // a school's catchment.
        city(tmp.path(), name, 0.05, true, preset);
        let sc = load(&tmp.path().join("scenario.toml"));
        assert!(sc.policy().uses_catchments(), "{preset}");
        let solved = solve_checked(&sc, Mechanism::Optimal);
        assert!(solved.assignment.public.proven_optimal(), "{preset}");
        let listed: BTreeSet<String> = sc
            .policy()
            .tiers
            .iter()
            .filter(|t| matches!(t, Tier::Defined(_)))
            .map(|t| t.name().to_string())
            .collect();
        assert!(listed.len() >= 5, "{preset}: {listed:?}");
        let held = tiers_held(&sc, &solved);
        let missing: Vec<&String> = listed.difference(&held).collect();
        assert!(missing.is_empty(), "{preset}: no child holds {missing:?}");
    }
}

/// The preset's text with its `tiers` replaced by its `tiers_without_catchments`, that line and
/// every `[[priority.tier]]` table removed: the preset as it read before it had catchment
/// classes.
fn without_classes(text: &str) -> String {
    let fallback = text
        .lines()
        .find_map(|l| l.strip_prefix("tiers_without_catchments = "))
        .expect("the preset gives tiers_without_catchments");
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("[[priority.tier]]") {
            break;
        }
        if line.starts_with("tiers_without_catchments") {
            continue;
        }
        if line.starts_with("tiers = ") {
            out.push_str(&format!("tiers = {fallback}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn without_catchments_every_preset_ranks_by_its_built_in_tiers_byte_for_byte() {
    for (preset, name) in PRESETS {
        let tmp = tempfile::tempdir().unwrap();
        let (with, plain) = (tmp.path().join("with"), tmp.path().join("plain"));
        for dir in [&with, &plain] {
            std::fs::create_dir(dir).unwrap();
            city(dir, name, 0.01, false, preset);
        }
        let text = std::fs::read_to_string(plain.join("policy.toml")).unwrap();
        let stripped = without_classes(&text);
        assert!(!stripped.contains("[[priority.tier]]"), "{stripped}");
        std::fs::write(plain.join("policy.toml"), stripped).unwrap();
        let (a, b) = (
            load(&with.join("scenario.toml")),
            load(&plain.join("scenario.toml")),
        );
        assert!(!a.policy().uses_catchments(), "{preset}");
        assert_eq!(a.policy().tiers, Tier::ALL, "{preset}");
        let (sa, sb) = (
            solve_checked(&a, Mechanism::Optimal),
            solve_checked(&b, Mechanism::Optimal),
        );
        let (ra, rb) = (seatplan::render(&a, &sa), seatplan::render(&b, &sb));
        assert_eq!(ra.len(), rb.len());
        for ((file, x), (_, y)) in ra.iter().zip(&rb) {
            if file.ends_with(".xlsx") {
                continue; // the workbook stamps nothing of the policy's file, but is binary
            }
            assert!(x == y, "{preset}: {file} differs");
        }
    }
}

#[test]
fn an_empty_catchment_table_counts_as_none_for_the_presets() {
    let tmp = tempfile::tempdir().unwrap();
    city(tmp.path(), "Ningbo", 0.01, true, "ningbo-300.toml");
    std::fs::write(tmp.path().join("catchments.csv"), "community,school\n").unwrap();
    // Without rows no community is known: blank the children's community cells.
    let children = std::fs::read_to_string(tmp.path().join("children.csv")).unwrap();
    let blanked: String = children
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                let cells: Vec<&str> = l.split(',').collect();
                format!("{},,\n", cells[..cells.len() - 2].join(","))
            }
        })
        .collect();
    std::fs::write(tmp.path().join("children.csv"), blanked).unwrap();
    // Nor is coordination within the catchment the bureau's rule then.
    let scenario = std::fs::read_to_string(tmp.path().join("scenario.toml")).unwrap();
    std::fs::write(
        tmp.path().join("scenario.toml"),
        scenario.replace("coordinated = \"catchment\"\n", ""),
    )
    .unwrap();
    let sc = load(&tmp.path().join("scenario.toml"));
    assert_eq!(sc.policy().tiers, Tier::ALL);
    solve_checked(&sc, Mechanism::Optimal);
}

/// The tiny catchment scenario without its catchment table (nor the children's community
/// columns), its policy given `tiers_without_catchments = LIST`.
fn tiny_without_catchments(list: &str) -> tempfile::TempDir {
    let dir = super::util::copy_scenario("tiny/catchments");
    let path = |f: &str| dir.path().join(f);
    let scenario = std::fs::read_to_string(path("scenario.toml")).unwrap();
    std::fs::write(
        path("scenario.toml"),
        scenario.replace("catchments = \"catchments.csv\"\n", ""),
    )
    .unwrap();
    std::fs::remove_file(path("catchments.csv")).unwrap();
    let children: String = std::fs::read_to_string(path("children.csv"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.drain(12..14); // community, hukou_community
            format!("{}\n", cells.join(","))
        })
        .collect();
    assert!(!children.contains("community"), "{children}");
    std::fs::write(path("children.csv"), children).unwrap();
    let policy = std::fs::read_to_string(path("policy.toml")).unwrap();
    let line = "tie_break = [\"birth_date\"]\n";
    assert!(policy.contains(line));
    std::fs::write(
        path("policy.toml"),
        policy.replace(line, &format!("tiers_without_catchments = {list}\n{line}")),
    )
    .unwrap();
    dir
}

/// Every error of the refused scenario in `dir`, paths relative to it.
fn errors(dir: &tempfile::TempDir) -> Vec<String> {
    let prefix = format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR);
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
fn a_scenario_without_catchments_ranks_by_the_tiers_given_for_it() {
    // Refused without the list: the tiers read catchments the scenario does not have.
    let dir = tiny_without_catchments("[\"hukou\"]");
    let policy = std::fs::read_to_string(dir.path().join("policy.toml")).unwrap();
    std::fs::write(
        dir.path().join("policy.toml"),
        policy.replace("tiers_without_catchments = [\"hukou\"]\n", ""),
    )
    .unwrap();
    let errs = errors(&dir);
    assert!(
        errs.iter()
            .any(|e| e.contains("the policy's tiers read catchments")),
        "{errs:#?}"
    );
    // With it, 四类 (a migrant living in the school's district) ranks above other migrants.
    let dir = tiny_without_catchments("[\"四类\", \"hukou\", \"migrant\"]");
    let sc = load(&dir.path().join("scenario.toml"));
    let names: Vec<&str> = sc.policy().tiers.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["四类", "hukou", "migrant"]);
    assert!(!sc.policy().uses_catchments());
    let solved = solve_checked(&sc, Mechanism::Optimal);
    let tier = |id: &str, school: &str| {
        let c = sc.child_indices().find(|&c| sc.child(c).id == id).unwrap();
        let s = sc
            .school_indices()
            .find(|&s| sc.school(s).id == school)
            .unwrap();
        solved.ranking.tier_at(&sc, c, s).map(|(_, t)| t.name())
    };
    // C lives in D1 (S1's district), D in D2: at S1 C is 四类 and D only `migrant`.
    assert_eq!(tier("C", "S1"), Some("四类"));
    assert_eq!(tier("D", "S1"), Some("migrant"));
    assert_eq!(tier("A", "S1"), Some("hukou"));
}

#[test]
fn bad_tiers_without_catchments_are_refused_with_their_lines() {
    let dir = tiny_without_catchments("[\"一类\", \"hukou\", \"hukou\", \"五类\"]");
    assert_eq!(
        errors(&dir),
        [
            "policy.toml:14: field `priority.tiers_without_catchments`: tier `hukou` is listed twice",
            "policy.toml:14: field `priority.tiers_without_catchments`: unknown tier `五类` (known tiers: catchment_hukou, sibling, hukou, migrant, 一类, 二类, 三类, 四类)",
            "policy.toml:14: field `priority.tiers_without_catchments`: tier `一类` reads catchments (`hukou` or `residence` = \"catchment\"): the tiers for a scenario without catchments cannot name it",
        ]
    );
    let dir = tiny_without_catchments("[]");
    assert_eq!(
        errors(&dir),
        ["policy.toml:14: field `priority.tiers_without_catchments`: at least one tier is needed, or no child could be admitted in a scenario without catchments"]
    );
}
