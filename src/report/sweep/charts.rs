//! The charts of a sweep's report: key figures by parameter, heatmaps over pairs of parameters,
//! each district's public share and each school's cut-off across the points.
//!
//! A parameter whose values all parse as numbers is drawn on a numeric axis; otherwise its values
//! are categories in the order the sweep lists them. Where a chart shows fewer parameters than
//! the sweep has, each value is the mean over the solved points that share the shown parameters'
//! values.

use std::fmt::Write as _;

use super::super::figure;
use crate::chart::svg::{self, esc, Format};
use crate::chart::{self, Range, XAxis};
use crate::metrics::{PointKpis, PointResult};

/// A key figure of a point, as charted.
struct Kpi {
    name: &'static str,
    fmt: Format,
    get: fn(&PointKpis) -> f64,
}

const KPIS: [Kpi; 7] = [
    Kpi {
        name: "children in a public school",
        fmt: Format::Percent,
        get: |k| PointKpis::share(k.public, k.children),
    },
    Kpi {
        name: "migrant children in a public school",
        fmt: Format::Percent,
        get: |k| PointKpis::share(k.public_migrant, k.migrant_children),
    },
    Kpi {
        name: "children at their first choice",
        fmt: Format::Percent,
        get: |k| PointKpis::share(k.first_choice, k.children),
    },
    Kpi {
        name: "bought private places",
        fmt: Format::Count,
        get: |k| k.purchased as f64,
    },
    Kpi {
        name: "purchase cost (yuan)",
        fmt: Format::Count,
        get: |k| k.purchase_cost_yuan as f64,
    },
    Kpi {
        name: "purchase budget used",
        fmt: Format::Percent,
        get: |k| PointKpis::share(k.purchase_cost_yuan, k.budget_yuan),
    },
    Kpi {
        name: "unplaced children",
        fmt: Format::Count,
        get: |k| k.unplaced as f64,
    },
];

/// At most this many parameters get curves, and this many pairs get heatmaps.
const MAX_CURVE_PARAMS: usize = 4;
const MAX_HEATMAP_PAIRS: usize = 3;
/// Cells of a heatmap; pairs with more value combinations are not drawn.
const MAX_CELLS: usize = 2500;
/// Lines per chart (one per value of a second parameter) before it is averaged instead.
const MAX_LINES: usize = 8;
/// Schools drawn in the cut-off chart (those whose cut-off moves most).
const MAX_SCHOOLS: usize = 80;
/// A parameter's axis: its listed values, as numbers when they all parse.
pub(super) struct Axis<'a> {
    pub(super) index: usize,
    pub(super) id: &'a str,
    pub(super) values: &'a [String],
    pub(super) numbers: Option<Vec<f64>>,
}

impl Axis<'_> {
    /// Where the point's value of this parameter is in the listed values.
    fn position(&self, point: &PointResult) -> Option<usize> {
        let v = point.values.get(self.index)?;
        self.values.iter().position(|x| x == v)
    }

    fn x(&self) -> XAxis {
        match &self.numbers {
            Some(n) => XAxis::Numeric(n.clone()),
            None => XAxis::Categories(self.values.to_vec()),
        }
    }
}

/// Means of a KPI over the solved points, by value of `p` (columns) and, when given, of `q`
/// (rows; one row otherwise); `None` where no solved point has those values. One pass over the
/// points, so a long sweep with many values stays fast.
fn grid(
    solved: &[(&PointResult, &PointKpis)],
    p: &Axis,
    q: Option<&Axis>,
    kpi: &Kpi,
) -> Vec<Vec<Option<f64>>> {
    let rows = q.map_or(1, |q| q.values.len());
    let mut sum = vec![vec![(0.0, 0usize); p.values.len()]; rows];
    for (point, k) in solved {
        let Some(i) = p.position(point) else { continue };
        let j = match q {
            Some(q) => match q.position(point) {
                Some(j) => j,
                None => continue,
            },
            None => 0,
        };
        let cell = &mut sum[j][i];
        cell.0 += (kpi.get)(k);
        cell.1 += 1;
    }
    sum.into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(s, n)| (n > 0).then(|| s / n as f64))
                .collect()
        })
        .collect()
}

