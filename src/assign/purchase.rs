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
//! This is incremental min-cost flow (successive shortest paths): the current assignment is
//! always a min-cost assignment of the granted set, so the min-cost assignment of the granted set
//! plus `k` is the current one changed along a shortest augmenting path from `k` — `k` takes a
//! seat at `p1`, a child at `p1` moves to `p2`, …, until a school with a spare seat. The search
//! runs on the private schools of `k`'s pool only ([`super::purchase_pool`]: Dijkstra with node
//! potentials, stopped at the first spare seat), so a step costs about (schools settled × the
//! pool's schools), not O(children). If no augmenting path exists, the seats cannot take `k`
//! ([`UnplacedReason::PrivateSeatsFull`]); if the cheapest one would break the budget,
//! [`UnplacedReason::BudgetExhausted`]; both verdicts are exact. Pools (schools linked by a child
//! who reaches both; the districts when `purchase_same_district`) share only the budget and walk
//! their children in parallel wherever the budget cannot bind ([`buy`]). Equal path costs end at
//! the smaller school index; equal moves take the earlier child in the fallback order.
//!
//! The stage is decided on plain data ([`Instance`] → [`Verdict`]s); the former algorithm
//! (label-correcting search, ordered sets per edge) is kept as the property tests' oracle in
//! `purchase_oracle.rs`.

use super::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, Prepared, PrivateIdx};
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// The cost of a bought place in the objective: yuan first, then metres from home.
pub type Cost = (i64, i64);

/// A distance in kilometres in whole metres, as the purchase objective counts it.
fn km_to_metres(km: f64) -> i64 {
    (km * 1000.0).round() as i64
}

/// The most metres [`Instance`] holds for one distance: 2,147,483 km, so that a child's
/// change of school (the difference of two distances) fits an `i32`. It never binds on a valid
/// scenario (the scenario rules keep coordinates within ±10,000 km, so no distance is
/// above 28,285 km); a longer distance in a hand-built [`Instance`] would count as this.
pub const MAX_METRES: u32 = i32::MAX as u32;

/// `m` metres as [`Instance`] holds them, at most [`MAX_METRES`].
fn held_metres(m: i64) -> u32 {
    m.clamp(0, i64::from(MAX_METRES)) as u32
}

/// Whether a child's reach holds any private school, for many children (the schools are
/// listed and prepared for distances once, not once a child). A child's reach is the private
/// schools she may be given a bought place at ([`Candidates::of`]): none when the scenario buys
/// no places (`purchase = "off"`), else schools with purchasable seats, in her district when
/// `purchase_same_district`, within `purchase_max_km` if set.
pub fn any_in_reach(scenario: &Scenario) -> impl Fn(ChildIdx) -> bool + '_ {
    let candidates = Candidates::new(scenario);
    move |c| candidates.of(scenario, c).next().is_some()
}

/// The private schools with purchasable seats, per district when the purchase is bound to the
/// child's district (so finding a child's reach looks at her district's schools only).
struct Candidates {
    /// Per district (or a single list of all, when not district-bound), ascending.
    lists: Vec<Vec<PrivateIdx>>,
    same_district: bool,
    /// Per private school, its place prepared for the distances to every home in reach.
    at: Vec<Prepared>,
}

impl Candidates {
    fn new(scenario: &Scenario) -> Candidates {
        let same_district = scenario.fallback.purchase_same_district;
        let n = if same_district {
            scenario.districts.len()
        } else {
            1
        };
        let mut lists = vec![Vec::new(); n];
        for p in scenario.private_indices() {
            let ps = scenario.private_school(p);
            if ps.purchasable_seats > 0 && scenario.fallback.purchase {
                let k = if same_district { ps.district.ix() } else { 0 };
                lists[k].push(p);
            }
        }
        Candidates {
            lists,
            same_district,
            at: scenario
                .private_schools
                .iter()
                .map(|p| p.location.prepared())
                .collect(),
        }
    }

    /// Child `c`'s reach, ascending school index, with what each school's place would cost.
    fn of<'a>(
        &'a self,
        scenario: &'a Scenario,
        c: ChildIdx,
    ) -> impl Iterator<Item = (PrivateIdx, Cost)> + 'a {
        let child = scenario.child(c);
        let list: &[PrivateIdx] = if self.same_district {
            self.lists
                .get(child.residence_district.ix())
                .map_or(&[], |l| l.as_slice())
        } else {
            &self.lists[0]
        };
        let max_km = scenario.fallback.purchase_max_km;
        let home = child.location.prepared();
        list.iter().filter_map(move |&p| {
            let ps = scenario.private_school(p);
            let d = home.distance_km(&self.at[p.ix()]);
            max_km.is_none_or(|max| d <= max).then(|| {
                // The distance is found once, for the limit and the metres alike.
                (p, (ps.cost_per_seat() as i64, km_to_metres(d)))
            })
        })
    }
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

