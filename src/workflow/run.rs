//! `run_and_write`: a scenario solved, checked and written with its manifest.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{go_on, RunSettings};
use crate::atomic_dir::{check_output_dir, write_dir_with, Provenance};
use crate::error::{Error, InputError, InputErrors, InputKind};
use crate::input::Loaded;
use crate::progress::{Reporter, Stage};
use crate::ranking::Ranking;
use crate::run_outputs::{self, RunFiles};
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
    let ranking = Ranking::compute(sc);
    // The inputs' hashes depend on the files alone: they are found beside the assignment,
    // whose first stages leave a core idle. (The checker's own ranking found there too was
    // tried: it held 60 MB more through the choice stage, the run's peak by 100 MB.)
    let (assignment, inputs) = std::thread::scope(|s| {
        let hashing_inputs = s.spawn(|| manifest::hash_inputs(&loaded.files));
        let assignment = crate::assign::assign(sc, &ranking, settings.mechanism, &settings.options);
        (assignment, joined(hashing_inputs))
    });
    let assignment = assignment?;
    let geojson = crate::output::schools_geojson(sc, &ranking, &assignment.outcomes);
    let mut names = run_outputs::names_of(geojson.is_some(), settings.statements);
    names.push(manifest::MANIFEST);
    // What stops the write for a reason of its own (a cancel, an input gone), not the sink's:
    // the staging folder is removed for the error the sink is given, and this is returned.
    let mut stopped: Option<Error> = None;
    let mut stop = |e: Error| {
        stopped = Some(e);
        std::io::Error::other("the run was stopped")
    };
    let written = write_dir_with(out, &names, &by, |sink| {
        let mut hashing = manifest::Hashing::new(sink);
        // The independent check runs beside the two large tables, which
        // depend on the ranking and the outcomes alone; the files that report the check wait
        // for it. The outputs are the same as one after another.
        let outcomes = &assignment.outcomes;
        let (large, check) = std::thread::scope(|s| {
            let checking = s.spawn(|| crate::check::check(sc, outcomes));
            let large = run_outputs::write_large_tables(&mut hashing, sc, &ranking, outcomes);
            (large, joined(checking))
        });
        let large = large?;
        reporter.stage_finished(Stage::Solve, t.elapsed(), "");
        go_on(reporter).map_err(|e| stop(e.into()))?;
        let t = Instant::now();
        let inputs = inputs.map_err(|e| {
            stop(
                InputErrors::one(
                    InputKind::Scenario,
                    InputError::file(
                        scenario,
                        format!("cannot read an input of the scenario to hash it: {e}"),
                    ),
                )
                .into(),
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
        let solved = Solved {
            ranking,
            assignment,
            check,
        };
        let (statements, lang) = (settings.statements, settings.lang);
        let files = RunFiles::with_geojson(sc, &solved, statements, lang, geojson);
        // The files went into the staging folder as they were rendered, hashed on the way; the
        // manifest, written last, lists their hashes in the order of the names.
        let summary = files.write_rest(&mut hashing, large)?;
        let mut outputs = hashing.hashes;
        run_outputs::in_order(&names, &mut outputs, |h| &h.file);
        record.outputs = outputs;
        sink.bytes(manifest::MANIFEST, &record.to_bytes())?;
        Ok((record, summary, solved, t))
    });
    let (record, summary, solved, t) = match (written, stopped) {
        (_, Some(e)) => return Err(e),
        (written, None) => written?,
    };
    reporter.stage_finished(Stage::Write, t.elapsed(), "");
    Ok(Run {
        loaded,
        solved,
        summary,
        manifest: record,
        out: out.to_path_buf(),
    })
}

/// What a scoped thread returned, or its panic carried on in the thread that waits for it.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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
