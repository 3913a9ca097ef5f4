//! The CLI's [`Reporter`]s: the stage lines of a run ("loaded … in …", "solved and checked in
//! …") and a sweep's progress bar, drawn with indicatif on a terminal only (never with `-q`, never
//! when standard error is a file or a pipe).

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use seatplan::{Reporter, Stage};

use super::failpoints::Failpoints;
use super::print::Printer;

/// Prints a line as each stage of a run finishes.
pub struct StageLines<'a> {
    /// Where the lines go.
    pub printer: Printer,
    /// The input file, named in the "loaded" line.
    pub input: &'a Path,
}

impl Reporter for StageLines<'_> {
    fn stage_finished(&self, stage: Stage, elapsed: Duration, detail: &str) {
        match stage {
            Stage::Load => self.printer.say(format!(
                "loaded {} in {elapsed:.2?}: {detail}",
                self.input.display()
            )),
            Stage::Solve => self
                .printer
                .say(format!("solved and checked in {elapsed:.2?}")),
            _ => {}
        }
    }
}

/// A sweep's progress bar: one step per finished point. Points also go through the test
/// failpoints read from the environment.
pub struct PointsBar {
    bar: ProgressBar,
    failpoints: Failpoints,
}

impl PointsBar {
    /// A bar on standard error, hidden with `-q` or when standard error is not a terminal.
    pub fn new(printer: Printer) -> PointsBar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if printer.quiet() || !std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} points, {per_sec}, ETA {eta}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        PointsBar {
            bar,
            failpoints: Failpoints::from_env(),
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Reporter for PointsBar {
    fn points_started(&self, points: usize) {
        self.bar.set_length(points as u64);
    }

    fn point_started(&self, index: usize, key: &str) {
        self.failpoints.point_started(index, key);
    }

    fn point_finished(&self, _index: usize, _key: &str, _solved: bool) {
        self.bar.inc(1);
    }
}
