//! The choice-stage integer program for one component, built with good_lp.
//!
//! Variables: `x[c,k] ∈ {0,1}` for each application `k` of child `c` (listed schools where she
//! holds a tier), and per school `s` with seats `q`, continuous prefix sums `Y[s,g]` = seats of
//! `s` taken by its applicants in priority groups `1..=g` (a group = applicants of equal
//! priority). Constraints:
//!
//! - each child at most one place: `Σ_k x[c,k] ≤ 1`;
//! - capacity: `Y[s,last] ≤ q`, with `Y[s,g] = Y[s,g-1] + Σ_{c in group g} x[c,s]`;
//! - no justified envy (the weak form, exact when ties are kept): for every application `k` of
//!   `c` to `s` in group `g`: `q · Σ_{k' ≤ k} x[c,k'] + Y[s,g] ≥ q` — either `c` holds `s` or a
//!   school she likes more, or `s` is full of children whose priority is at least hers.
//!
//! Objective: maximise `Σ (W − choice index) · x[c,k]` with `W = n·L + 1` (n children, L the
//! longest list), i.e. first the most children placed, then the best choice ranks. The prefix
//! form has O(applications) nonzeros instead of O(Σ applicants²) for the textbook form.
//! See `docs/formulation.md`.

use std::time::Instant;

use good_lp::{
    variable, Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable,
    WithMipGap, WithTimeLimit,
};

use super::components::Component;
use super::Applicants;
use crate::error::{BackendError, SolveError};
use crate::ranking::Priority;

#[cfg(not(any(feature = "microlp", feature = "highs")))]
compile_error!("enable at least one solver backend feature: `microlp` (default) or `highs`");

/// The MIP backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// microlp, pure Rust (feature `microlp`, default).
    Microlp,
    /// HiGHS, bundled C++ (feature `highs`).
    Highs,
}

impl Backend {
    /// The backend's name as written on the command line and in the manifest (`microlp`, `highs`).
    pub fn name(self) -> &'static str {
        match self {
            Backend::Microlp => "microlp",
            Backend::Highs => "highs",
        }
    }

    /// The time limit per component a run uses when none is given, in seconds: 60 for microlp,
    /// which can search for many minutes on some tie-keeping models of a few hundred children
    /// (`docs/formulation.md`); none for HiGHS, which proves them optimal in well under a second.
    pub fn default_time_limit_s(self) -> Option<f64> {
        match self {
            Backend::Microlp => Some(DEFAULT_MICROLP_TIME_LIMIT_S),
            Backend::Highs => None,
        }
    }

    /// Whether this build includes the backend.
    pub fn available(self) -> bool {
        match self {
            Backend::Microlp => cfg!(feature = "microlp"),
            Backend::Highs => cfg!(feature = "highs"),
        }
    }
}

impl Default for Backend {
    /// HiGHS when the build has it, microlp otherwise.
    fn default() -> Self {
        if cfg!(feature = "highs") {
            Backend::Highs
        } else {
            Backend::Microlp
        }
    }
}

/// The default time limit per component of the microlp backend, in seconds
/// ([`Backend::default_time_limit_s`]).
pub const DEFAULT_MICROLP_TIME_LIMIT_S: f64 = 60.0;

/// Settings for the integer-programming backend.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverOptions {
    /// Which integer-programming backend solves the model (default: HiGHS if built in, else
    /// microlp).
    pub backend: Backend,
    /// Wall-clock limit per component, in seconds; `None` = no limit. The default is the
    /// default backend's [`Backend::default_time_limit_s`] (60 s with microlp).
    pub time_limit_s: Option<f64>,
    /// Relative optimality gap at which the solver may stop (0 = prove optimality).
    pub mip_gap: f64,
    /// Threads the backend may use (HiGHS only).
    pub threads: u32,
    /// How the no-justified-envy constraints are written (the compact form unless comparing).
    pub formulation: Formulation,
    /// Run HiGHS's presolve (off by default: it is pathological on large models; on a
    /// 10,000-child county with coarse points it is what lets the root bound close within a
    /// minute; docs/formulation.md §4).
    pub presolve: bool,
    /// Prune applications no weakly stable assignment uses before building the model
    /// (the pruning pass); off only to measure what pruning gains.
    pub prune: bool,
}

