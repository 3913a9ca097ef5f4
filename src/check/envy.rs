//! No justified envy in the choice stage, for children applying alone.
//!
//! Proves that a child is never refused a school she listed above the one she was admitted to
//! (or any school she listed, if she was not admitted by choice) while she holds a tier there
//! and the school has a free seat, or holds a child of strictly lower priority — by seat
//! category where seats are reserved ([`super::reserved`]). Checked school by listed school
//! against the final [`Tally`]: a free seat or a worse occupant is exactly what a stable
//! matching cannot have. Children of sibling groups are checked as units in
//! [`super::siblings`].

use super::priority::Ranks;
use super::reserved::Quotas;
use super::tally::Tally;
use super::Violations;
use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::scenario::Scenario;

/// Child `c` envies no school she ranked higher with justification.
pub(super) fn single(
    scenario: &Scenario,
    ranks: &Ranks,
    c: ChildIdx,
    outcome: Outcome,
    tally: &Tally,
    quotas: &Quotas,
    v: &mut Violations,
) {
    let child = scenario.child(c);
    let better_than = match outcome {
        _ if child.sibling_group.is_some() => 0,
        // A rank beyond her list (from a hand-edited file) is reported by `once`.
        Outcome::Choice { rank, .. } => (rank as usize).saturating_sub(1),
        _ => child.choices.len(),
    }
    .min(child.choices.len());
    for &s in &child.choices[..better_than] {
        let Some(mine) = ranks.priority(c, s) else {
            continue;
        };
        let school = scenario.school(s);
        let worst = tally.worst_occupant[s.ix()];
        let why = if tally.filled[s.ix()] < school.seats {
            Some("while it has a free seat")
        } else if let Some(q) = quotas.at(s) {
            q.refusal(child.is_migrant(), school.reserved_migrant, worst, mine)
        } else if worst.is_some_and(|w| w > mine) {
            Some("while it holds a child of lower priority")
        } else {
            None
        };
        if let Some(why) = why {
            v.push(
                "justified-envy",
                format!(
                    "child {} was refused {}, which she ranked higher, {why}",
                    child.id, school.id
                ),
            );
        }
    }
}
