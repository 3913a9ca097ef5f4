//! Master lists: children sorted by merit and numbered into equal-merit classes.

use rayon::prelude::*;

use crate::policy::{MilliPoints, TieRule};
use crate::scenario::Scenario;

/// Sorts children by merit (points, then tie-break keys; then lottery and id for a strict order)
/// and numbers the classes. Returns the classes and whether any two children share one.
///
/// Each child's merit is first written out as one row of numbers, smaller ranking first (her
/// points bit-inverted, then each tie-break key's sort value), so that the sort compares short
/// rows side by side in memory instead of reaching into two children per comparison. The order
/// is total (ids are unique), so the parallel sort gives one result on any number of threads.
pub(super) fn classes(
    scenario: &Scenario,
    points: &[MilliPoints],
    lottery: &[u64],
) -> (Vec<u32>, bool) {
    let policy = &scenario.policy;
    let n = points.len();
    let keep_ties = policy.tie_rule != TieRule::Lottery;
    let width = 1 + policy.tie_keys.len();
    let mut merit = vec![0i64; n * width];
    merit
        .par_chunks_mut(width)
        .zip(&scenario.children)
        .zip(points)
        .for_each(|((row, child), &p)| {
            // `!p` orders as `-p` does, without overflow: more points first.
            row[0] = !p;
            for (value, key) in row[1..].iter_mut().zip(&policy.tie_keys) {
                *value = key.sort_value(child);
            }
        });
    let row = |c: usize| &merit[c * width..(c + 1) * width];
    let order = match width {
        1 => sorted_inline::<1>(scenario, &merit, lottery),
        2 => sorted_inline::<2>(scenario, &merit, lottery),
        3 => sorted_inline::<3>(scenario, &merit, lottery),
        4 => sorted_inline::<4>(scenario, &merit, lottery),
        _ => {
            let mut order: Vec<usize> = (0..n).collect();
            order.par_sort_unstable_by(|&a, &b| {
                row(a)
                    .cmp(row(b))
                    .then_with(|| lottery[a].cmp(&lottery[b]))
                    .then_with(|| scenario.children[a].id.cmp(&scenario.children[b].id))
            });
            order
        }
    };
    let mut class = vec![0u32; n];
    let mut current = 0u32;
    let mut ties = false;
    for w in 1..order.len() {
        if keep_ties && row(order[w - 1]) == row(order[w]) {
            ties = true;
        } else {
            current += 1;
        }
        class[order[w]] = current;
    }
    (class, ties)
}

/// The children in the order of [`classes`] (merit row, then lottery, then id) for a merit row
/// of `W` numbers, sorted with each child's row and lottery number beside her index, so that a
/// comparison reads one place in memory instead of three (the points and tie-break keys of a
/// policy rarely exceed four numbers; wider rows are sorted by index). The order is the same.
fn sorted_inline<const W: usize>(
    scenario: &Scenario,
    merit: &[i64],
    lottery: &[u64],
) -> Vec<usize> {
    let mut keyed: Vec<([i64; W], u64, u32)> = merit
        .par_chunks_exact(W)
        .zip(lottery)
        .enumerate()
        .map(|(c, (row, &l))| (row.try_into().expect("rows of W numbers"), l, c as u32))
        .collect();
    let children = &scenario.children;
    keyed.par_sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| children[a.2 as usize].id.cmp(&children[b.2 as usize].id))
    });
    keyed.into_iter().map(|(_, _, c)| c as usize).collect()
}
