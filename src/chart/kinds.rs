//! The chart kinds: horizontal grouped and stacked bars, dot rows, range rows, line charts and
//! heatmaps, each a complete SVG string drawn with [`super::svg`].
//!
//! A chart is built in one pass from its data, in the order given, so the same data give the
//! same bytes. Charts scale to their container (`viewBox`) and need no script: hovering over a
//! bar, dot or cell shows its value.

use super::svg::{legend_bottom, text_width, ticks, Format, Scale, Svg, ROW, WIDTH};

/// One series of a bar or line chart.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub colour: String,
    pub values: Vec<f64>,
}

fn legend_items(series: &[Series]) -> Vec<(String, String)> {
    series
        .iter()
        .map(|s| (s.name.clone(), s.colour.clone()))
        .collect()
}

/// Left margin that fits the longest category label (within limits).
fn label_margin(labels: &[String]) -> f64 {
    labels
        .iter()
        .map(|l| text_width(l))
        .fold(40.0, f64::max)
        .min(220.0)
        + 12.0
}

/// Horizontal bars: one group per category, one bar per series, all on one scale from 0.
pub fn grouped_bars(title: &str, categories: &[String], series: &[Series], fmt: Format) -> String {
    let left = label_margin(categories);
    let right = WIDTH - 20.0;
    let bar = 8.0;
    let group = bar * series.len().max(1) as f64 + 8.0;
    let top = legend_bottom(left, &legend_items(series), WIDTH);
    let height = top + group * categories.len() as f64 + 26.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0, f64::max);
    let t = ticks(0.0, max, 6, 1.0);
    let scale = Scale {
        lo: 0.0,
        hi: *t.last().unwrap_or(&1.0),
        from: left,
        to: right,
    };
    let mut svg = Svg::new(height, title);
    svg.legend(left, 14.0, &legend_items(series));
    let bottom = height - 22.0;
    svg.x_axis(&scale, &t, top - 4.0, bottom, fmt);
    for (i, cat) in categories.iter().enumerate() {
        let y = top + i as f64 * group;
        svg.label(left - 6.0, y + group / 2.0, "end", cat, left - 12.0);
        for (j, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0.0);
            svg.rect(
                left,
                y + j as f64 * bar,
                scale.at(v) - left,
                bar - 1.0,
                &s.colour,
                &format!("{cat}: {} {}", s.name, fmt.show(v)),
            );
        }
    }
    svg.line(left, top - 4.0, left, bottom, "#555555", 1.0);
    svg.finish()
}

/// Horizontal stacked bars: one bar per category, the series laid end to end, each bar as a
/// share of its own total (so districts of different sizes compare), counts in the tooltips.
pub fn stacked_shares(title: &str, categories: &[String], series: &[Series]) -> String {
    let left = label_margin(categories);
    let right = WIDTH - 20.0;
    let bar = 16.0;
    let top = legend_bottom(left, &legend_items(series), WIDTH);
    let height = top + (bar + 6.0) * categories.len() as f64 + 26.0;
    let scale = Scale {
        lo: 0.0,
        hi: 1.0,
        from: left,
        to: right,
    };
    let mut svg = Svg::new(height, title);
    svg.legend(left, 14.0, &legend_items(series));
    let bottom = height - 22.0;
    let t: Vec<f64> = (0..=5).map(|i| i as f64 * 0.2).collect();
    svg.x_axis(&scale, &t, top - 4.0, bottom, Format::Percent);
    for (i, cat) in categories.iter().enumerate() {
        let y = top + i as f64 * (bar + 6.0);
        svg.label(left - 6.0, y + bar / 2.0 + 4.0, "end", cat, left - 12.0);
        let total: f64 = series
            .iter()
            .map(|s| s.values.get(i).copied().unwrap_or(0.0))
            .sum();
        let mut at = 0.0;
        for s in series {
            let v = s.values.get(i).copied().unwrap_or(0.0);
            if v <= 0.0 || total <= 0.0 {
                continue;
            }
            let share = v / total;
            svg.rect(
                scale.at(at),
                y,
                scale.at(at + share) - scale.at(at),
                bar,
                &s.colour,
                &format!(
                    "{cat}: {} {} ({})",
                    s.name,
                    Format::Count.show(v),
                    Format::Percent.show(share)
                ),
            );
            at += share;
        }
    }
    svg.line(left, top - 4.0, left, bottom, "#555555", 1.0);
    svg.finish()
}

/// One dot of a dot-row chart.
#[derive(Debug, Clone)]
pub struct Dot {
    pub row: usize,
    pub x: f64,
    pub colour: String,
    pub tip: String,
}

