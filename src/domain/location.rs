//! Points on the scenario's planar grid and the distance between them.

/// A point on the scenario's planar grid, in kilometres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    /// Horizontal (x) coordinate in km, within ±10,000.
    pub x_km: f64,
    /// Vertical (y) coordinate in km, within ±10,000.
    pub y_km: f64,
}

impl Location {
    /// Straight-line distance in kilometres. Computed with `sqrt` (correctly rounded by
    /// IEEE 754), not `hypot`, so it is bit-identical on every platform.
    pub fn distance_km(self, other: Location) -> f64 {
        let (dx, dy) = (self.x_km - other.x_km, self.y_km - other.y_km);
        (dx * dx + dy * dy).sqrt()
    }
}
