//! After the choice stage: coordinated public placement (统筹), then purchased private places.
//!
//! Both stages walk children in the strict city-wide fallback order (best priority first), so
//! no child is ever passed over by one ranked below her:
//! - **coordinated**: an eligible child without a place takes the nearest public school of her
//!   district with a spare seat (within `fallback.coordinated_max_km` if set);
//! - **purchased**: a child still without a place (including children who failed the gates)
//!   takes the nearest private school within reach with a purchasable place whose cost the
//!   remaining budget covers. A child who gets nothing is unplaced, with the reason.
//!
//! Equal distances go to the school with the smaller id.

use super::{Outcome, UnplacedReason};
use crate::domain::{Location, PrivateIdx, Scenario, SchoolIdx};
use crate::policy::ranking::Ranking;

fn within(limit: Option<f64>, d: f64) -> bool {
    limit.is_none_or(|max| d <= max)
}

/// Places eligible children left without a place in the nearest public school of their
/// district that still has spare seats.
pub fn coordinate(scenario: &Scenario, ranking: &Ranking, outcomes: &mut [Option<Outcome>]) {
    let mut spare: Vec<u32> = scenario.schools.iter().map(|s| s.seats).collect();
    for o in outcomes.iter().flatten() {
        if let Some(s) = o.public_school() {
            spare[s.ix()] = spare[s.ix()].saturating_sub(1);
        }
    }
    let mut by_district: Vec<Vec<SchoolIdx>> = vec![Vec::new(); scenario.districts.len()];
    for s in scenario.school_indices() {
        by_district[scenario.school(s).district.ix()].push(s);
    }
    let limit = scenario.fallback.coordinated_max_km;
    for &c in &ranking.fallback_order {
        if outcomes[c.ix()].is_some() || !ranking.eligible(c) {
            continue;
        }
        let child = scenario.child(c);
        let best = nearest(
            child.location,
            by_district[child.residence_district.ix()]
                .iter()
                .filter(|s| spare[s.ix()] > 0)
                .map(|&s| (s, scenario.school(s).location)),
            limit,
        );
        if let Some(s) = best {
            spare[s.ix()] -= 1;
            outcomes[c.ix()] = Some(Outcome::Coordinated { school: s });
        }
    }
}

/// The nearest of `candidates` within `limit`; ties go to the earlier (smaller-id) school.
fn nearest<I: Copy + Ord>(
    from: Location,
    candidates: impl Iterator<Item = (I, Location)>,
    limit: Option<f64>,
) -> Option<I> {
    candidates
        .map(|(s, at)| (from.distance_km(at), s))
        .filter(|&(d, _)| within(limit, d))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        .map(|(_, s)| s)
}

/// Buys private places for every child still without a place, within the budget. Returns the
/// money spent.
pub fn purchase(scenario: &Scenario, ranking: &Ranking, outcomes: &mut [Option<Outcome>]) -> u64 {
    let mut left: Vec<u32> = scenario
        .private_schools
        .iter()
        .map(|p| p.purchasable_seats)
        .collect();
    let mut by_district: Vec<Vec<PrivateIdx>> = vec![Vec::new(); scenario.districts.len()];
    for p in scenario.private_indices() {
        by_district[scenario.private_school(p).district.ix()].push(p);
    }
    let all: Vec<PrivateIdx> = scenario.private_indices().collect();
    let limit = scenario.fallback.purchase_max_km;
    let mut budget = scenario.budget_yuan;
    let mut spent = 0;
    for &c in &ranking.fallback_order {
        if outcomes[c.ix()].is_some() {
            continue;
        }
        let child = scenario.child(c);
        let pool = if scenario.fallback.purchase_same_district {
            &by_district[child.residence_district.ix()]
        } else {
            &all
        };
        let in_reach: Vec<PrivateIdx> = pool
            .iter()
            .copied()
            .filter(|&p| {
                scenario.private_school(p).purchasable_seats > 0
                    && within(
                        limit,
                        child
                            .location
                            .distance_km(scenario.private_school(p).location),
                    )
            })
            .collect();
        let best = nearest(
            child.location,
            in_reach
                .iter()
                .copied()
                .filter(|p| {
                    left[p.ix()] > 0 && scenario.private_school(*p).cost_per_seat() <= budget
                })
                .map(|p| (p, scenario.private_school(p).location)),
            None,
        );
        outcomes[c.ix()] = Some(match best {
            Some(p) => {
                let cost = scenario.private_school(p).cost_per_seat();
                left[p.ix()] -= 1;
                budget -= cost;
                spent += cost;
                Outcome::Purchased { school: p }
            }
            None => Outcome::Unplaced {
                reason: if in_reach.is_empty() {
                    UnplacedReason::NoPrivateInReach
                } else if in_reach.iter().all(|p| left[p.ix()] == 0) {
                    UnplacedReason::PrivateSeatsFull
                } else {
                    UnplacedReason::BudgetExhausted
                },
            },
        });
    }
    spent
}
