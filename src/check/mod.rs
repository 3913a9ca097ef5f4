//! The independent checker: verifies a placement without the code that produced it.
//!
//! It reads only the scenario, the ranking (points, tiers, classes, fallback order) and one
//! outcome per child, and checks every rule directly on the final state — it never runs deferred
//! acceptance, the integer program or the fallback stages:
//!
//! - every child accounted for exactly once ([`read_placements`] checks the CSV for that);
//! - capacities of public schools and purchasable places; the budget;
//! - choice placements are to listed schools at the stated rank, for eligible children holding
//!   a tier there; coordinated places are in the child's district within the distance limit;
//!   bought places are within reach;
//! - **no justified envy** at a listed school: a child is never refused a school she ranked
//!   higher while it has a free seat or holds a child of strictly lower priority there;
//! - **no passing over** in coordinated placement: a child never lacks a nearer coordinated seat
//!   that was free or went to a child after her in the fallback order;
//! - **joint applications** ([`siblings`]): a sibling group is admitted by choice together or
//!   not at all, and is never refused a school where lower-priority units and free seats would
//!   fit it;
//! - **bought places** ([`purchase`]): the children bought a place are the best set by priority
//!   that the seats in reach and the budget can take, at the least cost and then distance, and
//!   each unplaced child's reason is the true one. What is proven exactly, and what only by
//!   necessary conditions on very large pools, is said there.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::assign::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, PrivateIdx, SchoolIdx};
use crate::error::{InputError, InputErrors};
use crate::policy::ranking::{Priority, Ranking};
use crate::policy::TieRule;
use crate::scenario::Scenario;

mod purchase;
mod siblings;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule, e.g. `capacity`, `justified-envy`.
    pub rule: &'static str,
    pub message: String,
}

/// The checker's verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub children: usize,
    pub violations: Vec<Violation>,
    /// What the checker did not prove exactly (kept short; empty when everything was proven).
    pub notes: Vec<String>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }
}

fn within(limit: Option<f64>, d: f64) -> bool {
    limit.is_none_or(|max| d <= max)
}

