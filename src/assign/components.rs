//! Independent components of the choice graph.
//!
//! Two schools are connected when some child can win a place at both; a component is a
//! connected set of schools with the children who apply to them. No constraint of the choice
//! stage crosses components, so solving each on its own is exact (unlike splitting by district,
//! which cross-district choices break), and the components run in parallel.

use super::Applicants;
use crate::domain::{ChildIdx, SchoolIdx};

/// One independent part of the choice stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Schools of the component, ascending.
    pub schools: Vec<SchoolIdx>,
    /// Children with at least one application in the component, ascending.
    pub children: Vec<ChildIdx>,
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// Splits the applications into independent components, ordered by their smallest school.
/// Schools nobody applies to are left out.
pub fn components(applicants: &Applicants) -> Vec<Component> {
    let n_schools = applicants.capacity.len();
    let mut parent: Vec<u32> = (0..n_schools as u32).collect();
    for list in &applicants.lists {
        if let Some(first) = list.first() {
            for app in &list[1..] {
                let (a, b) = (
                    find(&mut parent, first.school.0),
                    find(&mut parent, app.school.0),
                );
                if a != b {
                    // Union towards the smaller index so roots are deterministic.
                    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                    parent[hi as usize] = lo;
                }
            }
        }
    }
    let mut slot_of_root = vec![u32::MAX; n_schools];
    let mut out: Vec<Component> = Vec::new();
    let mut used = vec![false; n_schools];
    for list in &applicants.lists {
        for app in list {
            used[app.school.ix()] = true;
        }
    }
    for (s, _) in used.iter().enumerate().filter(|(_, &u)| u) {
        let root = find(&mut parent, s as u32) as usize;
        if slot_of_root[root] == u32::MAX {
            slot_of_root[root] = out.len() as u32;
            out.push(Component {
                schools: Vec::new(),
                children: Vec::new(),
            });
        }
        out[slot_of_root[root] as usize]
            .schools
            .push(SchoolIdx(s as u32));
    }
    for (c, list) in applicants.lists.iter().enumerate() {
        if let Some(first) = list.first() {
            let root = find(&mut parent, first.school.0) as usize;
            out[slot_of_root[root] as usize]
                .children
                .push(ChildIdx(c as u32));
        }
    }
    out
}
