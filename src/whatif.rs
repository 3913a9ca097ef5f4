//! What-if studies on a scenario already in memory: a sweep file checked against a loaded base
//! (nothing re-read but the sweep file itself), the scenario of one of its points, and that point
//! solved and set against the base run — key figures and every child whose outcome changed, in the
//! words and the `changes.csv` format of an appeal.
//!
//! A what-if is a one-point sweep, so the same file run by `seatplan sweep` gives the same
//! figures: [`load_sweep_on`] checks and fingerprints exactly as [`crate::load_sweep`] does, and
//! [`point_scenario`] applies a point exactly as [`Sweep::run`] does. A what-if can also be saved
//! as a scenario folder that `seatplan run` solves to the same bytes ([`scenario_folder`]).

mod folder;

pub use folder::{scenario_folder, FolderError};

use std::path::Path;

use crate::appeal::{changes, Change};
use crate::domain::ChildIdx;
use crate::error::{Error, InputError, InputErrors, InputKind};
use crate::input::Loaded;
use crate::manifest::sha256;
use crate::metrics::PointKpis;
use crate::progress::Reporter;
use crate::scenario::{Invalid, Scenario};
use crate::sweep::apply::{applied, apply, Applied};
use crate::sweep::reuse::point_ranking;
use crate::sweep::run::{point_seed, Sweep};
use crate::sweep::spec::SweepSpec;
use crate::{Mechanism, Solved, SolverOptions};

/// SHA-256 of every input file of a loaded scenario, as a sweep's fingerprint reads them; kept
/// with the scenario so that [`load_sweep_on`] reads no input again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputHashes(Vec<String>);

/// The [`InputHashes`] of a loaded scenario (reads each of its input files once).
pub fn input_hashes(loaded: &Loaded) -> Result<InputHashes, InputErrors> {
    let hashes = crate::manifest::hash_inputs(&loaded.files).map_err(|e| {
        InputErrors::one(
            InputKind::Scenario,
            InputError::file(
                &loaded.files.scenario,
                format!("cannot read an input of the base scenario: {e}"),
            ),
        )
    })?;
    Ok(InputHashes(hashes.into_iter().map(|h| h.sha256).collect()))
}

/// A what-if file (a sweep file) checked against an already loaded base: its points and its
/// fingerprint, without a copy of the base. [`what_if`] solves a point of it;
/// [`WhatIfFile::into_sweep`] makes the [`Sweep`] whose results `seatplan sweep` writes.
#[derive(Debug, Clone)]
pub struct WhatIfFile {
    /// The checked sweep file: its parameters, their values and the points.
    pub spec: SweepSpec,
    /// SHA-256 of the file and of every base input's bytes, as [`Sweep::inputs_fingerprint`].
    pub inputs_fingerprint: String,
}

impl WhatIfFile {
    /// The sweep of this file over `base` (the scenario it was checked against), as
    /// [`crate::load_sweep`] would load it.
    pub fn into_sweep(self, base: &Loaded) -> Sweep {
        Sweep {
            spec: self.spec,
            base: base.clone(),
            inputs_fingerprint: self.inputs_fingerprint,
            work: Default::default(),
        }
    }
}

/// Checks the sweep file at `path` against `base`, an already loaded scenario (with `hashes`, its
/// [`input_hashes`]), reading nothing but the file: the spec and fingerprint
/// [`crate::load_sweep`] would give. The file must name `base`'s scenario file.
pub fn load_whatif_on(
    path: &Path,
    base: &Loaded,
    hashes: &InputHashes,
) -> Result<WhatIfFile, InputErrors> {
    let (text, scenario_file) = crate::sweep::spec::read(path)?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if !same(&scenario_file, &base.files.scenario) {
        return Err(InputErrors::one(
            InputKind::Sweep,
            InputError::at(
                path,
                1,
                "scenario",
                format!(
                    "names {}, not the loaded scenario {}",
                    scenario_file.display(),
                    base.files.scenario.display()
                ),
            ),
        ));
    }
    let mut material = sha256(text.bytes());
    for h in &hashes.0 {
        material.push(' ');
        material.push_str(h);
    }
    let spec = text.resolve(&base.scenario, scenario_file)?;
    Ok(WhatIfFile {
        spec,
        inputs_fingerprint: sha256(material.as_bytes()),
    })
}

