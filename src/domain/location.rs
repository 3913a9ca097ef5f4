//! Where a school or a home is, in one of the two coordinate systems a scenario may use — a
//! planar grid in kilometres or WGS84 latitude/longitude in degrees — and the distance between
//! two places of the same system: straight-line on the grid, great-circle (haversine) on the
//! globe. Every distance of the tool (fallback limits, purchase reach, the placements' distance,
//! the checker's) is this one function, [`Location::distance_km`], or the same computation on
//! points prepared once for many distances ([`Prepared`]).

/// Mean Earth radius in km (the IUGG mean radius R₁ = 6,371.0088 km), for great-circle distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// The coordinate system of a [`Location`]; a scenario uses one for all its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoordinateSystem {
    /// A planar grid in kilometres (`x_km`, `y_km`).
    Km,
    /// WGS84 latitude and longitude in degrees (`lat`, `lon`).
    Degrees,
}

impl CoordinateSystem {
    /// The columns that give a location in this system, as a table names them.
    pub fn columns(self) -> &'static str {
        match self {
            CoordinateSystem::Km => "x_km/y_km",
            CoordinateSystem::Degrees => "lat/lon",
        }
    }
}

/// A point: on the scenario's planar grid in kilometres, or WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Location {
    /// A point on the scenario's planar grid.
    Km {
        /// Horizontal (x) coordinate in km, within ±10,000.
        x_km: f64,
        /// Vertical (y) coordinate in km, within ±10,000.
        y_km: f64,
    },
    /// A point on the WGS84 ellipsoid (what GPS gives; GCJ-02 and BD-09 coordinates are
    /// converted to it when read, [`crate::domain::Datum`]).
    Degrees {
        /// Latitude in degrees north, within [-90, 90].
        lat: f64,
        /// Longitude in degrees east, within [-180, 180].
        lon: f64,
    },
}

impl Location {
    /// A point on the kilometre grid.
    pub const fn km(x_km: f64, y_km: f64) -> Location {
        Location::Km { x_km, y_km }
    }

    /// A point in WGS84 degrees.
    pub const fn degrees(lat: f64, lon: f64) -> Location {
        Location::Degrees { lat, lon }
    }

    /// The system the point is given in.
    pub fn system(self) -> CoordinateSystem {
        match self {
            Location::Km { .. } => CoordinateSystem::Km,
            Location::Degrees { .. } => CoordinateSystem::Degrees,
        }
    }

    /// Distance in kilometres: straight-line on the grid, great-circle on the globe.
    ///
    /// On the grid it is computed with `sqrt` (correctly rounded by IEEE 754), not `hypot`; on
    /// the globe by the haversine formula over a sphere of [`EARTH_RADIUS_KM`] with the pure-Rust
    /// `libm`'s functions — so it is bit-identical on every platform either way. The sphere is
    /// within 0.5 % of the ellipsoid's distances, far below what decides a school place.
    ///
    /// # Panics
    ///
    /// If the two points are in different systems: a valid [`crate::domain`] scenario never
    /// mixes them (`Scenario::new` refuses it), so such a call is a bug of the caller.
    pub fn distance_km(self, other: Location) -> f64 {
        match (self, other) {
            (Location::Km { x_km: x1, y_km: y1 }, Location::Km { x_km: x2, y_km: y2 }) => {
                let (dx, dy) = (x1 - x2, y1 - y2);
                (dx * dx + dy * dy).sqrt()
            }
            (Location::Degrees { lat: a, lon: b }, Location::Degrees { lat: c, lon: d }) => {
                haversine_km(a, b, c, d)
            }
            (a, b) => panic!(
                "distance between a point in {} and one in {}: a scenario uses one coordinate system",
                a.system().columns(),
                b.system().columns()
            ),
        }
    }
}

/// The great-circle distance between two WGS84 points, in km (haversine on the mean sphere).
fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Location::degrees(lat1, lon1)
        .prepared()
        .distance_km(&Location::degrees(lat2, lon2).prepared())
}

/// A [`Location`] with what its distances need of it alone computed once (on the globe, its
/// latitude in radians and that latitude's cosine), for a place met in millions of distances:
/// a home against every private school in reach, a school against every home.
/// [`Prepared::distance_km`] is [`Location::distance_km`], which is computed through it: the
/// same operations on the same values, so the same bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prepared {
    location: Location,
    /// On the globe, the latitude in radians; 0 on the grid.
    lat_rad: f64,
    /// On the globe, the cosine of `lat_rad`; 0 on the grid.
    cos_lat: f64,
}

