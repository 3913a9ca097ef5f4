//! The shipped Hangzhou-like city (≈ 143,000 children, 610 public schools), timed three ways
//! in the same run:
//!
//! - `deferred_acceptance`: plain child-proposing DA on the already-built applications;
//! - `da_with_io`: reading the scenario files, DA, and writing a placements table — the floor
//!   any tool that reads and writes these files must pay;
//! - `pipeline`: what `seatplan run` does — load and validate, rank, choice stage, coordinated
//!   and purchased places, the independent check, render and atomically write every output.
//!
//! After the measurements the ratios of the medians are printed (`pipeline / deferred_acceptance`
//! and `pipeline / da_with_io`), so the comparison never mixes machines or runs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, Criterion};

mod common;

use seatplan::internals::{deferred_acceptance, Applicants};
use seatplan::Ranking;
use seatplan::{load, solve};
use seatplan::{Mechanism, SolverOptions};

fn city() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hangzhou/scenario.toml")
}

fn bench_city(c: &mut Criterion) {
    let loaded = load(&city()).expect("the shipped scenario is valid");
    let sc = &loaded.scenario;
    let ranking = Ranking::compute(sc);
    let applicants = Applicants::build(sc, &ranking);
    let out = tempfile::tempdir().unwrap();

    let mut group = c.benchmark_group("hangzhou");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("deferred_acceptance", |b| {
        b.iter(|| deferred_acceptance(&applicants))
    });
    group.bench_function("da_with_io", |b| {
        b.iter(|| {
            let loaded = load(&city()).unwrap();
            let sc = &loaded.scenario;
            let ranking = Ranking::compute(sc);
            let applicants = Applicants::build(sc, &ranking);
            let admitted = deferred_acceptance(&applicants);
            let mut w = csv::Writer::from_writer(Vec::new());
            for (c, (child, pos)) in sc.children().iter().zip(&admitted).enumerate() {
                let school = pos.map(|p| {
                    sc.school(applicants.lists[c][p as usize].school)
                        .id
                        .as_str()
                });
                w.write_record([child.id.as_str(), school.unwrap_or("")])
                    .unwrap();
            }
            std::fs::write(out.path().join("da.csv"), w.into_inner().unwrap()).unwrap();
        })
    });
    group.bench_function("pipeline", |b| {
        b.iter(|| {
            let loaded = load(&city()).unwrap();
            let solved = solve(
                &loaded.scenario,
                Mechanism::Optimal,
                &SolverOptions::default(),
            )
            .unwrap();
            assert!(solved.check.passed());
            let files = seatplan::render(&loaded.scenario, &solved);
            let by = seatplan::Provenance::new("bench", loaded.files.all());
            seatplan::write_dir(&out.path().join("run"), &files, &by).unwrap();
        })
    });
    group.finish();
}

criterion_group!(benches, bench_city);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if let (Some(da), Some(io), Some(run)) = (
        common::median_ns("hangzhou", "deferred_acceptance"),
        common::median_ns("hangzhou", "da_with_io"),
        common::median_ns("hangzhou", "pipeline"),
    ) {
        println!(
            "\nmedians: deferred_acceptance {:.1} ms, da_with_io {:.1} ms, pipeline {:.1} ms",
            da / 1e6,
            io / 1e6,
            run / 1e6
        );
        println!("ratio pipeline / deferred_acceptance = {:.1}", run / da);
        println!("ratio pipeline / da_with_io = {:.2}", run / io);
    }
}
