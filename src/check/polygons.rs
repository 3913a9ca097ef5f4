//! Catchment polygons, decided again: for a scenario whose catchments are drawn as polygons, the
//! schools whose catchment holds each child's home are found with the checker's own
//! point-in-polygon test — not the `geo` crate the loader uses — and must be exactly the child's
//! `catchment`, which every tier and coordinated-stage rule of the checker then reads.
//!
//! The rule, as `docs/points-policy.md` §12.1 states it: a home on the boundary of a polygon —
//! an edge or a vertex of its outer ring or of a hole — is inside it; otherwise it is inside
//! when its outer ring winds around it (a non-zero winding number) and no hole does. Every
//! side-of-an-edge question is answered exactly with Shewchuk's orientation predicate (the
//! `robust` crate), never with rounded `f64` products, so a home exactly on an edge, or a
//! rounding error away from it, is decided as the loader's exact predicates decide it. Areas are
//! found through the checker's own grid of bounding boxes, so a province's homes are not each
//! tested against every polygon.

use robust::{orient2d, Coord};

use super::Violations;
use crate::domain::{CatchmentArea, Location, Polygon, SchoolIdx};
use crate::scenario::Scenario;

/// Where `p` lies against one closed ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// On one of its edges (or vertices).
    Boundary,
    /// Wound around (non-zero winding number).
    Inside,
    /// Neither.
    Outside,
}

/// The sign of the turn `a → b → p`: positive to the left (counter-clockwise), zero on the line
/// through `a` and `b`, exactly.
fn turn(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let c = |q: [f64; 2]| Coord { x: q[0], y: q[1] };
    orient2d(c(a), c(b), c(p))
}

/// Where `p` lies against `ring`: on an edge, or by its winding number (an upward edge counts
/// from its start, a downward one up to its end, so a vertex level with `p` counts once).
fn side(p: [f64; 2], ring: &[[f64; 2]]) -> Side {
    let mut winding = 0i64;
    for edge in ring.windows(2) {
        let (a, b) = (edge[0], edge[1]);
        let t = turn(a, b, p);
        if t == 0.0
            && p[0] >= a[0].min(b[0])
            && p[0] <= a[0].max(b[0])
            && p[1] >= a[1].min(b[1])
            && p[1] <= a[1].max(b[1])
        {
            return Side::Boundary;
        }
        if a[1] <= p[1] {
            if b[1] > p[1] && t > 0.0 {
                winding += 1;
            }
        } else if b[1] <= p[1] && t < 0.0 {
            winding -= 1;
        }
    }
    if winding == 0 {
        Side::Outside
    } else {
        Side::Inside
    }
}

/// Whether `p` is inside `polygon` or on its boundary (an edge of its outer ring or a hole's).
fn inside(p: [f64; 2], polygon: &Polygon) -> bool {
    match side(p, &polygon.exterior) {
        Side::Outside => false,
        Side::Boundary => true,
        Side::Inside => polygon.holes.iter().all(|h| side(p, h) != Side::Inside),
    }
}

/// An area's bounding box, `[min_x, min_y, max_x, max_y]` over its outer rings (holes lie
/// within them); `None` for an area without positions.
fn bounds(area: &CatchmentArea) -> Option<[f64; 4]> {
    let mut points = area.polygons.iter().flat_map(|p| &p.exterior);
    let first = points.next()?;
    Some(
        points.fold([first[0], first[1], first[0], first[1]], |b, q| {
            [
                b[0].min(q[0]),
                b[1].min(q[1]),
                b[2].max(q[0]),
                b[3].max(q[1]),
            ]
        }),
    )
}

/// The areas bucketed by a uniform grid over their bounding boxes: each cell lists the areas
/// whose box meets it, so a home is tested only against those of its own cell.
struct Grid {
    /// Each area's box (`None`: it holds no point).
    boxes: Vec<Option<[f64; 4]>>,
    /// The grid's lower corner and the size of a cell.
    origin: [f64; 2],
    size: [f64; 2],
    /// Cells per row and per column.
    n: usize,
    /// The areas of each cell, row by row.
    cells: Vec<Vec<usize>>,
}

