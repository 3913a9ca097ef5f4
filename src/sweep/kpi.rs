//! Key figures of one sweep point, computed from a solved scenario.
//!
//! Every figure is an integer count, sum or milli-point value, so a point's KPIs survive a round
//! trip through `sweep.json` bit for bit (shards are merged from those files). Shares are worked
//! out only where they are shown: [`PointKpis::share`].

use serde::{Deserialize, Serialize};

use crate::assign::{Outcome, UnplacedReason};
use crate::output::school_tallies;
use crate::scenario::Scenario;
use crate::Solved;

/// Outcomes of one district's residents at one sweep point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictKpis {
    pub district: String,
    pub children: u64,
    pub migrant_children: u64,
    pub public_seats: u64,
    pub public: u64,
    pub public_migrant: u64,
    pub purchased: u64,
    pub unplaced: u64,
}

/// Fill and cut-off of one public school at one sweep point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolKpis {
    pub school: String,
    pub district: String,
    pub seats: u32,
    pub filled: u32,
    pub applicants: u32,
    /// Tier of the lowest-priority child admitted by choice (empty when none was).
    pub cutoff_tier: String,
    /// Her points at the school, in thousandths of a point (`None` when none was admitted).
    pub cutoff_milli_points: Option<i64>,
}

/// Everything a sweep records of one point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointKpis {
    pub children: u64,
    pub migrant_children: u64,
    /// Children in a public school: by choice plus coordinated.
    pub public: u64,
    pub public_migrant: u64,
    pub public_by_choice: u64,
    pub first_choice: u64,
    pub coordinated: u64,
    pub purchased: u64,
    pub purchase_cost_yuan: u64,
    pub budget_yuan: u64,
    pub unplaced: u64,
    /// Unplaced because the purchase budget ran out.
    pub unplaced_budget: u64,
    pub ineligible: u64,
    pub public_seats: u64,
    pub proven_optimal: bool,
    /// Proven upper bound on children placed by choice.
    pub choice_stage_bound: u64,
    pub check_passed: bool,
    pub districts: Vec<DistrictKpis>,
    pub schools: Vec<SchoolKpis>,
}

impl PointKpis {
    /// Computes the KPIs of a solved scenario.
    pub fn compute(scenario: &Scenario, solved: &Solved) -> PointKpis {
        let outcomes = &solved.assignment.outcomes;
        let mut districts: Vec<DistrictKpis> = scenario
            .districts
            .iter()
            .map(|d| DistrictKpis {
                district: d.id.clone(),
                children: 0,
                migrant_children: 0,
                public_seats: 0,
                public: 0,
                public_migrant: 0,
                purchased: 0,
                unplaced: 0,
            })
            .collect();
        for s in &scenario.schools {
            districts[s.district.ix()].public_seats += u64::from(s.seats);
        }
        let mut k = PointKpis {
            children: outcomes.len() as u64,
            migrant_children: 0,
            public: 0,
            public_migrant: 0,
            public_by_choice: 0,
            first_choice: 0,
            coordinated: 0,
            purchased: 0,
            purchase_cost_yuan: solved.assignment.spent_yuan,
            budget_yuan: scenario.budget_yuan,
            unplaced: 0,
            unplaced_budget: 0,
            ineligible: solved.ranking.gate_failure.iter().flatten().count() as u64,
            public_seats: scenario.schools.iter().map(|s| u64::from(s.seats)).sum(),
            proven_optimal: solved.assignment.public.proven_optimal(),
            choice_stage_bound: solved
                .assignment
                .public
                .components
                .iter()
                .map(|c| c.bound as u64)
                .sum(),
            check_passed: solved.check.passed(),
            districts: Vec::new(),
            schools: Vec::new(),
        };
        for (child, outcome) in scenario.children.iter().zip(outcomes) {
            let migrant = u64::from(child.is_migrant());
            let d = &mut districts[child.residence_district.ix()];
            d.children += 1;
            d.migrant_children += migrant;
            k.migrant_children += migrant;
            match outcome {
                Outcome::Choice { rank, .. } => {
                    k.public_by_choice += 1;
                    k.first_choice += u64::from(*rank == 1);
                }
                Outcome::Coordinated { .. } => k.coordinated += 1,
                Outcome::Purchased { .. } => {
                    k.purchased += 1;
                    d.purchased += 1;
                }
                Outcome::Unplaced { reason } => {
                    k.unplaced += 1;
                    k.unplaced_budget += u64::from(*reason == UnplacedReason::BudgetExhausted);
                    d.unplaced += 1;
                }
            }
            if outcome.public_school().is_some() {
                k.public += 1;
                k.public_migrant += migrant;
                d.public += 1;
                d.public_migrant += migrant;
            }
        }
        let (tallies, _) = school_tallies(scenario, solved);
        k.schools = scenario
            .school_indices()
            .map(|s| {
                let school = scenario.school(s);
                let t = &tallies[s.ix()];
                SchoolKpis {
                    school: school.id.clone(),
                    district: scenario.districts[school.district.ix()].id.clone(),
                    seats: school.seats,
                    filled: t.by_choice + t.coordinated,
                    applicants: t.applicants,
                    cutoff_tier: t.cutoff.map_or(String::new(), |c| c.tier.to_string()),
                    cutoff_milli_points: t.cutoff.map(|c| c.points),
                }
            })
            .collect();
        k.districts = districts;
        k
    }

    /// `part / whole` as a fraction, 0 when `whole` is 0.
    pub fn share(part: u64, whole: u64) -> f64 {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    }
}
