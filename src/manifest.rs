//! Reproducibility: every run records what it read, how it solved and what it wrote, and
//! `verify` re-runs that record and confirms the outputs are byte-identical.
//!
//! `manifest.json` holds the tool version, each input file with its SHA-256, the seed, the
//! mechanism and solver settings, and each output file with its SHA-256. It carries no time
//! stamps and no absolute paths beyond those given on the command line, so the same command
//! gives the same manifest.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assign::{Backend, Mechanism, SolverOptions};
use crate::error::{InputError, InputErrors, InputKind, ManifestError};
use crate::input::ScenarioFiles;

/// A file and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    pub file: String,
    pub sha256: String,
}

/// How a run solved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverRecord {
    pub mechanism: String,
    pub backend: String,
    pub time_limit_s: Option<f64>,
    pub mip_gap: f64,
    pub solver_threads: u32,
    /// HiGHS presolve on (written only when on).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub presolve: bool,
    /// Pruning switched off (written only then).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_prune: bool,
    /// The textbook stability constraints (written only when used).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub textbook: bool,
}

/// The record of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The program that wrote the manifest (`seatplan`).
    pub tool: String,
    /// Its version (the crate version).
    pub version: String,
    /// The scenario file as given on the command line.
    pub scenario: String,
    /// The scenario's seed (lottery and pseudonyms).
    pub seed: u64,
    /// The mechanism and solver settings the run used.
    pub solver: SolverRecord,
    /// Whether `statements.csv` was written.
    pub statements: bool,
    /// Every input file read, with its hash, scenario first.
    pub inputs: Vec<FileHash>,
    /// Every output file written, with its hash.
    pub outputs: Vec<FileHash>,
    /// For a later round (`seatplan round`): the earlier round it continues, by folder and
    /// manifest hash, and its own inputs; absent for a first run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<RoundRecord>,
}

/// What a later round continues and read besides: the chain of rounds back to the first run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRecord {
    /// The round's number: 1 for the first round after the initial run.
    pub number: u32,
    /// The earlier round's output folder, as given on the command line.
    pub previous: String,
    /// SHA-256 of the earlier round's `manifest.json`.
    pub previous_manifest_sha256: String,
    /// The declines file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declines: Option<String>,
    /// The late applicants' children file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_children: Option<String>,
    /// The late applicants' choices file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_choices: Option<String>,
    /// The seat changes file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<String>,
    /// Whether the round chose the fewest moves (`--fewest-moves`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fewest_moves: bool,
}

/// File name of the manifest inside a run's output folder.
pub const MANIFEST: &str = "manifest.json";

/// SHA-256 of bytes, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes every input file of a scenario.
pub fn hash_inputs(files: &ScenarioFiles) -> std::io::Result<Vec<FileHash>> {
    let mut out = Vec::new();
    for p in files.all() {
        out.push(FileHash {
            file: p.display().to_string(),
            sha256: sha256(&std::fs::read(p)?),
        });
    }
    Ok(out)
}

impl Manifest {
    /// The manifest of a run that wrote `outputs`.
    pub fn new(
        scenario: &Path,
        seed: u64,
        mechanism: Mechanism,
        options: &SolverOptions,
        statements: bool,
        inputs: Vec<FileHash>,
        outputs: &[(impl AsRef<str>, Vec<u8>)],
    ) -> Manifest {
        Manifest {
            tool: "seatplan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            scenario: scenario.display().to_string(),
            seed,
            solver: SolverRecord {
                mechanism: mechanism.name().into(),
                backend: options.backend.name().into(),
                time_limit_s: options.time_limit_s,
                mip_gap: options.mip_gap,
                solver_threads: options.threads,
                presolve: options.presolve,
                no_prune: !options.prune,
                textbook: options.formulation == crate::assign::Formulation::Textbook,
            },
            statements,
            inputs,
            outputs: outputs
                .iter()
                .map(|(name, bytes)| FileHash {
                    file: name.as_ref().to_string(),
                    sha256: sha256(bytes),
                })
                .collect(),
            round: None,
        }
    }

