//! The points policy: eligibility gates, weighted indicators, priority tiers and tie-breaks.
//!
//! A bureau writes its policy as a TOML file (see `docs/scenario-format.md`); [`file`] parses and
//! validates it into a [`Policy`]. Points are computed in integer milli-points so that equal
//! families always tie exactly, whatever the platform. [`ranking`] turns points, tiers and the
//! tie-break chain into the priority every school uses.

pub mod file;
pub mod ranking;

use std::collections::BTreeMap;

use crate::domain::{Child, DistrictIdx, Education, Housing};

/// Points are stored as thousandths of a point so sums and ties are exact.
pub type MilliPoints = i64;

/// Formats milli-points as a decimal number of points (`12500` → `12.5`).
pub fn format_points(milli: MilliPoints) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    let (whole, frac) = (m / 1000, m % 1000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let s = format!("{frac:03}");
        format!("{sign}{whole}.{}", s.trim_end_matches('0'))
    }
}

/// A numeric fact about a family, counted in whole units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NumericFact {
    InsuranceMonths,
    ResidenceMonths,
    PermitMonths,
}

impl NumericFact {
    pub const ALL: [NumericFact; 3] = [
        NumericFact::InsuranceMonths,
        NumericFact::ResidenceMonths,
        NumericFact::PermitMonths,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NumericFact::InsuranceMonths => "insurance_months",
            NumericFact::ResidenceMonths => "residence_months",
            NumericFact::PermitMonths => "permit_months",
        }
    }

    pub fn read(self, child: &Child) -> u32 {
        match self {
            NumericFact::InsuranceMonths => child.insurance_months,
            NumericFact::ResidenceMonths => child.residence_months,
            NumericFact::PermitMonths => child.permit_months,
        }
    }
}

/// A categorical fact about a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CategoryFact {
    Housing,
    Education,
}

impl CategoryFact {
    pub fn name(self) -> &'static str {
        match self {
            CategoryFact::Housing => "housing",
            CategoryFact::Education => "education",
        }
    }

    /// The values this fact can take, as written in the children file.
    pub fn values(self) -> Vec<&'static str> {
        match self {
            CategoryFact::Housing => Housing::ALL.iter().map(|h| h.as_str()).collect(),
            CategoryFact::Education => Education::ALL.iter().map(|e| e.as_str()).collect(),
        }
    }

    pub fn read(self, child: &Child) -> &'static str {
        match self {
            CategoryFact::Housing => child.housing.as_str(),
            CategoryFact::Education => child.education.as_str(),
        }
    }
}

/// The layer of the "provincial common + city common + district individual" scheme an indicator
/// belongs to. Provincial and city points count wherever the child applies; district points
/// count only at schools of the district that defines them, and only for its residents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Provincial,
    City,
    District,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::Provincial, Layer::City, Layer::District];

    pub fn name(self) -> &'static str {
        match self {
            Layer::Provincial => "provincial",
            Layer::City => "city",
            Layer::District => "district",
        }
    }
}

/// The fact an indicator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    Numeric(NumericFact),
    Category(CategoryFact),
    /// An extra numeric or yes/no column `fact_<name>` of the children file; `slot` is its
    /// position in [`crate::domain::Child::extra_facts`], set when the scenario is validated.
    Extra {
        name: String,
        slot: usize,
    },
}

impl Fact {
    pub fn name(&self) -> String {
        match self {
            Fact::Numeric(f) => f.name().to_string(),
            Fact::Category(f) => f.name().to_string(),
            Fact::Extra { name, .. } => name.clone(),
        }
    }
}

/// One step of a bracket table: values in `from..to` (`to` open-ended if `None`) score `points`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    pub from: u32,
    pub to: Option<u32>,
    pub points: MilliPoints,
}

/// How one indicator turns a fact into points.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorRule {
    /// `per_unit` points for every unit of the fact.
    PerUnit { per_unit: MilliPoints },
    /// Steps: the bracket holding the value gives the points (none: 0).
    Brackets(Vec<Bracket>),
    /// A fixed number of points for each value of a categorical fact (missing values score 0).
    Category(BTreeMap<String, MilliPoints>),
}

/// One row of the points table.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub layer: Layer,
    /// For district-layer indicators: the district whose schools count them.
    pub district: Option<DistrictIdx>,
    /// The district id as written in the policy (resolved into `district` on validation).
    pub district_id: Option<String>,
    pub fact: Fact,
    /// Months accumulated in other cities of the province count, times this factor (in
    /// thousandths; 1000 = fully recognised). Only for insurance and residence months.
    pub recognition: Option<i64>,
    pub rule: IndicatorRule,
    /// The most points this indicator can give.
    pub cap: Option<MilliPoints>,
    /// Line of the indicator in the policy file, for errors found later.
    pub line: u64,
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
    /// The value of the fact for a child, including recognised months from other cities.
    fn units(&self, child: &Child) -> Option<u64> {
        match &self.fact {
            Fact::Numeric(f) => {
                let own = u64::from(f.read(child));
                let elsewhere = match f {
                    NumericFact::InsuranceMonths => child.insurance_months_elsewhere,
                    NumericFact::ResidenceMonths => child.residence_months_elsewhere,
                    NumericFact::PermitMonths => 0,
                };
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
        match self.layer {
            Layer::Provincial | Layer::City => true,
            Layer::District => {
                self.district == Some(district) && child.residence_district == district
            }
        }
    }
}

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

/// A priority tier; a school ranks every child of an earlier tier above any of a later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Local hukou in the school's district and living there.
    CatchmentHukou,
    /// An older sibling attends this school.
    Sibling,
    /// Any local hukou in the city.
    Hukou,
    /// A migrant child who passed the gates.
    Migrant,
}

