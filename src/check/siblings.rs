//! Checking joint applications of siblings without the mechanism that produced them.
//!
//! - **together**: the children of a sibling group are either all admitted by choice to one
//!   school, at the same rank, or none of them is admitted by choice;
//! - **no justified envy for groups**: a group (its priority at a school being that of its
//!   lowest-priority member) is never refused a school it listed higher, where every member
//!   holds a tier, while the seats held there by units of strictly lower priority (a group
//!   admitted together counts as one unit; every other child is her own unit) plus the free
//!   seats would fit the whole group. For single children [`super::envy`]'s rule is this
//!   same rule.

use std::collections::BTreeMap;

use super::priority::{Priority, Ranks};
use super::tally::Tally;
use super::{Violations, WORST};
use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::scenario::Scenario;

/// Checks every sibling group's joint application; see the module doc.
pub(super) fn check(
    scenario: &Scenario,
    ranks: &Ranks,
    outcomes: &[Outcome],
    tally: &Tally,
    v: &mut Violations,
) {
    let filled = &tally.filled;
    let mut groups: BTreeMap<u32, Vec<ChildIdx>> = BTreeMap::new();
    for c in scenario.child_indices() {
        if let Some(g) = scenario.child(c).sibling_group {
            groups.entry(g).or_default().push(c);
        }
    }
    if groups.is_empty() {
        return;
    }
    let names = |members: &[ChildIdx]| {
        members
            .iter()
            .map(|&c| scenario.child(c).id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The units at each public school: (priority there, seats).
    let mut units_at: Vec<Vec<(Priority, u32)>> = vec![Vec::new(); scenario.schools.len()];
    for c in scenario.child_indices() {
        if scenario.child(c).sibling_group.is_some() {
            continue;
        }
        if let Some(s) = outcomes[c.ix()].public_school() {
            let p = ranks.priority(c, s).unwrap_or(WORST);
            units_at[s.ix()].push((p, 1));
        }
    }
    // Each group's choice placement, if together.
    let mut placed: BTreeMap<u32, Option<(crate::domain::SchoolIdx, u8)>> = BTreeMap::new();
    for (&g, members) in &groups {
        let choice = |c: &ChildIdx| match outcomes[c.ix()] {
            Outcome::Choice { school, rank } => Some((school, rank)),
            _ => None,
        };
        let first = choice(&members[0]);
        if members.iter().any(|c| choice(c) != first) {
            v.push(
                "joint-application",
                format!(
                    "the sibling group {} applied jointly but is not admitted by choice together",
                    names(members)
                ),
            );
        }
        placed.insert(g, first);
        for &c in members {
            if let Some(s) = outcomes[c.ix()].public_school() {
                if first.is_some() {
                    continue;
                }
                // Coordinated or split: each child is her own unit.
                let p = ranks.priority(c, s).unwrap_or(WORST);
                units_at[s.ix()].push((p, 1));
            }
        }
        if let Some((s, _)) = first {
            let p = members
                .iter()
                .map(|&c| ranks.priority(c, s).unwrap_or(WORST))
                .max()
                .expect("a group has members");
            let at_s = members
                .iter()
                .filter(|c| outcomes[c.ix()].public_school() == Some(s))
                .count() as u32;
            units_at[s.ix()].push((p, at_s));
        }
    }
    for (g, members) in &groups {
        let head = scenario.child(members[0]);
        // A rank beyond the list (from a hand-edited file) is reported by `once`.
        let better_than = match placed[g] {
            Some((_, rank)) => (rank as usize).saturating_sub(1),
            None => head.choices.len(),
        }
        .min(head.choices.len());
        for &s in &head.choices[..better_than] {
            let prios: Option<Vec<Priority>> =
                members.iter().map(|&c| ranks.priority(c, s)).collect();
            let Some(prios) = prios else {
                continue;
            };
            let mine = *prios.iter().max().expect("a group has members");
            let school = scenario.school(s);
            let spare = school.seats.saturating_sub(filled[s.ix()]);
            let lower: u32 = units_at[s.ix()]
                .iter()
                .filter(|(p, _)| *p > mine)
                .map(|(_, k)| k)
                .sum();
            if lower + spare >= members.len() as u32 {
                v.push(
                    "justified-envy",
                    format!(
                        "the sibling group {} was refused {}, which it ranked higher, while units of lower priority hold {lower} seats there and {spare} are free",
                        names(members),
                        school.id
                    ),
                );
            }
        }
    }
}
