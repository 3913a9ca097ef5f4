//! The admit-all-tied rule: where a public school may hold more children than seats.
//!
//! Under [`TieRule::AdmitAllTied`] a school that cannot seat every child of the tie at its last
//! seat admits them all. So a school over its seats is excused exactly when the children it
//! holds with a priority strictly better than its worst admitted are fewer than its seats (the
//! overflow is then the tie at the last seat). Counted in one extra pass over the children, and
//! only under that rule; under any other rule no school is excused.

use super::priority::Ranks;
use super::tally::Tally;
use super::WORST;
use crate::assign::Outcome;
use crate::policy::TieRule;
use crate::scenario::Scenario;

/// Per public school, whether it may exceed its seats by a whole tie at its last seat.
pub(super) fn whole_tie_at_last_seat(
    scenario: &Scenario,
    ranks: &Ranks,
    outcomes: &[Outcome],
    tally: &Tally,
) -> Vec<bool> {
    if scenario.policy.tie_rule != TieRule::AdmitAllTied {
        return vec![false; scenario.schools.len()];
    }
    let mut better_than_worst = vec![0u32; scenario.schools.len()];
    for c in scenario.child_indices() {
        if let Some(s) = outcomes[c.ix()].public_school() {
            let p = ranks.priority(c, s).unwrap_or(WORST);
            if tally.worst_occupant[s.ix()].is_some_and(|w| p < w) {
                better_than_worst[s.ix()] += 1;
            }
        }
    }
    scenario
        .school_indices()
        .map(|s| better_than_worst[s.ix()] < scenario.school(s).seats)
        .collect()
}
