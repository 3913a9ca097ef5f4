//! Master lists: children sorted by merit and numbered into equal-merit classes.

use std::cmp::Ordering;

use crate::policy::{MilliPoints, TieRule};
use crate::scenario::Scenario;

/// Sorts children by merit (points, then tie-break keys; then lottery and id for a strict order)
/// and numbers the classes. Returns the classes and whether any two children share one.
pub(super) fn classes(
    scenario: &Scenario,
    points: &[MilliPoints],
    lottery: &[u64],
) -> (Vec<u32>, bool) {
    let policy = &scenario.policy;
    let n = points.len();
    let keep_ties = policy.tie_rule != TieRule::Lottery;
    let same_merit = |a: usize, b: usize| -> Ordering {
        let (ca, cb) = (&scenario.children[a], &scenario.children[b]);
        points[b].cmp(&points[a]).then_with(|| {
            policy
                .tie_keys
                .iter()
                .map(|k| k.sort_value(ca).cmp(&k.sort_value(cb)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        })
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| {
        same_merit(a, b)
            .then_with(|| lottery[a].cmp(&lottery[b]))
            .then_with(|| scenario.children[a].id.cmp(&scenario.children[b].id))
    });
    let mut class = vec![0u32; n];
    let mut current = 0u32;
    let mut ties = false;
    for w in 1..order.len() {
        if keep_ties && same_merit(order[w - 1], order[w]).is_eq() {
            ties = true;
        } else {
            current += 1;
        }
        class[order[w]] = current;
    }
    (class, ties)
}
