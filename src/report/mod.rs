//! Self-contained HTML reports for a bureau analyst: one for a run ([`run_report`], written as
//! `report.html` beside the tables) and one for a sweep ([`sweep_report`]).
//!
//! Both are built from the figures in [`crate::metrics`] alone (a run's summary, district
//! outcomes and school tallies; a sweep's results), never from another renderer.
//!
//! A report is a single file: the charts are inline SVG drawn with [`crate::chart`], the styles
//! are inline, nothing is fetched and no script runs, so it opens offline in any browser and
//! prints as it looks. Every text taken from the inputs (names, ids, error messages) is escaped.
//! The same inputs give the same bytes: no timestamps, rows in id order, numbers at a fixed
//! precision.

mod run;
mod sweep;

pub use run::{run_report, run_report_in};
pub use sweep::sweep_report;

use std::fmt::Write as _;

use crate::chart::svg::{self, esc};
use crate::lang::Lang;

/// Name of the report file of a run.
pub const REPORT: &str = "report.html";

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', \
'PingFang SC', 'Microsoft YaHei', sans-serif; margin: 1.5em auto; max-width: 1000px; \
padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin: 1em 0 0.3em; }
p.meta { color: #555; margin-top: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); \
gap: 0.6em; margin: 1em 0; }
.figure { border: 1px solid #ccc; border-radius: 4px; padding: 0.5em 0.7em; }
.figure .v { font-size: 1.35em; font-weight: 600; }
.figure .l { color: #555; font-size: 0.85em; }
.ok { color: #1a7f37; } .bad { color: #b42318; }
figure { margin: 1em 0; break-inside: avoid; }
figcaption { color: #444; font-size: 0.9em; margin-top: 0.3em; }
svg.chart { max-width: 100%; height: auto; display: block; }
.small svg.chart { max-width: 480px; }
.grid { display: flex; flex-wrap: wrap; gap: 0 1em; }
.grid figure { flex: 1 1 440px; max-width: 480px; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.15em 0.4em; text-align: left; }
th { font-weight: 600; vertical-align: bottom; }
.wide { overflow-x: auto; }
th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 0.4em 0; }
summary { cursor: pointer; }
@page { margin: 12mm; }
@media print { body { max-width: none; margin: 0; padding: 0; } .wide { overflow: visible; } h2 { break-after: avoid; } \
tr { break-inside: avoid; } details > summary { list-style: none; } }
";

/// Wraps a body in a complete HTML page in English.
fn page(title: &str, body: &str) -> String {
    page_in(title, body, "en")
}

/// Wraps a body in a complete HTML page whose language is `html_lang` (`en`, `zh-CN`).
fn page_in(title: &str, body: &str, html_lang: &str) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n");
    let _ = writeln!(out, "<html lang=\"{html_lang}\">");
    out.push_str("<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

/// A chart with its heading and a caption saying how to read it.
fn figure(out: &mut String, title: &str, caption: &str, svg: &str) {
    let _ = writeln!(
        out,
        "<figure>\n<h3>{}</h3>\n{svg}<figcaption>{}</figcaption>\n</figure>",
        esc(title),
        esc(caption)
    );
}

/// A headline number with its label.
fn headline(out: &mut String, value: &str, label: &str, class: &str) {
    let _ = writeln!(
        out,
        "<div class=\"figure\"><div class=\"v {class}\">{}</div><div class=\"l\">{}</div></div>",
        esc(value),
        esc(label)
    );
}

/// `template` with each `{}` replaced by the next of `args`, in order.
fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut parts = template.split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (k, part) in parts.enumerate() {
        out.push_str(args.get(k).map_or("", String::as_str));
        out.push_str(part);
    }
    out
}

/// A sentence in `lang` from its Chinese and English templates, each `{}` filled from `args`.
fn say(lang: Lang, zh: &str, en: &str, args: &[String]) -> String {
    lang.pick(&fill(zh, args), &fill(en, args))
}

/// A table cell: numbers right-aligned.
enum Cell {
    Text(String),
    Num(String),
}

/// Writes an HTML table; every cell is escaped.
fn table<H: AsRef<str>>(out: &mut String, header: &[H], rows: &[Vec<Cell>]) {
    out.push_str("<div class=\"wide\"><table>\n<thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h.as_ref()));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            match c {
                Cell::Text(s) => {
                    let _ = write!(out, "<td>{}</td>", esc(s));
                }
                Cell::Num(s) => {
                    let _ = write!(out, "<td class=\"n\">{}</td>", esc(s));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// `part / whole` as a percentage with one decimal (`–` when `whole` is 0).
fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        svg::Format::Percent.show(part as f64 / whole as f64)
    }
}
