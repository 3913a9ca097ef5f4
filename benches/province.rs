//! The province: a Hangzhou-like scenario at seven times the city (`seatplan generate --city
//! Hangzhou --seed 2023 --scale 7`, about a million children), generated with the library's
//! generator into a temporary folder, timed from one run each:
//!
//! - the whole run: a child process `seatplan run` (the release binary, built by `cargo bench`),
//!   wall-clock, and its peak resident memory (the child's `VmHWM` in `/proc/<pid>/status`,
//!   polled every 5 ms until it exits: std has no `wait4`, and this needs no `libc`);
//! - the floor: reading every input file's bytes, plus deferred acceptance on the applications
//!   already built from the loaded scenario;
//! - the city (`scenarios/hangzhou`) whole run the same way.
//!
//! It prints the times, the ratio of the province's run to its floor, the province/city ratio
//! and the peak memory. `harness = false`: run with `cargo bench --bench province`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use seatplan::internals::{deferred_acceptance, Applicants};
use seatplan::{generate_city, load, read_census, CityConfig, Ranking};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The release binary next to this bench's executable (`target/release/seatplan`).
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the bench's path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/release/deps");
    let bin = dir.join("seatplan");
    assert!(
        bin.exists(),
        "{} is missing: cargo bench builds it with the bench",
        bin.display()
    );
    bin
}

/// Peak resident set of a running process, from `/proc/<pid>/status` (`VmHWM`), in kB.
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// `seatplan run` on a scenario: wall-clock time and peak memory (kB, last `VmHWM` seen).
fn whole_run(scenario: &Path, out: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = Command::new(binary())
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("seatplan starts");
    let mut peak = 0;
    loop {
        if let Some(kb) = peak_kb(child.id()) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().expect("waiting for seatplan") {
            assert!(status.success(), "seatplan run failed: {status}");
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (start.elapsed(), peak)
}

/// Reading every file of the scenario folder, then deferred acceptance on the built
/// applications (the building itself not timed).
fn floor(dir: &Path, scenario: &Path) -> Duration {
    let start = Instant::now();
    let mut bytes = 0;
    for entry in std::fs::read_dir(dir).expect("the scenario folder") {
        let path = entry.expect("an entry").path();
        if path.is_file() {
            bytes += std::fs::read(&path).expect("readable").len();
        }
    }
    let read = start.elapsed();
    assert!(bytes > 0);
    let loaded = load(scenario).expect("the generated scenario is valid");
    let ranking = Ranking::compute(&loaded.scenario);
    let applicants = Applicants::build(&loaded.scenario, &ranking);
    let start = Instant::now();
    let admitted = deferred_acceptance(&applicants);
    let da = start.elapsed();
    assert_eq!(admitted.len(), loaded.scenario.children().len());
    read + da
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let province = tmp.path().join("province");
    std::fs::create_dir_all(&province).expect("the province folder");
    let districts = read_census(
        &root().join("scenarios/data/zhejiang_districts_2020.csv"),
        "Hangzhou",
    )
    .expect("the shipped census");
    let mut cfg = CityConfig::new("Hangzhou-like province", districts, 2023);
    cfg.scale = 7.0;
    for (name, text) in generate_city(&cfg) {
        std::fs::write(province.join(name), text).expect("writing the province");
    }
    let scenario = province.join("scenario.toml");

    let (run, peak) = whole_run(&scenario, &tmp.path().join("province-run"));
    let floor = floor(&province, &scenario);
    let city = root().join("scenarios/hangzhou/scenario.toml");
    let (city_run, city_peak) = whole_run(&city, &tmp.path().join("city-run"));

    println!("province whole run   {:>8.2} s", secs(run));
    println!(
        "province floor       {:>8.2} s  (read the files' bytes + deferred acceptance)",
        secs(floor)
    );
    println!("run / floor          {:>8.1}", secs(run) / secs(floor));
    println!("city whole run       {:>8.2} s", secs(city_run));
    println!("province / city      {:>8.1}", secs(run) / secs(city_run));
    println!("province peak memory {:>8.0} MB", peak as f64 / 1024.0);
    println!("city peak memory     {:>8.0} MB", city_peak as f64 / 1024.0);
}
