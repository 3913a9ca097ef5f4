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
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

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

/// A feature's bounding box in the spatial index, with the feature's place in
/// [`Polygons::areas`].
type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// The valid polygons of the file, one area per feature of a school of this intake, with a
/// spatial index of their bounding boxes (an R-tree, the `rstar` crate): a home is tested only
/// against the few features whose box holds it, so a province of thousands of catchments is
/// not a scan of every polygon per home.
#[derive(Debug, Default)]
pub(crate) struct Polygons {
    /// The areas, in the file's order.
    pub(crate) areas: Vec<CatchmentArea>,
    /// The same areas as `geo` shapes, with their bounding boxes.
    shapes: Vec<(geo::MultiPolygon<f64>, Option<geo::Rect<f64>>)>,
    /// The `school` of each area, as written, to name it in warnings.
    ids: Vec<String>,
    /// The bounding box of every area that has one.
    index: RTree<Boxed>,
}

/// A `geo` rectangle as a box of the index.
fn corners(r: &geo::Rect<f64>) -> ([f64; 2], [f64; 2]) {
    ([r.min().x, r.min().y], [r.max().x, r.max().y])
}

impl Polygons {
    /// The areas with their `school` ids as written, shaped and indexed.
    fn new(areas: Vec<CatchmentArea>, ids: Vec<String>) -> Polygons {
        let shapes: Vec<_> = areas
            .iter()
            .map(|a| {
                let shape = shape(&a.polygons);
                let rect = shape.bounding_rect();
                (shape, rect)
            })
            .collect();
        let boxes = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, (_, rect))| {
                let (lo, hi) = corners(rect.as_ref()?);
                Some(GeomWithData::new(Rectangle::from_corners(lo, hi), i))
            })
            .collect();
        Polygons {
            areas,
            shapes,
            ids,
            index: RTree::bulk_load(boxes),
        }
    }

    /// Whether some polygon is drawn for `school`.
    pub(crate) fn covers(&self, school: SchoolIdx) -> bool {
        self.areas.iter().any(|a| a.school == school)
    }

    /// The schools whose polygons hold `point` (`[x, y]`, the scenario's plane), sorted, once
    /// each: inside or on an edge, outside the holes. Only the areas whose bounding box holds
    /// the point (edges included) are tested.
    fn schools_at(&self, point: [f64; 2]) -> Vec<SchoolIdx> {
        let p = geo::Point::new(point[0], point[1]);
        let mut found: Vec<SchoolIdx> = self
            .index
            .locate_all_at_point(&point)
            .filter(|b| self.shapes[b.data].0.intersects(&p))
            .map(|b| self.areas[b.data].school)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Sets every child's home catchment from the polygons her home lies in.
    pub(crate) fn assign(&self, children: &mut [Child]) {
        children
            .par_iter_mut()
            .for_each(|child| child.catchment = self.schools_at(plane(child.location)).into());
    }

    /// One warning per pair of features of different schools whose polygons overlap (share
    /// area, not just an edge): both named, with a point inside the overlap and its area. Only
    /// pairs whose bounding boxes meet are intersected; the pairs are in the file's order.
    pub(crate) fn overlaps(&self, path: &Path, system: CoordinateSystem) -> Vec<InputError> {
        let mut warnings = Vec::new();
        let unit = match system {
            CoordinateSystem::Km => "km²",
            CoordinateSystem::Degrees => "square degrees",
        };
        for i in 0..self.areas.len() {
            let (sa, Some(ra)) = &self.shapes[i] else {
                continue;
            };
            let (lo, hi) = corners(ra);
            let mut near: Vec<usize> = self
                .index
                .locate_in_envelope_intersecting(&AABB::from_corners(lo, hi))
                .map(|b| b.data)
                .filter(|&j| j > i && self.areas[j].school != self.areas[i].school)
                .collect();
            near.sort_unstable();
            for j in near {
                let (a, b) = (&self.areas[i], &self.areas[j]);
                let sb = &self.shapes[j].0;
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
    let out = Polygons::default();
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
    let (mut areas, mut ids) = (Vec::new(), Vec::new());
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
            areas.push(CatchmentArea {
                school,
                feature: i,
                polygons,
            });
            ids.push(id);
        }
    }
    Polygons::new(areas, ids)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::Polygon;

    /// The schools at `point` by testing every area, as before the index: what it must find.
    fn by_scan(p: &Polygons, point: [f64; 2]) -> Vec<SchoolIdx> {
        let at = geo::Point::new(point[0], point[1]);
        let mut found: Vec<SchoolIdx> = p
            .areas
            .iter()
            .zip(&p.shapes)
            .filter(|(_, (shape, _))| shape.intersects(&at))
            .map(|(a, _)| a.school)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// A rectangle, or the right triangle of its lower-left half, from `(x, y)` of size `w × h`.
    fn area(i: usize, (x, y, w, h, triangle): (u8, u8, u8, u8, bool)) -> CatchmentArea {
        let (x, y, w, h) = (f64::from(x), f64::from(y), f64::from(w), f64::from(h));
        let exterior = if triangle {
            vec![[x, y], [x + w, y], [x, y + h], [x, y]]
        } else {
            vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]
        };
        CatchmentArea {
            school: SchoolIdx((i % 5) as u32),
            feature: i,
            polygons: vec![Polygon {
                exterior,
                holes: Vec::new(),
            }],
        }
    }

    proptest! {
        /// The R-tree of bounding boxes finds, for every home, exactly the schools a test of
        /// every polygon finds — homes on edges and corners included (half-unit steps).
        #[test]
        fn the_index_finds_what_a_scan_of_every_polygon_finds(
            shapes in proptest::collection::vec((0u8..20, 0u8..20, 1u8..8, 1u8..8, any::<bool>()), 1..40),
            homes in proptest::collection::vec((0u8..=60, 0u8..=60), 1..60),
        ) {
            let areas: Vec<CatchmentArea> = shapes.iter().enumerate().map(|(i, &s)| area(i, s)).collect();
            let ids = (0..areas.len()).map(|i| format!("S{i}")).collect();
            let polygons = Polygons::new(areas, ids);
            for &(x, y) in &homes {
                let point = [f64::from(x) / 2.0, f64::from(y) / 2.0];
                prop_assert_eq!(polygons.schools_at(point), by_scan(&polygons, point), "at {:?}", point);
            }
        }
    }
}
