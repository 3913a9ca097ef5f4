//! Gates and tiers held: a child is admitted only where the policy lets her in.
//!
//! Proves that a child placed by choice at a school passes the gates and holds a tier there
//! (the ranking gives her a priority at that school), and that a child given a coordinated
//! public place passes the gates. Checked on each outcome alone, against the checker's own
//! gates and tiers ([`super::priority`]).

use super::priority::Ranks;
use super::Violations;
use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::scenario::Scenario;

/// The child's public place, if any, is one the gates and tiers allow.
pub(super) fn held(
    scenario: &Scenario,
    ranks: &Ranks,
    c: ChildIdx,
    outcome: Outcome,
    v: &mut Violations,
) {
    let child = scenario.child(c);
    match outcome {
        Outcome::Choice { school, .. } => {
            if ranks.priority(c, school).is_none() {
                v.push(
                    "eligibility",
                    format!(
                        "child {} is admitted by choice to {} without a tier there or without passing the gates",
                        child.id,
                        scenario.school(school).id
                    ),
                );
            }
        }
        Outcome::Coordinated { .. } => {
            if !ranks.eligible(c) {
                v.push(
                    "eligibility",
                    format!(
                        "child {} failed the gates but has a coordinated public place",
                        child.id
                    ),
                );
            }
        }
        Outcome::Purchased { .. } | Outcome::Unplaced { .. } => {}
    }
}