/// How the no-justified-envy constraints are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Formulation {
    /// Prefix sums per school: O(applications) nonzeros (the default).
    #[default]
    Compact,
    /// The textbook form: each constraint sums every applicant at least as good, O(Σ m_s²)
    /// nonzeros. Kept to measure the compact form against.
    Textbook,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            backend: Backend::default(),
            time_limit_s: Backend::default().default_time_limit_s(),
            mip_gap: 0.0,
            threads: 1,
            formulation: Formulation::Compact,
            presolve: false,
            prune: true,
        }
    }
}

/// How the backend ended on one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpStatus {
    /// Proven optimal (within the requested gap, 0 by default).
    Optimal,
    /// Stopped at the time limit with a feasible solution that may not be optimal: the best the
    /// backend found, or the warm start when it stopped before finding any.
    TimeLimit,
}

/// The result of one component's model.
#[derive(Debug, Clone)]
pub struct ModelOutcome {
    /// Per child of the component (same order), the admitted list position.
    pub admitted: Vec<Option<u8>>,
    pub status: IpStatus,
    /// A bound on the children placed that the backend proved (its dual bound), when it gives
    /// one.
    pub bound: Option<usize>,
    pub variables: usize,
    pub constraints: usize,
    pub seconds: f64,
}

/// One priority group at a school: its applications and the prefix-sum variable after it.
struct Group {
    members: Vec<(usize, usize)>,
    /// The prefix-sum variable (compact form only).
    y: Option<Variable>,
}

/// The variables of a component's model; constraints are added straight into the backend.
struct Built {
    vars: ProblemVariables,
    objective: Expression,
    /// Initial (warm-start) value of every variable, in the order they were declared.
    initial: Vec<f64>,
    /// Objective weight of one child placed at her worst listed choice: a placed child adds at
    /// least this much, so `bound / min_weight` bounds the children placed.
    min_weight: f64,
    x: Vec<Vec<Variable>>,
    /// Per school slot: seats and priority groups, best first.
    schools: Vec<(f64, Vec<Group>)>,
}

/// Declares the variables and objective of one component's model, with `warm` (per child of the
/// component, a list position) as the initial solution.
fn build(
    component: &Component,
    applicants: &Applicants,
    warm: &[Option<u8>],
    formulation: Formulation,
) -> Built {
    let mut vars = ProblemVariables::new();
    let n = component.children.len();
    let longest = component
        .children
        .iter()
        .flat_map(|c| {
            applicants.lists[c.ix()]
                .iter()
                .map(|a| a.choice as usize + 1)
        })
        .max()
        .unwrap_or(1);
    let w = (n * longest + 1) as f64;
    let mut objective = Expression::default();
    let mut initial = Vec::new();
    let mut slot_of_school = vec![usize::MAX; applicants.capacity.len()];
    for (i, s) in component.schools.iter().enumerate() {
        slot_of_school[s.ix()] = i;
    }
    let mut apps_at: Vec<Vec<(Priority, usize, usize)>> = vec![Vec::new(); component.schools.len()];
    let mut x: Vec<Vec<Variable>> = Vec::with_capacity(n);
    for (i, c) in component.children.iter().enumerate() {
        let list = &applicants.lists[c.ix()];
        let row: Vec<Variable> = list
            .iter()
            .enumerate()
            .map(|(k, app)| {
                let on = f64::from(u8::from(warm[i] == Some(k as u8)));
                let v = vars.add(variable().binary().initial(on));
                initial.push(on);
                objective += (w - app.choice as f64) * v;
                apps_at[slot_of_school[app.school.ix()]].push((app.priority, i, k));
                v
            })
            .collect();
        x.push(row);
    }

    let mut schools = Vec::with_capacity(apps_at.len());
    for (slot, mut apps) in apps_at.into_iter().enumerate() {
        let q = applicants.capacity[component.schools[slot].ix()] as f64;
        apps.sort_unstable();
        let mut groups = Vec::new();
        let mut taken = 0usize;
        for run in apps.chunk_by(|a, b| a.0 == b.0) {
            taken += run
                .iter()
                .filter(|&&(_, i, k)| warm[i] == Some(k as u8))
                .count();
            let y = (formulation == Formulation::Compact).then(|| {
                initial.push(taken as f64);
                vars.add(variable().min(0.0).max(q).initial(taken as f64))
            });
            groups.push(Group {
                members: run.iter().map(|&(_, i, k)| (i, k)).collect(),
                y,
            });
        }
        schools.push((q, groups));
    }
    Built {
        vars,
        objective,
        initial,
        min_weight: w - (longest as f64 - 1.0),
        x,
        schools,
    }
}

