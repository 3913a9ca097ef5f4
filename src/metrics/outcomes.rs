//! District outcomes: how a district's residents (or the whole city's children) were placed.
//!
//! Children are counted where they live, whatever the district of the school that took them.
//! `districts.csv`, the report's district chart and table, the summary and a sweep point's KPIs
//! all count outcomes here.

use crate::assign::{Outcome, UnplacedReason};
use crate::domain::Child;
use crate::scenario::Scenario;

/// Outcome counts of a group of children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    /// Children in the group.
    pub children: u64,
    /// Migrant children in the group.
    pub migrant_children: u64,
    /// Placed in a public school by choice.
    pub by_choice: u64,
    /// Placed at their first choice.
    pub first_choice: u64,
    /// Coordinated (统筹) into a public school.
    pub coordinated: u64,
    /// Migrant children in a public school (by choice or coordinated).
    pub public_migrant: u64,
    /// Given a bought private place.
    pub purchased: u64,
    /// Left without a place.
    pub unplaced: u64,
    /// Unplaced because the purchase budget ran out.
    pub unplaced_budget: u64,
    /// Unplaced because the purchasable places in reach were taken.
    pub unplaced_private_full: u64,
    /// Unplaced because no private school with purchasable places was in reach.
    pub unplaced_no_private: u64,
}

impl OutcomeCounts {
    /// Children in a public school: by choice plus coordinated.
    pub fn public(&self) -> u64 {
        self.by_choice + self.coordinated
    }

    fn add(&mut self, child: &Child, outcome: Outcome) {
        let migrant = u64::from(child.is_migrant());
        self.children += 1;
        self.migrant_children += migrant;
        match outcome {
            Outcome::Choice { rank, .. } => {
                self.by_choice += 1;
                self.first_choice += u64::from(rank == 1);
            }
            Outcome::Coordinated { .. } => self.coordinated += 1,
            Outcome::Purchased { .. } => self.purchased += 1,
            Outcome::Unplaced { reason } => {
                self.unplaced += 1;
                match reason {
                    UnplacedReason::BudgetExhausted => self.unplaced_budget += 1,
                    UnplacedReason::PrivateSeatsFull => self.unplaced_private_full += 1,
                    UnplacedReason::NoPrivateInReach => self.unplaced_no_private += 1,
                }
            }
        }
        if outcome.public_school().is_some() {
            self.public_migrant += migrant;
        }
    }
}

/// Outcomes per district of residence and for the whole city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictOutcomes {
    /// Indexed by [`crate::domain::DistrictIdx`]: the district's residents.
    pub districts: Vec<OutcomeCounts>,
    /// Every child of the scenario.
    pub city: OutcomeCounts,
}

impl DistrictOutcomes {
    /// Counts the outcomes (one per child) by the district each child lives in.
    pub fn compute(scenario: &Scenario, outcomes: &[Outcome]) -> DistrictOutcomes {
        let mut districts = vec![OutcomeCounts::default(); scenario.districts.len()];
        let mut city = OutcomeCounts::default();
        for (child, &outcome) in scenario.children.iter().zip(outcomes) {
            districts[child.residence_district.ix()].add(child, outcome);
            city.add(child, outcome);
        }
        DistrictOutcomes { districts, city }
    }
}