/// One purchase stage as plain data: the private schools' prices and seats, the budget, and
/// each child of the stage (in the fallback order) with her reach.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    /// Per private school, the yuan one bought place costs.
    pub yuan: Vec<i64>,
    /// Per private school, its purchasable seats.
    pub seats: Vec<u32>,
    /// The budget, in yuan.
    pub budget: i64,
    /// Where each child's reach starts in `entries` (one more than the children).
    offsets: Vec<usize>,
    /// Every child's reach, one after the other: (school, metres from home, at most
    /// [`MAX_METRES`]); 8 bytes an entry, as the pools read them in their inner loops.
    entries: Vec<(u32, u32)>,
}

impl Instance {
    /// A stage with these schools and budget and no children yet.
    pub fn new(yuan: Vec<i64>, seats: Vec<u32>, budget: i64) -> Instance {
        Instance {
            yuan,
            seats,
            budget,
            offsets: vec![0],
            entries: Vec::new(),
        }
    }

    /// Appends the next child in the fallback order, with her reach: (school, metres at most
    /// [`MAX_METRES`]), each school at most once, in ascending order, each with seats. (The
    /// stage itself appends its children with `push_reaches`; this is for the property tests'
    /// instances.)
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    pub fn push_child(&mut self, reach: impl IntoIterator<Item = (u32, u32)>) {
        self.entries.extend(reach);
        let added = &self.entries[*self.offsets.last().expect("offsets start at 0")..];
        debug_assert!(added.iter().all(|e| e.1 <= MAX_METRES));
        debug_assert!(added.windows(2).all(|w| w[0].0 < w[1].0));
        self.offsets.push(self.entries.len());
    }

    /// Appends the children of `stage` (in the fallback order) with their reach in `scenario`,
    /// as [`Instance::push_child`] would one by one. The reaches are found once each, in
    /// parallel, into a list per block of children; the list of every reach (a province's 10.5
    /// million entries) is then reserved at its size and each block's list copied in and freed
    /// in turn, so the two are never both whole in memory (pages reserved and not yet written
    /// cost none).
    fn push_reaches(&mut self, scenario: &Scenario, stage: &[ChildIdx]) {
        use rayon::prelude::*;
        /// Children of the stage whose reaches are found by one task.
        const CHILDREN_PER_TASK: usize = 4096;
        let candidates = Candidates::new(scenario);
        // Per block: its children's reaches one after the other, and each child's size.
        type Block = (Vec<(u32, u32)>, Vec<u32>);
        let blocks: Vec<Block> = stage
            .par_chunks(CHILDREN_PER_TASK)
            .map(|block| {
                let mut entries = Vec::new();
                let mut sizes = Vec::with_capacity(block.len());
                for &c in block {
                    let before = entries.len();
                    entries.extend(
                        candidates
                            .of(scenario, c)
                            .map(|(p, (_, m))| (p.0, held_metres(m))),
                    );
                    sizes.push((entries.len() - before) as u32);
                }
                (entries, sizes)
            })
            .collect();
        let total: usize = blocks.iter().map(|(entries, _)| entries.len()).sum();
        self.entries.reserve_exact(total);
        self.offsets.reserve_exact(stage.len());
        for (entries, sizes) in blocks {
            for n in sizes {
                let last = *self.offsets.last().expect("offsets start at 0");
                self.offsets.push(last + n as usize);
            }
            self.entries.extend_from_slice(&entries);
        }
    }

    /// How many children the stage has.
    pub fn children(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The reach of the child at `slot`: (school, metres), ascending school.
    pub fn reach(&self, slot: usize) -> &[(u32, u32)] {
        &self.entries[self.offsets[slot]..self.offsets[slot + 1]]
    }
}

/// What the purchase stage decided for one child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// A place bought at this private school.
    Bought(u32),
    /// No school in reach.
    NoSchoolInReach,
    /// The seats in reach cannot take her with every child granted before her.
    SeatsFull,
    /// The seats could, the budget could not.
    BudgetExhausted,
}

/// Below this many children a window of the walk is not worth spreading over threads.
const PARALLEL_WINDOW: usize = 256;

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// Decides the stage, as the module doc says.
///
/// The schools are split into pools (linked by a child who reaches two of them); each pool keeps
/// its own min-cost assignment ([`super::purchase_pool`]). The walk in the fallback order is
/// cut into windows the budget cannot bind in — a child granted adds the price of the school
/// her augmenting path ends at (the yuan of the moves along it cancel out), so at most the
/// dearest price — and the pools walk each window's children in parallel. Where the money left
/// could run out within a few children, the walk goes child by child. Pools share nothing but
/// the budget, so the verdicts are the same on any number of threads.
pub fn buy(inst: &Instance) -> Vec<Verdict> {
    buy_with(inst, super::purchase_pool::DENSE_METRES)
}

