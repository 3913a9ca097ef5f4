//! Joint applications of siblings: deferred acceptance over *units*.
//!
//! A unit is a sibling group (children of one family entering together, one list of choices)
//! or a single child. A unit of `k` children needs `k` seats at one school. It applies to the
//! listed schools where every member holds a tier, with the priority of its *lowest-priority
//! member* there; its members are admitted together or not at all by choice.
//!
//! **Choice rule.** A school holds, among the units proposing to it, the highest-priority units
//! that fit, in priority order: it walks them best first and keeps each unit that still fits
//! in the seats left (a large unit that does not fit is skipped, smaller ones after it may fit).
//! Units propose through the one deferred acceptance of [`super::da`], with this rule.
//!
//! **No justified envy for units.** Unit `u` envies school `s` when she prefers `s` to her
//! outcome, holds a priority there, and the seats of the units `s` admitted with strictly lower
//! priority than `u`, plus `s`'s spare seats, would fit `u`. With units of one child this is the
//! ordinary rule. With larger units, plain deferred acceptance can end with such envy (a large
//! unit displaced by a better single child frees a seat that a child rejected earlier wanted), so
//! after deferred acceptance settles, every envied school is offered again: the envious unit
//! proposes to the best school she envies — she is admitted, since the units above her there
//! leave her room — and deferred acceptance continues. Each such move takes a unit strictly up
//! her list. It stops when no unit envies any school; no theorem bounds the number of rounds
//! with units of several sizes (stable assignments need not even exist in general), so after a
//! generous limit the run fails with an error instead of returning an assignment with envy.
//! With only single children no repair ever happens and the result is deferred acceptance.

use std::collections::{BTreeSet, HashMap};

use super::da::{ChoiceRule, DeferredAcceptance};
use super::Applicants;
use crate::error::SolveError;

/// One unit's application to a school.
#[derive(Debug, Clone, Copy)]
struct UnitApp {
    school: usize,
    /// Worst member's strict key at the school: the unit's priority (smaller is better).
    key: u64,
}

struct Units {
    members: Vec<Vec<u32>>,
    lists: Vec<Vec<UnitApp>>,
    size: Vec<u32>,
}

/// Builds the units: each sibling group (children sharing `group[c]`) and each other child.
fn units(applicants: &Applicants, group: &[Option<u32>]) -> Units {
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut slot_of_group: HashMap<u32, usize> = HashMap::new();
    for (c, g) in group.iter().enumerate() {
        match g {
            Some(g) => {
                let slot = *slot_of_group.entry(*g).or_insert_with(|| {
                    members.push(Vec::new());
                    members.len() - 1
                });
                members[slot].push(c as u32);
            }
            None => members.push(vec![c as u32]),
        }
    }
    let lists = members
        .iter()
        .map(|m| {
            let head = &applicants.lists[m[0] as usize];
            head.iter()
                .filter_map(|app| {
                    let mut key = app.key;
                    for &c in &m[1..] {
                        let other = applicants.lists[c as usize]
                            .iter()
                            .find(|a| a.school == app.school)?;
                        key = key.max(other.key);
                    }
                    Some(UnitApp {
                        school: app.school.ix(),
                        key,
                    })
                })
                .collect()
        })
        .collect();
    let size = members.iter().map(|m| m.len() as u32).collect();
    Units {
        members,
        lists,
        size,
    }
}

/// The units' choice rule, with what each school holds.
struct UnitRule<'a> {
    units: &'a Units,
    capacity: &'a [u32],
    /// Per school, the held units by key.
    held: Vec<BTreeSet<(u64, u32)>>,
    /// Per school, the seats its held units take.
    used: Vec<u32>,
    /// Per unit, the school holding her.
    held_at: Vec<Option<usize>>,
    /// Schools where a seat may have opened for a unit rejected earlier.
    dirty: BTreeSet<usize>,
    /// The units a school over its seats rejects, while it rejects them.
    rejecting: Vec<(u64, u32)>,
}

impl UnitRule<'_> {
    fn remove(&mut self, s: usize, key: u64, u: u32) {
        self.held[s].remove(&(key, u));
        self.used[s] -= self.units.size[u as usize];
        self.held_at[u as usize] = None;
    }
}

impl ChoiceRule for UnitRule<'_> {
    type Application = UnitApp;

    fn propose(&mut self, u: u32, app: UnitApp, rejected: &mut Vec<u32>) -> bool {
        let units = self.units;
        let size = units.size[u as usize];
        let s = app.school;
        let q = self.capacity[s];
        if size > q {
            return false;
        }
        self.held[s].insert((app.key, u));
        self.used[s] += size;
        self.held_at[u as usize] = Some(s);
        if self.used[s] <= q {
            return true;
        }
        // Over the seats: keep the best units that fit, in priority order.
        let mut taken = 0;
        let mut rejecting = std::mem::take(&mut self.rejecting);
        for &(key, v) in &self.held[s] {
            let k = units.size[v as usize];
            if taken + k <= q {
                taken += k;
            } else {
                rejecting.push((key, v));
            }
        }
        let mut kept = true;
        for (key, v) in rejecting.drain(..) {
            self.remove(s, key, v);
            if units.size[v as usize] > 1 {
                self.dirty.insert(s);
            }
            if v == u {
                kept = false;
            } else {
                rejected.push(v);
            }
        }
        self.rejecting = rejecting;
        kept
    }
}

