//! School tallies: per public school its seats, applicants, admissions by choice and by
//! coordination, and its cut-off; per private school its purchasable places and the places
//! bought.

use super::cutoff::{cutoffs, Cutoff};
use crate::assign::Outcome;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// The tally of one public school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolTally {
    /// Seats at the entry grade.
    pub seats: u32,
    /// Children admitted by choice.
    pub by_choice: u32,
    /// Children coordinated (统筹) into the school.
    pub coordinated: u32,
    /// Children who listed the school at any rank.
    pub applicants: u32,
    /// Children who listed it first.
    pub first_choice_applicants: u32,
    /// The lowest-priority child admitted by choice, if any was.
    pub cutoff: Option<Cutoff>,
}

impl SchoolTally {
    /// Seats taken: by choice plus coordinated.
    pub fn filled(&self) -> u32 {
        self.by_choice + self.coordinated
    }

    /// Seats left empty (0 when the school is full).
    pub fn spare(&self) -> u32 {
        self.seats.saturating_sub(self.filled())
    }

    /// Seats taken as a share of seats (`None` for a school of no seats).
    pub fn fill_share(&self) -> Option<f64> {
        (self.seats > 0).then(|| f64::from(self.filled()) / f64::from(self.seats))
    }
}

/// The tally of one private school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivateTally {
    /// Places the bureau may buy there.
    pub places: u32,
    /// Places bought.
    pub bought: u32,
}

impl PrivateTally {
    /// Purchasable places not bought.
    pub fn spare(&self) -> u32 {
        self.places - self.bought
    }

    /// Places bought as a share of the purchasable places (`None` when there are none).
    pub fn fill_share(&self) -> Option<f64> {
        (self.places > 0).then(|| f64::from(self.bought) / f64::from(self.places))
    }
}

/// The tallies of every school of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolTallies {
    /// Indexed by [`crate::domain::SchoolIdx`].
    pub public: Vec<SchoolTally>,
    /// Indexed by [`crate::domain::PrivateIdx`].
    pub private: Vec<PrivateTally>,
}

impl SchoolTallies {
    /// Tallies every school from the outcomes (one per child).
    pub fn compute(scenario: &Scenario, ranking: &Ranking, outcomes: &[Outcome]) -> SchoolTallies {
        let mut public: Vec<SchoolTally> = scenario
            .schools
            .iter()
            .map(|s| SchoolTally {
                seats: s.seats,
                by_choice: 0,
                coordinated: 0,
                applicants: 0,
                first_choice_applicants: 0,
                cutoff: None,
            })
            .collect();
        let mut private: Vec<PrivateTally> = scenario
            .private_schools
            .iter()
            .map(|p| PrivateTally {
                places: p.purchasable_seats,
                bought: 0,
            })
            .collect();
        for c in scenario.child_indices() {
            for (i, s) in scenario.child(c).choices.iter().enumerate() {
                public[s.ix()].applicants += 1;
                public[s.ix()].first_choice_applicants += u32::from(i == 0);
            }
            match outcomes[c.ix()] {
                Outcome::Choice { school, .. } => public[school.ix()].by_choice += 1,
                Outcome::Coordinated { school } => public[school.ix()].coordinated += 1,
                Outcome::Purchased { school } => private[school.ix()].bought += 1,
                Outcome::Unplaced { .. } => {}
            }
        }
        for (t, cut) in public.iter_mut().zip(cutoffs(scenario, ranking, outcomes)) {
            t.cutoff = cut;
        }
        SchoolTallies { public, private }
    }
}
