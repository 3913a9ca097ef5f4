//! Background jobs: a run, a what-if or a sweep, each on a blocking thread of the runtime (the
//! solver is synchronous), reporting progress through the library's `Reporter` and stopped by
//! its `should_cancel`. A job that fails or panics records its error; the server goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use seatplan::{Reporter, Stage};

use super::state::{lock, App};

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Still working.
    Running,
    /// Finished; its result is at this path (without the query).
    Done(String),
    /// Failed with this error (or panicked with this message).
    Failed(String),
    /// Stopped on request.
    Cancelled,
}

/// A background job.
#[derive(Debug)]
pub struct Job {
    /// Its id in URLs.
    pub id: u64,
    /// What it does, in a few words.
    pub title: String,
    /// The scenario it works on.
    pub workspace: u64,
    started: Instant,
    state: Mutex<JobState>,
    cancel: AtomicBool,
    log: Mutex<Vec<String>>,
    done: AtomicUsize,
    total: AtomicUsize,
    hold: bool,
}

/// What the progress page polls.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Where the job is.
    pub state: JobState,
    /// The stages finished so far.
    pub log: Vec<String>,
    /// Steps (stages or points) finished.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    /// Seconds since it started.
    pub seconds: f64,
}

impl Job {
    /// A job of `total` steps (stages, or points once a sweep says how many).
    pub fn new(id: u64, title: String, workspace: u64, total: usize) -> Job {
        Job {
            id,
            workspace,
            started: Instant::now(),
            state: Mutex::new(JobState::Running),
            cancel: AtomicBool::new(false),
            log: Mutex::new(Vec::new()),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(total),
            hold: failpoint_matches(HOLD_FAILPOINT, &title),
            title,
        }
    }

    /// Asks the job to stop at its next step.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Adds a line to the job's log and counts a step. A job held by [`HOLD_FAILPOINT`] then
    /// waits until it is asked to stop (at most a minute).
    pub fn step(&self, line: String) {
        lock(&self.log).push(line);
        self.done.fetch_add(1, Ordering::Relaxed);
        let held = Instant::now();
        while self.hold && !self.should_cancel() && held.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Where it is now.
    pub fn progress(&self) -> Progress {
        Progress {
            state: lock(&self.state).clone(),
            log: lock(&self.log).clone(),
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            seconds: self.started.elapsed().as_secs_f64(),
        }
    }

    /// Announces the job's result at `url` before the job ends (it goes on writing files the
    /// result page does not need to show).
    pub fn publish(&self, url: String) {
        *lock(&self.state) = JobState::Done(url);
    }

    /// Where it is now, without the log.
    pub fn state(&self) -> JobState {
        lock(&self.state).clone()
    }
}

impl Reporter for Job {
    fn stage_finished(&self, stage: Stage, elapsed: Duration, detail: &str) {
        let name = match stage {
            Stage::Load => "load 读取",
            Stage::Solve => "solve and check 求解与校验",
            Stage::Write => "write 写出",
            _ => "step",
        };
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(": {detail}")
        };
        self.step(format!("{name} {elapsed:.2?}{detail}"));
    }

    fn points_started(&self, points: usize) {
        self.total.store(points, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    fn point_finished(&self, _index: usize, key: &str, solved: bool) {
        if !solved {
            lock(&self.log).push(format!("point {key} failed 失败"));
        }
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    fn should_cancel(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A job whose title contains this variable's value panics when it starts (fault injection for
/// `tests/it/serve.rs`: a crashed run shows its error and the server keeps serving).
pub const PANIC_FAILPOINT: &str = "SEATPLAN_FAILPOINT_PANIC_JOB";

/// A job whose title contains this variable's value waits after each of its steps until it is
/// cancelled (fault injection for `tests/it/serve.rs`: a run or a what-if stopped between its
/// steps, however fast the machine).
pub const HOLD_FAILPOINT: &str = "SEATPLAN_FAILPOINT_HOLD_JOB";

/// Whether the failpoint variable `name` is set to a part of `title`.
fn failpoint_matches(name: &str, title: &str) -> bool {
    std::env::var(name).is_ok_and(|k| !k.is_empty() && title.contains(&k))
}

/// Starts `work` on a blocking thread. Its `Ok` is the path of the result page; an error, a
/// cancellation (an error whose chain holds the library's `Cancelled`) or a panic is recorded.
pub fn spawn<F>(app: &Arc<App>, job: Arc<Job>, work: F)
where
    F: FnOnce(&Job) -> anyhow::Result<String> + Send + 'static,
{
    app.add_job(job.clone());
    tokio::task::spawn_blocking(move || {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if failpoint_matches(PANIC_FAILPOINT, &job.title) {
                panic!("{PANIC_FAILPOINT} asked job `{}` to panic", job.title);
            }
            work(&job)
        }));
        let state = match outcome {
            Ok(Ok(url)) => JobState::Done(url),
            Ok(Err(e)) if is_cancelled(&e) => JobState::Cancelled,
            Ok(Err(e)) => JobState::Failed(chain(&e)),
            Err(panic) => JobState::Failed(format!("the job panicked: {}", panic_text(&*panic))),
        };
        *lock(&job.state) = state;
    });
}

fn is_cancelled(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<seatplan::Cancelled>().is_some()
            || matches!(
                c.downcast_ref::<seatplan::Error>(),
                Some(seatplan::Error::Cancelled(_))
            )
    })
}

/// The error and its causes, one per line.
fn chain(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join("\n  caused by: ")
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}
