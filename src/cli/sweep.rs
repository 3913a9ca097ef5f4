//! `seatplan sweep` (what-if sweeps, optionally each point in its own process) and the hidden
//! `seatplan sweep-point` that runs one isolated point.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::Result;
use seatplan::{
    check_output_dir, load_sweep, render_sweep, write_dir, Error, PointResult, PointStatus,
    Provenance, Shard, Sweep, SweepResults,
};

use super::failpoints::Failpoints;
use super::print::Printer;
use super::progress::PointsBar;
use super::solver::SolverArgs;

/// Arguments of `seatplan sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The sweep TOML file.
    sweep: PathBuf,
    /// Output folder: absent, empty or one seatplan wrote (replaced atomically).
    #[arg(short, long, default_value = "sweep")]
    out: PathBuf,
    /// Run only shard I of N (points I-1, I-1+N, I-1+2N, ...); merge the shards' output
    /// folders with `seatplan merge`.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Run every point in its own child process, so that even a crash (an abort in a C++
    /// solver) fails only that point. Slower: each process loads the base scenario.
    #[arg(long)]
    isolate: bool,
    #[command(flatten)]
    solver: SolverArgs,
}

/// Arguments of the hidden `seatplan sweep-point`.
#[derive(Debug, clap::Args)]
pub struct SweepPointArgs {
    sweep: PathBuf,
    #[arg(long)]
    point: usize,
    #[command(flatten)]
    solver: SolverArgs,
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
pub fn point(args: SweepPointArgs) -> Result<()> {
    let (mechanism, options) = args.solver.options()?;
    args.solver.set_up_threads()?;
    let sweep = load_sweep(&args.sweep).map_err(Error::from)?;
    let index = args.point;
    if index >= sweep.spec.points.len() {
        anyhow::bail!(
            "the sweep has {} points; there is no point {index}",
            sweep.spec.points.len()
        );
    }
    let result = sweep.run_point_with(index, mechanism, &options, &Failpoints::from_env());
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

/// Runs a sweep (or one shard of it) and writes its outputs; `limit_args` are the input-limit
/// options of the command line, passed on to each point's process under `--isolate`.
pub fn run(args: SweepArgs, printer: Printer, limit_args: &[String]) -> Result<()> {
    let (mechanism, options) = args.solver.options()?;
    args.solver.set_up_threads()?;
    let isolate = args.isolate.then(|| {
        let mut child = args.solver.to_args();
        child.extend_from_slice(limit_args);
        child
    });
    let (path, shard) = (&args.sweep, args.shard);
    let t = Instant::now();
    let sweep = load_sweep(path).map_err(Error::from)?;
    let mut inputs = vec![path.clone()];
    inputs.extend(sweep.base.files.all().into_iter().map(PathBuf::from));
    let by = Provenance::new("sweep", inputs);
    check_output_dir(&args.out, &by.inputs).map_err(Error::from)?;
    let points = sweep.point_indices(shard);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    printer.say(format!(
        "loaded {} in {:.2?}: {} parameter{}, {} point{}{} over {:?} ({} children)",
        path.display(),
        t.elapsed(),
        sweep.spec.parameters.len(),
        plural(sweep.spec.parameters.len()),
        sweep.spec.points.len(),
        plural(sweep.spec.points.len()),
        shard.map_or(String::new(), |s| format!(
            " (shard {}/{}: {} points)",
            s.index,
            s.count,
            points.len()
        )),
        sweep.base.scenario.name(),
        sweep.base.scenario.children().len(),
    ));
    let bar = PointsBar::new(printer);
    let t = Instant::now();
    let results = match &isolate {
        None => sweep.run(mechanism, &options, shard, &bar),
        Some(solver_args) => sweep.run_with(mechanism, &options, shard, &bar, &|i| {
            run_isolated(&sweep, path, i, solver_args)
        }),
    };
    bar.finish();
    let results = results.map_err(Error::from)?;
    let secs = t.elapsed().as_secs_f64();
    let threads = rayon::current_num_threads();
    printer.say(format!(
        "ran {} points in {:.2?} ({:.1} points/s on {} thread{})",
        results.points.len(),
        t.elapsed(),
        results.points.len() as f64 / secs.max(1e-9),
        threads,
        plural(threads),
    ));
    write_dir(&args.out, &render_sweep(&results), &by).map_err(Error::from)?;
    printer.say(format!("results written to {}/", args.out.display()));
    verdict(&results, printer)
}

/// Reports failed and unchecked points: [`Error::PointsFailed`] (exit code 4) if a point
/// failed, else [`Error::CheckFailed`] (exit code 3) if a point failed the check.
pub fn verdict(results: &SweepResults, printer: Printer) -> Result<()> {
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
        Err(Error::PointsFailed { failed }.into())
    } else if unchecked > 0 {
        eprintln!("{unchecked} point(s) failed the independent check");
        Err(Error::CheckFailed {
            violations: unchecked,
        }
        .into())
    } else {
        printer.say("independent check passed at every point");
        Ok(())
    }
}
