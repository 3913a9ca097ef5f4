//! Catchment polygons (`[tables] catchment_polygons`): a GeoJSON FeatureCollection whose
//! features are `Polygon`s or `MultiPolygon`s with a `school` property, read with the `geojson`
//! crate; a home inside (or on the edge of) a school's polygons lies in its catchment, decided
//! with the `geo` crate's point-in-polygon test — the alternative to listing communities.
//!
//! Positions are in the scenario's own coordinates: `[longitude, latitude]` in the datum the
//! scenario declares (`coordinates`, converted to WGS84 as homes are) when its tables give
//! `lat`/`lon`, `[x_km, y_km]` on a kilometre grid. Checked per feature and reported at the file
//! and `features[i]` with its `school`: the geometry type, the `school` a public school of the
//! schools file (a school of another entry grade is accepted and skipped, as in the catchment
//! table), each ring closed with at least four positions of finite coordinates within bounds.
//! Polygons of two schools that overlap are legitimate (多校划片) but are reported as warnings,
//! naming both features and a point inside the overlap, so the analyst sees where a home counts
//! for both.

use std::path::Path;

use geo::{Area, BooleanOps, BoundingRect, InteriorPoint, Intersects};

use super::rows;
use crate::domain::{CatchmentArea, Child, CoordinateSystem, Datum, Polygon, SchoolIdx};
use crate::error::InputError;
use crate::scenario::rules;

/// How a feature's school id is looked up.
pub(crate) enum SchoolLookup {
    /// A public school of this intake.
    Intake(SchoolIdx),
    /// A school of another entry grade (its feature is skipped).
    OtherGrade,
    /// A school whose row was refused (reported already).
    Explained,
    /// Not in the schools file.
    Unknown,
}

/// The valid polygons of the file, one area per feature of a school of this intake.
#[derive(Debug, Default)]
pub(crate) struct Polygons {
    /// The areas, in the file's order.
    pub(crate) areas: Vec<CatchmentArea>,
    /// The same areas as `geo` shapes, with their bounding boxes.
    shapes: Vec<(geo::MultiPolygon<f64>, Option<geo::Rect<f64>>)>,
    /// The `school` of each area, as written, to name it in warnings.
    ids: Vec<String>,
}

impl Polygons {
    /// Whether some polygon is drawn for `school`.
    pub(crate) fn covers(&self, school: SchoolIdx) -> bool {
        self.areas.iter().any(|a| a.school == school)
    }

