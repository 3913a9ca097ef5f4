//! `seatplan check`: verify a placements file against a scenario, or an archived run or later
//! round from its folder, with the independent checker.

use std::path::PathBuf;

use anyhow::{bail, Result};
use seatplan::{check_folder, check_placements, load, read_placements, require_passed, Error};

use super::print::Printer;

/// Arguments of `seatplan check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A scenario file (with --placements), or the output folder of a `seatplan run` or a
    /// `seatplan round` to check from its files alone.
    scenario: PathBuf,
    /// The placements file to verify against the scenario.
    #[arg(long)]
    placements: Option<PathBuf>,
}

/// Reads the placements back and checks every rule and every column with the checker's own
/// ranking; exit code 3 if the check fails.
pub fn run(args: CheckArgs, printer: Printer) -> Result<()> {
    let Some(placements) = &args.placements else {
        if !args.scenario.is_dir() {
            bail!(
                "{} is not a run's or round's folder: give a scenario with --placements FILE, or an output folder",
                args.scenario.display()
            );
        }
        let checked = check_folder(&args.scenario)?;
        let report = &checked.report;
        if !report.passed() || checked.round == 0 {
            printer.check(report);
        } else {
            printer.say(format!(
                "independent check of round {} passed: {} children, capacities, no one worse off, no justified envy among movable children, waitlist order{}",
                checked.round,
                report.children,
                if checked.fewest_moves && report.notes.is_empty() {
                    ", fewest moves"
                } else {
                    ""
                }
            ));
            for note in &report.notes {
                printer.say(format!("  note: {note}"));
            }
        }
        if report.passed() {
            printer.say(format!(
                "every column of placements.csv{} agrees with the placement",
                if checked.round == 0 {
                    " and waitlists.csv"
                } else {
                    ", waitlists.csv and moves.csv"
                }
            ));
        }
        require_passed(report)?;
        return Ok(());
    };
    let loaded = load(&args.scenario).map_err(Error::from)?;
    let sc = &loaded.scenario;
    let placements = read_placements(placements, sc).map_err(Error::from)?;
    let report = check_placements(sc, &placements);
    printer.check(&report);
    require_passed(&report)?;
    Ok(())
}
