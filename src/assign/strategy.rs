//! How the choice stage is solved: a [`Strategy`] chosen once from the mechanism and the
//! scenario's features, then run.
//!
//! Every combination of mechanism and feature is decided in [`Strategy::choose`], and only
//! there: the [`SolveError::Unsupported`] errors come from it. Combinations the scenario's
//! validation already refuses (kept ties with reserved seats or with sibling groups, reserved
//! seats with sibling groups) are not checked again. Each strategy has its own runner; all but
//! the integer program solve the whole city with one deferred acceptance or serial dictatorship.

use std::time::Instant;

use super::admit_tied::deferred_acceptance_admit_tied;
use super::da::deferred_acceptance;
use super::model::SolverOptions;
use super::public::{trivial_bound, ComponentReport, ComponentStatus, Mechanism};
use super::quotas::deferred_acceptance_reserved;
use super::serial::serial_dictatorship;
use super::siblings::deferred_acceptance_units;
use super::{ip_stage, Applicants};
use crate::error::SolveError;
use crate::policy::TieRule;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// The features of a scenario that decide how its choice stage is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Features {
    /// Some children apply jointly with their siblings.
    pub sibling_groups: bool,
    /// Some school reserves seats for migrant children.
    pub reserved_seats: bool,
    /// The tie rule is `admit_all_tied`.
    pub admit_all_tied: bool,
    /// No two children share a priority class.
    pub strict: bool,
}

impl Features {
    /// The features `scenario` uses, with its `ranking` and `applicants`.
    pub fn of(scenario: &Scenario, ranking: &Ranking, applicants: &Applicants) -> Features {
        Features {
            sibling_groups: scenario.children.iter().any(|c| c.sibling_group.is_some()),
            reserved_seats: applicants.reserved.iter().any(|&r| r > 0),
            admit_all_tied: scenario.policy.tie_rule == TieRule::AdmitAllTied,
            strict: ranking.strict,
        }
    }
}

/// How the choice stage is solved. `reference` marks a strategy run because its mechanism was
/// asked for by name: its result carries no claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// Deferred acceptance with strict priorities (ties, if kept, broken by the fallback order).
    StrictPriorities { reference: bool },
    /// The integer program on the components of the choice graph: on those with kept ties only
    /// (DA elsewhere), or on `every_component`.
    IntegerProgram { every_component: bool },
    /// Deferred acceptance with over-admission of a tie at the last seat.
    AdmitAllTied,
    /// Deferred acceptance with the reserved-seats choice rule.
    ReservedSeats { reference: bool },
    /// Deferred acceptance over sibling units, with the envy repair.
    SiblingGroups { reference: bool },
    /// Serial dictatorship over the city-wide fallback order.
    SerialDictatorship,
}

impl Strategy {
    /// The strategy for `mechanism` on a scenario with `features`, or why the mechanism cannot
    /// solve it.
    pub fn choose(mechanism: Mechanism, features: Features) -> Result<Strategy, SolveError> {
        let unsupported = |feature| SolveError::Unsupported {
            mechanism: mechanism.name(),
            feature,
        };
        let reference = mechanism != Mechanism::Optimal;
        if features.sibling_groups {
            return match mechanism {
                Mechanism::Ip | Mechanism::SerialDictatorship => {
                    Err(unsupported("joint applications of siblings"))
                }
                Mechanism::Optimal | Mechanism::DeferredAcceptance => {
                    Ok(Strategy::SiblingGroups { reference })
                }
            };
        }
        if features.reserved_seats {
            return match mechanism {
                Mechanism::Ip | Mechanism::SerialDictatorship => {
                    Err(unsupported("seats reserved for migrant children"))
                }
                Mechanism::Optimal | Mechanism::DeferredAcceptance => {
                    Ok(Strategy::ReservedSeats { reference })
                }
            };
        }
        // Under `admit_all_tied` the rule itself fixes the outcome: an integer program has
        // nothing to choose, so every mechanism but serial dictatorship runs the rule.
        if features.admit_all_tied && mechanism != Mechanism::SerialDictatorship {
            return Ok(Strategy::AdmitAllTied);
        }
        Ok(match mechanism {
            Mechanism::SerialDictatorship => Strategy::SerialDictatorship,
            Mechanism::DeferredAcceptance => Strategy::StrictPriorities { reference: true },
            Mechanism::Optimal if features.strict => {
                Strategy::StrictPriorities { reference: false }
            }
            Mechanism::Optimal => Strategy::IntegerProgram {
                every_component: false,
            },
            Mechanism::Ip => Strategy::IntegerProgram {
                every_component: true,
            },
        })
    }

