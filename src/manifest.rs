//! Reproducibility: every run records what it read, how it solved and what it wrote, and
//! `verify` re-runs that record and confirms the outputs are byte-identical.
//!
//! `manifest.json` holds the tool version, each input file with its SHA-256, the seed, the
//! mechanism and solver settings, and each output file with its SHA-256. It carries no time
//! stamps and no absolute paths beyond those given on the command line, so the same command
//! gives the same manifest. Outputs are hashed as they are written ([`Hashing`]), never held
//! whole for it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assign::{Backend, Mechanism, SolverOptions};
use crate::error::{InputError, InputErrors, InputKind, ManifestError};
use crate::input::{read_input_text, stream_input, FileKind, ScenarioFiles};
use crate::lang::Lang;
use crate::output::FileSink;

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
    /// The language of the files written for people (`results.xlsx`, `report.html`), so that
    /// `verify` renders them alike on any machine; written only when not English.
    #[serde(default, skip_serializing_if = "Lang::is_en")]
    pub lang: Lang,
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
    /// Whether siblings applying jointly moved on their own in the round (`--siblings-apart`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub siblings_apart: bool,
}

/// File name of the manifest inside a run's output folder.
pub const MANIFEST: &str = "manifest.json";

/// SHA-256 of bytes, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A digest in lowercase hexadecimal.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes every input file of a scenario, each read as a stream.
pub fn hash_inputs(files: &ScenarioFiles) -> std::io::Result<Vec<FileHash>> {
    let mut out = Vec::new();
    for p in files.all() {
        out.push(FileHash {
            file: p.display().to_string(),
            sha256: hash_file(p)?,
        });
    }
    Ok(out)
}

/// The SHA-256 of a file read as a stream ([`stream_input`]), in hexadecimal.
fn hash_file(path: &Path) -> Result<String, crate::error::ReadError> {
    let mut hasher = Sha256::new();
    stream_input(path, FileKind::Table, |piece| hasher.update(piece))?;
    Ok(hex(&hasher.finalize()))
}

/// A [`FileSink`] that hashes every file on its way to another sink and records the hashes
/// in the order written, for a run's manifest or `verify`'s comparison.
pub struct Hashing<'s> {
    inner: &'s mut dyn FileSink,
    /// Each file written, with its SHA-256.
    pub hashes: Vec<FileHash>,
}

impl<'s> Hashing<'s> {
    /// Hashes the files written on their way to `inner`.
    pub fn new(inner: &'s mut dyn FileSink) -> Self {
        Hashing {
            inner,
            hashes: Vec::new(),
        }
    }
}

impl FileSink for Hashing<'_> {
    fn file(
        &mut self,
        name: &'static str,
        body: &mut dyn FnMut(&mut (dyn Write + Send)) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut hasher = Sha256::new();
        self.inner.file(name, &mut |w| {
            body(&mut Tee {
                out: w,
                hasher: &mut hasher,
            })
        })?;
        self.hashes.push(FileHash {
            file: name.to_string(),
            sha256: hex(&hasher.finalize()),
        });
        Ok(())
    }
}

/// A writer that hashes what it passes on.
struct Tee<'w> {
    out: &'w mut (dyn Write + Send),
    hasher: &'w mut Sha256,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)?;
        self.hasher.update(buf);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
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
            lang: Lang::En,
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
        let text = match read_input_text(&file) {
            Ok(text) => text,
            Err(e) => {
                let source = e.into();
                return Err(ManifestError::Read { file, source });
            }
        };
        match serde_json::from_str(&text) {
            Ok(m) => Ok((m, file)),
            Err(source) => Err(ManifestError::Parse { file, source }),
        }
    }
}

/// Re-runs a recorded run and lists every way it does not reproduce: inputs changed or missing,
/// output files altered, missing or added in `folder` (the run's output folder), and outputs
/// that re-running gives differently. An empty list means verified.
///
/// Before anything is re-run it checks that the record describes exactly this folder's run:
/// its first input is its scenario, its inputs are exactly the files the scenario names (as it
/// loads now), its outputs exactly the files a run writes, each a plain name inside the folder
/// (no absolute path, no `..`). A record that does not is refused with
/// [`ManifestError::NotThisRun`] (exit code 2), reading nothing it names beyond the scenario.
/// The folder must then hold exactly those outputs, the manifest and the marker
/// [`crate::OUTPUT_MARKER`], unaltered; otherwise the differences are returned without a re-run.
pub fn verify(record: &Manifest, folder: &Path) -> Result<Vec<String>, crate::error::Error> {
    if record.round.is_some() {
        // A later round re-runs from its earlier round, not from the scenario alone.
        return Ok(vec![
            "a later round's manifest: verify it with `verify_round` (as `seatplan verify` does)"
                .into(),
        ]);
    }
    let file = folder.join(MANIFEST);
    let not_this_run = |problems: Vec<String>| ManifestError::NotThisRun {
        file: file.clone(),
        problems,
    };
    let wrong = record_problems(record);
    if !wrong.is_empty() {
        return Err(not_this_run(wrong).into());
    }
    // The scenario first: while it is unchanged it names the files the run read.
    if let Some(problem) = input_problem(&record.inputs[0]) {
        return Ok(vec![problem]);
    }
    let loaded = match crate::input::load(Path::new(&record.scenario)) {
        Ok(loaded) => loaded,
        Err(e) => {
            // A table changed so that the scenario no longer loads: say which.
            let changed: Vec<String> = record.inputs.iter().filter_map(input_problem).collect();
            if changed.is_empty() {
                return Err(e.into());
            }
            return Ok(changed);
        }
    };
    let wrong = input_set_problems(record, &loaded.files);
    if !wrong.is_empty() {
        return Err(not_this_run(wrong).into());
    }
    let problems: Vec<String> = record.inputs.iter().filter_map(input_problem).collect();
    if !problems.is_empty() {
        return Ok(problems);
    }
    let problems = folder_problems(record, folder);
    if !problems.is_empty() {
        return Ok(problems);
    }
    let (mechanism, options) = record.settings().map_err(|e| {
        InputErrors::one(
            InputKind::Manifest,
            InputError::file(folder.join(MANIFEST), e.to_string()),
        )
    })?;
    let solved = crate::solve(&loaded.scenario, mechanism, &options)?;
    let files = crate::run_outputs::RunFiles::new(
        &loaded.scenario,
        &solved,
        record.statements,
        record.lang,
    );
    let mut discard = crate::output::Discard;
    let mut hashing = Hashing::new(&mut discard);
    files
        .write(&mut hashing)
        .expect("writing to nothing cannot fail");
    let mut problems = Vec::new();
    for again in &hashing.hashes {
        if !record.outputs.iter().any(|o| o.file == again.file) {
            problems.push(format!(
                "re-running writes {}, which the manifest does not list",
                again.file
            ));
        }
    }
    for out in &record.outputs {
        let again = hashing.hashes.iter().find(|h| h.file == out.file);
        if again.map(|h| h.sha256.as_str()) != Some(out.sha256.as_str()) {
            problems.push(format!("re-running gives a different {}", out.file));
        }
    }
    Ok(problems)
}

