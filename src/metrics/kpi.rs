//! Key figures of one sweep point, computed from a solved scenario.
//!
//! Every figure is an integer count, sum or milli-point value, so a point's KPIs survive a round
//! trip through `sweep.json` bit for bit (shards are merged from those files). Shares are worked
//! out only where they are shown: [`PointKpis::share`].

use serde::{Deserialize, Serialize};

use super::balance::balance;
use super::outcomes::DistrictOutcomes;
use super::summary::summary_of;
use super::tally::SchoolTallies;
use crate::scenario::Scenario;
use crate::Solved;

/// Outcomes of one district's residents at one sweep point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictKpis {
    /// The district's id.
    pub district: String,
    /// Children living in the district.
    pub children: u64,
    /// Migrant children living there.
    pub migrant_children: u64,
    /// Public seats at the entry grade in its schools.
    pub public_seats: u64,
    /// Residents in a public school (by choice or coordinated).
    pub public: u64,
    /// Migrant residents in a public school.
    pub public_migrant: u64,
    /// Residents given a bought private place.
    pub purchased: u64,
    /// Residents left without a place.
    pub unplaced: u64,
}

/// Fill and cut-off of one public school at one sweep point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolKpis {
    /// The school's id.
    pub school: String,
    /// Its district's id.
    pub district: String,
    /// Seats at the entry grade.
    pub seats: u32,
    /// Seats taken (by choice or coordinated).
    pub filled: u32,
    /// Children who listed the school.
    pub applicants: u32,
    /// Tier of the lowest-priority child admitted by choice (empty when none was).
    pub cutoff_tier: String,
    /// Her points at the school, in thousandths of a point (`None` when none was admitted).
    pub cutoff_milli_points: Option<i64>,
}

/// Everything a sweep records of one point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointKpis {
    /// Children applying.
    pub children: u64,
    /// Migrant children applying.
    pub migrant_children: u64,
    /// Children in a public school: by choice plus coordinated.
    pub public: u64,
    /// Migrant children in a public school.
    pub public_migrant: u64,
    /// Placed in a public school by choice.
    pub public_by_choice: u64,
    /// Placed at their first choice.
    pub first_choice: u64,
    /// Coordinated (统筹) into a public school.
    pub coordinated: u64,
    /// Given a bought private place.
    pub purchased: u64,
    /// What the bought places cost.
    pub purchase_cost_yuan: u64,
    /// The purchase budget.
    pub budget_yuan: u64,
    /// Left without a place.
    pub unplaced: u64,
    /// Unplaced because the purchase budget ran out.
    pub unplaced_budget: u64,
    /// Failed the eligibility gates.
    pub ineligible: u64,
    /// Public seats at the entry grade, city-wide.
    pub public_seats: u64,
    /// Whether the placement by choice is proven optimal.
    pub proven_optimal: bool,
    /// Proven upper bound on children placed by choice.
    pub choice_stage_bound: u64,
    /// Whether the independent check passed.
    pub check_passed: bool,
    /// Per district, in the scenario's order.
    pub districts: Vec<DistrictKpis>,
    /// Per public school, in the scenario's order.
    pub schools: Vec<SchoolKpis>,
}

impl PointKpis {
    /// Computes the KPIs of a solved scenario from the run's summary, its
    /// district outcomes, the districts' seat balance and the [`SchoolTallies`].
    pub fn compute(scenario: &Scenario, solved: &Solved) -> PointKpis {
        let outcomes = DistrictOutcomes::compute(scenario, &solved.assignment.outcomes);
        let s = summary_of(scenario, solved, &outcomes);
        let city = &outcomes.city;
        let districts = balance(scenario, &outcomes)
            .into_iter()
            .zip(&outcomes.districts)
            .map(|(b, o)| DistrictKpis {
                district: b.district,
                children: o.children,
                migrant_children: o.migrant_children,
                public_seats: b.public_seats,
                public: o.public(),
                public_migrant: o.public_migrant,
                purchased: o.purchased,
                unplaced: o.unplaced,
            })
            .collect();
        let tallies =
            SchoolTallies::compute(scenario, &solved.ranking, &solved.assignment.outcomes);
        let schools = scenario
            .school_indices()
            .map(|sx| {
                let school = scenario.school(sx);
                let t = &tallies.public[sx.ix()];
                SchoolKpis {
                    school: school.id.clone(),
                    district: scenario.districts[school.district.ix()].id.clone(),
                    seats: t.seats,
                    filled: t.filled(),
                    applicants: t.applicants,
                    cutoff_tier: t.cutoff.map_or(String::new(), |c| c.tier.to_string()),
                    cutoff_milli_points: t.cutoff.map(|c| c.points),
                }
            })
            .collect();
        PointKpis {
            children: s.children as u64,
            migrant_children: city.migrant_children,
            public: city.public(),
            public_migrant: city.public_migrant,
            public_by_choice: city.by_choice,
            first_choice: city.first_choice,
            coordinated: city.coordinated,
            purchased: city.purchased,
            purchase_cost_yuan: s.spent_yuan,
            budget_yuan: s.budget_yuan,
            unplaced: city.unplaced,
            unplaced_budget: city.unplaced_budget,
            ineligible: s.ineligible as u64,
            public_seats: s.public_seats,
            proven_optimal: s.proven_optimal,
            choice_stage_bound: s.choice_stage_bound as u64,
            check_passed: s.check_passed,
            districts,
            schools,
        }
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
