//! The chain of rounds: reading an earlier round back, writing a round with its manifest, and
//! verifying a round by re-running the whole chain.
//!
//! A round's `manifest.json` is a run's manifest with a [`RoundRecord`]: the earlier round's
//! folder and the SHA-256 of its `manifest.json`, and the round's own input files (hashed in
//! `inputs`). [`verify_round`] checks the earlier round first — a first run by
//! [`crate::manifest::verify`], an earlier round by itself, recursively — then that the earlier
//! manifest is the one recorded, that the round's inputs are unchanged, and that re-running the
//! round gives byte-identical outputs, which are also those in the folder.

use std::path::{Path, PathBuf};

use super::{compute, folder_of, read_manifest, Round, RoundFiles, RoundSettings};
use crate::assign::Outcome;
use crate::error::{Error, InputError, InputErrors, InputKind};
use crate::explain::Explanation;
use crate::manifest::{sha256, FileHash, Manifest, RoundRecord, MANIFEST};
use crate::metrics::SchoolTallies;
use crate::progress::{Reporter, Stage};
use crate::scenario::Scenario;

/// An earlier round read back from its output folder.
#[derive(Debug, Clone)]
pub struct Earlier {
    /// Its output folder.
    pub folder: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// SHA-256 of its `manifest.json`.
    pub manifest_sha256: String,
    /// Its scenario (for a round, rebuilt through the chain).
    pub scenario: Scenario,
    /// Its published placements, one per child of `scenario`.
    pub outcomes: Vec<Outcome>,
    /// Its round number: 0 for a first run.
    pub number: u32,
}

/// The files a round's record names.
pub(super) fn files_of(record: &RoundRecord) -> RoundFiles {
    let path = |p: &Option<String>| p.as_ref().map(PathBuf::from);
    RoundFiles {
        previous: PathBuf::from(&record.previous),
        declines: path(&record.declines),
        late_children: path(&record.late_children),
        late_choices: path(&record.late_choices),
        seats: path(&record.seats),
    }
}

/// Reads an earlier round (a first run or a round) from its output folder: its manifest, its
/// scenario (a round's rebuilt from its own earlier round and inputs) and its `placements.csv`.
pub fn earlier(folder: &Path) -> Result<Earlier, Error> {
    let (manifest, file, manifest_sha256) = read_manifest(folder)?;
    let (scenario, number) = match &manifest.round {
        None => (
            crate::input::load(Path::new(&manifest.scenario))?.scenario,
            0,
        ),
        Some(record) => {
            let before = earlier(Path::new(&record.previous))?;
            let settings = RoundSettings::recorded(record);
            let round = compute(&before, &files_of(record), settings)?;
            (round.scenario, record.number)
        }
    };
    let outcomes = crate::placements_file::read_placements(
        &folder_of(&file).join(crate::output::PLACEMENTS),
        &scenario,
    )?
    .outcomes;
    Ok(Earlier {
        folder: folder.to_path_buf(),
        manifest,
        manifest_sha256,
        scenario,
        outcomes,
        number,
    })
}

/// Re-runs a recorded run or round and lists every way it does not reproduce (empty: verified).
/// A first run is verified by [`crate::manifest::verify`]; a round as the module says.
pub fn verify_round(record: &Manifest, folder: &Path) -> Result<Vec<String>, Error> {
    let Some(round) = &record.round else {
        return crate::manifest::verify(record, folder);
    };
    let mut problems = Vec::new();
    let previous = Path::new(&round.previous);
    let (before, before_file, before_sha) = match read_manifest(previous) {
        Ok(m) => m,
        Err(e) => {
            problems.push(format!(
                "the earlier round {} cannot be read: {e}",
                round.previous
            ));
            return Ok(problems);
        }
    };
    if before_sha != round.previous_manifest_sha256 {
        problems.push(format!(
            "the earlier round's manifest changed since this round: {}",
            before_file.display()
        ));
    }
    for p in verify_round(&before, folder_of(&before_file))? {
        problems.push(format!("earlier round {}: {p}", round.previous));
    }
    for input in &record.inputs {
        match std::fs::read(&input.file) {
            Ok(bytes) if sha256(&bytes) == input.sha256 => {}
            Ok(_) => problems.push(format!("input changed since the round: {}", input.file)),
            Err(e) => problems.push(format!("input missing: {} ({e})", input.file)),
        }
    }
    if !problems.is_empty() {
        return Ok(problems);
    }
    let before = earlier(previous)?;
    let settings = RoundSettings::recorded(round);
    let again = super::outputs::render(&compute(&before, &files_of(round), settings)?);
    for out in &record.outputs {
        let hash = again
            .iter()
            .find(|(n, _)| *n == out.file)
            .map(|(_, b)| sha256(b));
        if hash.as_deref() != Some(out.sha256.as_str()) {
            problems.push(format!("re-running gives a different {}", out.file));
        }
        match std::fs::read(folder.join(&out.file)) {
            Ok(bytes) if sha256(&bytes) == out.sha256 => {}
            Ok(_) => problems.push(format!("{} was altered after the round", out.file)),
            Err(e) => problems.push(format!("{} is missing ({e})", out.file)),
        }
    }
    Ok(problems)
}

