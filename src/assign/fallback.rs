//! After the choice stage: coordinated public placement (统筹).
//!
//! Children are walked in the strict city-wide fallback order (best priority first), so no child
//! is ever passed over by one ranked below her: an eligible child without a place takes the
//! nearest public school of her district with a spare seat (within
//! `fallback.coordinated_max_km` if set). Equal distances go to the school with the smaller id.
//! Siblings who applied jointly, all eligible and all without a place, are placed at their last
//! member's turn, together at the nearest school with room for all of them, or — if no school
//! has — one by one at that same turn.
//! Purchased private places come next, in [`super::purchase`].

use super::Outcome;
use crate::domain::{Location, SchoolIdx};
use crate::ranking::Ranking;
use crate::scenario::Scenario;

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
    let groups = joint_groups(scenario, ranking, outcomes);
    for &c in &ranking.fallback_order {
        if outcomes[c.ix()].is_some() || !ranking.eligible(c) {
            continue;
        }
        let child = scenario.child(c);
        let schools = &by_district[child.residence_district.ix()];
        let place = |need: u32, spare: &[u32]| {
            nearest(
                child.location,
                schools
                    .iter()
                    .filter(|s| spare[s.ix()] >= need)
                    .map(|&s| (s, scenario.school(s).location)),
                limit,
            )
        };
        if let Some(members) = child.sibling_group.and_then(|g| groups.get(&g)) {
            // A joint application: the group's turn is its last member's; together if one
            // school has room for all, else one by one.
            if members.last() != Some(&c) {
                continue;
            }
            if let Some(s) = place(members.len() as u32, &spare) {
                for &m in members {
                    spare[s.ix()] -= 1;
                    outcomes[m.ix()] = Some(Outcome::Coordinated { school: s });
                }
            } else {
                for &m in members {
                    if let Some(s) = place(1, &spare) {
                        spare[s.ix()] -= 1;
                        outcomes[m.ix()] = Some(Outcome::Coordinated { school: s });
                    }
                }
            }
            continue;
        }
        if let Some(s) = place(1, &spare) {
            spare[s.ix()] -= 1;
            outcomes[c.ix()] = Some(Outcome::Coordinated { school: s });
        }
    }
}

/// Sibling groups placed in coordination as one: every member eligible and without a place.
/// Members in the fallback order.
pub fn joint_groups(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Option<Outcome>],
) -> std::collections::HashMap<u32, Vec<crate::domain::ChildIdx>> {
    let mut groups: std::collections::HashMap<u32, Vec<crate::domain::ChildIdx>> =
        std::collections::HashMap::new();
    for &c in &ranking.fallback_order {
        if let Some(g) = scenario.child(c).sibling_group {
            groups.entry(g).or_default().push(c);
        }
    }
    groups.retain(|_, members| {
        members.len() > 1
            && members
                .iter()
                .all(|&m| outcomes[m.ix()].is_none() && ranking.eligible(m))
    });
    groups
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
