//! # seatplan
//!
//! Plans and allocates public-school places for migrant children (随迁子女) the way Chinese
//! education bureaus must: seats planned by district from the permanent population, applicants
//! ranked by a points scheme, places assigned by integer programming without ever passing over a
//! higher-priority child, and private places bought where public seats run short.
//!
//! A run is: [`input::load`] → [`solve`] (ranking, assignment, independent check) →
//! [`output::render`] / [`output::write_dir`].
//!
//! ```
//! use seatplan::{assign::{Mechanism, SolverOptions}, input, solve};
//!
//! let loaded = input::load("scenarios/tiny/two-schools/scenario.toml".as_ref())?;
//! let solved = solve(&loaded.scenario, Mechanism::Optimal, &SolverOptions::default())?;
//! assert!(solved.check.passed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod appeal;
pub mod assign;
pub mod atomic_dir;
pub mod check;
pub mod domain;
pub mod error;
pub mod explain;
pub mod generate;
pub mod input;
pub mod manifest;
pub mod output;
pub mod plan;
pub mod policy;
pub mod report;
pub mod scenario;
pub mod seats;
pub mod sweep;

use assign::{Assignment, Mechanism, SolverOptions};
use check::CheckReport;
use error::SolveError;
use policy::ranking::Ranking;
use scenario::Scenario;

/// Everything a run computes.
#[derive(Debug, Clone)]
pub struct Solved {
    pub ranking: Ranking,
    pub assignment: Assignment,
    /// The independent checker's verdict on the assignment.
    pub check: CheckReport,
}

/// Ranks the children, assigns every one of them and verifies the result independently.
pub fn solve(
    scenario: &Scenario,
    mechanism: Mechanism,
    options: &SolverOptions,
) -> Result<Solved, SolveError> {
    let ranking = Ranking::compute(scenario);
    let assignment = assign::assign(scenario, &ranking, mechanism, options)?;
    let check = check::check(scenario, &ranking, &assignment.outcomes);
    Ok(Solved {
        ranking,
        assignment,
        check,
    })
}
