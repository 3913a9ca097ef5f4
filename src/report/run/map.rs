//! The map of a run's report: every public and private school placed by its coordinates, its
//! circle's area in proportion to its seats and its colour the share of them filled (from the
//! run's [`SchoolTallies`]), with a legend and a scale bar.
//!
//! Degrees are drawn with an equirectangular projection whose longitudes are scaled by the
//! cosine of the schools' middle latitude, so that a kilometre is as long east–west as
//! north–south near the city; a kilometre grid is drawn as it is. Inline SVG with tooltips, no
//! tiles, no script: it opens offline like the rest of the report.

use super::super::figure;
use crate::chart::svg::Svg;
use crate::domain::{Location, EARTH_RADIUS_KM};
use crate::lang::Lang;
use crate::metrics::SchoolTallies;
use crate::policy::format_points;
use crate::scenario::Scenario;

/// Width and height of the drawing area, margins included.
const WIDTH: f64 = 760.0;
const MAX_HEIGHT: f64 = 560.0;
const MARGIN: f64 = 24.0;
/// Room under the map for the legend and the scale bar.
const FOOTER: f64 = 52.0;
/// Radius of the circle of the school with the most seats.
const MAX_RADIUS: f64 = 16.0;

/// Fill-share classes: legend words (Chinese, English), upper bound (exclusive; the last is
/// "full") and colour.
const CLASSES: [((&str, &str), f64, &str); 5] = [
    (("录取不足 50%", "under 50% filled"), 0.5, "#c6dbef"),
    (("50–80%", "50–80%"), 0.8, "#6baed6"),
    (("80–95%", "80–95%"), 0.95, "#3182bd"),
    (("95–99%", "95–99%"), 1.0, "#08519c"),
    (("已满", "full"), f64::INFINITY, "#d62728"),
];
/// Colour of a school with no seats (no share).
const NO_SEATS: &str = "#bbbbbb";

/// A school to draw.
struct Mark {
    x_km: f64,
    y_km: f64,
    seats: u32,
    share: Option<f64>,
    private: bool,
    tip: String,
}

/// The colour of a fill share.
fn colour(share: Option<f64>) -> &'static str {
    match share {
        None => NO_SEATS,
        Some(s) => CLASSES
            .iter()
            .find(|(_, below, _)| s < *below)
            .map_or(CLASSES[4].2, |c| c.2),
    }
}

/// Planar kilometres of every location: the grid as it is; degrees by the equirectangular
/// projection about the middle latitude `mid` (y north, as the grid).
fn planar(at: Location, mid_lat: f64) -> (f64, f64) {
    let km_per_degree = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
    match at {
        Location::Km { x_km, y_km } => (x_km, y_km),
        Location::Degrees { lat, lon } => (
            lon * km_per_degree * mid_lat.to_radians().cos(),
            lat * km_per_degree,
        ),
    }
}

/// A round length for the scale bar: 1, 2 or 5 × 10ᵏ km, at most `max`.
fn scale_length(max: f64) -> f64 {
    let mut step = 10f64.powf(max.log10().floor());
    for f in [5.0, 2.0] {
        if f * step <= max {
            step *= f;
            break;
        }
    }
    step
}