/// One row per label, dots on a shared value axis (e.g. each school's cut-off in its district's
/// row), with a thin line from the row's lowest to its highest dot.
pub fn dot_rows(
    title: &str,
    rows: &[String],
    dots: &[Dot],
    legend: &[(String, String)],
    fmt: Format,
) -> String {
    let left = label_margin(rows);
    let right = WIDTH - 20.0;
    let top = legend_bottom(left, legend, WIDTH);
    let height = top + ROW * rows.len() as f64 + 26.0;
    let lo = dots.iter().map(|d| d.x).fold(f64::INFINITY, f64::min);
    let hi = dots.iter().map(|d| d.x).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if dots.is_empty() {
        (0.0, 1.0)
    } else {
        (lo, hi)
    };
    let t = ticks(lo, hi, 6, 0.0);
    let scale = Scale {
        lo: t[0],
        hi: *t.last().unwrap_or(&1.0),
        from: left + 6.0,
        to: right - 6.0,
    };
    let mut svg = Svg::new(height, title);
    svg.legend(left, 14.0, legend);
    let bottom = height - 22.0;
    svg.x_axis(&scale, &t, top - 4.0, bottom, fmt);
    for (i, label) in rows.iter().enumerate() {
        let y = top + i as f64 * ROW + ROW / 2.0;
        svg.label(left - 6.0, y + 4.0, "end", label, left - 12.0);
        let xs: Vec<f64> = dots.iter().filter(|d| d.row == i).map(|d| d.x).collect();
        if xs.len() > 1 {
            let a = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let b = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            svg.line(scale.at(a), y, scale.at(b), y, "#999999", 1.0);
        }
    }
    for d in dots {
        let y = top + d.row as f64 * ROW + ROW / 2.0;
        svg.dot(scale.at(d.x), y, 4.0, &d.colour, &d.tip);
    }
    svg.finish()
}

/// One row of a range chart: a bar from `min` to `max` and a tick at `mid`.
#[derive(Debug, Clone)]
pub struct Range {
    pub label: String,
    pub min: f64,
    pub max: f64,
    pub mid: f64,
    pub tip: String,
}

/// One row per label: the range of a value across sweep points, with the mean marked.
pub fn range_rows(title: &str, rows: &[Range], fmt: Format, from_zero: bool) -> String {
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let left = label_margin(&labels);
    let right = WIDTH - 20.0;
    let top = 30.0;
    let height = top + ROW * rows.len() as f64 + 26.0;
    let lo = rows.iter().map(|r| r.min).fold(f64::INFINITY, f64::min);
    let hi = rows.iter().map(|r| r.max).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if rows.is_empty() {
        (0.0, 1.0)
    } else {
        (lo, hi)
    };
    let lo = if from_zero { lo.min(0.0) } else { lo };
    let t = ticks(lo, hi, 6, 0.0);
    let scale = Scale {
        lo: t[0],
        hi: *t.last().unwrap_or(&1.0),
        from: left + 6.0,
        to: right - 6.0,
    };
    let mut svg = Svg::new(height, title);
    svg.legend(
        left,
        14.0,
        &[
            ("lowest to highest".into(), "#9ecae1".into()),
            ("mean".into(), "#08519c".into()),
        ],
    );
    let bottom = height - 22.0;
    svg.x_axis(&scale, &t, top - 4.0, bottom, fmt);
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * ROW;
        svg.label(
            left - 6.0,
            y + ROW / 2.0 + 4.0,
            "end",
            &r.label,
            left - 12.0,
        );
        let (a, b) = (scale.at(r.min), scale.at(r.max));
        svg.rect(a - 1.5, y + 4.0, b - a + 3.0, ROW - 8.0, "#9ecae1", &r.tip);
        let m = scale.at(r.mid);
        svg.rect(m - 1.5, y + 2.0, 3.0, ROW - 4.0, "#08519c", &r.tip);
    }
    svg.finish()
}

/// The horizontal axis of a line chart: numeric values, or categories evenly spaced.
#[derive(Debug, Clone)]
pub enum XAxis {
    Numeric(Vec<f64>),
    Categories(Vec<String>),
}

impl XAxis {
    fn len(&self) -> usize {
        match self {
            XAxis::Numeric(v) => v.len(),
            XAxis::Categories(v) => v.len(),
        }
    }
}

/// The vertical range of a line chart over values `lo..=hi`: from where the data starts, so
/// that a change of 90.2 % → 90.3 % is visible, except that a range whose low end is close to
/// zero (under a quarter of the data's spread away) is drawn from zero. The second value says
/// whether the axis starts away from zero (the chart then says so).
pub fn value_range(lo: f64, hi: f64) -> ((f64, f64), bool) {
    if !(lo.is_finite() && hi.is_finite()) {
        return ((0.0, 1.0), false);
    }
    if lo >= 0.0 && lo <= (hi - lo) * 0.25 {
        ((0.0, hi), false)
    } else if hi <= 0.0 && -hi <= (hi - lo) * 0.25 {
        ((lo, 0.0), false)
    } else {
        ((lo, hi), lo > 0.0 || hi < 0.0)
    }
}

