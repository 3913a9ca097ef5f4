//! Catchment polygons, decided again: for a scenario whose catchments are drawn as polygons, the
//! schools whose catchment holds each child's home are found with the checker's own plain
//! even-odd (ray-casting) test — not the `geo` crate the loader uses — and must be exactly the
//! child's `catchment`, which every tier and coordinated-stage rule of the checker then reads.
//!
//! The rule, as `docs/points-policy.md` §12 states it: a home on an edge of a ring counts as
//! inside; otherwise it is inside a polygon when a ray from it crosses the polygon's rings (outer
//! and holes) an odd number of times. Plain `f64` arithmetic: a home within rounding distance
//! of an edge may be judged differently from the loader's exact predicates, and is reported.

use super::Violations;
use crate::domain::{CatchmentArea, Location, Polygon, SchoolIdx};
use crate::scenario::Scenario;

/// Whether `p` lies on the segment from `a` to `b`.
fn on_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> bool {
    let cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    cross == 0.0
        && p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// Whether `p` is inside `polygon` or on one of its edges.
fn inside(p: [f64; 2], polygon: &Polygon) -> bool {
    let mut odd = false;
    for ring in std::iter::once(&polygon.exterior).chain(&polygon.holes) {
        for edge in ring.windows(2) {
            let (a, b) = (edge[0], edge[1]);
            if on_segment(p, a, b) {
                return true;
            }
            // The edge straddles the horizontal line through `p` (half-open, so a vertex on
            // the line is counted once) and crosses it right of `p`.
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
                if x > p[0] {
                    odd = !odd;
                }
            }
        }
    }
    odd
}

/// The schools whose areas hold `at`, sorted, once each.
fn schools_at(areas: &[CatchmentArea], at: Location) -> Vec<SchoolIdx> {
    let p = match at {
        Location::Km { x_km, y_km } => [x_km, y_km],
        Location::Degrees { lat, lon } => [lon, lat],
    };
    let mut found: Vec<SchoolIdx> = areas
        .iter()
        .filter(|a| a.polygons.iter().any(|poly| inside(p, poly)))
        .map(|a| a.school)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Each child's home catchment, when the scenario draws catchments as polygons, is the one the
/// checker finds (rule `catchment-polygons`).
pub(super) fn check(scenario: &Scenario, v: &mut Violations) {
    let areas = scenario.catchment_areas();
    if areas.is_empty() {
        return;
    }
    let names = |list: &[SchoolIdx]| -> String {
        if list.is_empty() {
            return "none".into();
        }
        list.iter()
            .map(|&s| {
                scenario
                    .schools
                    .get(s.ix())
                    .map_or_else(|| format!("#{}", s.0), |x| format!("`{}`", x.id))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for child in &scenario.children {
        let own = schools_at(areas, child.location);
        if own != child.catchment {
            v.push(
                "catchment-polygons",
                format!(
                    "child `{}`: her home lies in the catchment polygons of {}, but the placement was computed with the catchment of {}",
                    child.id,
                    names(&own),
                    names(&child.catchment)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, side: f64) -> Vec<[f64; 2]> {
        vec![
            [x0, y0],
            [x0 + side, y0],
            [x0 + side, y0 + side],
            [x0, y0 + side],
            [x0, y0],
        ]
    }

    #[test]
    fn inside_outside_edge_and_hole() {
        let p = Polygon {
            exterior: square(0.0, 0.0, 4.0),
            holes: vec![square(1.0, 1.0, 1.0)],
        };
        assert!(inside([0.5, 0.5], &p));
        assert!(!inside([5.0, 0.5], &p));
        assert!(inside([4.0, 2.0], &p), "on the outer edge");
        assert!(!inside([1.5, 1.5], &p), "in the hole");
        assert!(inside([1.0, 1.5], &p), "on the hole's edge");
        assert!(inside([3.0, 1.0], &p), "level with a hole's vertex");
    }
}
