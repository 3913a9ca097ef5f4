//! # seatplan
//!
//! Plans and allocates public-school places for migrant children (随迁子女) the way Chinese
//! education bureaus must: seats planned by district from the permanent population, applicants
//! ranked by a points scheme, places assigned by integer programming without ever passing over a
//! higher-priority child, and private places bought where public seats run short.
//!
//! A run is: [`load`] (read and validate every input file; every problem is reported at once)
//! → [`solve`] (ranking, assignment, independent check) → [`render`] / [`write_dir`]; or all of
//! it, with a `manifest.json` recording inputs and outputs, by [`run_and_write`]. Everything an
//! embedding program needs is re-exported here: loading and validating ([`load`],
//! [`load_from_memory`]), solving ([`solve`]), checking a placements file ([`read_placements`],
//! [`check_placements`]; [`check()`] for outcomes in memory), explaining one child's placement ([`explain()`]), capacity planning
//! ([`plan()`]), what-if sweeps ([`load_sweep`], [`Sweep::run`]), appeals
//! ([`appeal_and_write`]), later rounds with declines, late applicants and seat changes
//! ([`round_and_write`], `docs/rounds.md`) and re-running a recorded run or chain of rounds
//! ([`verify_run`], [`verify_round`]). Every failure is an
//! [`Error`] whose [`Error::exit_code`] is the CLI's exit code; long work reports progress to a
//! [`Reporter`] and stops when it asks ([`Reporter::should_cancel`]).
//!
//! ```
//! use seatplan::{load, run_and_write, solve, Mechanism, NoReporter, RunSettings, SolverOptions};
//!
//! let scenario = std::path::Path::new("scenarios/tiny/two-schools/scenario.toml");
//! let loaded = load(scenario)?;
//! let solved = solve(&loaded.scenario, Mechanism::Optimal, &SolverOptions::default())?;
//! assert!(solved.check.passed());
//!
//! // The same run with every output file and its manifest, written atomically.
//! let out = tempfile::tempdir()?;
//! let run = run_and_write(scenario, &out.path().join("run"), &RunSettings::default(), &NoReporter)?;
//! assert_eq!(run.summary.children, loaded.scenario.children().len());
//! assert!(out.path().join("run/manifest.json").is_file());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!

// Every item reachable from outside is documented. The `internals` feature (the project's own
// tests and benches) re-exports undocumented building blocks, so the lint is off there.
#![cfg_attr(not(feature = "internals"), deny(missing_docs))]

mod appeal;
mod assign;
mod atomic_dir;
mod chart;
mod check;
pub mod domain;
mod error;
mod explain;
mod generate;
mod input;
mod lang;
mod manifest;
mod metrics;
mod output;
mod placements_file;
mod plan;
pub mod policy;
mod progress;
mod ranking;
mod report;
mod rounds;
mod run_outputs;
mod scenario;
mod sweep;
mod template;
mod whatif;
mod workflow;

