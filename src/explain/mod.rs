//! Why a child got what she got: the explanation as data, built from the scenario, the ranking
//! and the final placement only (rendering is in [`render`]).
//!
//! For each school the family listed it names the real cut-off — the lowest-priority child
//! admitted there by choice, shown only by pseudonym, tier and points — and the reason the child
//! did not pass it (gates, tier, points, the tie-break key that decided, the lottery), with the
//! points she would have needed. It also lists unlisted public schools of her district that
//! would have admitted her. Another family's facts never appear: tie-breaks are named by key
//! with the child's own value only.

pub mod letters;
pub mod render;
pub(crate) mod words;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::assign::Outcome;
use crate::domain::{ChildIdx, SchoolIdx};
use crate::lang::Lang;
use crate::metrics::wording::{home_tier, home_tier_words};
use crate::metrics::{rank, Rank, SchoolTallies};
use crate::policy::{format_points, MilliPoints, TieRule};
use crate::ranking::{Priority, Ranking};
use crate::scenario::Scenario;

/// A stable pseudonym for a child id: a keyed SHA-256, so it cannot be reversed without the key.
pub fn pseudonym(scenario: &Scenario, child_id: &str) -> String {
    let key = scenario
        .pseudonym_key
        .clone()
        .unwrap_or_else(|| format!("seatplan-default-{}", scenario.seed));
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update([0u8]);
    h.update(child_id.as_bytes());
    let digest = h.finalize();
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("P-{hex}")
}

/// One line of the child's points statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointsLine {
    /// The layer's code as written in the policy file (`provincial`, `city`, `district`).
    pub layer: String,
    /// The layer in words, in the explanation's language (`city 市级`).
    pub layer_words: String,
    pub item: String,
    pub value: String,
    pub points: String,
    pub note: String,
}

/// The lowest-priority child admitted to a school by choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cutoff {
    pub holder: String,
    /// The holder's tier at the school, as written in the policy file.
    pub tier: String,
    /// The same tier in words, in the explanation's language.
    pub tier_words: String,
    pub points: String,
}

/// Why the child is or is not at one listed school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Admitted here by choice.
    Admitted,
    /// Admitted to a school listed higher, so this one was not needed.
    HigherChoiceAdmitted,
    /// Failed the eligibility gates.
    Ineligible {
        /// The gates she failed, in words.
        reason: String,
    },
    /// The policy gives the child no tier at this school.
    NoTier,
    /// The school admitted nobody by choice: it has no seats at this grade.
    NoSeats,
    /// The school filled with children of a better tier.
    HigherTier {
        /// Name of the tier the cut-off holder held at the school.
        cutoff_tier: String,
    },
    /// Same tier, fewer points.
    FewerPoints {
        /// Points she lacked to equal the cut-off holder's, as a decimal (e.g. `1.5`): with
        /// more she would rank above that child at the school, though the school could then go
        /// to another child whose place moved too (her gain never costs her a better choice).
        needed: String,
    },
    /// Same tier and points; the named tie-break key decided.
    TieBreak {
        /// The tie-break key's name as written in the policy file (e.g. `insurance_months`).
        key: String,
        /// The key in words, in the explanation's language, with the order it ranks in.
        key_words: String,
        /// The child's own value of that key (the other child's is never shown).
        your_value: String,
    },
    /// Same on every key; the seeded lottery decided.
    Lottery,
    /// Ties kept: equal to the last admitted, and seats went to tied children so that the most
    /// children could be placed.
    TiedKept,
    /// A child of lower priority holds the seat: the placement breaks the rules (the independent
    /// check reports it), so no reason can be given.
    Unexplained,
    /// The seats children of lower priority hold are reserved for migrant children, and this
    /// child is not one (the open seats went to children of higher priority).
    ReservedSeats {
        /// Seats of the school reserved for migrant children.
        reserved: u32,
    },
    /// The child applied jointly with her siblings: the group competes with the priority of its
    /// lowest member and needs `children` seats together.
    JointApplication {
        /// Children in her sibling group, herself included.
        children: u32,
    },
}

