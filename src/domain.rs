//! The validated domain: districts, schools, private schools, children and their choices.
//!
//! Values here have already passed validation: every reference resolves, every number is in
//! range. Entities are addressed by dense typed indices (`ChildIdx`, `SchoolIdx`, ...) into the
//! vectors of [`Scenario`]; the string ids from the input files are kept for output only. Nothing
//! in this module does I/O.

use std::fmt;

use crate::policy::Policy;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in the scenario's vector.
            #[inline]
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of a district in [`Scenario::districts`].
    DistrictIdx
);
index_type!(
    /// Index of a public school in [`Scenario::schools`].
    SchoolIdx
);
index_type!(
    /// Index of a private school in [`Scenario::private_schools`].
    PrivateIdx
);
index_type!(
    /// Index of a child in [`Scenario::children`].
    ChildIdx
);

/// A point on the scenario's planar grid, in kilometres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub x_km: f64,
    pub y_km: f64,
}

impl Location {
    /// Straight-line distance in kilometres. Computed with `sqrt` (correctly rounded by
    /// IEEE 754), not `hypot`, so it is bit-identical on every platform.
    pub fn distance_km(self, other: Location) -> f64 {
        let (dx, dy) = (self.x_km - other.x_km, self.y_km - other.y_km);
        (dx * dx + dy * dy).sqrt()
    }
}

/// A district (区/县) of the city.
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub id: String,
    pub name: String,
    /// Permanent (resident) population, 常住人口.
    pub permanent_population: u64,
    /// Share of residents in one year-cohort of the entry grade.
    pub cohort_share: f64,
    /// Share of the cohort who are migrant children (for the seat model).
    pub migrant_share: Option<f64>,
    /// Children of the entry age counted directly (births or an age-cohort count); when given
    /// it replaces `population × cohort_share`.
    pub cohort_children: Option<u64>,
    /// Share of the cohort expected to apply for a public place (default 1).
    pub apply_share: f64,
    /// Yearly growth of the cohort for multi-year projections (default 0).
    pub growth_rate: f64,
}

impl District {
    /// Children expected to apply `years` years from now: the cohort (counted, or
    /// `population × cohort_share`) × `(1 + growth_rate)^years` × `apply_share`, rounded.
    /// Repeated multiplication (not `powi`) keeps it bit-identical on every platform.
    pub fn projected_applicants(&self, years: u32) -> u64 {
        let mut cohort = match self.cohort_children {
            Some(n) => n as f64,
            None => self.permanent_population as f64 * self.cohort_share,
        };
        for _ in 0..years {
            cohort *= 1.0 + self.growth_rate;
        }
        (cohort * self.apply_share).round().max(0.0) as u64
    }
}

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

/// Kind of home the family lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Housing {
    Owned,
    Rented,
    None,
}

impl Housing {
    pub const ALL: [Housing; 3] = [Housing::Owned, Housing::Rented, Housing::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Housing::Owned => "owned",
            Housing::Rented => "rented",
            Housing::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Housing> {
        Housing::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

/// Highest education level of the applying parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Education {
    None,
    Junior,
    Senior,
    College,
    Bachelor,
    Postgraduate,
}

impl Education {
    pub const ALL: [Education; 6] = [
        Education::None,
        Education::Junior,
        Education::Senior,
        Education::College,
        Education::Bachelor,
        Education::Postgraduate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Education::None => "none",
            Education::Junior => "junior",
            Education::Senior => "senior",
            Education::College => "college",
            Education::Bachelor => "bachelor",
            Education::Postgraduate => "postgraduate",
        }
    }

    pub fn parse(s: &str) -> Option<Education> {
        Education::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// A calendar date, stored as (year, month, day) so it orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible days.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let year: u16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        let day: u8 = d.parse().ok()?;
        let days = Date::days_in_month(year, month)?;
        (day >= 1 && day <= days).then_some(Date { year, month, day })
    }

    /// Days in a month of the Gregorian calendar; `None` for a month outside 1–12.
    pub fn days_in_month(year: u16, month: u8) -> Option<u8> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
            4 | 6 | 9 | 11 => Some(30),
            2 if leap => Some(29),
            2 => Some(28),
            _ => None,
        }
    }

    /// Why `s` is not a date, in words.
    pub fn problem(s: &str) -> String {
        let parts: Vec<&str> = s.split('-').collect();
        if let [y, m, d] = parts[..] {
            let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
            if digits(y, 4) && digits(m, 2) && digits(d, 2) {
                let (year, month): (u16, u8) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0));
                return match Date::days_in_month(year, month) {
                    Some(days) => format!("`{s}` is not a real date ({y}-{m} has {days} days)"),
                    None => format!("`{s}` is not a real date (months run from 01 to 12)"),
                };
            }
        }
        format!("`{s}` is not a date written YYYY-MM-DD")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An applicant and the facts the points scheme reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub id: String,
    pub birth_date: Date,
    /// District the family lives in.
    pub residence_district: DistrictIdx,
    pub location: Location,
    /// District of the child's local hukou; `None` for a migrant child (随迁子女).
    pub hukou_district: Option<DistrictIdx>,
    /// Months the parent has held a valid residence permit.
    pub permit_months: u32,
    /// Months of continuous social insurance (no back-payment).
    pub insurance_months: u32,
    /// Months of continuous residence in the city.
    pub residence_months: u32,
    /// Months of social insurance accumulated in other cities of the province.
    pub insurance_months_elsewhere: u32,
    /// Months of residence accumulated in other cities of the province.
    pub residence_months_elsewhere: u32,
    /// Whether social insurance was paid retroactively (补缴).
    pub insurance_back_paid: bool,
    pub housing: Housing,
    pub education: Education,
    /// School an older sibling attends, if any.
    pub sibling_school: Option<SchoolIdx>,
    /// Values of the extra `fact_<name>` columns, in the order of [`Scenario::extra_facts`]
    /// (yes/no read as 1/0).
    pub extra_facts: Vec<u32>,
    /// The family's choices, best first (already sorted by rank and validated).
    pub choices: Vec<SchoolIdx>,
    /// Joint application: the index of the child's sibling group (children of one family
    /// entering together, placed at one school by choice or not at all by choice), if any.
    pub sibling_group: Option<u32>,
}

