//! What the CLI prints on standard error: progress lines (silenced by `-q`) and the independent
//! check's verdict (its failures are never silenced).

use seatplan::{CheckReport, InputError};

/// Prints the CLI's messages on standard error unless `-q` was given.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    quiet: bool,
}

impl Printer {
    /// A printer that prints nothing when `quiet`.
    pub fn new(quiet: bool) -> Printer {
        Printer { quiet }
    }

    /// Whether `-q` was given.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// Prints one line (unless quiet), control and format characters escaped as in every error
    /// (`seatplan::shown_lines`), so a path or id cannot drive the terminal.
    pub fn say(&self, line: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{}", seatplan::shown_lines(&line.to_string()));
        }
    }

    /// What the loader found worth a look although the scenario is valid (overlapping
    /// catchment polygons), one `warning:` line each, unless quiet.
    pub fn warnings(&self, warnings: &[InputError]) {
        for w in warnings {
            self.say(format!("warning: {w}"));
        }
    }

    /// The checker's verdict: a line when it passed, every violation (up to 20) when not, and
    /// its notes.
    pub fn check(&self, report: &CheckReport) {
        if report.passed() {
            self.say(format!(
                "independent check passed: {} children, capacities, budget, no justified envy, fallback order",
                report.children
            ));
        } else {
            eprintln!(
                "independent check FAILED: {} violation(s)",
                report.violations.len()
            );
            for v in report.violations.iter().take(20) {
                let line = format!("  [{}] {}", v.rule, v.message);
                eprintln!("{}", seatplan::shown_lines(&line));
            }
        }
        for note in &report.notes {
            self.say(format!("  note: {note}"));
        }
    }
}
