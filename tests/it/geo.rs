//! Latitude/longitude: the tiny scenario in degrees (hand-checked great-circle distances in its
//! `scenario.toml`), km scenarios converted to degrees placing alike, GCJ-02 and BD-09 inputs
//! converted, bad coordinates refused with file, line and field, and `schools.geojson` read
//! back.

use std::path::Path;

use seatplan::domain::{Datum, Location};
use seatplan::Mechanism;

use super::util::{copy_scenario, load, scenario_dir, solve_checked};

/// The rendered file `name` of a run of the scenario at `path`.
fn output(path: &Path, name: &str) -> Option<String> {
    let scenario = load(path);
    let solved = solve_checked(&scenario, Mechanism::Optimal);
    seatplan::render(&scenario, &solved)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| String::from_utf8(b).unwrap())
}

/// Each child's placement: (child, kind, school, choice rank, reason), from `placements.csv`.
fn placements(csv_text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let cols = ["child", "kind", "school", "choice_rank", "reason"].map(col);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            cols.iter().map(|&i| rec[i].to_string()).collect()
        })
        .collect()
}

/// The distances of `placements.csv`, by child.
fn distances(csv_text: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let h = r.headers().unwrap().clone();
    let (c, d) = (
        h.iter().position(|x| x == "child").unwrap(),
        h.iter().position(|x| x == "distance_km").unwrap(),
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[c].to_string(), rec[d].to_string())
        })
        .collect()
}

#[test]
fn the_degrees_scenario_places_by_great_circle_distance() {
    let path = scenario_dir("tiny/degrees/scenario.toml");
    let text = output(&path, "placements.csv").unwrap();
    let row = |v: [&str; 5]| v.map(String::from).to_vec();
    assert_eq!(
        placements(&text),
        vec![
            row(["P", "public", "S1", "1", "first_choice"]),
            row(["Q", "public", "S2", "", "choices_full"]),
            row(["R", "purchased", "M1", "", "choices_full"]),
            row(["T", "unplaced", "", "", "private_places_full"]),
        ],
        "{text}"
    );
    // Distances by hand (scenario.toml): S1 0, S2 2R·asin(cos 30.27° · sin 0.015°) = 2.881 km,
    // M1 0.01° of latitude = 1.112 km.
    let d = distances(&text);
    assert_eq!(d[0], ("P".into(), "0.000".into()));
    assert_eq!(d[1], ("Q".into(), "2.881".into()));
    assert_eq!(d[2], ("R".into(), "1.112".into()));
}

/// The x_km, y_km cells of a table turned into lat, lon around 30° N, 120° E: 1 km north is
/// 1/111.1951° of latitude, 1 km east 1/(111.1951 · cos lat)° of longitude, so distances over a
/// few km keep their order.
fn to_degrees(dir: &Path, file: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let x = h.iter().position(|c| c == "x_km").unwrap();
    let y = h.iter().position(|c| c == "y_km").unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = h
        .iter()
        .map(|c| match c {
            "x_km" => "lat",
            "y_km" => "lon",
            c => c,
        })
        .collect();
    w.write_record(&header).unwrap();
    let per_degree = 6371.0088 * std::f64::consts::PI / 180.0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let (xk, yk): (f64, f64) = (rec[x].parse().unwrap(), rec[y].parse().unwrap());
        let lat = 30.0 + yk / per_degree;
        let lon = 120.0 + xk / (per_degree * lat.to_radians().cos());
        let fields: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, v)| match i {
                i if i == x => format!("{lat:.9}"),
                i if i == y => format!("{lon:.9}"),
                _ => v.to_string(),
            })
            .collect();
        w.write_record(&fields).unwrap();
    }
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
}

/// Declares the tables' datum in the copied `scenario.toml`.
fn declare(dir: &Path, datum: &str) {
    let path = dir.join("scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen(
        "policy = \"policy.toml\"\n",
        &format!("policy = \"policy.toml\"\ncoordinates = \"{datum}\"\n"),
        1,
    );
    std::fs::write(&path, text).unwrap();
}

#[test]
fn km_scenarios_converted_to_degrees_place_alike() {
    // Coordinated placement (a 10 km limit) and bought places (a 3 km limit) are decided by
    // distance in these.
    for name in ["two-schools", "coordinated", "purchase"] {
        let tmp = copy_scenario(&format!("tiny/{name}"));
        for file in ["schools.csv", "private_schools.csv", "children.csv"] {
            if tmp.path().join(file).exists() {
                to_degrees(tmp.path(), file);
            }
        }
        declare(tmp.path(), "wgs84");
        let km = output(
            &scenario_dir(&format!("tiny/{name}/scenario.toml")),
            "placements.csv",
        )
        .unwrap();
        let degrees = output(&tmp.path().join("scenario.toml"), "placements.csv").unwrap();
        assert_eq!(placements(&km), placements(&degrees), "{name}");
        // The distances agree to the metre or so.
        for ((c1, d1), (c2, d2)) in distances(&km).into_iter().zip(distances(&degrees)) {
            assert_eq!(c1, c2);
            if let (Ok(a), Ok(b)) = (d1.parse::<f64>(), d2.parse::<f64>()) {
                assert!((a - b).abs() < 0.01 + a * 1e-3, "{name} {c1}: {a} vs {b}");
            }
        }
        assert!(output(
            &scenario_dir(&format!("tiny/{name}/scenario.toml")),
            "schools.geojson"
        )
        .is_none());
    }
}

