//! Every child accounted for exactly once, and every choice placement well-formed.
//!
//! Proves that there is one outcome per child of the scenario (outcomes are indexed by child, so
//! one per index means each child exactly once; that a placements file names each child once is
//! checked where it is read, in [`crate::placements_file`]), and that a child placed by choice
//! at rank `r` listed that very school as her `r`-th choice (a rank beyond her list is reported
//! here, never used as an index). When the count is wrong, or an outcome names a school that
//! does not exist, no other rule runs, as outcomes cannot be matched to children and schools.

use super::Violations;
use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::scenario::Scenario;

/// Whether there is one outcome per child; records the violation when not.
pub(super) fn one_outcome_per_child(
    scenario: &Scenario,
    outcomes: &[Outcome],
    v: &mut Violations,
) -> bool {
    if outcomes.len() == scenario.children.len() {
        return true;
    }
    v.push(
        "every-child-once",
        format!(
            "{} outcomes for {} children",
            outcomes.len(),
            scenario.children.len()
        ),
    );
    false
}

/// Whether every school an outcome names exists and every choice rank is at least 1; records
/// each one that is not. Outcomes built in code (not read from a file) may hold any index, and
/// no later rule may index out of range.
pub(super) fn indices_in_range(
    scenario: &Scenario,
    outcomes: &[Outcome],
    v: &mut Violations,
) -> bool {
    let mut ok = true;
    for (c, &outcome) in scenario.child_indices().zip(outcomes) {
        let id = &scenario.child(c).id;
        let bad = match outcome {
            Outcome::Choice { school, rank } => {
                if rank == 0 {
                    Some(format!("child {id} is placed by choice at rank 0 (ranks start at 1)"))
                } else if school.ix() >= scenario.schools.len() {
                    Some(format!("child {id} is placed at public school number {}, which does not exist", school.ix()))
                } else {
                    None
                }
            }
            Outcome::Coordinated { school } if school.ix() >= scenario.schools.len() => Some(
                format!("child {id} is coordinated to public school number {}, which does not exist", school.ix()),
            ),
            Outcome::Purchased { school } if school.ix() >= scenario.private_schools.len() => Some(
                format!("child {id} is bought a place at private school number {}, which does not exist", school.ix()),
            ),
            _ => None,
        };
        if let Some(message) = bad {
            v.push("every-child-once", message);
            ok = false;
        }
    }
    ok
}

/// A choice placement names the child's choice at its rank.
pub(super) fn choice_rank(scenario: &Scenario, c: ChildIdx, outcome: Outcome, v: &mut Violations) {
    let Outcome::Choice { school, rank } = outcome else {
        return;
    };
    let child = scenario.child(c);
    if child.choices.get((rank as usize).wrapping_sub(1)) != Some(&school) {
        v.push(
            "choice-rank",
            format!(
                "child {} is placed at {} as choice {rank}, which is not her choice {rank}",
                child.id,
                scenario.school(school).id
            ),
        );
    }
}
