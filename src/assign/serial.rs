//! Serial dictatorship, a reference mechanism: one master order for every school.
//!
//! Each child, best first in the city-wide fallback order, takes her best listed school with a
//! free seat. It equals deferred acceptance when every school ranks children by that same order;
//! it ignores the per-school tiers otherwise, which is what it is kept to show.

use super::Applicants;
use crate::domain::ChildIdx;

/// Serial dictatorship over `order`. Returns, per child of `applicants`, the admitted position
/// in her list, or `None`.
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
