//! Eligibility gates: conditions a migrant child must meet before her points count (准入条件).

use crate::domain::{Child, Housing};

/// Conditions a migrant child must meet before points count at all (准入条件).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gates {
    /// Residence permit held at least this many months.
    pub min_permit_months: u32,
    /// Social insurance paid continuously at least this many months.
    pub min_insurance_months: u32,
    /// The family must have legal stable housing (owned or rented) in the district.
    pub require_housing: bool,
    /// Social insurance must not have been paid retroactively (补缴).
    pub no_back_payment: bool,
}

impl Gates {
    /// Why a migrant child fails the gates, or `None` if she passes. Local-hukou children are not
    /// gated.
    pub fn failure(&self, child: &Child) -> Option<String> {
        if !child.is_migrant() {
            return None;
        }
        let mut reasons = Vec::new();
        if child.permit_months < self.min_permit_months {
            reasons.push(format!(
                "residence permit held {} months, the policy requires {}",
                child.permit_months, self.min_permit_months
            ));
        }
        if child.insurance_months < self.min_insurance_months {
            reasons.push(format!(
                "social insurance paid {} months, the policy requires {}",
                child.insurance_months, self.min_insurance_months
            ));
        }
        if self.no_back_payment && child.insurance_back_paid {
            reasons.push("social insurance was paid retroactively (back-payment)".to_string());
        }
        if self.require_housing && child.housing == Housing::None {
            reasons.push("the family has no owned or rented home (housing = none)".to_string());
        }
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }
}