impl Grid {
    fn new(areas: &[CatchmentArea]) -> Grid {
        let boxes: Vec<Option<[f64; 4]>> = areas.iter().map(bounds).collect();
        let all = boxes.iter().flatten().copied().reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        });
        let [x0, y0, x1, y1] = all.unwrap_or([0.0, 0.0, 1.0, 1.0]);
        // About one area per cell, at most 512 × 512 cells.
        let n = ((areas.len() as f64).sqrt().ceil() as usize).clamp(1, 512);
        let step = |lo: f64, hi: f64| {
            let s = (hi - lo) / n as f64;
            if s > 0.0 && s.is_finite() {
                s
            } else {
                1.0
            }
        };
        let mut grid = Grid {
            boxes,
            origin: [x0, y0],
            size: [step(x0, x1), step(y0, y1)],
            n,
            cells: vec![Vec::new(); n * n],
        };
        for (i, b) in grid.boxes.iter().enumerate() {
            let Some(b) = b else { continue };
            let (cx0, cy0) = (grid.column(b[0], 0), grid.column(b[1], 1));
            let (cx1, cy1) = (grid.column(b[2], 0), grid.column(b[3], 1));
            for cy in cy0..=cy1 {
                for cx in cx0..=cx1 {
                    grid.cells[cy * n + cx].push(i);
                }
            }
        }
        grid
    }

    /// The cell column (`axis` 0) or row (`axis` 1) of coordinate `v`, clamped to the grid; it
    /// never decreases as `v` grows, so a box's cells hold every point of the box.
    fn column(&self, v: f64, axis: usize) -> usize {
        let c = ((v - self.origin[axis]) / self.size[axis]).floor();
        if c.is_nan() || c < 0.0 {
            0
        } else {
            (c as usize).min(self.n - 1)
        }
    }

    /// The areas whose bounding box holds `p` (edges included).
    fn near(&self, p: [f64; 2]) -> impl Iterator<Item = usize> + '_ {
        let cell = self.column(p[1], 1) * self.n + self.column(p[0], 0);
        self.cells[cell].iter().copied().filter(move |&i| {
            self.boxes[i]
                .is_some_and(|b| p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3])
        })
    }
}

/// The schools whose areas hold `at`, sorted, once each.
fn schools_at(areas: &[CatchmentArea], grid: &Grid, at: Location) -> Vec<SchoolIdx> {
    let p = match at {
        Location::Km { x_km, y_km } => [x_km, y_km],
        Location::Degrees { lat, lon } => [lon, lat],
    };
    let mut found: Vec<SchoolIdx> = grid
        .near(p)
        .filter(|&i| areas[i].polygons.iter().any(|poly| inside(p, poly)))
        .map(|i| areas[i].school)
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
    let grid = Grid::new(areas);
    for child in &scenario.children {
        let own = schools_at(areas, &grid, child.location);
        if own[..] != child.catchment[..] {
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

    /// A triangle with two slanted edges, as `geo` sees it.
    fn slanted() -> (Polygon, geo::Polygon<f64>) {
        let ring = vec![[0.0, 0.0], [3.0, 1.0], [0.3, 2.7], [0.0, 0.0]];
        let shape = geo::Polygon::new(
            geo::LineString::from(ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>()),
            Vec::new(),
        );
        (
            Polygon {
                exterior: ring,
                holes: Vec::new(),
            },
            shape,
        )
    }

    #[test]
    fn a_home_exactly_on_a_slanted_edge_or_a_vertex_is_inside() {
        let (p, _) = slanted();
        assert!(inside([1.5, 0.5], &p), "on the edge (0, 0)–(3, 1)");
        assert!(inside([3.0, 1.0], &p), "on a vertex");
        assert!(inside([0.0, 0.0], &p), "on the first vertex");
        assert!(!inside([1.5, 0.49], &p), "just below the edge");
        assert!(!inside([3.01, 1.0], &p), "just right of the vertex");
    }

    #[test]
    fn homes_within_rounding_of_an_edge_are_decided_as_geo_decides_them() {
        use geo::Intersects;
        // Points a + t·(b − a) of each edge, rounded to f64 (so on, just inside or just outside
        // the edge by a rounding error), and their neighbours one step of the last bit away.
        let (p, shape) = slanted();
        let mut rounded_off = 0;
        for edge in p.exterior.windows(2) {
            let (a, b) = (edge[0], edge[1]);
            for k in 0..=400 {
                let t = f64::from(k) / 400.0;
                let on = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                for q in [
                    on,
                    [on[0], f64::from_bits(on[1].to_bits() + 1)],
                    [f64::from_bits(on[0].to_bits() + 1), on[1]],
                ] {
                    let theirs = shape.intersects(&geo::Point::new(q[0], q[1]));
                    assert_eq!(inside(q, &p), theirs, "at {q:?}, edge {a:?}–{b:?}");
                    // What a rounded cross product would have said: on the edge exactly when 0.
                    let cross = (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]);
                    if (cross == 0.0) != (turn(a, b, q) == 0.0) {
                        rounded_off += 1;
                    }
                }
            }
        }
        // The sample does hold homes a rounded test would misjudge.
        assert!(rounded_off > 0);
    }

    #[test]
    fn the_grid_finds_the_areas_whose_box_holds_a_home() {
        let area = |school: u32, x0: f64| CatchmentArea {
            school: SchoolIdx(school),
            feature: school as usize,
            polygons: vec![Polygon {
                exterior: square(x0, 0.0, 2.0),
                holes: Vec::new(),
            }],
        };
        let areas: Vec<CatchmentArea> = (0..9).map(|i| area(i, f64::from(i) * 2.0)).collect();
        let grid = Grid::new(&areas);
        let at = |x: f64, y: f64| schools_at(&areas, &grid, Location::Km { x_km: x, y_km: y });
        assert_eq!(at(1.0, 1.0), [SchoolIdx(0)]);
        assert_eq!(
            at(2.0, 1.0),
            [SchoolIdx(0), SchoolIdx(1)],
            "on a shared edge"
        );
        assert_eq!(at(18.0, 2.0), [SchoolIdx(8)], "the far corner");
        assert!(at(19.0, 3.0).is_empty());
        assert!(at(-5.0, -5.0).is_empty());
    }
}
