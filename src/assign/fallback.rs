//! After the choice stage: coordinated public placement (统筹).
//!
//! Children are walked in the strict city-wide fallback order (best priority first), so no child
//! is ever passed over by one ranked below her: an eligible child without a place takes the
//! nearest public school of her district with a spare seat (within
//! `fallback.coordinated_max_km` if set). Equal distances go to the school with the smaller id.
//! Purchased private places come next, in [`super::purchase`].

use super::Outcome;
use crate::domain::{Location, Scenario, SchoolIdx};
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
