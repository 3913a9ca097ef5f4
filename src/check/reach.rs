//! Reach: bought places lie within reach, and an unplaced child's reason agrees with her reach.
//!
//! A private school is in a child's reach when the scenario buys places at all (`purchase`), it
//! has purchasable seats, lies in her residence district if the fallback rules ask for that, and
//! lies within the purchase distance limit.
//! Proves, child by child from the scenario alone, that every bought place is in reach, that a
//! child unplaced for `no_private_school_in_reach` has no private school in reach, and that one
//! unplaced for `private_places_full` or `budget_exhausted` has at least one. Whether those two
//! reasons are the true ones is [`super::purchase`]'s to prove.

use super::Violations;
use crate::assign::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, Prepared, PrivateIdx};
use crate::scenario::Scenario;

/// Whether distance `d` (km) is within `limit`, `None` meaning no limit.
pub(super) fn within(limit: Option<f64>, d: f64) -> bool {
    limit.is_none_or(|max| d <= max)
}

/// Whether a private school is within the child's reach under the scenario's fallback rules.
pub(super) fn in_reach(scenario: &Scenario, c: ChildIdx, p: PrivateIdx) -> bool {
    let (home, school) = (
        scenario.child(c).location,
        scenario.private_school(p).location,
    );
    in_reach_from(scenario, c, &home.prepared(), p, &school.prepared())
}

/// [`in_reach`] with the child's home and the school's place already prepared for distances
/// ([`Prepared`]), for a child's reach over many schools.
pub(super) fn in_reach_from(
    scenario: &Scenario,
    c: ChildIdx,
    home: &Prepared,
    p: PrivateIdx,
    school: &Prepared,
) -> bool {
    let child = scenario.child(c);
    let ps = scenario.private_school(p);
    scenario.fallback.purchase
        && ps.purchasable_seats > 0
        && (!scenario.fallback.purchase_same_district || ps.district == child.residence_district)
        && within(scenario.fallback.purchase_max_km, home.distance_km(school))
}

/// A bought place is in the child's reach.
pub(super) fn bought_in_reach(
    scenario: &Scenario,
    c: ChildIdx,
    outcome: Outcome,
    v: &mut Violations,
) {
    let Outcome::Purchased { school } = outcome else {
        return;
    };
    if !in_reach(scenario, c, school) {
        v.push(
            "purchase-reach",
            format!(
                "child {} has a bought place at {} out of reach",
                scenario.child(c).id,
                scenario.private_school(school).id
            ),
        );
    }
}

/// An unplaced child's reason agrees with whether any private school is in her reach.
pub(super) fn reason_agrees(
    scenario: &Scenario,
    c: ChildIdx,
    outcome: Outcome,
    v: &mut Violations,
) {
    let Outcome::Unplaced { reason } = outcome else {
        return;
    };
    let any_in_reach = scenario.private_indices().any(|p| in_reach(scenario, c, p));
    let consistent = match reason {
        UnplacedReason::NoPrivateInReach => !any_in_reach,
        UnplacedReason::PrivateSeatsFull | UnplacedReason::BudgetExhausted => any_in_reach,
    };
    if !consistent {
        v.push(
            "unplaced-reason",
            format!(
                "child {} is unplaced for `{}`, which the data contradict",
                scenario.child(c).id,
                reason.as_str()
            ),
        );
    }
}