impl Location {
    /// The point prepared for many distances ([`Prepared`]).
    pub fn prepared(self) -> Prepared {
        match self {
            Location::Degrees { lat, .. } => {
                let lat_rad = lat.to_radians();
                Prepared {
                    location: self,
                    lat_rad,
                    cos_lat: libm::cos(lat_rad),
                }
            }
            Location::Km { .. } => Prepared {
                location: self,
                lat_rad: 0.0,
                cos_lat: 0.0,
            },
        }
    }
}

impl Prepared {
    /// [`Location::distance_km`] between the two points, bit for bit.
    ///
    /// # Panics
    ///
    /// If the two points are in different systems, as [`Location::distance_km`].
    pub fn distance_km(&self, other: &Prepared) -> f64 {
        match (self.location, other.location) {
            (Location::Degrees { lon: lon1, .. }, Location::Degrees { lon: lon2, .. }) => {
                let dp = other.lat_rad - self.lat_rad;
                let dl = (lon2 - lon1).to_radians();
                let s = libm::sin(dp / 2.0);
                let t = libm::sin(dl / 2.0);
                let h = s * s + self.cos_lat * other.cos_lat * t * t;
                // `h` may exceed 1 by a rounding error for antipodal points.
                2.0 * EARTH_RADIUS_KM * libm::asin(h.min(1.0).sqrt())
            }
            (a, b) => a.distance_km(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_distance_is_euclidean() {
        assert_eq!(
            Location::km(0.0, 0.0).distance_km(Location::km(3.0, 4.0)),
            5.0
        );
    }

    /// One degree of latitude is R·π/180 = 6371.0088 × 0.0174533 = 111.1951 km; one degree of
    /// longitude at 60° N is half that.
    #[test]
    fn great_circle_distances_by_hand() {
        let d = Location::degrees(30.0, 120.0).distance_km(Location::degrees(31.0, 120.0));
        assert!((d - 111.1951).abs() < 1e-3, "{d}");
        let d = Location::degrees(0.0, 0.0).distance_km(Location::degrees(0.0, 180.0));
        assert!(
            (d - EARTH_RADIUS_KM * std::f64::consts::PI).abs() < 1e-9,
            "{d}"
        );
        // At 60° N, 1° of longitude: 2R·asin(cos 60° · sin 0.5°) = 55.5967 km.
        let d = Location::degrees(60.0, 10.0).distance_km(Location::degrees(60.0, 11.0));
        assert!((d - 55.5967).abs() < 1e-3, "{d}");
        // Symmetric, and zero at the same point.
        let (a, b) = (
            Location::degrees(30.27, 120.15),
            Location::degrees(30.25, 120.2),
        );
        assert_eq!(a.distance_km(b), b.distance_km(a));
        assert_eq!(a.distance_km(a), 0.0);
    }

    /// Prepared points give the bits of the haversine formula written out in one piece, over
    /// a spread of points (Hangzhou's blocks to the antipodes).
    #[test]
    fn prepared_distances_are_the_formulas_bits() {
        let formula = |lat1: f64, lon1: f64, lat2: f64, lon2: f64| {
            let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
            let s = libm::sin((p2 - p1) / 2.0);
            let t = libm::sin((lon2 - lon1).to_radians() / 2.0);
            let h = s * s + libm::cos(p1) * libm::cos(p2) * t * t;
            2.0 * EARTH_RADIUS_KM * libm::asin(h.min(1.0).sqrt())
        };
        let points: Vec<(f64, f64)> = (0..40)
            .map(|k| {
                let k = f64::from(k);
                (30.0 + (k * 0.013_7).sin() * 60.0, 120.0 - k * 8.37)
            })
            .chain([(90.0, 0.0), (-90.0, 180.0), (0.0, -180.0), (30.27, 120.15)])
            .collect();
        for &(lat1, lon1) in &points {
            for &(lat2, lon2) in &points {
                let (a, b) = (Location::degrees(lat1, lon1), Location::degrees(lat2, lon2));
                let expected = formula(lat1, lon1, lat2, lon2);
                assert_eq!(a.distance_km(b).to_bits(), expected.to_bits());
                assert_eq!(
                    a.prepared().distance_km(&b.prepared()).to_bits(),
                    expected.to_bits()
                );
            }
        }
        let (a, b) = (Location::km(1.5, -2.0), Location::km(-3.25, 7.0));
        assert_eq!(a.prepared().distance_km(&b.prepared()), a.distance_km(b));
    }

    #[test]
    #[should_panic(expected = "one coordinate system")]
    fn mixing_systems_is_a_bug() {
        Location::km(0.0, 0.0).distance_km(Location::degrees(0.0, 0.0));
    }
}
