//! `seatplan check`: verify a placements file against a scenario with the independent checker.

use std::path::PathBuf;

use anyhow::Result;
use seatplan::{check_placements, load, read_placements, require_passed, Error};

use super::print::Printer;

/// Arguments of `seatplan check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    scenario: PathBuf,
    /// The placements file to verify.
    #[arg(long)]
    placements: PathBuf,
}

/// Reads the placements back and checks every rule and every column with the checker's own
/// ranking; exit code 3 if the check fails.
pub fn run(args: CheckArgs, printer: Printer) -> Result<()> {
    let loaded = load(&args.scenario).map_err(Error::from)?;
    let sc = &loaded.scenario;
    let placements = read_placements(&args.placements, sc).map_err(Error::from)?;
    let report = check_placements(sc, &placements);
    printer.check(&report);
    require_passed(&report)?;
    Ok(())
}
