//! Exact pruning of applications before the tie-keeping integer program.
//!
//! Two rules, applied until nothing changes; each removes only applications that no weakly
//! stable assignment uses, and keeps every weakly stable assignment weakly stable (so the
//! optimum, and the deferred-acceptance start, are unchanged):
//!
//! - **guaranteed**: if the applicants of school `s` whose priority is at least child `c`'s number
//!   at most `s`'s seats, `s` can never be full of children at least as good as `c`, so every
//!   weakly stable assignment gives `c` the school `s` or one she prefers: her applications below
//!   `s` are removed;
//! - **excluded**: if at least `q` children strictly better than `c` at `s` are guaranteed `s`
//!   and have nothing better left, they fill `s`: `c`'s application to `s` is removed (its
//!   stability constraint holds in every assignment anyway).
//!
//! Removing applications shrinks the counts the rules read, so one removal can enable another;
//! a worklist of schools whose applicants changed runs the rules to the fixpoint. On large
//! intakes the model then splits into many small components.

use super::{Applicants, Application};
use crate::ranking::Priority;

/// Applications left after pruning, with where each came from.
#[derive(Debug, Clone)]
pub struct Pruned {
    /// The same children and schools, with fewer applications.
    pub applicants: Applicants,
    /// Per child, the position in the original list of each application kept.
    pub original: Vec<Vec<u8>>,
    /// Applications removed (read by the pruning property tests, through `internals`).
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    pub removed: usize,
}

impl Pruned {
    /// Every application kept.
    pub fn none(applicants: &Applicants) -> Pruned {
        Pruned {
            applicants: applicants.clone(),
            original: applicants
                .lists
                .iter()
                .map(|l| (0..l.len() as u8).collect())
                .collect(),
            removed: 0,
        }
    }

    /// A position in the pruned list of child `c`, as a position in her original list.
    pub fn to_original(&self, c: usize, pos: Option<u8>) -> Option<u8> {
        pos.map(|p| self.original[c][p as usize])
    }

    /// A position in the original list of child `c`, as a position in her pruned list (`None`
    /// also when that application was removed).
    pub fn pruned_position(&self, c: usize, pos: Option<u8>) -> Option<u8> {
        let p = pos?;
        self.original[c]
            .iter()
            .position(|&o| o == p)
            .map(|i| i as u8)
    }
}

/// Prunes the applications of `applicants` to the fixpoint of both rules.
pub fn prune(applicants: &Applicants) -> Pruned {
    let n_schools = applicants.capacity.len();
    // Applications kept, per child: (original position, application).
    let mut lists: Vec<Vec<(u8, Application)>> = applicants
        .lists
        .iter()
        .map(|l| l.iter().enumerate().map(|(i, a)| (i as u8, *a)).collect())
        .collect();
    // Applicants per school (child indices; stale entries are skipped when read).
    let mut at: Vec<Vec<u32>> = vec![Vec::new(); n_schools];
    for (c, list) in lists.iter().enumerate() {
        for (_, a) in list {
            at[a.school.ix()].push(c as u32);
        }
    }
    let mut dirty: Vec<bool> = vec![true; n_schools];
    let mut queue: Vec<usize> = (0..n_schools).rev().collect();
    let mut removed = 0usize;
    while let Some(s) = queue.pop() {
        dirty[s] = false;
        let q = applicants.capacity[s] as usize;
        // Current applicants of s with their priority there, best first.
        let mut apps: Vec<(Priority, u32)> = at[s]
            .iter()
            .filter_map(|&c| {
                lists[c as usize]
                    .iter()
                    .find(|(_, a)| a.school.ix() == s)
                    .map(|(_, a)| (a.priority, c))
            })
            .collect();
        apps.sort_unstable();
        apps.dedup();
        at[s] = apps.iter().map(|&(_, c)| c).collect();
        let mut touched: Vec<usize> = Vec::new();
        // Guaranteed: groups whose cumulative count stays within the seats.
        let mut guaranteed = 0;
        for run in apps.chunk_by(|a, b| a.0 == b.0) {
            if guaranteed + run.len() > q {
                break;
            }
            guaranteed += run.len();
        }
        for &(_, c) in &apps[..guaranteed] {
            let list = &mut lists[c as usize];
            let k = list
                .iter()
                .position(|(_, a)| a.school.ix() == s)
                .expect("an applicant of s lists s");
            for (_, a) in list.drain(k + 1..) {
                touched.push(a.school.ix());
                removed += 1;
            }
        }
        // Excluded: the q best of the guaranteed children with s first fill s.
        let sure: Vec<Priority> = apps[..guaranteed]
            .iter()
            .filter(|&&(_, c)| lists[c as usize][0].1.school.ix() == s)
            .map(|&(p, _)| p)
            .collect();
        let excluded: Vec<u32> = match q {
            0 => apps.iter().map(|&(_, c)| c).collect(),
            _ if sure.len() >= q => apps
                .iter()
                .filter(|&&(p, _)| p > sure[q - 1])
                .map(|&(_, c)| c)
                .collect(),
            _ => Vec::new(),
        };
        for c in excluded {
            let list = &mut lists[c as usize];
            if let Some(k) = list.iter().position(|(_, a)| a.school.ix() == s) {
                list.remove(k);
                removed += 1;
                // Her other schools lose nothing, but her first choice may now be another
                // school, where she may count as sure.
                touched.extend(list.first().map(|(_, a)| a.school.ix()));
            }
        }
        if !touched.is_empty() {
            // s itself: applicants may have gone (excluded), and rules may now fire again.
            touched.push(s);
        }
        for t in touched {
            if !dirty[t] {
                dirty[t] = true;
                queue.push(t);
            }
        }
    }
    let original = lists
        .iter()
        .map(|l| l.iter().map(|&(o, _)| o).collect())
        .collect();
    let lists = lists
        .into_iter()
        .map(|l| l.into_iter().map(|(_, a)| a).collect())
        .collect();
    Pruned {
        applicants: Applicants {
            lists,
            ..applicants.clone()
        },
        original,
        removed,
    }
}