    /// The manifest as pretty-printed JSON ending in a newline, as written to disk.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("serialising");
        v.push(b'\n');
        v
    }

    /// The mechanism and solver options recorded, or why they cannot be used here.
    pub fn settings(&self) -> Result<(Mechanism, SolverOptions), ManifestError> {
        let mechanism = [
            Mechanism::Optimal,
            Mechanism::Ip,
            Mechanism::DeferredAcceptance,
            Mechanism::SerialDictatorship,
        ]
        .into_iter()
        .find(|m| m.name() == self.solver.mechanism)
        .ok_or_else(|| ManifestError::UnknownMechanism {
            name: self.solver.mechanism.clone(),
        })?;
        let backend = [Backend::Microlp, Backend::Highs]
            .into_iter()
            .find(|b| b.name() == self.solver.backend)
            .ok_or_else(|| ManifestError::UnknownBackend {
                name: self.solver.backend.clone(),
            })?;
        if !backend.available() {
            return Err(ManifestError::BackendMissing {
                backend: backend.name(),
            });
        }
        Ok((
            mechanism,
            SolverOptions {
                backend,
                time_limit_s: self.solver.time_limit_s,
                mip_gap: self.solver.mip_gap,
                threads: self.solver.solver_threads,
                formulation: if self.solver.textbook {
                    crate::assign::Formulation::Textbook
                } else {
                    crate::assign::Formulation::Compact
                },
                presolve: self.solver.presolve,
                prune: !self.solver.no_prune,
            },
        ))
    }

    /// Reads a manifest from an output folder (or the file itself).
    pub fn read(path: &Path) -> Result<(Manifest, PathBuf), ManifestError> {
        let file = if path.is_dir() {
            path.join(MANIFEST)
        } else {
            path.to_path_buf()
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(source) => return Err(ManifestError::Read { file, source }),
        };
        match serde_json::from_str(&text) {
            Ok(m) => Ok((m, file)),
            Err(source) => Err(ManifestError::Parse { file, source }),
        }
    }
}

/// Re-runs a recorded run and lists every way it does not reproduce: inputs changed or missing,
/// outputs that re-running gives differently, and output files altered or missing in `folder`
/// (the run's output folder). An empty list means verified.
pub fn verify(record: &Manifest, folder: &Path) -> Result<Vec<String>, crate::error::Error> {
    let mut problems = Vec::new();
    if record.round.is_some() {
        // A later round re-runs from its earlier round, not from the scenario alone.
        problems.push(
            "a later round's manifest: verify it with `verify_round` (as `seatplan verify` does)"
                .into(),
        );
        return Ok(problems);
    }
    for input in &record.inputs {
        match std::fs::read(&input.file) {
            Ok(bytes) if sha256(&bytes) == input.sha256 => {}
            Ok(_) => problems.push(format!("input changed since the run: {}", input.file)),
            Err(e) => problems.push(format!("input missing: {} ({e})", input.file)),
        }
    }
    if !problems.is_empty() {
        return Ok(problems);
    }
    let (mechanism, options) = record.settings().map_err(|e| {
        InputErrors::one(
            InputKind::Manifest,
            InputError::file(folder.join(MANIFEST), e.to_string()),
        )
    })?;
    let loaded = crate::input::load(Path::new(&record.scenario))?;
    let solved = crate::solve(&loaded.scenario, mechanism, &options)?;
    let files = crate::run_outputs::render_run(&loaded.scenario, &solved, record.statements);
    for out in &record.outputs {
        let again = files
            .iter()
            .find(|(n, _)| *n == out.file)
            .map(|(_, b)| sha256(b));
        if again.as_deref() != Some(out.sha256.as_str()) {
            problems.push(format!("re-running gives a different {}", out.file));
        }
        match std::fs::read(folder.join(&out.file)) {
            Ok(bytes) if sha256(&bytes) == out.sha256 => {}
            Ok(_) => problems.push(format!("{} was altered after the run", out.file)),
            Err(e) => problems.push(format!("{} is missing ({e})", out.file)),
        }
    }
    Ok(problems)
}
