//! The datum of latitude/longitude as written in a scenario's tables, and the conversion of the
//! two Chinese map datums to WGS84.
//!
//! Coordinates from a GPS receiver or OpenStreetMap are WGS84. Coordinates from Chinese map
//! services are not: Amap (高德), Tencent and Google's China maps use **GCJ-02** (国测局坐标,
//! "Mars coordinates"), WGS84 shifted by a published obfuscation of some 100–700 m; Baidu uses
//! **BD-09**, GCJ-02 shifted once more. A scenario declares which it holds (`coordinates` in
//! `scenario.toml`); nothing is guessed.
//!
//! The transforms are the well-known published ones (the Krasovsky-1940 ellipsoid constants of
//! the GCJ-02 offset, and Baidu's rotation and shift), written here from their formulas: WGS84 →
//! GCJ-02 is closed-form; GCJ-02 → WGS84 has no closed form and is inverted by fixed-point
//! iteration to 10⁻¹⁰ degrees (about 0.01 mm). Outside mainland China's bounding box GCJ-02
//! equals WGS84, as the published transform defines.

use std::f64::consts::PI;

/// The datum of a table's `lat`/`lon` cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Datum {
    /// WGS84, as GPS and OpenStreetMap give: used as written.
    Wgs84,
    /// GCJ-02 (Amap, Tencent, Google China): converted to WGS84.
    Gcj02,
    /// BD-09 (Baidu Maps): converted to GCJ-02, then to WGS84.
    Bd09,
}

impl Datum {
    /// The datum named in `scenario.toml` (`wgs84`, `gcj02`, `bd09`, any case, `-` allowed).
    pub fn parse(name: &str) -> Option<Datum> {
        match name.to_ascii_lowercase().replace('-', "").as_str() {
            "wgs84" => Some(Datum::Wgs84),
            "gcj02" => Some(Datum::Gcj02),
            "bd09" => Some(Datum::Bd09),
            _ => None,
        }
    }

    /// The name as `scenario.toml` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Datum::Wgs84 => "wgs84",
            Datum::Gcj02 => "gcj02",
            Datum::Bd09 => "bd09",
        }
    }

    /// `(lat, lon)` of this datum converted to WGS84 degrees.
    pub fn to_wgs84(self, lat: f64, lon: f64) -> (f64, f64) {
        match self {
            Datum::Wgs84 => (lat, lon),
            Datum::Gcj02 => gcj02_to_wgs84(lat, lon),
            Datum::Bd09 => {
                let (lat, lon) = bd09_to_gcj02(lat, lon);
                gcj02_to_wgs84(lat, lon)
            }
        }
    }
}

impl Datum {
    /// WGS84 `(lat, lon)` in degrees as this datum writes them (what a Chinese map service would
    /// show for a GPS point): the forward transforms, for tests and for writing such data.
    pub fn from_wgs84(self, lat: f64, lon: f64) -> (f64, f64) {
        match self {
            Datum::Wgs84 => (lat, lon),
            Datum::Gcj02 => wgs84_to_gcj02(lat, lon),
            Datum::Bd09 => {
                let (lat, lon) = wgs84_to_gcj02(lat, lon);
                gcj02_to_bd09(lat, lon)
            }
        }
    }
}

/// Semi-major axis (m) and first eccentricity squared of the Krasovsky 1940 ellipsoid, as the
/// GCJ-02 transform uses them.
const KRASOVSKY_A: f64 = 6378245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

/// Whether the point lies outside the box in which GCJ-02 differs from WGS84.
fn outside_china(lat: f64, lon: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

/// The published polynomial-and-sine offset of latitude (before scaling), at `x` = lon − 105,
/// `y` = lat − 35.
fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * libm::sin(6.0 * x * PI) + 20.0 * libm::sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * libm::sin(y * PI) + 40.0 * libm::sin(y / 3.0 * PI)) * 2.0 / 3.0;
    r += (160.0 * libm::sin(y / 12.0 * PI) + 320.0 * libm::sin(y * PI / 30.0)) * 2.0 / 3.0;
    r
}

/// The published offset of longitude (before scaling), at `x` = lon − 105, `y` = lat − 35.
fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * libm::sin(6.0 * x * PI) + 20.0 * libm::sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * libm::sin(x * PI) + 40.0 * libm::sin(x / 3.0 * PI)) * 2.0 / 3.0;
    r += (150.0 * libm::sin(x / 12.0 * PI) + 300.0 * libm::sin(x / 30.0 * PI)) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02, `(lat, lon)` in degrees: the published closed-form transform.
