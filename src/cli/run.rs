//! `seatplan run`: solve a scenario and write its outputs with a manifest.

use std::path::PathBuf;

use anyhow::Result;

use super::print::Printer;
use super::progress::StageLines;
use super::solver::SolverArgs;

/// Arguments of `seatplan run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario TOML file.
    scenario: PathBuf,
    /// Output folder: absent, empty or one seatplan wrote (replaced atomically); never one
    /// holding the scenario's files.
    #[arg(short, long, default_value = "out")]
    out: PathBuf,
    /// Also write statements.csv: every child's itemised points, tier and tie-break values.
    #[arg(long)]
    statements: bool,
    #[command(flatten)]
    solver: SolverArgs,
    #[command(flatten)]
    lang: super::lang::LangArg,
}

/// Runs the library's run workflow and prints what it did.
pub fn run(args: RunArgs, printer: Printer) -> Result<()> {
    let mut settings = args.solver.settings(args.statements)?;
    settings.lang = args.lang.resolve()?;
    args.solver.set_up_threads()?;
    let lines = StageLines {
        printer,
        input: &args.scenario,
    };
    let run = seatplan::run_and_write(&args.scenario, &args.out, &settings, &lines)?;
    for read in run.loaded.sources.iter().filter(|r| !r.is_plain()) {
        printer.say(read.to_string());
    }
    printer.warnings(&run.loaded.warnings);
    let s = &run.summary;
    printer.say(format!(
        "{} children: {} public by choice ({} first choice), {} coordinated, {} purchased ({} of {} yuan), {} unplaced",
        s.children,
        s.public_by_choice,
        s.first_choice,
        s.coordinated,
        s.purchased,
        s.spent_yuan,
        s.budget_yuan,
        s.unplaced
    ));
    printer.say(format!(
        "choice stage: {} ({} component{}, {} with ties); proven optimal: {}",
        s.mechanism,
        s.components,
        if s.components == 1 { "" } else { "s" },
        s.components_with_ties,
        if s.proven_optimal { "yes" } else { "no" }
    ));
    for st in &s.statuses {
        printer.say(format!("  {} × {}", st.components, st.status));
    }
    if !s.proven_optimal {
        printer.say(format!(
            "  proven: at most {} children can be placed by choice; this run places {}",
            s.choice_stage_bound, s.public_by_choice
        ));
    }
    printer.check(&run.solved.check);
    printer.say(format!("results written to {}/", args.out.display()));
    seatplan::require_passed(&run.solved.check)?;
    Ok(())
}
