//! Catchment polygons (GeoJSON): the hand-checked tiny scenario, polygons placing exactly as an
//! equivalent community table does, bad GeoJSON refused with file, feature and field, overlaps
//! reported as warnings, and the independent checker deciding membership on its own.

use std::path::{Path, MAIN_SEPARATOR};

use proptest::prelude::*;
use seatplan::{Mechanism, Scenario};
use tempfile::TempDir;

use super::util::{assert_same_text, copy_scenario, load, scenario_dir, seatplan, solve_checked};

/// A fresh copy of the tiny polygon scenario.
fn tiny() -> TempDir {
    copy_scenario("tiny/catchment-polygons")
}

/// Replaces the one occurrence of `from` in `file` by `to`.
fn edit(dir: &TempDir, file: &str, from: &str, to: &str) {
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}:\n{text}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Every error of the refused scenario, paths relative to its folder.
fn errors(dir: &Path) -> Vec<String> {
    let prefix = format!("{}{MAIN_SEPARATOR}", dir.display());
    match seatplan::load(&dir.join("scenario.toml")) {
        Ok(_) => panic!("the broken scenario was accepted"),
        Err(e) => e
            .errors
            .iter()
            .map(|e| e.to_string().replace(&prefix, ""))
            .collect(),
    }
}

/// The bytes of `placements.csv` for the scenario at `path`.
fn placements(path: &Path) -> Vec<u8> {
    let scenario = load(path);
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    seatplan::render(&scenario, &solved)
        .into_iter()
        .find(|(f, _)| *f == "placements.csv")
        .unwrap()
        .1
}

