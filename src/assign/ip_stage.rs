//! The integer-program strategy of the choice stage: pruning, components, one model each.
//!
//! Deferred acceptance (ties broken by the fallback order) gives a feasible start. Exact pruning
//! ([`super::prune`]) removes applications no weakly stable assignment uses; the pruned choice
//! graph splits into independent components ([`super::components`]), solved in parallel: a
//! component without ties keeps the deferred-acceptance result (the proven optimum) unless the
//! integer program is asked on every component; the others run the model of [`super::model`],
//! warm-started from deferred acceptance. Positions are mapped back to the original lists at
//! the end.

use std::collections::HashMap;

use rayon::prelude::*;

use super::components::{components, Component};
use super::da::deferred_acceptance;
use super::model::{solve_component, IpStatus, SolverOptions};
use super::prune::{prune, Pruned};
use super::public::{trivial_bound, ComponentReport, ComponentStatus};
use super::Applicants;
use crate::error::SolveError;

/// A component's report, and its children's positions in the pruned lists when the model
/// replaced the deferred-acceptance start.
type Solved = (ComponentReport, Option<Vec<Option<u8>>>);

/// Whether two applicants of one school in the component share a priority.
fn has_ties(component: &Component, applicants: &Applicants) -> bool {
    let mut slot = HashMap::new();
    for (i, s) in component.schools.iter().enumerate() {
        slot.insert(*s, i);
    }
    let mut prios = vec![Vec::new(); component.schools.len()];
    for c in &component.children {
        for app in &applicants.lists[c.ix()] {
            prios[slot[&app.school]].push(app.priority);
        }
    }
    prios.iter_mut().any(|p| {
        p.sort_unstable();
        p.windows(2).any(|w| w[0] == w[1])
    })
}

/// Solves the choice stage with the integer program on the components with ties, or on
/// `every_component`. Returns, per child, the admitted position in her application list, and
/// the report of each component.
pub(super) fn solve(
    applicants: &Applicants,
    every_component: bool,
    options: &SolverOptions,
) -> Result<(Vec<Option<u8>>, Vec<ComponentReport>), SolveError> {
    let mut admitted = deferred_acceptance(applicants);
    // Exact pruning first (no weakly stable assignment uses what it removes), then the model
    // on the pruned applications, in positions mapped back at the end.
    let pruned = if options.prune {
        prune(applicants)
    } else {
        Pruned::none(applicants)
    };
    let work = &pruned.applicants;
    let warm: Vec<Option<u8>> = admitted
        .iter()
        .enumerate()
        .map(|(c, &pos)| {
            let p = pruned.pruned_position(c, pos);
            assert_eq!(
                p.is_some(),
                pos.is_some(),
                "pruning removed a weakly stable placement"
            );
            p
        })
        .collect();
    let parts = components(work);
    let results: Vec<Solved> = parts
        .par_iter()
        .enumerate()
        .map(|(index, part)| solve_one(index, part, work, &warm, every_component, options))
        .collect::<Result<_, SolveError>>()?;
    let mut reports = Vec::with_capacity(results.len());
    for (part, (rep, solved)) in parts.iter().zip(results) {
        if let Some(solved) = solved {
            for (c, pos) in part.children.iter().zip(solved) {
                admitted[c.ix()] = pruned.to_original(c.ix(), pos);
            }
        }
        reports.push(rep);
    }
    Ok((admitted, reports))
}

/// Solves component `index`: its report, and its children's positions in the pruned lists when
/// the model replaced the deferred-acceptance start (`warm`, per child of the city).
fn solve_one(
    index: usize,
    part: &Component,
    work: &Applicants,
    warm: &[Option<u8>],
    every_component: bool,
    options: &SolverOptions,
) -> Result<Solved, SolveError> {
    let ties = has_ties(part, work);
    let mut rep = ComponentReport {
        schools: part.schools.len(),
        children: part.children.len(),
        ties,
        status: ComponentStatus::StrictPrioritiesDa,
        variables: 0,
        constraints: 0,
        seconds: 0.0,
        placed: part
            .children
            .iter()
            .filter(|c| warm[c.ix()].is_some())
            .count(),
        bound: 0,
    };
    let trivial = trivial_bound(
        work,
        part.children.iter().map(|c| c.ix()),
        part.schools.iter().map(|s| s.ix()),
    );
    if !ties && !every_component {
        rep.bound = rep.placed;
        return Ok((rep, None));
    }
    let start: Vec<Option<u8>> = part.children.iter().map(|c| warm[c.ix()]).collect();
    match solve_component(index, part, work, &start, options) {
        Ok(out) => {
            rep.status = match out.status {
                IpStatus::Optimal => ComponentStatus::IpOptimal,
                IpStatus::TimeLimit => ComponentStatus::IpTimeLimit,
            };
            rep.variables = out.variables;
            rep.constraints = out.constraints;
            rep.seconds = out.seconds;
            rep.placed = out.admitted.iter().filter(|a| a.is_some()).count();
            // The backend's dual bound (HiGHS) when it has one, else the trivial one.
            rep.bound = if rep.status.proven() {
                rep.placed
            } else {
                out.bound
                    .map_or(trivial, |b| b.clamp(rep.placed, trivial.max(rep.placed)))
            };
            Ok((rep, Some(out.admitted)))
        }
        // Any other failure keeps the deferred-acceptance start, reported with the backend's
        // own words.
        Err(SolveError::Backend { source, .. }) => {
            rep.bound = trivial;
            rep.status = ComponentStatus::IpFailed {
                message: source.to_string(),
            };
            Ok((rep, None))
        }
        Err(e) => Err(e),
    }
}
