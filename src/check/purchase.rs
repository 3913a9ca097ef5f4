//! Checking bought places without the purchase algorithm.
//!
//! The rule (docs/formulation.md §1): walking the children left without a public place in the
//! fallback order, child `k` must be bought a place exactly when she and every child bought a
//! place before her fit the purchasable seats in reach at a least total cost within the budget;
//! among assignments of that set, the one returned must cost least, then travel least.
//!
//! The checker proves this with different algorithms from the solver's successive shortest
//! paths:
//!
//! - **who is placed**, child by child in the fallback order, per *pool* (private schools linked
//!   by a child who can reach both; pools share only the budget): the children bought a place so
//!   far are seated by augmenting paths without costs (breadth-first over the schools), then
//!   brought to least cost by cancelling negative cycles (Bellman–Ford on the pool's schools). For an unplaced
//!   child the same is tried and then undone (a journal of the trial's changes, replayed
//!   backwards, so no pool is ever copied): if she cannot be seated her reason must be
//!   `private_places_full`; if she can and the least cost of everyone so far, over every pool,
//!   fits the budget, she was wrongly passed over; otherwise her reason must be
//!   `budget_exhausted`. If every unplaced child passes this test and the bought set itself fits
//!   (capacity, reach, budget — checked in [`super::capacity`], [`super::reach`] and
//!   [`super::budget`]), the bought set is exactly the best
//!   set by priority: the first child where it differed would be caught.
//! - **least cost, then distance**: no negative cycle in the residual graph of the final
//!   assignment (per pool, the edge `p → q` being the cheapest move of a child held at `p` to
//!   `q`, plus a spare-seat node). This is the optimality condition of min-cost flow.
//!
//! When a pool is very large (see [`EXACT_WORK_LIMIT`]), the first part is replaced by two
//! necessary conditions — no unplaced child has a free seat in reach she could afford with the
//! money left, and `private_places_full` only when every school in reach is full — and a note in
//! the report says the priority rule was not proven. Equal-cost ties are not checked: any
//! least-cost assignment passes.

use std::collections::HashMap;

use super::priority::Ranks;
use super::reach::in_reach;
use super::tally::Tally;
use super::Violations;
use crate::assign::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, PrivateIdx};
use crate::scenario::Scenario;

/// Above this estimate of work (Σ over pools of children × (schools³ + children)) the priority
/// rule is checked by necessary conditions only.
pub const EXACT_WORK_LIMIT: u64 = 400_000_000;

