//! Tie-keeping: the compact (prefix-sum) stability model against the textbook form, both
//! solved exactly by the same backend on the same county, in the same run.
//!
//! The county is `seatplan generate --city Ningbo --seed 5` at a small scale with a coarse
//! policy (points from housing and education only, so thousands of children tie) and
//! `rule = "keep_ties"`. The default build solves a 380-child county (microlp cannot solve much
//! larger ones, see docs/formulation.md); with `--features highs` set `SEATPLAN_TIES_SCALE`
//! (e.g. 0.02 for 1,500 children) to compare at a larger size. Three ways: pruning and the
//! compact model (what `seatplan run` does), the compact model unpruned, the textbook model
//! unpruned. The ratio of the medians is printed at the end. With `--features highs` the
//! 9,861-child shipped county with ties kept is then solved both ways once
//! (`county_with_highs`).

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, Criterion};

mod common;

use seatplan::{generate_city, read_census, CityConfig};
use seatplan::{Formulation, Mechanism, SolverOptions};

/// The coarse tie-keeping policy shared with the tests.
fn coarse_policy() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/policies/coarse-keep-ties.toml");
    std::fs::read_to_string(path).expect("the shipped coarse policy")
}

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
    std::fs::write(dir.path().join("policy.toml"), coarse_policy()).unwrap();
    let sc = seatplan::load(&dir.path().join("scenario.toml"))
        .unwrap()
        .scenario;
    println!(
        "county: {} children, {} public schools",
        sc.children().len(),
        sc.schools().len()
    );

    let mut group = c.benchmark_group("ties");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, formulation, prune) in [
        ("compact", Formulation::Compact, true),
        ("compact_unpruned", Formulation::Compact, false),
        ("textbook", Formulation::Textbook, false),
    ] {
        let options = SolverOptions {
            formulation,
            prune,
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

/// The shipped county (`scenarios/county`, 9,861 children) with its tie-break keys removed and
/// `keep_ties`: children of equal points stay tied. Solved once by what `seatplan run` does
/// (pruning, compact model) and once by the textbook model without pruning, with HiGHS, the
/// latter under a time limit (`SEATPLAN_TIES_TEXTBOOK_LIMIT`, default 300 s); the ratio of the
/// wall times is printed (a lower bound when the textbook model does not finish).
#[cfg(feature = "highs")]
fn county_with_highs() {
    use seatplan::policy::TieRule;
    use seatplan::Backend;
    use std::time::Instant;

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/county/scenario.toml");
    let mut sc = seatplan::load(&path).unwrap().scenario.into_parts();
    sc.policy.tie_keys.clear();
    sc.policy.tie_rule = TieRule::KeepTies;
    let sc = seatplan::Scenario::new(sc).expect("the county keeps ties validly");
    let limit: f64 = std::env::var("SEATPLAN_TIES_TEXTBOOK_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300.0);
    let run = |formulation, prune, time_limit_s| {
        let options = SolverOptions {
            backend: Backend::Highs,
            formulation,
            prune,
            time_limit_s,
            ..SolverOptions::default()
        };
        let t = Instant::now();
        let solved = seatplan::solve(&sc, Mechanism::Optimal, &options).unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(solved.check.passed());
        let p = &solved.assignment.public;
        let placed: usize = p.components.iter().map(|c| c.placed).sum();
        let bound: usize = p.components.iter().map(|c| c.bound).sum();
        (secs, p.proven_optimal(), placed, bound, p.components.len())
    };
    println!(
        "\ncounty with ties kept: {} children (scenarios/county, no tie-break keys), HiGHS",
        sc.children().len()
    );
    let mut best = f64::INFINITY;
    let mut ours = None;
    for _ in 0..3 {
        let r = run(Formulation::Compact, true, None);
        best = best.min(r.0);
        ours = Some(r);
    }
    let (_, proven, placed, bound, parts) = ours.unwrap();
    println!(
        "  pruned + compact: {best:.2} s (best of 3), {parts} components, proven optimal: {proven}, placed {placed}, bound {bound}"
    );
    let (secs, t_proven, t_placed, t_bound, _) = run(Formulation::Textbook, false, Some(limit));
    println!(
        "  textbook, unpruned: {secs:.2} s (limit {limit} s), proven optimal: {t_proven}, placed {t_placed}, bound {t_bound}"
    );
    println!(
        "  ratio textbook / ours = {}{:.0}",
        if t_proven { "" } else { "at least " },
        secs / best
    );
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let median = |name| common::median_ns("ties", name);
    if let (Some(compact), Some(unpruned), Some(textbook)) = (
        median("compact"),
        median("compact_unpruned"),
        median("textbook"),
    ) {
        println!(
            "\nmedians: pruned + compact {:.1} ms, compact unpruned {:.1} ms, textbook unpruned {:.1} ms; ratio textbook / ours = {:.2}",
            compact / 1e6,
            unpruned / 1e6,
            textbook / 1e6,
            textbook / compact
        );
    }
    #[cfg(feature = "highs")]
    if std::env::args().any(|a| a == "--bench") {
        county_with_highs();
    }
}
