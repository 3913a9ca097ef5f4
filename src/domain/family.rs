//! What the points scheme reads about a family: its kind of home and the parent's education.

/// Kind of home the family lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Housing {
    /// The family owns its home.
    Owned,
    /// The family rents its home.
    Rented,
    /// Neither owned nor rented (written `none`); fails a policy gate that requires a home.
    None,
}

impl Housing {
    /// Every kind of home, in the order of the variants.
    pub const ALL: [Housing; 3] = [Housing::Owned, Housing::Rented, Housing::None];

    /// The word for this kind of home in the children file (`owned`, `rented`, `none`).
    pub fn as_str(self) -> &'static str {
        match self {
            Housing::Owned => "owned",
            Housing::Rented => "rented",
            Housing::None => "none",
        }
    }

    /// The kind of home written exactly as `s` (lower case); `None` for any other word.
    pub fn parse(s: &str) -> Option<Housing> {
        Housing::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

/// Highest education level of the applying parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Education {
    /// No formal schooling (written `none`).
    None,
    /// Junior secondary school (written `junior`).
    Junior,
    /// Senior secondary school (written `senior`).
    Senior,
    /// A college (associate-level) diploma (written `college`).
    College,
    /// A bachelor's degree (written `bachelor`).
    Bachelor,
    /// A master's or doctoral degree (written `postgraduate`).
    Postgraduate,
}

impl Education {
    /// Every level, lowest first.
    pub const ALL: [Education; 6] = [
        Education::None,
        Education::Junior,
        Education::Senior,
        Education::College,
        Education::Bachelor,
        Education::Postgraduate,
    ];

    /// The word for this level in the children file and in policies' points tables.
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

    /// The level written exactly as `s` (lower case); `None` for any other word.
    pub fn parse(s: &str) -> Option<Education> {
        Education::ALL.into_iter().find(|e| e.as_str() == s)
    }
}
