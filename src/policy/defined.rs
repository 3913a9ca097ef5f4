//! Tiers a bureau defines in its policy file: a name in its own words and the conditions a child
//! must meet at a school to hold it.
//!
//! A [`TierDef`] is a set of [`Conditions`] that must all hold, plus optional alternatives of
//! which at least one must hold (一类 = hukou and owned home in the catchment; 二类 = hukou in the
//! catchment *or* an owned home for five years). Conditions read one child and one school: her
//! hukou and her home measured against the school's catchment (施教区), the school's district or
//! the city, her housing, her residence-permit months, a sibling at the school, her primary
//! school feeding the school (对口直升) and any extra
//! `fact_` column. Definitions are interned ([`TierDef::intern`]) so that a [`super::Tier`] stays a
//! small `Copy` value; each distinct definition is stored once for the life of the process.

use std::sync::Mutex;

use crate::domain::{Child, DistrictIdx, Housing, SchoolIdx};

/// Where a child's hukou or home must be, measured from a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// In the school's catchment (施教区): the community is listed for the school in the
    /// catchment table.
    Catchment,
    /// In the school's district.
    District,
    /// Anywhere in the city (for hukou: any local hukou; every home is in the city).
    City,
    /// For hukou only: no local hukou at all (a migrant child, 随迁子女).
    Nowhere,
}

impl Area {
    /// Every area, as listed in errors.
    pub const ALL: [Area; 4] = [Area::Catchment, Area::District, Area::City, Area::Nowhere];

    /// The area's word in a policy file.
    pub fn name(self) -> &'static str {
        match self {
            Area::Catchment => "catchment",
            Area::District => "district",
            Area::City => "city",
            Area::Nowhere => "none",
        }
    }
}

/// A condition on an extra fact: the `fact_<name>` column's value is at least `min`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FactAtLeast {
    /// The fact's name (column `fact_<name>`).
    pub name: String,
    /// Its slot in [`Child::extra_facts`].
    pub slot: usize,
    /// The least value that meets the condition.
    pub min: u32,
}

/// Conditions that must all hold; a condition left `None` (or empty) always holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Conditions {
    /// Where the child's hukou must be.
    pub hukou: Option<Area>,
    /// Where the family's home must be ([`Area::Nowhere`] is not allowed here).
    pub residence: Option<Area>,
    /// The kinds of home allowed (any of them).
    pub housing: Vec<Housing>,
    /// Least months the residence permit has been held.
    pub min_permit_months: Option<u32>,
    /// Least months of continuous residence in the city.
    pub min_residence_months: Option<u32>,
    /// Least months of social insurance in the city.
    pub min_insurance_months: Option<u32>,
    /// `Some(true)`: an older sibling attends the school; `Some(false)`: none does.
    pub sibling: Option<bool>,
    /// `Some(true)`: the child's primary school feeds the school (对口直升, the school's
    /// `feeders`); `Some(false)`: it does not.
    pub feeder: Option<bool>,
    /// Extra facts with their least values.
    pub facts: Vec<FactAtLeast>,
}

impl Conditions {
    /// Whether the conditions read the catchment table.
    pub fn uses_catchments(&self) -> bool {
        self.hukou == Some(Area::Catchment) || self.residence == Some(Area::Catchment)
    }

    /// Whether every condition holds for `child` at `school`, a school of `district`; with
    /// `school = None`, in her own district (a catchment condition then asks whether her home,
    /// or her hukou address, lies in the catchment of some school her home's catchment names;
    /// a sibling or feeder condition holds only as `false`).
    fn holds(&self, child: &Child, school: Option<SchoolIdx>, district: DistrictIdx) -> bool {
        let in_catchment = |list: &[SchoolIdx]| match school {
            Some(s) => list.binary_search(&s).is_ok(),
            None => list
                .iter()
                .any(|s| child.catchment.binary_search(s).is_ok()),
        };
        let hukou = match self.hukou {
            None => true,
            Some(Area::Catchment) => in_catchment(&child.hukou_catchment),
            Some(Area::District) => child.hukou_district == Some(district),
            Some(Area::City) => child.hukou_district.is_some(),
            Some(Area::Nowhere) => child.hukou_district.is_none(),
        };
        let residence = match self.residence {
            None | Some(Area::City) => true,
            Some(Area::Catchment) => in_catchment(&child.catchment),
            Some(Area::District) => child.residence_district == district,
            Some(Area::Nowhere) => false,
        };
        let at_least = |min: Option<u32>, value: u32| min.is_none_or(|m| value >= m);
        let sibling = match (self.sibling, school) {
            (None, _) => true,
            (Some(want), Some(s)) => (child.sibling_school == Some(s)) == want,
            (Some(want), None) => !want,
        };
        let feeder = match (self.feeder, school) {
            (None, _) => true,
            (Some(want), Some(s)) => child.feeder_schools.binary_search(&s).is_ok() == want,
            (Some(want), None) => !want,
        };
        hukou
            && residence
            && (self.housing.is_empty() || self.housing.contains(&child.housing))
            && at_least(self.min_permit_months, child.permit_months)
            && at_least(self.min_residence_months, child.residence_months)
            && at_least(self.min_insurance_months, child.insurance_months)
            && sibling
            && feeder
            && self
                .facts
                .iter()
                .all(|f| child.extra_facts.get(f.slot).is_some_and(|&v| v >= f.min))
    }
}

/// A tier the policy defines: its name, its description in the policy's own words, and the
/// conditions for holding it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TierDef {
    /// The tier's name as the policy's tier lists write it (Chinese allowed, e.g. `一类`).
    pub name: String,
    /// What the tier means, in the policy's own words (shown to parents, e.g.
    /// `一类：户籍与房产均在施教区内`); the name when the file gives no description.
    pub description: String,
    /// Conditions that must all hold.
    pub all: Conditions,
    /// Alternatives: when not empty, at least one of them must hold too.
    pub any: Vec<Conditions>,
}

/// Every definition interned so far; see [`TierDef::intern`].
static INTERNED: Mutex<Vec<&'static TierDef>> = Mutex::new(Vec::new());

impl TierDef {
    /// The one stored copy of this definition: equal definitions give the same reference, so a
    /// policy loaded many times (a sweep) stores each of its tiers once.
    pub fn intern(self) -> &'static TierDef {
        let mut pool = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&found) = pool.iter().find(|d| ***d == self) {
            return found;
        }
        let stored: &'static TierDef = Box::leak(Box::new(self));
        pool.push(stored);
        stored
    }

    /// Whether the tier reads the catchment table.
    pub fn uses_catchments(&self) -> bool {
        self.all.uses_catchments() || self.any.iter().any(Conditions::uses_catchments)
    }

    /// Whether the tier reads the schools' feeder lists.
    pub fn uses_feeders(&self) -> bool {
        self.all.feeder.is_some() || self.any.iter().any(|c| c.feeder.is_some())
    }

    /// Whether an eligible child holds this tier at `school`, a school of `district`.
    pub fn holds_at(&self, child: &Child, school: SchoolIdx, district: DistrictIdx) -> bool {
        self.holds(child, Some(school), district)
    }

    /// Whether an eligible child holds this tier in her own district, sibling links ignored.
    pub fn holds_at_home(&self, child: &Child) -> bool {
        self.holds(child, None, child.residence_district)
    }

    fn holds(&self, child: &Child, school: Option<SchoolIdx>, district: DistrictIdx) -> bool {
        self.all.holds(child, school, district)
            && (self.any.is_empty() || self.any.iter().any(|c| c.holds(child, school, district)))
    }
}
