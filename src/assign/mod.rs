//! Placing children: the public choice stage, coordinated placement, purchased private places.
//!
//! The pipeline, in order:
//! 1. **Choice stage** ([`public`]): an assignment of children to the public schools they listed
//!    with capacities respected, no justified envy, and — among such assignments — the most
//!    children placed and then the best choice ranks. A strategy is chosen once from the
//!    mechanism and the scenario's features (`strategy.rs`), then run. With strict priorities
//!    the optimum is exactly child-proposing deferred acceptance ([`da`]: one loop, parameterised
//!    by each school's choice rule); when ties are kept it is a maximum weakly stable
//!    assignment, found by the integer program in [`model`] on each independent component of
//!    the choice graph ([`components`]), in parallel (`ip_stage.rs`). Seats reserved for migrant
//!    children ([`quotas`]), over-admission of ties at the last seat ([`admit_tied`]) and joint
//!    applications of siblings ([`siblings`]) are other choice rules of the same deferred
//!    acceptance (strict priorities only).
//! 2. **Coordinated placement** (统筹, [`fallback`]): children still unplaced, best priority first,
//!    take the nearest public school of their district with a spare seat (or, as the scenario's
//!    `[fallback] coordinated` says, their catchment's first, the nearest of the city, or none).
//! 3. **Purchased places** ([`purchase`]): among the rest, the best-priority set of children
//!    that seats in reach and the budget can take is bought places, at the least total cost and
//!    then distance (incremental min-cost flow).
//!
//! Anyone left is reported unplaced with the reason. The result is verified by [`crate::check`],
//! which shares no code with this module.

pub mod admit_tied;
pub mod components;
pub mod da;
pub mod fallback;
mod ip_stage;
pub mod model;
pub mod prune;
pub mod public;
pub mod purchase;
#[cfg(any(test, feature = "internals"))]
pub mod purchase_oracle;
mod purchase_pool;
pub mod quotas;
pub mod serial;
pub mod siblings;
mod strategy;

use crate::domain::{PrivateIdx, SchoolIdx};
use crate::ranking::{Priority, Ranking};
use crate::scenario::Scenario;

pub use model::{Backend, Formulation, SolverOptions};
pub use public::{ComponentReport, ComponentStatus, Mechanism, PublicReport};
pub use purchase::PurchaseReport;

/// Why a child ended without any place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnplacedReason {
    /// No private school with purchasable places within the allowed reach.
    NoPrivateInReach,
    /// Private schools within reach exist but their purchasable places were all taken.
    PrivateSeatsFull,
    /// A reachable private place was free but the remaining budget could not pay for it.
    BudgetExhausted,
}

impl UnplacedReason {
    /// The reason's word in placement files and reports (e.g. `budget_exhausted`).
    pub fn as_str(self) -> &'static str {
        match self {
            UnplacedReason::NoPrivateInReach => "no_private_school_in_reach",
            UnplacedReason::PrivateSeatsFull => "private_places_full",
            UnplacedReason::BudgetExhausted => "budget_exhausted",
        }
    }
}

/// Where a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Admitted to a school she listed; `rank` is 1-based (1 = first choice).
    Choice {
        /// The public school she was admitted to.
        school: SchoolIdx,
        /// Position of that school in her list, 1-based.
        rank: u8,
    },
    /// Placed by the bureau in a public school with spare seats (of her district, unless the
    /// scenario's coordinated stage says otherwise).
    Coordinated {
        /// The public school she was placed in.
        school: SchoolIdx,
    },
    /// A private place bought by the bureau.
    Purchased {
        /// The private school whose place was bought for her.
        school: PrivateIdx,
    },
    /// No place at all: neither by choice, coordinated, nor bought.
    Unplaced {
        /// Why the purchase stage could not place her either.
        reason: UnplacedReason,
    },
}

impl Outcome {
    /// The public school, if the child is in one.
    pub fn public_school(self) -> Option<SchoolIdx> {
        match self {
            Outcome::Choice { school, .. } | Outcome::Coordinated { school } => Some(school),
            _ => None,
        }
    }
}

