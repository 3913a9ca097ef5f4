//! Running a sweep's points in parallel, each isolated from the others.
//!
//! Points run on the current rayon pool and are collected in point order, so the results do not
//! depend on the number of threads. A point whose solve fails, or that panics, is recorded as
//! failed with the message; the other points go on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::str::FromStr;

use rayon::prelude::*;

use super::apply::{apply, derived_seed, point_key};
use super::kpi::PointKpis;
use super::results::{ParameterInfo, PointResult, PointStatus, SweepResults};
use super::spec::{self, Seeds, SweepSpec};
use crate::assign::{Mechanism, SolverOptions};
use crate::error::{InputErrors, SolveError};
use crate::input::{self, Loaded};
use crate::manifest::sha256;
use crate::scenario::{Invalid, Problem};

/// Fault injection for tests: a point whose key equals this environment variable's value
/// panics, to show that a failing point fails alone.
pub const PANIC_FAILPOINT: &str = "SEATPLAN_FAILPOINT_PANIC_POINT";
/// Fault injection for tests: a point whose key equals this environment variable's value
/// aborts the process (as a crashing C++ solver would); only isolated points survive it.
pub const ABORT_FAILPOINT: &str = "SEATPLAN_FAILPOINT_ABORT_POINT";

fn failpoint(name: &str, key: &str) -> bool {
    std::env::var_os(name).is_some_and(|k| k == key)
}

/// A sweep ready to run: its checked spec and its loaded base scenario.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub spec: SweepSpec,
    pub base: Loaded,
    /// SHA-256 of the sweep file and of every base input's bytes (not their paths).
    pub inputs_fingerprint: String,
}

/// Loads a sweep file and its base scenario and checks one against the other.
pub fn load(path: &Path) -> Result<Sweep, InputErrors> {
    let (text, scenario_file) = spec::read(path)?;
    let base = input::load(&scenario_file)?;
    let hashes = crate::manifest::hash_inputs(&base.files).map_err(|e| {
        InputErrors(vec![crate::error::InputError::file(
            &scenario_file,
            format!("cannot read an input of the base scenario: {e}"),
        )])
    })?;
    let mut material = sha256(text.bytes());
    for h in hashes {
        material.push(' ');
        material.push_str(&h.sha256);
    }
    let spec = text.resolve(&base.scenario, scenario_file)?;
    Ok(Sweep {
        spec,
        base,
        inputs_fingerprint: sha256(material.as_bytes()),
    })
}