#[test]
fn the_tiny_polygon_scenario_matches_its_hand_checked_outputs() {
    let dir = scenario_dir("tiny/catchment-polygons");
    let scenario = load(&dir.join("scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    for (file, bytes) in seatplan::render(&scenario, &solved) {
        if file.ends_with(".xlsx") {
            continue; // read back in tests/it/results_workbook.rs
        }
        let expected = std::fs::read_to_string(dir.join("expected").join(file)).unwrap();
        assert_same_text(
            &format!("catchment-polygons/{file}"),
            &expected,
            std::str::from_utf8(&bytes).unwrap(),
        );
    }
}

#[test]
fn the_polygons_place_as_the_communities_they_draw() {
    // Each home lies in the polygons of exactly the schools its community was listed for in
    // scenarios/tiny/catchments (B and E, of Willow, in the overlap of S1 and S2).
    let scenario = load(&scenario_dir("tiny/catchment-polygons/scenario.toml"));
    let table = load(&scenario_dir("tiny/catchments/scenario.toml"));
    for (a, b) in scenario.children().iter().zip(table.children()) {
        assert_eq!((&a.id, &a.catchment), (&b.id, &b.catchment));
    }
    assert_eq!(
        placements(&scenario_dir("tiny/catchment-polygons/scenario.toml")),
        placements(&scenario_dir("tiny/catchments/scenario.toml"))
    );
}

#[test]
fn overlapping_polygons_of_two_schools_are_a_warning_naming_both() {
    let dir = scenario_dir("tiny/catchment-polygons");
    let loaded = seatplan::load(&dir.join("scenario.toml")).unwrap();
    let prefix = format!("{}{MAIN_SEPARATOR}", dir.display());
    let warnings: Vec<String> = loaded
        .warnings
        .iter()
        .map(|w| w.to_string().replace(&prefix, ""))
        .collect();
    assert_eq!(
        warnings,
        ["catchments.geojson: field `features[0] (school `S1`)`: the catchment of `S1` overlaps that of `S2` (features[1]) around [1.150000, 0.000000], 1.400000 km²: a home there is in both catchments (多校划片); if that is not meant, correct the polygons"]
    );
    // Polygons that only share an edge do not overlap.
    let tmp = tiny();
    edit(
        &tmp,
        "catchments.geojson",
        "[[[0.8, -1], [3, -1], [3, 1], [0.8, 1], [0.8, -1]]]",
        "[[[1.5, -1], [3, -1], [3, 1], [1.5, 1], [1.5, -1]]]",
    );
    let loaded = seatplan::load(&tmp.path().join("scenario.toml")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn validate_and_run_print_the_overlap_warning() {
    let dir = scenario_dir("tiny/catchment-polygons");
    let scenario = dir.join("scenario.toml");
    let out = tempfile::tempdir().unwrap();
    let run_out = out.path().join("run");
    for args in [
        vec!["validate", scenario.to_str().unwrap()],
        vec![
            "run",
            scenario.to_str().unwrap(),
            "--out",
            run_out.to_str().unwrap(),
        ],
    ] {
        let output = seatplan(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{args:?}: {stderr}");
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect();
        assert_eq!(warnings.len(), 1, "{args:?}: {stderr}");
        assert!(
            warnings[0].contains("the catchment of `S1` overlaps that of `S2` (features[1])"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn bad_features_are_refused_with_file_feature_and_field() {
    let tmp = tiny();
    edit(
        &tmp,
        "catchments.geojson",
        "\"school\": \"S2\"",
        "\"school\": \"S9\"",
    );
    edit(
        &tmp,
        "catchments.geojson",
        "[3, 1], [0.8, 1], [0.8, -1]]]",
        "[3, 1], [0.8, 1], [0.8, -0.5]]]",
    );
    edit(
        &tmp,
        "catchments.geojson",
        "\"type\": \"Polygon\",\n        \"coordinates\": [[[-1, -1]",
        "\"type\": \"LineString\",\n        \"coordinates\": [[-1, -1]",
    );
    edit(
        &tmp,
        "catchments.geojson",
        "[1.5, 1], [-1, 1], [-1, -1]]]",
        "[1.5, 1], [-1, 1], [-1, -1]]",
    );
    edit(&tmp, "catchments.geojson", "\"school\": \"S3\", ", "");
    assert_eq!(
        errors(tmp.path()),
        [
            "catchments.geojson: field `features[0] (school `S1`)`: geometry type `LineString`: a catchment is a Polygon or a MultiPolygon",
            "catchments.geojson: field `features[1].properties.school`: unknown public school `S9`",
            "catchments.geojson: field `features[1] (school `S9`)`: ring 0: not closed: its last position must repeat its first",
            "catchments.geojson: field `features[2].properties.school`: no `school`: each feature names the public school whose catchment it draws (property `school`, the school's id)",
        ]
    );
    let tmp = tiny();
    std::fs::write(
        tmp.path().join("catchments.geojson"),
        "{\"type\": \"Point\", \"coordinates\": [1, 2]}",
    )
    .unwrap();
    assert_eq!(
        errors(tmp.path()),
        ["catchments.geojson: not a GeoJSON FeatureCollection: save the layer as GeoJSON with one feature per catchment (QGIS: Export → Save Features As… → GeoJSON)"]
    );
    std::fs::write(
        tmp.path().join("catchments.geojson"),
        "{\"type\": \"FeatureCollection\"",
    )
    .unwrap();
    let e = errors(tmp.path());
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("catchments.geojson: not valid GeoJSON: "),
        "{e:?}"
    );
}

#[test]
fn a_school_without_polygon_and_a_community_cell_are_refused() {
    let tmp = tiny();
    edit(
        &tmp,
        "catchments.geojson",
        "[[[8, -1], [9, -1], [9, 1], [8, 1], [8, -1]]]",
        "[[[18, -1], [19, -1], [19, 1], [18, 1], [18, -1]]]",
    );
    // S1's feature is now drawn for S3: S1 has none.
    edit(
        &tmp,
        "catchments.geojson",
        "\"school\": \"S1\"",
        "\"school\": \"S3\"",
    );
    edit(
        &tmp,
        "children.csv",
        "hukou_community,",
        "hukou_community,community,",
    );
    edit(&tmp, "children.csv", "Lotus,7", "Lotus,Lotus,7");
    for (id, n) in [("B", "0"), ("C", "0"), ("D", "0"), ("E", "0"), ("F", "6")] {
        let text = std::fs::read_to_string(tmp.path().join("children.csv")).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_string();
        let fixed = format!("{},,{n}", line.strip_suffix(&format!(",{n}")).unwrap());
        edit(&tmp, "children.csv", &line, &fixed);
    }
    assert_eq!(
        errors(tmp.path()),
        [
            "children.csv:2: field `community`: community `Lotus` given, but the home catchments are drawn as polygons in catchments.geojson: a home's catchment comes from its coordinates; leave `community` blank (`hukou_community` still reads the catchment table)",
            "schools.csv:2: field `id`: public school `S1` has no catchment, but the policy's tiers read catchments: draw its polygon in catchments.geojson (a feature with property `school`: `S1`; no child could hold a catchment tier there)",
        ]
    );
}

#[test]
fn a_hukou_catchment_tier_without_a_catchment_table_is_refused() {
    // Polygons place homes; without a catchment table no hukou address can be in a catchment,
    // so the tiers reading `hukou = "catchment"` are refused where they say it.
    let tmp = tiny();
    edit(
        &tmp,
        "scenario.toml",
        "catchments = \"catchments.csv\"\n",
        "",
    );
    for community in ["Lotus", "Willow", "Maple"] {
        edit(&tmp, "children.csv", &format!(",{community},"), ",,");
    }
    let hint = "but the scenario's catchments are only the polygons of catchments.geojson, which place homes by their coordinates (a hukou address has none): declare a catchment table for the hukou addresses (`catchments = \"catchments.csv\"` in `[tables]`, read by the children's `hukou_community`), or write `hukou = \"district\"`";
    assert_eq!(
        errors(tmp.path()),
        [
            format!("policy.toml:19: field `priority.tier.hukou`: tier `一类` asks for the hukou address in the school's catchment, {hint}"),
            format!("policy.toml:27: field `priority.tier.any.hukou`: tier `二类` asks for the hukou address in the school's catchment, {hint}"),
        ]
    );
    // `hukou = "district"` instead is accepted, and so is the table given back.
    edit(
        &tmp,
        "policy.toml",
        "hukou = \"catchment\"\nresidence",
        "hukou = \"district\"\nresidence",
    );
    edit(
        &tmp,
        "policy.toml",
        "{ hukou = \"catchment\" }",
        "{ hukou = \"district\" }",
    );
    load(&tmp.path().join("scenario.toml"));
    let tmp = tiny();
    for community in ["Lotus", "Willow", "Maple"] {
        edit(&tmp, "children.csv", &format!(",{community},"), ",,");
    }
    load(&tmp.path().join("scenario.toml"));
}

#[test]
fn the_checker_decides_polygon_membership_itself() {
    let scenario = load(&scenario_dir("tiny/catchment-polygons/scenario.toml"));
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    // A ranking fed a wrong catchment (C, at 2.2 km, said to be in S1's) is caught by the
    // checker's own point-in-polygon test, whatever the placement.
    let mut parts = scenario.to_parts();
    let c = parts.children.iter().position(|c| c.id == "C").unwrap();
    let mut catchment = parts.children[c].catchment.to_vec();
    catchment.insert(0, seatplan::domain::SchoolIdx(0));
    parts.children[c].catchment = catchment.into();
    let tampered = Scenario::new(parts).unwrap();
    let report = seatplan::check(&tampered, &solved.assignment.outcomes);
    let rules: Vec<_> = report
        .violations
        .iter()
        .filter(|v| v.rule == "catchment-polygons")
        .map(|v| v.message.as_str())
        .collect();
    assert_eq!(
        rules,
        ["child `C`: her home lies in the catchment polygons of `S2`, but the placement was computed with the catchment of `S1`, `S2`"]
    );
}

#[test]
fn homes_on_an_edge_or_a_vertex_are_in_the_catchment_for_loader_and_checker_alike() {
    // The boundary rule (docs/points-policy.md §12.1): a home on an edge or a vertex of a
    // polygon, or of one of its holes, is inside it; the checker decides it again exactly.
    let tmp = tiny();
    // C on S1's corner (1.5, 1), which lies on S2's top edge; E on S2's corner (3, -1); D on
    // a corner of the hole in S3's square.
    edit(
        &tmp,
        "children.csv",
        "C,2017-03-01,D1,2.2,0,",
        "C,2017-03-01,D1,1.5,1,",
    );
    edit(
        &tmp,
        "children.csv",
        "E,2017-06-01,D1,1.2,0.3,",
        "E,2017-06-01,D1,3,-1,",
    );
    edit(
        &tmp,
        "children.csv",
        "D,2017-05-01,D2,6,0.5,",
        "D,2017-05-01,D2,6.9,0.4,",
    );
    let scenario = load(&tmp.path().join("scenario.toml"));
    let catchment = |id: &str| -> Vec<String> {
        let c = scenario.children().iter().find(|c| c.id == id).unwrap();
        c.catchment
            .iter()
            .map(|s| scenario.schools()[s.ix()].id.clone())
            .collect()
    };
    assert_eq!(catchment("C"), ["S1", "S2"]);
    assert_eq!(catchment("E"), ["S2"]);
    assert_eq!(catchment("D"), ["S3"]);
    // The checker's own test agrees (it would report rule `catchment-polygons` otherwise).
    solve_checked(&scenario, Mechanism::Optimal);
}

/// A scenario folder with `homes` as children (all in D1, rented, with a permit), three
/// schools, and each school's catchment either as `rects` polygons or as an equivalent
/// community table (one community per child, listed for the rectangles holding her home).
fn write_scenario(dir: &Path, homes: &[(f64, f64)], rects: &[[f64; 4]; 3], polygons: bool) {
    let tiny = scenario_dir("tiny/catchments");
    for f in ["districts.csv", "policy.toml"] {
        std::fs::copy(tiny.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("schools.csv"),
        "id,name,district,entry_grade,seats,x_km,y_km\nS1,One,D1,1,2,0,0\nS2,Two,D1,1,2,2,0\nS3,Three,D1,1,1,4,0\n",
    )
    .unwrap();
    let inside =
        |r: &[f64; 4], (x, y): (f64, f64)| x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3];
    let mut children = String::from("id,birth_date,residence_district,x_km,y_km,hukou_district,permit_months,insurance_months,residence_months,housing,education,community,fact_owned_years\n");
    let mut choices = String::from("child,school,rank\n");
    let mut table = String::from("community,school\n");
    for (i, &(x, y)) in homes.iter().enumerate() {
        // In the table, a child whose home lies in no rectangle has no community listed.
        let community = if polygons || !rects.iter().any(|r| inside(r, (x, y))) {
            String::new()
        } else {
            format!("C{i}")
        };
        children.push_str(&format!(
            "K{i:02},2017-01-{:02},D1,{x},{y},,24,{},30,rented,senior,{community},0\n",
            1 + i % 28,
            6 + i
        ));
        for (rank, s) in [(i % 3), (i + 1) % 3].iter().enumerate() {
            choices.push_str(&format!("K{i:02},S{},{}\n", s + 1, rank + 1));
        }
        for (s, r) in rects.iter().enumerate() {
            if inside(r, (x, y)) {
                table.push_str(&format!("C{i},S{}\n", s + 1));
            }
        }
    }
    // Every school keeps a catchment in the table, as the polygons give each one.
    for s in 1..=3 {
        table.push_str(&format!("Nobody,S{s}\n"));
    }
    std::fs::write(dir.join("children.csv"), children).unwrap();
    std::fs::write(dir.join("choices.csv"), choices).unwrap();
    let catchments = if polygons {
        // The policy's tiers read hukou catchments too: a table (of a community no one's hukou
        // is in) is declared beside the polygons for them, as the polygons place homes only.
        std::fs::write(
            dir.join("h.csv"),
            "community,school\nNobody,S1\nNobody,S2\nNobody,S3\n",
        )
        .unwrap();
        let features: Vec<String> = rects
            .iter()
            .enumerate()
            .map(|(s, r)| format!("{{\"type\":\"Feature\",\"properties\":{{\"school\":\"S{}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{a},{b}],[{c},{b}],[{c},{d}],[{a},{d}],[{a},{b}]]]}}}}", s + 1, a = r[0], b = r[1], c = r[2], d = r[3]))
            .collect();
        std::fs::write(
            dir.join("c.geojson"),
            format!(
                "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
                features.join(",")
            ),
        )
        .unwrap();
        "catchment_polygons = \"c.geojson\"\ncatchments = \"h.csv\""
    } else {
        std::fs::write(dir.join("c.csv"), table).unwrap();
        "catchments = \"c.csv\""
    };
    std::fs::write(
        dir.join("scenario.toml"),
        format!("name = \"p\"\nentry_grade = 1\nseed = 3\nbudget_yuan = 0\npolicy = \"policy.toml\"\n\n[tables]\ndistricts = \"districts.csv\"\nschools = \"schools.csv\"\nchildren = \"children.csv\"\nchoices = \"choices.csv\"\n{catchments}\n"),
    )
    .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Catchments drawn as polygons place every child exactly as a community table listing the
    /// same homes for the same schools does: the same `placements.csv`, byte for byte.
    #[test]
    fn polygons_and_an_equivalent_community_table_place_alike(
        homes in proptest::collection::vec((0u8..=10, 0u8..=10), 3..9),
        corners in proptest::array::uniform3((0u8..=5, 0u8..=5, 0u8..=5, 0u8..=5)),
    ) {
        // Half-kilometre steps: homes fall on edges and corners of the rectangles too.
        let homes: Vec<(f64, f64)> = homes.iter().map(|&(x, y)| (f64::from(x) / 2.0, f64::from(y) / 2.0)).collect();
        let rects = corners.map(|(x, y, w, h)| {
            let (x, y) = (f64::from(x), f64::from(y));
            [x, y, x + 0.5 + f64::from(w), y + 0.5 + f64::from(h)]
        });
        let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
        write_scenario(a.path(), &homes, &rects, true);
        write_scenario(b.path(), &homes, &rects, false);
        prop_assert_eq!(
            placements(&a.path().join("scenario.toml")),
            placements(&b.path().join("scenario.toml"))
        );
    }
}
