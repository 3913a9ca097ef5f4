//! One row of the points table: which fact it reads, where it counts, how it scores.
//!
//! An [`Indicator`] belongs to a layer of the "provincial common + city common + district
//! individual" scheme ([`Scope`]); its [`IndicatorRule`] turns the fact's value into points
//! ([`ItemScore`]), at most its cap.

use std::collections::BTreeMap;

use super::{Fact, MilliPoints};
use crate::domain::{Child, DistrictIdx};

/// The layer of the "provincial common + city common + district individual" scheme an indicator
/// belongs to. Provincial and city points count wherever the child applies; district points
/// count only at schools of the district that defines them, and only for its residents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Provincial common indicators (省级共性指标).
    Provincial,
    /// City common indicators (市级共性指标), the default.
    City,
    /// District individual indicators (区县个性指标).
    District,
}

impl Layer {
    /// Every layer, in the order layer totals and caps are indexed.
    pub const ALL: [Layer; 3] = [Layer::Provincial, Layer::City, Layer::District];

    /// The layer's name as written in a policy file.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Provincial => "provincial",
            Layer::City => "city",
            Layer::District => "district",
        }
    }
}

/// Where an indicator counts: its layer, with the district for a district-layer indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Counts wherever the child applies, in the provincial layer.
    Provincial,
    /// Counts wherever the child applies, in the city layer.
    City,
    /// Counts only at schools of this district, and only for its residents.
    District(DistrictIdx),
}

impl Scope {
    /// The layer whose total and cap this indicator's points go to.
    pub fn layer(self) -> Layer {
        match self {
            Scope::Provincial => Layer::Provincial,
            Scope::City => Layer::City,
            Scope::District(_) => Layer::District,
        }
    }
}

/// One step of a bracket table: values in `from..to` (`to` open-ended if `None`) score `points`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    /// The first value of the step.
    pub from: u32,
    /// The first value above the step; `None` for the open-ended last step.
    pub to: Option<u32>,
    /// Points for a value in the step.
    pub points: MilliPoints,
}

/// How one indicator turns a fact into points.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorRule {
    /// `per_unit` points for every unit of the fact.
    PerUnit {
        /// Points per unit.
        per_unit: MilliPoints,
    },
    /// Steps: the bracket holding the value gives the points (none: 0).
    Brackets(Vec<Bracket>),
    /// A fixed number of points for each value of a categorical fact (missing values score 0).
    Category(BTreeMap<String, MilliPoints>),
}

/// One row of the points table.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// The indicator's name, as written in the policy (shown in statements).
    pub name: String,
    /// Its layer, and for district-layer indicators the district whose schools count it.
    pub scope: Scope,
    /// The fact it reads.
    pub fact: Fact,
    /// Months accumulated in other cities of the province count, times this factor (in
    /// thousandths; 1000 = fully recognised). Only for insurance and residence months.
    pub recognition: Option<i64>,
    /// How the fact's value becomes points.
    pub rule: IndicatorRule,
    /// The most points this indicator can give.
    pub cap: Option<MilliPoints>,
}

/// What one indicator gave one child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemScore {
    /// The value read (after cross-region recognition), as written in a statement.
    pub value: String,
    /// Points before the indicator's cap.
    pub raw: MilliPoints,
    /// Points after the cap.
    pub points: MilliPoints,
}

impl Indicator {
    /// The layer whose total and cap this indicator's points go to.
    pub fn layer(&self) -> Layer {
        self.scope.layer()
    }

    /// The value of the fact for a child, including recognised months from other cities.
    fn units(&self, child: &Child) -> Option<u64> {
        match &self.fact {
            Fact::Numeric(f) => {
                let own = u64::from(f.read(child));
                let elsewhere = f.read_elsewhere(child);
                let recognised = self
                    .recognition
                    .map_or(0, |f| (i64::from(elsewhere) * f / 1000) as u64);
                Some(own + recognised)
            }
            Fact::Extra { slot, .. } => Some(u64::from(child.extra_facts[*slot])),
            Fact::Category(_) => None,
        }
    }

    /// Points this indicator gives the child, before and after its cap.
    pub fn score(&self, child: &Child) -> ItemScore {
        let (value, raw) = match (&self.rule, &self.fact) {
            (IndicatorRule::Category(table), Fact::Category(f)) => {
                let v = f.read(child);
                (v.to_string(), table.get(v).copied().unwrap_or(0))
            }
            (IndicatorRule::PerUnit { per_unit }, _) => {
                let u = self.units(child).unwrap_or(0);
                (u.to_string(), (u as i64).saturating_mul(*per_unit))
            }
            (IndicatorRule::Brackets(steps), _) => {
                let u = self.units(child).unwrap_or(0);
                let pts = steps
                    .iter()
                    .find(|b| u >= u64::from(b.from) && b.to.is_none_or(|t| u < u64::from(t)))
                    .map_or(0, |b| b.points);
                (u.to_string(), pts)
            }
            (IndicatorRule::Category(_), _) => (String::new(), 0),
        };
        let points = self.cap.map_or(raw, |c| raw.min(c));
        ItemScore { value, raw, points }
    }

    /// Whether the indicator counts for this child at schools of `district`.
    pub fn applies(&self, child: &Child, district: DistrictIdx) -> bool {
        match self.scope {
            Scope::Provincial | Scope::City => true,
            Scope::District(own) => own == district && child.residence_district == district,
        }
    }
}