/// One listed school, as the child saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceLine {
    pub rank: usize,
    pub school: String,
    pub name: String,
    pub district: String,
    /// Her tier at this school as written in the policy file; `None` if she holds none there.
    pub your_tier: Option<String>,
    /// The same tier in words, in the explanation's language.
    pub your_tier_words: Option<String>,
    pub your_points: String,
    pub seats: u32,
    pub admitted_by_choice: u32,
    pub cutoff: Option<Cutoff>,
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The verdict in words, in the explanation's language, as the text form prints it.
    pub verdict_text: String,
}

/// An unlisted school that would have admitted the child.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub school: String,
    pub name: String,
    pub distance_km: String,
    pub why: String,
}

/// Everything said about one child.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The child's id.
    pub child: String,
    /// Id of her district of residence.
    pub district: String,
    /// Name of her district of residence.
    pub district_name: String,
    /// Whether she passed the policy's eligibility gates.
    pub eligible: bool,
    /// The gates she failed, in words; `None` when eligible.
    pub gate_failure: Option<String>,
    /// Her points at schools of her own district, in points as a decimal (e.g. `12.5`).
    pub points: String,
    /// The tier she holds in her own district: its name as written in the policy file, `none`,
    /// or `ineligible`.
    pub tier: String,
    /// The same tier in words, in the explanation's language.
    pub tier_words: String,
    /// Her rank (`metrics::rank`): the same number `statements.csv` gives.
    pub rank: Rank,
    /// Her points statement: any layer caps applied, then each indicator that counted for her.
    pub statement: Vec<PointsLine>,
    /// Her outcome, in a sentence.
    pub outcome: String,
    /// Id of the public or private school she ended in; `None` when unplaced.
    pub outcome_school: Option<String>,
    /// Name of that school; `None` when unplaced.
    pub outcome_school_name: Option<String>,
    /// Why she has no place, as the `reason` code of `placements.csv` (e.g. `budget_exhausted`);
    /// `None` when placed.
    pub unplaced_reason: Option<String>,
    /// Her admitted choice's position in her list, 1-based; `None` unless placed by choice.
    pub outcome_rank: Option<u8>,
    /// One line per school she listed, in her order.
    pub choices: Vec<ChoiceLine>,
    /// Up to five unlisted public schools of her district that would have admitted her, nearest
    /// first; empty when she got her first choice or is ineligible.
    pub suggestions: Vec<Suggestion>,
    /// Her position on the waitlist of every school she ranked above her placement.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waitlists: Vec<crate::metrics::waitlist::WaitlistLine>,
    /// After a later round: whether and why she moved (set by `crate::rounds`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<crate::metrics::waitlist::Movement>,
    /// The language of its words, and of its renderings' labels.
    #[serde(skip)]
    pub lang: Lang,
}

fn tier_at(ranking: &Ranking, s: SchoolIdx, p: Priority) -> crate::policy::Tier {
    ranking.school_tiers[s.ix()][p.tier as usize]
}

/// Explains the placement of one child, in both languages side by side ([`explain_in`] with
/// [`Lang::Both`]). `tallies` are the run's school tallies ([`SchoolTallies::compute`] of the
/// same outcomes), computed once for any number of children.
pub fn explain(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
    tallies: &SchoolTallies,
    c: ChildIdx,
) -> Explanation {
    explain_in(scenario, ranking, outcomes, tallies, c, Lang::Both)
}