/// Adds every constraint of the model to the backend, row by row.
fn add_rows(
    model: &mut impl SolverModel,
    x: &[Vec<Variable>],
    schools: &[(f64, Vec<Group>)],
) -> usize {
    let mut rows = 0;
    for row in x {
        if row.len() > 1 {
            model.add_constraint(row.iter().copied().sum::<Expression>().leq(1.0));
            rows += 1;
        }
    }
    for (q, groups) in schools {
        let q = *q;
        let mut previous: Option<Variable> = None;
        // Textbook form: every application in the groups so far.
        let mut so_far: Vec<Variable> = Vec::new();
        for g in groups {
            if q == 0.0 {
                for &(i, k) in &g.members {
                    model.add_constraint(Expression::from(x[i][k]).eq(0.0));
                    rows += 1;
                }
                continue;
            }
            let taken: Expression = match g.y {
                Some(y) => {
                    let mut sum: Expression = g.members.iter().map(|&(i, k)| x[i][k]).sum();
                    if let Some(prev) = previous {
                        sum += prev;
                    }
                    model.add_constraint(Expression::from(y).eq(sum));
                    rows += 1;
                    previous = Some(y);
                    y.into()
                }
                None => {
                    so_far.extend(g.members.iter().map(|&(i, k)| x[i][k]));
                    so_far.iter().copied().sum()
                }
            };
            for &(i, k) in &g.members {
                let at_least_as_good: Expression = x[i][..=k].iter().copied().sum();
                model.add_constraint((q * at_least_as_good + taken.clone()).geq(q));
                rows += 1;
            }
        }
        // Capacity: the compact form bounds the last prefix sum by q; the textbook form needs
        // the row.
        if !so_far.is_empty() {
            model.add_constraint(so_far.iter().copied().sum::<Expression>().leq(q));
            rows += 1;
        }
    }
    rows
}

fn extract(sol: &impl Solution, x: &[Vec<Variable>]) -> Vec<Option<u8>> {
    x.iter()
        .map(|row| {
            row.iter()
                .position(|&v| sol.value(v) > 0.5)
                .map(|k| k as u8)
        })
        .collect()
}

fn status_of(s: SolutionStatus) -> IpStatus {
    match s {
        SolutionStatus::Optimal => IpStatus::Optimal,
        // A gap stop is optimal within the gap the user asked for.
        SolutionStatus::GapLimit => IpStatus::Optimal,
        SolutionStatus::TimeLimit => IpStatus::TimeLimit,
    }
}

