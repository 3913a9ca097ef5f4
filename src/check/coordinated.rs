//! Coordinated placement: the stage's schools, distance, and no passing over in the fallback
//! order.
//!
//! The stage (`fallback.coordination`) says which public schools a child may be coordinated to
//! and in what order she prefers them, written here anew from `docs/points-policy.md` §7.6:
//! `district` the schools of her residence district, nearest first; `catchment` the schools
//! whose catchment holds her home community, nearest first, before the rest of her district;
//! `nearest` every public school of the city, nearest first; `off` none. All within the
//! coordinated distance limit; equal distances to the smaller school index.
//!
//! Proves, for every coordinated place, that it is one of the child's schools under the stage
//! (none under `off`) and within the limit; and that no eligible child left without a choice
//! placement lacks a school she prefers to her place (any of hers, if she has none) that was
//! either free or went to a child after her in the fallback order.
//!
//! A sibling group coordinated as one (more than one child, every member eligible, none placed
//! by choice) takes its turn at its last member's position and is checked as a unit, once, at
//! that member, by that member's schools: if it was placed together, no school she prefers may
//! have room for the whole group, and if not, no school of hers may; the room at a school being
//! its free seats, the seats held by children coordinated after the group, and the seats the
//! group itself holds there.
//!
//! The first pass records, per school, the turns of the children coordinated there (the latest
//! and all of them); the second pass compares each child with her schools.

use std::collections::HashMap;

use super::priority::Ranks;
use super::reach::within;
use super::tally::Tally;
use super::Violations;
use crate::assign::Outcome;
use crate::domain::{Child, ChildIdx, Coordination, SchoolIdx};
use crate::scenario::Scenario;

/// The coordinated-placement rule over one placement.
pub(super) struct Order<'a> {
    scenario: &'a Scenario,
    ranks: &'a Ranks<'a>,
    outcomes: &'a [Outcome],
    /// Sibling groups coordinated as one, members in the fallback order.
    joint: HashMap<u32, Vec<ChildIdx>>,
    /// Per school, the latest turn of a child coordinated there.
    last_coordinated: Vec<Option<u32>>,
    /// Per school, the turns of the children coordinated there.
    coordinated_at: Vec<Vec<u32>>,
    /// The public schools of each district.
    district_schools: Vec<Vec<SchoolIdx>>,
    /// Every public school of the city.
    all_schools: Vec<SchoolIdx>,
}

impl<'a> Order<'a> {
    /// Finds the sibling groups coordinated as one; nothing recorded yet.
    pub fn new(scenario: &'a Scenario, ranks: &'a Ranks<'a>, outcomes: &'a [Outcome]) -> Self {
        let mut district_schools: Vec<Vec<SchoolIdx>> = vec![Vec::new(); scenario.districts.len()];
        for s in scenario.school_indices() {
            district_schools[scenario.school(s).district.ix()].push(s);
        }
        Order {
            scenario,
            ranks,
            outcomes,
            joint: joint_groups(scenario, ranks, outcomes),
            last_coordinated: vec![None; scenario.schools.len()],
            coordinated_at: vec![Vec::new(); scenario.schools.len()],
            district_schools,
            all_schools: scenario.school_indices().collect(),
        }
    }

    /// The schools the child may be coordinated to under the stage, each with its pass, in the
    /// stage's order, before the distance limit: her catchment's first (pass 0), then her
    /// district's other schools (pass 1) under `catchment_first`; her district's under
    /// `district` and the city's under `nearest` (pass 0); none under `off`.
    fn candidates<'c>(&'c self, child: &'c Child) -> impl Iterator<Item = (u8, SchoolIdx)> + 'c {
        let district: &[SchoolIdx] = &self.district_schools[child.residence_district.ix()];
        let (first, rest, pass): (&[SchoolIdx], &[SchoolIdx], u8) =
            match self.scenario.fallback.coordination {
                Coordination::Off => (&[], &[], 0),
                Coordination::District => (&[], district, 0),
                Coordination::CatchmentFirst => (&child.catchment, district, 1),
                Coordination::Nearest => (&[], &self.all_schools, 0),
            };
        first.iter().map(|&s| (0, s)).chain(
            rest.iter()
                .filter(move |s| !first.contains(s))
                .map(move |&s| (pass, s)),
        )
    }

