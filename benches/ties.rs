//! Tie-keeping: the compact (prefix-sum) stability model against the textbook form, both
//! solved exactly by the same backend on the same county, in the same run.
//!
//! The county is `seatplan generate --city Ningbo --seed 5` at a small scale with a coarse
//! policy (points from housing and education only, so thousands of children tie) and
//! `rule = "keep_ties"`. The default build solves a 380-child county (microlp cannot solve much
//! larger ones, see docs/formulation.md); with `--features highs` set `SEATPLAN_TIES_SCALE`
//! (e.g. 0.02 for 1,500 children) to compare at a larger size. The ratio of the medians is
//! printed at the end.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, Criterion};

mod common;

use seatplan::assign::{Formulation, Mechanism, SolverOptions};
use seatplan::generate::{generate_city, read_census, CityConfig};

const COARSE_POLICY: &str = r#"
name = "Coarse points, ties kept"
[gates]
min_permit_months = 12
min_insurance_months = 12
[[indicators]]
name = "Housing"
fact = "housing"
points = { owned = 30, rented = 15 }
[[indicators]]
name = "Education"
fact = "education"
points = { college = 5, bachelor = 10, postgraduate = 15 }
[priority]
rule = "keep_ties"
"#;

fn scale() -> f64 {
    std::env::var("SEATPLAN_TIES_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.005)
}

fn bench_ties(c: &mut Criterion) {
    let census =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/zhejiang_districts_2020.csv");
    let mut cfg = CityConfig::new("ties county", read_census(&census, "Ningbo").unwrap(), 5);
    cfg.scale = scale();
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in generate_city(&cfg) {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("policy.toml"), COARSE_POLICY).unwrap();
    let sc = seatplan::scenario::load(&dir.path().join("scenario.toml"))
        .unwrap()
        .scenario;
    println!(
        "county: {} children, {} public schools",
        sc.children.len(),
        sc.schools.len()
    );

    let mut group = c.benchmark_group("ties");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, formulation) in [
        ("compact", Formulation::Compact),
        ("textbook", Formulation::Textbook),
    ] {
        let options = SolverOptions {
            formulation,
            ..SolverOptions::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let solved = seatplan::solve(&sc, Mechanism::Optimal, &options).unwrap();
                assert!(solved.check.passed());
                assert!(
                    solved.assignment.public.proven_optimal(),
                    "{name}: not proven optimal"
                );
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_ties);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if let (Some(compact), Some(textbook)) = (
        common::median_ns("ties", "compact"),
        common::median_ns("ties", "textbook"),
    ) {
        println!(
            "\nmedians: compact {:.1} ms, textbook {:.1} ms; ratio textbook / compact = {:.2}",
            compact / 1e6,
            textbook / 1e6,
            textbook / compact
        );
    }
}
