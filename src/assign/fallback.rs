//! After the choice stage: coordinated public placement (统筹).
//!
//! Children are walked in the strict city-wide fallback order (best priority first), so no child
//! is ever passed over by one ranked below her: an eligible child without a place takes the
//! school she prefers most among those with a spare seat, under the scenario's stage
//! (`fallback.coordination`): the nearest public school of her district (`district`, the
//! default); the nearest school of her catchment, then the nearest of her district
//! (`catchment`); the nearest public school of the city (`nearest`); or none (`off`). Every
//! stage keeps within `fallback.coordinated_max_km` if set. Equal distances go to the school
//! with the smaller id.
//! Siblings who applied jointly, all eligible and all without a place, are placed at their last
//! member's turn, together at the school that member prefers most with room for all of them, or
//! — if no school has — one by one at that same turn.
//! Purchased private places come next, in [`super::purchase`].

use super::Outcome;
use crate::domain::{Child, Coordination, Prepared, SchoolIdx};
use crate::ranking::Ranking;
use crate::scenario::Scenario;

fn within(limit: Option<f64>, d: f64) -> bool {
    limit.is_none_or(|max| d <= max)
}

/// Calls `f(pass, school)` for every school a child may be coordinated to under the scenario's
/// stage (pass 0 before 1: a catchment school before the rest of the district), before the
/// distance limit.
fn each_candidate(
    scenario: &Scenario,
    by_district: &[Vec<SchoolIdx>],
    child: &Child,
    mut f: impl FnMut(u8, SchoolIdx),
) {
    let district = &by_district[child.residence_district.ix()];
    match scenario.fallback.coordination {
        Coordination::Off => {}
        Coordination::District => district.iter().for_each(|&s| f(0, s)),
        Coordination::CatchmentFirst => {
            child.catchment.iter().for_each(|&s| f(0, s));
            district
                .iter()
                .filter(|s| child.catchment.binary_search(s).is_err())
                .for_each(|&s| f(1, s));
        }
        Coordination::Nearest => scenario.school_indices().for_each(|s| f(0, s)),
    }
}

/// The school a child prefers most (pass, then distance, then the smaller id) among those of
/// her stage within the distance limit with at least `need` spare seats. A school without the
/// seats is passed over before its distance is found; `at` holds the schools' places prepared
/// for distances.
fn best(
    scenario: &Scenario,
    by_district: &[Vec<SchoolIdx>],
    at: &[Prepared],
    child: &Child,
    spare: &[u32],
    need: u32,
) -> Option<SchoolIdx> {
    let limit = scenario.fallback.coordinated_max_km;
    let mut found: Option<(u8, f64, SchoolIdx)> = None;
    let home = child.location.prepared();
    each_candidate(scenario, by_district, child, |pass, s| {
        if spare[s.ix()] < need {
            return;
        }
        let d = home.distance_km(&at[s.ix()]);
        if !within(limit, d) {
            return;
        }
        let better = found.is_none_or(|(bp, bd, bs)| {
            pass.cmp(&bp)
                .then(d.total_cmp(&bd))
                .then(s.cmp(&bs))
                .is_lt()
        });
        if better {
            found = Some((pass, d, s));
        }
    });
    found.map(|c| c.2)
}

/// Places eligible children left without a place in the public school they prefer most, under
/// the scenario's coordinated stage, that still has spare seats.
pub fn coordinate(scenario: &Scenario, ranking: &Ranking, outcomes: &mut [Option<Outcome>]) {
    if scenario.fallback.coordination == Coordination::Off {
        return;
    }
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
    let at: Vec<Prepared> = scenario
        .schools
        .iter()
        .map(|s| s.location.prepared())
        .collect();
    let groups = joint_groups(scenario, ranking, outcomes);
    for &c in &ranking.fallback_order {
        if outcomes[c.ix()].is_some() || !ranking.eligible(c) {
            continue;
        }
        let child = scenario.child(c);
        let group = child.sibling_group.and_then(|g| groups.get(&g));
        // A joint application: the group's turn is its last member's.
        if group.is_some_and(|members| members.last() != Some(&c)) {
            continue;
        }
        if let Some(members) = group {
            // Together if one school has room for all, else one by one.
            if let Some(s) = best(
                scenario,
                &by_district,
                &at,
                child,
                &spare,
                members.len() as u32,
            ) {
                for &m in members {
                    spare[s.ix()] -= 1;
                    outcomes[m.ix()] = Some(Outcome::Coordinated { school: s });
                }
            } else {
                for &m in members {
                    if let Some(s) = best(scenario, &by_district, &at, child, &spare, 1) {
                        spare[s.ix()] -= 1;
                        outcomes[m.ix()] = Some(Outcome::Coordinated { school: s });
                    }
                }
            }
            continue;
        }
        if let Some(s) = best(scenario, &by_district, &at, child, &spare, 1) {
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
