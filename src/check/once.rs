//! Every child accounted for exactly once, and every choice placement well-formed.
//!
//! Proves that there is one outcome per child of the scenario (outcomes are indexed by child, so
//! one per index means each child exactly once; that a placements file names each child once is
//! checked where it is read, in [`crate::placements_file`]), and that a child placed by choice
//! at rank `r` listed that very school as her `r`-th choice. When the count is wrong no other
//! rule runs, as outcomes cannot be matched to children.

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

/// A choice placement names the child's choice at its rank.
pub(super) fn choice_rank(scenario: &Scenario, c: ChildIdx, outcome: Outcome, v: &mut Violations) {
    let Outcome::Choice { school, rank } = outcome else {
        return;
    };
    let child = scenario.child(c);
    if child.choices.get(rank as usize - 1) != Some(&school) {
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
