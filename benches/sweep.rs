//! The 1,000-point sweep over the county scenario (`scenarios/county`, 9,861 children):
//! `scenarios/county/sweeps/bench-1000.toml`, city-wide seats × budget × demand growth.
//!
//! Measured in the same run:
//! - the whole sweep on a 1-thread pool and on a 2-thread pool (each the best of `REPEATS`
//!   runs), giving points per second and the speed-up from 1 to 2 threads; the two results
//!   must be identical;
//! - peak memory (max RSS, from `wait4`) of `seatplan sweep` over the first 100 points and over
//!   all 1,000, to show memory does not grow with the number of points;
//! - the 100-point city sweep `scenarios/hangzhou/sweeps/bench-100.toml` (142,947 children,
//!   seats × budget) on a 2-thread pool, once as `seatplan sweep` runs it (each point reusing
//!   the loaded base and its ranking) and once with every point's scenario built and solved from
//!   scratch (`point_scenario`, then `solve`: what a point did before); points per second of
//!   each, and the two results must be identical.
//!
//! `SEATPLAN_SWEEP_POINTS=n` limits the timed part to the first `n` points (quicker runs).

use std::path::{Path, PathBuf};
use std::time::Instant;

use seatplan::{load_sweep, point_scenario, PointKpis, Shard, Sweep};
use seatplan::{Mechanism, SolverOptions};

const REPEATS: usize = 2;

fn sweep_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/county/sweeps/bench-1000.toml")
}

/// Best wall time (seconds) of running the first `n` points on a pool of `threads`.
fn time_points(sweep: &Sweep, n: usize, threads: usize) -> (f64, Vec<u8>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let mut best = f64::INFINITY;
    let mut bytes = Vec::new();
    for _ in 0..REPEATS {
        let t = Instant::now();
        let mut results = pool.install(|| {
            use rayon::prelude::*;
            (0..n)
                .into_par_iter()
                .map(|i| sweep.run_point(i, Mechanism::Optimal, &SolverOptions::default()))
                .collect::<Vec<_>>()
        });
        best = best.min(t.elapsed().as_secs_f64());
        results.sort_by_key(|p| p.index);
        bytes = serde_json::to_vec(&results).expect("serialising");
    }
    (best, bytes)
}

/// The 100-point city sweep on a 2-thread pool, as `seatplan sweep` runs it and with every point
/// solved from scratch: the two wall times (seconds), after checking the results are the same.
fn city_sweep() -> (usize, f64, f64) {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hangzhou/sweeps/bench-100.toml");
    let sweep = load_sweep(&file).expect("the shipped city sweep is valid");
    let n = sweep.spec.points.len();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a thread pool");
    let options = SolverOptions::default();
    use rayon::prelude::*;
    let t = Instant::now();
    let reused: Vec<Option<PointKpis>> = pool.install(|| {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let p = sweep.run_point(i, Mechanism::Optimal, &options);
                p.kpis().cloned()
            })
            .collect()
    });
    let t_reused = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let fresh: Vec<Option<PointKpis>> = pool.install(|| {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let sc = point_scenario(&sweep, i).ok()?;
                let solved = seatplan::solve(&sc, Mechanism::Optimal, &options).ok()?;
                Some(PointKpis::compute(&sc, &solved))
            })
            .collect()
    });
    let t_fresh = t.elapsed().as_secs_f64();
    assert!(reused.iter().all(Option::is_some), "a city point failed");
    assert!(
        reused == fresh,
        "reusing the base changed a point's results"
    );
    (n, t_reused, t_fresh)
}

/// Peak RSS in KiB of `seatplan sweep` over `file`.
fn peak_rss_kib(file: &Path, out: &Path, shard: Option<Shard>) -> i64 {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_seatplan"));
    cmd.args(["sweep", "-q", "--threads", "2"])
        .arg(file)
        .arg("--out")
        .arg(out);
    if let Some(s) = shard {
        cmd.arg("--shard").arg(format!("{}/{}", s.index, s.count));
    }
    // Reaped by `wait4` below, which also gives the child's resource usage.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().expect("starting seatplan");
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct the call fills in; the pid is our own child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "seatplan sweep failed"
    );
    usage.ru_maxrss
}

fn main() {
    // `cargo test --benches` runs benchmarks with `--bench` absent: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let sweep = load_sweep(&sweep_file()).expect("the shipped sweep is valid");
    let total = sweep.spec.points.len();
    let n = std::env::var("SEATPLAN_SWEEP_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(total)
        .min(total);
    println!(
        "sweep: {n} of {total} points over {:?} ({} children), best of {REPEATS}",
        sweep.base.scenario.name(),
        sweep.base.scenario.children().len()
    );
    let (t1, r1) = time_points(&sweep, n, 1);
    println!("  1 thread : {t1:8.2} s  {:8.1} points/s", n as f64 / t1);
    let (t2, r2) = time_points(&sweep, n, 2);
    println!("  2 threads: {t2:8.2} s  {:8.1} points/s", n as f64 / t2);
    assert!(r1 == r2, "results differ between 1 and 2 threads");
    println!("  speed-up 1 → 2 threads: {:.2}×", t1 / t2);

    // Peak memory: every 10th point (100 points) against all 1,000, through the CLI.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let small = peak_rss_kib(
        &sweep_file(),
        &tmp.path().join("p100"),
        Some(Shard {
            index: 1,
            count: 10,
        }),
    );
    let large = peak_rss_kib(&sweep_file(), &tmp.path().join("p1000"), None);
    let size = |p: &str| {
        std::fs::read_dir(tmp.path().join(p))
            .map(|d| {
                d.flatten()
                    .map(|e| e.metadata().map_or(0, |m| m.len()))
                    .sum::<u64>()
            })
            .unwrap_or(0)
    };
    println!(
        "  peak RSS: 100 points {:.1} MiB, 1,000 points {:.1} MiB (ratio {:.2}); outputs {:.1} and {:.1} MiB",
        small as f64 / 1024.0,
        large as f64 / 1024.0,
        large as f64 / small as f64,
        size("p100") as f64 / 1048576.0,
        size("p1000") as f64 / 1048576.0,
    );

    let (n, reused, fresh) = city_sweep();
    println!(
        "city: {n} points over the Hangzhou-like city (142947 children) on 2 threads: \
         {reused:.2} s, {:.1} points/s (each point solved from scratch: {fresh:.2} s, {:.1} points/s; \
         ratio {:.2}); identical results",
        n as f64 / reused,
        n as f64 / fresh,
        fresh / reused,
    );
}
