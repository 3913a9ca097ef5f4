//! The scenario: every entity of one intake and the policy that ranks its children, as a valid
//! whole. A [`Scenario`] can only be valid: its fields are private to the crate, and the one way
//! to build one is [`Scenario::new`], which checks every rule below; changes after that are typed
//! [`Edit`]s, applied to the parts and checked again ([`Scenario::edited`]).
//!
//! # The rules of a valid scenario
//!
//! [`Scenario::new`] refuses a [`ScenarioParts`] that breaks any of these, and names every broken
//! rule as a [`Problem`] (the entity, the field, the words) so that the loader can report it at the
//! file and line the entity came from, and an edit at the line of its own file:
//!
//! - **Scenario**: `entry_grade` is 1 (primary) or 7 (junior secondary); the fallback distances
//!   (`fallback.coordinated_max_km`, `fallback.purchase_max_km`) are finite and ≥ 0, and
//!   coordination across districts (`nearest`) has a distance limit; at most
//!   16,777,215 children (the solver packs a child index into 24 bits).
//! - **Ids**: no id is empty; district ids are unique, child ids are unique, and public and
//!   private schools share one id space (placements name either).
//! - **References**: every district, school and choice index points at an existing entity.
//! - **Districts**: `permanent_population` ≤ 2,000,000,000; `cohort_share` in (0, 1];
//!   `migrant_share` and `apply_share` in [0, 1]; `growth_rate` in [−0.5, 0.5];
//!   `cohort_children` ≤ 10,000,000.
//! - **Schools**: of the scenario's entry grade; `seats` ≤ 1,000,000;
//!   `reserved_migrant` ≤ `seats`; coordinates finite and within ±10,000 km on the grid, or a
//!   latitude in [−90, 90] and a longitude in [−180, 180] degrees; every location of the
//!   scenario in the coordinate system of its first school (no mixing). Private schools:
//!   `purchasable_seats` ≤ 1,000,000, `subsidy_yuan` ≤ 1,000,000, `fee_yuan` ≤ 10,000,000.
//! - **Children**: the five month counts (`permit_months`, `insurance_months`,
//!   `residence_months`, `insurance_months_elsewhere`, `residence_months_elsewhere`) ≤ 1,200;
//!   coordinates as for schools; one value per extra fact of the scenario; choices name public
//!   schools, each at most once.
//! - **Sibling groups**: a group has at least two children, who share one home (district and
//!   location) and one list of choices.
//! - **Priorities**: seats reserved for migrant children and sibling groups each need strict
//!   priorities (tie rule `lottery`), and cannot be combined with each other.
//!
//! Rules that concern only how a file is written (a cell that is not a number, an unknown id, a
//! duplicated row, ranks with a gap, a birth date after the intake date) are the loader's
//! (`crate::input`); the bounds above are defined once, here, and the loader reports them with
//! the same words.

mod edit;
mod problem;
pub(crate) mod rules;

pub use edit::{Edit, Fact};
pub use problem::{Entity, Invalid, Problem};

use crate::domain::{
    CatchmentArea, Child, ChildIdx, District, FallbackRules, PrivateIdx, PrivateSchool, School,
    SchoolIdx,
};
use crate::policy::Policy;

/// A validated scenario, ready to solve. Built only by [`Scenario::new`]; read through its methods.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) entry_grade: u8,
    pub(crate) seed: u64,
    pub(crate) budget_yuan: u64,
    pub(crate) districts: Vec<District>,
    pub(crate) schools: Vec<School>,
    pub(crate) private_schools: Vec<PrivateSchool>,
    pub(crate) children: Vec<Child>,
    pub(crate) extra_facts: Vec<String>,
    pub(crate) policy: Policy,
    pub(crate) fallback: FallbackRules,
    pub(crate) pseudonym_key: Option<String>,
    pub(crate) catchment_areas: Vec<CatchmentArea>,
}

/// The parts of a scenario before validation: every field public, nothing checked. Hand it to
/// [`Scenario::new`] to get a [`Scenario`].
#[derive(Debug, Clone)]
pub struct ScenarioParts {
    /// The scenario's name, shown in reports.
    pub name: String,
    /// Entry grade this intake is for (1 = primary, 7 = junior secondary).
    pub entry_grade: u8,
    /// Seed of every random draw (lottery numbers).
    pub seed: u64,
    /// Money available for buying private places this year, in yuan.
    pub budget_yuan: u64,
    /// The districts, addressed by [`crate::domain::DistrictIdx`].
    pub districts: Vec<District>,
    /// Public schools at the entry grade, addressed by [`SchoolIdx`].
    pub schools: Vec<School>,
    /// Private schools at the entry grade, addressed by [`PrivateIdx`].
    pub private_schools: Vec<PrivateSchool>,
    /// The applicants, addressed by [`ChildIdx`].
    pub children: Vec<Child>,
    /// Names of the extra facts (children-file columns `fact_<name>`), in column order.
    pub extra_facts: Vec<String>,
    /// The resolved points policy.
    pub policy: Policy,
    /// Rules of the stages after the choice stage.
    pub fallback: FallbackRules,
    /// Key for pseudonymising other children's ids in explanations.
    pub pseudonym_key: Option<String>,
    /// The catchments drawn as polygons (`[tables] catchment_polygons`), one per feature of the
    /// file; empty when the scenario has none. The children's `catchment` was decided from
    /// them when read; kept so the checker can decide it again.
    pub catchment_areas: Vec<CatchmentArea>,
}

impl ScenarioParts {
    /// Applies one edit to the parts; nothing is checked until [`Scenario::new`]. An edit that
    /// addresses an entity the parts do not have is refused with [`Problem::Missing`].
    pub fn apply(&mut self, edit: &Edit) -> Result<(), Problem> {
        edit::apply(self, edit)
    }
}

