//! Seats reserved for migrant children in a later round: the first round's reserved-seats
//! choice rule ([`crate::assign::quotas`]) with the children keeping their place held first.
//!
//! A school with `q` seats (or more, where more children keep a place there), `r` of them
//! reserved for migrant children, chooses among its applicants in three steps:
//!
//! 1. every child **keeping her place** there (her floor, key 0) is held — nobody takes a kept
//!    place, whatever its category;
//! 2. the reserved seats go to the best migrant children, the migrant keepers counting first:
//!    `r` minus the migrant keepers are left for migrant newcomers;
//! 3. the remaining seats are open: they take the best of everyone left by the same priority.
//!
//! So a freed seat at such a school goes to the first migrant child on its waitlist while the
//! school holds fewer migrant children than reserved seats, and to the first child of the
//! waitlist otherwise. This is the first round's rule with the keepers as a category that
//! precedes both; like it, it is substitutable and size-monotone, so child-proposing deferred
//! acceptance with it ends in the child-optimal assignment without justified envy within the
//! seat categories among the children allowed to move. The independent checker proves exactly
//! that on the final state ([`crate::check::round`]).
//!
//! With one proposal at a time the rule is one comparison: a school over its seats rejects a
//! child who is not keeping her place — its worst non-migrant if the migrants it holds (keepers
//! included) fit in the reserved seats, else its worst of all; if only migrants are movable
//! there, its worst migrant.

use std::collections::BinaryHeap;

use crate::assign::da::{ChoiceRule, DeferredAcceptance};
use crate::assign::{Applicants, Application};

/// The reserved-seats choice rule of a round, with what each school holds.
struct FloorReserved<'a> {
    capacity: &'a [u32],
    reserved: &'a [u32],
    migrant: &'a [bool],
    /// Per school, the children keeping their place there.
    keepers: Vec<Vec<u32>>,
    /// Per school, how many of its keepers are migrant children.
    migrant_keepers: Vec<u32>,
    /// Per school, the held migrant newcomers by key, worst on top.
    held_migrants: Vec<BinaryHeap<(u64, u32)>>,
    /// Per school, the held other newcomers by key, worst on top.
    held_others: Vec<BinaryHeap<(u64, u32)>>,
}

impl ChoiceRule for FloorReserved<'_> {
    type Application = Application;

    fn propose(&mut self, child: u32, app: Application, rejected: &mut Vec<u32>) -> bool {
        let s = app.school.ix();
        let cap = self.capacity[s] as usize;
        if cap == 0 {
            return false;
        }
        let migrant = self.migrant[child as usize];
        if app.key == 0 {
            self.keepers[s].push(child);
            self.migrant_keepers[s] += u32::from(migrant);
        } else if migrant {
            self.held_migrants[s].push((app.key, child));
        } else {
            self.held_others[s].push((app.key, child));
        }
        let (held_m, held_o) = (&mut self.held_migrants[s], &mut self.held_others[s]);
        if self.keepers[s].len() + held_m.len() + held_o.len() <= cap {
            return true;
        }
        let migrants = self.migrant_keepers[s] as usize + held_m.len();
        let (worst_m, worst_o) = (held_m.peek().copied(), held_o.peek().copied());
        let reject_other = match (worst_m, worst_o) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(m), Some(o)) => migrants <= self.reserved[s] as usize || o > m,
        };
        // Capacity is at least the keepers, so someone movable is here to reject.
        let (_, out) = if reject_other {
            held_o.pop()
        } else {
            held_m.pop()
        }
        .expect("a school over its seats holds a child who is not keeping her place");
        if out == child {
            return false;
        }
        rejected.push(out);
        true
    }
}

/// Deferred acceptance with floors over `applicants` (a round's lists, floors at key 0) where
/// each school applies the rule above. Returns, per child, the admitted list position or `None`.
pub fn deferred_acceptance_with_floors(applicants: &Applicants) -> Vec<Option<u8>> {
    let schools = applicants.capacity.len();
    let rule = FloorReserved {
        capacity: &applicants.capacity,
        reserved: &applicants.reserved,
        migrant: &applicants.migrant,
        keepers: vec![Vec::new(); schools],
        migrant_keepers: vec![0; schools],
        held_migrants: vec![BinaryHeap::new(); schools],
        held_others: vec![BinaryHeap::new(); schools],
    };
    let mut da = DeferredAcceptance::new(rule, &applicants.lists);
    da.settle();
    let r = da.rule();
    let held: Vec<u32> = r
        .keepers
        .iter()
        .flatten()
        .copied()
        .chain(
            r.held_migrants
                .iter()
                .flat_map(|h| h.iter().map(|&(_, c)| c)),
        )
        .chain(r.held_others.iter().flat_map(|h| h.iter().map(|&(_, c)| c)))
        .collect();
    da.admitted(held.into_iter())
}
