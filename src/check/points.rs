//! The checker's own points: a child's score under the policy, computed from its definition.
//!
//! Written from `docs/points-policy.md` (§3 layers, §4 indicators, §5 extra facts, §6 the district
//! layer), reading the policy's data and nothing of its scoring code nor of `crate::ranking`:
//! each indicator reads its fact (own months plus months elsewhere times the recognition factor,
//! rounded down; an extra fact's number; a category's value), its rule gives points (per unit, the
//! bracket holding the value, the category's table), its own cap cuts them; each layer's sum is
//! cut to the layer's cap and the layers add up. District-layer indicators count only at the
//! schools of their own district, and only for the children living there.

use crate::domain::Child;
use crate::policy::{
    Fact, Indicator, IndicatorRule, Layer, MilliPoints, NumericFact, Policy, Scope,
};

/// The child's points at the schools of her own district (`at_home`), or at the schools of any
/// other district (where no district-layer indicator counts for her).
pub(super) fn score(policy: &Policy, child: &Child, at_home: bool) -> MilliPoints {
    let mut layer_sums: [MilliPoints; 3] = [0; 3];
    for indicator in &policy.indicators {
        let layer = match indicator.scope {
            Scope::Provincial => Layer::Provincial,
            Scope::City => Layer::City,
            Scope::District(d) if at_home && d == child.residence_district => Layer::District,
            Scope::District(_) => continue,
        };
        let mut points = raw_points(indicator, child);
        if let Some(cap) = indicator.cap {
            points = points.min(cap);
        }
        let sum = &mut layer_sums[layer_slot(layer)];
        *sum = sum.saturating_add(points);
    }
    Layer::ALL.iter().fold(0, |total: MilliPoints, &layer| {
        let sum = layer_sums[layer_slot(layer)];
        let capped = match policy.layer_caps[layer_slot(layer)] {
            Some(cap) if sum > cap => cap,
            _ => sum,
        };
        total.saturating_add(capped)
    })
}

/// Where a layer's sum and cap are kept: its position in [`Layer::ALL`].
fn layer_slot(layer: Layer) -> usize {
    Layer::ALL
        .iter()
        .position(|&l| l == layer)
        .expect("every layer is in Layer::ALL")
}

/// An indicator's points before its cap.
fn raw_points(indicator: &Indicator, child: &Child) -> MilliPoints {
    match &indicator.rule {
        IndicatorRule::Category(table) => match &indicator.fact {
            Fact::Category(category) => {
                let value = match category {
                    crate::policy::CategoryFact::Housing => child.housing.as_str(),
                    crate::policy::CategoryFact::Education => child.education.as_str(),
                };
                table.get(value).copied().unwrap_or(0)
            }
            // A table of values on a number gives nothing (a checked policy never has one).
            _ => 0,
        },
        IndicatorRule::PerUnit { per_unit } => {
            let units = value(indicator, child).unwrap_or(0);
            i64::try_from(units)
                .unwrap_or(i64::MAX)
                .saturating_mul(*per_unit)
        }
        IndicatorRule::Brackets(steps) => {
            let Some(v) = value(indicator, child) else {
                return 0;
            };
            for step in steps {
                let above_start = v >= u64::from(step.from);
                let below_end = match step.to {
                    Some(end) => v < u64::from(end),
                    None => true,
                };
                if above_start && below_end {
                    return step.points;
                }
            }
            0
        }
    }
}

/// The number an indicator reads for a child, or `None` for a category fact.
fn value(indicator: &Indicator, child: &Child) -> Option<u64> {
    match &indicator.fact {
        Fact::Numeric(fact) => {
            let (own, elsewhere) = match fact {
                NumericFact::InsuranceMonths => {
                    (child.insurance_months, child.insurance_months_elsewhere)
                }
                NumericFact::ResidenceMonths => {
                    (child.residence_months, child.residence_months_elsewhere)
                }
                // Permits are held in this city only.
                NumericFact::PermitMonths => (child.permit_months, 0),
            };
            // floor(months elsewhere × factor), the factor kept in thousandths.
            let recognised = match indicator.recognition {
                Some(factor) if factor > 0 => (u64::from(elsewhere) * factor.unsigned_abs()) / 1000,
                _ => 0,
            };
            Some(u64::from(own) + recognised)
        }
        Fact::Extra { slot, .. } => Some(u64::from(
            child.extra_facts.get(*slot).copied().unwrap_or(0),
        )),
        Fact::Category(_) => None,
    }
}
