//! Seat supply against demand, district by district (the rows of `districts.csv`).
//!
//! Demand is projected from the permanent population (常住人口) — the plan's rule is to allocate
//! education resources by the resident population, not by hukou — as `population × cohort
//! share`; it is shown beside the applicants actually in the scenario and the places that stand
//! ready: public seats at the entry grade and purchasable private places. The outcome columns
//! are the district's [`DistrictOutcomes`].

use super::outcomes::DistrictOutcomes;
use crate::scenario::Scenario;

/// Supply and demand of one district.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DistrictBalance {
    /// The district's id.
    pub district: String,
    /// The district's name.
    pub name: String,
    /// Its permanent population.
    pub permanent_population: u64,
    /// The share of the permanent population expected to apply at the entry grade.
    pub cohort_share: f64,
    /// Children expected to apply this year ([`crate::domain::District::projected_applicants`]).
    pub projected_children: u64,
    /// Projected migrant children, when the district gives a migrant share.
    pub projected_migrant_children: Option<u64>,
    /// Applicants living in the district.
    pub applicants: u64,
    /// Migrant applicants living in the district.
    pub migrant_applicants: u64,
    /// Public seats at the entry grade in the district's schools.
    pub public_seats: u64,
    /// Purchasable places in the district's private schools.
    pub purchasable_places: u64,
    /// `projected_children − public_seats` (negative: spare seats).
    pub projected_gap: i64,
    /// `applicants − public_seats` (negative: spare seats).
    pub applicant_gap: i64,
    /// Residents placed in a public school (by choice or coordinated).
    pub placed_public: u64,
    /// Residents given a bought private place.
    pub placed_purchased: u64,
    /// Residents left without a place.
    pub unplaced: u64,
}

/// Every district's balance, with its residents' outcomes.
pub fn balance(scenario: &Scenario, outcomes: &DistrictOutcomes) -> Vec<DistrictBalance> {
    let mut rows: Vec<DistrictBalance> = scenario
        .districts
        .iter()
        .zip(&outcomes.districts)
        .map(|(d, o)| {
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
                applicants: o.children,
                migrant_applicants: o.migrant_children,
                public_seats: 0,
                purchasable_places: 0,
                projected_gap: 0,
                applicant_gap: 0,
                placed_public: o.public(),
                placed_purchased: o.purchased,
                unplaced: o.unplaced,
            }
        })
        .collect();
    for s in &scenario.schools {
        rows[s.district.ix()].public_seats += u64::from(s.seats);
    }
    for p in &scenario.private_schools {
        rows[p.district.ix()].purchasable_places += u64::from(p.purchasable_seats);
    }
    for r in &mut rows {
        r.projected_gap = r.projected_children as i64 - r.public_seats as i64;
        r.applicant_gap = r.applicants as i64 - r.public_seats as i64;
    }
    rows
}
