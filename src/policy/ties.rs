//! Tie-breaks: the keys that order children with equal points, and what happens after them.
//!
//! [`TieKey`]s are tried in the policy's order; children still equal after every key are
//! ordered by a lottery (seeded, or the notarised draw's numbers of the `lottery` column) or kept
//! tied, as the [`TieRule`] says. Besides the four built-in keys, a policy may break ties on any
//! numeric or date column or extra fact, in either direction ([`CustomKey`]).

use std::sync::Mutex;

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
    /// A column or extra fact in the direction the policy chose.
    Custom(&'static CustomKey),
}

/// The most tie-break keys a policy may list.
pub const MAX_TIE_KEYS: usize = 8;

/// A column a tie-break key can read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyColumn {
    /// `insurance_months`.
    InsuranceMonths,
    /// `residence_months`.
    ResidenceMonths,
    /// `permit_months`.
    PermitMonths,
    /// `insurance_months_elsewhere`.
    InsuranceMonthsElsewhere,
    /// `residence_months_elsewhere`.
    ResidenceMonthsElsewhere,
    /// `birth_date` (later dates are larger).
    BirthDate,
    /// An extra fact: the column `fact_<name>` at this slot of [`Child::extra_facts`].
    Extra {
        /// The fact's name (without `fact_`).
        name: String,
        /// Its slot.
        slot: usize,
    },
}

impl KeyColumn {
    /// The built-in columns by name, as a policy writes them.
    pub const BUILTIN: [(&'static str, KeyColumn); 6] = [
        ("insurance_months", KeyColumn::InsuranceMonths),
        ("residence_months", KeyColumn::ResidenceMonths),
        ("permit_months", KeyColumn::PermitMonths),
        (
            "insurance_months_elsewhere",
            KeyColumn::InsuranceMonthsElsewhere,
        ),
        (
            "residence_months_elsewhere",
            KeyColumn::ResidenceMonthsElsewhere,
        ),
        ("birth_date", KeyColumn::BirthDate),
    ];

    /// The column's value for a child: larger is more months, a later date, a larger fact.
    pub fn value(&self, child: &Child) -> i64 {
        match self {
            KeyColumn::InsuranceMonths => i64::from(child.insurance_months),
            KeyColumn::ResidenceMonths => i64::from(child.residence_months),
            KeyColumn::PermitMonths => i64::from(child.permit_months),
            KeyColumn::InsuranceMonthsElsewhere => i64::from(child.insurance_months_elsewhere),
            KeyColumn::ResidenceMonthsElsewhere => i64::from(child.residence_months_elsewhere),
            KeyColumn::BirthDate => {
                let d = child.birth_date;
                i64::from(d.year) * 10_000 + i64::from(d.month) * 100 + i64::from(d.day)
            }
            KeyColumn::Extra { slot, .. } => {
                child.extra_facts.get(*slot).copied().map_or(0, i64::from)
            }
        }
    }

    /// The child's value as a statement writes it.
    pub fn display(&self, child: &Child) -> String {
        match self {
            KeyColumn::BirthDate => child.birth_date.to_string(),
            other => other.value(child).to_string(),
        }
    }
}

/// A tie-break key the policy writes as `{ key = "…", order = "…" }`: a column or extra fact and
/// the direction that ranks first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomKey {
    /// What it reads.
    pub column: KeyColumn,
    /// `true`: larger values (more months, later dates) first; `false`: smaller first.
    pub descending: bool,
    /// The key as statements name it: the column and its order (`birth_date descending`).
    pub name: String,
    /// The key in words, English then Chinese, with the order it ranks in.
    pub words: String,
}

/// Every custom key interned so far; see [`CustomKey::intern`].
static INTERNED: Mutex<Vec<&'static CustomKey>> = Mutex::new(Vec::new());

impl CustomKey {
    /// A key on `column`, named `written` (the column's name as the policy writes it).
    pub fn new(column: KeyColumn, written: &str, descending: bool) -> CustomKey {
        let order = if descending {
            "descending"
        } else {
            "ascending"
        };
        let words = match (&column, descending) {
            (KeyColumn::BirthDate, false) => {
                "birth date (the older child first) 出生日期（年长者优先）".to_string()
            }
            (KeyColumn::BirthDate, true) => {
                "birth date (the younger child first) 出生日期（年幼者优先）".to_string()
            }
            (_, true) => format!("{written} (more first) {written}（多者优先）"),
            (_, false) => format!("{written} (less first) {written}（少者优先）"),
        };
        CustomKey {
            column,
            descending,
            name: format!("{written} {order}"),
            words,
        }
    }

    /// The one stored copy of this key: equal keys give the same reference, so a policy loaded
    /// many times (a sweep) stores each key once.
    pub fn intern(self) -> &'static CustomKey {
        let mut pool = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&found) = pool.iter().find(|k| ***k == self) {
            return found;
        }
        let stored: &'static CustomKey = Box::leak(Box::new(self));
        pool.push(stored);
        stored
    }
}

impl TieKey {
    /// Every built-in tie-break key.
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
            TieKey::Custom(k) => &k.name,
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
            TieKey::Custom(k) if k.descending => -k.column.value(child),
            TieKey::Custom(k) => k.column.value(child),
        }
    }

    /// The child's value of this key as written in a statement.
    pub fn display_value(self, child: &Child) -> String {
        match self {
            TieKey::InsuranceMonths => child.insurance_months.to_string(),
            TieKey::ResidenceMonths => child.residence_months.to_string(),
            TieKey::PermitMonths => child.permit_months.to_string(),
            TieKey::BirthDate => child.birth_date.to_string(),
            TieKey::Custom(k) => k.column.display(child),
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
