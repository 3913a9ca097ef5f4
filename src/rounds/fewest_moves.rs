//! The fewest moves (`--fewest-moves`): an integer program, built with good_lp, that chooses the
//! round's choice stage among every assignment that respects the floors and leaves no justified
//! envy among the children allowed to move, the one that places the most children by choice and
//! then moves the fewest children who held a place.
//!
//! Variables `x[c,k] ∈ {0,1}` for each application `k` of child `c` in the [`FloorLists`] (her
//! schools above her floor, then her public floor). Each school's applications are grouped by
//! priority — the floors first, then by tier and points class, equal priorities in one group
//! (the weak form, exact when ties are kept) — with continuous prefix sums `Y[s,g]` of the seats
//! its groups `1..=g` take. Constraints:
//!
//! - one place at most, and exactly one for a child with a public floor: `Σ_k x[c,k] ≤ 1`
//!   (`= 1`);
//! - capacity: `Y[s,last] ≤ q_s` (the larger of the seats and the floors held there);
//! - no justified envy: for every application `k` of `c` at `s` in group `g` other than her
//!   floor, `q_s · Σ_{k' ≤ k} x[c,k'] + Y[s,g] ≥ q_s` — she holds `s` or a school she prefers,
//!   or `s` is full of floors and of children whose priority is at least hers.
//!
//! Objective: minimise `−A·placed + B·moves + Σ choice index · x` with `B = n·L + 1` and
//! `A = (n + 1)·B`, so the most children placed by choice come first (a listed school, or a
//! floor won by choice; a coordinated floor kept is no choice placement), then the fewest moves
//! (a move: a child with a floor — public or bought — who ends elsewhere), then the best choices.
//! With strict priorities every such assignment places the same children (deferred acceptance's
//! count), so only the moves are chosen; with kept ties the program also chooses how ties fall.

use good_lp::{variable, Expression, ProblemVariables, Solution, SolverModel, Variable};

use super::reallocate::{Floor, FloorLists};
use crate::assign::SolverOptions;
use crate::error::{BackendError, SolveError};

/// The choice stage with the fewest moves: per child, the admitted list position.
pub fn choice_stage(
    lists: &FloorLists,
    floors: &[Floor],
    options: &SolverOptions,
) -> Result<Vec<Option<u8>>, SolveError> {
    solve(lists, floors, options).map_err(|source| {
        if source.is_infeasible() {
            SolveError::Infeasible { component: 0 }
        } else {
            SolveError::Backend {
                component: 0,
                source,
            }
        }
    })
}

/// The model's variables and rows, before a backend is chosen.
struct Built {
    vars: ProblemVariables,
    objective: Expression,
    x: Vec<Vec<Variable>>,
    rows: Vec<good_lp::Constraint>,
}

fn build(lists: &FloorLists, floors: &[Floor]) -> Built {
    let app = &lists.applicants;
    let n = app.lists.len();
    let longest = app.lists.iter().map(Vec::len).max().unwrap_or(0);
    let w_move = (n * longest + 1) as f64;
    let w_place = (n as f64 + 1.0) * w_move;
    let mut vars = ProblemVariables::new();
    let x: Vec<Vec<Variable>> = app
        .lists
        .iter()
        .map(|l| l.iter().map(|_| vars.add(variable().binary())).collect())
        .collect();
    let mut objective = Expression::from(0.0);
    let mut rows = Vec::new();
    // Per school, its applications as (grade, child, position): grade 0 for a floor.
    let mut at: Vec<Vec<(u64, usize, usize)>> = vec![Vec::new(); app.capacity.len()];
    for (c, list) in app.lists.iter().enumerate() {
        let mut one = Expression::from(0.0);
        let bought = matches!(floors[c], Floor::Purchased { .. });
        for (k, a) in list.iter().enumerate() {
            let floor = lists.floor_last[c] && k + 1 == list.len();
            let grade = if floor {
                0
            } else {
                1 + ((u64::from(a.priority.tier) << 32) | u64::from(a.priority.class))
            };
            at[a.school.ix()].push((grade, c, k));
            one += x[c][k];
            // Moves, up to a constant: staying at a public floor saves one; leaving a bought
            // place for a school of the list is one.
            let mv = if floor {
                -w_move
            } else if bought {
                w_move
            } else {
                0.0
            };
            // Placed by choice: every school of her list, and her floor only when she won it by
            // choice — a coordinated seat kept is not a choice placement.
            let by_choice = !floor || matches!(floors[c], Floor::Choice { .. });
            let place = if by_choice { w_place } else { 0.0 };
            objective += (k as f64 - place + mv) * x[c][k];
        }
        if lists.floor_last[c] {
            rows.push(one.eq(1.0));
        } else if !list.is_empty() {
            rows.push(one.leq(1.0));
        }
    }
    for (s, apps) in at.iter_mut().enumerate() {
        if apps.is_empty() {
            continue;
        }
        apps.sort_unstable();
        let q = f64::from(app.capacity[s]);
        // Prefix sums by group.
        let mut prefix: Vec<(u64, Variable)> = Vec::new();
        let mut i = 0;
        let mut previous: Option<Variable> = None;
        while i < apps.len() {
            let grade = apps[i].0;
            let mut sum = Expression::from(0.0);
            if let Some(p) = previous {
                sum += p;
            }
            while i < apps.len() && apps[i].0 == grade {
                sum += x[apps[i].1][apps[i].2];
                i += 1;
            }
            let y = vars.add(variable().min(0.0));
            rows.push(Expression::from(y).eq(sum));
            prefix.push((grade, y));
            previous = Some(y);
        }
        let last = prefix.last().expect("a school with applications").1;
        rows.push(Expression::from(last).leq(q));
        for &(grade, c, k) in apps.iter() {
            if grade == 0 {
                continue;
            }
            let y = prefix
                .iter()
                .find(|(g, _)| *g == grade)
                .expect("every grade has its prefix")
                .1;
            let mut lhs = Expression::from(y);
            for &better in &x[c][..=k] {
                lhs += q * better;
            }
            rows.push(lhs.geq(q));
        }
    }
    Built {
        vars,
        objective,
        x,
        rows,
    }
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

fn solve(
    lists: &FloorLists,
    floors: &[Floor],
    options: &SolverOptions,
) -> Result<Vec<Option<u8>>, BackendError> {
    let Built {
        vars,
        objective,
        x,
        rows,
    } = build(lists, floors);
    if x.iter().all(Vec::is_empty) {
        return Ok(vec![None; x.len()]);
    }
    let problem = vars.minimise(objective);
    match options.backend {
        crate::assign::Backend::Microlp => {
            #[cfg(feature = "microlp")]
            {
                let mut model = problem.using(good_lp::microlp);
                for r in rows {
                    model.add_constraint(r);
                }
                let sol = model.solve()?;
                Ok(extract(&sol, &x))
            }
            #[cfg(not(feature = "microlp"))]
            {
                let _ = (problem, rows);
                Err(BackendError::MicrolpMissing)
            }
        }
        crate::assign::Backend::Highs => {
            #[cfg(feature = "highs")]
            {
                let mut model = problem.using(good_lp::highs);
                for r in rows {
                    model.add_constraint(r);
                }
                let sol = model.solve()?;
                Ok(extract(&sol, &x))
            }
            #[cfg(not(feature = "highs"))]
            {
                let _ = (problem, rows);
                Err(BackendError::HighsMissing)
            }
        }
    }
}
