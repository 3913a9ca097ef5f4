//! From points to priorities: the policy applied to a whole scenario.
//!
//! Every child gets points from the policy, then a *class*: children are sorted by points (more
//! first), then by each tie-break key, then (under [`TieRule::Lottery`]) by a lottery number drawn
//! from the scenario seed and the child's id. Equal children share a class only when the policy
//! keeps ties. A school ranks applicants by `(tier at that school, class)`; the fallback stages
//! use one strict city-wide order. Nothing here depends on input row order or on the number of
//! threads: the lottery number is a hash of `(seed, child id)`.
//!
//! [`TieRule::Lottery`]: crate::policy::TieRule::Lottery

mod classes;
mod lottery;

use rayon::prelude::*;

use crate::domain::{Child, ChildIdx, DistrictIdx, SchoolIdx};
use crate::policy::{Layer, MilliPoints, Policy, Tier};
use crate::scenario::Scenario;
use classes::classes;
pub use lottery::lottery_number;

/// A child's priority at one school; smaller is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Priority {
    /// Position of the child's tier in the school's tier order.
    pub tier: u8,
    /// Equal-points class within the master list (0 is best).
    pub class: u32,
}

/// Points, eligibility and priority classes of every child of a scenario.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Points at schools of the child's own district.
    pub points: Vec<MilliPoints>,
    /// Points at schools of other districts (without the district layer); empty when the
    /// policy has no district layer.
    pub points_elsewhere: Vec<MilliPoints>,
    /// Why a migrant child failed the eligibility gates; `None` if eligible.
    pub gate_failure: Vec<Option<String>>,
    /// Each child's lottery number.
    pub lottery: Vec<u64>,
    /// Priority class in the home master list; unique per child unless ties are kept.
    pub class: Vec<u32>,
    /// Per district, classes in that district's master list (only with a district layer).
    pub class_by_district: Vec<Vec<u32>>,
    /// The tier order of each public school.
    pub school_tiers: Vec<Vec<Tier>>,
    /// The strict city-wide order used by the coordinated and purchase stages.
    pub fallback_order: Vec<ChildIdx>,
    /// Position of each child in `fallback_order`.
    pub fallback_position: Vec<u32>,
    /// Whether every class holds a single child (no ties left).
    pub strict: bool,
    /// Position of each child's tier in her own district (siblings ignored) in the policy's
    /// tier list; `tiers.len()` for children who failed the gates or hold no tier.
    pub home_tier: Vec<u8>,
}

impl Ranking {
    /// Computes points, gates, classes and the fallback order.
    pub fn compute(scenario: &Scenario) -> Ranking {
        let policy = &scenario.policy;
        // Each child's points, gates and home tier are her own: found in parallel, in order.
        let points: Vec<MilliPoints> = scenario
            .children
            .par_iter()
            .map(|c| policy.points_at(c, c.residence_district))
            .collect();
        let gate_failure: Vec<Option<String>> = scenario
            .children
            .par_iter()
            .map(|c| policy.gates.failure(c))
            .collect();
        let mut points_elsewhere = Vec::new();
        if policy.has_district_layer() {
            points_elsewhere = scenario
                .children
                .par_iter()
                .map(|c| {
                    let s = policy.statement(c, c.residence_district);
                    s.total - s.layers[Layer::District as usize]
                })
                .collect();
        }
        let school_tiers: Vec<Vec<Tier>> = scenario
            .school_indices()
            .map(|s| policy.tiers_at(s).to_vec())
            .collect();
        let home_tier: Vec<u8> = scenario
            .children
            .par_iter()
            .zip(&gate_failure)
            .map(|(c, fail)| home_tier(policy, c, fail.is_none()))
            .collect();
        Ranking::ordered(
            scenario,
            points,
            points_elsewhere,
            gate_failure,
            school_tiers,
            home_tier,
        )
    }

    /// The ranking of `scenario` when it differs from the one `self` was computed for only in
    /// its seed, seats, budget or subsidies (a sweep point's): the points, gates and tiers are
    /// kept, the lottery, classes and fallback order drawn again. Equal to
    /// [`Ranking::compute`] on `scenario` in that case.
    pub fn reseeded(&self, scenario: &Scenario) -> Ranking {
        Ranking::ordered(
            scenario,
            self.points.clone(),
            self.points_elsewhere.clone(),
            self.gate_failure.clone(),
            self.school_tiers.clone(),
            self.home_tier.clone(),
        )
    }