/// Verifies one outcome per child against every rule.
pub fn check(scenario: &Scenario, ranking: &Ranking, outcomes: &[Outcome]) -> CheckReport {
    let mut v = Vec::new();
    let mut fail = |rule: &'static str, message: String| v.push(Violation { rule, message });
    if outcomes.len() != scenario.children.len() {
        fail(
            "every-child-once",
            format!(
                "{} outcomes for {} children",
                outcomes.len(),
                scenario.children.len()
            ),
        );
        return CheckReport {
            children: scenario.children.len(),
            violations: v,
            notes: Vec::new(),
        };
    }
    let worst = Priority {
        tier: u8::MAX,
        class: u32::MAX,
    };
    let n_s = scenario.schools.len();
    let mut filled = vec![0u32; n_s];
    let mut worst_occupant: Vec<Option<Priority>> = vec![None; n_s];
    let mut last_coordinated = vec![None::<u32>; n_s];
    let mut coordinated_at: Vec<Vec<u32>> = vec![Vec::new(); n_s];
    let mut bought = vec![0u32; scenario.private_schools.len()];
    let mut spent = 0u64;
    // Sibling groups coordinated as one (every member eligible, none placed by choice) take
    // their turn at their last member's position.
    let joint = joint_groups(scenario, ranking, outcomes);
    let turn = |c: ChildIdx| {
        scenario
            .child(c)
            .sibling_group
            .and_then(|g| joint.get(&g))
            .map_or(ranking.fallback_position[c.ix()], |m| {
                m.iter()
                    .map(|x| ranking.fallback_position[x.ix()])
                    .max()
                    .expect("a group has members")
            })
    };

    for c in scenario.child_indices() {
        let child = scenario.child(c);
        let pos = turn(c);
        match outcomes[c.ix()] {
            Outcome::Choice { school, rank } => {
                if child.choices.get(rank as usize - 1) != Some(&school) {
                    fail(
                        "choice-rank",
                        format!(
                            "child {} is placed at {} as choice {rank}, which is not her choice {rank}",
                            child.id,
                            scenario.school(school).id
                        ),
                    );
                }
                if ranking.priority(scenario, c, school).is_none() {
                    fail(
                        "eligibility",
                        format!(
                            "child {} is admitted by choice to {} without a tier there or without passing the gates",
                            child.id,
                            scenario.school(school).id
                        ),
                    );
                }
            }
            Outcome::Coordinated { school } => {
                let s = scenario.school(school);
                if !ranking.eligible(c) {
                    fail(
                        "eligibility",
                        format!(
                            "child {} failed the gates but has a coordinated public place",
                            child.id
                        ),
                    );
                }
                if s.district != child.residence_district {
                    fail(
                        "coordinated-district",
                        format!(
                            "child {} is coordinated to {} outside her district",
                            child.id, s.id
                        ),
                    );
                }
                if !within(
                    scenario.fallback.coordinated_max_km,
                    child.location.distance_km(s.location),
                ) {
                    fail(
                        "coordinated-distance",
                        format!(
                            "child {} is coordinated to {} beyond the distance limit",
                            child.id, s.id
                        ),
                    );
                }
                let last = &mut last_coordinated[school.ix()];
                *last = Some(last.map_or(pos, |l| l.max(pos)));
                coordinated_at[school.ix()].push(pos);
            }
            Outcome::Purchased { school } => {
                let p = scenario.private_school(school);
                if !in_reach(scenario, c, school) {
                    fail(
                        "purchase-reach",
                        format!(
                            "child {} has a bought place at {} out of reach",
                            child.id, p.id
                        ),
                    );
                }
                bought[school.ix()] += 1;
                spent += p.cost_per_seat();
            }
            Outcome::Unplaced { .. } => {}
        }
        if let Some(s) = outcomes[c.ix()].public_school() {
            filled[s.ix()] += 1;
            let p = ranking.priority(scenario, c, s).unwrap_or(worst);
            let w = &mut worst_occupant[s.ix()];
            *w = Some(w.map_or(p, |x| x.max(p)));
        }
    }

    // Under `admit_all_tied` a school may exceed its seats only by admitting a whole tie at the
    // last seat: the children strictly better than its worst admitted must be fewer than seats.
    let mut better_than_worst = vec![0u32; n_s];
    if scenario.policy.tie_rule == TieRule::AdmitAllTied {
        for c in scenario.child_indices() {
            if let Some(s) = outcomes[c.ix()].public_school() {
                let p = ranking.priority(scenario, c, s).unwrap_or(worst);
                if worst_occupant[s.ix()].is_some_and(|w| p < w) {
                    better_than_worst[s.ix()] += 1;
                }
            }
        }
    }
    for s in scenario.school_indices() {
        let over = filled[s.ix()] > scenario.school(s).seats;
        let tie_at_last_seat = scenario.policy.tie_rule == TieRule::AdmitAllTied
            && better_than_worst[s.ix()] < scenario.school(s).seats;
        if over && !tie_at_last_seat {
            fail(
                "capacity",
                format!(
                    "public school {} holds {} children for {} seats",
                    scenario.school(s).id,
                    filled[s.ix()],
                    scenario.school(s).seats
                ),
            );
        }
    }
    for p in scenario.private_indices() {
        let ps = scenario.private_school(p);
        if bought[p.ix()] > ps.purchasable_seats {
            fail(
                "capacity",
                format!(
                    "private school {} has {} bought places of {} purchasable",
                    ps.id,
                    bought[p.ix()],
                    ps.purchasable_seats
                ),
            );
        }
    }
    if spent > scenario.budget_yuan {
        fail(
            "budget",
            format!(
                "bought places cost {spent} yuan, the budget is {}",
                scenario.budget_yuan
            ),
        );
    }

    let quota = reserved_seats(scenario, ranking, outcomes);

    let mut district_schools: Vec<Vec<SchoolIdx>> = vec![Vec::new(); scenario.districts.len()];
    for s in scenario.school_indices() {
        district_schools[scenario.school(s).district.ix()].push(s);
    }

    for c in scenario.child_indices() {
        let child = scenario.child(c);
        let outcome = outcomes[c.ix()];
        let pos = turn(c);
        let group = child.sibling_group.and_then(|g| joint.get(&g));
        let later_at =
            |s: SchoolIdx| coordinated_at[s.ix()].iter().filter(|&&p| p > pos).count() as u32;
        let mut together = false;
        if let Some(members) = group {
            let k = members.len() as u32;
            let first = outcomes[members[0].ix()];
            together = matches!(first, Outcome::Coordinated { .. })
                && members.iter().all(|m| outcomes[m.ix()] == first);
            let here = first
                .public_school()
                .filter(|_| together)
                .map(|s| (child.location.distance_km(scenario.school(s).location), s));
            // Checked once per group, at its last member.
            if members.last() == Some(&c) {
                for &s in &district_schools[child.residence_district.ix()] {
                    let school = scenario.school(s);
                    let d = child.location.distance_km(school.location);
                    if !within(scenario.fallback.coordinated_max_km, d)
                        || here.is_some_and(|h| (d, s) >= h)
                    {
                        continue;
                    }
                    let ours = members
                        .iter()
                        .filter(|m| outcomes[m.ix()].public_school() == Some(s))
                        .count() as u32;
                    let room = school.seats.saturating_sub(filled[s.ix()]) + later_at(s) + ours;
                    if room >= k {
                        fail(
                            "coordinated-order",
                            format!(
                                "the sibling group of {} should have been coordinated together to the {}public school {}",
                                child.id,
                                if here.is_some() { "nearer " } else { "" },
                                school.id
                            ),
                        );
                    }
                }
            }
        }

        // Justified envy at listed schools (by seat category where seats are reserved).
        let better_than = match outcome {
            // Sibling groups are checked as units in `siblings`.
            _ if child.sibling_group.is_some() => 0,
            Outcome::Choice { rank, .. } => rank as usize - 1,
            _ => child.choices.len(),
        };
        for &s in &child.choices[..better_than] {
            let Some(mine) = ranking.priority(scenario, c, s) else {
                continue;
            };
            let school = scenario.school(s);
            if filled[s.ix()] < school.seats {
                fail(
                    "justified-envy",
                    format!(
                        "child {} was refused {}, which she ranked higher, while it has a free seat",
                        child.id, school.id
                    ),
                );
            } else if let Some(q) = &quota[s.ix()] {
                // Reserved seats: envy counts within a seat category.
                let why = if child.is_migrant() {
                    if q.migrants < school.reserved_migrant {
                        Some("while a seat reserved for migrant children went to a non-migrant child")
                    } else if worst_occupant[s.ix()].is_some_and(|w| w > mine) {
                        Some("while it holds a child of lower priority")
                    } else {
                        None
                    }
                } else if q.worst_open.is_some_and(|w| w > mine) {
                    Some("while it holds a child of lower priority in an open seat")
                } else {
                    None
                };
                if let Some(why) = why {
                    fail(
                        "justified-envy",
                        format!(
                            "child {} was refused {}, which she ranked higher, {why}",
                            child.id, school.id
                        ),
                    );
                }
            } else if worst_occupant[s.ix()].is_some_and(|w| w > mine) {
                fail(
                    "justified-envy",
                    format!(
                        "child {} was refused {}, which she ranked higher, while it holds a child of lower priority",
                        child.id, school.id
                    ),
                );
            }
        }

        // Coordinated placement: nearest spare seat, best priority first (a group placed together
        // is checked as a group above).
        if ranking.eligible(c) && !together && !matches!(outcome, Outcome::Choice { .. }) {
            let here = match outcome {
                Outcome::Coordinated { school } => Some((
                    child.location.distance_km(scenario.school(school).location),
                    school,
                )),
                _ => None,
            };
            for &s in &district_schools[child.residence_district.ix()] {
                let school = scenario.school(s);
                let d = child.location.distance_km(school.location);
                let nearer = here.is_none_or(|h| (d, s) < h);
                if !nearer || !within(scenario.fallback.coordinated_max_km, d) {
                    continue;
                }
                let free = filled[s.ix()] < school.seats;
                let taken_by_later = last_coordinated[s.ix()].is_some_and(|l| l > pos);
                if free || taken_by_later {
                    fail(
                        "coordinated-order",
                        format!(
                            "child {} should have had the nearer public school {} ({})",
                            child.id,
                            school.id,
                            if free {
                                "it has a spare seat"
                            } else {
                                "it went to a child after her"
                            }
                        ),
                    );
                }
            }
        }

        // Bought places: the reason given for an unplaced child agrees with her reach (the
        // rest is checked in `purchase`).
        if outcome.public_school().is_none() {
            if let Outcome::Unplaced { reason } = outcome {
                let reach: Vec<PrivateIdx> = scenario
                    .private_indices()
                    .filter(|&p| in_reach(scenario, c, p))
                    .collect();
                let consistent = match reason {
                    UnplacedReason::NoPrivateInReach => reach.is_empty(),
                    UnplacedReason::PrivateSeatsFull | UnplacedReason::BudgetExhausted => {
                        !reach.is_empty()
                    }
                };
                if !consistent {
                    fail(
                        "unplaced-reason",
                        format!(
                            "child {} is unplaced for `{}`, which the data contradict",
                            child.id,
                            reason.as_str()
                        ),
                    );
                }
            }
        }
    }
    siblings::check(
        scenario,
        ranking,
        outcomes,
        &filled,
        &mut |rule, message| v.push(Violation { rule, message }),
    );
    let mut notes = Vec::new();
    purchase::check(
        scenario,
        ranking,
        outcomes,
        &bought,
        spent,
        &mut |rule, message| v.push(Violation { rule, message }),
        &mut notes,
    );
    CheckReport {
        children: scenario.children.len(),
        violations: v,
        notes,
    }
}

