//! One pool of the purchase stage: successive shortest paths by Dijkstra with potentials.
//!
//! A *pool* is a set of private schools linked by children who reach two of them; pools share
//! only the budget. The pool keeps a min-cost assignment (yuan, then metres) of the children
//! granted so far. Adding child `k` is a shortest augmenting path on the pool's schools (the
//! edge `p → q` is the cheapest move of a child held at `p` to `q`; a school with a spare seat
//! leads to a sink). Node potentials keep every reduced edge cost non-negative, so the path is
//! found by Dijkstra's algorithm, which stops as soon as the sink is settled: when her cheapest
//! school has a spare seat, adding a child settles one school. The potentials are then updated
//! by `min(d(v), D)` (`D` the sink's distance), which keeps them valid without finishing the
//! search. Each school `p` keeps one contiguous row of its outgoing edges' cheapest moves
//! (`best[p][q]`: the least metres change of a child held at `p` who reaches `q`, then the
//! earlier child): a child taking a seat at `p` lowers the entries of her reach in that one row;
//! a child leaving `p` changes it only where she was the entry's move, and there it is found
//! again without looking at every child held at `p`: the school's children are kept in blocks
//! of [`BLOCK`], each block with its own exact row, and a row is the entrywise least of its
//! blocks' rows. A child leaving `p` leaves her place empty for the next child the school holds
//! and corrects her block where she was its move, entry by entry (each child's distance to
//! each school of the pool is kept in a dense table, filled as she is walked, so an entry is
//! one read per child of the block; a pool too large for the table, over [`DENSE_METRES`]
//! entries, looks each distance up in the child's reach), then the row's entries she was the
//! move of, each the least of that entry in the blocks. So every row is exact at all times and a search reads it as it
//! is (before, her leaving marked the whole row stale, rebuilt from every block when next read;
//! with no rebuild to pay for, blocks of 8 children replaced blocks of 16). On the
//! 1,000,630-child province this replaced about 37 million heap pushes (one per held child and
//! school in her reach, scattered over `n²` heaps per pool) by writes into one school's rows.
//! Equal path lengths go to the sink through the smaller school index; equal moves to the
//! earlier child in the fallback order. In the search's inner loop (each school settled reads
//! its whole row) a school's price and potential are one value ([`Pool::shifted`]), a label
//! says by itself whether the school is unreached or settled, and a school whose label would
//! exceed the sink's found so far is not labelled (it could not be settled before the sink).

use super::purchase::{Cost, Instance};

/// How many held children one block of a school's moves covers ([`Pool::blocks`]).
const BLOCK: usize = 8;

/// No school: a child not (yet) holding a seat.
const NONE: u32 = u32::MAX;

/// [`Pool::metres`] to a school out of the child's reach.
const FAR: u32 = u32::MAX;

/// The most entries (4 bytes each) of a pool's dense [`Pool::metres`] table by default: 128 MB.
/// A larger pool (schools times children) looks each distance up in the child's reach instead.
pub(super) const DENSE_METRES: usize = 1 << 25;

/// A cheapest move: metres gained or lost (the difference of two distances of at most
/// [`super::purchase::MAX_METRES`], so it fits), then the local child. 8 bytes, so that a row of
/// a pool of 900 schools is 7 KB.
type Move = (i32, u32);

/// The [`Pool::best`] entry of an edge no held child takes.
const EMPTY: Move = (i32::MAX, NONE);

/// The label of a school the search has not reached.
const UNSEEN: Cost = (i64::MAX, i64::MAX);

/// The label of a school the search has settled: below any label, so no move improves it.
const SETTLED: Cost = (i64::MIN, i64::MIN);

/// How a school was reached in the search.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// The new child takes a seat here directly.
    Start,
    /// A child (local index) held at `from` moves here.
    Move { from: u32, child: u32 },
}

/// What became of one child of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Not yet walked.
    Pending,
    /// Granted a place (which one is read at the end).
    Granted,
    /// The seats cannot take her with the children granted before her.
    SeatsFull,
    /// The seats could take her but the money left could not pay for it.
    BudgetExhausted,
}

fn add(a: Cost, b: Cost) -> Cost {
    (a.0 + b.0, a.1 + b.1)
}

fn sub(a: Cost, b: Cost) -> Cost {
    (a.0 - b.0, a.1 - b.1)
}

/// Lowers the entries of `row` (the moves out of local school `p`) by those of local child `i`,
/// held at `p` `here` metres from home, who reaches `reach`.
fn lower(row: &mut [Move], reach: &[(u32, u32)], local: &[u32], p: u32, here: u32, i: u32) {
    for &(g, m) in reach {
        let q = local[g as usize];
        let entry = (m as i32 - here as i32, i);
        if q != p && entry < row[q as usize] {
            row[q as usize] = entry;
        }
    }
}

