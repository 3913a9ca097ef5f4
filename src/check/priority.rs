//! The checker's own ranking: each child's priority at each school, and the fallback order.
//!
//! Nothing here comes from `crate::ranking`: the checker recomputes, from the scenario and its
//! resolved policy alone, each child's points ([`super::points`]), gates
//! ([`super::eligibility`]) and lottery draw ([`super::lottery`]), and compares two children
//! directly, child by child, instead of numbering master-list classes:
//!
//! - a child's **tier** at a school is the first tier of the school's list (its own, else the
//!   policy's) that applies to her there (`docs/points-policy.md` §7.1); a child who failed the
//!   gates holds none;
//! - her **merit** at the school is her points as counted at the school's district (more first),
//!   then each tie-break key (§7.3), then — under the lottery rule only — her draw and, for two
//!   equal draws, her id; under the rules that keep ties, children equal so far stay equal;
//! - her **priority** there is (tier, merit), smaller first;
//! - the **fallback order** is by the tier she holds in her own district under the default tier
//!   list (siblings ignored; ineligible children after every tier), then her points at home, the
//!   tie-break keys, her draw and her id: strict under every rule.

use std::cmp::Reverse;

use rayon::prelude::*;

use super::{conditions, eligibility, lottery, points};
use crate::domain::{Child, ChildIdx, DistrictIdx, SchoolIdx};
use crate::policy::{KeyColumn, MilliPoints, TieKey, TieRule, Tier, MAX_TIE_KEYS};
use crate::scenario::Scenario;

/// A child's priority at one school; smaller is better, equal is a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Priority {
    /// Position of her tier in the school's tier list.
    tier: u8,
    /// Her points at the school's district, more first.
    points: Reverse<MilliPoints>,
    /// Her values of the tie-break keys, in the policy's order (smaller first; unused slots 0).
    keys: [i64; MAX_TIE_KEYS],
    /// Her draw under the lottery rule (0 when ties are kept).
    draw: u64,
    /// Her id's place among the ids, sorted (0 when ties are kept).
    id: u32,
}

impl Priority {
    /// The priority of a child placed where she holds no tier: after everyone.
    pub const WORST: Priority = Priority {
        tier: u8::MAX,
        points: Reverse(MilliPoints::MIN),
        keys: [i64::MAX; MAX_TIE_KEYS],
        draw: u64::MAX,
        id: u32::MAX,
    };
}

/// The checker's view of the policy applied to a scenario.
pub struct Ranks<'a> {
    scenario: &'a Scenario,
    /// Points at the schools of the child's own district.
    home_points: Vec<MilliPoints>,
    /// Points at the schools of any other district.
    away_points: Vec<MilliPoints>,
    /// Why a child failed the gates.
    gate_failure: Vec<Option<String>>,
    /// Lottery draws.
    draws: Vec<u64>,
    /// Each child's id's place among the sorted ids.
    id_places: Vec<u32>,
    /// The tie-break keys, each once, in the policy's order.
    keys: Vec<TieKey>,
    /// Whether the policy keeps ties after the keys.
    ties_kept: bool,
    /// Children in the fallback order.
    fallback_order: Vec<ChildIdx>,
    /// Each child's position in it.
    fallback_position: Vec<u32>,
}