/// What [`round_and_write`] did.
#[derive(Debug, Clone)]
pub struct RoundRun {
    /// The round.
    pub round: Round,
    /// The manifest written as `manifest.json`.
    pub manifest: Manifest,
    /// The output folder.
    pub out: PathBuf,
}

fn round_error(file: &Path, message: String) -> Error {
    InputErrors::one(InputKind::Round, InputError::file(file, message)).into()
}

/// `seatplan round`: verifies the earlier round of `files` (its whole chain; a difference is
/// [`Error::VerifyFailed`]), runs the round, and writes its outputs with a manifest recording
/// the earlier round's manifest hash as the complete contents of folder `out` (replaced
/// atomically; it may not be the earlier round's folder). A round whose check fails is still
/// written; [`crate::require_passed`] turns that into [`Error::CheckFailed`].
pub fn round_and_write(
    files: &RoundFiles,
    out: &Path,
    settings: RoundSettings,
    reporter: &dyn Reporter,
) -> Result<RoundRun, Error> {
    let t = std::time::Instant::now();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(out, &files.previous) {
        return Err(round_error(
            out,
            "the round's output folder must not be the earlier round's folder".into(),
        ));
    }
    let (record, file, _) = read_manifest(&files.previous)?;
    let problems = verify_round(&record, folder_of(&file))?;
    if !problems.is_empty() {
        return Err(Error::VerifyFailed {
            problems: problems
                .into_iter()
                .map(|p| format!("earlier round {}: {p}", files.previous.display()))
                .collect(),
        });
    }
    let before = earlier(&files.previous)?;
    reporter.stage_finished(Stage::Load, t.elapsed(), "earlier round verified");
    if reporter.should_cancel() {
        return Err(crate::error::Cancelled.into());
    }
    let t = std::time::Instant::now();
    let round = compute(&before, files, settings)?;
    reporter.stage_finished(Stage::Solve, t.elapsed(), "");
    let t = std::time::Instant::now();
    let mut rendered = super::outputs::render(&round);
    let mut inputs = Vec::new();
    for p in files.all() {
        let bytes = crate::input::read_input(p, crate::input::FileKind::Table)
            .map_err(|e| round_error(p, format!("cannot read the file to hash it: {e}")))?;
        inputs.push(FileHash {
            file: p.display().to_string(),
            sha256: sha256(&bytes),
        });
    }
    let (mechanism, options) = before.manifest.settings()?;
    let mut manifest = Manifest::new(
        Path::new(&before.manifest.scenario),
        round.scenario.seed,
        mechanism,
        &options,
        false,
        inputs,
        &rendered,
    );
    let text = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    manifest.round = Some(RoundRecord {
        number: round.number,
        previous: files.previous.display().to_string(),
        previous_manifest_sha256: before.manifest_sha256.clone(),
        declines: text(&files.declines),
        late_children: text(&files.late_children),
        late_choices: text(&files.late_choices),
        seats: text(&files.seats),
        fewest_moves: settings.fewest_moves,
        siblings_apart: settings.siblings_apart,
    });
    rendered.push((MANIFEST, manifest.to_bytes()));
    let mut read: Vec<PathBuf> = files.all().into_iter().map(PathBuf::from).collect();
    read.push(files.previous.clone());
    let by = crate::atomic_dir::Provenance::new("round", read);
    crate::atomic_dir::write_dir(out, &rendered, &by)?;
    reporter.stage_finished(Stage::Write, t.elapsed(), "");
    Ok(RoundRun {
        round,
        manifest,
        out: out.to_path_buf(),
    })
}

/// Explains child `child`'s placement in the run or round written to `folder` in `lang`: the
/// explanation of [`crate::explain::explain_in`], with, after a round, what the round did for
/// her. `None` if the folder's scenario has no such child.
pub fn explain_round(
    folder: &Path,
    child: &str,
    lang: crate::lang::Lang,
) -> Result<Option<Explanation>, Error> {
    let (record, _, _) = read_manifest(folder)?;
    let Some(r) = &record.round else {
        let e = earlier(folder)?;
        let ranking = crate::ranking::Ranking::compute(&e.scenario);
        let Some(c) = e
            .scenario
            .child_indices()
            .find(|&c| e.scenario.child(c).id == child)
        else {
            return Ok(None);
        };
        let tallies = SchoolTallies::compute(&e.scenario, &ranking, &e.outcomes);
        return Ok(Some(crate::explain::explain_in(
            &e.scenario,
            &ranking,
            &e.outcomes,
            &tallies,
            c,
            lang,
        )));
    };
    let before = earlier(Path::new(&r.previous))?;
    let settings = RoundSettings::recorded(r);
    let round = compute(&before, &files_of(r), settings)?;
    let sc = &round.scenario;
    let Some(c) = sc.child_indices().find(|&c| sc.child(c).id == child) else {
        return Ok(None);
    };
    let outcomes = &round.solved.assignment.outcomes;
    let tallies = SchoolTallies::compute(sc, &round.solved.ranking, outcomes);
    let mut e = crate::explain::explain_in(sc, &round.solved.ranking, outcomes, &tallies, c, lang);
    e.round = Some(round.movement(c, lang));
    Ok(Some(e))
}
