//! Priority tiers: the classes of applicants a school admits in order, before any points.
//!
//! A school ranks every child of an earlier [`Tier`] of its order above any child of a later one;
//! points only order children within a tier. Which tier a child holds depends on the school.
//! Four tiers are built in (today's fixed classes, the default order); a policy may define its
//! own ([`TierDef`]) and list them with the built-in ones.

use super::TierDef;
use crate::domain::{Child, DistrictIdx, SchoolIdx};

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
    /// A tier the policy defines by its conditions (`[[priority.tier]]`).
    Defined(&'static TierDef),
}

impl Tier {
    /// Every built-in tier, in the default order.
    pub const ALL: [Tier; 4] = [
        Tier::CatchmentHukou,
        Tier::Sibling,
        Tier::Hukou,
        Tier::Migrant,
    ];

    /// The tier's name as written in a policy file.
    pub fn name(self) -> &'static str {
        match self {
            Tier::CatchmentHukou => "catchment_hukou",
            Tier::Sibling => "sibling",
            Tier::Hukou => "hukou",
            Tier::Migrant => "migrant",
            Tier::Defined(d) => &d.name,
        }
    }

    /// Whether an eligible child belongs to this tier at `school`, a school of `district`.
    pub fn holds_at(self, child: &Child, school: SchoolIdx, district: DistrictIdx) -> bool {
        match self {
            Tier::CatchmentHukou => {
                child.hukou_district == Some(district) && child.residence_district == district
            }
            Tier::Sibling => child.sibling_school == Some(school),
            Tier::Hukou => !child.is_migrant(),
            Tier::Migrant => child.is_migrant(),
            Tier::Defined(d) => d.holds_at(child, school, district),
        }
    }

    /// Whether an eligible child belongs to this tier in her own district, sibling links
    /// ignored.
    pub fn holds_at_home(self, child: &Child) -> bool {
        match self {
            Tier::CatchmentHukou => child.hukou_district == Some(child.residence_district),
            Tier::Sibling => false,
            Tier::Hukou => !child.is_migrant(),
            Tier::Migrant => child.is_migrant(),
            Tier::Defined(d) => d.holds_at_home(child),
        }
    }

    /// Whether the tier reads the catchment table (only defined tiers can).
    pub fn uses_catchments(self) -> bool {
        matches!(self, Tier::Defined(d) if d.uses_catchments())
    }
}
