//! Purchased private places (政府购买服务): who gets a bought seat, and where.
//!
//! The children still without a place after coordinated placement are taken in the strict
//! city-wide fallback order. Child `k` is *granted* a bought place exactly when some assignment
//! places her together with every child granted before her — each at a private school within her
//! reach (`fallback.purchase_same_district`, `fallback.purchase_max_km`), no school above its
//! purchasable seats — at a total cost within the budget. The granted set is therefore the
//! lexicographically best set by priority. Among the assignments placing that set, the one with
//! the least total cost, then the least total distance (each distance rounded to the metre), is
//! returned.
//!
//! This is incremental min-cost flow. The current assignment is always a min-cost assignment of
//! the granted set, so the min-cost assignment of the granted set plus `k` is the current one
//! changed along a shortest augmenting path from `k` (successive shortest paths): `k` takes a seat
//! at `p1`, a child at `p1` moves to `p2`, …, until a school with a spare seat. The search runs on
//! the private schools only: the edge `p → q` costs the cheapest move of a child held at `p` to
//! `q`, kept per edge in an ordered set, so a step costs O(schools reached × edges · log n), not
//! O(children). If no augmenting path exists, the seats cannot take `k`
//! ([`UnplacedReason::PrivateSeatsFull`]); if the cheapest one would break the budget,
//! [`UnplacedReason::BudgetExhausted`]; both verdicts are exact. Equal costs are decided by the
//! smaller school index, then the earlier child in the fallback order.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, Location, PrivateIdx};
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// The cost of a bought place in the objective: yuan first, then metres from home.
pub type Cost = (i64, i64);

fn add(a: Cost, b: Cost) -> Cost {
    (a.0 + b.0, a.1 + b.1)
}

fn sub(a: Cost, b: Cost) -> Cost {
    (a.0 - b.0, a.1 - b.1)
}

/// Distance in whole metres, as the purchase objective counts it.
pub fn metres(from: Location, to: Location) -> i64 {
    (from.distance_km(to) * 1000.0).round() as i64
}

/// The private schools a child may be given a bought place at, with what each would cost:
/// schools with purchasable seats, in her district when `purchase_same_district`, within
/// `purchase_max_km` if set. Ascending school index.
pub fn reach(scenario: &Scenario, c: ChildIdx) -> Vec<(PrivateIdx, Cost)> {
    let child = scenario.child(c);
    let rules = &scenario.fallback;
    scenario
        .private_indices()
        .filter_map(|p| {
            let ps = scenario.private_school(p);
            let d = child.location.distance_km(ps.location);
            let ok = ps.purchasable_seats > 0
                && (!rules.purchase_same_district || ps.district == child.residence_district)
                && rules.purchase_max_km.is_none_or(|max| d <= max);
            ok.then(|| {
                (
                    p,
                    (
                        ps.cost_per_seat() as i64,
                        metres(child.location, ps.location),
                    ),
                )
            })
        })
        .collect()
}

/// What the purchase stage did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurchaseReport {
    /// Places bought.
    pub seats: u32,
    /// Their total cost, in yuan.
    pub cost_yuan: u64,
    /// Their total distance from home, in metres (each rounded to the metre).
    pub distance_m: u64,
    /// Children left unplaced because no private school with purchasable places is in reach.
    pub no_school_in_reach: usize,
    /// Children left unplaced because the seats in reach could not take them as well as every
    /// child granted before them.
    pub seats_full: usize,
    /// Children the seats could take but the budget could not pay for.
    pub budget_exhausted: usize,
}

/// How a school was reached in the shortest-path search.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// The new child takes a seat here directly.
    Start,
    /// A child held at `from` moves here.
    Move { from: u32, child: u32 },
}

/// The state of the incremental min-cost assignment.
struct Flow {
    /// Per stage child (by slot), her reach.
    reach: Vec<Vec<(PrivateIdx, Cost)>>,
    /// Per stage child, the school she holds.
    at: Vec<Option<PrivateIdx>>,
    /// Per school, seats left.
    spare: Vec<u32>,
    /// Per school `p`, per school `q`: the children held at `p` who reach `q`, keyed by the change
    /// of cost if they moved (then by slot, which follows the fallback order).
    moves: Vec<BTreeMap<u32, BTreeSet<(Cost, u32)>>>,
}

impl Flow {
    fn cost_at(&self, slot: u32, p: PrivateIdx) -> Cost {
        self.reach[slot as usize]
            .iter()
            .find(|r| r.0 == p)
            .expect("a held school is in reach")
            .1
    }

    /// Records that child `slot` is held at `p` (or leaves it, when `hold` is false).
    fn set_held(&mut self, slot: u32, p: PrivateIdx, hold: bool) {
        let here = self.cost_at(slot, p);
        for i in 0..self.reach[slot as usize].len() {
            let (q, cost) = self.reach[slot as usize][i];
            if q == p {
                continue;
            }
            let key = (sub(cost, here), slot);
            let edges = &mut self.moves[p.ix()];
            if hold {
                edges.entry(q.0).or_default().insert(key);
            } else if let Some(set) = edges.get_mut(&q.0) {
                set.remove(&key);
                if set.is_empty() {
                    edges.remove(&q.0);
                }
            }
        }
        self.at[slot as usize] = hold.then_some(p);
    }

