//! Every output file of a run: the tables and summary ([`crate::output`]), the results workbook
//! `results.xlsx` and `report.html` ([`crate::report`]), written one after another into a
//! [`FileSink`].
//!
//! This list sits above both renderers so that neither needs the other: `seatplan run`, an
//! appeal's corrected run and `seatplan verify` (which re-renders a run to compare hashes,
//! [`crate::manifest::verify`]) all write exactly these files, in the same order. The files
//! written for people (the workbook's headers and `report.html`) are in a [`Lang`]; the CSV
//! tables and `summary.json` are the same in every language.

use std::io;

use crate::lang::Lang;
use crate::metrics::Summary;
use crate::output::{
    self, FileSink, Held, Table, Tables, DISTRICTS, GEOJSON, PLACEMENTS, RESULTS, SCHOOLS,
    STATEMENTS, SUMMARY, WAITLISTS,
};
use crate::report::{self, REPORT};
use crate::scenario::Scenario;
use crate::Solved;

/// A run's output files, ready to be written ([`RunFiles::write`]).
pub struct RunFiles<'a> {
    scenario: &'a Scenario,
    solved: &'a Solved,
    statements: bool,
    lang: Lang,
    /// `schools.geojson`, rendered first: whether it is written (a scenario in degrees)
    /// decides the list of names.
    geojson: Option<Vec<u8>>,
}

impl<'a> RunFiles<'a> {
    /// The files of `solved` for `scenario`, with `statements.csv` when `statements` is set,
    /// the workbook and report in `lang`.
    pub fn new(scenario: &'a Scenario, solved: &'a Solved, statements: bool, lang: Lang) -> Self {
        RunFiles {
            scenario,
            solved,
            statements,
            lang,
            geojson: output::schools_geojson(scenario, solved),
        }
    }

    /// The names of the files [`RunFiles::write`] writes, in its order.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = names(false);
        if self.geojson.is_some() {
            names.push(GEOJSON);
        }
        if self.statements {
            names.push(STATEMENTS);
        }
        names
    }

    /// Writes every file into `sink` in the order of [`RunFiles::names`]. `placements.csv`
    /// and `waitlists.csv` are written as they are rendered, never held whole unless `sink`
    /// holds them; the workbook keeps of them only what its sheets show. Returns the summary
    /// written to `summary.json`. An error is the sink's (a full disk), returned at once.
    pub fn write(&self, sink: &mut dyn FileSink) -> io::Result<Summary> {
        let (sc, solved) = (self.scenario, self.solved);
        // Each file depends only on the run, never on another file's rendering order, so the
        // renderers run on rayon's pool and give the same bytes on any thread count; the two
        // large tables are each rendered in blocks side by side.
        let mut placements = None;
        sink.file(PLACEMENTS, &mut |w| {
            placements = Some(output::write_placements(w, sc, solved)?);
            Ok(())
        })?;
        let (schools, districts) = rayon::join(
            || output::schools_csv(sc, solved),
            || output::districts_csv(sc, solved),
        );
        sink.bytes(SCHOOLS, &schools)?;
        sink.bytes(DISTRICTS, &districts)?;
        // Computed once for `summary.json` and the workbook's summary sheet.
        let summary = crate::metrics::summary(sc, solved);
        sink.bytes(SUMMARY, &output::summary_json(&summary))?;
        let mut waitlists = None;
        sink.file(WAITLISTS, &mut |w| {
            let outcomes = &solved.assignment.outcomes;
            waitlists = Some(output::write_waitlists(w, sc, &solved.ranking, outcomes)?);
            Ok(())
        })?;
        let (placements, waitlists) = (
            placements.expect("the sink wrote placements.csv"),
            waitlists.expect("the sink wrote waitlists.csv"),
        );
        let (workbook, report) = rayon::join(
            || {
                let tables = Tables {
                    placements: placements.table(),
                    schools: Table::Csv(&schools),
                    districts: Table::Csv(&districts),
                    waitlists: waitlists.table(),
                };
                output::results_xlsx(&tables, &summary, self.lang)
            },
            || report::run_report_in(sc, solved, self.lang).into_bytes(),
        );
        sink.bytes(RESULTS, &workbook)?;
        sink.bytes(REPORT, &report)?;
        if let Some(geojson) = &self.geojson {
            sink.bytes(GEOJSON, geojson)?;
        }
        if self.statements {
            sink.bytes(STATEMENTS, &output::statements_csv(sc, &solved.ranking))?;
        }
        Ok(summary)
    }

    /// Every file rendered into memory, in the order of [`RunFiles::names`].
    pub fn render(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut held = Held::default();
        self.write(&mut held).expect("writing to memory");
        held.0
    }
}

/// Every output file of a run in English ([`render_in`] with [`Lang::En`]).
pub fn render(scenario: &Scenario, solved: &Solved) -> Vec<(&'static str, Vec<u8>)> {
    render_in(scenario, solved, Lang::En)
}

/// Every output file of a run, rendered: the tables (with `waitlists.csv`), the summary,
/// `results.xlsx` and `report.html`, the last two in `lang`, and `schools.geojson` for a
/// scenario in degrees.
pub fn render_in(scenario: &Scenario, solved: &Solved, lang: Lang) -> Vec<(&'static str, Vec<u8>)> {
    RunFiles::new(scenario, solved, false, lang).render()
}

/// The names of the files [`render_run`] gives for every scenario, in its order, without
/// rendering them; a scenario in degrees adds [`OPTIONAL`] after `report.html`.
pub fn names(statements: bool) -> Vec<&'static str> {
    let mut names = vec![
        PLACEMENTS, SCHOOLS, DISTRICTS, SUMMARY, WAITLISTS, RESULTS, REPORT,
    ];
    if statements {
        names.push(STATEMENTS);
    }
    names
}

/// The files a run writes for some scenarios only: `schools.geojson` (a scenario in degrees).
pub const OPTIONAL: &[&str] = &[GEOJSON];

/// Every output file of a run in English ([`render_run_in`] with [`Lang::En`]).
pub fn render_run(
    scenario: &Scenario,
    solved: &Solved,
    statements: bool,
) -> Vec<(&'static str, Vec<u8>)> {
    render_run_in(scenario, solved, statements, Lang::En)
}

/// Every output file of a run ([`render_in`]), with `statements.csv` when `statements` is set.
pub fn render_run_in(
    scenario: &Scenario,
    solved: &Solved,
    statements: bool,
    lang: Lang,
) -> Vec<(&'static str, Vec<u8>)> {
    RunFiles::new(scenario, solved, statements, lang).render()
}