/// One line per series over the x values, in a chart `width` wide; `None` values leave a gap.
/// The vertical axis covers the data ([`value_range`]); when it does not reach zero, the chart
/// says where it starts under the axis, so a small change is visible and not overstated.
pub fn line_chart(
    width: f64,
    title: &str,
    x_name: &str,
    x: &XAxis,
    lines: &[(String, String, Vec<Option<f64>>)],
    fmt: Format,
) -> String {
    let (left, right, top) = (70.0, width - 20.0, 20.0);
    let legend: Vec<(String, String)> = lines
        .iter()
        .filter(|l| !l.0.is_empty())
        .map(|l| (l.0.clone(), l.1.clone()))
        .collect();
    let top = if legend.is_empty() {
        top
    } else {
        legend_bottom(left, &legend, width) + 4.0
    };
    let plot = (width * 0.4).clamp(160.0, 240.0);
    let height = top + plot + 40.0;
    let bottom = top + plot;
    let ys: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.2.iter().flatten().copied())
        .collect();
    let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ((lo, hi), cut) = if ys.is_empty() {
        ((0.0, 1.0), false)
    } else {
        value_range(lo, hi)
    };
    // No step finer than the labels show, so no two ticks read the same.
    let min_step = match fmt {
        Format::Count => 1.0,
        Format::Percent => 0.001,
        Format::Decimal => 0.01,
    };
    let t = ticks(lo, hi, 5, min_step);
    let (lo_tick, hi_tick) = (t[0], *t.last().unwrap_or(&1.0));
    let ys_scale = Scale {
        lo: lo_tick,
        hi: hi_tick,
        from: bottom,
        to: top,
    };
    let mut svg = Svg::sized(width, height, title);
    svg.legend(left, 14.0, &legend);
    svg.y_axis(&ys_scale, &t, left, right, fmt);
    if cut {
        let (from, to) = (fmt.show(lo_tick), fmt.show(hi_tick));
        svg.text(
            4.0,
            bottom + 32.0,
            "start",
            &format!("y: {from}–{to}, not from 0"),
        );
    }
    let n = x.len();
    let xs: Vec<f64> = match x {
        XAxis::Numeric(v) => {
            let a = v.iter().copied().fold(f64::INFINITY, f64::min);
            let b = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let xt = ticks(a, b, 6, 0.0);
            let sc = Scale {
                lo: xt[0],
                hi: *xt.last().unwrap_or(&1.0),
                from: left + 10.0,
                to: right - 10.0,
            };
            for &v in &xt {
                let px = sc.at(v);
                svg.line(px, bottom, px, bottom + 4.0, "#555555", 1.0);
                svg.text(px, bottom + 16.0, "middle", &Format::Decimal.show(v));
            }
            v.iter().map(|&v| sc.at(v)).collect()
        }
        XAxis::Categories(c) => {
            let step = (right - left - 20.0) / n.max(1) as f64;
            let every = ((n as f64 * 50.0) / (right - left)).ceil().max(1.0) as usize;
            c.iter()
                .enumerate()
                .map(|(i, label)| {
                    let px = left + 10.0 + step * (i as f64 + 0.5);
                    if i % every == 0 {
                        svg.line(px, bottom, px, bottom + 4.0, "#555555", 1.0);
                        svg.label(px, bottom + 16.0, "middle", label, step * every as f64);
                    }
                    px
                })
                .collect()
        }
    };
    svg.line(left, bottom, right, bottom, "#555555", 1.0);
    svg.text((left + right) / 2.0, bottom + 32.0, "middle", x_name);
    for (name, colour, values) in lines {
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (i, v) in values.iter().enumerate().take(n) {
            match v {
                Some(v) => run.push((xs[i], ys_scale.at(*v))),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for r in runs.iter().filter(|r| r.len() > 1) {
            svg.polyline(r, colour);
        }
        for (i, v) in values.iter().enumerate().take(n) {
            if let Some(v) = v {
                let at = match x {
                    XAxis::Numeric(x) => Format::Decimal.show(x[i]),
                    XAxis::Categories(c) => c[i].clone(),
                };
                let who = if name.is_empty() {
                    String::new()
                } else {
                    format!("{name}, ")
                };
                svg.dot(
                    xs[i],
                    ys_scale.at(*v),
                    3.0,
                    colour,
                    &format!("{who}{x_name} = {at}: {}", fmt.show(*v)),
                );
            }
        }
    }
    svg.finish()
}

/// A colour from light yellow (0) to dark blue (1).
fn ramp(t: f64) -> String {
    let stops = [
        (255.0, 255.0, 204.0),
        (161.0, 218.0, 180.0),
        (65.0, 182.0, 196.0),
        (44.0, 127.0, 184.0),
        (37.0, 52.0, 148.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (stops.len() - 1) as f64;
    let i = (pos.floor() as usize).min(stops.len() - 2);
    let f = pos - i as f64;
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// A grid of cells (rows × columns) coloured by value; empty cells are grey.
pub fn heatmap(
    title: &str,
    x_name: &str,
    x_labels: &[String],
    y_name: &str,
    y_labels: &[String],
    cells: &[Vec<Option<f64>>],
    fmt: Format,
) -> String {
    let left = label_margin(y_labels).max(text_width(y_name) + 12.0);
    let (right, top) = (WIDTH - 20.0, 44.0);
    let cols = x_labels.len().max(1) as f64;
    let cw = (right - left) / cols;
    let ch = (cw * 0.6).clamp(14.0, 30.0);
    let height = top + ch * y_labels.len() as f64 + 40.0;
    let vals: Vec<f64> = cells.iter().flatten().flatten().copied().collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut svg = Svg::new(height, title);
    svg.text(
        left,
        14.0,
        "start",
        &format!(
            "light = {}, dark = {}",
            fmt.show(if vals.is_empty() { 0.0 } else { lo }),
            fmt.show(if vals.is_empty() { 0.0 } else { hi })
        ),
    );
    svg.text(left - 6.0, top - 8.0, "end", &format!("{y_name} ↓"));
    let every = ((cols * 50.0) / (right - left)).ceil().max(1.0) as usize;
    for (j, xl) in x_labels.iter().enumerate() {
        if j % every == 0 {
            svg.label(
                left + cw * (j as f64 + 0.5),
                top - 8.0,
                "middle",
                xl,
                cw * every as f64,
            );
        }
    }
    let show_text = cw >= 44.0 && ch >= 16.0;
    for (i, yl) in y_labels.iter().enumerate() {
        let y = top + ch * i as f64;
        svg.label(left - 6.0, y + ch / 2.0 + 4.0, "end", yl, left - 12.0);
        for (j, xl) in x_labels.iter().enumerate() {
            let v = cells.get(i).and_then(|r| r.get(j)).copied().flatten();
            let x = left + cw * j as f64;
            let tip = format!(
                "{y_name} = {yl}, {x_name} = {xl}: {}",
                v.map_or("no solved point".into(), |v| fmt.show(v))
            );
            let fill = match v {
                Some(v) if hi > lo => ramp((v - lo) / (hi - lo)),
                Some(_) => ramp(0.5),
                None => "#eeeeee".into(),
            };
            svg.rect(x, y, cw - 1.0, ch - 1.0, &fill, &tip);
            if let (true, Some(v)) = (show_text, v) {
                let dark = hi > lo && (v - lo) / (hi - lo) > 0.6;
                let colour = if dark { "#ffffff" } else { "#000000" };
                svg.text_in(x + cw / 2.0, y + ch / 2.0 + 4.0, colour, &fmt.show(v));
            }
        }
    }
    svg.text(
        (left + right) / 2.0,
        top + ch * y_labels.len() as f64 + 20.0,
        "middle",
        &format!("{x_name} →"),
    );
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_change_far_from_zero_gets_an_axis_of_its_own_and_says_so() {
        assert_eq!(value_range(0.902, 0.903), ((0.902, 0.903), true));
        assert_eq!(value_range(1.0, 40.0), ((0.0, 40.0), false));
        assert_eq!(value_range(-3.0, 5.0), ((-3.0, 5.0), false));
        let x = XAxis::Numeric(vec![1.0, 2.0]);
        let line = vec![(
            String::new(),
            "#000".to_string(),
            vec![Some(0.902), Some(0.903)],
        )];
        let svg = line_chart(480.0, "public share", "budget", &x, &line, Format::Percent);
        assert!(svg.contains(">90.2%<") && svg.contains(">90.3%<"), "{svg}");
        assert!(
            !svg.contains(">0.0%<"),
            "the axis does not start at zero: {svg}"
        );
        assert!(svg.contains("y: 90.2%–90.3%, not from 0"), "{svg}");
        // Counts from near zero keep their zero.
        let counts = vec![(
            String::new(),
            "#000".to_string(),
            vec![Some(3.0), Some(30.0)],
        )];
        let svg = line_chart(480.0, "unplaced", "budget", &x, &counts, Format::Count);
        assert!(svg.contains(">0<") && !svg.contains("not from 0"), "{svg}");
    }
}