#[test]
fn gcj02_and_bd09_inputs_are_converted_to_wgs84() {
    for datum in [Datum::Gcj02, Datum::Bd09] {
        let tmp = copy_scenario("tiny/degrees");
        for file in ["schools.csv", "private_schools.csv", "children.csv"] {
            let path = tmp.path().join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            let mut out = String::new();
            for (i, line) in text.lines().enumerate() {
                if i == 0 {
                    out.push_str(line);
                } else {
                    let mut cells: Vec<String> = line.split(',').map(String::from).collect();
                    let at = if file == "children.csv" {
                        3
                    } else {
                        cells.len() - 2
                    };
                    let (lat, lon) = datum
                        .from_wgs84(cells[at].parse().unwrap(), cells[at + 1].parse().unwrap());
                    cells[at] = format!("{lat:.9}");
                    cells[at + 1] = format!("{lon:.9}");
                    out.push_str(&cells.join(","));
                }
                out.push('\n');
            }
            std::fs::write(&path, out).unwrap();
        }
        let text = std::fs::read_to_string(tmp.path().join("scenario.toml")).unwrap();
        std::fs::write(
            tmp.path().join("scenario.toml"),
            text.replace(
                "coordinates = \"wgs84\"",
                &format!("coordinates = \"{}\"", datum.name()),
            ),
        )
        .unwrap();
        let scenario = load(&tmp.path().join("scenario.toml"));
        let original = load(&scenario_dir("tiny/degrees/scenario.toml"));
        for (a, b) in scenario.schools().iter().zip(original.schools()) {
            let d = a.location.distance_km(b.location);
            assert!(d < 0.001, "{datum:?} {}: {d} km off", a.id);
        }
        let back = output(&tmp.path().join("scenario.toml"), "placements.csv").unwrap();
        let orig = output(
            &scenario_dir("tiny/degrees/scenario.toml"),
            "placements.csv",
        )
        .unwrap();
        assert_eq!(placements(&back), placements(&orig), "{datum:?}");
    }
}

/// The errors of loading a broken copy of the degrees scenario, paths relative to it.
fn refused(edit: impl FnOnce(&Path)) -> Vec<String> {
    let tmp = copy_scenario("tiny/degrees");
    edit(tmp.path());
    let errors = match seatplan::load(&tmp.path().join("scenario.toml")) {
        Ok(_) => panic!("a broken scenario was accepted"),
        Err(e) => e,
    };
    let prefix = format!("{}{}", tmp.path().display(), std::path::MAIN_SEPARATOR);
    errors
        .errors
        .iter()
        .map(|e| e.to_string().replace(&prefix, ""))
        .collect()
}

/// Replaces the one occurrence of `from` in `file`.
fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from} in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn bad_coordinates_are_refused_with_file_line_and_field() {
    let e = refused(|d| {
        replace(
            d,
            "children.csv",
            "R,2017-02-01,D1,30.2700,120.1500",
            "R,2017-02-01,D1,120.1500,30.2700",
        )
    });
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("children.csv:4: field `lat`: lat 120.15, lon 30.27 look swapped"),
        "{e:?}"
    );

    let e = refused(|d| replace(d, "schools.csv", "30.3000,120.1500", "91,120.1500"));
    assert_eq!(
        e,
        ["schools.csv:4: field `lat`: `91` is not a latitude in degrees within [-90, 90]"]
    );

    let e = refused(|d| replace(d, "schools.csv", "30.3000,120.1500", "3350000,40500000"));
    assert!(
        e[0].starts_with(
            "schools.csv:4: field `lat`: lat 3350000, lon 40500000 look like projected metres"
        ),
        "{e:?}"
    );

    let e = refused(|d| replace(d, "private_schools.csv", "30.2400,120.1500", "30.2400,"));
    assert_eq!(
        e,
        ["private_schools.csv:3: field `lon`: empty while `lat` is given: give both"]
    );

    // One table on the km grid, the others in degrees: one error for the file.
    let e = refused(|d| {
        let path = d.join("children.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text
            .replacen(",lat,lon,", ",x_km,y_km,", 1)
            .replace("30.2700,120.1500", "0,0");
        std::fs::write(path, text).unwrap();
    });
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("children.csv:2: field `x_km`: 4 row(s) give x_km/y_km (the first here) while schools.csv:2 gives lat/lon: a scenario uses one coordinate system"),
        "{e:?}"
    );

    // Degrees with no declared datum: never guessed.
    let e = refused(|d| replace(d, "scenario.toml", "coordinates = \"wgs84\"\n", ""));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("scenario.toml: field `coordinates`: the tables give lat/lon (schools.csv:2): declare their datum"), "{e:?}");

    let e = refused(|d| replace(d, "scenario.toml", "\"wgs84\"", "\"cgcs2000\""));
    assert!(
        e[0].starts_with("scenario.toml:15: field `coordinates`: `cgcs2000` is not a datum"),
        "{e:?}"
    );

    // Both pairs on one row.
    let e = refused(|d| {
        let path = d.join("schools.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text
            .replacen(",lat,lon\n", ",lat,lon,x_km,y_km\n", 1)
            .replace("30.2700,120.1500\n", "30.2700,120.1500,,\n")
            .replace("30.2700,120.1800\n", "30.2700,120.1800,1,1\n")
            .replace("30.3000,120.1500\n", "30.3000,120.1500,,\n");
        std::fs::write(path, text).unwrap();
    });
    assert_eq!(e, ["schools.csv:3: field `lat`: give either x_km, y_km (a kilometre grid) or lat, lon (degrees), not both"]);
}

