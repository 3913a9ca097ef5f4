//! The choice stage: who gets which listed public school, and how that was proven.
//!
//! [`Mechanism::Optimal`] (the default) returns the optimum of the model in [`super::model`]:
//! where a component's priorities are strict, that optimum is deferred acceptance (DA) — the
//! child-optimal stable assignment, which places the same children as any stable assignment and
//! gives each child her best stable school — so DA is used and no solver runs; where ties are
//! kept, the integer program runs on that component, warm-started from DA with ties broken by
//! the fallback order. [`Mechanism::Ip`] runs the integer program on every component (to check
//! the theorem, or to time the model). The reference mechanisms run as named, without claims.

use std::time::Instant;

use rayon::prelude::*;

use super::components::{components, Component};
use super::da::{deferred_acceptance, deferred_acceptance_admit_tied, serial_dictatorship};
use super::model::{solve_component, IpStatus, SolverOptions};
use super::prune::{prune, Pruned};
use super::quotas::deferred_acceptance_reserved;
use super::siblings::deferred_acceptance_units;
use super::Applicants;
use crate::error::SolveError;
use crate::policy::TieRule;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// How the choice stage is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mechanism {
    /// The exact optimum: DA where priorities are strict (proven by theory), the integer
    /// program where ties are kept.
    #[default]
    Optimal,
    /// The integer program on every component.
    Ip,
    /// Child-proposing deferred acceptance; kept ties broken by the fallback order.
    DeferredAcceptance,
    /// Serial dictatorship over the city-wide fallback order (ignores per-school tiers).
    SerialDictatorship,
}

impl Mechanism {
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Optimal => "optimal",
            Mechanism::Ip => "ip",
            Mechanism::DeferredAcceptance => "deferred-acceptance",
            Mechanism::SerialDictatorship => "serial-dictatorship",
        }
    }
}

/// How one component was solved.
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentStatus {
    /// Strict priorities: DA is the proven optimum.
    StrictPrioritiesDa,
    /// The integer program proved optimality.
    IpOptimal,
    /// The integer program hit its time limit; its best solution is used, optimality unproven.
    IpTimeLimit,
    /// The backend failed; the DA warm start (weakly stable, maybe not maximum) is used.
    IpFailed { message: String },
    /// Rule `admit_all_tied`: deferred acceptance with over-admission of a tie at the last seat,
    /// the child-optimal outcome of that rule.
    AdmitAllTiedDa,
    /// Joint applications of siblings: deferred acceptance over units with the envy repair; no
    /// justified envy (checked), but no optimality claim.
    JointApplicationsDa,
    /// A reference mechanism was asked for; no optimality claim.
    Reference,
}

impl ComponentStatus {
    pub fn name(&self) -> &'static str {
        match self {
            ComponentStatus::StrictPrioritiesDa => {
                "optimal (strict priorities: deferred acceptance)"
            }
            ComponentStatus::IpOptimal => "optimal (integer program)",
            ComponentStatus::IpTimeLimit => "time limit (integer program, optimality not proven)",
            ComponentStatus::IpFailed { .. } => {
                "solver failed (kept the deferred-acceptance start)"
            }
            ComponentStatus::AdmitAllTiedDa => {
                "exact (admit all tied: deferred acceptance with over-admission)"
            }
            ComponentStatus::JointApplicationsDa => {
                "no justified envy (joint applications: deferred acceptance over units; optimality not claimed)"
            }
            ComponentStatus::Reference => "reference mechanism",
        }
    }

    /// Whether the component's result is a proven optimum.
    pub fn proven(&self) -> bool {
        matches!(
            self,
            ComponentStatus::StrictPrioritiesDa
                | ComponentStatus::IpOptimal
                | ComponentStatus::AdmitAllTiedDa
        )
    }
}

