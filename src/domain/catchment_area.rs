//! A school's catchment (施教区) drawn as polygons instead of listed as communities: the rings of
//! each polygon in the scenario's own plane — `[x_km, y_km]` on a kilometre grid, `[lon, lat]`
//! WGS84 degrees otherwise (converted from the scenario's declared datum when read, as homes
//! are). A home inside (or on the edge of) one of a school's polygons and outside its holes lies
//! in that school's catchment. The loader decides each child's catchment from these with the
//! `geo` crate; the independent checker keeps them to decide it again with its own code.

use super::SchoolIdx;

/// One polygon: an outer ring and its holes, each ring closed (its last point is its first).
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    /// The outer boundary, `[x, y]` points (x = x_km or longitude, y = y_km or latitude).
    pub exterior: Vec<[f64; 2]>,
    /// Holes cut out of it (an enclave that belongs to another school).
    pub holes: Vec<Vec<[f64; 2]>>,
}

/// The polygons of one feature of the catchment file, drawn for one public school.
#[derive(Debug, Clone, PartialEq)]
pub struct CatchmentArea {
    /// The school whose catchment this is.
    pub school: SchoolIdx,
    /// The feature's position in the file's `features` (0-based), to name it in messages.
    pub feature: usize,
    /// Its polygons (one for a `Polygon`, several for a `MultiPolygon`).
    pub polygons: Vec<Polygon>,
}
