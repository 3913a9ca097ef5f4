//! `seatplan verify`: re-run a recorded run and confirm inputs unchanged, outputs identical.

use std::path::{Path, PathBuf};

use anyhow::Result;
use seatplan::{verify_round, Error, Manifest};

use super::print::Printer;

/// Arguments of `seatplan verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The output folder of the run (or its manifest.json).
    run: PathBuf,
}

/// Verifies the run; exit code 5 with every difference if it does not reproduce.
pub fn run(args: VerifyArgs, printer: Printer) -> Result<()> {
    let (record, file) = Manifest::read(&args.run).map_err(Error::from)?;
    let folder = file.parent().unwrap_or(Path::new("."));
    let problems = verify_round(&record, folder)?;
    if problems.is_empty() {
        printer.say(format!(
            "verified: inputs unchanged ({} files), re-run outputs byte-identical ({} files)",
            record.inputs.len(),
            record.outputs.len()
        ));
        return Ok(());
    }
    eprintln!("verification FAILED:");
    for p in &problems {
        eprintln!("  {}", seatplan::shown_lines(p));
    }
    Err(Error::VerifyFailed { problems }.into())
}
