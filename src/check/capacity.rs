//! Capacities: no school holds more children than it has places for.
//!
//! Proves, from the [`Tally`] of the final placement, that each public school holds at most its
//! seats — unless the admit-all-tied rule excuses it ([`super::tied`]) — and that each private
//! school has at most its purchasable seats bought.

use super::tally::Tally;
use super::Violations;
use crate::scenario::Scenario;

/// Public schools hold at most their seats, or a whole tie at the last seat where `excused`.
pub(super) fn public(scenario: &Scenario, tally: &Tally, excused: &[bool], v: &mut Violations) {
    for s in scenario.school_indices() {
        let school = scenario.school(s);
        if tally.filled[s.ix()] > school.seats && !excused[s.ix()] {
            v.push(
                "capacity",
                format!(
                    "public school {} holds {} children for {} seats",
                    school.id,
                    tally.filled[s.ix()],
                    school.seats
                ),
            );
        }
    }
}

/// Private schools have at most their purchasable seats bought.
pub(super) fn private(scenario: &Scenario, tally: &Tally, v: &mut Violations) {
    for p in scenario.private_indices() {
        let ps = scenario.private_school(p);
        if tally.bought[p.ix()] > ps.purchasable_seats {
            v.push(
                "capacity",
                format!(
                    "private school {} has {} bought places of {} purchasable",
                    ps.id,
                    tally.bought[p.ix()],
                    ps.purchasable_seats
                ),
            );
        }
    }
}
