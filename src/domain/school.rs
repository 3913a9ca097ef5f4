//! Schools: public schools (their intake at the entry grade) and lawful private schools whose
//! places the bureau can buy.

use super::{DistrictIdx, Location};

/// A public school's intake at the scenario's entry grade.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// The school's id in the schools file; unique across public and private schools.
    pub id: String,
    /// The school's name, for display.
    pub name: String,
    /// District the school belongs to.
    pub district: DistrictIdx,
    /// Grade the school takes entrants into: 1 (primary) or 7 (junior secondary), the intake's.
    pub entry_grade: u8,
    /// Places offered at the entry grade this year.
    pub seats: u32,
    /// Of `seats`, how many are reserved for migrant children (随迁子女): filled first by
    /// migrant applicants in priority order; any a migrant does not take are open to everyone.
    pub reserved_migrant: u32,
    /// Where the school is.
    pub location: Location,
}

/// A lawful private school whose places the bureau can buy (政府购买服务).
#[derive(Debug, Clone, PartialEq)]
pub struct PrivateSchool {
    /// The school's id in the private-schools file; unique across public and private schools.
    pub id: String,
    /// The school's name, for display.
    pub name: String,
    /// District the school belongs to.
    pub district: DistrictIdx,
    /// Grade the school takes entrants into: 1 (primary) or 7 (junior secondary), the intake's.
    pub entry_grade: u8,
    /// Places the bureau may buy this year.
    pub purchasable_seats: u32,
    /// Subsidy the bureau pays per bought place per year, in yuan.
    pub subsidy_yuan: u64,
    /// The school's own fee per year, in yuan; the subsidy never exceeds it.
    pub fee_yuan: u64,
    /// Where the school is.
    pub location: Location,
}

impl PrivateSchool {
    /// What one bought place costs the bureau: the subsidy, capped at the school's fee.
    pub fn cost_per_seat(&self) -> u64 {
        self.subsidy_yuan.min(self.fee_yuan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bought_place_costs_at_most_the_fee() {
        let p = PrivateSchool {
            id: "p".into(),
            name: "p".into(),
            district: DistrictIdx(0),
            entry_grade: 1,
            purchasable_seats: 1,
            subsidy_yuan: 7000,
            fee_yuan: 5000,
            location: Location::km(0.0, 0.0),
        };
        assert_eq!(p.cost_per_seat(), 5000);
    }
}
