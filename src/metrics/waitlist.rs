//! Waitlists (候补名单): for every public school, the children who ranked it above the place they
//! hold, in the order a freed seat would go to them.
//!
//! A child is on the waitlist of a school she listed when she holds a priority tier there and is
//! not admitted to it or to a school she ranked higher: placed by choice lower on her list,
//! coordinated, bought a private place, or unplaced. The list is in priority order at that school
//! (tier, then the points class) with the strict city-wide fallback order deciding children the
//! policy keeps tied, so position 1 is the child a freed seat goes to first. New York publishes
//! exactly this: each child's position on the waitlist of every school she ranked above her
//! placement. The same definition serves the first round and every later round (`seatplan
//! round`, where the place a child holds is her floor), and [`Movement`] says, after a later
//! round, whether and why a child moved.

use rayon::prelude::*;
use serde::Serialize;

use crate::assign::Outcome;
use crate::domain::{ChildIdx, SchoolIdx};
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// One child's place on one school's waitlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitlistEntry {
    /// The school.
    pub school: SchoolIdx,
    /// The child.
    pub child: ChildIdx,
    /// 1-based position (1 = the next freed seat is hers).
    pub position: u32,
    /// The school's position in the child's own list, 1-based.
    pub rank: u8,
}

/// Every public school's waitlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waitlists {
    /// Per school (by [`SchoolIdx`]), the waiting children best first.
    pub by_school: Vec<Vec<ChildIdx>>,
    /// Per child (by [`ChildIdx`]), her entries in the order of her list.
    pub by_child: Vec<Vec<WaitlistEntry>>,
}

impl Waitlists {
    /// The waitlists of a placement: `outcomes` holds one outcome per child of `scenario`.
    pub fn compute(scenario: &Scenario, ranking: &Ranking, outcomes: &[Outcome]) -> Waitlists {
        let ordered = Waitlists::ordered(scenario, ranking, outcomes);
        let mut by_child: Vec<Vec<WaitlistEntry>> = vec![Vec::new(); scenario.children.len()];
        let by_school = ordered
            .into_iter()
            .enumerate()
            .map(|(s, list)| {
                list.iter()
                    .enumerate()
                    .map(|(i, &(c, rank))| {
                        by_child[c.ix()].push(WaitlistEntry {
                            school: SchoolIdx(s as u32),
                            child: c,
                            position: i as u32 + 1,
                            rank,
                        });
                        c
                    })
                    .collect()
            })
            .collect();
        for entries in &mut by_child {
            entries.sort_unstable_by_key(|e| e.rank);
        }
        Waitlists {
            by_school,
            by_child,
        }
    }

    /// Per school (by [`SchoolIdx`]), its waiting children best first, each with the school's
    /// position in her list (1-based): the lists of [`Waitlists::compute`] without the entries
    /// by child, which `waitlists.csv` does not need (a province's 876,000 entries in a million
    /// small lists). The schools' lists are sorted side by side on rayon's pool; the order is
    /// total (the fallback position decides every tie), so the lists are the same on any
    /// number of threads.
    pub fn ordered(
        scenario: &Scenario,
        ranking: &Ranking,
        outcomes: &[Outcome],
    ) -> Vec<Vec<(ChildIdx, u8)>> {
        let mut waiting: Vec<Vec<(crate::ranking::Priority, u32, ChildIdx, u8)>> =
            vec![Vec::new(); scenario.schools.len()];
        for c in scenario.child_indices() {
            let above = match outcomes[c.ix()] {
                Outcome::Choice { rank, .. } => rank as usize - 1,
                _ => scenario.child(c).choices.len(),
            };
            for (i, &s) in scenario.child(c).choices[..above].iter().enumerate() {
                if let Some(p) = ranking.priority(scenario, c, s) {
                    waiting[s.ix()].push((p, ranking.fallback_position[c.ix()], c, i as u8 + 1));
                }
            }
        }
        waiting
            .into_par_iter()
            .map(|mut list| {
                list.sort_unstable();
                list.into_iter().map(|(_, _, c, rank)| (c, rank)).collect()
            })
            .collect()
    }

    /// The child's position on the school's waitlist, if she is on it.
    pub fn position(&self, c: ChildIdx, s: SchoolIdx) -> Option<u32> {
        self.by_child[c.ix()]
            .iter()
            .find(|e| e.school == s)
            .map(|e| e.position)
    }
}

/// One waitlist position as an explanation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitlistLine {
    /// The school's id.
    pub school: String,
    /// The school's name, as the family knows it.
    pub school_name: String,
    /// The school's position in the child's list, 1-based.
    pub rank: u8,
    /// Her position on its waitlist, 1-based.
    pub position: u32,
    /// Children on that waitlist.
    pub of: u32,
}

/// What a later round did for one child, as an explanation tells it: where she was before,
/// whether she moved, and why (or why not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// The round's number (1 for the first round after the initial run).
    pub round: u32,
    /// Her placement before the round, in words (`none` for a late applicant).
    pub before: String,
    /// Whether her placement changed.
    pub moved: bool,
    /// Why she moved, or why she did not, in words.
    pub why: String,
}

/// One child's waitlist positions, in the order of her list, as an explanation shows them,
/// without computing every waitlist: one pass over
/// the children who wait for the schools she waits for.
pub fn child_lines(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
    c: ChildIdx,
) -> Vec<WaitlistLine> {
    let above = |d: ChildIdx| match outcomes[d.ix()] {
        Outcome::Choice { rank, .. } => rank as usize - 1,
        _ => scenario.child(d).choices.len(),
    };
    let me = scenario.child(c);
    let mine: Vec<(usize, SchoolIdx, (crate::ranking::Priority, u32))> = me.choices[..above(c)]
        .iter()
        .enumerate()
        .filter_map(|(i, &s)| {
            ranking
                .priority(scenario, c, s)
                .map(|p| (i, s, (p, ranking.fallback_position[c.ix()])))
        })
        .collect();
    if mine.is_empty() {
        return Vec::new();
    }
    let mut ahead = vec![0u32; mine.len()];
    let mut of = vec![0u32; mine.len()];
    for d in scenario.child_indices() {
        for &s in &scenario.child(d).choices[..above(d)] {
            if let Some(j) = mine.iter().position(|m| m.1 == s) {
                if let Some(p) = ranking.priority(scenario, d, s) {
                    of[j] += 1;
                    if (p, ranking.fallback_position[d.ix()]) < mine[j].2 {
                        ahead[j] += 1;
                    }
                }
            }
        }
    }
    mine.iter()
        .enumerate()
        .map(|(j, &(i, s, _))| WaitlistLine {
            school: scenario.school(s).id.clone(),
            school_name: scenario.school(s).name.clone(),
            rank: i as u8 + 1,
            position: ahead[j] + 1,
            of: of[j],
        })
        .collect()
}
