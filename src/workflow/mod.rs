//! Workflows: the library's whole jobs, from input files to a written output folder.
//!
//! [`run_and_write`] is `seatplan run`: load a scenario, solve and check it, render every output,
//! hash the inputs, record them all in `manifest.json` and swap the folder in atomically.
//! [`appeal_and_write`] is `seatplan appeal`: re-run an archived scenario with an appeal's
//! corrected facts and write the corrected run with `changes.csv` and `appeal.json`. The CLI calls
//! these and only prints; an embedding program calls them the same way. Both report their stages
//! to a [`Reporter`] and stop, writing nothing, when it cancels.

mod appeal;
mod run;

pub(crate) use appeal::changes_csv;
pub use appeal::{appeal_and_write, AppealRun};
pub use run::{describe_scenario, run_and_write, Run};

use crate::assign::{Mechanism, SolverOptions};
use crate::check::CheckReport;
use crate::error::{Cancelled, Error};
use crate::lang::Lang;
use crate::progress::Reporter;

/// How a run solves: the mechanism of the choice stage and the solver's options.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// How the choice stage is solved (default: [`Mechanism::Optimal`]).
    pub mechanism: Mechanism,
    /// The integer-programming backend's settings.
    pub options: SolverOptions,
    /// Also write `statements.csv`, every child's itemised points (default: no).
    pub statements: bool,
    /// The language of `results.xlsx` and `report.html` (default: [`Lang::En`]); recorded in
    /// the manifest.
    pub lang: Lang,
}

/// `Ok` if the independent check passed, else [`Error::CheckFailed`] (exit code 3). The outputs
/// of a run whose check failed are still written; this is the verdict on them.
pub fn require_passed(check: &CheckReport) -> Result<(), Error> {
    if check.passed() {
        Ok(())
    } else {
        Err(Error::CheckFailed {
            violations: check.violations.len(),
        })
    }
}

/// [`Cancelled`] if the reporter asks to stop.
fn go_on(reporter: &dyn Reporter) -> Result<(), Cancelled> {
    if reporter.should_cancel() {
        Err(Cancelled)
    } else {
        Ok(())
    }
}