/// What was solved for one component (or for the whole city when no split was needed).
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentReport {
    pub schools: usize,
    pub children: usize,
    pub ties: bool,
    pub status: ComponentStatus,
    pub variables: usize,
    pub constraints: usize,
    pub seconds: f64,
    /// Children placed by choice in this component.
    pub placed: usize,
    /// A proven upper bound on how many could be placed: `placed` when optimality is proven,
    /// else the fewer of the component's applicants and its seats.
    pub bound: usize,
}

/// How the choice stage was solved.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicReport {
    pub mechanism: Mechanism,
    pub components: Vec<ComponentReport>,
    pub seconds: f64,
}

impl PublicReport {
    /// Whether every component's result is a proven optimum.
    pub fn proven_optimal(&self) -> bool {
        self.components.iter().all(|c| c.status.proven())
    }
}

/// A bound no assignment can beat: the fewer of the children with an application and the seats.
fn trivial_bound(
    applicants: &Applicants,
    children: impl Iterator<Item = usize>,
    schools: impl Iterator<Item = usize>,
) -> usize {
    let wanting = children
        .filter(|&c| !applicants.lists[c].is_empty())
        .count();
    let seats: usize = schools.map(|s| applicants.capacity[s] as usize).sum();
    wanting.min(seats)
}

