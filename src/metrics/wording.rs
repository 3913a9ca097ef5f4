//! An outcome in words: one function per wording the outputs use, so each text is written once.
//!
//! - `placements.csv`: [`placement_kind`], [`placement_reason`] (the `reason` code and the
//!   `note`), [`placement_tier`];
//! - `changes.csv` of an appeal and its command-line lines: [`outcome_brief`];
//! - explanations: [`outcome_sentence`];
//! - a child's tier in her own district (explanations, `statements.csv`): [`home_tier`];
//! - words a parent reads for the policy's codes (explanations): [`tier_words`],
//!   [`home_tier_words`], [`tie_key_words`], [`layer_words`], [`unplaced_words`].

use crate::assign::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, Coordination};
use crate::policy::{Layer, TieKey, Tier};
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// A priority tier in words, English then Chinese (`migrant` → `migrant child 随迁子女`).
pub fn tier_words(tier: Tier) -> &'static str {
    match tier {
        Tier::CatchmentHukou => {
            "local hukou and home in the school's district 本区户籍并在本区居住"
        }
        Tier::Sibling => "a brother or sister at the school 兄弟姐妹在该校就读",
        Tier::Hukou => "local hukou 本地户籍",
        Tier::Migrant => "migrant child 随迁子女",
        Tier::Defined(d) => &d.description,
    }
}

/// The tier a child holds in her own district in words (see [`home_tier`]).
pub fn home_tier_words(scenario: &Scenario, ranking: &Ranking, c: ChildIdx) -> &'static str {
    if !ranking.eligible(c) {
        return "none: did not pass the eligibility gates 无：未通过准入条件";
    }
    scenario
        .policy
        .tiers
        .get(ranking.home_tier[c.ix()] as usize)
        .map_or("none: no priority tier applies 无优先类别", |&t| {
            tier_words(t)
        })
}

/// A tie-break key in words, English then Chinese, with the order it ranks in.
pub fn tie_key_words(key: TieKey) -> &'static str {
    match key {
        TieKey::InsuranceMonths => {
            "months of social insurance (more first) 社保缴纳月数（多者优先）"
        }
        TieKey::ResidenceMonths => "months of residence (more first) 居住月数（多者优先）",
        TieKey::PermitMonths => {
            "months the residence permit has been held (more first) 居住证持有月数（多者优先）"
        }
        TieKey::BirthDate => "birth date (the older child first) 出生日期（年长者优先）",
        TieKey::Custom(k) => &k.words,
    }
}

/// A points layer in words, English then Chinese (`city` → `city 市级`).
pub fn layer_words(layer: Layer) -> &'static str {
    match layer {
        Layer::Provincial => "provincial 省级",
        Layer::City => "city 市级",
        Layer::District => "district 区级",
    }
}

/// Why a child could not be given a bought place, in words (as `placements.csv` notes it).
pub fn unplaced_words(reason: UnplacedReason) -> &'static str {
    match reason {
        UnplacedReason::NoPrivateInReach => {
            "no private school with purchasable places within reach"
        }
        UnplacedReason::PrivateSeatsFull => {
            "the purchasable places within reach were all taken by children of higher priority"
        }
        UnplacedReason::BudgetExhausted => {
            "the purchase budget left could not pay for a place within reach"
        }
    }
}

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
            let placed = match scenario.fallback.coordination {
                Coordination::CatchmentFirst => "coordinated to the nearest school of the catchment with a spare seat, else of the district",
                Coordination::Nearest => "coordinated to the nearest public school of the city with a spare seat",
                Coordination::District | Coordination::Off => "coordinated to the nearest public school of the district with a spare seat",
            };
            (code, format!("{why}; {placed}"))
        }
        Outcome::Purchased { .. } => {
            let (code, why) = not_at_a_choice(scenario, ranking, c);
            let public = match scenario.fallback.coordination {
                _ if !ranking.eligible(c) => "",
                Coordination::Off => "; the bureau coordinates no one",
                Coordination::Nearest => "; no public school had a spare seat within reach",
                Coordination::District | Coordination::CatchmentFirst => {
                    "; no public school of the district had a spare seat within reach"
                }
            };
            (
                code,
                format!("{why}{public}; bought a private place (highest priority first; then least total cost and distance)"),
            )
        }
        Outcome::Unplaced { reason } => {
            let (_, why) = not_at_a_choice(scenario, ranking, c);
            (
                reason.as_str(),
                format!("{why}; {}", unplaced_words(reason)),
            )
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

/// An outcome as an explanation states it, English then Chinese (the school is named beside
/// it).
pub fn outcome_sentence(outcome: Outcome) -> String {
    match outcome {
        Outcome::Choice { rank, .. } => format!("admitted to choice {rank} 第 {rank} 志愿录取"),
        Outcome::Coordinated { .. } => "coordinated placement 统筹安排 in the nearest public school of the district with a spare seat".into(),
        Outcome::Purchased { .. } => "a government-purchased private place 政府购买民办学位 (highest priority first; then least total cost and distance)".into(),
        Outcome::Unplaced { reason } => format!("no place 未安排学位: {}", unplaced_words(reason)),
    }
}