    /// The schools whose polygons hold `point` (`[x, y]`, the scenario's plane), sorted, once
    /// each: inside or on an edge, outside the holes.
    fn schools_at(&self, point: [f64; 2]) -> Vec<SchoolIdx> {
        let p = geo::Point::new(point[0], point[1]);
        let mut found: Vec<SchoolIdx> = self
            .areas
            .iter()
            .zip(&self.shapes)
            .filter(|(_, (shape, rect))| {
                rect.is_some_and(|r| r.intersects(&p)) && shape.intersects(&p)
            })
            .map(|(a, _)| a.school)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Sets every child's home catchment from the polygons her home lies in.
    pub(crate) fn assign(&self, children: &mut [Child]) {
        for child in children {
            child.catchment = self.schools_at(plane(child.location));
        }
    }

    /// One warning per pair of features of different schools whose polygons overlap (share
    /// area, not just an edge): both named, with a point inside the overlap and its area.
    pub(crate) fn overlaps(&self, path: &Path, system: CoordinateSystem) -> Vec<InputError> {
        let mut warnings = Vec::new();
        let unit = match system {
            CoordinateSystem::Km => "km²",
            CoordinateSystem::Degrees => "square degrees",
        };
        for i in 0..self.areas.len() {
            for j in i + 1..self.areas.len() {
                let (a, b) = (&self.areas[i], &self.areas[j]);
                if a.school == b.school {
                    continue;
                }
                let ((sa, ra), (sb, rb)) = (&self.shapes[i], &self.shapes[j]);
                let (Some(ra), Some(rb)) = (ra, rb) else {
                    continue;
                };
                if !ra.intersects(rb) {
                    continue;
                }
                let common = sa.intersection(sb);
                let area = common.unsigned_area();
                // Polygons that only share an edge leave at most rounding slivers.
                let least = sa.unsigned_area().min(sb.unsigned_area());
                if area <= least * 1e-9 {
                    continue;
                }
                let at = common
                    .interior_point()
                    .map(|p| format!(" around [{:.6}, {:.6}]", p.x(), p.y()))
                    .unwrap_or_default();
                warnings.push(InputError {
                    file: path.to_path_buf(),
                    line: None,
                    field: Some(feature_field(a.feature, &self.ids[i])),
                    message: format!(
                        "the catchment of `{}` overlaps that of `{}` (features[{}]){at}, {area:.6} {unit}: a home there is in both catchments (多校划片); if that is not meant, correct the polygons",
                        self.ids[i], self.ids[j], b.feature
                    ),
                });
            }
        }
        warnings
    }
}

/// A location as an `[x, y]` point of the polygons' plane: `[x_km, y_km]` or `[lon, lat]`.
fn plane(at: crate::domain::Location) -> [f64; 2] {
    match at {
        crate::domain::Location::Km { x_km, y_km } => [x_km, y_km],
        crate::domain::Location::Degrees { lat, lon } => [lon, lat],
    }
}

/// How a feature is named in a message: `features[3] (school `S1`)`.
fn feature_field(i: usize, school: &str) -> String {
    if school.is_empty() {
        format!("features[{i}]")
    } else {
        format!("features[{i}] (school `{school}`)")
    }
}

/// Reads and checks the file at `path`: each feature's problems go to `errors`, a refused
/// feature is left out. `system` is the scenario's coordinate system (that of its schools;
/// `None` when no school was valid), `datum` the declared datum of its degrees.
pub(crate) fn read(
    path: &Path,
    system: Option<CoordinateSystem>,
    datum: Option<Datum>,
    school: &dyn Fn(&str) -> SchoolLookup,
    errors: &mut Vec<InputError>,
) -> Polygons {
    let mut out = Polygons::default();
    let text = match rows::read_text(path) {
        Ok(text) => text,
        Err(e) => {
            errors.push(InputError::file(
                path,
                format!("cannot read the catchment polygons: {e}"),
            ));
            return out;
        }
    };
    let collection = match text.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(c)) => c,
        Ok(_) => {
            errors.push(InputError::file(
                path,
                "not a GeoJSON FeatureCollection: save the layer as GeoJSON with one feature per catchment (QGIS: Export → Save Features As… → GeoJSON)",
            ));
            return out;
        }
        Err(e) => {
            errors.push(InputError::file(path, format!("not valid GeoJSON: {e}")));
            return out;
        }
    };
    let Some(system) = system else {
        return out;
    };
    for (i, feature) in collection.features.iter().enumerate() {
        let id = match feature.property("school") {
            Some(serde_json::Value::String(s)) => s.trim().to_string(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let mut err = |field: String, message: String| {
            errors.push(InputError {
                file: path.to_path_buf(),
                line: None,
                field: Some(field),
                message,
            });
        };
        let field = feature_field(i, &id);
        let at = if id.is_empty() {
            err(
                format!("features[{i}].properties.school"),
                "no `school`: each feature names the public school whose catchment it draws (property `school`, the school's id)".into(),
            );
            None
        } else {
            match school(&id) {
                SchoolLookup::Intake(s) => Some(s),
                SchoolLookup::OtherGrade | SchoolLookup::Explained => None,
                SchoolLookup::Unknown => {
                    err(
                        format!("features[{i}].properties.school"),
                        format!("unknown public school `{id}`"),
                    );
                    None
                }
            }
        };
        let rings: Vec<&Vec<Vec<geojson::Position>>> =
            match feature.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::GeometryValue::Polygon { coordinates }) => vec![coordinates],
                Some(geojson::GeometryValue::MultiPolygon { coordinates }) => {
                    coordinates.iter().collect()
                }
                Some(other) => {
                    err(
                        field.clone(),
                        format!(
                            "geometry type `{}`: a catchment is a Polygon or a MultiPolygon",
                            other.type_name()
                        ),
                    );
                    continue;
                }
                None => {
                    err(
                        field.clone(),
                        "no geometry: draw the catchment's polygon".into(),
                    );
                    continue;
                }
            };
        let mut polygons = Vec::new();
        let mut ok = true;
        for (p, polygon) in rings.iter().enumerate() {
            let mut converted = Vec::new();
            for (r, ring) in polygon.iter().enumerate() {
                let name = if rings.len() > 1 {
                    format!("polygon {p}, ring {r}")
                } else {
                    format!("ring {r}")
                };
                match self::ring(ring, system, datum) {
                    Ok(points) => converted.push(points),
                    Err(message) => {
                        err(field.clone(), format!("{name}: {message}"));
                        ok = false;
                    }
                }
            }
            if polygon.is_empty() {
                err(field.clone(), format!("polygon {p} has no ring"));
                ok = false;
            }
            if ok {
                let mut rings = converted.into_iter();
                let exterior = rings.next().unwrap_or_default();
                polygons.push(Polygon {
                    exterior,
                    holes: rings.collect(),
                });
            }
        }
        if rings.is_empty() {
            err(field.clone(), "a MultiPolygon without polygons".into());
            ok = false;
        }
        if let (true, Some(school)) = (ok, at) {
            let shape = shape(&polygons);
            let rect = shape.bounding_rect();
            out.areas.push(CatchmentArea {
                school,
                feature: i,
                polygons,
            });
            out.shapes.push((shape, rect));
            out.ids.push(id);
        }
    }
    out
}

