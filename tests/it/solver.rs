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
