//! The `admit_all_tied` choice rule: over-admission of a tie at the last seat.
//!
//! A school whose last seat falls inside a group of applicants of equal priority admits the
//! whole group. Holding more than its seats, a school rejects its worst priority group only while
//! the rest still fill every seat. Deferred acceptance ([`super::da`]) with this rule gives the
//! child-optimal outcome of the rule, so no integer program has anything to choose.

use std::collections::BinaryHeap;

use super::da::{ChoiceRule, DeferredAcceptance};
use super::Applicants;
use crate::ranking::Priority;

/// The over-admitting choice rule, with what each school holds.
pub struct AdmitAllTied<'a> {
    capacity: &'a [u32],
    /// Per school, the held children by priority, worst on top.
    held: Vec<BinaryHeap<(Priority, u32)>>,
    /// The worst priority group of a school, while it is being rejected or put back.
    worst_group: Vec<(Priority, u32)>,
}

impl<'a> AdmitAllTied<'a> {
    /// Every school empty, with the seats of `applicants`.
    pub fn new(applicants: &'a Applicants) -> Self {
        AdmitAllTied {
            capacity: &applicants.capacity,
            held: applicants
                .capacity
                .iter()
                .map(|_| BinaryHeap::new())
                .collect(),
            worst_group: Vec::new(),
        }
    }

    /// Every child held, once.
    pub fn held(&self) -> impl Iterator<Item = u32> + '_ {
        self.held.iter().flat_map(|h| h.iter().map(|&(_, c)| c))
    }
}

impl ChoiceRule for AdmitAllTied<'_> {
    type Application = super::Application;

    #[inline]
    fn propose(&mut self, child: u32, app: super::Application, rejected: &mut Vec<u32>) -> bool {
        let s = app.school.ix();
        let cap = self.capacity[s] as usize;
        if cap == 0 {
            return false;
        }
        let heap = &mut self.held[s];
        heap.push((app.priority, child));
        let mut kept = true;
        while heap.len() > cap {
            let worst = heap.peek().expect("over capacity").0;
            self.worst_group.clear();
            while heap.peek().is_some_and(|&(p, _)| p == worst) {
                self.worst_group.push(heap.pop().expect("peeked"));
            }
            if heap.len() >= cap {
                for &(_, r) in &self.worst_group {
                    if r == child {
                        kept = false;
                    } else {
                        rejected.push(r);
                    }
                }
            } else {
                heap.extend(self.worst_group.drain(..));
                break;
            }
        }
        kept
    }
}

/// Deferred acceptance with the `admit_all_tied` rule. Returns, per child of `applicants`, the
/// admitted position in her list, or `None`.
pub fn deferred_acceptance_admit_tied(applicants: &Applicants) -> Vec<Option<u8>> {
    let mut da = DeferredAcceptance::new(AdmitAllTied::new(applicants), &applicants.lists);
    da.settle();
    da.admitted(da.rule().held())
}