impl Tier {
    pub const ALL: [Tier; 4] = [
        Tier::CatchmentHukou,
        Tier::Sibling,
        Tier::Hukou,
        Tier::Migrant,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tier::CatchmentHukou => "catchment_hukou",
            Tier::Sibling => "sibling",
            Tier::Hukou => "hukou",
            Tier::Migrant => "migrant",
        }
    }
}

/// A secondary key used to order children with equal points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TieKey {
    /// Longer social insurance first.
    InsuranceMonths,
    /// Longer residence first.
    ResidenceMonths,
    /// Longer-held residence permit first.
    PermitMonths,
    /// Older child (earlier birth date) first.
    BirthDate,
}

impl TieKey {
    pub const ALL: [TieKey; 4] = [
        TieKey::InsuranceMonths,
        TieKey::ResidenceMonths,
        TieKey::PermitMonths,
        TieKey::BirthDate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TieKey::InsuranceMonths => "insurance_months",
            TieKey::ResidenceMonths => "residence_months",
            TieKey::PermitMonths => "permit_months",
            TieKey::BirthDate => "birth_date",
        }
    }

    /// A value where smaller ranks first.
    pub fn sort_value(self, child: &Child) -> i64 {
        match self {
            TieKey::InsuranceMonths => -i64::from(child.insurance_months),
            TieKey::ResidenceMonths => -i64::from(child.residence_months),
            TieKey::PermitMonths => -i64::from(child.permit_months),
            TieKey::BirthDate => {
                let d = child.birth_date;
                i64::from(d.year) * 10_000 + i64::from(d.month) * 100 + i64::from(d.day)
            }
        }
    }

    /// The child's value of this key as written in a statement.
    pub fn display_value(self, child: &Child) -> String {
        match self {
            TieKey::InsuranceMonths => child.insurance_months.to_string(),
            TieKey::ResidenceMonths => child.residence_months.to_string(),
            TieKey::PermitMonths => child.permit_months.to_string(),
            TieKey::BirthDate => child.birth_date.to_string(),
        }
    }
}

/// What happens to children still equal after every tie-break key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieRule {
    /// A seeded computer lottery orders them (the default).
    Lottery,
    /// They stay tied: the assignment places as many as possible without passing over anyone
    /// (maximum weakly stable assignment, solved by integer programming).
    KeepTies,
    /// They stay tied, and a school whose last seat falls inside a tie admits the whole tied
    /// group, over its capacity (Guangzhou's over-admission).
    AdmitAllTied,
}

impl TieRule {
    pub fn name(self) -> &'static str {
        match self {
            TieRule::Lottery => "lottery",
            TieRule::KeepTies => "keep_ties",
            TieRule::AdmitAllTied => "admit_all_tied",
        }
    }
}

/// A validated points policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub gates: Gates,
    pub indicators: Vec<Indicator>,
    /// Cap per layer, indexed like [`Layer::ALL`].
    pub layer_caps: [Option<MilliPoints>; 3],
    /// The default tier order.
    pub tiers: Vec<Tier>,
    /// Tier orders of particular schools, by school id, with the policy line they are on.
    pub school_tiers: BTreeMap<String, (Vec<Tier>, u64)>,
    pub tie_keys: Vec<TieKey>,
    pub tie_rule: TieRule,
}

/// A child's points, itemised, at the schools of one district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// One entry per indicator of the policy; `None` where it does not count here.
    pub items: Vec<Option<ItemScore>>,
    /// Layer totals after the layer caps, indexed like [`Layer::ALL`].
    pub layers: [MilliPoints; 3],
    /// Layer totals before the layer caps.
    pub layers_raw: [MilliPoints; 3],
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
                    let l = &mut layers_raw[ind.layer as usize];
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

    /// Whether any indicator belongs to the district layer (then points depend on the district).
    pub fn has_district_layer(&self) -> bool {
        self.indicators.iter().any(|i| i.layer == Layer::District)
    }

    /// The tier order of a school.
    pub fn tiers_of(&self, school_id: &str) -> &[Tier] {
        self.school_tiers
            .get(school_id)
            .map_or(&self.tiers[..], |(t, _)| &t[..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_format_without_trailing_zeros() {
        assert_eq!(format_points(12_500), "12.5");
        assert_eq!(format_points(7_000), "7");
        assert_eq!(format_points(-250), "-0.25");
        assert_eq!(format_points(1), "0.001");
    }
}
