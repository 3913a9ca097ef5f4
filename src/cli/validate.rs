//! `seatplan validate`: load a scenario and report every problem in it, without solving.

use std::path::PathBuf;

use anyhow::Result;
use seatplan::{describe_scenario, load, Error};

use super::print::Printer;

/// Arguments of `seatplan validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    scenario: PathBuf,
}

/// Loads the scenario; exit code 2 with every problem if it is invalid.
pub fn run(args: ValidateArgs, printer: Printer) -> Result<()> {
    let loaded = load(&args.scenario).map_err(Error::from)?;
    for read in loaded.sources.iter().filter(|r| !r.is_plain()) {
        printer.say(read.to_string());
    }
    printer.warnings(&loaded.warnings);
    printer.say(format!(
        "{} is valid: {}",
        args.scenario.display(),
        describe_scenario(&loaded.scenario)
    ));
    Ok(())
}