/// One small line chart per KPI and parameter.
pub(super) fn curves(b: &mut String, solved: &[(&PointResult, &PointKpis)], varying: &[&Axis]) {
    if varying.is_empty() {
        return;
    }
    b.push_str("<h2>Key figures by parameter</h2>\n");
    if varying.len() > MAX_CURVE_PARAMS {
        let _ = writeln!(
            b,
            "<p>Curves are drawn for the first {MAX_CURVE_PARAMS} of {} varying parameters.</p>",
            varying.len()
        );
    }
    for (n, p) in varying.iter().take(MAX_CURVE_PARAMS).enumerate() {
        let second = varying
            .iter()
            .enumerate()
            .find(|&(m, q)| m != n && q.values.len() <= MAX_LINES)
            .map(|(_, q)| *q);
        let _ = writeln!(b, "<h3>By {}</h3>", esc(p.id));
        let how = match second {
            Some(q) => format!(
                "One line per value of {}; each dot is the mean over the solved points with those two values.",
                q.id
            ),
            None => "Each dot is the mean over the solved points with that value.".into(),
        };
        let how = format!(
            "{how} Vertical axes start where the data does, so small changes show; a chart \
             whose axis does not reach zero says so under it."
        );
        let _ = writeln!(b, "<p>{}</p>\n<div class=\"grid\">", esc(&how));
        for kpi in &KPIS {
            let lines: Vec<(String, String, Vec<Option<f64>>)> = match second {
                Some(q) => q
                    .values
                    .iter()
                    .zip(grid(solved, p, Some(q), kpi))
                    .enumerate()
                    .map(|(j, (qv, ys))| {
                        (
                            format!("{} = {qv}", q.id),
                            svg::PALETTE[j % svg::PALETTE.len()].to_string(),
                            ys,
                        )
                    })
                    .collect(),
                None => grid(solved, p, None, kpi)
                    .into_iter()
                    .map(|ys| (String::new(), svg::PALETTE[0].to_string(), ys))
                    .collect(),
            };
            let title = format!("{} by {}", kpi.name, p.id);
            let _ = writeln!(
                b,
                "<figure>\n<h3>{}</h3>\n{}</figure>",
                esc(&title),
                chart::line_chart(480.0, &title, p.id, &p.x(), &lines, kpi.fmt)
            );
        }
        b.push_str("</div>\n");
    }
}

/// Heatmaps of unplaced children and public share over the first pairs of parameters.
pub(super) fn heatmaps(b: &mut String, solved: &[(&PointResult, &PointKpis)], varying: &[&Axis]) {
    let mut pairs = Vec::new();
    let mut too_big = 0;
    for (i, p) in varying.iter().enumerate() {
        for q in &varying[i + 1..] {
            if p.values.len() * q.values.len() <= MAX_CELLS {
                pairs.push((*p, *q));
            } else {
                too_big += 1;
            }
        }
    }
    if pairs.is_empty() && too_big == 0 {
        return;
    }
    b.push_str("<h2>Pairs of parameters</h2>\n");
    if too_big > 0 {
        let _ = writeln!(
            b,
            "<p>{too_big} pair(s) with more than {MAX_CELLS} combinations of values are not drawn.</p>"
        );
    }
    if pairs.len() > MAX_HEATMAP_PAIRS {
        let _ = writeln!(
            b,
            "<p>Heatmaps are drawn for the first {MAX_HEATMAP_PAIRS} of {} pairs.</p>",
            pairs.len()
        );
    }
    for (p, q) in pairs.into_iter().take(MAX_HEATMAP_PAIRS) {
        for kpi in [&KPIS[6], &KPIS[0]] {
            let cells = grid(solved, p, Some(q), kpi);
            let title = format!("{} over {} × {}", kpi.name, p.id, q.id);
            figure(
                b,
                &title,
                "Each cell is the mean over the solved points with that pair of values (the \
                 other parameters averaged); darker is more. Grey cells have no solved point. \
                 Hover for the value.",
                &chart::heatmap(&title, p.id, p.values, q.id, q.values, &cells, kpi.fmt),
            );
        }
    }
}