/// Explains the placement of one child in `lang`: English, Chinese, or both side by side (each
/// English label followed by its Chinese, as explanations have always read). The facts, the
/// codes and the rank are the same in every language; only the words differ (a gate's reason
/// and the words a policy file gives its own tiers and keys stay as written).
pub fn explain_in(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
    tallies: &SchoolTallies,
    c: ChildIdx,
    lang: Lang,
) -> Explanation {
    let child = scenario.child(c);
    let policy = &scenario.policy;
    let st = policy.statement(child, child.residence_district);
    let mut statement = Vec::new();
    for (i, layer) in crate::policy::Layer::ALL.iter().enumerate() {
        if st.layers_raw[i] > st.layers[i] {
            statement.push(PointsLine {
                layer: layer.name().into(),
                layer_words: words::layer(lang, *layer),
                item: words::text(lang, "layer total 层级合计"),
                value: format_points(st.layers_raw[i]),
                points: format_points(st.layers[i]),
                note: words::text(lang, "layer cap 层级封顶"),
            });
        }
    }
    for (ind, item) in policy.indicators.iter().zip(&st.items) {
        if let Some(item) = item {
            statement.push(PointsLine {
                layer: ind.layer().name().into(),
                layer_words: words::layer(lang, ind.layer()),
                item: ind.name.clone(),
                value: item.value.clone(),
                points: format_points(item.points),
                note: match ind.cap {
                    Some(cap) if item.raw > cap => {
                        let cap = format_points(cap);
                        match lang {
                            Lang::En => format!("capped at {cap}"),
                            Lang::Zh => format!("封顶 {cap} 分"),
                            Lang::Both => format!("capped at {cap} 封顶"),
                        }
                    }
                    _ => String::new(),
                },
            });
        }
    }
    let outcome = outcomes[c.ix()];
    let placed_rank = match outcome {
        Outcome::Choice { rank, .. } => rank as usize,
        _ => usize::MAX,
    };
    let mut choices = Vec::new();
    for (i, &s) in child.choices.iter().enumerate() {
        let school = scenario.school(s);
        let mine = ranking.priority(scenario, c, s);
        let my_points = ranking.points_at(scenario, c, school.district);
        let tally = &tallies.public[s.ix()];
        let cutoff = tally.cutoff.map(|cut| Cutoff {
            holder: pseudonym(scenario, &scenario.child(cut.holder).id),
            tier: cut.tier.to_string(),
            tier_words: words::tier(lang, tier_at(ranking, s, cut.priority)),
            points: format_points(cut.points),
        });
        let verdict = if i + 1 == placed_rank {
            Verdict::Admitted
        } else if i + 1 > placed_rank {
            Verdict::HigherChoiceAdmitted
        } else if let Some(reason) = &ranking.gate_failure[c.ix()] {
            Verdict::Ineligible {
                reason: reason.clone(),
            }
        } else if let Some(mine) = mine {
            refusal(scenario, tallies, c, s, mine, my_points, lang)
        } else {
            Verdict::NoTier
        };
        let mut line = ChoiceLine {
            rank: i + 1,
            school: school.id.clone(),
            name: school.name.clone(),
            district: scenario.districts[school.district.ix()].id.clone(),
            your_tier: mine.map(|p| tier_at(ranking, s, p).name().to_string()),
            your_tier_words: mine.map(|p| words::tier(lang, tier_at(ranking, s, p))),
            your_points: format_points(my_points),
            seats: tally.seats,
            admitted_by_choice: tally.by_choice,
            cutoff,
            verdict,
            verdict_text: String::new(),
        };
        line.verdict_text = render::verdict_text_in(&line, lang);
        choices.push(line);
    }
    let (outcome_school, outcome_school_name) = match outcome {
        Outcome::Choice { school, .. } | Outcome::Coordinated { school } => {
            let s = scenario.school(school);
            (Some(s.id.clone()), Some(s.name.clone()))
        }
        Outcome::Purchased { school } => {
            let p = scenario.private_school(school);
            (Some(p.id.clone()), Some(p.name.clone()))
        }
        Outcome::Unplaced { .. } => (None, None),
    };
    let suggestions = if placed_rank == 1 || !ranking.eligible(c) {
        Vec::new()
    } else {
        suggestions(scenario, ranking, tallies, c, lang)
    };
    let home_defined = ranking.eligible(c)
        && matches!(
            scenario
                .policy
                .tiers
                .get(ranking.home_tier[c.ix()] as usize),
            Some(crate::policy::Tier::Defined(_))
        );
    Explanation {
        child: child.id.clone(),
        district: scenario.districts[child.residence_district.ix()].id.clone(),
        district_name: scenario.districts[child.residence_district.ix()]
            .name
            .clone(),
        eligible: ranking.eligible(c),
        gate_failure: ranking.gate_failure[c.ix()].clone(),
        points: format_points(ranking.points[c.ix()]),
        tier: home_tier(scenario, ranking, c).to_string(),
        tier_words: words::home_tier(lang, home_tier_words(scenario, ranking, c), home_defined),
        rank: rank(scenario, ranking, c),
        statement,
        outcome: words::outcome(lang, outcome),
        outcome_school,
        outcome_school_name,
        unplaced_reason: match outcome {
            Outcome::Unplaced { reason } => Some(reason.as_str().to_string()),
            _ => None,
        },
        outcome_rank: match outcome {
            Outcome::Choice { rank, .. } => Some(rank),
            _ => None,
        },
        choices,
        suggestions,
        waitlists: crate::metrics::waitlist::child_lines(scenario, ranking, outcomes, c),
        round: None,
        lang,
    }
}

