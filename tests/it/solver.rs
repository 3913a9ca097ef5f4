//! The solver backends' time limits: microlp's default limit stops a long search and says so;
//! HiGHS's proven bound, when a time limit stops the tie-keeping model, lies between what the
//! run placed and the trivial bound, and the checker passes; when the model is solved, the bound
//! is what was placed (the HiGHS tests only with `--features highs`).

#[cfg(feature = "highs")]
mod highs {
    use seatplan::{Backend, Mechanism, SolverOptions};

    use crate::util::generate_city;

    fn county(scale: &str) -> (tempfile::TempDir, seatplan::Scenario) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = generate_city(tmp.path(), "Ningbo", scale, "5");
        std::fs::copy(
            crate::util::scenario_dir("policies/coarse-keep-ties.toml"),
            dir.join("policy.toml"),
        )
        .unwrap();
        let sc = seatplan::load(&dir.join("scenario.toml")).unwrap().scenario;
        (tmp, sc)
    }

    #[test]
    fn a_time_limited_model_reports_a_bound_between_placed_and_trivial() {
        let (_tmp, sc) = county("0.04");
        let da = seatplan::solve(&sc, Mechanism::DeferredAcceptance, &Default::default()).unwrap();
        let trivial = da
            .assignment
            .public
            .components
            .iter()
            .map(|c| c.bound)
            .sum::<usize>();
        for presolve in [false, true] {
            let options = SolverOptions {
                backend: Backend::Highs,
                time_limit_s: Some(1.0),
                presolve,
                ..SolverOptions::default()
            };
            let solved = seatplan::solve(&sc, Mechanism::Optimal, &options).unwrap();
            assert!(solved.check.passed(), "{:?}", solved.check.violations);
            for c in &solved.assignment.public.components {
                assert!(c.placed <= c.bound, "{c:?}");
                if c.status.proven() {
                    assert_eq!(c.placed, c.bound, "{c:?}");
                }
            }
            let bound: usize = solved
                .assignment
                .public
                .components
                .iter()
                .map(|c| c.bound)
                .sum();
            assert!(
                bound <= trivial,
                "bound {bound} above the trivial {trivial}"
            );
        }
    }

    #[test]
    fn a_solved_model_reports_its_optimum_as_the_bound() {
        let (_tmp, sc) = county("0.005");
        let options = SolverOptions {
            backend: Backend::Highs,
            ..SolverOptions::default()
        };
        let solved = seatplan::solve(&sc, Mechanism::Optimal, &options).unwrap();
        assert!(solved.check.passed());
        assert!(solved.assignment.public.proven_optimal());
        for c in &solved.assignment.public.components {
            assert_eq!(c.placed, c.bound);
        }
    }
}

/// The pure-Rust backend's default time limit (60 s per component; microlp can search for many
/// minutes on tie-keeping models): a 3,000-child county with coarse points, which microlp did not
/// finish in 150 s here, stops near a short `--time-limit`, says so with the proven bound, and
/// passes the check; without `--time-limit` the manifest records the default.
#[cfg(feature = "microlp")]
mod microlp_time_limit {
    use std::time::Instant;

    use seatplan::Backend;

    use crate::util::{generate_city, scenario_dir, seatplan};

    #[test]
    fn the_microlp_default_time_limit_stops_a_long_search() {
        assert_eq!(Backend::Microlp.default_time_limit_s(), Some(60.0));
        assert_eq!(Backend::Highs.default_time_limit_s(), None);
        let tmp = tempfile::tempdir().unwrap();
        let dir = generate_city(tmp.path(), "Ningbo", "0.04", "5");
        std::fs::copy(
            scenario_dir("policies/coarse-keep-ties.toml"),
            dir.join("policy.toml"),
        )
        .unwrap();
        let out = tmp.path().join("out");
        let scenario = dir.join("scenario.toml");
        let started = Instant::now();
        let o = seatplan(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--backend",
            "microlp",
            "--time-limit",
            "1",
        ]);
        let took = started.elapsed().as_secs_f64();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.status.code(), Some(0), "{all}");
        // Loading, deferred acceptance and the check take a second or two in a debug build.
        assert!(took < 30.0, "a 1 s limit took {took:.1} s:\n{all}");
        for line in [
            "proven optimal: no",
            "1 × time limit reached (integer program: kept its best assignment, at worst the deferred-acceptance start; optimality not proven)",
            "proven: at most ",
            "independent check passed: 3034 children",
        ] {
            assert!(all.contains(line), "missing `{line}` in:\n{all}");
        }
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        assert!(manifest.contains("\"time_limit_s\": 1.0"), "{manifest}");

        // No `--time-limit`: the default is in force and recorded.
        let tiny = scenario_dir("tiny/keep-ties").join("scenario.toml");
        let out = tmp.path().join("tiny");
        let o = seatplan(&[
            "run",
            tiny.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--backend",
            "microlp",
        ]);
        assert_eq!(o.status.code(), Some(0));
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        assert!(manifest.contains("\"time_limit_s\": 60.0"), "{manifest}");
    }
}