impl Child {
    /// A child without a local hukou.
    pub fn is_migrant(&self) -> bool {
        self.hukou_district.is_none()
    }
}

/// Fallback rules applied after the choice stage.
#[derive(Debug, Clone, PartialEq)]
pub struct FallbackRules {
    /// Coordinated (统筹) placement only within this distance; `None` = anywhere in the district.
    pub coordinated_max_km: Option<f64>,
    /// Bought places only within this distance of home; `None` = no limit.
    pub purchase_max_km: Option<f64>,
    /// Bought places only in the child's district of residence.
    pub purchase_same_district: bool,
}

impl Default for FallbackRules {
    fn default() -> Self {
        FallbackRules {
            coordinated_max_km: None,
            purchase_max_km: None,
            purchase_same_district: true,
        }
    }
}

/// A validated scenario, ready to solve.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    /// Entry grade this intake is for (1 = primary, 7 = junior secondary).
    pub entry_grade: u8,
    pub seed: u64,
    /// Money available for buying private places this year, in yuan.
    pub budget_yuan: u64,
    pub districts: Vec<District>,
    /// Public schools at the entry grade (schools of other grades are dropped after validation).
    pub schools: Vec<School>,
    /// Private schools at the entry grade.
    pub private_schools: Vec<PrivateSchool>,
    pub children: Vec<Child>,
    /// Names of the extra facts (children-file columns `fact_<name>`), in column order.
    pub extra_facts: Vec<String>,
    pub policy: Policy,
    pub fallback: FallbackRules,
    /// Key for pseudonymising other children's ids in explanations (`[privacy] pseudonym_key`).
    pub pseudonym_key: Option<String>,
}

impl Scenario {
    pub fn child(&self, c: ChildIdx) -> &Child {
        &self.children[c.ix()]
    }

    pub fn school(&self, s: SchoolIdx) -> &School {
        &self.schools[s.ix()]
    }

    pub fn private_school(&self, p: PrivateIdx) -> &PrivateSchool {
        &self.private_schools[p.ix()]
    }

    pub fn child_indices(&self) -> impl Iterator<Item = ChildIdx> {
        (0..self.children.len() as u32).map(ChildIdx)
    }

    pub fn school_indices(&self) -> impl Iterator<Item = SchoolIdx> {
        (0..self.schools.len() as u32).map(SchoolIdx)
    }

    pub fn private_indices(&self) -> impl Iterator<Item = PrivateIdx> {
        (0..self.private_schools.len() as u32).map(PrivateIdx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_order() {
        let a = Date::parse("2017-02-28").unwrap();
        let b = Date::parse("2017-03-01").unwrap();
        assert!(a < b);
        assert_eq!(a.to_string(), "2017-02-28");
        assert!(Date::parse("2017-02-29").is_none());
        assert!(Date::parse("2016-02-29").is_some());
        assert!(Date::parse("2017-13-01").is_none());
        assert!(Date::parse("2017/01/01").is_none());
        assert!(Date::parse("17-01-01").is_none());
    }

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