/// A complete placement of every child of a scenario, with how it was obtained.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// One outcome per child, indexed by [`ChildIdx`](crate::domain::ChildIdx).
    pub outcomes: Vec<Outcome>,
    /// How the choice stage was solved.
    pub public: PublicReport,
    /// Money spent on bought places, in yuan.
    pub spent_yuan: u64,
    /// What the purchase stage bought and why children were left unplaced.
    pub purchase: PurchaseReport,
}

/// One application a child can actually win: a listed school where she holds a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Application {
    pub school: SchoolIdx,
    /// 0-based position in the child's own list of choices.
    pub choice: u8,
    /// Priority at the school; equal priorities are ties.
    pub priority: Priority,
    /// A strict key (priority, then the fallback order) for tie-broken mechanisms.
    pub key: u64,
}

/// The choice stage's input: each child's winnable applications and each school's seats.
#[derive(Debug, Clone)]
pub struct Applicants {
    /// Per child (indexed like the scenario), her applications best first.
    pub lists: Vec<Vec<Application>>,
    /// Seats per public school.
    pub capacity: Vec<u32>,
    /// Seats per public school reserved for migrant children ([`quotas`]).
    pub reserved: Vec<u32>,
    /// Per child, whether she is a migrant child (no local hukou).
    pub migrant: Vec<bool>,
}

impl Applicants {
    /// Builds the applications of every child. Children who failed the gates have none; a
    /// listed school where the child holds no tier is left out.
    pub fn build(scenario: &Scenario, ranking: &Ranking) -> Applicants {
        // At most 16,777,215 children, so a fallback position fits the 24 bits `strict_key`
        // gives it: enforced by `Scenario::new` (`scenario/rules.rs`).
        let lists = scenario
            .child_indices()
            .map(|c| {
                scenario
                    .child(c)
                    .choices
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &s)| {
                        let priority = ranking.priority(scenario, c, s)?;
                        Some(Application {
                            school: s,
                            choice: i as u8,
                            priority,
                            key: strict_key(priority, ranking.fallback_position[c.ix()]),
                        })
                    })
                    .collect()
            })
            .collect();
        Applicants {
            lists,
            capacity: scenario.schools.iter().map(|s| s.seats).collect(),
            reserved: scenario
                .schools
                .iter()
                .map(|s| s.reserved_migrant)
                .collect(),
            migrant: scenario.children.iter().map(|c| c.is_migrant()).collect(),
        }
    }
}

fn strict_key(p: Priority, fallback_position: u32) -> u64 {
    (u64::from(p.tier) << 48) | (u64::from(p.class) << 24) | u64::from(fallback_position)
}

/// Runs the whole pipeline: choice stage, coordinated placement, purchased places.
pub fn assign(
    scenario: &Scenario,
    ranking: &Ranking,
    mechanism: Mechanism,
    options: &SolverOptions,
) -> Result<Assignment, crate::error::SolveError> {
    let applicants = Applicants::build(scenario, ranking);
    let (choice_stage, public) = public::solve(scenario, ranking, &applicants, mechanism, options)?;
    let mut outcomes: Vec<Option<Outcome>> = choice_stage
        .iter()
        .enumerate()
        .map(|(c, pos)| {
            pos.map(|p| {
                let app = applicants.lists[c][p as usize];
                Outcome::Choice {
                    school: app.school,
                    rank: app.choice + 1,
                }
            })
        })
        .collect();
    // The applications (a province's four million, over 100 MB) are not needed by the later
    // stages: freed before the purchase stage builds its reach lists.
    drop(choice_stage);
    drop(applicants);
    fallback::coordinate(scenario, ranking, &mut outcomes);
    let purchase = purchase::purchase(scenario, ranking, &mut outcomes);
    Ok(Assignment {
        outcomes: outcomes
            .into_iter()
            .map(|o| o.expect("the purchase stage settles every child"))
            .collect(),
        public,
        spent_yuan: purchase.cost_yuan,
        purchase,
    })
}
