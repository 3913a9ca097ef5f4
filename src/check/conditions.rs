//! The checker's reading of a tier the policy defines (`docs/points-policy.md` §7.5), written
//! from the documentation and sharing no code with the policy's own evaluation.
//!
//! A defined tier holds for a child at a school when every condition of the tier holds and, if
//! the tier lists alternatives (`any`), every condition of at least one of them. Each condition is
//! read directly from the child: hukou and home against the school's catchment (the schools whose
//! catchment lists her community), the school's district or the city; the kinds of home allowed;
//! least permit, residence and insurance months; a sibling at the school; her primary school
//! feeding the school (对口直升); least values of extra facts. In her own district (the fallback order) there is no school: a catchment condition then
//! holds when the address lies in a catchment that also holds her home, a district condition
//! compares with her own district, and a sibling or feeder condition holds only as `false`.

use crate::domain::{Child, DistrictIdx, SchoolIdx};
use crate::policy::{Area, Conditions, TierDef};

/// Whether `tier` applies to `child` at `school` of `district`, or at home when `school` is
/// `None`.
pub fn applies(
    tier: &TierDef,
    child: &Child,
    school: Option<SchoolIdx>,
    district: DistrictIdx,
) -> bool {
    let one = |c: &Conditions| all_hold(c, child, school, district);
    one(&tier.all) && (tier.any.is_empty() || tier.any.iter().any(one))
}

/// Whether an address whose catchment schools are `list` counts as "in the catchment".
fn in_catchment(list: &[SchoolIdx], child: &Child, school: Option<SchoolIdx>) -> bool {
    match school {
        Some(s) => list.contains(&s),
        None => list.iter().any(|s| child.catchment.contains(s)),
    }
}

fn all_hold(
    c: &Conditions,
    child: &Child,
    school: Option<SchoolIdx>,
    district: DistrictIdx,
) -> bool {
    if let Some(area) = c.hukou {
        let ok = match area {
            Area::Catchment => in_catchment(&child.hukou_catchment, child, school),
            Area::District => child.hukou_district == Some(district),
            Area::City => child.hukou_district.is_some(),
            Area::Nowhere => child.hukou_district.is_none(),
        };
        if !ok {
            return false;
        }
    }
    if let Some(area) = c.residence {
        let ok = match area {
            Area::Catchment => in_catchment(&child.catchment, child, school),
            Area::District => child.residence_district == district,
            Area::City => true,
            Area::Nowhere => false,
        };
        if !ok {
            return false;
        }
    }
    if !c.housing.is_empty() && !c.housing.contains(&child.housing) {
        return false;
    }
    let months = [
        (c.min_permit_months, child.permit_months),
        (c.min_residence_months, child.residence_months),
        (c.min_insurance_months, child.insurance_months),
    ];
    if months
        .iter()
        .any(|(min, v)| matches!(min, Some(m) if v < m))
    {
        return false;
    }
    if let Some(want) = c.sibling {
        let has = school.is_some() && child.sibling_school == school;
        if has != want {
            return false;
        }
    }
    if let Some(want) = c.feeder {
        let fed = school.is_some_and(|s| child.feeder_schools.contains(&s));
        if fed != want {
            return false;
        }
    }
    c.facts
        .iter()
        .all(|f| matches!(child.extra_facts.get(f.slot), Some(v) if *v >= f.min))
}
