//! The choice stage: who gets which listed public school, and how that was proven.
//!
//! [`Mechanism::Optimal`] (the default) returns the optimum of the model in [`super::model`]:
//! where a component's priorities are strict, that optimum is deferred acceptance (DA) — the
//! child-optimal stable assignment, which places the same children as any stable assignment and
//! gives each child her best stable school — so DA is used and no solver runs; where ties are
//! kept, the integer program runs on that component, warm-started from DA with ties broken by
//! the fallback order. [`Mechanism::Ip`] runs the integer program on every component (to check
//! the theorem, or to time the model). The reference mechanisms run as named, without claims.
//!
//! [`solve`] chooses how to solve once, from the mechanism and the features the scenario uses
//! (sibling groups, reserved seats, the tie rule, strict or tied priorities; `strategy.rs`,
//! where unsupported combinations are refused), then runs that strategy.

use std::time::Instant;

use super::model::SolverOptions;
use super::strategy::{Features, Strategy};
use super::Applicants;
use crate::error::SolveError;
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
    /// The mechanism's name as written on the command line and in the manifest (e.g. `optimal`).
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
    /// The integer program hit its time limit; its best solution is used (at worst the
    /// deferred-acceptance warm start), optimality unproven.
    IpTimeLimit,
    /// The backend failed; the DA warm start (weakly stable, maybe not maximum) is used.
    IpFailed {
        /// The backend's own words for the failure.
        message: String,
    },
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
    /// The status in words, as reports print it.
    pub fn name(&self) -> &'static str {
        match self {
            ComponentStatus::StrictPrioritiesDa => {
                "optimal (strict priorities: deferred acceptance)"
            }
            ComponentStatus::IpOptimal => "optimal (integer program)",
            ComponentStatus::IpTimeLimit => {
                "time limit reached (integer program: kept its best assignment, at worst the deferred-acceptance start; optimality not proven)"
            }
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
    /// Public schools in the component.
    pub schools: usize,
    /// Children with at least one winnable application in the component.
    pub children: usize,
    /// Whether some school of the component has applicants of equal priority (ties kept).
    pub ties: bool,
    /// How the component was solved.
    pub status: ComponentStatus,
    /// Variables of its integer program; 0 when no program was built.
    pub variables: usize,
    /// Constraints of its integer program; 0 when no program was built.
    pub constraints: usize,
    /// Wall-clock seconds spent solving it (0 for a component deferred acceptance settled alone).
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
    /// The mechanism asked for.
    pub mechanism: Mechanism,
    /// One report per independent component of the choice graph, or one for the whole city when
    /// it was not split.
    pub components: Vec<ComponentReport>,
    /// Wall-clock seconds the whole choice stage took.
    pub seconds: f64,
}

impl PublicReport {
    /// Whether every component's result is a proven optimum.
    pub fn proven_optimal(&self) -> bool {
        self.components.iter().all(|c| c.status.proven())
    }
}

/// A bound no assignment can beat: the fewer of the children with an application and the seats.
pub(super) fn trivial_bound(
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

/// Solves the choice stage: chooses the strategy for `mechanism` and the scenario's features
/// (refusing combinations the mechanism does not handle), then runs it. Returns, per child, the admitted position in her application list.
pub fn solve(
    scenario: &Scenario,
    ranking: &Ranking,
    applicants: &Applicants,
    mechanism: Mechanism,
    options: &SolverOptions,
) -> Result<(Vec<Option<u8>>, PublicReport), SolveError> {
    let started = Instant::now();
    let strategy = Strategy::choose(mechanism, Features::of(scenario, ranking, applicants))?;
    let (admitted, components) = strategy.run(scenario, ranking, applicants, options, started)?;
    let report = PublicReport {
        mechanism,
        components,
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((admitted, report))
}