/// Deferred acceptance over units.
type Run<'a> = DeferredAcceptance<'a, UnitRule<'a>>;

/// The list position unit `u` is held at, `usize::MAX` when no school holds her.
fn current(da: &Run<'_>, u: u32) -> usize {
    match da.rule().held_at[u as usize] {
        Some(_) => da.next(u) - 1,
        None => usize::MAX,
    }
}

/// Units that envy a dirty school, each with the best such school's list position. A dirty
/// school where nobody envies is cleared; one where somebody does stays dirty, so it is
/// scanned again after this round's moves (which may have changed it).
fn envy(da: &mut Run<'_>, at_school: &[Vec<(u32, usize)>]) -> Vec<(u32, usize)> {
    let mut best: HashMap<u32, usize> = HashMap::new();
    let mut still = BTreeSet::new();
    for s in std::mem::take(&mut da.rule_mut().dirty) {
        let rule = da.rule();
        let spare = rule.capacity[s] - rule.used[s];
        // Seats of the held units from each one downwards (by key).
        let held: Vec<(u64, u32)> = rule.held[s].iter().copied().collect();
        let mut below = vec![0u32; held.len() + 1];
        for i in (0..held.len()).rev() {
            below[i] = below[i + 1] + rule.units.size[held[i].1 as usize];
        }
        for &(u, pos) in &at_school[s] {
            if pos >= current(da, u) {
                continue;
            }
            let key = rule.units.lists[u as usize][pos].key;
            let i = held.partition_point(|&(k, _)| k <= key);
            if below[i] + spare >= rule.units.size[u as usize] {
                let b = best.entry(u).or_insert(pos);
                *b = (*b).min(pos);
                still.insert(s);
            }
        }
    }
    da.rule_mut().dirty = still;
    let mut out: Vec<(u32, usize)> = best.into_iter().collect();
    out.sort_unstable();
    out
}

/// Deferred acceptance over units, with the envy repair described in the module doc. Returns,
/// per child, the admitted position in her own application list; an error if the repair did not
/// settle within its limit.
pub fn deferred_acceptance_units(
    applicants: &Applicants,
    group: &[Option<u32>],
) -> Result<Vec<Option<u8>>, SolveError> {
    let units = units(applicants, group);
    let n_units = units.members.len();
    let n_schools = applicants.capacity.len();
    let mut at_school: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n_schools];
    for (u, list) in units.lists.iter().enumerate() {
        for (pos, app) in list.iter().enumerate() {
            at_school[app.school].push((u as u32, pos));
        }
    }
    let rule = UnitRule {
        units: &units,
        capacity: &applicants.capacity,
        held: vec![BTreeSet::new(); n_schools],
        used: vec![0; n_schools],
        held_at: vec![None; n_units],
        dirty: BTreeSet::new(),
        rejecting: Vec::new(),
    };
    let mut da = DeferredAcceptance::new(rule, &units.lists);
    da.settle();
    let limit = 50 * n_units + 1000;
    let mut moves = 0;
    loop {
        let envious = envy(&mut da, &at_school);
        if envious.is_empty() {
            break;
        }
        for (u, pos) in envious {
            // Re-check: earlier moves of this round may have changed the school.
            let app = units.lists[u as usize][pos];
            let s = app.school;
            if pos >= current(&da, u) {
                continue;
            }
            let rule = da.rule();
            let below: u32 = rule.held[s]
                .iter()
                .filter(|&&(k, _)| k > app.key)
                .map(|&(_, v)| units.size[v as usize])
                .sum();
            if below + applicants.capacity[s] - rule.used[s] < units.size[u as usize] {
                continue;
            }
            moves += 1;
            if moves > limit {
                return Err(SolveError::RepairLimit { moves: limit });
            }
            if let Some(t) = da.rule().held_at[u as usize] {
                let key = units.lists[u as usize][da.next(u) - 1].key;
                let rule = da.rule_mut();
                rule.remove(t, key, u);
                rule.dirty.insert(t);
            }
            da.propose_again(u, pos);
            da.settle();
        }
    }
    let mut admitted = vec![None; applicants.lists.len()];
    for (u, members) in units.members.iter().enumerate() {
        if let Some(s) = da.rule().held_at[u] {
            for &c in members {
                let list = &applicants.lists[c as usize];
                let pos = list
                    .iter()
                    .position(|a| a.school.ix() == s)
                    .expect("a unit applies only where every member does");
                admitted[c as usize] = Some(pos as u8);
            }
        }
    }
    Ok(admitted)
}