/// Solves a microlp model through good_lp and reads microlp's proven bound when the time limit
/// stopped it. microlp checks its deadline inside the simplex iterations, so it stops close to
/// the limit; if the limit struck before it had any assignment (in the root relaxation, before
/// adopting the warm start) good_lp returns [`good_lp::ResolutionError::Other`] — the only
/// use good_lp's microlp solver makes of that variant — and the warm start (deferred
/// acceptance, feasible) is kept, reported as stopped by the time limit with no bound.
#[cfg(feature = "microlp")]
fn solve_microlp(
    model: good_lp::solvers::microlp::MicroLpProblem,
    x: &[Vec<Variable>],
    warm: &[Option<u8>],
    min_weight: f64,
) -> Result<BackendAnswer, BackendError> {
    match model.solve() {
        Ok(sol) => {
            let admitted = extract(&sol, x);
            let status = status_of(sol.status());
            let bound = match status {
                IpStatus::Optimal => None,
                IpStatus::TimeLimit => sol
                    .into_inner()
                    .stats()
                    .best_bound
                    .filter(|b| b.is_finite() && *b >= 0.0)
                    .map(|b| (b / min_weight + 1e-6).floor() as usize),
            };
            Ok((admitted, status, bound))
        }
        Err(good_lp::ResolutionError::Other(_)) => Ok((warm.to_vec(), IpStatus::TimeLimit, None)),
        Err(e) => Err(e.into()),
    }
}

/// What a backend returns: the admitted list positions, the status and a proven bound on the
/// children placed.
#[cfg(any(feature = "highs", feature = "microlp"))]
type BackendAnswer = (Vec<Option<u8>>, IpStatus, Option<usize>);

/// Solves a HiGHS model directly (rather than through good_lp) to read the proven dual bound.
/// Settings: presolve as asked (off by default) and a zero gap (see docs/formulation.md); no feasibility-jump
/// heuristic — the model always starts from the feasible deferred-acceptance assignment, and
/// that heuristic does not watch the time limit.
#[cfg(feature = "highs")]
fn solve_highs(
    mut model: highs::Model,
    initial: &[f64],
    x: &[Vec<Variable>],
    min_weight: f64,
    options: &SolverOptions,
    gap: f32,
) -> Result<BackendAnswer, BackendError> {
    use highs::{HighsModelStatus as S, HighsSolutionStatus};
    model.make_quiet();
    fn set(
        m: &mut highs::Model,
        key: &'static str,
        v: impl highs::HighsOptionValue,
    ) -> Result<(), BackendError> {
        m.try_set_option(key, v)
            .map_err(|_| BackendError::HighsOption { option: key })
    }
    set(
        &mut model,
        "presolve",
        if options.presolve { "on" } else { "off" },
    )?;
    set(&mut model, "threads", options.threads.max(1) as i32)?;
    set(&mut model, "mip_rel_gap", f64::from(gap))?;
    set(&mut model, "mip_abs_gap", 0.5)?;
    set(&mut model, "mip_heuristic_run_feasibility_jump", false)?;
    if let Some(t) = options.time_limit_s {
        set(&mut model, "time_limit", t)?;
    }
    model
        .try_set_solution(Some(initial), None, None, None)
        .map_err(BackendError::HighsStart)?;
    let solved = model.try_solve().map_err(BackendError::HighsRun)?;
    let status = match solved.status() {
        S::Optimal | S::ObjectiveBound | S::ObjectiveTarget => IpStatus::Optimal,
        S::ReachedTimeLimit
        | S::ReachedSolutionLimit
        | S::ReachedInterrupt
        | S::ReachedIterationLimit
        | S::ReachedMemoryLimit => IpStatus::TimeLimit,
        // Infeasible statuses too: `BackendError::is_infeasible` tells them apart.
        other => return Err(BackendError::HighsStatus(other)),
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Err(BackendError::HighsNoSolution);
    }
    let columns = solved.get_solution().columns().to_vec();
    // Variables are declared x first (child by child, list order), in `x`'s order.
    let mut next = 0;
    let admitted = x
        .iter()
        .map(|row| {
            let first = next;
            next += row.len();
            columns[first..next]
                .iter()
                .position(|&v| v > 0.5)
                .map(|k| k as u8)
        })
        .collect();
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite() && *b >= 0.0)
        .map(|b| (b / min_weight + 1e-6).floor() as usize);
    Ok((admitted, status, bound))
}