/// [`buy`] with a pool's table of distances kept dense up to `dense_metres` entries (schools
/// times children) instead of the default; the verdicts do not depend on it (the property tests
/// run both ways).
pub fn buy_with(inst: &Instance, dense_metres: usize) -> Vec<Verdict> {
    use super::purchase_pool::{Pool, State};
    use rayon::prelude::*;

    let n_p = inst.yuan.len();
    let n_c = inst.children();
    let mut parent: Vec<u32> = (0..n_p as u32).collect();
    for slot in 0..n_c {
        for w in inst.reach(slot).windows(2) {
            let (a, b) = (find(&mut parent, w[0].0), find(&mut parent, w[1].0));
            parent[a.max(b) as usize] = a.min(b);
        }
    }
    let root: Vec<u32> = (0..n_p as u32).map(|p| find(&mut parent, p)).collect();
    // Pools in order of their smallest school; local indices ascending with the global ones.
    let mut pool_of_root = vec![u32::MAX; n_p];
    let mut local = vec![0u32; n_p];
    let mut schools: Vec<Vec<u32>> = Vec::new();
    for p in 0..n_p {
        let r = root[p] as usize;
        if pool_of_root[r] == u32::MAX {
            pool_of_root[r] = schools.len() as u32;
            schools.push(Vec::new());
        }
        let k = pool_of_root[r] as usize;
        local[p] = schools[k].len() as u32;
        schools[k].push(p as u32);
    }
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); schools.len()];
    let pool_of: Vec<u32> = (0..n_c)
        .map(|slot| match inst.reach(slot).first() {
            Some(&(p, _)) => {
                let k = pool_of_root[root[p as usize] as usize];
                children[k as usize].push(slot as u32);
                k
            }
            None => u32::MAX,
        })
        .collect();
    let mut pools: Vec<Pool> = schools
        .into_iter()
        .zip(children)
        .map(|(s, c)| Pool::new(inst, &local, s, c, dense_metres))
        .collect();

    let dearest = (0..n_p)
        .filter(|&p| inst.seats[p] > 0)
        .map(|p| inst.yuan[p])
        .max()
        .unwrap_or(0)
        .max(0);
    let mut total: i64 = 0;
    let mut slot = 0;
    while slot < n_c {
        let money_left = inst.budget - total;
        let room = if dearest == 0 {
            usize::MAX
        } else {
            usize::try_from(money_left.max(0) / dearest).unwrap_or(usize::MAX)
        };
        if room < PARALLEL_WINDOW {
            // Child by child, with the budget.
            if pool_of[slot] != u32::MAX {
                total += pools[pool_of[slot] as usize].step_next(Some(money_left));
            }
            slot += 1;
            continue;
        }
        // The window: the next `room` children with a school in reach.
        let mut end = slot;
        let mut count = 0;
        while end < n_c && count < room {
            if pool_of[end] != u32::MAX {
                count += 1;
            }
            end += 1;
        }
        let end32 = end as u32;
        total += pools
            .par_iter_mut()
            .map(|pool| pool.run_until(end32))
            .sum::<i64>();
        slot = end;
    }

    let mut verdicts = vec![Verdict::NoSchoolInReach; n_c];
    for pool in &pools {
        for (i, &s) in pool.children.iter().enumerate() {
            verdicts[s as usize] = match pool.state[i] {
                State::SeatsFull => Verdict::SeatsFull,
                State::BudgetExhausted => Verdict::BudgetExhausted,
                State::Granted | State::Pending => Verdict::NoSchoolInReach,
            };
        }
        for (s, p) in pool.placed() {
            verdicts[s as usize] = Verdict::Bought(p);
        }
    }
    verdicts
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
    let schools = &scenario.private_schools;
    let mut inst = Instance::new(
        schools.iter().map(|p| p.cost_per_seat() as i64).collect(),
        schools.iter().map(|p| p.purchasable_seats).collect(),
        i64::try_from(scenario.budget_yuan).unwrap_or(i64::MAX),
    );
    inst.push_reaches(scenario, &stage);
    let verdicts = buy(&inst);
    let mut report = PurchaseReport::default();
    for (slot, (&c, verdict)) in stage.iter().zip(verdicts).enumerate() {
        outcomes[c.ix()] = Some(match verdict {
            Verdict::Bought(p) => {
                let m = inst
                    .reach(slot)
                    .iter()
                    .find(|r| r.0 == p)
                    .expect("a bought place is in reach")
                    .1;
                report.seats += 1;
                report.cost_yuan += inst.yuan[p as usize] as u64;
                report.distance_m += u64::from(m);
                Outcome::Purchased {
                    school: PrivateIdx(p),
                }
            }
            Verdict::NoSchoolInReach => {
                report.no_school_in_reach += 1;
                Outcome::Unplaced {
                    reason: UnplacedReason::NoPrivateInReach,
                }
            }
            Verdict::SeatsFull => {
                report.seats_full += 1;
                Outcome::Unplaced {
                    reason: UnplacedReason::PrivateSeatsFull,
                }
            }
            Verdict::BudgetExhausted => {
                report.budget_exhausted += 1;
                Outcome::Unplaced {
                    reason: UnplacedReason::BudgetExhausted,
                }
            }
        });
    }
    report
}