    /// The cheapest way to add child `slot`: the total cost change and the end school, with
    /// the search's predecessors to replay it. `None` when the seats cannot take her.
    fn shortest_path(
        &self,
        slot: u32,
        dist: &mut [Option<Cost>],
        via: &mut [Via],
        touched: &mut Vec<u32>,
    ) -> Option<(Cost, u32)> {
        for &p in touched.iter() {
            dist[p as usize] = None;
        }
        touched.clear();
        let mut queue = VecDeque::new();
        let mut queued = BTreeSet::new();
        for &(p, cost) in &self.reach[slot as usize] {
            dist[p.ix()] = Some(cost);
            via[p.ix()] = Via::Start;
            touched.push(p.0);
            queue.push_back(p.0);
            queued.insert(p.0);
        }
        // Label-correcting search (Bellman–Ford with a queue); edges can be negative, but the
        // current assignment is min-cost, so there is no negative cycle.
        while let Some(p) = queue.pop_front() {
            queued.remove(&p);
            let here = dist[p as usize].expect("queued schools have a distance");
            for (&q, set) in &self.moves[p as usize] {
                let &(delta, child) = set.first().expect("empty edges are removed");
                let nd = add(here, delta);
                if dist[q as usize].is_none_or(|d| nd < d) {
                    if dist[q as usize].is_none() {
                        touched.push(q);
                    }
                    dist[q as usize] = Some(nd);
                    via[q as usize] = Via::Move { from: p, child };
                    if queued.insert(q) {
                        queue.push_back(q);
                    }
                }
            }
        }
        touched
            .iter()
            .filter(|&&p| self.spare[p as usize] > 0)
            .map(|&p| (dist[p as usize].expect("touched"), p))
            .min()
    }

    /// Applies the augmenting path ending at `end` found for child `slot`.
    fn augment(&mut self, slot: u32, mut end: u32, via: &[Via]) {
        self.spare[end as usize] -= 1;
        loop {
            match via[end as usize] {
                Via::Start => {
                    self.set_held(slot, PrivateIdx(end), true);
                    return;
                }
                Via::Move { from, child } => {
                    self.set_held(child, PrivateIdx(from), false);
                    self.set_held(child, PrivateIdx(end), true);
                    end = from;
                }
            }
        }
    }
}

/// Buys private places for every child still without a place, as the module doc says, and
/// settles every remaining child as purchased or unplaced.
pub fn purchase(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &mut [Option<Outcome>],
) -> PurchaseReport {
    let stage: Vec<ChildIdx> = ranking
        .fallback_order
        .iter()
        .copied()
        .filter(|c| outcomes[c.ix()].is_none())
        .collect();
    let n_p = scenario.private_schools.len();
    let mut flow = Flow {
        reach: stage.iter().map(|&c| reach(scenario, c)).collect(),
        at: vec![None; stage.len()],
        spare: scenario
            .private_schools
            .iter()
            .map(|p| p.purchasable_seats)
            .collect(),
        moves: vec![BTreeMap::new(); n_p],
    };
    let budget = i64::try_from(scenario.budget_yuan).unwrap_or(i64::MAX);
    let mut total: Cost = (0, 0);
    let mut report = PurchaseReport::default();
    let mut dist = vec![None; n_p];
    let mut via = vec![Via::Start; n_p];
    let mut touched = Vec::new();
    for (slot, &c) in stage.iter().enumerate() {
        let slot = slot as u32;
        if flow.reach[slot as usize].is_empty() {
            report.no_school_in_reach += 1;
            outcomes[c.ix()] = Some(Outcome::Unplaced {
                reason: UnplacedReason::NoPrivateInReach,
            });
            continue;
        }
        match flow.shortest_path(slot, &mut dist, &mut via, &mut touched) {
            None => {
                report.seats_full += 1;
                outcomes[c.ix()] = Some(Outcome::Unplaced {
                    reason: UnplacedReason::PrivateSeatsFull,
                });
            }
            Some((delta, _)) if total.0 + delta.0 > budget => {
                report.budget_exhausted += 1;
                outcomes[c.ix()] = Some(Outcome::Unplaced {
                    reason: UnplacedReason::BudgetExhausted,
                });
            }
            Some((delta, end)) => {
                total = add(total, delta);
                flow.augment(slot, end, &via);
            }
        }
    }
    for (slot, &c) in stage.iter().enumerate() {
        if let Some(p) = flow.at[slot] {
            let (yuan, m) = flow.cost_at(slot as u32, p);
            report.seats += 1;
            report.cost_yuan += yuan as u64;
            report.distance_m += m as u64;
            outcomes[c.ix()] = Some(Outcome::Purchased { school: p });
        }
    }
    debug_assert_eq!(report.cost_yuan as i64, total.0);
    report
}