impl Scenario {
    /// The one validating constructor: checks every rule of the module documentation and
    /// returns the scenario, or every rule the parts break.
    pub fn new(parts: ScenarioParts) -> Result<Scenario, Invalid> {
        let problems = rules::check(&parts);
        if !problems.is_empty() {
            return Err(Invalid { problems });
        }
        Ok(Scenario::from_valid_parts(parts))
    }

    /// The scenario made of parts already known to keep every rule.
    fn from_valid_parts(parts: ScenarioParts) -> Scenario {
        let ScenarioParts {
            name,
            entry_grade,
            seed,
            budget_yuan,
            districts,
            schools,
            private_schools,
            children,
            extra_facts,
            policy,
            fallback,
            pseudonym_key,
            catchment_areas,
        } = parts;
        Scenario {
            name,
            entry_grade,
            seed,
            budget_yuan,
            districts,
            schools,
            private_schools,
            children,
            extra_facts,
            policy,
            fallback,
            pseudonym_key,
            catchment_areas,
        }
    }

    /// The scenario taken apart, to be changed and validated again.
    pub fn into_parts(self) -> ScenarioParts {
        let Scenario {
            name,
            entry_grade,
            seed,
            budget_yuan,
            districts,
            schools,
            private_schools,
            children,
            extra_facts,
            policy,
            fallback,
            pseudonym_key,
            catchment_areas,
        } = self;
        ScenarioParts {
            name,
            entry_grade,
            seed,
            budget_yuan,
            districts,
            schools,
            private_schools,
            children,
            extra_facts,
            policy,
            fallback,
            pseudonym_key,
            catchment_areas,
        }
    }

    /// A copy of the parts (the scenario itself is left as it is).
    pub fn to_parts(&self) -> ScenarioParts {
        self.clone().into_parts()
    }

    /// This scenario with `edits` applied in order, validated again by the rules of
    /// [`Scenario::new`]. Since `self` is valid, only the rules the edits can break are checked
    /// again (all of them when an edit adds a school or adds or removes children); the problems
    /// found are exactly those `Scenario::new` would report.
    pub fn edited(&self, edits: &[Edit]) -> Result<Scenario, Invalid> {
        let mut parts = self.to_parts();
        let problems: Vec<Problem> = edits.iter().filter_map(|e| parts.apply(e).err()).collect();
        if !problems.is_empty() {
            return Err(Invalid { problems });
        }
        Scenario::revalidated(parts, edits)
    }

    /// The parts of a valid scenario after `edits` were applied to them (and nothing else
    /// changed), checked again on the rules those edits can break; see [`Scenario::edited`].
    pub(crate) fn revalidated(parts: ScenarioParts, edits: &[Edit]) -> Result<Scenario, Invalid> {
        match rules::check_edited(&parts, edits) {
            Some(problems) if problems.is_empty() => Ok(Scenario::from_valid_parts(parts)),
            Some(problems) => Err(Invalid { problems }),
            None => Scenario::new(parts),
        }
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Entry grade this intake is for (1 = primary, 7 = junior secondary).
    pub fn entry_grade(&self) -> u8 {
        self.entry_grade
    }

    /// Seed of every random draw (lottery numbers).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Money available for buying private places this year, in yuan.
    pub fn budget_yuan(&self) -> u64 {
        self.budget_yuan
    }

    /// The districts, by [`crate::domain::DistrictIdx`].
    pub fn districts(&self) -> &[District] {
        &self.districts
    }

    /// Public schools at the entry grade (schools of other grades are not part of the intake).
    pub fn schools(&self) -> &[School] {
        &self.schools
    }

    /// Private schools at the entry grade.
    pub fn private_schools(&self) -> &[PrivateSchool] {
        &self.private_schools
    }

    /// The applicants, sorted by id when loaded.
    pub fn children(&self) -> &[Child] {
        &self.children
    }

    /// Names of the extra facts (children-file columns `fact_<name>`), in column order; each
    /// child's [`Child::extra_facts`] holds their values in this order.
    pub fn extra_facts(&self) -> &[String] {
        &self.extra_facts
    }

    /// The resolved points policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Rules of the stages after the choice stage.
    pub fn fallback(&self) -> &FallbackRules {
        &self.fallback
    }

    /// Key for pseudonymising other children's ids in explanations (`[privacy] pseudonym_key`).
    pub fn pseudonym_key(&self) -> Option<&str> {
        self.pseudonym_key.as_deref()
    }

    /// The catchments drawn as polygons, one per feature of the file (empty without one).
    pub fn catchment_areas(&self) -> &[CatchmentArea] {
        &self.catchment_areas
    }

    /// One child.
    pub fn child(&self, c: ChildIdx) -> &Child {
        &self.children[c.ix()]
    }

    /// One public school.
    pub fn school(&self, s: SchoolIdx) -> &School {
        &self.schools[s.ix()]
    }

    /// One private school.
    pub fn private_school(&self, p: PrivateIdx) -> &PrivateSchool {
        &self.private_schools[p.ix()]
    }

    /// Every child's index, in order.
    pub fn child_indices(&self) -> impl Iterator<Item = ChildIdx> {
        (0..self.children.len() as u32).map(ChildIdx)
    }

    /// Every public school's index, in order.
    pub fn school_indices(&self) -> impl Iterator<Item = SchoolIdx> {
        (0..self.schools.len() as u32).map(SchoolIdx)
    }

    /// Every private school's index, in order.
    pub fn private_indices(&self) -> impl Iterator<Item = PrivateIdx> {
        (0..self.private_schools.len() as u32).map(PrivateIdx)
    }
}

#[cfg(test)]
mod tests;
