//! Small hand-written SVG charts: horizontal grouped and stacked bars, dot rows, range rows,
//! line charts and heatmaps, with their axes, legends and escaping.
//!
//! Every chart is a string built in one pass from its data, in the order given, with numbers
//! printed at a fixed precision, so the same data always give the same bytes. Charts scale to
//! their container (`viewBox`, no fixed pixel size in the page) and need no script: hovering
//! over a bar, dot or cell shows its value through an SVG `<title>`.

use std::fmt::Write as _;

/// Width of every chart in user units (the page scales it to fit).
pub const WIDTH: f64 = 760.0;
const FONT: f64 = 12.0;
const ROW: f64 = 18.0;

/// A qualitative palette (Tableau 10), for series without a colour of their own.
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// Escapes text for XML and HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate at one decimal, without a negative zero.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// How the values of a chart are written on its axis and in its tooltips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Whole numbers (counts, yuan).
    Count,
    /// A fraction shown as a percentage with one decimal.
    Percent,
    /// A number with up to two decimals (points).
    Decimal,
}

impl Format {
    /// Writes one value.
    pub fn show(self, v: f64) -> String {
        if !v.is_finite() {
            return "–".into();
        }
        match self {
            Format::Count => {
                let r = v.round();
                if (v - r).abs() < 1e-9 {
                    num_int(r)
                } else {
                    trim(format!("{v:.1}"))
                }
            }
            Format::Percent => {
                let s = format!("{:.1}%", v * 100.0);
                if s == "-0.0%" {
                    "0.0%".into()
                } else {
                    s
                }
            }
            Format::Decimal => trim(format!("{v:.2}")),
        }
    }
}

fn num_int(v: f64) -> String {
    let s = format!("{v:.0}");
    if s == "-0" {
        "0".into()
    } else {
        group(&s)
    }
}

/// Groups the digits of a whole number in threes with commas (`80147500` → `80,147,500`).
pub fn group(digits: &str) -> String {
    let (sign, d) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", digits),
    };
    if d.len() <= 3 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut out = String::from(sign);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn trim(s: String) -> String {
    if !s.contains('.') {
        return s;
    }
    let t = s.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" {
        "0".into()
    } else {
        t.to_string()
    }
}

/// Rough width of a label in user units at the chart font (CJK characters count double).
pub fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 * FONT } else { FONT })
        .sum()
}

/// Shortens a label to about `max` units, ending it with `…`.
pub fn shorten(s: &str, max: f64) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = text_width("…");
    for c in s.chars() {
        w += text_width(c.encode_utf8(&mut [0; 4]));
        if w > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Evenly spaced round tick values (steps of 1, 2 or 5 × 10ⁿ) covering `lo..=hi`.
pub fn ticks(lo: f64, hi: f64, target: usize, min_step: f64) -> Vec<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let (lo, hi) = if hi - lo < 1e-12 {
        if lo == 0.0 {
            (0.0, 1.0)
        } else {
            let pad = lo.abs() * 0.1;
            (lo - pad, hi + pad)
        }
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let unit = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = (unit * mag).max(min_step);
    let start = (lo / step + 1e-9).floor() * step;
    let end = (hi / step - 1e-9).ceil() * step;
    let n = ((end - start) / step).round().clamp(1.0, 50.0) as usize;
    (0..=n).map(|i| start + i as f64 * step).collect()
}

fn legend_item_width(name: &str) -> f64 {
    16.0 + text_width(name) + 14.0
}

/// The top of the plot area under a legend drawn from `(x, 14)`.
pub fn legend_bottom(x: f64, items: &[(String, String)], width: f64) -> f64 {
    let (mut cx, mut cy) = (x, 14.0);
    for (name, _) in items {
        let w = legend_item_width(name);
        if cx + w > width - 10.0 && cx > x {
            cx = x;
            cy += ROW;
        }
        cx += w;
    }
    cy + 16.0
}

/// A linear map from values to user units.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub from: f64,
    pub to: f64,
}

impl Scale {
    pub fn at(&self, v: f64) -> f64 {
        if self.hi == self.lo {
            return self.from;
        }
        self.from + (v - self.lo) / (self.hi - self.lo) * (self.to - self.from)
    }
}

/// An SVG document under construction.
pub struct Svg {
    out: String,
    width: f64,
}

impl Svg {
    /// Starts a chart of the default width and the given height with an accessible title.
    pub fn new(height: f64, title: &str) -> Svg {
        Svg::sized(WIDTH, height, title)
    }