/// One of `count` equal parts of a sweep (`index` is 1-based): points `index−1`, `index−1+count`, …
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn contains(self, point: usize) -> bool {
        point % self.count == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `i/N` with `1 ≤ i ≤ N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("a shard is written i/N with 1 ≤ i ≤ N (e.g. 3/8), got {s:?}");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Sweep {
    /// Indices of the points in `shard` (all points without one).
    pub fn point_indices(&self, shard: Option<Shard>) -> Vec<usize> {
        (0..self.spec.points.len())
            .filter(|&i| shard.is_none_or(|s| s.contains(i)))
            .collect()
    }

    /// The fingerprint shards must share to merge: inputs, and how points are solved.
    pub fn fingerprint(&self, mechanism: Mechanism, options: &SolverOptions) -> String {
        sha256(
            format!(
                "{} {} {:?}",
                self.inputs_fingerprint,
                mechanism.name(),
                options
            )
            .as_bytes(),
        )
    }

    /// Runs the points of `shard` (every point without one) on the current rayon pool, calling
    /// `on_point` as each finishes.
    pub fn run(
        &self,
        mechanism: Mechanism,
        options: &SolverOptions,
        shard: Option<Shard>,
        on_point: &(dyn Fn() + Sync),
    ) -> SweepResults {
        self.run_with(mechanism, options, shard, on_point, &|i| {
            self.run_point(i, mechanism, options)
        })
    }

    /// Like [`Sweep::run`], with each point run by `runner` (for example in a child process,
    /// so that even an abort fails only its point).
    pub fn run_with(
        &self,
        mechanism: Mechanism,
        options: &SolverOptions,
        shard: Option<Shard>,
        on_point: &(dyn Fn() + Sync),
        runner: &(dyn Fn(usize) -> PointResult + Sync),
    ) -> SweepResults {
        let points: Vec<PointResult> = self
            .point_indices(shard)
            .into_par_iter()
            .map(|i| {
                let r = runner(i);
                on_point();
                r
            })
            .collect();
        SweepResults {
            name: self.spec.name.clone(),
            scenario: self.base.scenario.name.clone(),
            fingerprint: self.fingerprint(mechanism, options),
            parameters: self
                .spec
                .parameters
                .iter()
                .map(|p| ParameterInfo {
                    id: p.id.clone(),
                    kind: p.kind.name().to_string(),
                    target: p.target_id.clone(),
                    values: p.values.iter().map(|v| v.text().to_string()).collect(),
                })
                .collect(),
            total_points: self.spec.points.len(),
            shard: shard.map(|s| (s.index, s.count)),
            points,
        }
    }

    /// Runs one point; a solver failure or a panic fails this point only.
    pub fn run_point(
        &self,
        index: usize,
        mechanism: Mechanism,
        options: &SolverOptions,
    ) -> PointResult {
        let point = &self.spec.points[index];
        let params = &self.spec.parameters;
        let mut result = self.failed_point(index, String::new());
        let (key, seed) = (&result.key, result.seed);
        let base = &self.base.scenario;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if failpoint(PANIC_FAILPOINT, key) {
                panic!("{PANIC_FAILPOINT} asked point `{key}` to panic");
            }
            if failpoint(ABORT_FAILPOINT, key) {
                eprintln!("{ABORT_FAILPOINT} asked point `{key}` to abort");
                std::process::abort();
            }
            let scenario = apply(base, params, point, seed)
                .map_err(|invalid| refused_point(&invalid, mechanism))?;
            crate::solve(&scenario, mechanism, options)
                .map(|solved| PointKpis::compute(&scenario, &solved))
                .map_err(|e| e.to_string())
        }));
        let status = match outcome {
            Ok(Ok(kpis)) => PointStatus::Solved {
                kpis: Box::new(kpis),
            },
            Ok(Err(error)) => PointStatus::Failed { error },
            Err(panic) => PointStatus::Failed {
                error: format!("the point panicked: {}", panic_message(&*panic)),
            },
        };
        result.status = status;
        result
    }

    /// The record of point `index` failed with `error` (its key, values and seed filled in).
    pub fn failed_point(&self, index: usize, error: String) -> PointResult {
        let point = &self.spec.points[index];
        let params = &self.spec.parameters;
        let key = point_key(params, point);
        let seed = match self.spec.seeds {
            Seeds::Derived => derived_seed(self.base.scenario.seed, &key),
            Seeds::Base => self.base.scenario.seed,
        };
        PointResult {
            index,
            key,
            values: point
                .iter()
                .zip(params)
                .map(|(&v, p)| p.values[v].text().to_string())
                .collect(),
            seed,
            status: PointStatus::Failed { error },
        }
    }
}

/// Why a point whose values break a rule of a valid scenario failed. Kept ties with reserved seats
/// or sibling groups are worded as the solver worded them before the scenario refused them, so a
/// sweep's results read as they always did.
fn refused_point(invalid: &Invalid, mechanism: Mechanism) -> String {
    let unsupported = |feature| {
        SolveError::Unsupported {
            mechanism: mechanism.name(),
            feature,
        }
        .to_string()
    };
    match invalid.problems.as_slice() {
        [Problem::SiblingGroupsNeedStrictPriorities { .. }] => {
            unsupported("joint applications of siblings when ties are kept")
        }
        [Problem::ReservedSeatsNeedStrictPriorities { .. }] => {
            unsupported("seats reserved for migrant children when ties are kept")
        }
        _ => invalid.to_string(),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}
