//! What the final placement holds, gathered in the checker's first pass for the rules after it.
//!
//! Not a rule: per public school, how many children it holds and the worst priority among them
//! (a child without a tier there counting as after everyone); per private school, how many
//! places were bought; and what the bought places cost in all. Counted from the outcomes alone.

use super::priority::{Priority, Ranks};
use super::WORST;
use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::scenario::Scenario;

/// The tallies of one placement.
pub(super) struct Tally {
    /// Children held, per public school.
    pub filled: Vec<u32>,
    /// The worst priority held, per public school (`None` when it holds no child).
    pub worst_occupant: Vec<Option<Priority>>,
    /// Places bought, per private school.
    pub bought: Vec<u32>,
    /// What the bought places cost, in yuan.
    pub spent: u64,
}

impl Tally {
    /// Empty tallies for the scenario's schools.
    pub fn new(scenario: &Scenario) -> Self {
        Tally {
            filled: vec![0; scenario.schools.len()],
            worst_occupant: vec![None; scenario.schools.len()],
            bought: vec![0; scenario.private_schools.len()],
            spent: 0,
        }
    }

    /// Counts child `c`'s outcome.
    pub fn add(&mut self, scenario: &Scenario, ranks: &Ranks, c: ChildIdx, outcome: Outcome) {
        if let Outcome::Purchased { school } = outcome {
            self.bought[school.ix()] += 1;
            self.spent += scenario.private_school(school).cost_per_seat();
        }
        if let Some(s) = outcome.public_school() {
            self.filled[s.ix()] += 1;
            let p = ranks.priority(c, s).unwrap_or(WORST);
            let w = &mut self.worst_occupant[s.ix()];
            *w = Some(w.map_or(p, |x| x.max(p)));
        }
    }
}