/// Whether two applicants of one school in the component share a priority.
fn has_ties(component: &Component, applicants: &Applicants) -> bool {
    let mut slot = std::collections::HashMap::new();
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

/// Solves the choice stage. Returns, per child, the admitted position in her application list.
pub fn solve(
    scenario: &Scenario,
    ranking: &Ranking,
    applicants: &Applicants,
    mechanism: Mechanism,
    options: &SolverOptions,
) -> Result<(Vec<Option<u8>>, PublicReport), SolveError> {
    let started = Instant::now();
    let whole = |status: ComponentStatus, seconds: f64, admitted: &[Option<u8>]| {
        let placed = admitted.iter().filter(|a| a.is_some()).count();
        let bound = if status.proven() {
            placed
        } else {
            trivial_bound(
                applicants,
                applicants.lists.iter().enumerate().map(|(c, _)| c),
                0..applicants.capacity.len(),
            )
        };
        ComponentReport {
            schools: scenario.schools.len(),
            children: scenario.children.len(),
            ties: !ranking.strict,
            status,
            variables: 0,
            constraints: 0,
            seconds,
            placed,
            bound,
        }
    };
    let report = |components: Vec<ComponentReport>| PublicReport {
        mechanism,
        components,
        seconds: started.elapsed().as_secs_f64(),
    };
    if scenario.children.iter().any(|c| c.sibling_group.is_some()) {
        let unsupported = |feature| SolveError::Unsupported {
            mechanism: mechanism.name(),
            feature,
        };
        if !ranking.strict {
            return Err(unsupported(
                "joint applications of siblings when ties are kept",
            ));
        }
        if applicants.reserved.iter().any(|&r| r > 0) {
            return Err(unsupported(
                "joint applications of siblings together with reserved seats",
            ));
        }
        if matches!(mechanism, Mechanism::Ip | Mechanism::SerialDictatorship) {
            return Err(unsupported("joint applications of siblings"));
        }
        let groups: Vec<Option<u32>> = scenario.children.iter().map(|c| c.sibling_group).collect();
        let admitted = deferred_acceptance_units(applicants, &groups).map_err(|message| {
            SolveError::Failed {
                component: 0,
                message,
            }
        })?;
        let status = if mechanism == Mechanism::Optimal {
            ComponentStatus::JointApplicationsDa
        } else {
            ComponentStatus::Reference
        };
        let r = whole(status, started.elapsed().as_secs_f64(), &admitted);
        return Ok((admitted, report(vec![r])));
    }
    if applicants.reserved.iter().any(|&r| r > 0) {
        // Reserved seats: deferred acceptance with the reserved-seats choice rule, which is the
        // child-optimal assignment without justified envy for that rule (see `quotas`).
        if !ranking.strict || matches!(mechanism, Mechanism::Ip | Mechanism::SerialDictatorship) {
            return Err(SolveError::Unsupported {
                mechanism: mechanism.name(),
                feature: if ranking.strict {
                    "seats reserved for migrant children"
                } else {
                    "seats reserved for migrant children when ties are kept"
                },
            });
        }
        let admitted = deferred_acceptance_reserved(applicants, &applicants.migrant);
        let status = if mechanism == Mechanism::Optimal {
            ComponentStatus::StrictPrioritiesDa
        } else {
            ComponentStatus::Reference
        };
        let r = whole(status, started.elapsed().as_secs_f64(), &admitted);
        return Ok((admitted, report(vec![r])));
    }
    if scenario.policy.tie_rule == TieRule::AdmitAllTied
        && mechanism != Mechanism::SerialDictatorship
    {
        // The rule itself fixes the outcome; an integer program has nothing to choose.
        let admitted = deferred_acceptance_admit_tied(applicants);
        let r = whole(
            ComponentStatus::AdmitAllTiedDa,
            started.elapsed().as_secs_f64(),
            &admitted,
        );
        return Ok((admitted, report(vec![r])));
    }
    match mechanism {
        Mechanism::SerialDictatorship => {
            let admitted = serial_dictatorship(applicants, &ranking.fallback_order);
            let r = whole(
                ComponentStatus::Reference,
                started.elapsed().as_secs_f64(),
                &admitted,
            );
            return Ok((admitted, report(vec![r])));
        }
        Mechanism::DeferredAcceptance => {
            let admitted = deferred_acceptance(applicants);
            let r = whole(
                ComponentStatus::Reference,
                started.elapsed().as_secs_f64(),
                &admitted,
            );
            return Ok((admitted, report(vec![r])));
        }
        Mechanism::Optimal if ranking.strict => {
            let admitted = deferred_acceptance(applicants);
            let r = whole(
                ComponentStatus::StrictPrioritiesDa,
                started.elapsed().as_secs_f64(),
                &admitted,
            );
            return Ok((admitted, report(vec![r])));
        }
        Mechanism::Optimal | Mechanism::Ip => {}
    }

    let mut admitted = deferred_acceptance(applicants);
    // Exact pruning first (no weakly stable assignment uses what it removes), then the model
    // on the pruned applications, in positions mapped back at the end.
    let pruned = if options.prune {
        prune(applicants)
    } else {
        Pruned::none(applicants)
    };
    let work = &pruned.applicants;
    let warm_all: Vec<Option<u8>> = admitted
        .iter()
        .enumerate()
        .map(|(c, &pos)| {
            let p = pruned.from_original(c, pos);
            assert_eq!(
                p.is_some(),
                pos.is_some(),
                "pruning removed a weakly stable placement"
            );
            p
        })
        .collect();
    let parts = components(work);
    let results: Vec<(ComponentReport, Option<Vec<Option<u8>>>)> = parts
        .par_iter()
        .enumerate()
        .map(|(index, part)| {
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
                    .filter(|c| admitted[c.ix()].is_some())
                    .count(),
                bound: 0,
            };
            let trivial = trivial_bound(
                work,
                part.children.iter().map(|c| c.ix()),
                part.schools.iter().map(|s| s.ix()),
            );
            if !ties && mechanism == Mechanism::Optimal {
                rep.bound = rep.placed;
                return Ok((rep, None));
            }
            let warm: Vec<Option<u8>> = part.children.iter().map(|c| warm_all[c.ix()]).collect();
            match solve_component(part, work, &warm, options) {
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
                Err(message) if message.to_lowercase().contains("infeasible") => {
                    Err(SolveError::Infeasible { component: index })
                }
                Err(message) => {
                    rep.bound = trivial;
                    rep.status = ComponentStatus::IpFailed { message };
                    Ok((rep, None))
                }
            }
        })
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
    Ok((admitted, report(reports)))
}
