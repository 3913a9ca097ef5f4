//! The facts about a family that indicators read: numeric months, categories, extra columns.
//!
//! Built-in facts are fields of [`Child`]; an extra fact is a `fact_<name>` column of the children
//! file, read by its position in [`Child::extra_facts`] once the policy is resolved.

use crate::domain::{Child, Education, Housing};

/// A numeric fact about a family, counted in whole units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NumericFact {
    /// Months of social insurance paid in this city.
    InsuranceMonths,
    /// Months of residence in this city.
    ResidenceMonths,
    /// Months the residence permit has been held.
    PermitMonths,
}

impl NumericFact {
    /// Every numeric fact, in the order the policy format documents them.
    pub const ALL: [NumericFact; 3] = [
        NumericFact::InsuranceMonths,
        NumericFact::ResidenceMonths,
        NumericFact::PermitMonths,
    ];

    /// The fact's name as written in a policy file.
    pub fn name(self) -> &'static str {
        match self {
            NumericFact::InsuranceMonths => "insurance_months",
            NumericFact::ResidenceMonths => "residence_months",
            NumericFact::PermitMonths => "permit_months",
        }
    }

    /// The child's value of this fact (months in this city only).
    pub fn read(self, child: &Child) -> u32 {
        match self {
            NumericFact::InsuranceMonths => child.insurance_months,
            NumericFact::ResidenceMonths => child.residence_months,
            NumericFact::PermitMonths => child.permit_months,
        }
    }

    /// Months of this fact accumulated in other cities of the province (0 for permits).
    pub(crate) fn read_elsewhere(self, child: &Child) -> u32 {
        match self {
            NumericFact::InsuranceMonths => child.insurance_months_elsewhere,
            NumericFact::ResidenceMonths => child.residence_months_elsewhere,
            NumericFact::PermitMonths => 0,
        }
    }
}

/// A categorical fact about a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CategoryFact {
    /// The family's housing (owned, rented, none).
    Housing,
    /// The parents' highest education.
    Education,
}

impl CategoryFact {
    /// The fact's name as written in a policy file.
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

    /// The child's value of this fact, as written in the children file.
    pub fn read(self, child: &Child) -> &'static str {
        match self {
            CategoryFact::Housing => child.housing.as_str(),
            CategoryFact::Education => child.education.as_str(),
        }
    }
}

/// The fact an indicator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// A built-in numeric fact.
    Numeric(NumericFact),
    /// A built-in categorical fact.
    Category(CategoryFact),
    /// An extra numeric or yes/no column `fact_<name>` of the children file.
    Extra {
        /// The fact's name, as written in the policy (the column is `fact_<name>`).
        name: String,
        /// Its position in [`Child::extra_facts`] (and in the scenario's extra fact names).
        slot: usize,
    },
}

impl Fact {
    /// The fact's name as written in a policy file.
    pub fn name(&self) -> String {
        match self {
            Fact::Numeric(f) => f.name().to_string(),
            Fact::Category(f) => f.name().to_string(),
            Fact::Extra { name, .. } => name.clone(),
        }
    }
}