impl<'a> Ranks<'a> {
    /// Recomputes every child's points, gates and draw, and the fallback order.
    pub fn new(scenario: &'a Scenario) -> Self {
        let policy = &scenario.policy;
        let children = &scenario.children;
        // Each child's own figures, found in parallel (in order).
        let home_points = children
            .par_iter()
            .map(|c| points::score(policy, c, true))
            .collect();
        let away_points = children
            .par_iter()
            .map(|c| points::score(policy, c, false))
            .collect();
        let gate_failure = children
            .par_iter()
            .map(|c| eligibility::failure(&policy.gates, c))
            .collect();
        let draws = children
            .par_iter()
            .map(|c| {
                c.lottery
                    .unwrap_or_else(|| lottery::draw(scenario.seed, &c.id))
            })
            .collect();
        let mut by_id: Vec<usize> = (0..children.len()).collect();
        // Ids are unique: a total order, one result on any thread count.
        by_id.par_sort_unstable_by(|&a, &b| children[a].id.cmp(&children[b].id));
        let mut id_places = vec![0u32; children.len()];
        for (place, &c) in by_id.iter().enumerate() {
            id_places[c] = place as u32;
        }
        let mut keys: Vec<TieKey> = Vec::new();
        for &k in &policy.tie_keys {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let mut ranks = Ranks {
            scenario,
            home_points,
            away_points,
            gate_failure,
            draws,
            id_places,
            keys,
            ties_kept: policy.tie_rule != TieRule::Lottery,
            fallback_order: Vec::new(),
            fallback_position: Vec::new(),
        };
        let mut order: Vec<ChildIdx> = scenario.child_indices().collect();
        // A stable sort from index order, as the sequential one.
        order.par_sort_by_cached_key(|&c| ranks.fallback_key(c));
        let mut position = vec![0u32; order.len()];
        for (p, c) in order.iter().enumerate() {
            position[c.ix()] = p as u32;
        }
        ranks.fallback_order = order;
        ranks.fallback_position = position;
        ranks
    }

    /// Whether the child passed the gates.
    pub fn eligible(&self, c: ChildIdx) -> bool {
        self.gate_failure[c.ix()].is_none()
    }

    /// Why the child failed the gates, if she did.
    pub fn gate_failure(&self, c: ChildIdx) -> Option<&str> {
        self.gate_failure[c.ix()].as_deref()
    }

    /// The child's points at the schools of `district`.
    pub fn points_at(&self, c: ChildIdx, district: DistrictIdx) -> MilliPoints {
        if self.scenario.child(c).residence_district == district {
            self.home_points[c.ix()]
        } else {
            self.away_points[c.ix()]
        }
    }

    /// The child's points at the schools of her own district.
    pub fn home_points(&self, c: ChildIdx) -> MilliPoints {
        self.home_points[c.ix()]
    }

    /// The tier the child holds at public school `s` and its position in the school's list, or
    /// `None` if she failed the gates or no tier of the list applies to her there.
    pub fn tier_at(&self, c: ChildIdx, s: SchoolIdx) -> Option<(u8, Tier)> {
        if !self.eligible(c) {
            return None;
        }
        let policy = &self.scenario.policy;
        let list = match policy.school_tiers.get(&s) {
            Some(own) => own,
            None => &policy.tiers,
        };
        let child = self.scenario.child(c);
        let district = self.scenario.school(s).district;
        list.iter()
            .enumerate()
            .find(|(_, &t)| match t {
                Tier::CatchmentHukou => {
                    child.hukou_district == Some(district) && child.residence_district == district
                }
                Tier::Sibling => child.sibling_school == Some(s),
                Tier::Hukou => child.hukou_district.is_some(),
                Tier::Migrant => child.hukou_district.is_none(),
                Tier::Defined(def) => conditions::applies(def, child, Some(s), district),
            })
            .map(|(i, &t)| (i as u8, t))
    }

    /// The tier the child holds in her own district under the default list, siblings ignored;
    /// `None` if she failed the gates or none applies.
    pub fn home_tier(&self, c: ChildIdx) -> Option<(u8, Tier)> {
        if !self.eligible(c) {
            return None;
        }
        let child = self.scenario.child(c);
        self.scenario
            .policy
            .tiers
            .iter()
            .enumerate()
            .find(|(_, &t)| match t {
                Tier::CatchmentHukou => child.hukou_district == Some(child.residence_district),
                Tier::Sibling => false,
                Tier::Hukou => child.hukou_district.is_some(),
                Tier::Migrant => child.hukou_district.is_none(),
                Tier::Defined(def) => {
                    conditions::applies(def, child, None, child.residence_district)
                }
            })
            .map(|(i, &t)| (i as u8, t))
    }

    /// The child's priority at public school `s`, or `None` if she cannot be admitted there by
    /// choice.
    pub fn priority(&self, c: ChildIdx, s: SchoolIdx) -> Option<Priority> {
        let (tier, _) = self.tier_at(c, s)?;
        let points = self.points_at(c, self.scenario.school(s).district);
        let (draw, id) = if self.ties_kept {
            (0, 0)
        } else {
            (self.draw(c), self.id_places[c.ix()])
        };
        Some(Priority {
            tier,
            points: Reverse(points),
            keys: self.key_values(self.scenario.child(c)),
            draw,
            id,
        })
    }

    /// The child's lottery draw.
    pub fn draw(&self, c: ChildIdx) -> u64 {
        self.draws[c.ix()]
    }

    /// The children in the fallback order.
    pub fn fallback_order(&self) -> &[ChildIdx] {
        &self.fallback_order
    }

    /// The child's position in the fallback order (0 first).
    pub fn fallback_position(&self, c: ChildIdx) -> u32 {
        self.fallback_position[c.ix()]
    }

    /// The child's place in the fallback order, as a key: smaller first.
    fn fallback_key(
        &self,
        c: ChildIdx,
    ) -> (u8, Reverse<MilliPoints>, [i64; MAX_TIE_KEYS], u64, u32) {
        let tier = self
            .home_tier(c)
            .map_or(self.scenario.policy.tiers.len() as u8, |(i, _)| i);
        (
            tier,
            Reverse(self.home_points[c.ix()]),
            self.key_values(self.scenario.child(c)),
            self.draw(c),
            self.id_places[c.ix()],
        )
    }

    /// The child's tie-break values, smaller first: more months first, the older child first;
    /// a key the policy writes with an order reads its column that way (§7.3).
    fn key_values(&self, child: &Child) -> [i64; MAX_TIE_KEYS] {
        let mut values = [0i64; MAX_TIE_KEYS];
        let date = |d: crate::domain::Date| {
            (i64::from(d.year) * 12 + i64::from(d.month)) * 31 + i64::from(d.day)
        };
        for (slot, key) in values.iter_mut().zip(&self.keys) {
            *slot = match key {
                TieKey::InsuranceMonths => -i64::from(child.insurance_months),
                TieKey::ResidenceMonths => -i64::from(child.residence_months),
                TieKey::PermitMonths => -i64::from(child.permit_months),
                TieKey::BirthDate => date(child.birth_date),
                TieKey::Custom(k) => {
                    let raw = match &k.column {
                        KeyColumn::InsuranceMonths => i64::from(child.insurance_months),
                        KeyColumn::ResidenceMonths => i64::from(child.residence_months),
                        KeyColumn::PermitMonths => i64::from(child.permit_months),
                        KeyColumn::InsuranceMonthsElsewhere => {
                            i64::from(child.insurance_months_elsewhere)
                        }
                        KeyColumn::ResidenceMonthsElsewhere => {
                            i64::from(child.residence_months_elsewhere)
                        }
                        KeyColumn::BirthDate => date(child.birth_date),
                        KeyColumn::Extra { slot, .. } => {
                            i64::from(child.extra_facts.get(*slot).copied().unwrap_or(0))
                        }
                    };
                    if k.descending {
                        -raw
                    } else {
                        raw
                    }
                }
            };
        }
        values
    }
}
