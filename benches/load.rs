//! Loading a scenario read as a stream (issue #13), measured against a floor in the same run:
//!
//! - `floor`: read the bytes of every file the shipped Hangzhou-like city names (142,947
//!   children) and split every record of its tables with the csv crate alone (`ByteRecord`s, no
//!   UTF-8 check, no field parsed) — what any reader of these files must pay;
//! - `load`: `seatplan::load` of the same scenario — read, check every cell, build the entities
//!   and the validated scenario.
//!
//! Both run under the `seatplan` binary's allocator (mimalloc, with its purge delay set to 0 as
//! src/main.rs sets it), so the load is
//! measured as the tool runs it: under the system allocator the floor's cost depended on what
//! the load before it had left in glibc's heap (reading a file whole into fresh pages costs about
//! a millisecond a megabyte on the 2-core machine), which skewed the ratio either way.
//!
//! Both are run alternately, `SEATPLAN_BENCH_RUNS` times each (default 7), and the medians and
//! their ratio (`load / floor`, the goal is ≤ 4) are printed, so the comparison never mixes
//! machines or moments of a shared machine.
//!
//! With `SEATPLAN_BENCH_PROVINCE=1`, the 1,000,630-child province is generated into a temporary
//! folder (`seatplan generate --city Hangzhou --seed 2023 --scale 7`) and `seatplan validate` is
//! run on it (and on the city) as a child process, whose peak resident memory `wait4` reports
//! (the goal for the province is ≤ 600 MB).

/// The allocator of the `seatplan` binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn city() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hangzhou/scenario.toml")
}

/// Reads every file and splits each CSV record; returns how many records were split.
fn floor(files: &[PathBuf]) -> usize {
    let mut records = 0;
    let mut record = csv::ByteRecord::new();
    for file in files {
        let bytes = std::fs::read(file).expect("reading a scenario file");
        if file.extension().is_some_and(|e| e == "csv") {
            let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[..]);
            while reader
                .read_byte_record(&mut record)
                .expect("a valid record")
            {
                records += 1;
            }
        }
        std::hint::black_box(&bytes);
    }
    records
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Runs `seatplan` with `args`; returns its wall time and its peak resident memory in KiB.
fn measured(args: &[&std::ffi::OsStr]) -> (Duration, i64) {
    let start = Instant::now();
    // Reaped by `wait4` below, which also gives the child's own resource usage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_seatplan"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("starting seatplan");
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills in; the pid is our own child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "seatplan {args:?} failed"
    );
    (wall, usage.ru_maxrss)
}

fn validate_peak(scenario: &Path, what: &str) {
    let (wall, kib) = measured(&["validate".as_ref(), scenario.as_os_str()]);
    println!(
        "{what}: seatplan validate peak RSS {:.0} MB ({kib} KiB), wall {:.0} ms",
        kib as f64 * 1024.0 / 1e6,
        ms(wall)
    );
}

fn main() {
    // As the binary sets it at start (src/main.rs): freed memory given back at once. 15 is
    // mimalloc's `mi_option_purge_delay`, whose position the binary's unit test checks.
    // SAFETY: sets one of mimalloc's options to a value its header documents.
    unsafe { libmimalloc_sys::mi_option_set(15, 0) };
    // `cargo bench` passes `--bench`; nothing to filter in this plain harness.
    let runs: usize = std::env::var("SEATPLAN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7)
        .max(1);
    let loaded = seatplan::load(&city()).expect("the shipped city is valid");
    let files: Vec<PathBuf> = loaded
        .files
        .all()
        .into_iter()
        .map(Path::to_path_buf)
        .collect();
    let children = loaded.scenario.children().len();
    drop(loaded);
    let mut floors = Vec::new();
    let mut loads = Vec::new();
    let mut records = 0;
    for _ in 0..runs {
        let start = Instant::now();
        records = std::hint::black_box(floor(&files));
        floors.push(start.elapsed());
        let start = Instant::now();
        let loaded = seatplan::load(&city()).expect("the shipped city is valid");
        loads.push(start.elapsed());
        drop(std::hint::black_box(loaded));
    }
    let (floor, load) = (median(floors), median(loads));
    println!("city: {children} children, {records} CSV records, {runs} runs of each (allocator: mimalloc, as the binary)");
    println!(
        "floor (read the bytes, split every record with the csv crate): {:.1} ms",
        ms(floor)
    );
    println!(
        "load (seatplan::load, validated scenario): {:.1} ms",
        ms(load)
    );
    println!(
        "ratio load / floor: {:.2} (goal ≤ 4)",
        load.as_secs_f64() / floor.as_secs_f64()
    );

    validate_peak(&city(), "city");
    if std::env::var("SEATPLAN_BENCH_PROVINCE").is_ok_and(|v| v == "1") {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let dir = tmp.path().join("province");
        let (wall, _) = measured(&[
            "generate".as_ref(),
            "--city".as_ref(),
            "Hangzhou".as_ref(),
            "--seed".as_ref(),
            "2023".as_ref(),
            "--scale".as_ref(),
            "7".as_ref(),
            "--out".as_ref(),
            dir.as_os_str(),
        ]);
        println!("province generated in {:.1} s", wall.as_secs_f64());
        validate_peak(&dir.join("scenario.toml"), "province");
    } else {
        println!("(set SEATPLAN_BENCH_PROVINCE=1 to measure the 1,000,630-child province too)");
    }
}
