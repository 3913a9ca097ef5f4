//! What the workbench holds: its session folder (the only place it writes), the scenarios kept
//! loaded, the finished results kept for drill-down, and the folder of every result ever
//! written (so downloads work after a result was evicted from memory).
//!
//! Memory is bounded: scenarios and results live in least-recently-used lists of fixed length;
//! an evicted scenario must be opened again, an evicted result keeps its files on disk.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use seatplan::{InputHashes, Loaded, SchoolTallies, SweepResults, WhatIf, WhatIfBase};

use super::jobs::Job;

/// The session folder: `DATA/session-SECONDS-PID/`, made new at start; every file the
/// workbench writes is inside it, in `uploads/`, `runs/`, `whatifs/` or `sweeps/`.
#[derive(Debug)]
pub struct Session {
    /// The session folder.
    pub root: PathBuf,
}

impl Session {
    /// Makes the data folder if needed and a new session folder inside it (never one that
    /// exists already).
    pub fn create(data: &Path) -> Result<Session> {
        std::fs::create_dir_all(data)
            .with_context(|| format!("cannot make the data folder {}", data.display()))?;
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let root = data.join(format!("session-{secs}-{}", std::process::id()));
        std::fs::create_dir(&root)
            .with_context(|| format!("cannot make the session folder {}", root.display()))?;
        let root = root.canonicalize()?;
        for sub in ["uploads", "runs", "whatifs", "sweeps"] {
            std::fs::create_dir(root.join(sub))?;
        }
        Ok(Session { root })
    }

    /// A new folder `KIND/ID` of the session (an error if it exists).
    pub fn new_folder(&self, kind: &str, id: u64) -> std::io::Result<PathBuf> {
        let dir = self.root.join(kind).join(id.to_string());
        std::fs::create_dir(&dir)?;
        Ok(dir)
    }
}

/// A least-recently-used list of at most `capacity` entries.
#[derive(Debug)]
pub struct Lru<T> {
    capacity: usize,
    entries: VecDeque<(u64, Arc<T>)>,
}

impl<T> Lru<T> {
    /// An empty list.
    pub fn new(capacity: usize) -> Lru<T> {
        Lru {
            capacity,
            entries: VecDeque::new(),
        }
    }

    /// Adds an entry as the most recent, evicting the least recent beyond the capacity.
    pub fn insert(&mut self, id: u64, value: Arc<T>) {
        self.entries.retain(|(k, _)| *k != id);
        self.entries.push_back((id, value));
        while self.entries.len() > self.capacity {
            self.entries.pop_front();
        }
    }

    /// The entry `id`, now the most recent.
    pub fn get(&mut self, id: u64) -> Option<Arc<T>> {
        let i = self.entries.iter().position(|(k, _)| *k == id)?;
        let entry = self.entries.remove(i)?;
        let value = entry.1.clone();
        self.entries.push_back(entry);
        Some(value)
    }

    /// Every entry, most recent first.
    pub fn list(&self) -> Vec<Arc<T>> {
        self.entries.iter().rev().map(|(_, v)| v.clone()).collect()
    }
}

/// A scenario opened in the workbench.
#[derive(Debug)]
pub struct Workspace {
    /// Its id in URLs.
    pub id: u64,
    /// Where it was read from (`uploads/ID/…` for an upload).
    pub source: PathBuf,
    /// The loaded scenario.
    pub loaded: Loaded,
    /// Its input files' hashes, for sweep fingerprints.
    pub hashes: InputHashes,
    /// The base run solved with its key figures, once a run or a what-if needed it.
    pub base: Mutex<Option<Arc<WhatIfBase>>>,
}

impl Workspace {
    /// The files the scenario read: what a workbench write must never hold or replace.
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.loaded
            .files
            .all()
            .into_iter()
            .map(PathBuf::from)
            .collect()
    }
}

/// A finished run kept for drill-down.
#[derive(Debug)]
pub struct RunResult {
    /// Its id in URLs.
    pub id: u64,
    /// The scenario it ran.
    pub workspace: Arc<Workspace>,
    /// What it computed, with its key figures (districts and schools).
    pub base: Arc<WhatIfBase>,
    /// Its school tallies (cut-offs) for explanations.
    pub tallies: SchoolTallies,
}

/// A finished what-if kept for comparison.
#[derive(Debug)]
pub struct WhatIfResult {
    /// Its id in URLs.
    pub id: u64,
    /// The base scenario.
    pub workspace: Arc<Workspace>,
    /// The base run it is set against.
    pub base: Arc<WhatIfBase>,
    /// What changed, in words.
    pub label: String,
    /// The what-if solved against the base.
    pub whatif: WhatIf,
    /// Its school tallies, for the drill-down and the explanations (computed when first asked
    /// for: the what-if's answer does not wait for them).
    pub tallies: OnceLock<SchoolTallies>,
    /// Whether the what-if was saved as a scenario folder (`scenario/`), or why not; unset
    /// while its files are being written.
    pub saved_scenario: OnceLock<Result<(), String>>,
}

