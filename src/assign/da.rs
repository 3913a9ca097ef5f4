//! Child-proposing deferred acceptance (DA), written once and parameterised by the schools'
//! choice rule.
//!
//! Every proposer (a child, or a unit of siblings) starts free. A free proposer proposes to the
//! next school on her list; the school, by its [`ChoiceRule`], either holds her — perhaps
//! rejecting proposers it held, who become free again — or rejects her, and she proposes to her
//! next school. It ends when every proposer is held or has exhausted her list. Free proposers
//! are taken from a stack (the last rejected proposes first), so for a given rule the run is
//! deterministic.
//!
//! The rules: [`Strict`] here (each school holds its best applicants by strict key), the
//! over-admission of ties in [`super::admit_tied`], the reserved seats of [`super::quotas`], and
//! the sibling units of [`super::siblings`]. [`DeferredAcceptance`] is generic over the rule, so
//! each rule gets its own monomorphised loop.
//!
//! With strict priorities DA returns the child-optimal stable assignment: every child gets the
//! best school she can have in any assignment without justified envy, and every stable
//! assignment places the same children (the "rural hospitals" theorem). It is therefore the exact
//! optimum of the public-stage model whenever priorities are strict, and a feasible warm start
//! when ties are kept (then ties are broken by the fallback order).
//! Runs in O(total list length × log capacity).

use std::collections::BinaryHeap;

use super::{Applicants, Application};

/// What a school holds, given the proposals it has received: the one part of deferred
/// acceptance that differs between mechanisms.
pub trait ChoiceRule {
    /// One proposal: the school proposed to and the proposer's priority there.
    type Application: Copy;

    /// The school of `application` receives a proposal from `proposer`. Proposers it held and
    /// now rejects are pushed onto `rejected`, in the order rejected (they propose again, last
    /// first). Returns whether `proposer` is held.
    fn propose(
        &mut self,
        proposer: u32,
        application: Self::Application,
        rejected: &mut Vec<u32>,
    ) -> bool;
}

/// A run of deferred acceptance: the choice rule with what each school holds, and each
/// proposer's place in her list.
pub struct DeferredAcceptance<'a, R: ChoiceRule> {
    rule: R,
    /// Per proposer, her applications best first.
    lists: &'a [Vec<R::Application>],
    /// Per proposer, the next list position to propose to; a held proposer is held at the
    /// position before it.
    next: Vec<usize>,
    /// Proposers to propose next, the last first.
    free: Vec<u32>,
}

impl<'a, R: ChoiceRule> DeferredAcceptance<'a, R> {
    /// A run with every proposer free and at the top of her list (proposer 0 proposes first).
    pub fn new(rule: R, lists: &'a [Vec<R::Application>]) -> Self {
        let n = lists.len();
        DeferredAcceptance {
            rule,
            lists,
            next: vec![0; n],
            free: (0..n as u32).rev().collect(),
        }
    }

    /// Runs proposals until every free proposer is held or has exhausted her list.
    pub fn settle(&mut self) {
        let lists = self.lists;
        while let Some(p) = self.free.pop() {
            let list = &lists[p as usize];
            let next = &mut self.next[p as usize];
            while *next < list.len() {
                let application = list[*next];
                *next += 1;
                if self.rule.propose(p, application, &mut self.free) {
                    break;
                }
            }
        }
    }

    /// The next list position `proposer` would propose to; if she is held, she is held at the
    /// position before it.
    pub fn next(&self, proposer: u32) -> usize {
        self.next[proposer as usize]
    }

    /// Makes `proposer` free again, proposing next from list position `from` (the caller has
    /// taken her out of any school holding her). Takes effect at the next [`Self::settle`].
    pub fn propose_again(&mut self, proposer: u32, from: usize) {
        self.next[proposer as usize] = from;
        self.free.push(proposer);
    }

    /// The choice rule, with what each school holds.
    pub fn rule(&self) -> &R {
        &self.rule
    }

    /// The choice rule, to take proposers out of schools between settlements.
    pub fn rule_mut(&mut self) -> &mut R {
        &mut self.rule
    }

    /// Per proposer, the list position she is held at, or `None`; `held` lists every held
    /// proposer once.
    pub fn admitted(&self, held: impl Iterator<Item = u32>) -> Vec<Option<u8>> {
        let mut admitted = vec![None; self.next.len()];
        for p in held {
            admitted[p as usize] = Some((self.next[p as usize] - 1) as u8);
        }
        admitted
    }
}

/// Plain strict priority: a school holds its best applicants by strict key (priority, then the
/// fallback order), as many as its seats.
pub struct Strict<'a> {
    capacity: &'a [u32],
    /// Per school, the held children by key, worst (largest key) on top.
    held: Vec<BinaryHeap<(u64, u32)>>,
}

impl<'a> Strict<'a> {
    /// Every school empty, with the seats of `applicants`.
    pub fn new(applicants: &'a Applicants) -> Self {
        Strict {
            capacity: &applicants.capacity,
            held: applicants
                .capacity
                .iter()
                .map(|&c| BinaryHeap::with_capacity(c as usize))
                .collect(),
        }
    }

    /// Every child held, once.
    pub fn held(&self) -> impl Iterator<Item = u32> + '_ {
        self.held.iter().flat_map(|h| h.iter().map(|&(_, c)| c))
    }
}

impl ChoiceRule for Strict<'_> {
    type Application = Application;

    #[inline]
    fn propose(&mut self, child: u32, app: Application, rejected: &mut Vec<u32>) -> bool {
        let s = app.school.ix();
        let cap = self.capacity[s] as usize;
        if cap == 0 {
            return false;
        }
        let heap = &mut self.held[s];
        if heap.len() < cap {
            heap.push((app.key, child));
            return true;
        }
        let &(worst_key, worst) = heap.peek().expect("a full school holds someone");
        if app.key < worst_key {
            heap.pop();
            heap.push((app.key, child));
            rejected.push(worst);
            return true;
        }
        false
    }
}

/// Child-proposing DA with strict priorities over the given applications (kept ties broken by
/// the fallback order). Returns, per child of `applicants`, the position in her list she was
/// admitted at, or `None`.
pub fn deferred_acceptance(applicants: &Applicants) -> Vec<Option<u8>> {
    let mut da = DeferredAcceptance::new(Strict::new(applicants), &applicants.lists);
    da.settle();
    da.admitted(da.rule().held())
}