/// What is wrong with the record on its face: its tool, its first input, duplicate entries,
/// output paths that are not plain names inside the folder, outputs a run does not write.
fn record_problems(record: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    if record.tool != "seatplan" {
        problems.push(format!("it was written by `{}`, not seatplan", record.tool));
    }
    match record.inputs.first() {
        None => problems.push("it lists no input".into()),
        Some(first) if first.file != record.scenario => problems.push(format!(
            "its first input {} is not its scenario {}",
            first.file, record.scenario
        )),
        Some(_) => {}
    }
    for (what, list) in [("input", &record.inputs), ("output", &record.outputs)] {
        let mut seen = std::collections::HashSet::new();
        for f in list {
            if !seen.insert(f.file.as_str()) {
                problems.push(format!("it lists the {what} {} twice", f.file));
            }
        }
    }
    let written = crate::run_outputs::names(record.statements);
    for out in &record.outputs {
        if !crate::atomic_dir::safe_relative(&out.file) {
            problems.push(format!(
                "the output {} is not a file inside the run's folder (an absolute path, `.` or `..`)",
                out.file
            ));
        } else if !written.contains(&out.file.as_str())
            && !crate::run_outputs::OPTIONAL.contains(&out.file.as_str())
        {
            problems.push(format!(
                "it lists {} as an output, which a run does not write",
                out.file
            ));
        }
    }
    for name in written {
        if !record.outputs.iter().any(|o| o.file == name) {
            problems.push(format!(
                "it does not list {name}, which a run {} writes",
                if record.statements {
                    "with statements"
                } else {
                    "without statements"
                }
            ));
        }
    }
    problems
}

/// The recorded inputs against the files the scenario names now: the same set, no other.
fn input_set_problems(record: &Manifest, files: &ScenarioFiles) -> Vec<String> {
    let actual: Vec<String> = files
        .all()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut problems = Vec::new();
    for input in &record.inputs {
        if !actual.contains(&input.file) {
            problems.push(format!(
                "it lists {} as an input, which is not a file of the scenario",
                input.file
            ));
        }
    }
    for file in &actual {
        if !record.inputs.iter().any(|i| &i.file == file) {
            problems.push(format!(
                "it does not list {file}, a file of the scenario, as an input"
            ));
        }
    }
    problems
}

/// Why a recorded input does not match its file now, if it does not.
fn input_problem(input: &FileHash) -> Option<String> {
    match hash_file(Path::new(&input.file)) {
        Ok(hash) if hash == input.sha256 => None,
        Ok(_) => Some(format!("input changed since the run: {}", input.file)),
        Err(e) => Some(format!("input missing: {} ({e})", input.file)),
    }
}

/// How many files the folder holds beyond the run's are named one by one.
const EXTRA_SHOWN: usize = 5;

/// The folder against the record: each output present and unaltered, nothing else but the
/// manifest and the marker.
fn folder_problems(record: &Manifest, folder: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for out in &record.outputs {
        match hash_file(&folder.join(&out.file)) {
            Ok(hash) if hash == out.sha256 => {}
            Ok(_) => problems.push(format!("{} was altered after the run", out.file)),
            Err(e) => problems.push(format!("{} is missing ({e})", out.file)),
        }
    }
    let mut extra = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(folder).unwrap_or(&path);
            let name = rel.to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if name != MANIFEST
                && name != crate::atomic_dir::MARKER
                && !record.outputs.iter().any(|o| o.file == name)
            {
                extra.push(name);
            }
        }
    }
    extra.sort();
    for name in extra.iter().take(EXTRA_SHOWN) {
        problems.push(format!(
            "{name} is in the folder but is no output of the run"
        ));
    }
    if extra.len() > EXTRA_SHOWN {
        problems.push(format!(
            "…and {} more files in the folder that are no output of the run",
            extra.len() - EXTRA_SHOWN
        ));
    }
    problems
}