    /// The lottery, the master lists and the fallback order, from the rest of the ranking.
    fn ordered(
        scenario: &Scenario,
        points: Vec<MilliPoints>,
        points_elsewhere: Vec<MilliPoints>,
        gate_failure: Vec<Option<String>>,
        school_tiers: Vec<Vec<Tier>>,
        home_tier: Vec<u8>,
    ) -> Ranking {
        let n = scenario.children.len();
        let lottery: Vec<u64> = scenario
            .children
            .par_iter()
            .map(|c| {
                c.lottery
                    .unwrap_or_else(|| lottery_number(scenario.seed, &c.id))
            })
            .collect();

        let (class, mut ties) = classes(scenario, &points, &lottery);
        // District-layer points count only at schools of their district: each district then
        // has its own master list, in which children living elsewhere lose their own district's
        // individual layer.
        let mut class_by_district = Vec::new();
        if scenario.policy.has_district_layer() {
            for d in 0..scenario.districts.len() {
                let at_d: Vec<MilliPoints> = scenario
                    .children
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if c.residence_district.ix() == d {
                            points[i]
                        } else {
                            points_elsewhere[i]
                        }
                    })
                    .collect();
                let (cl, t) = classes(scenario, &at_d, &lottery);
                ties |= t;
                class_by_district.push(cl);
            }
        }

        // The fallback order is strict: home tier, then the home master list with the lottery
        // deciding children the policy keeps tied.
        // A total order (ids are unique), so the parallel sort gives one result.
        let mut fallback: Vec<usize> = (0..n).collect();
        fallback.par_sort_unstable_by(|&a, &b| {
            (home_tier[a], class[a], lottery[a])
                .cmp(&(home_tier[b], class[b], lottery[b]))
                .then_with(|| scenario.children[a].id.cmp(&scenario.children[b].id))
        });
        let mut fallback_position = vec![0u32; n];
        for (pos, &c) in fallback.iter().enumerate() {
            fallback_position[c] = pos as u32;
        }
        Ranking {
            points,
            points_elsewhere,
            gate_failure,
            lottery,
            class,
            class_by_district,
            school_tiers,
            fallback_order: fallback.into_iter().map(|c| ChildIdx(c as u32)).collect(),
            fallback_position,
            strict: !ties,
            home_tier,
        }
    }

    /// The child's points at schools of a district (her own district's individual layer counts
    /// only there).
    pub fn points_at(
        &self,
        scenario: &Scenario,
        c: ChildIdx,
        district: DistrictIdx,
    ) -> MilliPoints {
        if self.points_elsewhere.is_empty() || scenario.child(c).residence_district == district {
            self.points[c.ix()]
        } else {
            self.points_elsewhere[c.ix()]
        }
    }

    /// Whether the child passed the eligibility gates (always true with a local hukou).
    pub fn eligible(&self, c: ChildIdx) -> bool {
        self.gate_failure[c.ix()].is_none()
    }

    /// The tier a child holds at a school, or `None` if no tier admits her there.
    pub fn tier_at(&self, scenario: &Scenario, c: ChildIdx, s: SchoolIdx) -> Option<(u8, Tier)> {
        if !self.eligible(c) {
            return None;
        }
        let child = scenario.child(c);
        let district = scenario.school(s).district;
        let tiers = &self.school_tiers[s.ix()];
        tiers
            .iter()
            .position(|t| t.holds_at(child, s, district))
            .map(|i| (i as u8, tiers[i]))
    }

    /// The child's priority at a school, or `None` if she cannot be admitted there by choice.
    pub fn priority(&self, scenario: &Scenario, c: ChildIdx, s: SchoolIdx) -> Option<Priority> {
        self.tier_at(scenario, c, s).map(|(tier, _)| Priority {
            tier,
            class: match self.class_by_district.get(scenario.school(s).district.ix()) {
                Some(classes) => classes[c.ix()],
                None => self.class[c.ix()],
            },
        })
    }
}

/// The tier a child holds in her own district, ignoring sibling links; ineligible children come
/// after every tier.
fn home_tier(policy: &Policy, child: &Child, eligible: bool) -> u8 {
    if !eligible {
        return policy.tiers.len() as u8;
    }
    policy
        .tiers
        .iter()
        .position(|t| t.holds_at_home(child))
        .unwrap_or(policy.tiers.len()) as u8
}