/// Why an eligible child holding a tier was refused a school she ranked above her placement.
fn refusal(
    scenario: &Scenario,
    tallies: &SchoolTallies,
    c: ChildIdx,
    s: SchoolIdx,
    mine: Priority,
    my_points: MilliPoints,
    lang: Lang,
) -> Verdict {
    let school = scenario.school(s);
    let Some(cutoff) = tallies.public[s.ix()].cutoff else {
        return Verdict::NoSeats;
    };
    let (cut, holder) = (cutoff.priority, cutoff.holder);
    if cut.tier < mine.tier {
        return Verdict::HigherTier {
            cutoff_tier: cutoff.tier.to_string(),
        };
    }
    let theirs = cutoff.points;
    if theirs > my_points {
        return Verdict::FewerPoints {
            needed: format_points(theirs - my_points),
        };
    }
    if theirs < my_points || cut.tier > mine.tier {
        // A lower-priority child holds the seat: allowed only by a joint application or by seats
        // reserved for a group the child is not in; otherwise the placement fails the check.
        let me = scenario.child(c);
        if let Some(g) = me.sibling_group {
            let children = scenario
                .children
                .iter()
                .filter(|x| x.sibling_group == Some(g))
                .count() as u32;
            return Verdict::JointApplication { children };
        }
        if school.reserved_migrant > 0 && !me.is_migrant() {
            return Verdict::ReservedSeats {
                reserved: school.reserved_migrant,
            };
        }
        return Verdict::Unexplained;
    }
    let (me, them) = (scenario.child(c), scenario.child(holder));
    if let Some(key) = scenario
        .policy
        .tie_keys
        .iter()
        .find(|k| k.sort_value(me) != k.sort_value(them))
    {
        return Verdict::TieBreak {
            key: key.name().into(),
            key_words: words::tie_key(lang, *key),
            your_value: key.display_value(me),
        };
    }
    match scenario.policy.tie_rule {
        TieRule::Lottery => Verdict::Lottery,
        TieRule::KeepTies | TieRule::AdmitAllTied => Verdict::TiedKept,
    }
}

/// Unlisted public schools of the child's district that would have admitted her: a spare seat
/// at the end, or a cut-off she beats. The five nearest. Where the cut-off is not the whole
/// story — seats reserved for migrant children she is not one of, or a joint application with
/// siblings — only schools with seats left for her (and her siblings) are suggested.
fn suggestions(
    scenario: &Scenario,
    ranking: &Ranking,
    tallies: &SchoolTallies,
    c: ChildIdx,
    lang: Lang,
) -> Vec<Suggestion> {
    let child = scenario.child(c);
    let mut found: Vec<(f64, SchoolIdx, String)> = Vec::new();
    for s in scenario.school_indices() {
        let school = scenario.school(s);
        if school.district != child.residence_district || child.choices.contains(&s) {
            continue;
        }
        let Some(mine) = ranking.priority(scenario, c, s) else {
            continue;
        };
        let tally = &tallies.public[s.ix()];
        let filled = tally.by_choice;
        let siblings = match child.sibling_group {
            Some(g) => scenario
                .children
                .iter()
                .filter(|x| x.sibling_group == Some(g))
                .count() as u32,
            None => 1,
        };
        let cutoff_tells = siblings == 1 && (school.reserved_migrant == 0 || child.is_migrant());
        let why = if filled + siblings <= tally.seats {
            words::text(
                lang,
                "it had seats left after every listed choice was served 志愿录取后仍有空余学位",
            )
        } else {
            match tally.cutoff {
                Some(cut) if mine < cut.priority && cutoff_tells => words::text(
                    lang,
                    "the child's priority is above its last admitted child's 优先顺序高于该校最后录取者",
                ),
                _ => continue,
            }
        };
        found.push((child.location.distance_km(school.location), s, why));
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    found
        .into_iter()
        .take(5)
        .map(|(d, s, why)| Suggestion {
            school: scenario.school(s).id.clone(),
            name: scenario.school(s).name.clone(),
            distance_km: format!("{d:.1}"),
            why,
        })
        .collect()
}
