//! An outcome in words: one function per wording the outputs use, so each text is written once.
//!
//! - `placements.csv`: [`placement_kind`], [`placement_reason`] (the `reason` code and the
//!   `note`), [`placement_tier`];
//! - `changes.csv` of an appeal and its command-line lines: [`outcome_brief`];
//! - explanations: [`outcome_sentence`];
//! - a child's tier in her own district (explanations, `statements.csv`): [`home_tier`].

use crate::assign::{Outcome, UnplacedReason};
use crate::domain::ChildIdx;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// Why a child is not at a listed school: a reason code and words.
fn not_at_a_choice(scenario: &Scenario, ranking: &Ranking, c: ChildIdx) -> (&'static str, String) {
    let child = scenario.child(c);
    if let Some(gate) = &ranking.gate_failure[c.ix()] {
        return (
            "ineligible",
            format!("did not pass the eligibility gates: {gate}"),
        );
    }
    if child.choices.is_empty() {
        return ("no_choices", "the family listed no school".into());
    }
    if child
        .choices
        .iter()
        .all(|&s| ranking.priority(scenario, c, s).is_none())
    {
        return (
            "no_tier_at_choices",
            "the policy's tiers admit the child at none of the listed schools".into(),
        );
    }
    (
        "choices_full",
        "every listed school was filled by children of higher priority".into(),
    )
}

/// The `kind` column of `placements.csv`: `public`, `purchased` or `unplaced`.
pub fn placement_kind(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Choice { .. } | Outcome::Coordinated { .. } => "public",
        Outcome::Purchased { .. } => "purchased",
        Outcome::Unplaced { .. } => "unplaced",
    }
}

/// The `reason` code and the `note` of `placements.csv` for child `c` placed as `outcome`.
pub fn placement_reason(
    scenario: &Scenario,
    ranking: &Ranking,
    c: ChildIdx,
    outcome: Outcome,
) -> (&'static str, String) {
    match outcome {
        Outcome::Choice { rank, .. } => {
            let reason = if rank == 1 { "first_choice" } else { "choice" };
            (reason, format!("admitted to choice {rank}"))
        }
        Outcome::Coordinated { .. } => {
            let (code, why) = not_at_a_choice(scenario, ranking, c);
            (
                code,
                format!("{why}; coordinated to the nearest public school of the district with a spare seat"),
            )
        }
        Outcome::Purchased { .. } => {
            let (code, why) = not_at_a_choice(scenario, ranking, c);
            let public = if ranking.eligible(c) {
                "; no public school of the district had a spare seat within reach"
            } else {
                ""
            };
            (
                code,
                format!("{why}{public}; bought a private place (highest priority first; then least total cost and distance)"),
            )
        }
        Outcome::Unplaced { reason } => {
            let (_, why) = not_at_a_choice(scenario, ranking, c);
            let bought = match reason {
                UnplacedReason::NoPrivateInReach => {
                    "no private school with purchasable places within reach"
                }
                UnplacedReason::PrivateSeatsFull => {
                    "the purchasable places within reach were all taken by children of higher priority"
                }
                UnplacedReason::BudgetExhausted => {
                    "the purchase budget left could not pay for a place within reach"
                }
            };
            (reason.as_str(), format!("{why}; {bought}"))
        }
    }
}

/// The tier a child holds in her own district (sibling links ignored): its name, `none`, or
/// `ineligible` when she failed the gates.
pub fn home_tier(scenario: &Scenario, ranking: &Ranking, c: ChildIdx) -> &'static str {
    if !ranking.eligible(c) {
        return "ineligible";
    }
    scenario
        .policy
        .tiers
        .get(ranking.home_tier[c.ix()] as usize)
        .map_or("none", |t| t.name())
}

/// The `tier` column of `placements.csv`: the tier the child held where she was placed by
/// choice, else her [`home_tier`].
pub fn placement_tier(
    scenario: &Scenario,
    ranking: &Ranking,
    c: ChildIdx,
    outcome: Outcome,
) -> &'static str {
    if let Outcome::Choice { school, .. } = outcome {
        if let Some((_, t)) = ranking.tier_at(scenario, c, school) {
            return t.name();
        }
    }
    home_tier(scenario, ranking, c)
}

/// An outcome in a few words (`public S1 (choice 2)`, `purchased P1`, `unplaced (reason)`), as
/// an appeal's `changes.csv` lists it.
pub fn outcome_brief(scenario: &Scenario, outcome: Outcome) -> String {
    match outcome {
        Outcome::Choice { school, rank } => {
            format!("public {} (choice {rank})", scenario.school(school).id)
        }
        Outcome::Coordinated { school } => {
            format!("public {} (coordinated)", scenario.school(school).id)
        }
        Outcome::Purchased { school } => {
            format!("purchased {}", scenario.private_school(school).id)
        }
        Outcome::Unplaced { reason } => format!("unplaced ({})", reason.as_str()),
    }
}

/// An outcome as an explanation states it (the school is named beside it).
pub fn outcome_sentence(outcome: Outcome) -> String {
    match outcome {
        Outcome::Choice { rank, .. } => format!("admitted by choice {rank}"),
        Outcome::Coordinated { .. } => "coordinated placement (统筹) in the nearest public school of the district with a spare seat".into(),
        Outcome::Purchased { .. } => "a government-purchased private place (highest priority first; then least total cost and distance)".into(),
        Outcome::Unplaced { reason } => format!("no place: {}", reason.as_str()),
    }
}