#[test]
fn a_km_grid_scenario_declaring_a_datum_is_refused() {
    let tmp = copy_scenario("tiny/two-schools");
    declare(tmp.path(), "gcj02");
    let errors = seatplan::load(&tmp.path().join("scenario.toml"))
        .err()
        .unwrap();
    let text = errors.errors[0].to_string();
    assert!(
        text.contains("field `coordinates`: the tables give x_km/y_km on a kilometre grid"),
        "{text}"
    );
}

#[test]
fn schools_geojson_reads_back_with_the_run_s_figures() {
    let path = scenario_dir("tiny/degrees/scenario.toml");
    let text =
        output(&path, "schools.geojson").expect("a scenario in degrees writes schools.geojson");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    let ids: Vec<&str> = features.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["S1", "S2", "S3", "M1", "M2"]);
    let s1 = &features[0];
    assert_eq!(s1["type"], "Feature");
    assert_eq!(s1["geometry"]["type"], "Point");
    assert_eq!(
        s1["geometry"]["coordinates"],
        serde_json::json!([120.15, 30.27])
    );
    let p = &s1["properties"];
    assert_eq!(p["kind"], "public");
    assert_eq!(p["district"], "D1");
    assert_eq!(p["district_name"], "West Lake");
    assert_eq!(
        (p["seats"].as_u64(), p["filled"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(p["fill_share"], 1.0);
    assert_eq!(p["cutoff_tier"], "migrant");
    assert_eq!(p["cutoff_points"], 60.0);
    // S3 is empty (too far for coordination); it has no cut-off.
    assert_eq!(features[2]["properties"]["filled"], 0);
    assert_eq!(features[2]["properties"]["fill_share"], 0.0);
    assert!(features[2]["properties"]["cutoff_points"].is_null());
    // M1 bought one place, M2 none.
    assert_eq!(features[3]["properties"]["kind"], "private");
    assert_eq!(features[3]["properties"]["filled"], 1);
    assert_eq!(features[4]["properties"]["filled"], 0);
    assert_eq!(
        output(&path, "schools.geojson").unwrap(),
        text,
        "same bytes"
    );
}

#[test]
fn the_report_maps_the_schools_in_either_system() {
    for (name, projection) in [
        (
            "tiny/degrees",
            "equirectangular projection scaled by cos 30.27°",
        ),
        (
            "tiny/two-schools",
            "the scenario has no latitude/longitude, so the run writes no schools.geojson",
        ),
    ] {
        let html = output(
            &scenario_dir(&format!("{name}/scenario.toml")),
            "report.html",
        )
        .unwrap();
        assert!(html.contains("<h3>Map of the schools</h3>"), "{name}");
        assert!(html.contains(projection), "{name}");
        assert!(html.contains("full</text>"), "{name}: the legend");
    }
    let html = output(&scenario_dir("tiny/degrees/scenario.toml"), "report.html").unwrap();
    assert!(html.contains("S1 Lakeside Primary (D1 West Lake, public): 1 of 1 seats filled; cut-off migrant 60 points"));
    assert!(
        html.contains("M2 Minban South (D1 West Lake, private): 0 of 1 purchasable places bought")
    );
}

#[test]
fn locations_of_both_systems_never_mix_in_a_scenario() {
    let mut parts = load(&scenario_dir("tiny/degrees/scenario.toml")).into_parts();
    parts.children[0].location = Location::km(0.0, 0.0);
    let problems = seatplan::Scenario::new(parts).err().unwrap().problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        format!("{problems:?}").contains("a scenario uses one coordinate system"),
        "{problems:?}"
    );
}
