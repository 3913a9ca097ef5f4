//! The purchase stage's former algorithm, kept as the oracle of the property tests: successive
//! shortest paths by a label-correcting (queue Bellman–Ford) search over the private schools,
//! each edge's candidate moves in an ordered set. It gives the same verdicts, totals and (where
//! the least-cost assignment is unique) places as [`super::purchase::buy`], at a cost that
//! grows with the square of a pool's schools per child. Built for tests and the `internals`
//! feature only.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::purchase::{Cost, Instance, Verdict};

/// A school index of the oracle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct P(u32);

impl P {
    fn ix(self) -> usize {
        self.0 as usize
    }
}

fn add(a: Cost, b: Cost) -> Cost {
    (a.0 + b.0, a.1 + b.1)
}

fn sub(a: Cost, b: Cost) -> Cost {
    (a.0 - b.0, a.1 - b.1)
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
    reach: Vec<Vec<(P, Cost)>>,
    /// Per stage child, the school she holds.
    at: Vec<Option<P>>,
    /// Per school, seats left.
    spare: Vec<u32>,
    /// Per school `p`, per school `q`: the children held at `p` who reach `q`, keyed by the change
    /// of cost if they moved (then by slot, which follows the fallback order).
    moves: Vec<BTreeMap<u32, BTreeSet<(Cost, u32)>>>,
}

impl Flow {
    fn cost_at(&self, slot: u32, p: P) -> Cost {
        self.reach[slot as usize]
            .iter()
            .find(|r| r.0 == p)
            .expect("a held school is in reach")
            .1
    }

    /// Records that child `slot` is held at `p` (or leaves it, when `hold` is false).
    fn set_held(&mut self, slot: u32, p: P, hold: bool) {
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
                    self.set_held(slot, P(end), true);
                    return;
                }
                Via::Move { from, child } => {
                    self.set_held(child, P(from), false);
                    self.set_held(child, P(end), true);
                    end = from;
                }
            }
        }
    }
}

/// Decides the stage with the former algorithm.
pub fn buy_oracle(inst: &Instance) -> Vec<Verdict> {
    let n_p = inst.yuan.len();
    let n_c = inst.children();
    let mut flow = Flow {
        reach: (0..n_c)
            .map(|s| {
                inst.reach(s)
                    .iter()
                    .map(|&(p, m)| (P(p), (inst.yuan[p as usize], i64::from(m))))
                    .collect()
            })
            .collect(),
        at: vec![None; n_c],
        spare: inst.seats.clone(),
        moves: vec![BTreeMap::new(); n_p],
    };
    let mut total: Cost = (0, 0);
    let mut verdicts = vec![Verdict::NoSchoolInReach; n_c];
    let mut dist = vec![None; n_p];
    let mut via = vec![Via::Start; n_p];
    let mut touched = Vec::new();
    for (s, verdict) in verdicts.iter_mut().enumerate() {
        let slot = s as u32;
        if flow.reach[s].is_empty() {
            continue;
        }
        match flow.shortest_path(slot, &mut dist, &mut via, &mut touched) {
            None => *verdict = Verdict::SeatsFull,
            Some((delta, _)) if total.0 + delta.0 > inst.budget => {
                *verdict = Verdict::BudgetExhausted
            }
            Some((delta, end)) => {
                total = add(total, delta);
                flow.augment(slot, end, &via);
            }
        }
    }
    for (s, v) in verdicts.iter_mut().enumerate() {
        if let Some(p) = flow.at[s] {
            *v = Verdict::Bought(p.0);
        }
    }
    verdicts
}