/// Sibling groups coordinated as one: more than one child, every member eligible and none
/// placed by choice. Members in the fallback order.
fn joint_groups(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
) -> HashMap<u32, Vec<ChildIdx>> {
    let mut groups: HashMap<u32, Vec<ChildIdx>> = HashMap::new();
    for &c in &ranking.fallback_order {
        if let Some(g) = scenario.child(c).sibling_group {
            groups.entry(g).or_default().push(c);
        }
    }
    groups.retain(|_, members| {
        members.len() > 1
            && members.iter().all(|&m| {
                ranking.eligible(m) && !matches!(outcomes[m.ix()], Outcome::Choice { .. })
            })
    });
    groups
}

/// How a school with reserved seats filled them: its migrant children, and the worst priority
/// in an open seat.
struct QuotaView {
    migrants: u32,
    worst_open: Option<Priority>,
}

/// Per public school with reserved seats, which of its children hold them: the best
/// `min(reserved, migrants)` migrant children by priority there; everyone else holds an open seat.
fn reserved_seats(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
) -> Vec<Option<QuotaView>> {
    let worst = Priority {
        tier: u8::MAX,
        class: u32::MAX,
    };
    let mut held: Vec<Vec<(Priority, bool)>> = vec![Vec::new(); scenario.schools.len()];
    for c in scenario.child_indices() {
        if let Some(s) = outcomes[c.ix()].public_school() {
            if scenario.school(s).reserved_migrant > 0 {
                let p = ranking.priority(scenario, c, s).unwrap_or(worst);
                held[s.ix()].push((p, scenario.child(c).is_migrant()));
            }
        }
    }
    scenario
        .school_indices()
        .map(|s| {
            let reserved = scenario.school(s).reserved_migrant;
            if reserved == 0 {
                return None;
            }
            let list = &mut held[s.ix()];
            list.sort_unstable();
            let mut in_reserved = 0;
            let mut worst_open = None;
            for &(p, migrant) in list.iter() {
                if migrant && in_reserved < reserved {
                    in_reserved += 1;
                } else {
                    worst_open = Some(p);
                }
            }
            Some(QuotaView {
                migrants: list.iter().filter(|x| x.1).count() as u32,
                worst_open,
            })
        })
        .collect()
}

