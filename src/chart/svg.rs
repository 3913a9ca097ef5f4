//! Hand-written SVG, the parts every chart shares: escaping, fixed-precision numbers, value
//! formats, round axis ticks, scales, and a small document builder (rectangles, dots, lines,
//! text, legends, axes). The chart kinds built from them are in [`super`].
//!
//! Numbers are printed at a fixed precision and elements written in the order drawn, so the
//! same data always give the same bytes. Every shape can carry a tooltip (an SVG `<title>`), so
//! exact figures show on hover without any script.

use std::fmt::Write as _;

/// Width of every chart in user units (the page scales it to fit).
pub const WIDTH: f64 = 760.0;
const FONT: f64 = 12.0;
/// Height of one row of a row chart or legend.
pub const ROW: f64 = 18.0;

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

    /// Centred text of one colour that lets the pointer through to the shape under it.
    pub fn text_in(&mut self, x: f64, y: f64, colour: &str, s: &str) {
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{}" pointer-events="none">{}</text>"#,
            num(x),
            num(y),
            colour,
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
