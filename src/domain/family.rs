//! What the points scheme reads about a family: its kind of home and the parent's education.

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