/// Each district's public share across the points: its range, and lines when one parameter
/// varies.
pub(super) fn districts(b: &mut String, solved: &[(&PointResult, &PointKpis)], varying: &[&Axis]) {
    let mut ids: Vec<&str> = Vec::new();
    for (_, k) in solved {
        for d in &k.districts {
            if !ids.contains(&d.district.as_str()) {
                ids.push(&d.district);
            }
        }
    }
    if ids.is_empty() {
        return;
    }
    let share_of = |k: &PointKpis, id: &str| {
        k.districts
            .iter()
            .find(|d| d.district == id)
            .map(|d| PointKpis::share(d.public, d.children))
    };
    b.push_str("<h2>Public share by district</h2>\n");
    let rows: Vec<Range> = ids
        .iter()
        .map(|id| {
            let v: Vec<f64> = solved.iter().filter_map(|(_, k)| share_of(k, id)).collect();
            let (lo, hi, avg) = stats(&v);
            Range {
                label: id.to_string(),
                min: lo,
                max: hi,
                mid: avg,
                tip: format!(
                    "{id}: public share from {} to {}, mean {} over {} point(s)",
                    Format::Percent.show(lo),
                    Format::Percent.show(hi),
                    Format::Percent.show(avg),
                    v.len()
                ),
            }
        })
        .collect();
    figure(
        b,
        "Share of each district's applicants in a public school, across the points",
        "The light bar runs from the lowest to the highest share any solved point gave the \
         district; the dark tick is the mean. A long bar means the district's outcome depends \
         on the swept parameters.",
        &chart::range_rows(
            "Public share by district across the points",
            &rows,
            Format::Percent,
            false,
        ),
    );
    if let ([p], true) = (varying, ids.len() <= svg::PALETTE.len()) {
        let lines: Vec<(String, String, Vec<Option<f64>>)> = ids
            .iter()
            .enumerate()
            .map(|(j, id)| {
                let ys = p
                    .values
                    .iter()
                    .map(|pv| {
                        let v: Vec<f64> = solved
                            .iter()
                            .filter(|(pt, _)| pt.values.get(p.index) == Some(pv))
                            .filter_map(|(_, k)| share_of(k, id))
                            .collect();
                        (!v.is_empty()).then(|| stats(&v).2)
                    })
                    .collect();
                (id.to_string(), svg::PALETTE[j].to_string(), ys)
            })
            .collect();
        let title = format!("Public share by district and {}", p.id);
        figure(
            b,
            &title,
            "One line per district: the share of its applicants in a public school at each \
             value of the parameter.",
            &chart::line_chart(svg::WIDTH, &title, p.id, &p.x(), &lines, Format::Percent),
        );
    }
}

/// Lowest, highest and mean of a non-empty list (zeros when empty).
fn stats(v: &[f64]) -> (f64, f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi, v.iter().sum::<f64>() / v.len() as f64)
}

/// Each school's cut-off points across the points, as ranges.
pub(super) fn cutoffs(b: &mut String, solved: &[(&PointResult, &PointKpis)]) {
    // (school, district) → cut-offs in points, tiers seen; in order of first appearance.
    let mut schools: Vec<(String, String, Vec<f64>, Vec<String>)> = Vec::new();
    let mut index = std::collections::BTreeMap::new();
    for (_, k) in solved {
        for s in &k.schools {
            let i = *index.entry(s.school.clone()).or_insert_with(|| {
                schools.push((s.school.clone(), s.district.clone(), vec![], vec![]));
                schools.len() - 1
            });
            if let Some(m) = s.cutoff_milli_points {
                schools[i].2.push(m as f64 / 1000.0);
                if !schools[i].3.contains(&s.cutoff_tier) {
                    schools[i].3.push(s.cutoff_tier.clone());
                }
            }
        }
    }
    schools.retain(|s| !s.2.is_empty());
    if schools.is_empty() {
        return;
    }
    b.push_str("<h2>Cut-offs per school</h2>\n");
    let total = schools.len();
    if total > MAX_SCHOOLS {
        let mut by_width: Vec<(usize, f64)> = schools
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (lo, hi, _) = stats(&s.2);
                (i, hi - lo)
            })
            .collect();
        by_width.sort_by(|a, c| c.1.total_cmp(&a.1).then(a.0.cmp(&c.0)));
        let mut keep: Vec<usize> = by_width.iter().take(MAX_SCHOOLS).map(|w| w.0).collect();
        keep.sort_unstable();
        schools = keep.into_iter().map(|i| schools[i].clone()).collect();
        let _ = writeln!(
            b,
            "<p>The {MAX_SCHOOLS} of {total} schools whose cut-off moves most across the points.</p>"
        );
    }
    let rows: Vec<Range> = schools
        .iter()
        .map(|(school, district, v, tiers)| {
            let (lo, hi, avg) = stats(v);
            Range {
                label: format!("{school} ({district})"),
                min: lo,
                max: hi,
                mid: avg,
                tip: format!(
                    "{school}: cut-off from {} to {} points, mean {}, at {} point(s); tier(s) of the last admitted: {}",
                    Format::Decimal.show(lo),
                    Format::Decimal.show(hi),
                    Format::Decimal.show(avg),
                    v.len(),
                    tiers.join(", ")
                ),
            }
        })
        .collect();
    figure(
        b,
        "Cut-off points per school across the points",
        "For each public school, the points of the lowest-priority child admitted by choice: the \
         light bar from the lowest to the highest cut-off over the solved points, the dark tick \
         the mean. Points where the school admitted nobody by choice are left out; the tier of \
         the last admitted child is in the tooltip (a higher tier comes first whatever the \
         points).",
        &chart::range_rows(
            "Cut-off points per school across the points",
            &rows,
            Format::Decimal,
            false,
        ),
    );
}