impl WhatIfResult {
    /// The what-if's school tallies.
    pub fn tallies(&self) -> &SchoolTallies {
        self.tallies.get_or_init(|| {
            let w = &self.whatif;
            SchoolTallies::compute(
                &w.scenario,
                &w.solved.ranking,
                &w.solved.assignment.outcomes,
            )
        })
    }
}

/// A finished sweep.
#[derive(Debug)]
pub struct SweepResult {
    /// Its id in URLs.
    pub id: u64,
    /// The base scenario's id.
    pub workspace: u64,
    /// Its results.
    pub results: SweepResults,
}

/// A finished result of any kind.
#[derive(Debug)]
pub enum Finished {
    /// A run.
    Run(RunResult),
    /// A what-if.
    WhatIf(Box<WhatIfResult>),
    /// A sweep.
    Sweep(SweepResult),
}

/// Where a result's files are and what it was.
#[derive(Debug, Clone)]
pub struct Folder {
    /// `runs`, `whatifs` or `sweeps`.
    pub kind: &'static str,
    /// The folder.
    pub dir: PathBuf,
    /// What it holds, in a few words.
    pub title: String,
    /// Whether its files are all written: set once the last is (`Err` with the reason if they
    /// could not be). A what-if is shown before its run's files are written; a download waits
    /// for this.
    pub written: Arc<OnceLock<Result<(), String>>>,
}

impl Folder {
    /// A folder whose files are all written already.
    pub fn written(kind: &'static str, dir: PathBuf, title: String) -> Folder {
        let written = OnceLock::new();
        let _ = written.set(Ok(()));
        Folder {
            kind,
            dir,
            title,
            written: Arc::new(written),
        }
    }
}

/// The whole state of a workbench.
#[derive(Debug)]
pub struct App {
    /// The token every request carries.
    pub token: String,
    /// The session folder.
    pub session: Session,
    next_id: AtomicU64,
    scenarios: Mutex<Lru<Workspace>>,
    results: Mutex<Lru<Finished>>,
    folders: Mutex<BTreeMap<u64, Folder>>,
    jobs: Mutex<Lru<Job>>,
}

/// Locks, ignoring poisoning: a panicking run never takes the server down with it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    /// A workbench with nothing open yet.
    pub fn new(token: String, session: Session, scenarios: usize, results: usize) -> App {
        App {
            token,
            session,
            next_id: AtomicU64::new(1),
            scenarios: Mutex::new(Lru::new(scenarios)),
            results: Mutex::new(Lru::new(results)),
            folders: Mutex::new(BTreeMap::new()),
            jobs: Mutex::new(Lru::new(256)),
        }
    }

    /// A fresh id for a scenario, a job or a result.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Keeps a scenario loaded (evicting the least recently used beyond the limit).
    pub fn add_scenario(&self, ws: Arc<Workspace>) {
        lock(&self.scenarios).insert(ws.id, ws);
    }

    /// The scenario `id`, if still loaded.
    pub fn scenario(&self, id: u64) -> Option<Arc<Workspace>> {
        lock(&self.scenarios).get(id)
    }

    /// Every loaded scenario, most recent first.
    pub fn scenarios(&self) -> Vec<Arc<Workspace>> {
        lock(&self.scenarios).list()
    }

    /// Records a finished result and where its files are.
    pub fn add_result(&self, id: u64, result: Finished, folder: Folder) {
        self.add_result_arc(id, Arc::new(result), folder);
    }

    /// [`App::add_result`] of a result the caller keeps a handle on.
    pub fn add_result_arc(&self, id: u64, result: Arc<Finished>, folder: Folder) {
        lock(&self.folders).insert(id, folder);
        lock(&self.results).insert(id, result);
    }

    /// The result `id`, if still in memory.
    pub fn result(&self, id: u64) -> Option<Arc<Finished>> {
        lock(&self.results).get(id)
    }

    /// The folder of result `id` (kept after eviction).
    pub fn folder(&self, id: u64) -> Option<Folder> {
        lock(&self.folders).get(&id).cloned()
    }

    /// Every result folder written in this session, newest first.
    pub fn folders(&self) -> Vec<(u64, Folder)> {
        lock(&self.folders)
            .iter()
            .rev()
            .map(|(k, v)| (*k, v.clone()))
            .collect()
    }

    /// Keeps a job (the last 256).
    pub fn add_job(&self, job: Arc<Job>) {
        lock(&self.jobs).insert(job.id, job);
    }

    /// The job `id`.
    pub fn job(&self, id: u64) -> Option<Arc<Job>> {
        lock(&self.jobs).get(id)
    }

    /// Every job, most recent first.
    pub fn jobs(&self) -> Vec<Arc<Job>> {
        lock(&self.jobs).list()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_entry_is_evicted() {
        let mut lru = Lru::new(2);
        lru.insert(1, Arc::new("a"));
        lru.insert(2, Arc::new("b"));
        assert!(lru.get(1).is_some()); // 1 is now the most recent
        lru.insert(3, Arc::new("c"));
        assert!(lru.get(2).is_none());
        assert_eq!(
            lru.list().iter().map(|v| **v).collect::<Vec<_>>(),
            ["c", "a"]
        );
    }
}