/// One pool's incremental min-cost assignment.
pub(super) struct Pool<'a> {
    inst: &'a Instance,
    /// Global school index → local index in its pool.
    local: &'a [u32],
    /// Local school → global school, ascending.
    pub(super) schools: Vec<u32>,
    /// Local child → global slot, ascending (the fallback order).
    pub(super) children: Vec<u32>,
    /// Per local child, what became of her.
    pub(super) state: Vec<State>,
    /// Per local child, the local school she holds, or [`NONE`].
    at: Vec<u32>,
    /// Per local school: yuan per place, seats left.
    yuan: Vec<i64>,
    spare: Vec<u32>,
    /// Per local school, the local children it holds (in no particular order; [`NONE`] where
    /// one left).
    held: Vec<Vec<u32>>,
    /// Per local school, the positions of its `held` list left empty ([`NONE`]) by children
    /// who moved away, taken again by the next children it holds.
    free: Vec<Vec<u32>>,
    /// Per local child, her position in her school's `held` list.
    slot: Vec<u32>,
    /// Edge `p → q` at `p * n + q`: the cheapest move along it (metres gained or lost, local
    /// child), or [`EMPTY`]; exact at all times.
    best: Vec<Move>,
    /// Per local school, the cheapest moves of each block of [`BLOCK`] children of its `held`
    /// list (block `b` covers `held[b * BLOCK..]`): `n` entries per block, one block after the
    /// other, exact at all times. A row of `best` is the entrywise least of its blocks.
    blocks: Vec<Vec<Move>>,
    /// Scratch: the schools a leaving child was her block's move to.
    lost: Vec<u32>,
    /// Local child `i`'s metres from home to local school `q` at `i * n + q`, or [`FAR`] for
    /// a school out of her reach: filled when she is walked, so that her move to any school
    /// is read in one step. Kept only when `dense` (at most [`DENSE_METRES`] entries).
    metres: Vec<u32>,
    /// Whether [`Pool::metres`] is kept.
    dense: bool,
    /// Per local child, the metres from home to the school she holds.
    here: Vec<u32>,
    /// Per local school `q`, its price less its node potential: `(yuan(q), 0) - pi(q)` (the
    /// sink's potential is zero throughout). The reduced cost of a move `p → q` of `m` metres
    /// is then `shifted[q] - shifted[p] + (0, m)`, one read per school in the search's inner
    /// loop.
    shifted: Vec<Cost>,
    /// The next local child to walk.
    pub(super) cursor: usize,
    // Scratch space of the search, reset through `touched`.
    /// Per local school, its label ([`UNSEEN`] when not reached, [`SETTLED`] once settled).
    label: Vec<Cost>,
    /// Per settled local school, its label when it was settled.
    settled_at: Vec<Cost>,
    via: Vec<Via>,
    /// The schools reached by the search.
    touched: Vec<u32>,
}