    /// Runs the strategy. Returns, per child, the admitted position in her application list,
    /// and a report per component solved (one for the whole city but with the integer
    /// program); `started` is when the choice stage began.
    pub fn run(
        self,
        scenario: &Scenario,
        ranking: &Ranking,
        applicants: &Applicants,
        options: &SolverOptions,
        started: Instant,
    ) -> Result<(Vec<Option<u8>>, Vec<ComponentReport>), SolveError> {
        let admitted = match self {
            Strategy::IntegerProgram { every_component } => {
                return ip_stage::solve(applicants, every_component, options);
            }
            Strategy::StrictPriorities { .. } => deferred_acceptance(applicants),
            Strategy::AdmitAllTied => deferred_acceptance_admit_tied(applicants),
            Strategy::ReservedSeats { .. } => deferred_acceptance_reserved(applicants),
            Strategy::SiblingGroups { .. } => {
                let groups: Vec<Option<u32>> =
                    scenario.children.iter().map(|c| c.sibling_group).collect();
                deferred_acceptance_units(applicants, &groups)?
            }
            Strategy::SerialDictatorship => {
                serial_dictatorship(applicants, &ranking.fallback_order)
            }
        };
        let report = self.whole_city(scenario, ranking, applicants, started, &admitted);
        Ok((admitted, vec![report]))
    }

    /// How a whole-city strategy's result is reported.
    fn status(self) -> ComponentStatus {
        match self {
            Strategy::StrictPriorities { reference: false }
            | Strategy::ReservedSeats { reference: false } => ComponentStatus::StrictPrioritiesDa,
            Strategy::SiblingGroups { reference: false } => ComponentStatus::JointApplicationsDa,
            Strategy::AdmitAllTied => ComponentStatus::AdmitAllTiedDa,
            Strategy::StrictPriorities { reference: true }
            | Strategy::ReservedSeats { reference: true }
            | Strategy::SiblingGroups { reference: true }
            | Strategy::SerialDictatorship
            | Strategy::IntegerProgram { .. } => ComponentStatus::Reference,
        }
    }

    /// The report of a strategy solving the whole city as one component.
    fn whole_city(
        self,
        scenario: &Scenario,
        ranking: &Ranking,
        applicants: &Applicants,
        started: Instant,
        admitted: &[Option<u8>],
    ) -> ComponentReport {
        let status = self.status();
        let placed = admitted.iter().filter(|a| a.is_some()).count();
        let bound = if status.proven() {
            placed
        } else {
            trivial_bound(
                applicants,
                0..applicants.lists.len(),
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
            seconds: started.elapsed().as_secs_f64(),
            placed,
            bound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Features = Features {
        sibling_groups: false,
        reserved_seats: false,
        admit_all_tied: false,
        strict: true,
    };

    #[test]
    fn strict_priorities_are_deferred_acceptance_and_ties_the_integer_program() {
        let choose = |m, f| Strategy::choose(m, f).unwrap();
        assert_eq!(
            choose(Mechanism::Optimal, PLAIN),
            Strategy::StrictPriorities { reference: false }
        );
        let tied = Features {
            strict: false,
            ..PLAIN
        };
        assert_eq!(
            choose(Mechanism::Optimal, tied),
            Strategy::IntegerProgram {
                every_component: false
            }
        );
        assert_eq!(
            choose(Mechanism::Ip, PLAIN),
            Strategy::IntegerProgram {
                every_component: true
            }
        );
        let admit = Features {
            admit_all_tied: true,
            strict: false,
            ..PLAIN
        };
        assert_eq!(choose(Mechanism::Ip, admit), Strategy::AdmitAllTied);
        assert_eq!(
            choose(Mechanism::SerialDictatorship, admit),
            Strategy::SerialDictatorship
        );
    }

    #[test]
    fn the_integer_program_and_serial_dictatorship_refuse_siblings_and_reserved_seats() {
        let siblings = Features {
            sibling_groups: true,
            ..PLAIN
        };
        let reserved = Features {
            reserved_seats: true,
            ..PLAIN
        };
        for m in [Mechanism::Ip, Mechanism::SerialDictatorship] {
            assert!(matches!(
                Strategy::choose(m, siblings),
                Err(SolveError::Unsupported {
                    feature: "joint applications of siblings",
                    ..
                })
            ));
            assert!(matches!(
                Strategy::choose(m, reserved),
                Err(SolveError::Unsupported {
                    feature: "seats reserved for migrant children",
                    ..
                })
            ));
        }
        assert_eq!(
            Strategy::choose(Mechanism::DeferredAcceptance, siblings).unwrap(),
            Strategy::SiblingGroups { reference: true }
        );
        assert_eq!(
            Strategy::choose(Mechanism::Optimal, reserved).unwrap(),
            Strategy::ReservedSeats { reference: false }
        );
    }
}
