//! `schools.geojson`: every public and private school as a GeoJSON (RFC 7946) Point feature,
//! for QGIS or any GIS, with the figures of `schools.csv` as its properties — read from the
//! run's [`SchoolTallies`], never recomputed.
//!
//! GeoJSON positions are WGS84 `[longitude, latitude]`, so only a scenario in degrees has one
//! (GCJ-02 and BD-09 inputs were converted to WGS84 when read); a scenario on a kilometre grid
//! has no geographic position and writes no `schools.geojson` ([`schools_geojson`] gives
//! `None`). Coordinates are rounded to 7 decimals (about 1 cm); the bytes depend on the inputs
//! alone.

use serde::Serialize;

use crate::assign::Outcome;
use crate::domain::{Location, PrivateSchool, School};
use crate::metrics::SchoolTallies;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// Name of the schools map layer ([`schools_geojson`]).
pub const GEOJSON: &str = "schools.geojson";

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<Feature<'a>>,
}

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: Point,
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct Point {
    #[serde(rename = "type")]
    kind: &'static str,
    /// `[longitude, latitude]`, WGS84 degrees.
    coordinates: [f64; 2],
}

#[derive(Serialize)]
struct Properties<'a> {
    id: &'a str,
    name: &'a str,
    district: &'a str,
    district_name: &'a str,
    /// `public` or `private`.
    kind: &'static str,
    /// Public seats at the entry grade, or purchasable private places.
    seats: u32,
    /// Seats taken (by choice and coordinated), or places bought.
    filled: u32,
    /// `filled / seats`; null for a school of no seats.
    fill_share: Option<f64>,
    /// The tier of the lowest-priority child admitted by choice (public schools; null if none).
    cutoff_tier: Option<&'static str>,
    /// That child's points.
    cutoff_points: Option<f64>,
}

/// Rounds a degree value to 7 decimals, for stable, short output.
fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

/// A Point of a location in degrees; `None` on the kilometre grid.
fn point(at: Location) -> Option<Point> {
    match at {
        Location::Degrees { lat, lon } => Some(Point {
            kind: "Point",
            coordinates: [round7(lon), round7(lat)],
        }),
        Location::Km { .. } => None,
    }
}

/// A school's Feature, at its location; `None` on the kilometre grid.
fn feature<'a>(at: Location, properties: Properties<'a>) -> Option<Feature<'a>> {
    Some(Feature {
        kind: "Feature",
        id: properties.id,
        geometry: point(at)?,
        properties,
    })
}

/// Renders `schools.geojson` — public schools, then private schools, each sorted by id — or
/// `None` for a scenario on a kilometre grid.
pub fn schools_geojson(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
) -> Option<Vec<u8>> {
    let tallies = SchoolTallies::compute(scenario, ranking, outcomes);
    let district = |d: crate::domain::DistrictIdx| {
        let d = &scenario.districts[d.ix()];
        (d.id.as_str(), d.name.as_str())
    };
    let mut features = Vec::new();
    for s in scenario.school_indices() {
        let School {
            id,
            name,
            location,
            district: d,
            ..
        } = scenario.school(s);
        let t = &tallies.public[s.ix()];
        let (district, district_name) = district(*d);
        features.push(feature(
            *location,
            Properties {
                id,
                name,
                district,
                district_name,
                kind: "public",
                seats: t.seats,
                filled: t.filled(),
                fill_share: t.fill_share(),
                cutoff_tier: t.cutoff.map(|c| c.tier),
                cutoff_points: t.cutoff.map(|c| c.points as f64 / 1000.0),
            },
        )?);
    }
    for p in scenario.private_indices() {
        let PrivateSchool {
            id,
            name,
            location,
            district: d,
            ..
        } = scenario.private_school(p);
        let t = &tallies.private[p.ix()];
        let (district, district_name) = district(*d);
        features.push(feature(
            *location,
            Properties {
                id,
                name,
                district,
                district_name,
                kind: "private",
                seats: t.places,
                filled: t.bought,
                fill_share: t.fill_share(),
                cutoff_tier: None,
                cutoff_points: None,
            },
        )?);
    }
    if features.is_empty() {
        return None;
    }
    let collection = Collection {
        kind: "FeatureCollection",
        features,
    };
    let mut json = serde_json::to_vec_pretty(&collection).expect("serialising");
    json.push(b'\n');
    Some(json)
}