impl<'a> Pool<'a> {
    /// An empty pool of the given schools (global, ascending) and children (global slots,
    /// ascending); `local` maps every school of the pool to its position in `schools`. The
    /// distances are kept dense when schools times children is at most `dense_metres`.
    pub(super) fn new(
        inst: &'a Instance,
        local: &'a [u32],
        schools: Vec<u32>,
        children: Vec<u32>,
        dense_metres: usize,
    ) -> Pool<'a> {
        let n = schools.len();
        Pool {
            inst,
            local,
            yuan: schools.iter().map(|&p| inst.yuan[p as usize]).collect(),
            spare: schools.iter().map(|&p| inst.seats[p as usize]).collect(),
            state: vec![State::Pending; children.len()],
            at: vec![NONE; children.len()],
            held: vec![Vec::new(); n],
            free: vec![Vec::new(); n],
            slot: vec![0; children.len()],
            best: vec![EMPTY; n * n],
            blocks: vec![Vec::new(); n],
            lost: Vec::new(),
            metres: Vec::new(),
            dense: n.saturating_mul(children.len()) <= dense_metres,
            here: vec![0; children.len()],
            shifted: schools
                .iter()
                .map(|&p| (inst.yuan[p as usize], 0))
                .collect(),
            cursor: 0,
            label: vec![UNSEEN; n],
            settled_at: vec![(0, 0); n],
            via: vec![Via::Start; n],
            touched: Vec::new(),
            schools,
            children,
        }
    }

    fn n(&self) -> usize {
        self.schools.len()
    }

    /// Metres from local child `i`'s home to local school `p` (in her reach).
    fn metres_at(&self, i: u32, p: u32) -> u32 {
        self.metres_to(i, p).expect("a held school is in reach")
    }

    /// Metres from local child `i`'s home to local school `q`, or `None` out of her reach: one
    /// read of the dense table, else a binary search in her reach (sorted by global school).
    fn metres_to(&self, i: u32, q: u32) -> Option<u32> {
        if self.dense {
            let m = self.metres[i as usize * self.n() + q as usize];
            return (m != FAR).then_some(m);
        }
        let reach = self.inst.reach(self.children[i as usize] as usize);
        let global = self.schools[q as usize];
        reach
            .binary_search_by_key(&global, |r| r.0)
            .ok()
            .map(|k| reach[k].1)
    }

    /// Fills local child `i`'s row of [`Pool::metres`], as she is walked (children are
    /// walked in their local order, each once).
    fn add_metres(&mut self, i: u32) {
        if !self.dense {
            return;
        }
        let n = self.n();
        debug_assert_eq!(self.metres.len(), i as usize * n);
        let start = self.metres.len();
        self.metres.resize(start + n, FAR);
        let row = &mut self.metres[start..];
        for &(g, m) in self.inst.reach(self.children[i as usize] as usize) {
            row[self.local[g as usize] as usize] = m;
        }
    }

    /// Moves local child `i` to school `to` (or just seats her, when she holds none).
    fn hold(&mut self, i: u32, to: u32) {
        let n = self.n();
        let (inst, local) = (self.inst, self.local);
        let reach = inst.reach(self.children[i as usize] as usize);
        let from = self.at[i as usize];
        if from != NONE {
            let f = from as usize;
            let k = self.slot[i as usize] as usize;
            self.held[f][k] = NONE;
            self.free[f].push(k as u32);
            // Her block changes only where she was its move: each such entry is found again
            // among the block's other children, one read of each one's metres.
            let block = &self.blocks[f][k / BLOCK * n..][..n];
            let mut lost = std::mem::take(&mut self.lost);
            lost.clear();
            lost.extend(
                reach
                    .iter()
                    .map(|&(p, _)| local[p as usize])
                    .filter(|&q| block[q as usize].1 == i),
            );
            for &q in &lost {
                self.refill_one(from, k / BLOCK, q);
            }
            self.lost = lost;
            // Her leaving changes the row only where she was the move: each such entry becomes
            // the least of the school's blocks, every one of them exact again by now.
            for &(g, _) in reach {
                let q = local[g as usize] as usize;
                if self.best[f * n + q].1 == i {
                    let mut least = EMPTY;
                    for block in self.blocks[f].chunks_exact(n) {
                        least = least.min(block[q]);
                    }
                    self.best[f * n + q] = least;
                }
            }
        }
        let t = to as usize;
        let here = self.metres_at(i, to);
        self.here[i as usize] = here;
        self.at[i as usize] = to;
        let k = match self.free[t].pop() {
            Some(k) => {
                self.held[t][k as usize] = i;
                k as usize
            }
            None => {
                let k = self.held[t].len();
                self.held[t].push(i);
                if k.is_multiple_of(BLOCK) {
                    self.blocks[t].resize((k / BLOCK + 1) * n, EMPTY);
                }
                k
            }
        };
        self.slot[i as usize] = k as u32;
        lower(
            &mut self.blocks[t][k / BLOCK * n..][..n],
            reach,
            local,
            to,
            here,
            i,
        );
        lower(&mut self.best[t * n..][..n], reach, local, to, here, i);
    }

    /// The children block `b` of school `p` covers (its empty places left out).
    fn members(held: &[u32], b: usize) -> impl Iterator<Item = u32> + '_ {
        held[b * BLOCK..held.len().min((b + 1) * BLOCK)]
            .iter()
            .copied()
            .filter(|&i| i != NONE)
    }

    /// Recomputes the entry for edge `p → q` of block `b` of school `p` alone.
    fn refill_one(&mut self, p: u32, b: usize, q: u32) {
        let n = self.n();
        let mut best = EMPTY;
        for i in Self::members(&self.held[p as usize], b) {
            if let Some(m) = self.metres_to(i, q) {
                let entry = (m as i32 - self.here[i as usize] as i32, i);
                if entry < best {
                    best = entry;
                }
            }
        }
        self.blocks[p as usize][b * n + q as usize] = best;
    }

    /// Walks the pool's children with global slot below `end`, granting every one the seats can
    /// take (the caller has made sure the money suffices). Returns the yuan added.
    pub(super) fn run_until(&mut self, end: u32) -> i64 {
        let mut spent = 0;
        while self.cursor < self.children.len() && self.children[self.cursor] < end {
            let i = self.cursor as u32;
            spent += self.step(i, None);
            self.cursor += 1;
        }
        spent
    }

    /// Walks the next child, granting her if the seats can take her and the cheapest way costs
    /// at most `money_left` yuan (no limit when `None`). Returns the yuan added.
    pub(super) fn step_next(&mut self, money_left: Option<i64>) -> i64 {
        let i = self.cursor as u32;
        self.cursor += 1;
        self.step(i, money_left)
    }

    fn step(&mut self, i: u32, money_left: Option<i64>) -> i64 {
        self.add_metres(i);
        let Some((delta, end)) = self.shortest_path(i) else {
            self.state[i as usize] = State::SeatsFull;
            return 0;
        };
        if money_left.is_some_and(|m| delta.0 > m) {
            self.state[i as usize] = State::BudgetExhausted;
            return 0;
        }
        self.state[i as usize] = State::Granted;
        self.augment(i, end, delta);
        delta.0
    }

    /// Dijkstra from child `i`'s reach to the sink. Returns the path's true cost (yuan, metres)
    /// and the school whose spare seat it ends at; `None` when no path exists.
    ///
    /// The pools are dense (a school's row reaches most of the others), so the search keeps no
    /// queue: the school settled next is the unsettled labelled one of least `(label, school)`,
    /// found in the same pass over the schools that relaxes the settled school's row. The sink
    /// is settled (the search stops) once its label is below the next school's; a school of
    /// equal label settles first, as if the sink were the school after the last.
    fn shortest_path(&mut self, i: u32) -> Option<(Cost, u32)> {
        for &p in &self.touched {
            self.label[p as usize] = UNSEEN;
        }
        self.touched.clear();
        let n = self.n();
        let (inst, local) = (self.inst, self.local);
        // The next school to settle: least (label, school) among those labelled, not settled.
        let mut next: (Cost, u32) = (UNSEEN, NONE);
        for &(global, m) in inst.reach(self.children[i as usize] as usize) {
            let p = local[global as usize];
            let d = add(self.shifted[p as usize], (0, i64::from(m)));
            self.label[p as usize] = d;
            self.via[p as usize] = Via::Start;
            self.touched.push(p);
            if (d, p) < next {
                next = (d, p);
            }
        }
        // The sink: its label and the school it is reached from.
        let mut sink: Option<(Cost, u32)> = None;
        while next.1 != NONE && sink.is_none_or(|s| s.0 >= next.0) {
            let (d, p) = next;
            self.label[p as usize] = SETTLED;
            self.settled_at[p as usize] = d;
            let shifted_p = self.shifted[p as usize];
            if self.spare[p as usize] > 0 {
                // Edge to the sink, reduced cost pi(p) - pi(sink) = pi(p).
                let nd = add(d, sub((self.yuan[p as usize], 0), shifted_p));
                if sink.is_none_or(|s| (nd, p) < s) {
                    sink = Some((nd, p));
                }
            }
            // A school whose label would exceed the sink's is never settled before the sink,
            // so it is not labelled; the settled ones hold the least label of all, so no move
            // improves them (nor `p` itself: a school has no move to itself).
            let bound = sink.map_or(UNSEEN, |s| s.0);
            let from = sub(d, shifted_p);
            let row = &self.best[p as usize * n..][..n];
            next = (UNSEEN, NONE);
            for (q, ((&(m, child), &shifted_q), label)) in row
                .iter()
                .zip(&self.shifted)
                .zip(self.label.iter_mut())
                .enumerate()
            {
                if child != NONE {
                    let nd = add(from, (shifted_q.0, shifted_q.1 + i64::from(m)));
                    if nd < *label && nd <= bound {
                        if *label == UNSEEN {
                            self.touched.push(q as u32);
                        }
                        *label = nd;
                        self.via[q] = Via::Move { from: p, child };
                    }
                }
                // Schools are met in ascending order, so of equal labels the first is kept.
                if *label > SETTLED && *label < next.0 {
                    next = (*label, q as u32);
                }
            }
        }
        let (big_d, end) = sink?;
        // Potentials: pi(v) += min(d(v), D) - D for every settled school (the others keep
        // theirs), which keeps every reduced cost non-negative and the sink's potential zero.
        for &p in &self.touched {
            let p = p as usize;
            if self.label[p] == SETTLED {
                let d = self.settled_at[p];
                if d < big_d {
                    self.shifted[p] = add(self.shifted[p], sub(big_d, d));
                }
            }
        }
        Some((big_d, end))
    }

    /// Applies the path found for child `i` ending at `end`.
    fn augment(&mut self, i: u32, mut end: u32, _delta: Cost) {
        self.spare[end as usize] -= 1;
        loop {
            match self.via[end as usize] {
                Via::Start => {
                    self.hold(i, end);
                    return;
                }
                Via::Move { from, child } => {
                    self.hold(child, end);
                    end = from;
                }
            }
        }
    }

    /// Every granted child's school: (global slot, global school).
    pub(super) fn placed(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.at
            .iter()
            .enumerate()
            .filter(|(_, &p)| p != NONE)
            .map(|(i, &p)| (self.children[i], self.schools[p as usize]))
    }
}
