//! The checker's own eligibility gates: why a migrant child may not be admitted, if she may not.
//!
//! Written from `docs/points-policy.md` §2: a child with a local hukou is never gated; a migrant
//! child fails when her permit or her insurance months (own, in this city) are below the
//! policy's minimum, when her insurance was paid retroactively and the policy forbids it, or when
//! the policy asks for a home and she has none. Every reason is given, in that order, joined by
//! `; ` — the words `placements.csv` writes in its `note`.

use crate::domain::{Child, Housing};
use crate::policy::Gates;

/// Why the child fails the gates, or `None` if she passes.
pub(super) fn failure(gates: &Gates, child: &Child) -> Option<String> {
    if child.hukou_district.is_some() {
        return None;
    }
    let mut reasons: Vec<String> = Vec::new();
    if child.permit_months < gates.min_permit_months {
        reasons.push(format!(
            "residence permit held {} months, the policy requires {}",
            child.permit_months, gates.min_permit_months
        ));
    }
    if child.insurance_months < gates.min_insurance_months {
        reasons.push(format!(
            "social insurance paid {} months, the policy requires {}",
            child.insurance_months, gates.min_insurance_months
        ));
    }
    if gates.no_back_payment && child.insurance_back_paid {
        reasons.push("social insurance was paid retroactively (back-payment)".into());
    }
    if gates.require_housing && child.housing == Housing::None {
        reasons.push("the family has no owned or rented home (housing = none)".into());
    }
    if reasons.is_empty() {
        None
    } else {
        Some(reasons.join("; "))
    }
}
