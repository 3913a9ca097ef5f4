//! `seatplan round`: a later round after published results — declines, late applicants, seat
//! changes — without moving anyone placed to a school she likes less.

use std::path::PathBuf;

use anyhow::Result;
use seatplan::{round_and_write, Error, NoReporter, RoundFiles, RoundSettings};

use super::print::Printer;

/// Arguments of `seatplan round`.
#[derive(Debug, clap::Args)]
pub struct RoundArgs {
    /// The earlier round's output folder (`seatplan run` or an earlier `seatplan round`).
    previous: PathBuf,
    /// Declines: a CSV with columns `child` and optionally `reason`.
    #[arg(long)]
    declines: Option<PathBuf>,
    /// Late applicants' children file (the scenario's children columns); needs --late-choices.
    #[arg(long)]
    late_children: Option<PathBuf>,
    /// Late applicants' choices file (the scenario's choices columns); needs --late-children.
    #[arg(long)]
    late_choices: Option<PathBuf>,
    /// Seat changes: a CSV with columns `school` and `seats`.
    #[arg(long)]
    seats: Option<PathBuf>,
    /// Output folder of the round (replaced atomically; not the earlier round's).
    #[arg(short, long)]
    out: PathBuf,
    /// Move the fewest children (an integer program) instead of the child-optimal reallocation.
    #[arg(long)]
    fewest_moves: bool,
    /// Let siblings who applied jointly move up on their own (they may end at different
    /// schools); without it a scenario with sibling groups is refused.
    #[arg(long)]
    siblings_apart: bool,
}

/// Runs the round and prints what it did.
pub fn run(args: RoundArgs, printer: Printer) -> Result<()> {
    let files = RoundFiles {
        previous: args.previous.clone(),
        declines: args.declines,
        late_children: args.late_children,
        late_choices: args.late_choices,
        seats: args.seats,
    };
    let settings = RoundSettings {
        fewest_moves: args.fewest_moves,
        siblings_apart: args.siblings_apart,
    };
    let run = match round_and_write(&files, &args.out, settings, &NoReporter) {
        Ok(run) => run,
        Err(Error::VerifyFailed { problems }) => {
            eprintln!("the earlier round does not verify; nothing written:");
            for p in &problems {
                eprintln!("  {}", seatplan::shown_lines(p));
            }
            return Err(Error::VerifyFailed { problems }.into());
        }
        Err(e) => return Err(e.into()),
    };
    let r = &run.round;
    let s = seatplan::round_summary(r);
    printer.say(format!(
        "round {} after {}: {} declined, {} late applicant(s), {} seat change(s)",
        r.number,
        args.previous.display(),
        s.declined,
        s.late_applicants,
        s.seat_changes
    ));
    printer.say(format!(
        "{} moved up, {} newly placed, {} of {} late applicant(s) in a public school; nobody placed earlier is worse off{}",
        s.moved_up,
        s.newly_placed,
        s.late_placed_public,
        s.late_applicants,
        if r.fewest_moves { " (fewest moves)" } else { "" }
    ));
    let check = &r.solved.check;
    if check.passed() {
        printer.say(format!(
            "independent check of the round passed: {} children, capacities, no one worse off, no justified envy among movable children, waitlist order{}",
            check.children,
            if r.fewest_moves { ", fewest moves" } else { "" }
        ));
    } else {
        eprintln!(
            "independent check of the round FAILED: {} violation(s)",
            check.violations.len()
        );
        for v in check.violations.iter().take(20) {
            eprintln!("  [{}] {}", v.rule, v.message);
        }
    }
    for note in &check.notes {
        printer.say(format!("  note: {note}"));
    }
    printer.say(format!("results written to {}/", args.out.display()));
    seatplan::require_passed(&r.solved.check)?;
    Ok(())
}
