//! The independent checker: verifies a placement without the code that produced it.
//!
//! It reads only the scenario and one outcome per child, and checks every rule directly on the
//! final state — it never runs deferred acceptance, the integer program or the fallback stages,
//! and it shares no code with [`crate::assign`] beyond the [`Outcome`]s (and their unplaced
//! reasons) it is given, nor with [`crate::ranking`]: the points, gates, tiers, lottery and
//! fallback order it judges by are its own ([`priority`], from [`points`], [`eligibility`] and
//! [`lottery`]), recomputed from the policy's definition, so a bug in the solver's ranking
//! cannot pass both. It does no I/O: reading a `placements.csv` back is
//! [`crate::placements_file`]'s; [`check_placements`] then also verifies every column of it
//! ([`columns`]).
//!
//! Each rule is its own module, saying what it proves and how:
//!
//! - [`polygons`]: where catchments are drawn as polygons, each child's home catchment is the
//!   one the checker's own point-in-polygon test finds;
//! - [`once`]: one outcome per child, every school it names exists, and a choice placement names
//!   the school at its rank;
//! - [`gates`]: a child is admitted by choice only where she passes the gates and holds a tier,
//!   and coordinated only if she passes the gates;
//! - [`capacity`]: public schools and purchasable places hold no more than their seats, except
//!   where [`tied`] (the admit-all-tied rule) admitted a whole tie at the last seat;
//! - [`budget`]: the bought places cost no more than the budget;
//! - [`envy`]: **no justified envy** at a listed school: a child is never refused a school she
//!   ranked higher while it has a free seat or holds a child of strictly lower priority there,
//!   counted by seat category where [`reserved`] seats are kept for migrant children;
//! - [`coordinated`]: coordinated places are among the child's schools under the scenario's
//!   stage (her district, her catchment first, the city, or none) within the distance limit,
//!   and there is **no passing over**: a child (or a sibling group coordinated as one) never
//!   lacks a preferred coordinated seat that was free or went to a child after her in the
//!   fallback order;
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
//! assignment); [`archive`] checks a run's or round's folder from its tables read back,
//! with [`waitlists`] and [`moves`].
//!
//! [`check`] runs them in that order, in two passes over the children — the first also
//! gathers the [`tally::Tally`] the later rules read; [`tied`], [`reserved`], [`siblings`] and
//! [`purchase`] make their own — and reports the violations in the order found.

use rayon::prelude::*;

use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::scenario::Scenario;
use priority::{Priority, Ranks};

pub mod archive;
mod budget;
mod capacity;
mod columns;
mod conditions;
mod coordinated;
mod eligibility;
mod envy;
mod gates;
mod lottery;
pub mod moves;
mod once;
mod points;
mod polygons;
pub(crate) mod priority;
mod purchase;
mod reach;
mod reserved;
pub mod round;
mod siblings;
mod tally;
mod tied;
pub mod waitlists;

pub use columns::{Placements, WrittenRow};

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
const WORST: Priority = Priority::WORST;

/// How many children one parallel task of the checker's second pass asks about.
const CHILDREN_PER_TASK: u32 = 4096;

/// The violations found so far, in order.
#[derive(Default)]
struct Violations(Vec<Violation>);

impl Violations {
    /// Records that `rule` is broken.
    fn push(&mut self, rule: &'static str, message: String) {
        self.0.push(Violation { rule, message });
    }
}

/// Verifies one outcome per child against every rule, with the checker's own ranking of the
/// scenario's children.
pub fn check(scenario: &Scenario, outcomes: &[Outcome]) -> CheckReport {
    let ranks = Ranks::new(scenario);
    let (v, notes) = rules(scenario, &ranks, outcomes);
    CheckReport {
        children: scenario.children.len(),
        violations: v.0,
        notes,
    }
}

/// Verifies a placements file read back from disk: every rule on its outcomes, as [`check()`]
/// does, then every column of every row against what the scenario and those outcomes imply
/// (points, tier, distance, cost, reason, note, …).
pub fn check_placements(scenario: &Scenario, placements: &Placements) -> CheckReport {
    let ranks = Ranks::new(scenario);
    let (mut v, notes) = rules(scenario, &ranks, &placements.outcomes);
    if placements.outcomes.len() == scenario.children.len() {
        columns::check(scenario, &ranks, placements, &mut v);
    }
    CheckReport {
        children: scenario.children.len(),
        violations: v.0,
        notes,
    }
}

/// Runs every rule; returns the violations and the notes.
fn rules(scenario: &Scenario, ranks: &Ranks, outcomes: &[Outcome]) -> (Violations, Vec<String>) {
    let mut v = Violations::default();
    if !once::one_outcome_per_child(scenario, outcomes, &mut v)
        || !once::indices_in_range(scenario, outcomes, &mut v)
    {
        return (v, Vec::new());
    }
    polygons::check(scenario, &mut v);

    // First pass: what each outcome is on its own, and the tallies of the final state.
    let mut tally = tally::Tally::new(scenario);
    let mut order = coordinated::Order::new(scenario, ranks, outcomes);
    for c in scenario.child_indices() {
        let outcome = outcomes[c.ix()];
        once::choice_rank(scenario, c, outcome, &mut v);
        gates::held(scenario, ranks, c, outcome, &mut v);
        order.record(c, outcome, &mut v);
        reach::bought_in_reach(scenario, c, outcome, &mut v);
        tally.add(scenario, ranks, c, outcome);
    }

    let excused = tied::whole_tie_at_last_seat(scenario, ranks, outcomes, &tally);
    capacity::public(scenario, &tally, &excused, &mut v);
    capacity::private(scenario, &tally, &mut v);
    budget::check(scenario, &tally, &mut v);

    // Second pass: what each child could have had instead.
    // Each child's questions read the final state only, so they are asked in parallel, in
    // blocks of children whose findings are joined in the children's order: the report is the
    // same on any number of threads.
    let quotas = reserved::Quotas::new(scenario, ranks, outcomes);
    let n = scenario.children.len() as u32;
    let found: Vec<Violations> = (0..n.div_ceil(CHILDREN_PER_TASK))
        .into_par_iter()
        .map(|k| {
            let mut v = Violations::default();
            let start = k * CHILDREN_PER_TASK;
            for c in (start..n.min(start + CHILDREN_PER_TASK)).map(ChildIdx) {
                let outcome = outcomes[c.ix()];
                order.group(c, &tally, &mut v);
                envy::single(scenario, ranks, c, outcome, &tally, &quotas, &mut v);
                order.single(c, outcome, &tally, &mut v);
                reach::reason_agrees(scenario, c, outcome, &mut v);
            }
            v
        })
        .collect();
    v.0.extend(found.into_iter().flat_map(|part| part.0));

    siblings::check(scenario, ranks, outcomes, &tally, &mut v);
    let mut notes = Vec::new();
    purchase::check(scenario, ranks, outcomes, &tally, &mut v, &mut notes);
    (v, notes)
}
