//! Every output file of a run: the tables and summary ([`crate::output`]), the results workbook
//! `results.xlsx` and `report.html` ([`crate::report`]), written one after another into a
//! [`FileSink`]: the two large tables first ([`write_large_tables`], which need no check, so a
//! run writes them while its check runs), then the rest, which report the check.
//!
//! This list sits above both renderers so that neither needs the other: `seatplan run`, an
//! appeal's corrected run and `seatplan verify` (which re-renders a run to compare hashes,
//! [`crate::manifest::verify`]) all write exactly these files, in the same order. The files
//! written for people (the workbook's headers and `report.html`) are in a [`Lang`]; the CSV
//! tables and `summary.json` are the same in every language.

use std::io;

use crate::assign::Outcome;
use crate::lang::Lang;
use crate::metrics::Summary;
use crate::output::{
    self, FileSink, Held, Kept, Table, Tables, DISTRICTS, GEOJSON, PLACEMENTS, RESULTS, SCHOOLS,
    STATEMENTS, SUMMARY, WAITLISTS,
};
use crate::ranking::Ranking;
use crate::report::{self, REPORT};
use crate::scenario::Scenario;
use crate::Solved;

/// `placements.csv` and `waitlists.csv` as [`write_large_tables`] wrote them: what the results
/// workbook keeps of each.
#[derive(Debug)]
pub struct LargeTables {
    placements: Kept,
    waitlists: Kept,
}

/// Writes a run's two large tables, `placements.csv` then `waitlists.csv`, into `sink` as they
/// are rendered, each never held whole unless `sink` holds it. They depend on the ranking and
/// the outcomes alone, not on the independent check, so [`crate::run_and_write`] writes them
/// while the check runs. An error is the sink's, returned at once.
pub fn write_large_tables(
    sink: &mut dyn FileSink,
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
) -> io::Result<LargeTables> {
    let mut placements = None;
    sink.file(PLACEMENTS, &mut |w| {
        placements = Some(output::write_placements(w, scenario, ranking, outcomes)?);
        Ok(())
    })?;
    let mut waitlists = None;
    sink.file(WAITLISTS, &mut |w| {
        waitlists = Some(output::write_waitlists(w, scenario, ranking, outcomes)?);
        Ok(())
    })?;
    Ok(LargeTables {
        placements: placements.expect("the sink wrote placements.csv"),
        waitlists: waitlists.expect("the sink wrote waitlists.csv"),
    })
}

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
        let (ranking, outcomes) = (&solved.ranking, &solved.assignment.outcomes);
        let geojson = output::schools_geojson(scenario, ranking, outcomes);
        RunFiles::with_geojson(scenario, solved, statements, lang, geojson)
    }

    /// [`RunFiles::new`] with `schools.geojson` already rendered ([`output::schools_geojson`]
    /// for the same run).
    pub(crate) fn with_geojson(
        scenario: &'a Scenario,
        solved: &'a Solved,
        statements: bool,
        lang: Lang,
        geojson: Option<Vec<u8>>,
    ) -> Self {
        RunFiles {
            scenario,
            solved,
            statements,
            lang,
            geojson,
        }
    }

    /// The names of the files [`RunFiles::write`] writes, in the order the manifest and
    /// [`RunFiles::render`] list them.
    pub fn names(&self) -> Vec<&'static str> {
        names_of(self.geojson.is_some(), self.statements)
    }

    /// Writes every file into `sink`: the two large tables (`write_large_tables`), then
    /// the rest (`RunFiles::write_rest`). `placements.csv` and `waitlists.csv` are written
    /// as they are rendered, never held whole unless `sink` holds them; the workbook keeps of
    /// them only what its sheets show. Returns the summary written to `summary.json`. An error
    /// is the sink's (a full disk), returned at once.
    pub fn write(&self, sink: &mut dyn FileSink) -> io::Result<Summary> {
        let (ranking, outcomes) = (&self.solved.ranking, &self.solved.assignment.outcomes);
        let large = write_large_tables(sink, self.scenario, ranking, outcomes)?;
        self.write_rest(sink, large)
    }

    /// Writes every file but the two large tables, which `large` says were written for the
    /// same run; these depend on the independent check (`summary.json`, the workbook's
    /// summary sheet, `report.html`).
    pub(crate) fn write_rest(
        &self,
        sink: &mut dyn FileSink,
        large: LargeTables,
    ) -> io::Result<Summary> {
        let (sc, solved) = (self.scenario, self.solved);
        // Each file depends only on the run, never on another file's rendering order, so the
        // renderers run on rayon's pool and give the same bytes on any thread count.
        let (schools, districts) = rayon::join(
            || output::schools_csv(sc, solved),
            || output::districts_csv(sc, solved),
        );
        sink.bytes(SCHOOLS, &schools)?;
        sink.bytes(DISTRICTS, &districts)?;
        // Computed once for `summary.json` and the workbook's summary sheet.
        let summary = crate::metrics::summary(sc, solved);
        sink.bytes(SUMMARY, &output::summary_json(&summary))?;
        let (workbook, report) = rayon::join(
            || {
                let tables = Tables {
                    placements: large.placements.table(),
                    schools: Table::Csv(&schools),
                    districts: Table::Csv(&districts),
                    waitlists: large.waitlists.table(),
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
        let mut files = held.0;
        in_order(&self.names(), &mut files, |f| f.0);
        files
    }
}

/// Puts `items` (one per name of `names`, in any order) in the order of `names`: files are
/// written in the order they are ready ([`RunFiles::write`]), listed in the order of
/// [`names`].
pub(crate) fn in_order<T>(names: &[&str], items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by_key(|item| names.iter().position(|&n| n == name(item)));
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
/// rendering them; a scenario in degrees adds `schools.geojson` after `report.html`.
pub fn names(statements: bool) -> Vec<&'static str> {
    let mut names = vec![
        PLACEMENTS, SCHOOLS, DISTRICTS, SUMMARY, WAITLISTS, RESULTS, REPORT,
    ];
    if statements {
        names.push(STATEMENTS);
    }
    names
}

/// The names of a run's files in the order the manifest lists them: [`names`], with
/// `schools.geojson` after `report.html` when `geojson` is set.
pub(crate) fn names_of(geojson: bool, statements: bool) -> Vec<&'static str> {
    let mut names = names(false);
    if geojson {
        names.push(GEOJSON);
    }
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
