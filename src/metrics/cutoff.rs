//! A school's cut-off: the lowest-priority child it admitted by choice.
//!
//! `schools.csv`, the report, the sweep's `cutoffs.csv` and the explanations all show this one
//! figure. Among children admitted by choice to a school, the cut-off holder is the one with the
//! worst [`Priority`] there; when several share that priority, the holder is the one that comes
//! last in the strict fallback order ([`Ranking::fallback_position`]).
//!
//! Which of the tied children is named changes only who the holder is, never the cut-off's tier
//! or points: equal priority at a school means the same tier there and the same class in the
//! master list of the school's district, and children share a class only when they have the same
//! points at that district's schools (and the same tie-break values). The tables show the tier
//! and points; only the explanations name the holder (by pseudonym).

use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::policy::MilliPoints;
use crate::ranking::{Priority, Ranking};
use crate::scenario::Scenario;

/// The cut-off of one public school: the lowest-priority child it admitted by choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    /// The child holding the last seat given by choice.
    pub holder: ChildIdx,
    /// Her priority at the school.
    pub priority: Priority,
    /// The name of her tier at the school.
    pub tier: &'static str,
    /// Her points at the school (at schools of its district).
    pub points: MilliPoints,
}

/// The cut-off of every public school, indexed by [`crate::domain::SchoolIdx`]; `None` where the
/// school admitted nobody by choice.
pub fn cutoffs(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
) -> Vec<Option<Cutoff>> {
    let mut last: Vec<Option<(Priority, ChildIdx)>> = vec![None; scenario.schools.len()];
    for c in scenario.child_indices() {
        let Outcome::Choice { school, .. } = outcomes[c.ix()] else {
            continue;
        };
        let Some(p) = ranking.priority(scenario, c, school) else {
            continue;
        };
        let position = |d: ChildIdx| ranking.fallback_position[d.ix()];
        let slot = &mut last[school.ix()];
        if slot.is_none_or(|(q, d)| (p, position(c)) > (q, position(d))) {
            *slot = Some((p, c));
        }
    }
    scenario
        .school_indices()
        .map(|s| {
            last[s.ix()].map(|(priority, holder)| Cutoff {
                holder,
                priority,
                tier: ranking.school_tiers[s.ix()][priority.tier as usize].name(),
                points: ranking.points_at(scenario, holder, scenario.school(s).district),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assign::{Mechanism, SolverOptions};

    /// The tier and points of a cut-off do not depend on which of the tied children is named:
    /// naming the first of them in child order (as `schools.csv` once did) gives the same.
    #[test]
    fn tied_holders_share_tier_and_points() {
        for name in [
            "coordinated",
            "keep-ties",
            "planning",
            "purchase",
            "reserved",
            "siblings",
            "siblings-repair",
            "two-schools",
        ] {
            let path = format!("scenarios/tiny/{name}/scenario.toml");
            let loaded = crate::input::load(path.as_ref()).unwrap();
            let sc = &loaded.scenario;
            let solved = crate::solve(sc, Mechanism::Optimal, &SolverOptions::default()).unwrap();
            let (ranking, outcomes) = (&solved.ranking, &solved.assignment.outcomes);
            let mut first: Vec<Option<(Priority, ChildIdx)>> = vec![None; sc.schools.len()];
            for c in sc.child_indices() {
                if let Outcome::Choice { school, .. } = outcomes[c.ix()] {
                    if let Some(p) = ranking.priority(sc, c, school) {
                        let slot = &mut first[school.ix()];
                        if slot.is_none_or(|(q, _)| p > q) {
                            *slot = Some((p, c));
                        }
                    }
                }
            }
            for (s, cut) in sc.school_indices().zip(cutoffs(sc, ranking, outcomes)) {
                let theirs = first[s.ix()]
                    .map(|(p, c)| (p, ranking.points_at(sc, c, sc.school(s).district)));
                assert_eq!(
                    theirs,
                    cut.map(|c| (c.priority, c.points)),
                    "{name}: school {s:?}"
                );
            }
        }
    }
}
