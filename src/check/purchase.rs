//! Checking bought places without the purchase algorithm.
//!
//! The rule (docs/formulation.md §1): walking the children left without a public place in the
//! fallback order, child `k` must be bought a place exactly when she and every child bought a
//! place before her fit the purchasable seats in reach at a least total cost within the budget;
//! among assignments of that set, the one returned must cost least, then travel least.
//!
//! The checker proves this with different algorithms from the solver's shortest paths:
//!
//! - **who is placed**, child by child in the fallback order, per *pool* (private schools linked
//!   by a child who can reach both; pools share only the budget). A place's price belongs to the
//!   school, not the child, so along any augmenting path (`k` takes a seat at `p1`, a child at
//!   `p1` moves to `p2`, …, a spare seat at `pm`) the prices of the moves cancel out and the path
//!   costs exactly the price at `pm`. Hence, from an assignment of least total price, the least
//!   price of seating one more child is the cheapest spare seat she can *reach* by alternating
//!   moves, whatever the path — found by breadth-first search over the pool's schools on bit
//!   sets (school `p` leads to `q` when a child held at `p` reaches `q`), with no distances and
//!   no potentials. The children bought a place are seated that way (staying at least price);
//!   for an unplaced child the search alone decides, changing nothing: if no spare seat is
//!   reachable her reason must be `private_places_full`; if the least price of everyone so far,
//!   over every pool, fits the budget, she was wrongly passed over; otherwise her reason must be
//!   `budget_exhausted`. If every unplaced child passes this test and the bought set itself fits
//!   (capacity, reach, budget — checked in [`super::capacity`], [`super::reach`] and
//!   [`super::budget`]), the bought set is exactly the best set by priority: the first child
//!   where it differed would be caught. A step costs (schools × schools / 64) word operations
//!   plus the moves, so the check is exact at any size.
//! - **least cost, then distance**: no negative cycle in the residual graph of the final
//!   assignment (per pool, the edge `p → q` being the cheapest move of a child held at `p` to
//!   `q`, plus a spare-seat node), found by Bellman–Ford. This is the optimality condition of
//!   min-cost flow. Equal-cost ties are not checked: any least-cost assignment passes.

use rayon::prelude::*;

use super::priority::Ranks;
use super::reach::in_reach_from;
use super::tally::Tally;
use super::Violations;
use crate::assign::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, Prepared, PrivateIdx};
use crate::scenario::Scenario;

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

/// A set of a pool's schools, one bit each.
type Bits = Vec<u64>;

fn has(bits: &[u64], j: usize) -> bool {
    bits[j / 64] >> (j % 64) & 1 == 1
}

fn put(bits: &mut [u64], j: usize, on: bool) {
    if on {
        bits[j / 64] |= 1 << (j % 64);
    } else {
        bits[j / 64] &= !(1 << (j % 64));
    }
}

/// One pool: its schools (local indices) and the children seated so far, at least total price.
#[derive(Default)]
struct Pool {
    /// Seats of each local school.
    cap: Vec<u32>,
    /// Yuan per place at each local school.
    yuan: Vec<i64>,
    /// Per seated child: her reach (local schools, as bits) and the school she holds.
    reach: Vec<Bits>,
    at: Vec<usize>,
    /// Per school, the seated children holding it.
    held: Vec<Vec<usize>>,
    /// `count[j * n + l]`: children held at `j` who reach `l`; `next[j]`: the `l` with a count.
    count: Vec<u32>,
    next: Vec<Bits>,
    /// Schools with a seat left.
    spare: Bits,
    cost: i64,
}

impl Pool {
    /// A pool of schools with these seats and prices.
    fn new(schools: &[(u32, i64)]) -> Pool {
        let n = schools.len();
        let words = n.div_ceil(64);
        let mut spare = vec![0; words];
        for (j, s) in schools.iter().enumerate() {
            put(&mut spare, j, s.0 > 0);
        }
        Pool {
            cap: schools.iter().map(|s| s.0).collect(),
            yuan: schools.iter().map(|s| s.1).collect(),
            reach: Vec::new(),
            at: Vec::new(),
            held: vec![Vec::new(); n],
            count: vec![0; n * n],
            next: vec![vec![0; words]; n],
            spare,
            cost: 0,
        }
    }

    fn n(&self) -> usize {
        self.cap.len()
    }

    /// The bits of a list of local schools.
    fn bits(&self, reach: &[usize]) -> Bits {
        let mut b = vec![0; self.n().div_ceil(64)];
        for &j in reach {
            put(&mut b, j, true);
        }
        b
    }