/// Loads the sweep file at `path` over `base`, an already loaded scenario (with `hashes`, its
/// [`input_hashes`]): the same [`Sweep`] as [`crate::load_sweep`] would give, without reading the
/// base again. The sweep file must name `base`'s scenario file.
pub fn load_sweep_on(
    path: &Path,
    base: &Loaded,
    hashes: &InputHashes,
) -> Result<Sweep, InputErrors> {
    Ok(load_whatif_on(path, base, hashes)?.into_sweep(base))
}

/// The scenario of point `index` of `sweep`: the base with the point's values applied and its
/// seed, exactly as [`Sweep::run`] solves it.
pub fn point_scenario(sweep: &Sweep, index: usize) -> Result<Scenario, Invalid> {
    let seed = sweep.failed_point(index, String::new()).seed;
    apply(
        &sweep.base.scenario,
        &sweep.spec.parameters,
        &sweep.spec.points[index],
        seed,
    )
}

/// A base run a what-if is set against: the base scenario solved, with its key figures (computed
/// once, however many what-ifs are tried on it).
#[derive(Debug, Clone)]
pub struct WhatIfBase {
    /// The base scenario solved and checked.
    pub solved: Solved,
    /// Its key figures.
    pub kpis: PointKpis,
}

impl WhatIfBase {
    /// `solved`, the solve of `scenario`, with its key figures.
    pub fn new(scenario: &Scenario, solved: Solved) -> WhatIfBase {
        WhatIfBase {
            kpis: PointKpis::compute(scenario, &solved),
            solved,
        }
    }
}

/// A what-if solved and set against its base.
#[derive(Debug, Clone)]
pub struct WhatIf {
    /// The changed scenario.
    pub scenario: Scenario,
    /// It solved and checked.
    pub solved: Solved,
    /// Its key figures.
    pub kpis: PointKpis,
    /// The base's key figures.
    pub base_kpis: PointKpis,
    /// Every child whose outcome differs from the base run, by child id.
    pub changes: Vec<Change>,
    /// The indices of those children, in the same order as [`WhatIf::changes`].
    pub changed: Vec<ChildIdx>,
}

/// Solves point `index` of `file` and compares it with `base`, the base scenario `base_sc`
/// solved with the same mechanism. The point keeps as much of the base's ranking as its edits leave valid
/// (all of it for seats, the budget and subsidies; points and tiers for another seed), exactly
/// as [`Sweep::run`] does, so only the assignment and the independent check are done again.
/// Fails with [`Error::Input`] if the point's values break a rule, and with [`Error::Solve`]
/// if the solver fails; a point that adds or removes children cannot be compared child by
/// child and is refused as invalid.
pub fn what_if(
    file: &WhatIfFile,
    index: usize,
    base_sc: &Scenario,
    base: &WhatIfBase,
    mechanism: Mechanism,
    options: &SolverOptions,
    reporter: &dyn Reporter,
) -> Result<WhatIf, Error> {
    if reporter.should_cancel() {
        return Err(crate::error::Cancelled.into());
    }
    let spec = &file.spec;
    let (_, seed) = point_seed(spec, index, base_sc.seed());
    let Applied { scenario, edits } = applied(base_sc, &spec.parameters, &spec.points[index], seed)
        .map_err(|invalid| {
            InputErrors::one(
                InputKind::Sweep,
                InputError::file(&spec.file, invalid.to_string()),
            )
        })?;
    if scenario.children().len() != base_sc.children().len() {
        return Err(InputErrors::one(
            InputKind::Sweep,
            InputError::file(
                &spec.file,
                "a what-if that adds or removes children cannot be compared child by child",
            ),
        )
        .into());
    }
    let ranking = point_ranking(base_sc, || &base.solved.ranking, &scenario, &edits);
    let solved = crate::solve_ranked(&scenario, ranking, mechanism, options)?;
    let (before, after) = (
        &base.solved.assignment.outcomes,
        &solved.assignment.outcomes,
    );
    let changed: Vec<ChildIdx> = scenario
        .child_indices()
        .filter(|c| before[c.ix()] != after[c.ix()])
        .collect();
    let moved = changes(&scenario, before, after);
    debug_assert_eq!(moved.len(), changed.len());
    Ok(WhatIf {
        kpis: PointKpis::compute(&scenario, &solved),
        base_kpis: base.kpis.clone(),
        scenario,
        solved,
        changes: moved,
        changed,
    })
}

/// `changes.csv` as `seatplan appeal` writes it: `child,before,after`, one row per child placed
/// differently (only the header if none).
pub fn changes_csv(changes: &[Change]) -> Vec<u8> {
    crate::workflow::changes_csv(changes)
}
