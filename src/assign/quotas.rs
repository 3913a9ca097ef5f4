//! Reserved seats (quotas) for migrant children, and deferred acceptance with them.
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

use super::Applicants;

/// Child-proposing DA where each school applies the reserved-seats choice rule above.
/// `migrant[c]` says whether child `c` belongs to the group; `applicants.reserved[s]` gives the
/// reserved seats of each school. Returns, per child, the admitted position in her list.
pub fn deferred_acceptance_reserved(applicants: &Applicants, migrant: &[bool]) -> Vec<Option<u8>> {
    let n = applicants.lists.len();
    let mut next = vec![0usize; n];
    let schools = applicants.capacity.len();
    // Per school, the held migrants and the held others, worst (largest key) on top.
    let mut held_m: Vec<BinaryHeap<(u64, u32)>> = vec![BinaryHeap::new(); schools];
    let mut held_o: Vec<BinaryHeap<(u64, u32)>> = vec![BinaryHeap::new(); schools];
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
            let is_migrant = migrant[c as usize];
            if is_migrant {
                held_m[s].push((app.key, c));
            } else {
                held_o[s].push((app.key, c));
            }
            if held_m[s].len() + held_o[s].len() <= cap {
                break;
            }
            let reserved = applicants.reserved[s] as usize;
            let worst_m = held_m[s].peek().copied();
            let worst_o = held_o[s].peek().copied();
            let reject_other = held_m[s].len() <= reserved || worst_o > worst_m;
            let (_, rejected) = if reject_other {
                held_o[s].pop()
            } else {
                held_m[s].pop()
            }
            .expect("a school over its seats holds someone to reject");
            if rejected != c {
                free.push(rejected);
                break;
            }
        }
    }
    let mut admitted = vec![None; n];
    for heap in held_m.iter().chain(&held_o) {
        for &(_, c) in heap.iter() {
            admitted[c as usize] = Some((next[c as usize] - 1) as u8);
        }
    }
    admitted
}
