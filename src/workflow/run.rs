//! `run_and_write`: a scenario solved, checked and written with its manifest.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{go_on, RunSettings};
use crate::atomic_dir::{check_output_dir, write_dir_with, Provenance};
use crate::error::{Error, InputError, InputErrors, InputKind};
use crate::input::Loaded;
use crate::progress::{Reporter, Stage};
use crate::run_outputs::RunFiles;
use crate::scenario::Scenario;
use crate::{manifest, Solved};

/// What [`run_and_write`] did: the scenario it loaded, what it computed and where it wrote.
#[derive(Debug, Clone)]
pub struct Run {
    /// The scenario and the files it was read from.
    pub loaded: Loaded,
    /// The ranking, the assignment and the independent check's verdict.
    pub solved: Solved,
    /// The counts written to `summary.json`.
    pub summary: crate::metrics::Summary,
    /// The manifest written as `manifest.json`.
    pub manifest: manifest::Manifest,
    /// The output folder.
    pub out: PathBuf,
}

/// Loads the scenario at `scenario`, solves and checks it, and writes every output file with
/// its `manifest.json` as the complete contents of folder `out` (replaced atomically: on any
/// error it is left as it was). `out` must be absent, empty or an output folder seatplan wrote,
/// and must not hold an input of the scenario ([`crate::check_output_dir`]); this is checked
/// before solving.
///
/// A result that fails the independent check is still written (and returned): its
/// `summary.json` says so; [`super::require_passed`] turns that into
/// [`Error::CheckFailed`]. Stages are reported to `reporter`, which can cancel between them.
pub fn run_and_write(
    scenario: &Path,
    out: &Path,
    settings: &RunSettings,
    reporter: &dyn Reporter,
) -> Result<Run, Error> {
    go_on(reporter)?;
    let t = Instant::now();
    let loaded = crate::input::load(scenario)?;
    reporter.stage_finished(
        Stage::Load,
        t.elapsed(),
        &describe_scenario(&loaded.scenario),
    );
    // Refuse the output folder now, not after a long solve.
    let by = Provenance::new("run", loaded.files.all());
    check_output_dir(out, &by.inputs)?;
    go_on(reporter)?;
    let t = Instant::now();
    let sc = &loaded.scenario;
    let solved = crate::solve(sc, settings.mechanism, &settings.options)?;
    reporter.stage_finished(Stage::Solve, t.elapsed(), "");
    go_on(reporter)?;
    let t = Instant::now();
    let inputs = manifest::hash_inputs(&loaded.files).map_err(|e| {
        InputErrors::one(
            InputKind::Scenario,
            InputError::file(
                scenario,
                format!("cannot read an input of the scenario to hash it: {e}"),
            ),
        )
    })?;
    let mut record = manifest::Manifest::new(
        scenario,
        sc.seed,
        settings.mechanism,
        &settings.options,
        settings.statements,
        inputs,
        &[] as &[(&str, Vec<u8>)],
    );
    record.lang = settings.lang;
    // The files go into the staging folder as they are rendered, hashed on the way; the
    // manifest, written last, lists their hashes.
    let files = RunFiles::new(sc, &solved, settings.statements, settings.lang);
    let mut names = files.names();
    names.push(manifest::MANIFEST);
    let (record, summary) = write_dir_with(out, &names, &by, |sink| {
        let mut hashing = manifest::Hashing::new(sink);
        let summary = files.write(&mut hashing)?;
        record.outputs = hashing.hashes;
        sink.bytes(manifest::MANIFEST, &record.to_bytes())?;
        Ok((record, summary))
    })?;
    reporter.stage_finished(Stage::Write, t.elapsed(), "");
    Ok(Run {
        loaded,
        solved,
        summary,
        manifest: record,
        out: out.to_path_buf(),
    })
}

/// "2 districts, 1 public school, 0 private schools, 3 children", plurals right.
pub fn describe_scenario(sc: &Scenario) -> String {
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    [
        n(sc.districts.len(), "district", "districts"),
        n(sc.schools.len(), "public school", "public schools"),
        n(
            sc.private_schools.len(),
            "private school",
            "private schools",
        ),
        n(sc.children.len(), "child", "children"),
    ]
    .join(", ")
}