pub fn wgs84_to_gcj02(lat: f64, lon: f64) -> (f64, f64) {
    if outside_china(lat, lon) {
        return (lat, lon);
    }
    let (x, y) = (lon - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * libm::sin(rad) * libm::sin(rad);
    let sqrt_magic = magic.sqrt();
    let dlat = offset_lat(x, y) * 180.0
        / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlon = offset_lon(x, y) * 180.0 / (KRASOVSKY_A / sqrt_magic * libm::cos(rad) * PI);
    (lat + dlat, lon + dlon)
}

/// GCJ-02 → WGS84, `(lat, lon)` in degrees: the WGS84 point whose GCJ-02 image is the given
/// point, found by fixed-point iteration (each step moves the guess by the remaining
/// difference; the offset changes slowly, so it converges in a few steps).
pub fn gcj02_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    if outside_china(lat, lon) {
        return (lat, lon);
    }
    let (mut g_lat, mut g_lon) = (lat, lon);
    for _ in 0..30 {
        let (f_lat, f_lon) = wgs84_to_gcj02(g_lat, g_lon);
        let (e_lat, e_lon) = (f_lat - lat, f_lon - lon);
        g_lat -= e_lat;
        g_lon -= e_lon;
        if e_lat.abs() < 1e-10 && e_lon.abs() < 1e-10 {
            break;
        }
    }
    (g_lat, g_lon)
}

/// Baidu's constant: π · 3000 / 180.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;

/// BD-09 → GCJ-02, `(lat, lon)` in degrees: Baidu's published rotation and shift, undone.
pub fn bd09_to_gcj02(lat: f64, lon: f64) -> (f64, f64) {
    let (x, y) = (lon - 0.0065, lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * libm::sin(y * BD_X_PI);
    let theta = libm::atan2(y, x) - 0.000003 * libm::cos(x * BD_X_PI);
    (z * libm::sin(theta), z * libm::cos(theta))
}

/// GCJ-02 → BD-09, `(lat, lon)` in degrees: Baidu's published rotation and shift.
pub fn gcj02_to_bd09(lat: f64, lon: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * libm::sin(lat * BD_X_PI);
    let theta = libm::atan2(lat, lon) + 0.000003 * libm::cos(lon * BD_X_PI);
    (z * libm::sin(theta) + 0.006, z * libm::cos(theta) + 0.0065)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published reference values of the widely used coordtransform library at Tiananmen
    /// (116.404 E, 39.915 N): wgs84togcj02 → (116.41024449916938, 39.91640428150164),
    /// bd09togcj02 → (116.39762729119315, 39.90865673957631), and its one-step approximate
    /// gcj02towgs84 → (116.39775550083061, 39.91359571849836).
    #[test]
    fn published_reference_points() {
        let (lat, lon) = wgs84_to_gcj02(39.915, 116.404);
        assert!((lon - 116.41024449916938).abs() < 1e-9, "{lon}");
        assert!((lat - 39.91640428150164).abs() < 1e-9, "{lat}");
        // gcj02tobd09 → (116.41036949371029, 39.92133699351021).
        let (lat, lon) = gcj02_to_bd09(39.915, 116.404);
        assert!((lon - 116.41036949371029).abs() < 1e-9, "{lon}");
        assert!((lat - 39.92133699351021).abs() < 1e-9, "{lat}");
        let (lat, lon) = bd09_to_gcj02(39.915, 116.404);
        assert!((lon - 116.39762729119315).abs() < 1e-9, "{lon}");
        assert!((lat - 39.90865673957631).abs() < 1e-9, "{lat}");
        // The exact inverse is within a metre (1e-5°) of the one-step approximation…
        let (lat, lon) = gcj02_to_wgs84(39.915, 116.404);
        assert!((lon - 116.39775550083061).abs() < 1e-5, "{lon}");
        assert!((lat - 39.91359571849836).abs() < 1e-5, "{lat}");
        // …and maps back onto the given point.
        let (blat, blon) = wgs84_to_gcj02(lat, lon);
        assert!((blat - 39.915).abs() < 1e-9 && (blon - 116.404).abs() < 1e-9);
    }

    #[test]
    fn round_trips_in_hangzhou_and_nothing_outside_china() {
        let (lat, lon) = (30.27, 120.15);
        let (glat, glon) = wgs84_to_gcj02(lat, lon);
        // The GCJ-02 shift in Hangzhou is some hundreds of metres.
        assert!((glat - lat).abs() > 1e-4 && (glon - lon).abs() > 1e-4);
        let (wlat, wlon) = Datum::Gcj02.to_wgs84(glat, glon);
        assert!((wlat - lat).abs() < 1e-9 && (wlon - lon).abs() < 1e-9);
        assert_eq!(Datum::Gcj02.to_wgs84(48.85, 2.35), (48.85, 2.35));
        let (blat, blon) = Datum::Bd09.from_wgs84(lat, lon);
        let (wlat, wlon) = Datum::Bd09.to_wgs84(blat, blon);
        // BD-09 ↔ GCJ-02 is closed-form both ways but not an exact inverse: within 1e-6° (0.1 m).
        assert!((wlat - lat).abs() < 1e-6 && (wlon - lon).abs() < 1e-6);
        assert_eq!(Datum::Wgs84.to_wgs84(30.0, 120.0), (30.0, 120.0));
        assert_eq!(Datum::parse("GCJ-02"), Some(Datum::Gcj02));
        assert_eq!(Datum::parse("bd09"), Some(Datum::Bd09));
        assert_eq!(Datum::parse("cgcs2000"), None);
    }
}