/// Whether a private school is within the child's reach under the scenario's fallback rules.
pub(crate) fn in_reach(scenario: &Scenario, c: ChildIdx, p: PrivateIdx) -> bool {
    let child = scenario.child(c);
    let ps = scenario.private_school(p);
    ps.purchasable_seats > 0
        && (!scenario.fallback.purchase_same_district || ps.district == child.residence_district)
        && within(
            scenario.fallback.purchase_max_km,
            child.location.distance_km(ps.location),
        )
}

#[derive(Debug, Deserialize)]
struct PlacementRow {
    child: String,
    kind: String,
    school: Option<String>,
    choice_rank: Option<u8>,
    reason: Option<String>,
}

/// Reads a `placements.csv` back into one outcome per child, checking that every child of the
/// scenario appears exactly once and that every school named exists.
pub fn read_placements(path: &Path, scenario: &Scenario) -> Result<Vec<Outcome>, InputErrors> {
    let mut errors = Vec::new();
    let rows = crate::input::rows::read_table::<PlacementRow>(
        path,
        &["child", "kind", "school", "choice_rank", "reason"],
        &[
            "district",
            "school_name",
            "points",
            "tier",
            "distance_km",
            "cost_yuan",
            "note",
        ],
        &mut errors,
    );
    let Some(rows) = rows else {
        return Err(InputErrors(errors));
    };
    let child_ix: HashMap<&str, usize> = scenario
        .children
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let school_ix: HashMap<&str, SchoolIdx> = scenario
        .school_indices()
        .map(|s| (scenario.school(s).id.as_str(), s))
        .collect();
    let private_ix: HashMap<&str, PrivateIdx> = scenario
        .private_indices()
        .map(|p| (scenario.private_school(p).id.as_str(), p))
        .collect();
    let mut outcomes: Vec<Option<(Outcome, u64)>> = vec![None; scenario.children.len()];
    for row in rows.rows {
        let (line, r) = (row.line, row.row);
        let Some(&c) = child_ix.get(r.child.as_str()) else {
            errors.push(InputError::at(
                path,
                line,
                "child",
                format!("unknown child `{}`", r.child),
            ));
            continue;
        };
        let school = r.school.as_deref().unwrap_or("");
        let outcome = match r.kind.as_str() {
            "public" => match (school_ix.get(school), r.choice_rank) {
                (Some(&s), Some(rank)) if rank >= 1 => Some(Outcome::Choice { school: s, rank }),
                (Some(&s), None) => Some(Outcome::Coordinated { school: s }),
                _ => None,
            },
            "purchased" => private_ix
                .get(school)
                .map(|&p| Outcome::Purchased { school: p }),
            "unplaced" => [
                UnplacedReason::NoPrivateInReach,
                UnplacedReason::PrivateSeatsFull,
                UnplacedReason::BudgetExhausted,
            ]
            .into_iter()
            .find(|x| r.reason.as_deref() == Some(x.as_str()))
            .map(|reason| Outcome::Unplaced { reason }),
            _ => None,
        };
        let Some(outcome) = outcome else {
            errors.push(InputError::at(
                path,
                line,
                "kind",
                format!("cannot read placement `{}` at school `{school}`", r.kind),
            ));
            continue;
        };
        if let Some((_, first)) = outcomes[c] {
            errors.push(InputError::at(
                path,
                line,
                "child",
                format!("child `{}` appears again (first at line {first})", r.child),
            ));
            continue;
        }
        outcomes[c] = Some((outcome, line));
    }
    for (i, o) in outcomes.iter().enumerate() {
        if o.is_none() {
            errors.push(InputError::file(
                path,
                format!(
                    "child `{}` of the scenario has no placement",
                    scenario.children[i].id
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(outcomes
            .into_iter()
            .map(|o| o.expect("checked").0)
            .collect())
    } else {
        Err(InputErrors(errors))
    }
}
