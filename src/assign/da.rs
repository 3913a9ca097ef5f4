//! Reference mechanisms: child-proposing deferred acceptance (DA).
//!
//! With strict priorities DA returns the child-optimal stable assignment: every child gets the
//! best school she can have in any assignment without justified envy, and every stable
//! assignment places the same children (the "rural hospitals" theorem). It is therefore the exact
//! optimum of the public-stage model whenever priorities are strict, and a feasible warm start
//! when ties are kept (then ties are broken by the fallback order).
//! Runs in O(total list length × log capacity).

use std::collections::BinaryHeap;

use super::Applicants;
use crate::domain::{ChildIdx, SchoolIdx};

/// Child-proposing DA over the given applications. Returns, per child of `applicants`, the
/// position in her list she was admitted at, or `None`.
pub fn deferred_acceptance(applicants: &Applicants) -> Vec<Option<u8>> {
    let n = applicants.lists.len();
    let mut next = vec![0usize; n];
    let mut held: Vec<BinaryHeap<(u64, u32)>> = applicants
        .capacity
        .iter()
        .map(|&c| BinaryHeap::with_capacity(c as usize))
        .collect();
    let mut free: Vec<u32> = (0..n as u32).rev().collect();
    while let Some(c) = free.pop() {
        let list = &applicants.lists[c as usize];
        while next[c as usize] < list.len() {
            let app = list[next[c as usize]];
            next[c as usize] += 1;
            let s = app.school.ix();
            let cap = applicants.capacity[s] as usize;
            if cap == 0 {
                continue;
            }
            let heap = &mut held[s];
            if heap.len() < cap {
                heap.push((app.key, c));
                break;
            }
            let &(worst_key, worst) = heap.peek().expect("a full school holds someone");
            if app.key < worst_key {
                heap.pop();
                heap.push((app.key, c));
                free.push(worst);
                break;
            }
        }
    }
    admitted_from(&held, &next)
}

/// Reads the final assignment off the schools' held children: each held child is at the last
/// position she proposed to.
fn admitted_from<K>(held: &[BinaryHeap<(K, u32)>], next: &[usize]) -> Vec<Option<u8>>
where
    K: Ord,
{
    let mut admitted = vec![None; next.len()];
    for heap in held {
        for (_, c) in heap.iter() {
            admitted[*c as usize] = Some((next[*c as usize] - 1) as u8);
        }
    }
    admitted
}

/// Serial dictatorship over one master order: each child, best first, takes her best listed
/// school with a free seat. Equals DA when every school ranks by the same order.
pub fn serial_dictatorship(applicants: &Applicants, order: &[ChildIdx]) -> Vec<Option<u8>> {
    let mut left: Vec<u32> = applicants.capacity.clone();
    let mut admitted = vec![None; applicants.lists.len()];
    for &c in order {
        let list = &applicants.lists[c.ix()];
        if let Some(pos) = list.iter().position(|a| left[a.school.ix()] > 0) {
            left[list[pos].school.ix()] -= 1;
            admitted[c.ix()] = Some(pos as u8);
        }
    }
    admitted
}

/// The school a child was admitted to, from a list position.
pub fn school_at(applicants: &Applicants, c: usize, pos: Option<u8>) -> Option<SchoolIdx> {
    pos.map(|p| applicants.lists[c][p as usize].school)
}

/// Deferred acceptance where a school whose last seat falls inside a group of equal priority
/// admits the whole group (over-admission, the `admit_all_tied` rule): a school holding more
/// than its seats rejects its worst priority group only while the rest still fill every seat.
pub fn deferred_acceptance_admit_tied(applicants: &Applicants) -> Vec<Option<u8>> {
    use crate::ranking::Priority;
    let n = applicants.lists.len();
    let mut next = vec![0usize; n];
    let mut held: Vec<BinaryHeap<(Priority, u32)>> = applicants
        .capacity
        .iter()
        .map(|_| BinaryHeap::new())
        .collect();
    let mut free: Vec<u32> = (0..n as u32).rev().collect();
    let mut worst_group = Vec::new();
    while let Some(c) = free.pop() {
        let list = &applicants.lists[c as usize];
        while next[c as usize] < list.len() {
            let app = list[next[c as usize]];
            next[c as usize] += 1;
            let s = app.school.ix();
            let cap = applicants.capacity[s] as usize;
            if cap == 0 {
                continue;
            }
            let heap = &mut held[s];
            heap.push((app.priority, c));
            let mut kept = true;
            while heap.len() > cap {
                let worst = heap.peek().expect("over capacity").0;
                worst_group.clear();
                while heap.peek().is_some_and(|&(p, _)| p == worst) {
                    worst_group.push(heap.pop().expect("peeked"));
                }
                if heap.len() >= cap {
                    for &(_, rejected) in &worst_group {
                        if rejected == c {
                            kept = false;
                        } else {
                            free.push(rejected);
                        }
                    }
                } else {
                    heap.extend(worst_group.drain(..));
                    break;
                }
            }
            if kept {
                break;
            }
        }
    }
    admitted_from(&held, &next)
}
