//! Master lists: children sorted by merit and numbered into equal-merit classes.

use std::cmp::Ordering;

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
    let by_id = |a: usize, b: usize| scenario.children[a].id.cmp(&scenario.children[b].id);
    let order = if width <= INLINE_WIDTH {
        sorted_inline(&merit, width, lottery, by_id)
    } else {
        sorted_by_index(&merit, width, lottery, by_id)
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

/// The widest merit row [`sorted_inline`] sorts: the points and three tie-break keys, as the
/// shipped policies have; a wider row is sorted by index ([`sorted_by_index`]).
const INLINE_WIDTH: usize = 4;

/// The children in the order of [`classes`] (merit row of `width` numbers, then lottery, then
/// `by_id`), sorted by index: a comparison reads the two children's rows and lottery numbers
/// where they lie.
fn sorted_by_index<F>(merit: &[i64], width: usize, lottery: &[u64], by_id: F) -> Vec<usize>
where
    F: Fn(usize, usize) -> Ordering + Sync,
{
    let row = |c: usize| &merit[c * width..(c + 1) * width];
    let mut order: Vec<usize> = (0..lottery.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        row(a)
            .cmp(row(b))
            .then_with(|| lottery[a].cmp(&lottery[b]))
            .then_with(|| by_id(a, b))
    });
    order
}

/// [`sorted_by_index`]'s order for rows of at most [`INLINE_WIDTH`] numbers, sorted with each
/// child's row (padded with zeros, which every row shares, so the order is unchanged) and
/// lottery number beside her index, so that a comparison reads one place in memory instead of
/// three.
fn sorted_inline<F>(merit: &[i64], width: usize, lottery: &[u64], by_id: F) -> Vec<usize>
where
    F: Fn(usize, usize) -> Ordering + Sync,
{
    let mut keyed: Vec<([i64; INLINE_WIDTH], u64, u32)> = merit
        .par_chunks_exact(width)
        .zip(lottery)
        .enumerate()
        .map(|(c, (row, &l))| {
            let mut padded = [0; INLINE_WIDTH];
            padded[..width].copy_from_slice(row);
            (padded, l, c as u32)
        })
        .collect();
    keyed.par_sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| by_id(a.2 as usize, b.2 as usize))
    });
    keyed.into_iter().map(|(_, _, c)| c as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inline sort gives the sort by index's order at every width it takes, on rows with
    /// many equal numbers, equal lottery numbers and ids deciding the rest.
    #[test]
    fn inline_and_by_index_sorts_agree() {
        let n = 5_000;
        // A small linear congruential stream: deterministic, no dependency.
        let mut state = 12_345u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let lottery: Vec<u64> = (0..n).map(|_| next(50)).collect();
        let ids: Vec<String> = (0..n).map(|i| format!("C{:05}", (i * 7_919) % n)).collect();
        let by_id = |a: usize, b: usize| ids[a].cmp(&ids[b]);
        for width in 1..=INLINE_WIDTH {
            let merit: Vec<i64> = (0..n * width).map(|_| next(4) as i64 - 2).collect();
            assert_eq!(
                sorted_inline(&merit, width, &lottery, by_id),
                sorted_by_index(&merit, width, &lottery, by_id),
                "width {width}"
            );
        }
    }
}