    /// The preference key (pass, distance, school index: smaller is preferred) of candidate
    /// school `s` of `child` at `pass`, if it is within the distance limit.
    fn key(&self, child: &Child, pass: u8, s: SchoolIdx) -> Option<(u8, f64, SchoolIdx)> {
        let scenario = self.scenario;
        let d = child.location.distance_km(scenario.school(s).location);
        within(scenario.fallback.coordinated_max_km, d).then_some((pass, d, s))
    }

    /// The schools the child may be coordinated to under the stage, each with its preference
    /// key, within the distance limit.
    fn options(&self, child: &Child) -> Vec<((u8, f64, SchoolIdx), SchoolIdx)> {
        self.candidates(child)
            .filter_map(|(pass, s)| self.key(child, pass, s).map(|k| (k, s)))
            .collect()
    }

    /// The preference key of `school` for `child`, if it is one of her options.
    fn key_at(&self, child: &Child, school: SchoolIdx) -> Option<(u8, f64, SchoolIdx)> {
        let (pass, s) = self.candidates(child).find(|&(_, s)| s == school)?;
        self.key(child, pass, s)
    }

    /// The child's preference key for the school she holds, if it is one of her schools.
    fn key_of(
        options: &[((u8, f64, SchoolIdx), SchoolIdx)],
        school: SchoolIdx,
    ) -> Option<(u8, f64, SchoolIdx)> {
        options.iter().find(|o| o.1 == school).map(|o| o.0)
    }

    /// The child's turn in coordinated placement: her fallback position, or her joint group's
    /// last member's.
    fn turn(&self, c: ChildIdx) -> u32 {
        let ranks = self.ranks;
        self.group_of(c).map_or(ranks.fallback_position(c), |m| {
            m.iter()
                .map(|&x| ranks.fallback_position(x))
                .max()
                .expect("a group has members")
        })
    }

    /// The joint group the child belongs to, if any.
    fn group_of(&self, c: ChildIdx) -> Option<&[ChildIdx]> {
        self.scenario
            .child(c)
            .sibling_group
            .and_then(|g| self.joint.get(&g))
            .map(Vec::as_slice)
    }

    /// The group's common coordinated place, if every member of it holds the same one.
    fn together(&self, members: &[ChildIdx]) -> Option<SchoolIdx> {
        let first = self.outcomes[members[0].ix()];
        match first {
            Outcome::Coordinated { school }
                if members.iter().all(|m| self.outcomes[m.ix()] == first) =>
            {
                Some(school)
            }
            _ => None,
        }
    }

    /// First pass: a coordinated place is one of the child's schools under the stage, within
    /// the limit; records her turn there.
    pub fn record(&mut self, c: ChildIdx, outcome: Outcome, v: &mut Violations) {
        let Outcome::Coordinated { school } = outcome else {
            return;
        };
        let scenario = self.scenario;
        let child = scenario.child(c);
        let s = scenario.school(school);
        let stage = scenario.fallback.coordination;
        let allowed = match stage {
            Coordination::Off => false,
            Coordination::District => s.district == child.residence_district,
            Coordination::CatchmentFirst => {
                s.district == child.residence_district || child.catchment.contains(&school)
            }
            Coordination::Nearest => true,
        };
        if !allowed {
            v.push(
                "coordinated-district",
                match stage {
                    Coordination::Off => format!(
                        "child {} is coordinated to {} though the scenario coordinates no one",
                        child.id, s.id
                    ),
                    _ => format!(
                        "child {} is coordinated to {} outside her {}",
                        child.id,
                        s.id,
                        if stage == Coordination::CatchmentFirst {
                            "catchment and district"
                        } else {
                            "district"
                        }
                    ),
                },
            );
        }
        if !within(
            scenario.fallback.coordinated_max_km,
            child.location.distance_km(s.location),
        ) {
            v.push(
                "coordinated-distance",
                format!(
                    "child {} is coordinated to {} beyond the distance limit",
                    child.id, s.id
                ),
            );
        }
        let pos = self.turn(c);
        let last = &mut self.last_coordinated[school.ix()];
        *last = Some(last.map_or(pos, |l| l.max(pos)));
        self.coordinated_at[school.ix()].push(pos);
    }