/// Writes the map section of the report.
pub(super) fn schools_map(
    b: &mut String,
    scenario: &Scenario,
    tallies: &SchoolTallies,
    labels: &[String],
    lang: Lang,
) {
    let locations: Vec<Location> = scenario
        .schools
        .iter()
        .map(|s| s.location)
        .chain(scenario.private_schools.iter().map(|p| p.location))
        .collect();
    if locations.is_empty() {
        return;
    }
    let lats: Vec<f64> = locations
        .iter()
        .filter_map(|l| match l {
            Location::Degrees { lat, .. } => Some(*lat),
            Location::Km { .. } => None,
        })
        .collect();
    let degrees = !lats.is_empty();
    let mid_lat = if degrees {
        let (lo, hi) = lats
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        (lo + hi) / 2.0
    } else {
        0.0
    };
    let mut marks = Vec::new();
    for s in scenario.school_indices() {
        let school = scenario.school(s);
        let t = &tallies.public[s.ix()];
        let (x_km, y_km) = planar(school.location, mid_lat);
        let cutoff = t.cutoff.map_or_else(
            || lang.pick("无人按志愿录取", "no one admitted by choice"),
            |c| {
                let points = format_points(c.points);
                lang.pick(
                    &format!("录取线 {} {points} 分", c.tier),
                    &format!("cut-off {} {points} points", c.tier),
                )
            },
        );
        marks.push(Mark {
            x_km,
            y_km,
            seats: t.seats,
            share: t.fill_share(),
            private: false,
            tip: lang.pick(
                &format!(
                    "{} {}（{}，公办）：{} 个学位已录取 {} 个；{cutoff}",
                    school.id,
                    school.name,
                    labels[school.district.ix()],
                    t.seats,
                    t.filled()
                ),
                &format!(
                    "{} {} ({}, public): {} of {} seats filled; {cutoff}",
                    school.id,
                    school.name,
                    labels[school.district.ix()],
                    t.filled(),
                    t.seats
                ),
            ),
        });
    }
    for p in scenario.private_indices() {
        let ps = scenario.private_school(p);
        let t = &tallies.private[p.ix()];
        let (x_km, y_km) = planar(ps.location, mid_lat);
        marks.push(Mark {
            x_km,
            y_km,
            seats: t.places,
            share: t.fill_share(),
            private: true,
            tip: lang.pick(
                &format!(
                    "{} {}（{}，民办）：可购买学位 {} 个，已购买 {} 个",
                    ps.id,
                    ps.name,
                    labels[ps.district.ix()],
                    t.places,
                    t.bought
                ),
                &format!(
                    "{} {} ({}, private): {} of {} purchasable places bought",
                    ps.id,
                    ps.name,
                    labels[ps.district.ix()],
                    t.bought,
                    t.places
                ),
            ),
        });
    }
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for m in &marks {
        (x0, x1) = (x0.min(m.x_km), x1.max(m.x_km));
        (y0, y1) = (y0.min(m.y_km), y1.max(m.y_km));
    }
    // At least 1 km across either way, so one school (or a row of them) still draws.
    let (span_x, span_y) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let inner_w = WIDTH - 2.0 * (MARGIN + MAX_RADIUS);
    let max_inner_h = MAX_HEIGHT - FOOTER - 2.0 * (MARGIN + MAX_RADIUS);
    let px_per_km = (inner_w / span_x).min(max_inner_h / span_y);
    let inner_h = span_y * px_per_km;
    let height = inner_h + 2.0 * (MARGIN + MAX_RADIUS) + FOOTER;
    let left = MARGIN + MAX_RADIUS + (inner_w - span_x * px_per_km) / 2.0;
    let top = MARGIN + MAX_RADIUS;
    let cx = (x0 + x1) / 2.0;
    let cy = (y0 + y1) / 2.0;
    let at = |m: &Mark| {
        (
            left + (m.x_km - cx + span_x / 2.0) * px_per_km,
            top + (cy - m.y_km + span_y / 2.0) * px_per_km,
        )
    };
    let most = marks.iter().map(|m| m.seats).max().unwrap_or(0).max(1);
    let title = &lang.pick("学校分布图", "Map of the schools");
    let mut svg = Svg::sized(WIDTH, height, title);
    svg.rect(
        MARGIN,
        MARGIN,
        WIDTH - 2.0 * MARGIN,
        inner_h + 2.0 * MAX_RADIUS,
        "#f7f7f4",
        title,
    );
    // Larger circles first, so smaller ones stay visible on top.
    let mut order: Vec<&Mark> = marks.iter().collect();
    order.sort_by_key(|m| std::cmp::Reverse(m.seats));
    for m in order {
        let (x, y) = at(m);
        // Area ∝ seats; a school of no seats still shows as a dot.
        let r = (MAX_RADIUS * (f64::from(m.seats) / f64::from(most)).sqrt()).max(1.5);
        if m.private {
            // A square of the circle's area.
            let side = r * std::f64::consts::PI.sqrt();
            svg.rect(
                x - side / 2.0,
                y - side / 2.0,
                side,
                side,
                colour(m.share),
                &m.tip,
            );
        } else {
            svg.dot(x, y, r, colour(m.share), &m.tip);
        }
    }
    let items: Vec<(String, String)> = CLASSES
        .iter()
        .map(|((zh, en), _, c)| (lang.pick(zh, en), c.to_string()))
        .chain(std::iter::once((
            lang.pick("无学位", "no seats"),
            NO_SEATS.to_string(),
        )))
        .collect();
    svg.legend(MARGIN, height - FOOTER + 22.0, &items);
    let bar_km = scale_length(span_x / 4.0);
    let (bar_px, bar_y) = (bar_km * px_per_km, height - 12.0);
    svg.line(MARGIN, bar_y, MARGIN + bar_px, bar_y, "#222222", 2.0);
    for x in [MARGIN, MARGIN + bar_px] {
        svg.line(x, bar_y - 4.0, x, bar_y + 2.0, "#222222", 1.0);
    }
    svg.text(
        MARGIN + bar_px + 6.0,
        bar_y + 4.0,
        "start",
        &if bar_km >= 1.0 {
            format!("{bar_km:.0} km")
        } else {
            format!("{:.0} m", bar_km * 1000.0)
        },
    );
    let out = svg.finish();
    let projection = if degrees {
        lang.pick(
            &format!("学校按经纬度（WGS84）定位，采用等距圆柱投影并按 cos {mid_lat:.2}° 缩放，使两个方向的距离一致"),
            &format!("Schools placed by latitude and longitude (WGS84), drawn with an equirectangular projection scaled by cos {mid_lat:.2}° so distances read alike both ways"),
        )
    } else {
        lang.pick(
            "学校按情景的公里网格定位（x 向东，y 向北）；情景没有经纬度，因此本次运行不写 schools.geojson",
            "Schools placed on the scenario's kilometre grid (x east, y north); the scenario has no latitude/longitude, so the run writes no schools.geojson",
        )
    };
    let caption = format!(
        "{projection}{}",
        lang.pick(
            "。圆点为公办学校，方块为民办学校；面积与学位数（民办学校为可购买学位）成正比，颜色表示已录取（已购买）比例；悬停可查看学校、录取情况与分数线。",
            ". Circles are public schools, squares private schools; the area of each is in proportion to its seats (purchasable places for a private school), the colour the share of them filled (places bought); hover for the school, its fill and its cut-off."
        )
    );
    b.push_str(&format!("<h2>{}</h2>\n", lang.pick("地图", "Map")));
    figure(b, title, &caption, &out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_are_round() {
        assert_eq!(scale_length(7.3), 5.0);
        assert_eq!(scale_length(3.0), 2.0);
        assert_eq!(scale_length(1.5), 1.0);
        assert_eq!(scale_length(0.3), 0.2);
        assert_eq!(scale_length(60.0), 50.0);
    }

    #[test]
    fn colours_by_fill_share() {
        assert_eq!(colour(Some(0.2)), CLASSES[0].2);
        assert_eq!(colour(Some(0.97)), CLASSES[3].2);
        assert_eq!(colour(Some(1.0)), CLASSES[4].2);
        assert_eq!(colour(None), NO_SEATS);
    }
}
