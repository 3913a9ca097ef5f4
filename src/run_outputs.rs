//! Every output file of a run, rendered: the tables and summary ([`crate::output`]) and
//! `report.html` ([`crate::report`]).
//!
//! This list sits above both renderers so that neither needs the other: `seatplan run`, an
//! appeal's corrected run and `seatplan verify` (which re-renders a run to compare bytes,
//! [`crate::manifest::verify`]) all write exactly these files.

use crate::output::{
    self, DISTRICTS, GEOJSON, PLACEMENTS, SCHOOLS, STATEMENTS, SUMMARY, WAITLISTS,
};
use crate::report::{self, REPORT};
use crate::scenario::Scenario;
use crate::Solved;

/// Every output file of a run, rendered: the tables (with `waitlists.csv`), the summary and
/// `report.html`, and `schools.geojson` for a scenario in degrees.
pub fn render(scenario: &Scenario, solved: &Solved) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![
        (PLACEMENTS, output::placements_csv(scenario, solved)),
        (SCHOOLS, output::schools_csv(scenario, solved)),
        (DISTRICTS, output::districts_csv(scenario, solved)),
        (SUMMARY, output::summary_json(scenario, solved)),
        (
            WAITLISTS,
            output::waitlists_csv(scenario, &solved.ranking, &solved.assignment.outcomes),
        ),
        (REPORT, report::run_report(scenario, solved).into_bytes()),
    ];
    files.extend(output::schools_geojson(scenario, solved).map(|g| (GEOJSON, g)));
    files
}

/// The names of the files [`render_run`] gives for every scenario, in its order, without
/// rendering them; a scenario in degrees adds [`OPTIONAL`] after `report.html`.
pub fn names(statements: bool) -> Vec<&'static str> {
    let mut names = vec![PLACEMENTS, SCHOOLS, DISTRICTS, SUMMARY, WAITLISTS, REPORT];
    if statements {
        names.push(STATEMENTS);
    }
    names
}

/// The files a run writes for some scenarios only: `schools.geojson` (a scenario in degrees).
pub const OPTIONAL: &[&str] = &[GEOJSON];

/// Every output file of a run ([`render`]), with `statements.csv` when `statements` is set.
pub fn render_run(
    scenario: &Scenario,
    solved: &Solved,
    statements: bool,
) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = render(scenario, solved);
    if statements {
        files.push((
            STATEMENTS,
            output::statements_csv(scenario, &solved.ranking),
        ));
    }
    files
}