    /// Starts a chart of the given size with an accessible title.
    pub fn sized(width: f64, height: f64, title: &str) -> Svg {
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" font-family="sans-serif" font-size="{FONT}">"#,
            w = num(width),
            h = num(height),
            t = esc(title)
        );
        let _ = writeln!(out, "<title>{}</title>", esc(title));
        Svg { out, width }
    }

    /// A filled rectangle with a tooltip.
    #[allow(clippy::too_many_arguments)]
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            fill,
            esc(tip)
        );
    }

    /// A circle with a tooltip.
    pub fn dot(&mut self, x: f64, y: f64, r: f64, fill: &str, tip: &str) {
        let _ = writeln!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.85"><title>{}</title></circle>"#,
            num(x),
            num(y),
            num(r),
            fill,
            esc(tip)
        );
    }

    /// A straight line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            stroke,
            num(width)
        );
    }

    /// A polyline through the points.
    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str) {
        let pts: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect();
        let _ = writeln!(
            self.out,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            pts.join(" "),
            stroke
        );
    }

    /// Text; `anchor` is `start`, `middle` or `end`.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, s: &str) {
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}" text-anchor="{}">{}</text>"#,
            num(x),
            num(y),
            anchor,
            esc(s)
        );
    }

    /// Text with a tooltip holding the full label.
    pub fn label(&mut self, x: f64, y: f64, anchor: &str, s: &str, max: f64) {
        let short = shorten(s, max);
        if short == s {
            self.text(x, y, anchor, s);
        } else {
            let _ = writeln!(
                self.out,
                r#"<text x="{}" y="{}" text-anchor="{}"><title>{}</title>{}</text>"#,
                num(x),
                num(y),
                anchor,
                esc(s),
                esc(&short)
            );
        }
    }

    /// A row of legend swatches starting at `(x, y)`; wraps at the chart width (see
    /// [`legend_bottom`]).
    pub fn legend(&mut self, x: f64, y: f64, items: &[(String, String)]) {
        let (mut cx, mut cy) = (x, y);
        for (name, colour) in items {
            let w = legend_item_width(name);
            if cx + w > self.width - 10.0 && cx > x {
                cx = x;
                cy += ROW;
            }
            let _ = writeln!(
                self.out,
                r#"<rect x="{}" y="{}" width="10" height="10" fill="{}"/>"#,
                num(cx),
                num(cy - 9.0),
                colour
            );
            self.text(cx + 14.0, cy, "start", name);
            cx += w;
        }
    }

    /// Vertical grid lines with their values under `bottom`.
    pub fn x_axis(&mut self, scale: &Scale, values: &[f64], top: f64, bottom: f64, fmt: Format) {
        for &v in values {
            let x = scale.at(v);
            self.line(x, top, x, bottom, "#dddddd", 1.0);
            self.text(x, bottom + 14.0, "middle", &fmt.show(v));
        }
    }

    /// Horizontal grid lines with their values left of `left`.
    pub fn y_axis(&mut self, scale: &Scale, values: &[f64], left: f64, right: f64, fmt: Format) {
        for &v in values {
            let y = scale.at(v);
            self.line(left, y, right, y, "#dddddd", 1.0);
            self.text(left - 4.0, y + 4.0, "end", &fmt.show(v));
        }
    }

    /// Closes the document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

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

/// One line per series over the x values, in a chart `width` wide; `None` values leave a gap.
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
    let (lo, hi) = if ys.is_empty() {
        (0.0, 1.0)
    } else {
        (lo.min(0.0), hi)
    };
    let t = ticks(lo, hi, 5, if fmt == Format::Count { 1.0 } else { 0.0 });
    let ys_scale = Scale {
        lo: t[0],
        hi: *t.last().unwrap_or(&1.0),
        from: bottom,
        to: top,
    };
    let mut svg = Svg::sized(width, height, title);
    svg.legend(left, 14.0, &legend);
    svg.y_axis(&ys_scale, &t, left, right, fmt);
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
                let _ = writeln!(
                    svg.out,
                    r#"<text x="{}" y="{}" text-anchor="middle" fill="{}" pointer-events="none">{}</text>"#,
                    num(x + cw / 2.0),
                    num(y + ch / 2.0 + 4.0),
                    if dark { "#ffffff" } else { "#000000" },
                    esc(&fmt.show(v))
                );
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
    fn escapes_markup_and_keeps_chinese() {
        assert_eq!(
            esc("<a href=\"x\">&'西湖'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;西湖&#39;"
        );
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 9.0, 5, 1.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.0, 2.0, 6, 1.0), [0.0, 1.0, 2.0]);
        assert_eq!(ticks(0.0, 0.0, 5, 1.0), [0.0, 1.0]);
        let t = ticks(47.0, 71.0, 6, 0.0);
        assert!(t[0] <= 47.0 && *t.last().unwrap() >= 71.0, "{t:?}");
    }

    #[test]
    fn formats_are_fixed() {
        assert_eq!(Format::Count.show(12.0), "12");
        assert_eq!(Format::Count.show(6000.0), "6,000");
        assert_eq!(Format::Count.show(80147500.0), "80,147,500");
        assert_eq!(Format::Count.show(-12345.0), "-12,345");
        assert_eq!(Format::Percent.show(0.1234), "12.3%");
        assert_eq!(Format::Percent.show(-0.0), "0.0%");
        assert_eq!(Format::Decimal.show(12.5), "12.5");
        assert_eq!(num(-0.01), "0");
    }
}
