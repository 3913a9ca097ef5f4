//! Charts as hand-written SVG, shared by the reports ([`crate::report`]) and the plan's chart
//! ([`crate::plan::apply::chart`]): the primitives every chart is drawn with ([`svg`]) and the
//! chart kinds built from them (grouped and stacked bars, dot rows, range rows, line charts,
//! heatmaps).
//!
//! Nothing here knows about scenarios or runs: a chart takes labels, numbers and colours and
//! returns the bytes of one `<svg>` element, the same bytes for the same data.

mod kinds;
pub mod svg;

pub use kinds::{
    dot_rows, grouped_bars, heatmap, line_chart, range_rows, stacked_shares, Dot, Range, Series,
    XAxis,
};
