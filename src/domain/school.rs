//! Schools: public schools (their intake at the entry grade) and lawful private schools whose
//! places the bureau can buy.

use super::{DistrictIdx, Location};

/// A public school's intake at the scenario's entry grade.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    pub id: String,
    pub name: String,
    pub district: DistrictIdx,
    pub entry_grade: u8,
    /// Places offered at the entry grade this year.
    pub seats: u32,
    /// Of `seats`, how many are reserved for migrant children (随迁子女): filled first by
    /// migrant applicants in priority order; any a migrant does not take are open to everyone.
    pub reserved_migrant: u32,
    pub location: Location,
}

/// A lawful private school whose places the bureau can buy (政府购买服务).
#[derive(Debug, Clone, PartialEq)]
pub struct PrivateSchool {
    pub id: String,
    pub name: String,
    pub district: DistrictIdx,
    pub entry_grade: u8,
    /// Places the bureau may buy this year.
    pub purchasable_seats: u32,
    /// Subsidy the bureau pays per bought place per year, in yuan.
    pub subsidy_yuan: u64,
    /// The school's own fee per year, in yuan; the subsidy never exceeds it.
    pub fee_yuan: u64,
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
            location: Location {
                x_km: 0.0,
                y_km: 0.0,
            },
        };
        assert_eq!(p.cost_per_seat(), 5000);
    }
}
