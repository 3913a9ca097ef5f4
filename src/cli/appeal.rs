//! `seatplan appeal`: re-run an archived scenario with an appeal's corrected facts.

use std::path::PathBuf;

use anyhow::Result;
use seatplan::{appeal_and_write, require_passed, NoReporter};

use super::print::Printer;
use super::solver::SolverArgs;

/// Arguments of `seatplan appeal`.
#[derive(Debug, clap::Args)]
pub struct AppealArgs {
    /// The appeal file (TOML naming the archived scenario and the corrections).
    appeal: PathBuf,
    /// Output folder: the corrected run's outputs and changes.csv (absent, empty or one seatplan
    /// wrote; replaced atomically).
    #[arg(short, long, default_value = "appeal")]
    out: PathBuf,
    #[command(flatten)]
    lang: super::lang::LangArg,
    #[command(flatten)]
    solver: SolverArgs,
}

/// Runs the library's appeal workflow and lists the children it moves.
pub fn run(args: AppealArgs, printer: Printer) -> Result<()> {
    let mut settings = args.solver.settings(false)?;
    settings.lang = args.lang.resolve()?;
    let done = appeal_and_write(&args.appeal, &args.out, &settings, &NoReporter)?;
    printer.say(format!(
        "appeal for {}: {} child(ren) placed differently",
        done.appeal.children.join(", "),
        done.changes.len()
    ));
    for ch in done.changes.iter().take(20) {
        printer.say(format!("  {}: {} → {}", ch.child, ch.before, ch.after));
    }
    printer.check(&done.after.check);
    printer.say(format!(
        "corrected run written to {}/ (changes.csv lists every change; letters.txt explains each child concerned)",
        args.out.display()
    ));
    require_passed(&done.after.check)?;
    Ok(())
}
