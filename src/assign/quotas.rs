//! Reserved seats (quotas) for migrant children: the choice rule deferred acceptance runs with.
//!
//! A school with `q` seats of which `r` are reserved for migrant children chooses among a set of
//! applicants in two steps (reserved seats first, "precedence" as in Boston and Chile):
//!
//! 1. the reserved seats take the best `min(r, migrants)` migrant applicants by priority;
//! 2. the remaining `q − (seats taken in step 1)` seats are open: they take the best of everyone
//!    left, migrant or not, by the same priority. Reserved seats no migrant took are thus
//!    released to everyone.
//!
//! This choice rule is substitutable and size-monotone, so child-proposing deferred acceptance
//! with it ends in the child-optimal assignment without justified envy *for this rule*, and every
//! such assignment seats the same number of children at each school (Hatfield & Milgrom 2005).
//! Justified envy is counted within a seat category: a child envies a school she ranked higher
//! when it has a free seat; when it holds a child of lower priority in an open seat; and — if she
//! is a migrant — when it holds a migrant of lower priority, or fewer migrants than its reserved
//! seats (a reserved seat went to a non-migrant while she wanted it). A non-migrant never envies
//! a migrant in a reserved seat.
//!
//! With one proposal at a time the rule reduces to one comparison: a full school that receives
//! one more applicant, holding `m` migrants among the `q + 1`, rejects its worst non-migrant if
//! `m ≤ r` (every migrant fits in a reserved seat), else its worst applicant of all.

use std::collections::BinaryHeap;

use super::da::{ChoiceRule, DeferredAcceptance};
use super::{Applicants, Application};

/// The reserved-seats choice rule, with what each school holds.
pub struct Reserved<'a> {
    capacity: &'a [u32],
    reserved: &'a [u32],
    migrant: &'a [bool],
    /// Per school, the held migrants by key, worst (largest key) on top.
    held_migrants: Vec<BinaryHeap<(u64, u32)>>,
    /// Per school, the held other children by key, worst on top.
    held_others: Vec<BinaryHeap<(u64, u32)>>,
}

impl<'a> Reserved<'a> {
    /// Every school empty, with the seats, reserved seats and migrant children of `applicants`.
    pub fn new(applicants: &'a Applicants) -> Self {
        let schools = applicants.capacity.len();
        Reserved {
            capacity: &applicants.capacity,
            reserved: &applicants.reserved,
            migrant: &applicants.migrant,
            held_migrants: vec![BinaryHeap::new(); schools],
            held_others: vec![BinaryHeap::new(); schools],
        }
    }

    /// Every child held, once.
    pub fn held(&self) -> impl Iterator<Item = u32> + '_ {
        self.held_migrants
            .iter()
            .chain(&self.held_others)
            .flat_map(|h| h.iter().map(|&(_, c)| c))
    }
}

impl ChoiceRule for Reserved<'_> {
    type Application = Application;

    #[inline]
    fn propose(&mut self, child: u32, app: Application, rejected: &mut Vec<u32>) -> bool {
        let s = app.school.ix();
        let cap = self.capacity[s] as usize;
        if cap == 0 {
            return false;
        }
        let (held_m, held_o) = (&mut self.held_migrants[s], &mut self.held_others[s]);
        if self.migrant[child as usize] {
            held_m.push((app.key, child));
        } else {
            held_o.push((app.key, child));
        }
        if held_m.len() + held_o.len() <= cap {
            return true;
        }
        let reserved = self.reserved[s] as usize;
        let worst_m = held_m.peek().copied();
        let worst_o = held_o.peek().copied();
        let reject_other = held_m.len() <= reserved || worst_o > worst_m;
        let (_, out) = if reject_other {
            held_o.pop()
        } else {
            held_m.pop()
        }
        .expect("a school over its seats holds someone to reject");
        if out == child {
            return false;
        }
        rejected.push(out);
        true
    }
}

/// Child-proposing DA where each school applies the reserved-seats choice rule above, with the
/// reserved seats (`applicants.reserved`) and migrant children (`applicants.migrant`) of
/// `applicants`. Returns, per child, the admitted position in her list, or `None`.
pub fn deferred_acceptance_reserved(applicants: &Applicants) -> Vec<Option<u8>> {
    let mut da = DeferredAcceptance::new(Reserved::new(applicants), &applicants.lists);
    da.settle();
    da.admitted(da.rule().held())
}
