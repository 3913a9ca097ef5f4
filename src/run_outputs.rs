//! Every output file of a run, rendered: the tables and summary ([`crate::output`]), the results
//! workbook `results.xlsx` and `report.html` ([`crate::report`]).
//!
//! This list sits above both renderers so that neither needs the other: `seatplan run`, an
//! appeal's corrected run and `seatplan verify` (which re-renders a run to compare bytes,
//! [`crate::manifest::verify`]) all write exactly these files. The files written for people
//! (the workbook's headers and `report.html`) are in a [`Lang`]; the CSV tables and
//! `summary.json` are the same in every language.

use crate::lang::Lang;
use crate::output::{
    self, DISTRICTS, GEOJSON, PLACEMENTS, RESULTS, SCHOOLS, STATEMENTS, SUMMARY, WAITLISTS,
};
use crate::report::{self, REPORT};
use crate::scenario::Scenario;
use crate::Solved;

/// Every output file of a run in English ([`render_in`] with [`Lang::En`]).
pub fn render(scenario: &Scenario, solved: &Solved) -> Vec<(&'static str, Vec<u8>)> {
    render_in(scenario, solved, Lang::En)
}

/// Every output file of a run, rendered: the tables (with `waitlists.csv`), the summary,
/// `results.xlsx` and `report.html`, the last two in `lang`, and `schools.geojson` for a
/// scenario in degrees.
pub fn render_in(scenario: &Scenario, solved: &Solved, lang: Lang) -> Vec<(&'static str, Vec<u8>)> {
    // Each file depends only on the run, never on another file's rendering order, so the
    // renderers run on rayon's pool and give the same bytes on any thread count. The two large
    // tables are rendered one after the other, each in blocks side by side: rendered at the
    // same time, their blocks and joined copies were all held at once (a province's peak).
    let placements = output::placements_csv(scenario, solved);
    let waitlists = output::waitlists_csv(scenario, &solved.ranking, &solved.assignment.outcomes);
    let (schools, districts) = rayon::join(
        || output::schools_csv(scenario, solved),
        || output::districts_csv(scenario, solved),
    );
    // Computed once for `summary.json` and the workbook's summary sheet.
    let summary = crate::metrics::summary(scenario, solved);
    let (workbook, (report, geojson)) = rayon::join(
        || {
            output::results_xlsx(
                &output::Tables {
                    placements: &placements,
                    schools: &schools,
                    districts: &districts,
                    waitlists: &waitlists,
                },
                &summary,
                lang,
            )
        },
        || {
            (
                report::run_report_in(scenario, solved, lang).into_bytes(),
                output::schools_geojson(scenario, solved),
            )
        },
    );
    let mut files = vec![
        (PLACEMENTS, placements),
        (SCHOOLS, schools),
        (DISTRICTS, districts),
        (SUMMARY, output::summary_json(&summary)),
        (WAITLISTS, waitlists),
        (RESULTS, workbook),
        (REPORT, report),
    ];
    files.extend(geojson.map(|g| (GEOJSON, g)));
    files
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
    let mut files = render_in(scenario, solved, lang);
    if statements {
        files.push((
            STATEMENTS,
            output::statements_csv(scenario, &solved.ranking),
        ));
    }
    files
}
