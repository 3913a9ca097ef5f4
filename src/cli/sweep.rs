//! `seatplan sweep` and `seatplan merge`: what-if sweeps, their progress bar and shard merging.

use std::io::IsTerminal;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use seatplan::assign::{Mechanism, SolverOptions};
use seatplan::output;
use seatplan::sweep::results::{PointResult, PointStatus, SweepResults};
use seatplan::sweep::run::{self, Shard, Sweep};
use seatplan::sweep::tables;

use super::{EXIT_CHECK_FAILED, EXIT_SOLVER_FAILED};

/// A progress bar on the terminal; hidden with `-q` or when standard error is not a terminal.
fn progress_bar(len: usize, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} points, {per_sec}, ETA {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar
}

/// How a sweep is run.
pub struct Settings {
    pub mechanism: Mechanism,
    pub options: SolverOptions,
    pub shard: Option<Shard>,
    /// Run each point in a child process, passing it these solver arguments.
    pub isolate: Option<Vec<String>>,
}

/// Runs point `index` of the sweep at `path` in a child process (`seatplan sweep-point`);
/// a crash or a garbled answer fails the point.
fn run_isolated(sweep: &Sweep, path: &Path, index: usize, solver_args: &[String]) -> PointResult {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            return sweep.failed_point(index, format!("cannot find the seatplan binary: {e}"))
        }
    };
    let output = Command::new(exe)
        .arg("sweep-point")
        .arg(path)
        .args(["--point", &index.to_string(), "--threads", "1"])
        .args(solver_args)
        .stdin(Stdio::null())
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            return sweep.failed_point(index, format!("cannot start the point's process: {e}"))
        }
    };
    if output.status.success() {
        if let Ok(result) = serde_json::from_slice::<PointResult>(&output.stdout) {
            if result.index == index {
                return result;
            }
        }
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let how = match (output.status.success(), output.status.signal()) {
        (true, _) => "the point's process gave no result".to_string(),
        (false, Some(sig)) => format!("the point's process was killed by signal {sig}"),
        (false, None) => format!("the point's process failed ({})", output.status),
    };
    sweep.failed_point(
        index,
        if last.is_empty() {
            how
        } else {
            format!("{how}: {last}")
        },
    )
}

/// `seatplan sweep-point`: runs one point and prints its record as JSON.
pub fn point(
    path: &Path,
    index: usize,
    mechanism: Mechanism,
    options: &SolverOptions,
) -> Result<i32> {
    let sweep = run::load(path)?;
    if index >= sweep.spec.points.len() {
        anyhow::bail!(
            "the sweep has {} points; there is no point {index}",
            sweep.spec.points.len()
        );
    }
    let result = sweep.run_point(index, mechanism, options);
    println!("{}", serde_json::to_string(&result)?);
    Ok(0)
}

/// Runs a sweep (or one shard of it) and writes its outputs; returns the exit code.
pub fn sweep(
    path: &Path,
    out: &Path,
    settings: &Settings,
    say: &dyn Fn(String),
    quiet: bool,
) -> Result<i32> {
    let Settings {
        mechanism,
        ref options,
        shard,
        ref isolate,
    } = *settings;
    let t = Instant::now();
    let sweep = run::load(path)?;
    let points = sweep.point_indices(shard);
    say(format!(
        "loaded {} in {:.2?}: {} parameter{}, {} point{}{} over {:?} ({} children)",
        path.display(),
        t.elapsed(),
        sweep.spec.parameters.len(),
        if sweep.spec.parameters.len() == 1 {
            ""
        } else {
            "s"
        },
        sweep.spec.points.len(),
        if sweep.spec.points.len() == 1 {
            ""
        } else {
            "s"
        },
        shard.map_or(String::new(), |s| format!(
            " (shard {}/{}: {} points)",
            s.index,
            s.count,
            points.len()
        )),
        sweep.base.scenario.name(),
        sweep.base.scenario.children().len(),
    ));
    let bar = progress_bar(points.len(), quiet);
    let t = Instant::now();
    let results = match isolate {
        None => sweep.run(mechanism, options, shard, &|| bar.inc(1)),
        Some(args) => sweep.run_with(mechanism, options, shard, &|| bar.inc(1), &|i| {
            run_isolated(&sweep, path, i, args)
        }),
    };
    bar.finish_and_clear();
    let secs = t.elapsed().as_secs_f64();
    say(format!(
        "ran {} points in {:.2?} ({:.1} points/s on {} thread{})",
        results.points.len(),
        t.elapsed(),
        results.points.len() as f64 / secs.max(1e-9),
        rayon::current_num_threads(),
        if rayon::current_num_threads() == 1 {
            ""
        } else {
            "s"
        },
    ));
    output::write_dir(out, &tables::render(&results))?;
    say(format!("results written to {}/", out.display()));
    Ok(verdict(&results, say))
}

/// Reports failed and unchecked points; the exit code they call for.
fn verdict(results: &SweepResults, say: &dyn Fn(String)) -> i32 {
    let mut failed = 0;
    let mut unchecked = 0;
    for p in &results.points {
        match &p.status {
            PointStatus::Failed { error } => {
                failed += 1;
                if failed <= 5 {
                    eprintln!("point {} ({}) failed: {error}", p.index, p.key);
                }
            }
            PointStatus::Solved { kpis } if !kpis.check_passed => {
                unchecked += 1;
                if unchecked <= 5 {
                    eprintln!(
                        "point {} ({}): the independent check FAILED",
                        p.index, p.key
                    );
                }
            }
            PointStatus::Solved { .. } => {}
        }
    }
    if failed > 0 {
        eprintln!("{failed} point(s) failed; their rows in points.csv say why");
        EXIT_SOLVER_FAILED
    } else if unchecked > 0 {
        eprintln!("{unchecked} point(s) failed the independent check");
        EXIT_CHECK_FAILED
    } else {
        say("independent check passed at every point".to_string());
        0
    }
}

/// Merges shard output folders into one sweep output folder; returns the exit code.
pub fn merge(shards: &[PathBuf], out: &Path, say: &dyn Fn(String)) -> Result<i32> {
    let mut read = Vec::new();
    for dir in shards {
        let file = dir.join(tables::SWEEP_JSON);
        let bytes =
            std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        let results: SweepResults = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a sweep's results", file.display()))?;
        read.push((dir.display().to_string(), results));
    }
    let merged = tables::merge(read)?;
    output::write_dir(out, &tables::render(&merged))?;
    say(format!(
        "merged {} shards: {} points written to {}/",
        shards.len(),
        merged.points.len(),
        out.display()
    ));
    Ok(verdict(&merged, say))
}
