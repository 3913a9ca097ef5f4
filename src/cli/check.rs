//! `seatplan check`: verify a placements file against a scenario with the independent checker.

use std::path::PathBuf;

use anyhow::Result;
use seatplan::{check, load, read_placements, require_passed, Error, Ranking};

use super::print::Printer;

/// Arguments of `seatplan check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    scenario: PathBuf,
    /// The placements file to verify.
    #[arg(long)]
    placements: PathBuf,
}

/// Reads the placements back and checks them; exit code 3 if the check fails.
pub fn run(args: CheckArgs, printer: Printer) -> Result<()> {
    let loaded = load(&args.scenario).map_err(Error::from)?;
    let sc = &loaded.scenario;
    let outcomes = read_placements(&args.placements, sc).map_err(Error::from)?;
    let ranking = Ranking::compute(sc);
    let report = check(sc, &ranking, &outcomes);
    printer.check(&report);
    require_passed(&report)?;
    Ok(())
}