/// A ring's positions as points of the scenario's plane, or what is wrong with them.
fn ring(
    ring: &[geojson::Position],
    system: CoordinateSystem,
    datum: Option<Datum>,
) -> Result<Vec<[f64; 2]>, String> {
    if ring.len() < 4 {
        return Err(format!(
            "{} positions; a ring has at least 4 (a triangle and its first position again)",
            ring.len()
        ));
    }
    let mut points = Vec::with_capacity(ring.len());
    for (k, position) in ring.iter().enumerate() {
        let c = position.as_slice();
        let x = c.first().copied().unwrap_or(f64::NAN);
        let y = c.get(1).copied().unwrap_or(f64::NAN);
        if !(x.is_finite() && y.is_finite()) {
            return Err(format!("position {k} has no two finite coordinates"));
        }
        let bounds = match system {
            CoordinateSystem::Km => rules::coordinate(x).and(rules::coordinate(y)),
            CoordinateSystem::Degrees => rules::longitude(x).and(rules::latitude(y)),
        };
        if let Err(message) = bounds {
            return Err(format!(
                "position {k} `[{x}, {y}]` ({}): {message}",
                match system {
                    CoordinateSystem::Km => "x_km, y_km: the scenario is on a kilometre grid",
                    CoordinateSystem::Degrees => "longitude, latitude",
                }
            ));
        }
        points.push(match (system, datum) {
            (CoordinateSystem::Degrees, Some(d)) => {
                let (lat, lon) = d.to_wgs84(y, x);
                [lon, lat]
            }
            _ => [x, y],
        });
    }
    if ring.first().map(|p| p.as_slice()) != ring.last().map(|p| p.as_slice()) {
        return Err("not closed: its last position must repeat its first".into());
    }
    Ok(points)
}

/// The polygons as one `geo` shape.
fn shape(polygons: &[Polygon]) -> geo::MultiPolygon<f64> {
    let line = |ring: &[[f64; 2]]| {
        geo::LineString::from(ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
    };
    geo::MultiPolygon::new(
        polygons
            .iter()
            .map(|p| {
                geo::Polygon::new(line(&p.exterior), p.holes.iter().map(|h| line(h)).collect())
            })
            .collect(),
    )
}
