//! The CSV tables, `summary.json` and the results workbook (`results.xlsx`) of a run, and where
//! they are written.
//!
//! Each table is rendered from the run's figures in [`crate::metrics`] (never from another
//! renderer). Files go to a [`FileSink`] one after another: the two tables that grow with the
//! children (`placements.csv`, `waitlists.csv`) are written as they are rendered, a wave of
//! blocks at a time, the others whole. A run's sink is its staging folder
//! ([`crate::atomic_dir::write_dir_with`]), which is swapped into place with renames once every
//! file is on disk, so a failed or interrupted run leaves either the previous complete output
//! folder or the new complete one. Outputs carry no timings or paths of the machine, so the
//! same scenario and seed give the same bytes.

mod blocks;
mod geojson;
mod placements;
mod schools;
mod sink;
mod statements;
mod waitlists;
mod workbook;

pub use geojson::{schools_geojson, GEOJSON};
pub use placements::write_placements;
pub use schools::schools_csv;
pub use sink::{Discard, FileSink, Held};
pub use statements::statements_csv;
pub use waitlists::write_waitlists;
pub use workbook::{results_xlsx, Kept, Table, Tables, RESULTS};

use crate::metrics::{balance, DistrictOutcomes};
use crate::scenario::Scenario;
use crate::Solved;

/// Name of the placements table ([`write_placements`]).
pub const PLACEMENTS: &str = "placements.csv";
/// Name of the schools table ([`schools_csv`]).
pub const SCHOOLS: &str = "schools.csv";
/// Name of the districts table ([`districts_csv`]).
pub const DISTRICTS: &str = "districts.csv";
/// Name of the summary ([`summary_json`]).
pub const SUMMARY: &str = "summary.json";
/// Name of the points statements, written when asked for ([`statements_csv`]).
pub const STATEMENTS: &str = "statements.csv";
/// Name of the waitlists table ([`write_waitlists`]).
pub const WAITLISTS: &str = "waitlists.csv";

/// Renders `districts.csv`: supply against demand and outcomes per district.
pub fn districts_csv(scenario: &Scenario, solved: &Solved) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let outcomes = DistrictOutcomes::compute(scenario, &solved.assignment.outcomes);
    for row in balance(scenario, &outcomes) {
        w.serialize(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Renders `summary.json`: the run's [`crate::metrics::Summary`], pretty-printed.
pub fn summary_json(summary: &crate::metrics::Summary) -> Vec<u8> {
    let mut json = serde_json::to_vec_pretty(summary).expect("serialising");
    json.push(b'\n');
    json
}
