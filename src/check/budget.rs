//! The budget: the bought places cost no more than the scenario's budget.
//!
//! Proves it by summing the cost per seat of every bought place (the [`Tally`]'s `spent`) and
//! comparing the sum with the budget.

use super::tally::Tally;
use super::Violations;
use crate::scenario::Scenario;

/// The bought places fit the budget.
pub(super) fn check(scenario: &Scenario, tally: &Tally, v: &mut Violations) {
    if tally.spent > scenario.budget_yuan {
        v.push(
            "budget",
            format!(
                "bought places cost {} yuan, the budget is {}",
                tally.spent, scenario.budget_yuan
            ),
        );
    }
}