    /// Puts seated child `i` at school `j` (`hold`) or takes her off it.
    fn set(&mut self, i: usize, j: usize, hold: bool) {
        let n = self.n();
        for w in 0..self.reach[i].len() {
            let mut word = self.reach[i][w];
            while word != 0 {
                let l = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let c = &mut self.count[j * n + l];
                if hold {
                    *c += 1;
                } else {
                    *c -= 1;
                }
                let on = *c > 0;
                put(&mut self.next[j], l, on);
            }
        }
        if hold {
            self.held[j].push(i);
            self.at[i] = j;
            self.cost += self.yuan[j];
        } else {
            let k = self.held[j].iter().position(|&o| o == i).expect("held");
            self.held[j].swap_remove(k);
            self.cost -= self.yuan[j];
        }
        let spare = self.held[j].len() < self.cap[j] as usize;
        put(&mut self.spare, j, spare);
    }

    /// Breadth-first search from `reach` over the moves of seated children: every school
    /// reached, with the school it was reached from (`usize::MAX` for `reach` itself), and the
    /// cheapest spare school reached (least price, then index), if any.
    fn search(&self, reach: &[u64], parent: &mut [usize]) -> Option<usize> {
        let mut seen = reach.to_vec();
        let mut queue: Vec<usize> = Vec::new();
        for (w, &word) in reach.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let j = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                parent[j] = usize::MAX;
                queue.push(j);
            }
        }
        let mut head = 0;
        while head < queue.len() {
            let j = queue[head];
            head += 1;
            for (w, seen_w) in seen.iter_mut().enumerate() {
                let mut new = self.next[j][w] & !*seen_w;
                *seen_w |= new;
                while new != 0 {
                    let l = w * 64 + new.trailing_zeros() as usize;
                    new &= new - 1;
                    parent[l] = j;
                    queue.push(l);
                }
            }
        }
        queue
            .into_iter()
            .filter(|&j| has(&self.spare, j))
            .min_by_key(|&j| (self.yuan[j], j))
    }

    /// What seating one more child with local reach `reach` adds, at least, to the seated
    /// children's total price, or `None` if the seats cannot take her with everyone already
    /// seated. Changes nothing.
    fn trial_price(&self, reach: &[usize]) -> Option<i64> {
        let mut parent = vec![0; self.n()];
        self.search(&self.bits(reach), &mut parent)
            .map(|end| self.yuan[end])
    }

    /// A child held at `j` who reaches `l`.
    fn mover(&self, j: usize, l: usize) -> usize {
        *self.held[j]
            .iter()
            .find(|&&o| has(&self.reach[o], l))
            .expect("the count says one exists")
    }

    /// Seats one more child with local reach `reach` along a path to the cheapest reachable
    /// spare seat, keeping the least total price; false if the seats cannot take her with
    /// everyone already seated.
    fn add(&mut self, reach: &[usize]) -> bool {
        let bits = self.bits(reach);
        let mut parent = vec![0; self.n()];
        let Some(mut l) = self.search(&bits, &mut parent) else {
            return false;
        };
        // Walk back: each school on the path passes one child on to the next.
        while parent[l] != usize::MAX {
            let j = parent[l];
            let o = self.mover(j, l);
            self.set(o, j, false);
            self.set(o, l, true);
            l = j;
        }
        let me = self.at.len();
        self.reach.push(bits);
        self.at.push(l);
        self.set(me, l, true);
        true
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

/// What one child of the stage came to in her pool's walk ([`walk`]).
#[derive(Clone, Copy)]
enum Step {
    /// Bought a place and seated at least price: the pool's total price rose by this much.
    Seated(i64),
    /// Bought a place the seats cannot take with everyone seated before her (reported as
    /// capacity or reach), or neither bought nor unplaced.
    Skipped,
    /// Unplaced: the least price of seating her too on top of the pool's, or `None` when the
    /// seats cannot take her with everyone seated before her.
    Trial(Option<i64>),
}

/// Walks one pool's children (`members`: positions in the stage, in the fallback order),
/// seating the bought ones and trying the unplaced ones; one [`Step`] per member.
fn walk(
    pool: &mut Pool,
    members: &[usize],
    reach: &[Vec<PrivateIdx>],
    local: &[usize],
    stage: &[ChildIdx],
    outcomes: &[Outcome],
) -> Vec<Step> {
    members
        .iter()
        .map(|&i| {
            let local_reach: Vec<usize> = reach[i].iter().map(|p| local[p.ix()]).collect();
            match outcomes[stage[i].ix()] {
                Outcome::Purchased { .. } => {
                    let before = pool.cost;
                    if pool.add(&local_reach) {
                        Step::Seated(pool.cost - before)
                    } else {
                        Step::Skipped
                    }
                }
                Outcome::Unplaced { .. } => Step::Trial(pool.trial_price(&local_reach)),
                _ => Step::Skipped,
            }
        })
        .collect()
}

/// The optimality condition of one pool's final assignment (`held`: position in the stage and
/// school of each child bought a place there): a negative cycle of its residual graph, as the
/// message naming it, or `None`.
fn cycle_in_pool(
    scenario: &Scenario,
    schools: &[PrivateIdx],
    held: &[(usize, PrivateIdx)],
    reach: &[Vec<PrivateIdx>],
    local: &[usize],
    stage: &[ChildIdx],
) -> Option<String> {
    let cost = |p: PrivateIdx| scenario.private_school(p).cost_per_seat() as i64;
    let n = schools.len();
    // `best[a * n + b]`: the cheapest move of a child held at `a` to `b`.
    let mut best: Vec<Option<Lex>> = vec![None; n * n];
    let mut load = vec![0u32; n];
    for &(i, p) in held {
        let c = stage[i];
        load[local[p.ix()]] += 1;
        let here = Lex(cost(p), metres(scenario, c, p));
        for &q in &reach[i] {
            if q != p {
                let there = Lex(cost(q), metres(scenario, c, q));
                let delta = Lex(there.0 - here.0, there.1 - here.1);
                let e = &mut best[local[p.ix()] * n + local[q.ix()]];
                *e = Some(e.map_or(delta, |old| old.min(delta)));
            }
        }
    }
    // The moves in ascending (from, to), then the spare-seat node's edges.
    let mut edges: Vec<(usize, usize, Lex)> = best
        .iter()
        .enumerate()
        .filter_map(|(k, w)| w.map(|w| (k / n, k % n, w)))
        .collect();
    for (j, &p) in schools.iter().enumerate() {
        if load[j] < scenario.private_school(p).purchasable_seats {
            edges.push((j, n, Lex::default()));
        }
        edges.push((n, j, Lex::default()));
    }
    let cycle = negative_cycle(n + 1, &edges)?;
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
    Some(format!(
        "the bought places could cost less or lie nearer home: moving children along {} improves them",
        names.join(" → ")
    ))
}

/// Checks the purchase stage; see the module doc. The pools are checked side by side (they
/// share nothing but the budget, which is summed over them in the fallback order afterwards),
/// and every finding is reported in the order a walk of the whole stage would find it.
pub(super) fn check(
    scenario: &Scenario,
    ranks: &Ranks,
    outcomes: &[Outcome],
    tally: &Tally,
    v: &mut Violations,
    _notes: &mut Vec<String>,
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
    // The schools `in_reach` may accept: those of the child's district when purchases are bound
    // to it (it refuses the others), else all.
    let same_district = scenario.fallback.purchase_same_district;
    let mut candidates: Vec<Vec<PrivateIdx>> = vec![
        Vec::new();
        if same_district {
            scenario.districts.len()
        } else {
            1
        }
    ];
    for p in scenario.private_indices() {
        let k = if same_district {
            scenario.private_school(p).district.ix()
        } else {
            0
        };
        candidates[k].push(p);
    }
    // Each child's reach on its own, in parallel (collected in the stage's order), her home
    // and the schools prepared once for their distances.
    let at: Vec<Prepared> = scenario
        .private_schools
        .iter()
        .map(|p| p.location.prepared())
        .collect();
    let reach: Vec<Vec<PrivateIdx>> = stage
        .par_iter()
        .map(|&c| {
            let k = if same_district {
                scenario.child(c).residence_district.ix()
            } else {
                0
            };
            let home = scenario.child(c).location.prepared();
            candidates[k]
                .iter()
                .copied()
                .filter(|&p| in_reach_from(scenario, c, &home, p, &at[p.ix()]))
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

    // Pools: private schools linked by a child of the stage who reaches both, numbered in the
    // order of their smallest school.
    let mut parent: Vec<usize> = (0..n_p).collect();
    for r in &reach {
        for w in r.windows(2) {
            let (a, b) = (find(&mut parent, w[0].ix()), find(&mut parent, w[1].ix()));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut pool_of_school = vec![usize::MAX; n_p];
    let mut local = vec![0usize; n_p];
    let mut schools_of: Vec<Vec<PrivateIdx>> = Vec::new();
    for p in scenario.private_indices() {
        let r = find(&mut parent, p.ix());
        if pool_of_school[r] == usize::MAX {
            pool_of_school[r] = schools_of.len();
            schools_of.push(Vec::new());
        }
        let k = pool_of_school[r];
        pool_of_school[p.ix()] = k;
        local[p.ix()] = schools_of[k].len();
        schools_of[k].push(p);
    }
    // Each pool's children (positions in the stage, in order) and its bought places.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); schools_of.len()];
    let mut held: Vec<Vec<(usize, PrivateIdx)>> = vec![Vec::new(); schools_of.len()];
    for (i, &c) in stage.iter().enumerate() {
        let Some(first) = reach[i].first() else {
            continue;
        };
        let k = pool_of_school[first.ix()];
        members[k].push(i);
        if let Outcome::Purchased { school } = outcomes[c.ix()] {
            if reach[i].contains(&school) {
                held[k].push((i, school));
            }
        }
    }

    // Least cost, then distance, of the final assignment: no negative cycle, pool by pool.
    let cycles: Vec<Option<String>> = (0..schools_of.len())
        .into_par_iter()
        .map(|k| {
            if held[k].is_empty() {
                return None;
            }
            cycle_in_pool(scenario, &schools_of[k], &held[k], &reach, &local, &stage)
        })
        .collect();
    for message in cycles.into_iter().flatten() {
        v.push("purchase-cost", message);
    }

    // Who is placed: exact, at any size. Each pool is walked on its own; then the stage is
    // walked in the fallback order, summing the pools' prices as they stood at each child.
    let walked: Vec<Vec<Step>> = (0..schools_of.len())
        .into_par_iter()
        .map(|k| {
            let seats: Vec<(u32, i64)> = schools_of[k]
                .iter()
                .map(|&p| (scenario.private_school(p).purchasable_seats, cost(p) as i64))
                .collect();
            let mut pool = Pool::new(&seats);
            walk(&mut pool, &members[k], &reach, &local, &stage, outcomes)
        })
        .collect();
    let mut steps = vec![Step::Skipped; stage.len()];
    for (members, walked) in members.iter().zip(walked) {
        for (&i, step) in members.iter().zip(walked) {
            steps[i] = step;
        }
    }
    let mut total: i64 = 0;
    for (i, &c) in stage.iter().enumerate() {
        let id = &scenario.child(c).id;
        match (steps[i], outcomes[c.ix()]) {
            (Step::Seated(added), _) => total += added,
            (Step::Trial(None), Outcome::Unplaced { reason })
                if reason != UnplacedReason::PrivateSeatsFull =>
            {
                v.push(
                    "unplaced-reason",
                    format!(
                        "child {id} is unplaced for `{}`, but the places in reach cannot take her with every child bought a place before her (`private_places_full`)",
                        reason.as_str()
                    ),
                );
            }
            (Step::Trial(Some(price)), Outcome::Unplaced { reason }) => {
                let need = total + price;
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

    /// The least total price of seating every child of `reaches` (each at a school of her
    /// reach, no school above its seats), by trying every assignment; `None` if none exists.
    fn brute_force(caps: &[(u32, i64)], reaches: &[Vec<usize>]) -> Option<i64> {
        fn go(caps: &[(u32, i64)], reaches: &[Vec<usize>], load: &mut [u32]) -> Option<i64> {
            let Some((first, rest)) = reaches.split_first() else {
                return Some(0);
            };
            let mut best = None;
            for &j in first {
                if load[j] < caps[j].0 {
                    load[j] += 1;
                    if let Some(c) = go(caps, rest, load) {
                        let c = c + caps[j].1;
                        best = Some(best.map_or(c, |b: i64| b.min(c)));
                    }
                    load[j] -= 1;
                }
            }
            best
        }
        go(caps, reaches, &mut vec![0; caps.len()])
    }

    fn reach(n: usize) -> impl Strategy<Value = Vec<usize>> {
        proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n)
    }

    proptest! {
        /// Seating children one by one at the cheapest reachable spare seat keeps the least
        /// total price, and a child is refused exactly when no assignment seats her with those
        /// seated before; a trial predicts the price of seating her and changes nothing.
        #[test]
        fn the_cheapest_reachable_seat_keeps_the_least_price(
            (caps, reaches) in (1usize..6).prop_flat_map(|n| (
                proptest::collection::vec((0u32..4, 0i64..50), n),
                proptest::collection::vec(reach(n), 0..10),
            ))
        ) {
            let mut pool = Pool::new(&caps);
            let mut seated: Vec<Vec<usize>> = Vec::new();
            for r in reaches {
                let (cost, at) = (pool.cost, pool.at.clone());
                let trial = pool.trial_price(&r).map(|price| pool.cost + price);
                prop_assert_eq!((pool.cost, &pool.at), (cost, &at), "the trial changed the pool");
                let mut with = seated.clone();
                with.push(r.clone());
                let best = brute_force(&caps, &with);
                prop_assert_eq!(trial, best);
                prop_assert_eq!(pool.add(&r), best.is_some());
                if best.is_some() {
                    seated = with;
                    prop_assert_eq!(Some(pool.cost), best);
                }
            }
        }
    }
}
