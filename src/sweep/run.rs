//! Running a sweep's points in parallel, each isolated from the others.
//!
//! Points run on the current rayon pool and are collected in point order, so the results do not
//! depend on the number of threads. A point whose solve fails, or that panics, is recorded as
//! failed with the message; the other points go on. Progress goes to a [`Reporter`], which can
//! also stop the sweep between points ([`Reporter::should_cancel`]).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::str::FromStr;

use rayon::prelude::*;

use super::apply::{applied, derived_seed, point_key, Applied};
use super::reuse::BaseWork;
use super::spec::{self, Seeds, SweepSpec};
use crate::assign::{Mechanism, SolverOptions};
use crate::error::{Cancelled, InputError, InputErrors, InputKind, SolveError};
use crate::input::{self, Loaded};
use crate::manifest::sha256;
use crate::metrics::{ParameterInfo, PointKpis, PointResult, PointStatus, SweepResults};
use crate::progress::{NoReporter, Reporter};
use crate::scenario::{Invalid, Problem};

/// A sweep ready to run: its checked spec and its loaded base scenario.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The checked sweep: its parameters, their values and the points to run.
    pub spec: SweepSpec,
    /// The base scenario every point edits, as loaded.
    pub base: Loaded,
    /// SHA-256 of the sweep file and of every base input's bytes (not their paths).
    pub inputs_fingerprint: String,
    /// The base's work the points share (its ranking), computed when first needed.
    pub(crate) work: BaseWork,
}

/// Loads a sweep file and its base scenario and checks one against the other.
pub fn load(path: &Path) -> Result<Sweep, InputErrors> {
    let (text, scenario_file) = spec::read(path)?;
    let base = input::load(&scenario_file)?;
    let hashes = crate::manifest::hash_inputs(&base.files).map_err(|e| {
        InputErrors::one(
            InputKind::Scenario,
            InputError::file(
                &scenario_file,
                format!("cannot read an input of the base scenario: {e}"),
            ),
        )
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
        work: BaseWork::default(),
    })
}

/// One of `count` equal parts of a sweep (`index` is 1-based): points `index−1`, `index−1+count`, …
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part this is, 1-based (1 to `count`).
    pub index: usize,
    /// How many parts the sweep is split into (at least 1).
    pub count: usize,
}

impl Shard {
    /// Whether point `point` (0-based, in the sweep's order) belongs to this part.
    pub fn contains(self, point: usize) -> bool {
        point % self.count == self.index - 1
    }
}

/// A shard that is not written `i/N` with `1 ≤ i ≤ N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a shard is written i/N with 1 ≤ i ≤ N (e.g. 3/8), got {given:?}")]
pub struct ShardError {
    /// The text given.
    pub given: String,
}

impl FromStr for Shard {
    type Err = ShardError;

    /// Parses `i/N` with `1 ≤ i ≤ N`.
    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError {
            given: s.to_string(),
        };
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

    /// Runs the points of `shard` (every point without one) on the current rayon pool,
    /// reporting each point to `reporter` as it starts and finishes; stops between points
    /// with [`Cancelled`] once [`Reporter::should_cancel`] says so.
    pub fn run(
        &self,
        mechanism: Mechanism,
        options: &SolverOptions,
        shard: Option<Shard>,
        reporter: &dyn Reporter,
    ) -> Result<SweepResults, Cancelled> {
        self.run_with(mechanism, options, shard, reporter, &|i| {
            self.run_point_with(i, mechanism, options, reporter)
        })
    }

    /// Like [`Sweep::run`], with each point run by `runner` (for example in a child process,
    /// so that even an abort fails only its point). `runner` is responsible for
    /// [`Reporter::point_started`]; this calls [`Reporter::point_finished`] after it.
    pub fn run_with(
        &self,
        mechanism: Mechanism,
        options: &SolverOptions,
        shard: Option<Shard>,
        reporter: &dyn Reporter,
        runner: &(dyn Fn(usize) -> PointResult + Sync),
    ) -> Result<SweepResults, Cancelled> {
        let indices = self.point_indices(shard);
        reporter.points_started(indices.len());
        let points: Option<Vec<PointResult>> = indices
            .into_par_iter()
            .map(|i| {
                if reporter.should_cancel() {
                    return None;
                }
                let r = runner(i);
                reporter.point_finished(i, &r.key, r.kpis().is_some());
                Some(r)
            })
            .collect();
        let points = points.ok_or(Cancelled)?;
        Ok(SweepResults {
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
        })
    }

    /// Runs one point; a solver failure or a panic fails this point only.
    pub fn run_point(
        &self,
        index: usize,
        mechanism: Mechanism,
        options: &SolverOptions,
    ) -> PointResult {
        self.run_point_with(index, mechanism, options, &NoReporter)
    }

    /// Like [`Sweep::run_point`], calling [`Reporter::point_started`] first, inside the
    /// point's isolation (a panic there fails this point only).
    pub fn run_point_with(
        &self,
        index: usize,
        mechanism: Mechanism,
        options: &SolverOptions,
        reporter: &dyn Reporter,
    ) -> PointResult {
        let point = &self.spec.points[index];
        let params = &self.spec.parameters;
        let mut result = self.failed_point(index, String::new());
        let (key, seed) = (&result.key, result.seed);
        let base = &self.base.scenario;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            reporter.point_started(index, key);
            let Applied { scenario, edits } = applied(base, params, point, seed)
                .map_err(|invalid| refused_point(&invalid, mechanism))?;
            let ranking = self.work.ranking(base, &scenario, &edits);
            crate::solve_ranked(&scenario, ranking, mechanism, options)
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
        let (key, seed) = point_seed(&self.spec, index, self.base.scenario.seed);
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

/// The key of point `index` of `spec` and the seed it runs with, over a base seeded `base_seed`.
pub(crate) fn point_seed(spec: &SweepSpec, index: usize, base_seed: u64) -> (String, u64) {
    let key = point_key(&spec.parameters, &spec.points[index]);
    let seed = match spec.seeds {
        Seeds::Derived => derived_seed(base_seed, &key),
        Seeds::Base => base_seed,
    };
    (key, seed)
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