/// Builds and solves the model of one component; `index` numbers the component in errors.
/// Fails with [`SolveError::Infeasible`] when the backend proves the model infeasible, else
/// with [`SolveError::Backend`] and the backend's typed error.
pub fn solve_component(
    index: usize,
    component: &Component,
    applicants: &Applicants,
    warm: &[Option<u8>],
    options: &SolverOptions,
) -> Result<ModelOutcome, SolveError> {
    run(component, applicants, warm, options).map_err(|source| {
        if source.is_infeasible() {
            SolveError::Infeasible { component: index }
        } else {
            SolveError::Backend {
                component: index,
                source,
            }
        }
    })
}

/// Builds and solves the model of one component with the backend of `options`.
fn run(
    component: &Component,
    applicants: &Applicants,
    warm: &[Option<u8>],
    options: &SolverOptions,
) -> Result<ModelOutcome, BackendError> {
    let started = Instant::now();
    let Built {
        vars,
        objective,
        initial,
        min_weight,
        x,
        schools,
    } = build(component, applicants, warm, options.formulation);
    let variables = vars.len();
    let problem = vars.maximise(objective);
    let gap = options.mip_gap as f32;
    let (admitted, status, bound, n_constraints) = match options.backend {
        Backend::Microlp => {
            #[cfg(feature = "microlp")]
            {
                let mut model = problem.using(good_lp::microlp);
                if let Some(t) = options.time_limit_s {
                    model = model.with_time_limit(t);
                }
                let mut model = model.with_mip_gap(gap)?;
                let rows = add_rows(&mut model, &x, &schools);
                let (admitted, status, bound) = solve_microlp(model, &x, warm, min_weight)?;
                (admitted, status, bound, rows)
            }
            #[cfg(not(feature = "microlp"))]
            {
                let _ = (problem, schools, gap);
                return Err(BackendError::MicrolpMissing);
            }
        }
        Backend::Highs => {
            #[cfg(feature = "highs")]
            {
                let mut model = problem.using(good_lp::highs);
                let rows = add_rows(&mut model, &x, &schools);
                let model = model.try_into_inner()?;
                let (admitted, status, bound) =
                    solve_highs(model, &initial, &x, min_weight, options, gap)?;
                (admitted, status, bound, rows)
            }
            #[cfg(not(feature = "highs"))]
            {
                let _ = (problem, schools, gap, initial, min_weight);
                return Err(BackendError::HighsMissing);
            }
        }
    };
    Ok(ModelOutcome {
        admitted,
        status,
        bound,
        variables,
        constraints: n_constraints,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use good_lp::ResolutionError;

    use crate::error::BackendError;

    #[test]
    fn infeasibility_is_read_from_the_variant_not_the_words() {
        assert!(BackendError::Resolution(ResolutionError::Infeasible).is_infeasible());
        let worded = ResolutionError::Str("the model is infeasible".into());
        assert!(!BackendError::Resolution(worded).is_infeasible());
        assert!(!BackendError::Resolution(ResolutionError::Unbounded).is_infeasible());
        assert!(!BackendError::HighsMissing.is_infeasible());
    }

    #[test]
    fn backend_errors_keep_the_words_reports_show() {
        assert_eq!(
            BackendError::Resolution(ResolutionError::Other("boom")).to_string(),
            ResolutionError::Other("boom").to_string()
        );
        assert_eq!(
            BackendError::HighsMissing.to_string(),
            "this build has no HiGHS backend: rebuild with `--features highs`"
        );
    }
}