/// Distance in whole metres, as the purchase objective counts it.
fn metres(scenario: &Scenario, c: ChildIdx, p: PrivateIdx) -> i64 {
    let d = scenario
        .child(c)
        .location
        .distance_km(scenario.private_school(p).location);
    (d * 1000.0).round() as i64
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// One pool: its schools (local indices) and the children seated so far.
#[derive(Default)]
struct Pool {
    /// Seats of each local school.
    cap: Vec<u32>,
    /// Yuan per place at each local school.
    yuan: Vec<i64>,
    /// Per seated child: her reach (local schools) and the school she holds.
    reach: Vec<Vec<usize>>,
    at: Vec<usize>,
    /// Per school, the seated children holding it.
    held: Vec<Vec<usize>>,
    /// `count[j * n + l]`: children held at `j` who reach `l`.
    count: Vec<u32>,
    cost: i64,
    /// While a trial runs ([`Pool::trial_cost`]): every change made, so it can be undone.
    journal: Option<Vec<Change>>,
}

/// One change of a pool during a trial, with what undoing it needs.
#[derive(Clone, Copy)]
enum Change {
    /// Child `i` was put at school `j` (pushed last on `held[j]`); she was at `before`.
    Held { i: usize, j: usize, before: usize },
    /// Child `i` was taken off school `j` from position `k` of `held[j]` (by `swap_remove`).
    Released { i: usize, j: usize, k: usize },
}

impl Pool {
    fn n(&self) -> usize {
        self.cap.len()
    }

    fn add_school(&mut self, cap: u32, yuan: i64) {
        let n = self.n() + 1;
        let mut count = vec![0; n * n];
        for j in 0..n - 1 {
            for l in 0..n - 1 {
                count[j * n + l] = self.count[j * (n - 1) + l];
            }
        }
        self.count = count;
        self.cap.push(cap);
        self.yuan.push(yuan);
        self.held.push(Vec::new());
    }

    /// Puts seated child `i` at school `j` (`hold`) or takes her off it.
    fn set(&mut self, i: usize, j: usize, hold: bool) {
        let n = self.n();
        for r in 0..self.reach[i].len() {
            let l = self.reach[i][r];
            if hold {
                self.count[j * n + l] += 1;
            } else {
                self.count[j * n + l] -= 1;
            }
        }
        if hold {
            self.held[j].push(i);
            if let Some(journal) = &mut self.journal {
                journal.push(Change::Held {
                    i,
                    j,
                    before: self.at[i],
                });
            }
            self.at[i] = j;
            self.cost += self.yuan[j];
        } else {
            let k = self.held[j].iter().position(|&o| o == i).expect("held");
            self.held[j].swap_remove(k);
            if let Some(journal) = &mut self.journal {
                journal.push(Change::Released { i, j, k });
            }
            self.cost -= self.yuan[j];
        }
    }

    /// The least total yuan of the seated children and one more with local reach `reach`, or
    /// `None` if the seats cannot take her with everyone already seated. The pool is left
    /// exactly as it was (every change undone in reverse order, the order of each school's
    /// holders included), so what follows behaves as if the trial had run on a copy.
    fn trial_cost(&mut self, reach: Vec<usize>) -> Option<i64> {
        let seated = self.at.len();
        self.journal = Some(Vec::new());
        let cost = self.add(reach).then(|| {
            self.cancel_cycles();
            self.cost
        });
        let journal = self.journal.take().expect("the trial's journal");
        let n = self.n();
        for change in journal.into_iter().rev() {
            let (i, j, hold) = match change {
                Change::Held { i, j, before } => {
                    let last = self.held[j].pop();
                    debug_assert_eq!(last, Some(i), "undone in reverse order");
                    self.at[i] = before;
                    self.cost -= self.yuan[j];
                    (i, j, false)
                }
                Change::Released { i, j, k } => {
                    // `swap_remove(k)` moved the last holder into `k`: put it back behind.
                    self.held[j].push(i);
                    let last = self.held[j].len() - 1;
                    self.held[j].swap(k, last);
                    self.cost += self.yuan[j];
                    (i, j, true)
                }
            };
            for r in 0..self.reach[i].len() {
                let l = self.reach[i][r];
                if hold {
                    self.count[j * n + l] += 1;
                } else {
                    self.count[j * n + l] -= 1;
                }
            }
        }
        self.reach.truncate(seated);
        self.at.truncate(seated);
        cost
    }

    /// A child held at `j` who reaches `l`.
    fn mover(&self, j: usize, l: usize) -> usize {
        *self.held[j]
            .iter()
            .find(|&&o| self.reach[o].contains(&l))
            .expect("the count says one exists")
    }

    /// Seats one more child with local reach `reach` along an augmenting path found by
    /// breadth-first search over the schools (costs ignored); false if the seats cannot take
    /// her with everyone already seated.
    fn add(&mut self, reach: Vec<usize>) -> bool {
        let n = self.n();
        const START: usize = usize::MAX;
        let mut parent = vec![None; n];
        let mut queue = std::collections::VecDeque::new();
        for &j in &reach {
            if parent[j].is_none() {
                parent[j] = Some(START);
                queue.push_back(j);
            }
        }
        let mut end = None;
        while let Some(j) = queue.pop_front() {
            if self.held[j].len() < self.cap[j] as usize {
                end = Some(j);
                break;
            }
            for (l, from) in parent.iter_mut().enumerate() {
                if from.is_none() && self.count[j * n + l] > 0 {
                    *from = Some(j);
                    queue.push_back(l);
                }
            }
        }
        let Some(mut l) = end else {
            return false;
        };
        // Walk back: each school on the path passes one child on to the next.
        while let Some(j) = parent[l].filter(|&j| j != START) {
            let o = self.mover(j, l);
            self.set(o, j, false);
            self.set(o, l, true);
            l = j;
        }
        let me = self.at.len();
        self.reach.push(reach);
        self.at.push(l);
        self.set(me, l, true);
        true
    }

    /// Brings the seated children to least total yuan by cancelling negative cycles.
    fn cancel_cycles(&mut self) {
        let n = self.n();
        loop {
            let mut edges: Vec<(usize, usize, i64)> = Vec::new();
            for j in 0..n {
                for l in 0..n {
                    if l != j && self.count[j * n + l] > 0 {
                        edges.push((j, l, self.yuan[l] - self.yuan[j]));
                    }
                }
                if self.held[j].len() < self.cap[j] as usize {
                    edges.push((j, n, 0));
                }
                edges.push((n, j, 0));
            }
            let Some(cycle) = negative_cycle(n + 1, &edges) else {
                return;
            };
            // Each school appears once, so the child chosen at `j` is still there.
            let moves: Vec<(usize, usize, usize)> = cycle
                .iter()
                .filter(|&&(j, l)| j < n && l < n)
                .map(|&(j, l)| (self.mover(j, l), j, l))
                .collect();
            for (o, j, l) in moves {
                self.set(o, j, false);
                self.set(o, l, true);
            }
        }
    }
}

/// A negative cycle of the graph (Bellman–Ford from a virtual source), as its edges.
fn negative_cycle<C>(n: usize, edges: &[(usize, usize, C)]) -> Option<Vec<(usize, usize)>>
where
    C: Copy + Ord + std::ops::Add<Output = C> + Default,
{
    let mut dist = vec![C::default(); n];
    let mut pred = vec![usize::MAX; n];
    let mut last = None;
    for _ in 0..n {
        last = None;
        for &(a, b, w) in edges {
            if dist[a] + w < dist[b] {
                dist[b] = dist[a] + w;
                pred[b] = a;
                last = Some(b);
            }
        }
        last?;
    }
    let mut x = last?;
    for _ in 0..n {
        x = pred[x];
    }
    let mut cycle = Vec::new();
    let start = x;
    loop {
        let p = pred[x];
        cycle.push((p, x));
        x = p;
        if x == start {
            break;
        }
    }
    cycle.reverse();
    Some(cycle)
}

/// A lexicographic (yuan, metres) cost for the optimality check.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Lex(i64, i64);

impl std::ops::Add for Lex {
    type Output = Lex;
    fn add(self, o: Lex) -> Lex {
        Lex(self.0 + o.0, self.1 + o.1)
    }
}

/// Checks the purchase stage; see the module doc.
pub(super) fn check(
    scenario: &Scenario,
    ranks: &Ranks,
    outcomes: &[Outcome],
    tally: &Tally,
    v: &mut Violations,
    notes: &mut Vec<String>,
) {
    let (bought, spent) = (&tally.bought, tally.spent);
    let n_p = scenario.private_schools.len();
    let budget = scenario.budget_yuan;
    // The children of the stage, in the fallback order, with their reach.
    let mut stage: Vec<ChildIdx> = scenario
        .child_indices()
        .filter(|c| outcomes[c.ix()].public_school().is_none())
        .collect();
    stage.sort_unstable_by_key(|&c| ranks.fallback_position(c));
    let reach: Vec<Vec<PrivateIdx>> = stage
        .iter()
        .map(|&c| {
            scenario
                .private_indices()
                .filter(|&p| in_reach(scenario, c, p))
                .collect()
        })
        .collect();
    let cost = |p: PrivateIdx| scenario.private_school(p).cost_per_seat();

    // Necessary conditions, at any size.
    let money_left = budget.saturating_sub(spent);
    for (i, &c) in stage.iter().enumerate() {
        let Outcome::Unplaced { reason } = outcomes[c.ix()] else {
            continue;
        };
        let id = &scenario.child(c).id;
        for &p in &reach[i] {
            let ps = scenario.private_school(p);
            if bought[p.ix()] < ps.purchasable_seats {
                if cost(p) <= money_left {
                    v.push(
                        "purchase-priority",
                        format!(
                            "child {id} is unplaced while {} in reach has a free place costing {} yuan and {money_left} yuan are left",
                            ps.id,
                            cost(p)
                        ),
                    );
                }
                if reason == UnplacedReason::PrivateSeatsFull {
                    v.push(
                        "unplaced-reason",
                        format!(
                            "child {id} is unplaced for `private_places_full` while {} in reach has a free place",
                            ps.id
                        ),
                    );
                }
            }
        }
    }

    // Pools: private schools linked by a child of the stage who reaches both.
    let mut parent: Vec<usize> = (0..n_p).collect();
    for r in &reach {
        for w in r.windows(2) {
            let (a, b) = (find(&mut parent, w[0].ix()), find(&mut parent, w[1].ix()));
            parent[a.max(b)] = a.min(b);
        }
    }
    let root: Vec<usize> = (0..n_p).map(|p| find(&mut parent, p)).collect();
    let mut local = vec![0usize; n_p];
    let mut pools: HashMap<usize, Pool> = HashMap::new();
    let mut schools_of: HashMap<usize, Vec<PrivateIdx>> = HashMap::new();
    for p in scenario.private_indices() {
        let pool = pools.entry(root[p.ix()]).or_default();
        local[p.ix()] = pool.n();
        pool.add_school(scenario.private_school(p).purchasable_seats, cost(p) as i64);
        schools_of.entry(root[p.ix()]).or_default().push(p);
    }
    let pool_of = |i: usize| reach[i].first().map(|p| root[p.ix()]);

    // Least cost, then distance, of the final assignment: no negative cycle, pool by pool.
    let mut held: HashMap<usize, Vec<(usize, PrivateIdx)>> = HashMap::new();
    for (i, &c) in stage.iter().enumerate() {
        if let (Outcome::Purchased { school }, Some(pool)) = (outcomes[c.ix()], pool_of(i)) {
            if reach[i].contains(&school) {
                held.entry(pool).or_default().push((i, school));
            }
        }
    }
    let mut pool_ids: Vec<usize> = held.keys().copied().collect();
    pool_ids.sort_unstable();
    for pool in pool_ids {
        let schools = &schools_of[&pool];
        let n = schools.len();
        let mut best: HashMap<(usize, usize), Lex> = HashMap::new();
        let mut load = vec![0u32; n];
        for &(i, p) in &held[&pool] {
            let c = stage[i];
            load[local[p.ix()]] += 1;
            let here = Lex(cost(p) as i64, metres(scenario, c, p));
            for &q in &reach[i] {
                if q != p {
                    let there = Lex(cost(q) as i64, metres(scenario, c, q));
                    let delta = Lex(there.0 - here.0, there.1 - here.1);
                    let e = best.entry((local[p.ix()], local[q.ix()])).or_insert(delta);
                    *e = (*e).min(delta);
                }
            }
        }
        let mut edges: Vec<(usize, usize, Lex)> =
            best.into_iter().map(|((a, b), w)| (a, b, w)).collect();
        edges.sort_unstable();
        for (j, &p) in schools.iter().enumerate() {
            if load[j] < scenario.private_school(p).purchasable_seats {
                edges.push((j, n, Lex::default()));
            }
            edges.push((n, j, Lex::default()));
        }
        if let Some(cycle) = negative_cycle(n + 1, &edges) {
            let names: Vec<&str> = cycle
                .iter()
                .map(|&(a, _)| {
                    if a == n {
                        "(a free place)"
                    } else {
                        scenario.private_school(schools[a]).id.as_str()
                    }
                })
                .collect();
            v.push(
                "purchase-cost",
                format!(
                    "the bought places could cost less or lie nearer home: moving children along {} improves them",
                    names.join(" → ")
                ),
            );
        }
    }

    // Who is placed: exact, unless the pools are too large.
    let mut size: HashMap<usize, u64> = HashMap::new();
    for i in 0..stage.len() {
        if let Some(pool) = pool_of(i) {
            *size.entry(pool).or_default() += 1;
        }
    }
    let work: u64 = size
        .iter()
        .map(|(pool, &n)| {
            let p = schools_of[pool].len() as u64;
            n * (p * p * p + n)
        })
        .sum();
    if work > EXACT_WORK_LIMIT {
        notes.push(format!(
            "bought places: the priority rule was checked by necessary conditions only ({} children in the purchase stage; the exact check is limited to {EXACT_WORK_LIMIT} units of work)",
            stage.len()
        ));
        return;
    }
    let mut total: i64 = 0;
    for (i, &c) in stage.iter().enumerate() {
        let Some(pool_id) = pool_of(i) else {
            continue;
        };
        let pool = pools.get_mut(&pool_id).expect("every school has a pool");
        let local_reach: Vec<usize> = reach[i].iter().map(|p| local[p.ix()]).collect();
        let id = &scenario.child(c).id;
        match outcomes[c.ix()] {
            Outcome::Purchased { .. } => {
                let before = pool.cost;
                if !pool.add(local_reach) {
                    // The bought set does not fit its seats: reported as capacity or reach.
                    continue;
                }
                pool.cancel_cycles();
                total += pool.cost - before;
            }
            Outcome::Unplaced { reason } => {
                let Some(trial_cost) = pool.trial_cost(local_reach) else {
                    if reason != UnplacedReason::PrivateSeatsFull {
                        v.push(
                            "unplaced-reason",
                            format!(
                                "child {id} is unplaced for `{}`, but the places in reach cannot take her with every child bought a place before her (`private_places_full`)",
                                reason.as_str()
                            ),
                        );
                    }
                    continue;
                };
                let need = total - pool.cost + trial_cost;
                if need <= budget as i64 {
                    v.push(
                        "purchase-priority",
                        format!(
                            "child {id} is unplaced, but she and every child bought a place before her fit the places in reach for {need} yuan, within the budget of {budget}"
                        ),
                    );
                } else if reason != UnplacedReason::BudgetExhausted {
                    v.push(
                        "unplaced-reason",
                        format!(
                            "child {id} is unplaced for `{}`, but the places in reach could take her: only the budget stops it (`budget_exhausted`, {need} yuan needed)",
                            reason.as_str()
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Pool;

    /// Reaches, places, holders, counts and cost: everything a trial may touch.
    type State = (Vec<Vec<usize>>, Vec<usize>, Vec<Vec<usize>>, Vec<u32>, i64);

    /// Everything a trial may touch, to compare a pool before and after one.
    fn state(p: &Pool) -> State {
        (
            p.reach.clone(),
            p.at.clone(),
            p.held.clone(),
            p.count.clone(),
            p.cost,
        )
    }

    /// A pool of `caps.len()` schools with the children `reaches` seated one by one (those that
    /// fit), brought to least cost.
    fn pool(caps: &[(u32, i64)], reaches: &[Vec<usize>]) -> Pool {
        let mut p = Pool::default();
        for &(cap, yuan) in caps {
            p.add_school(cap, yuan);
        }
        for r in reaches {
            if p.add(r.clone()) {
                p.cancel_cycles();
            }
        }
        p
    }

    fn reach(n: usize) -> impl Strategy<Value = Vec<usize>> {
        proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n)
    }

    proptest! {
        /// A trial gives what seating the child for good gives, and leaves the pool exactly as
        /// it was: the next children are seated as if the trial had never run.
        #[test]
        fn a_trial_is_the_real_thing_undone(
            (caps, reaches, next) in (1usize..6).prop_flat_map(|n| (
                proptest::collection::vec((0u32..4, 0i64..50), n),
                proptest::collection::vec(reach(n), 0..12),
                proptest::collection::vec(reach(n), 1..6),
            ))
        ) {
            let mut tried = pool(&caps, &reaches);
            let mut copy = pool(&caps, &reaches);
            for (k, r) in next.iter().enumerate() {
                let before = state(&tried);
                let cost = tried.trial_cost(r.clone());
                prop_assert!(state(&tried) == before, "the trial left changes behind");
                let mut real = pool(&caps, &reaches);
                for earlier in &next[..k] {
                    if real.add(earlier.clone()) {
                        real.cancel_cycles();
                    }
                }
                let expected = real.add(r.clone()).then(|| {
                    real.cancel_cycles();
                    real.cost
                });
                prop_assert_eq!(cost, expected);
                // Then seat her for good, in both, and go on.
                let (a, b) = (tried.add(r.clone()), copy.add(r.clone()));
                prop_assert_eq!(a, b);
                if a {
                    tried.cancel_cycles();
                    copy.cancel_cycles();
                }
                prop_assert!(state(&tried) == state(&copy));
            }
        }
    }
}
