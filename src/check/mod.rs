//! The independent checker: verifies a placement without the code that produced it.
//!
//! It reads only the scenario, the ranking (points, tiers, classes, fallback order) and one
//! outcome per child, and checks every rule directly on the final state — it never runs deferred
//! acceptance, the integer program or the fallback stages, and it shares no code with
//! [`crate::assign`] beyond the [`Outcome`]s (and their unplaced reasons) it is given. It does
//! no I/O: reading a `placements.csv` back is [`crate::placements_file`]'s.
//!
//! Each rule is its own module, saying what it proves and how:
//!
//! - [`once`]: one outcome per child, and a choice placement names the school at its rank;
//! - [`gates`]: a child is admitted by choice only where she passes the gates and holds a tier,
//!   and coordinated only if she passes the gates;
//! - [`capacity`]: public schools and purchasable places hold no more than their seats, except
//!   where [`tied`] (the admit-all-tied rule) admitted a whole tie at the last seat;
//! - [`budget`]: the bought places cost no more than the budget;
//! - [`envy`]: **no justified envy** at a listed school: a child is never refused a school she
//!   ranked higher while it has a free seat or holds a child of strictly lower priority there,
//!   counted by seat category where [`reserved`] seats are kept for migrant children;
//! - [`coordinated`]: coordinated places are in the child's district within the distance limit,
//!   and there is **no passing over**: a child (or a sibling group coordinated as one) never
//!   lacks a nearer coordinated seat that was free or went to a child after her in the fallback
//!   order;
//! - [`siblings`]: **joint applications**: a sibling group is admitted by choice together or not
//!   at all, and is never refused a school where lower-priority units and free seats would fit
//!   it;
//! - [`reach`]: bought places are within reach, and an unplaced child's reason agrees with
//!   whether any private school is in her reach;
//! - [`purchase`]: the children bought a place are the best set by priority that the seats in
//!   reach and the budget can take, at the least cost and then distance, and each unplaced
//!   child's reason is the true one. What is proven exactly, and what only by necessary
//!   conditions on very large pools, is said there.
//!
//! A later round is checked by [`round`], on its own rules (floors instead of a fresh
//! assignment).
//!
//! [`check`] runs them in that order, in two passes over the children — the first also
//! gathers the [`tally::Tally`] the later rules read; [`tied`], [`reserved`], [`siblings`] and
//! [`purchase`] make their own — and reports the violations in the order found.

use crate::assign::Outcome;
use crate::ranking::{Priority, Ranking};
use crate::scenario::Scenario;

mod budget;
mod capacity;
mod coordinated;
mod envy;
mod gates;
mod once;
mod purchase;
mod reach;
mod reserved;
pub mod round;
mod siblings;
mod tally;
mod tied;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule, e.g. `capacity`, `justified-envy`.
    pub rule: &'static str,
    /// What is wrong, naming the children and schools concerned.
    pub message: String,
}

/// The checker's verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The number of children of the scenario.
    pub children: usize,
    /// Every broken rule, in the order the checker found them.
    pub violations: Vec<Violation>,
    /// What the checker did not prove exactly (kept short; empty when everything was proven).
    pub notes: Vec<String>,
}

impl CheckReport {
    /// Whether no rule is broken.
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }
}

/// The priority given to a child placed where she holds no tier: after everyone.
const WORST: Priority = Priority {
    tier: u8::MAX,
    class: u32::MAX,
};

/// The violations found so far, in order.
#[derive(Default)]
struct Violations(Vec<Violation>);

impl Violations {
    /// Records that `rule` is broken.
    fn push(&mut self, rule: &'static str, message: String) {
        self.0.push(Violation { rule, message });
    }
}

/// Verifies one outcome per child against every rule.
pub fn check(scenario: &Scenario, ranking: &Ranking, outcomes: &[Outcome]) -> CheckReport {
    let mut v = Violations::default();
    let report = |v: Violations, notes| CheckReport {
        children: scenario.children.len(),
        violations: v.0,
        notes,
    };
    if !once::one_outcome_per_child(scenario, outcomes, &mut v) {
        return report(v, Vec::new());
    }

    // First pass: what each outcome is on its own, and the tallies of the final state.
    let mut tally = tally::Tally::new(scenario);
    let mut order = coordinated::Order::new(scenario, ranking, outcomes);
    for c in scenario.child_indices() {
        let outcome = outcomes[c.ix()];
        once::choice_rank(scenario, c, outcome, &mut v);
        gates::held(scenario, ranking, c, outcome, &mut v);
        order.record(c, outcome, &mut v);
        reach::bought_in_reach(scenario, c, outcome, &mut v);
        tally.add(scenario, ranking, c, outcome);
    }

    let excused = tied::whole_tie_at_last_seat(scenario, ranking, outcomes, &tally);
    capacity::public(scenario, &tally, &excused, &mut v);
    capacity::private(scenario, &tally, &mut v);
    budget::check(scenario, &tally, &mut v);

    // Second pass: what each child could have had instead.
    let quotas = reserved::Quotas::new(scenario, ranking, outcomes);
    for c in scenario.child_indices() {
        let outcome = outcomes[c.ix()];
        order.group(c, &tally, &mut v);
        envy::single(scenario, ranking, c, outcome, &tally, &quotas, &mut v);
        order.single(c, outcome, &tally, &mut v);
        reach::reason_agrees(scenario, c, outcome, &mut v);
    }

    siblings::check(scenario, ranking, outcomes, &tally, &mut v);
    let mut notes = Vec::new();
    purchase::check(scenario, ranking, outcomes, &tally, &mut v, &mut notes);
    report(v, notes)
}
