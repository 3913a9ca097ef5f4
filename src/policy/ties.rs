//! Tie-breaks: the keys that order children with equal points, and what happens after them.
//!
//! [`TieKey`]s are tried in the policy's order; children still equal after every key are
//! ordered by a seeded lottery or kept tied, as the [`TieRule`] says.

use crate::domain::Child;

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
    /// Every tie-break key.
    pub const ALL: [TieKey; 4] = [
        TieKey::InsuranceMonths,
        TieKey::ResidenceMonths,
        TieKey::PermitMonths,
        TieKey::BirthDate,
    ];

    /// The key's name as written in a policy file.
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
    /// Every rule, the default first.
    pub const ALL: [TieRule; 3] = [TieRule::Lottery, TieRule::KeepTies, TieRule::AdmitAllTied];

    /// The rule's name as written in a policy file.
    pub fn name(self) -> &'static str {
        match self {
            TieRule::Lottery => "lottery",
            TieRule::KeepTies => "keep_ties",
            TieRule::AdmitAllTied => "admit_all_tied",
        }
    }
}
