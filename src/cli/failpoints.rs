//! Fault injection for the tests, installed by the CLI only: environment variables naming a
//! sweep point that must panic or abort the process when it starts, to show that a failing
//! point fails alone (`tests/it/sweep.rs`). The library knows nothing of them; it only calls
//! [`Reporter::point_started`] inside each point's isolation.

use std::ffi::OsString;

use seatplan::Reporter;

/// The point whose key equals this variable's value panics.
pub const PANIC_FAILPOINT: &str = "SEATPLAN_FAILPOINT_PANIC_POINT";
/// The point whose key equals this variable's value aborts the process (as a crashing C++
/// solver would); only isolated points (`sweep --isolate`) survive it.
pub const ABORT_FAILPOINT: &str = "SEATPLAN_FAILPOINT_ABORT_POINT";

/// The failpoints set in the environment.
#[derive(Debug, Default)]
pub struct Failpoints {
    panic: Option<OsString>,
    abort: Option<OsString>,
}

impl Failpoints {
    /// Reads the failpoint variables.
    pub fn from_env() -> Failpoints {
        Failpoints {
            panic: std::env::var_os(PANIC_FAILPOINT),
            abort: std::env::var_os(ABORT_FAILPOINT),
        }
    }
}

impl Reporter for Failpoints {
    fn point_started(&self, _index: usize, key: &str) {
        if self.panic.as_deref().is_some_and(|k| k == key) {
            panic!("{PANIC_FAILPOINT} asked point `{key}` to panic");
        }
        if self.abort.as_deref().is_some_and(|k| k == key) {
            eprintln!("{ABORT_FAILPOINT} asked point `{key}` to abort");
            std::process::abort();
        }
    }
}
