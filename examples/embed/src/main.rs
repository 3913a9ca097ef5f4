//! An embedding program: uses the seatplan library the way a bureau's own service would,
//! without its command line.
//!
//! It loads a shipped tiny scenario (or the one given as the first argument), solves it, checks
//! the placement independently, explains one child's result, and writes the run's outputs with
//! their manifest through the library's run workflow, into the folder given as the second
//! argument (default: a folder under the system's temporary directory). It reports progress
//! through its own [`Reporter`], and exits with the library's exit code on any error.

use std::path::{Path, PathBuf};
use std::time::Duration;

use seatplan::{
    explain, explain_text, load, require_passed, run_and_write, solve, Error, Reporter,
    RunSettings, SchoolTallies, Stage,
};

/// Prints each stage of the run as it finishes.
struct Log;

impl Reporter for Log {
    fn stage_finished(&self, stage: Stage, elapsed: Duration, detail: &str) {
        if detail.is_empty() {
            println!("{stage:?} done in {elapsed:.2?}");
        } else {
            println!("{stage:?} done in {elapsed:.2?}: {detail}");
        }
    }
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let scenario = args.next().map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/tiny/two-schools/scenario.toml")
    });
    let out = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("seatplan-embed-out"));
    if let Err(e) = embed(&scenario, &out) {
        eprintln!("error: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            eprintln!("  caused by: {cause}");
            source = cause.source();
        }
        std::process::exit(e.exit_code());
    }
}

/// Solves, checks and explains `scenario`, then writes its run to `out`.
fn embed(scenario: &Path, out: &Path) -> Result<(), Error> {
    let settings = RunSettings::default();
    let loaded = load(scenario)?;
    let sc = &loaded.scenario;
    let solved = solve(sc, settings.mechanism, &settings.options)?;
    require_passed(&solved.check)?;
    println!(
        "{} children placed; independent check passed",
        solved.assignment.outcomes.len()
    );

    if let Some(first) = sc.child_indices().next() {
        let outcomes = &solved.assignment.outcomes;
        let tallies = SchoolTallies::compute(sc, &solved.ranking, outcomes);
        let why = explain(sc, &solved.ranking, outcomes, &tallies, first);
        print!("{}", explain_text(&why));
    }

    let run = run_and_write(scenario, out, &settings, &Log)?;
    require_passed(&run.solved.check)?;
    println!(
        "wrote {} files and {} to {}",
        run.manifest.outputs.len(),
        seatplan::MANIFEST,
        run.out.display()
    );
    Ok(())
}
