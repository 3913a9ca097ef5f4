//! A child's points statement: every indicator's score, the layer totals and caps, the total.
//!
//! The same statement backs ranking (its total) and explanations (its items), so what a family
//! is told always adds up to what decided her place.

use super::{ItemScore, MilliPoints, Policy};
use crate::domain::{Child, DistrictIdx};

/// A child's points, itemised, at the schools of one district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// One entry per indicator of the policy; `None` where it does not count here.
    pub items: Vec<Option<ItemScore>>,
    /// Layer totals after the layer caps, indexed like [`super::Layer::ALL`].
    pub layers: [MilliPoints; 3],
    /// Layer totals before the layer caps.
    pub layers_raw: [MilliPoints; 3],
    /// The sum of the capped layer totals.
    pub total: MilliPoints,
}

impl Policy {
    /// The itemised points of a child at schools of `district`.
    pub fn statement(&self, child: &Child, district: DistrictIdx) -> Statement {
        let mut layers_raw: [MilliPoints; 3] = [0; 3];
        let items: Vec<Option<ItemScore>> = self
            .indicators
            .iter()
            .map(|ind| {
                ind.applies(child, district).then(|| {
                    let item = ind.score(child);
                    let l = &mut layers_raw[ind.layer() as usize];
                    *l = (*l).saturating_add(item.points);
                    item
                })
            })
            .collect();
        let mut layers = layers_raw;
        for (l, cap) in layers.iter_mut().zip(self.layer_caps) {
            if let Some(cap) = cap {
                *l = (*l).min(cap);
            }
        }
        Statement {
            items,
            layers,
            layers_raw,
            total: layers
                .iter()
                .fold(0, |a: MilliPoints, &b| a.saturating_add(b)),
        }
    }

    /// Total points of a child at schools of `district`.
    pub fn points_at(&self, child: &Child, district: DistrictIdx) -> MilliPoints {
        self.statement(child, district).total
    }
}
