//! The points policy: eligibility gates, weighted indicators, priority tiers and tie-breaks.
//!
//! A bureau writes its policy as a TOML file (see `docs/scenario-format.md`); [`file`] parses and
//! validates it into a [`Policy`]. Points are computed in integer milli-points so that equal
//! families always tie exactly, whatever the platform. [`ranking`] turns points, tiers and the
//! tie-break chain into the priority every school uses.

pub mod file;
pub mod ranking;

use std::collections::BTreeMap;

use crate::domain::{Child, Education, Housing};

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

/// How one indicator turns a fact into points.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorRule {
    /// `points_per_unit` for every unit of the fact, capped at `cap` points.
    PerUnit {
        fact: NumericFact,
        per_unit: MilliPoints,
        cap: Option<MilliPoints>,
    },
    /// A fixed number of points for each value of a categorical fact (missing values score 0).
    Category {
        fact: CategoryFact,
        points: BTreeMap<String, MilliPoints>,
    },
}

/// One row of the points table.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub rule: IndicatorRule,
}

impl Indicator {
    /// Points this indicator gives the child, and whether a cap cut them.
    pub fn score(&self, child: &Child) -> (MilliPoints, bool) {
        match &self.rule {
            IndicatorRule::PerUnit {
                fact,
                per_unit,
                cap,
            } => {
                let raw = i64::from(fact.read(child)) * per_unit;
                match cap {
                    Some(cap) if raw > *cap => (*cap, true),
                    _ => (raw, false),
                }
            }
            IndicatorRule::Category { fact, points } => {
                (points.get(fact.read(child)).copied().unwrap_or(0), false)
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
}

/// A validated points policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub gates: Gates,
    pub indicators: Vec<Indicator>,
    pub tiers: Vec<Tier>,
    pub tie_keys: Vec<TieKey>,
    pub tie_rule: TieRule,
}

impl Policy {
    /// Total points of a child: the sum of every indicator.
    pub fn points(&self, child: &Child) -> MilliPoints {
        self.indicators.iter().map(|i| i.score(child).0).sum()
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