    /// Second pass, at the last member of a joint group: no school she prefers to the group's
    /// common place (any school of hers, if it has none) has room for the whole group.
    pub fn group(&self, c: ChildIdx, tally: &Tally, v: &mut Violations) {
        let Some(members) = self.group_of(c) else {
            return;
        };
        if members.last() != Some(&c) {
            return;
        }
        let scenario = self.scenario;
        let child = scenario.child(c);
        let k = members.len() as u32;
        let pos = self.turn(c);
        let options = self.options(child);
        let here = self
            .together(members)
            .and_then(|s| Self::key_of(&options, s));
        for &(key, s) in &options {
            if here.is_some_and(|h| !preferred(key, h)) {
                continue;
            }
            let school = scenario.school(s);
            let ours = members
                .iter()
                .filter(|m| self.outcomes[m.ix()].public_school() == Some(s))
                .count() as u32;
            let later = self.coordinated_at[s.ix()]
                .iter()
                .filter(|&&p| p > pos)
                .count() as u32;
            let room = school.seats.saturating_sub(tally.filled[s.ix()]) + later + ours;
            if room >= k {
                v.push(
                    "coordinated-order",
                    format!(
                        "the sibling group of {} should have been coordinated together to the {}public school {}",
                        child.id,
                        if here.is_some() { "nearer " } else { "" },
                        school.id
                    ),
                );
            }
        }
    }

    /// Second pass, for an eligible child not admitted by choice and not coordinated together
    /// with her joint group: no school she prefers to her place (any of hers, if she has none)
    /// was free or went to a child after her.
    pub fn single(&self, c: ChildIdx, outcome: Outcome, tally: &Tally, v: &mut Violations) {
        let together = self.group_of(c).is_some_and(|m| self.together(m).is_some());
        if !self.ranks.eligible(c) || together || matches!(outcome, Outcome::Choice { .. }) {
            return;
        }
        let scenario = self.scenario;
        let child = scenario.child(c);
        let pos = self.turn(c);
        let here = match outcome {
            Outcome::Coordinated { school } => self.key_at(child, school),
            _ => None,
        };
        for (pass, s) in self.candidates(child) {
            // A school neither free nor taken by a later child is no finding whatever its key:
            // its distance is not needed.
            let school = scenario.school(s);
            let free = tally.filled[s.ix()] < school.seats;
            let taken_by_later = self.last_coordinated[s.ix()].is_some_and(|l| l > pos);
            if !(free || taken_by_later) {
                continue;
            }
            let Some(key) = self.key(child, pass, s) else {
                continue;
            };
            if here.is_none_or(|h| preferred(key, h)) {
                v.push(
                    "coordinated-order",
                    format!(
                        "child {} should have had the nearer public school {} ({})",
                        child.id,
                        school.id,
                        if free {
                            "it has a spare seat"
                        } else {
                            "it went to a child after her"
                        }
                    ),
                );
            }
        }
    }
}

/// Whether preference key `a` comes before `b`: an earlier pass, then a shorter distance, then
/// the smaller school index.
fn preferred(a: (u8, f64, SchoolIdx), b: (u8, f64, SchoolIdx)) -> bool {
    a.0.cmp(&b.0)
        .then(a.1.total_cmp(&b.1))
        .then(a.2.cmp(&b.2))
        .is_lt()
}

/// Sibling groups coordinated as one: more than one child, every member eligible and none
/// placed by choice. Members in the fallback order.
fn joint_groups(
    scenario: &Scenario,
    ranks: &Ranks,
    outcomes: &[Outcome],
) -> HashMap<u32, Vec<ChildIdx>> {
    let mut groups: HashMap<u32, Vec<ChildIdx>> = HashMap::new();
    for &c in ranks.fallback_order() {
        if let Some(g) = scenario.child(c).sibling_group {
            groups.entry(g).or_default().push(c);
        }
    }
    groups.retain(|_, members| {
        members.len() > 1
            && members
                .iter()
                .all(|&m| ranks.eligible(m) && !matches!(outcomes[m.ix()], Outcome::Choice { .. }))
    });
    groups
}
