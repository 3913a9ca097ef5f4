//! Typed edits: the changes sweeps, appeals and plans make to a scenario, applied to its
//! [`ScenarioParts`] and then checked again by [`super::Scenario::new`].

use super::{Entity, Problem, ScenarioParts};
use crate::domain::{
    Child, ChildIdx, DistrictIdx, Education, Housing, PrivateIdx, School, SchoolIdx,
};
use crate::policy::{IndicatorRule, MilliPoints, TieRule};

/// A fact of a child that an appeal can correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// Months the parent has held a valid residence permit.
    PermitMonths(u32),
    /// Months of continuous social insurance.
    InsuranceMonths(u32),
    /// Months of continuous residence in the city.
    ResidenceMonths(u32),
    /// Months of social insurance in other cities of the province.
    InsuranceMonthsElsewhere(u32),
    /// Months of residence in other cities of the province.
    ResidenceMonthsElsewhere(u32),
    /// Whether social insurance was paid retroactively.
    InsuranceBackPaid(bool),
    /// Kind of home.
    Housing(Housing),
    /// The parent's education.
    Education(Education),
    /// The value of the scenario's `slot`-th extra fact.
    Extra {
        /// Position in the scenario's extra facts.
        slot: usize,
        /// The value (yes/no as 1/0).
        value: u32,
    },
}

impl Fact {
    /// The field the fact is, named as in the children file (`extra_facts` for an extra fact).
    pub fn field(&self) -> &'static str {
        match self {
            Fact::PermitMonths(_) => "permit_months",
            Fact::InsuranceMonths(_) => "insurance_months",
            Fact::ResidenceMonths(_) => "residence_months",
            Fact::InsuranceMonthsElsewhere(_) => "insurance_months_elsewhere",
            Fact::ResidenceMonthsElsewhere(_) => "residence_months_elsewhere",
            Fact::InsuranceBackPaid(_) => "insurance_back_paid",
            Fact::Housing(_) => "housing",
            Fact::Education(_) => "education",
            Fact::Extra { .. } => "extra_facts",
        }
    }
}

/// One change to a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The seed of every random draw.
    Seed(u64),
    /// The budget for bought places, in yuan.
    BudgetYuan(u64),
    /// A public school's seats and, of them, the seats reserved for migrant children.
    SchoolSeats {
        /// The school.
        school: SchoolIdx,
        /// Its seats.
        seats: u32,
        /// Of `seats`, those reserved for migrant children.
        reserved_migrant: u32,
    },
    /// A new public school, appended after the others.
    AddSchool(School),
    /// The subsidy per bought place at one private school, in yuan.
    SubsidyYuan {
        /// The private school.
        school: PrivateIdx,
        /// The subsidy.
        yuan: u64,
    },
    /// How one indicator of the policy scores, and its cap.
    Indicator {
        /// Position of the indicator in the policy.
        indicator: usize,
        /// Its new rule.
        rule: IndicatorRule,
        /// Its new cap.
        cap: Option<MilliPoints>,
    },
    /// The policy's tie rule.
    TieRule(TieRule),
    /// One fact of one child.
    ChildFact {
        /// The child.
        child: ChildIdx,
        /// The fact and its new value.
        fact: Fact,
    },
    /// A child's hukou district (`None`: a migrant child).
    Hukou {
        /// The child.
        child: ChildIdx,
        /// The district, or none.
        district: Option<DistrictIdx>,
    },
    /// Removes these children; a sibling left alone in her group then applies alone.
    RemoveChildren(Vec<ChildIdx>),
    /// Adds children; all children are then sorted by id (a stable sort).
    AddChildren(Vec<Child>),
}

pub(super) fn apply(sc: &mut ScenarioParts, edit: &Edit) -> Result<(), Problem> {
    let missing = |entity| Problem::Missing { entity };
    match edit {
        Edit::Seed(seed) => sc.seed = *seed,
        Edit::BudgetYuan(yuan) => sc.budget_yuan = *yuan,
        Edit::SchoolSeats {
            school,
            seats,
            reserved_migrant,
        } => {
            let s = sc
                .schools
                .get_mut(school.ix())
                .ok_or(missing(Entity::School(*school)))?;
            s.seats = *seats;
            s.reserved_migrant = *reserved_migrant;
        }
        Edit::AddSchool(school) => sc.schools.push(school.clone()),
        Edit::SubsidyYuan { school, yuan } => {
            sc.private_schools
                .get_mut(school.ix())
                .ok_or(missing(Entity::PrivateSchool(*school)))?
                .subsidy_yuan = *yuan;
        }
        Edit::Indicator {
            indicator,
            rule,
            cap,
        } => {
            let ind = sc
                .policy
                .indicators
                .get_mut(*indicator)
                .ok_or(missing(Entity::Indicator(*indicator)))?;
            ind.rule = rule.clone();
            ind.cap = *cap;
        }
        Edit::TieRule(rule) => sc.policy.tie_rule = *rule,
        Edit::ChildFact { child, fact } => {
            let slots = sc.extra_facts.len();
            let c = sc
                .children
                .get_mut(child.ix())
                .ok_or(missing(Entity::Child(*child)))?;
            match *fact {
                Fact::PermitMonths(m) => c.permit_months = m,
                Fact::InsuranceMonths(m) => c.insurance_months = m,
                Fact::ResidenceMonths(m) => c.residence_months = m,
                Fact::InsuranceMonthsElsewhere(m) => c.insurance_months_elsewhere = m,
                Fact::ResidenceMonthsElsewhere(m) => c.residence_months_elsewhere = m,
                Fact::InsuranceBackPaid(b) => c.insurance_back_paid = b,
                Fact::Housing(h) => c.housing = h,
                Fact::Education(e) => c.education = e,
                Fact::Extra { slot, value } => match c.extra_facts.get_mut(slot) {
                    Some(v) if slot < slots => *v = value,
                    _ => {
                        return Err(Problem::Field {
                            entity: Entity::Child(*child),
                            field: "extra_facts",
                            message: format!("no extra fact #{slot} (there are {slots})"),
                        })
                    }
                },
            }
        }
        Edit::Hukou { child, district } => {
            sc.children
                .get_mut(child.ix())
                .ok_or(missing(Entity::Child(*child)))?
                .hukou_district = *district;
        }
        Edit::RemoveChildren(gone) => {
            let mut drop = vec![false; sc.children.len()];
            for c in gone {
                *drop.get_mut(c.ix()).ok_or(missing(Entity::Child(*c)))? = true;
            }
            let mut i = 0;
            sc.children.retain(|_| {
                i += 1;
                !drop[i - 1]
            });
            // A sibling left alone no longer applies jointly.
            let mut members: std::collections::BTreeMap<u32, usize> = Default::default();
            for g in sc.children.iter().filter_map(|c| c.sibling_group) {
                *members.entry(g).or_default() += 1;
            }
            for c in &mut sc.children {
                if c.sibling_group.is_some_and(|g| members[&g] < 2) {
                    c.sibling_group = None;
                }
            }
        }
        Edit::AddChildren(children) => {
            sc.children.extend(children.iter().cloned());
            sc.children.sort_by(|a, b| a.id.cmp(&b.id));
        }
    }
    Ok(())
}
