//! Progress and cancellation: how long work tells its caller how far it got, and how the caller
//! stops it.
//!
//! The library never draws anything. Long operations (a run with its outputs, a sweep) take a
//! [`Reporter`] and call it as they go: when a stage finishes, when a sweep's points start and
//! finish. Between steps they ask [`Reporter::should_cancel`] and, when it says yes, stop and
//! return [`crate::error::Cancelled`] without writing anything. The CLI's progress bar is one
//! implementation; [`NoReporter`] ignores every event and never cancels. Every method has a
//! default that does nothing, so an implementation overrides only what it needs.
//!
//! A sweep runs its points in parallel, so a reporter is called from several threads at once
//! (hence `Sync`).

use std::time::Duration;

/// A step of a run, reported by [`Reporter::stage_finished`] when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// The inputs were read and validated.
    Load,
    /// The children were ranked and assigned, and the result checked independently.
    Solve,
    /// The outputs were rendered and written.
    Write,
}

/// Receives progress events from the library and decides whether work goes on.
pub trait Reporter: Sync {
    /// A stage of a run finished after `elapsed`; `detail` says what it produced in a few words
    /// (for [`Stage::Load`]: the scenario's counts, "2 districts, 1 public school, …").
    fn stage_finished(&self, stage: Stage, elapsed: Duration, detail: &str) {
        let _ = (stage, elapsed, detail);
    }

    /// A sweep is about to run `points` points.
    fn points_started(&self, points: usize) {
        let _ = points;
    }

    /// Point `index` (key `key`, e.g. `budget=100`) of a sweep is starting, on the thread that
    /// runs it and inside its isolation: a panic here fails this point only, and is recorded
    /// as the point's error. Tests use this hook to inject faults.
    fn point_started(&self, index: usize, key: &str) {
        let _ = (index, key);
    }

    /// Point `index` of a sweep finished; `solved` is false if it failed.
    fn point_finished(&self, index: usize, key: &str, solved: bool) {
        let _ = (index, key, solved);
    }

    /// Whether the caller wants the work stopped. Asked between steps (before each stage, before
    /// each point of a sweep); once it says yes the work returns
    /// [`crate::error::Cancelled`].
    fn should_cancel(&self) -> bool {
        false
    }
}

/// A reporter that ignores every event and never cancels.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReporter;

impl Reporter for NoReporter {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_op_reporter_never_cancels() {
        let r: &dyn Reporter = &NoReporter;
        r.stage_finished(Stage::Load, Duration::ZERO, "");
        r.points_started(3);
        r.point_started(0, "k=1");
        r.point_finished(0, "k=1", true);
        assert!(!r.should_cancel());
    }
}
