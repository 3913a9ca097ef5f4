//! Seat supply against demand, district by district.
//!
//! Demand is projected from the permanent population (常住人口) — the plan's rule is to allocate
//! education resources by the resident population, not by hukou — as `population × cohort
//! share`; it is shown beside the applicants actually in the scenario and the places that stand
//! ready: public seats at the entry grade and purchasable private places.

use crate::assign::Outcome;
use crate::scenario::Scenario;

/// Supply and demand of one district.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DistrictBalance {
    pub district: String,
    pub name: String,
    pub permanent_population: u64,
    pub cohort_share: f64,
    /// Children expected to apply this year ([`crate::domain::District::projected_applicants`]).
    pub projected_children: u64,
    /// Projected migrant children, when the district gives a migrant share.
    pub projected_migrant_children: Option<u64>,
    /// Applicants living in the district.
    pub applicants: u64,
    pub migrant_applicants: u64,
    pub public_seats: u64,
    pub purchasable_places: u64,
    /// `projected_children − public_seats` (negative: spare seats).
    pub projected_gap: i64,
    /// `applicants − public_seats` (negative: spare seats).
    pub applicant_gap: i64,
    /// Outcomes of the district's residents.
    pub placed_public: u64,
    pub placed_purchased: u64,
    pub unplaced: u64,
}

/// Computes every district's balance; `outcomes` (one per child) fills the outcome columns.
pub fn balance(scenario: &Scenario, outcomes: Option<&[Outcome]>) -> Vec<DistrictBalance> {
    let mut rows: Vec<DistrictBalance> = scenario
        .districts
        .iter()
        .map(|d| {
            let projected = d.projected_applicants(0);
            DistrictBalance {
                district: d.id.clone(),
                name: d.name.clone(),
                permanent_population: d.permanent_population,
                cohort_share: d.cohort_share,
                projected_children: projected,
                projected_migrant_children: d
                    .migrant_share
                    .map(|m| (projected as f64 * m).round() as u64),
                applicants: 0,
                migrant_applicants: 0,
                public_seats: 0,
                purchasable_places: 0,
                projected_gap: 0,
                applicant_gap: 0,
                placed_public: 0,
                placed_purchased: 0,
                unplaced: 0,
            }
        })
        .collect();
    for s in &scenario.schools {
        rows[s.district.ix()].public_seats += u64::from(s.seats);
    }
    for p in &scenario.private_schools {
        rows[p.district.ix()].purchasable_places += u64::from(p.purchasable_seats);
    }
    for (i, child) in scenario.children.iter().enumerate() {
        let r = &mut rows[child.residence_district.ix()];
        r.applicants += 1;
        r.migrant_applicants += u64::from(child.is_migrant());
        if let Some(outcomes) = outcomes {
            match outcomes[i] {
                Outcome::Choice { .. } | Outcome::Coordinated { .. } => r.placed_public += 1,
                Outcome::Purchased { .. } => r.placed_purchased += 1,
                Outcome::Unplaced { .. } => r.unplaced += 1,
            }
        }
    }
    for r in &mut rows {
        r.projected_gap = r.projected_children as i64 - r.public_seats as i64;
        r.applicant_gap = r.applicants as i64 - r.public_seats as i64;
    }
    rows
}