pub use appeal::{load_appeal, Appeal, Change};
pub use assign::{
    Assignment, Backend, ComponentReport, ComponentStatus, Formulation, Mechanism, Outcome,
    PublicReport, PurchaseReport, SolverOptions, UnplacedReason,
};
pub use atomic_dir::{
    check_output_dir, check_output_file, write_dir, write_dir_with, write_file, Existing,
    Provenance, MARKER as OUTPUT_MARKER,
};
pub use check::{check, check_placements, CheckReport, Placements, Violation, WrittenRow};
pub use error::{
    shown_lines, BackendError, Cancelled, Error, InputError, InputErrors, InputKind, ManifestError,
    OutputError, PlanError, ReadError, SolveError,
};
pub use explain::render::{html as explain_html, json as explain_json, text as explain_text};
pub use explain::{explain, explain_in, pseudonym, Explanation, Verdict};
pub use generate::{generate_city, read_census, CityConfig, DistrictSpec, Rng};
pub use input::dictionary;
pub use input::source::TableRead;
pub use input::{load, load_from_memory, Loaded, Planning, ScenarioFiles, DEFAULT_COHORT_SHARE};
pub use input::{read_input, with_input_limits, FileKind, InputLimits};
pub use lang::{Lang, UnknownLang};
pub use manifest::{verify as verify_run, Hashing, Manifest, RoundRecord, MANIFEST};
pub use metrics::{
    summary, Cutoff, DistrictKpis, ParameterInfo, PointKpis, PointResult, PointStatus,
    PrivateTally, SchoolKpis, SchoolTallies, SchoolTally, StatusCount, Summary, SweepResults,
};
pub use output::{statements_csv, Discard, FileSink, Held};
pub use placements_file::read_placements;
pub use plan::apply::{applied_scenario, render as render_plan, AppliedScenario};
pub use plan::expansion::{plan, Plan};
pub use plan::{read_candidates, Candidate};
pub use progress::{NoReporter, Reporter, Stage};
pub use ranking::{Priority, Ranking};
pub use report::{run_report, run_report_in, sweep_report};
pub use rounds::outputs::{render as render_round, summary as round_summary, RoundSummary};
pub use rounds::{
    check_folder, check_round_dir, compute as compute_round, earlier as read_earlier_round,
    explain_round, round_and_write, verify_round, Earlier, FolderCheck, Move, MoveKind, Round,
    RoundFiles, RoundRun, RoundSettings,
};
pub use run_outputs::{
    names as run_file_names, render, render_in, render_run, render_run_in, RunFiles,
};
pub use scenario::{Edit, Invalid, Problem, Scenario, ScenarioParts};
pub use sweep::apply::derived_seed;
pub use sweep::run::{load as load_sweep, Shard, ShardError, Sweep};
pub use sweep::tables::{merge as merge_sweeps, render as render_sweep, MergeError, SWEEP_JSON};
pub use template::{
    csv_name as template_csv_name, sheet_name as template_sheet_name, template_files,
    write_template,
};
pub use whatif::{
    changes_csv, input_hashes, load_sweep_on, load_whatif_on, point_scenario, scenario_folder,
    what_if, FolderError, InputHashes, WhatIf, WhatIfBase, WhatIfFile,
};
pub use workflow::{
    appeal_and_write, describe_scenario, require_passed, run_and_write, AppealRun, Run, RunSettings,
};

/// Internal building blocks, exposed only with the `internals` feature for the project's own
/// property tests and benchmarks (which compare them against the whole pipeline). They carry no
/// stability promise and are not part of the embedding surface.
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals {
    pub use crate::assign::assign;
    pub use crate::assign::da::deferred_acceptance;
    pub use crate::assign::prune::prune;
    pub use crate::assign::purchase::{
        buy as buy_places, buy_with as buy_places_with, Instance as PurchaseInstance,
        Verdict as PurchaseVerdict,
    };
    pub use crate::assign::purchase_oracle::buy_oracle as buy_places_oracle;
    pub use crate::assign::siblings::deferred_acceptance_units;
    pub use crate::assign::{Applicants, Application};
    pub use crate::check::priority::{Priority as CheckerPriority, Ranks as CheckerRanks};
    pub use crate::sweep::apply::apply as apply_sweep_point;
}

/// Everything a run computes.
#[derive(Debug, Clone)]
pub struct Solved {
    /// The policy applied to the scenario: points, tiers, priorities, lottery.
    pub ranking: Ranking,
    /// Every child's outcome and how the choice stage was solved.
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
    solve_ranked(scenario, Ranking::compute(scenario), mechanism, options)
}

/// [`solve`] with the children already ranked (a sweep point reusing its base's ranking).
pub(crate) fn solve_ranked(
    scenario: &Scenario,
    ranking: Ranking,
    mechanism: Mechanism,
    options: &SolverOptions,
) -> Result<Solved, SolveError> {
    let assignment = assign::assign(scenario, &ranking, mechanism, options)?;
    let check = check::check(scenario, &assignment.outcomes);
    Ok(Solved {
        ranking,
        assignment,
        check,
    })
}
