//! What [`super::Scenario::new`] says when parts break a rule: a typed [`Problem`] naming the
//! entity and the field, so each caller can point at its own source (the loader at a file's line,
//! an appeal at the line of its correction, a sweep at its point).

use std::fmt;

use crate::domain::{ChildIdx, DistrictIdx, PrivateIdx, SchoolIdx};
use crate::policy::TieRule;

/// The entity a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// The scenario's own settings (entry grade, fallback rules).
    Scenario,
    /// A district.
    District(DistrictIdx),
    /// A public school.
    School(SchoolIdx),
    /// A private school.
    PrivateSchool(PrivateIdx),
    /// A child.
    Child(ChildIdx),
    /// The `position`-th choice (0-based, best first) of a child.
    Choice {
        /// The child whose choice it is.
        child: ChildIdx,
        /// Position in the child's list, 0 = first choice.
        position: usize,
    },
    /// An indicator of the policy, by position.
    Indicator(usize),
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entity::Scenario => write!(f, "the scenario"),
            Entity::District(d) => write!(f, "district #{}", d.0),
            Entity::School(s) => write!(f, "school #{}", s.0),
            Entity::PrivateSchool(p) => write!(f, "private school #{}", p.0),
            Entity::Child(c) => write!(f, "child #{}", c.0),
            Entity::Choice { child, position } => {
                write!(f, "choice {} of child #{}", position + 1, child.0)
            }
            Entity::Indicator(i) => write!(f, "indicator #{i}"),
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// A field of one entity breaks a rule; `message` says how, in the loader's words.
    #[error("{entity}: field `{field}`: {message}")]
    Field {
        /// The entity.
        entity: Entity,
        /// The field, named as in the input files.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An edit addresses an entity the scenario does not have.
    #[error("{entity} does not exist")]
    Missing {
        /// The entity the edit named.
        entity: Entity,
    },
    /// More children than the solver can index.
    #[error("{count} children: at most 16,777,215 per scenario")]
    TooManyChildren {
        /// How many children the parts hold.
        count: usize,
    },
    /// Seats are reserved for migrant children while the tie rule keeps ties.
    #[error(
        "seats reserved for migrant children need strict priorities: rule `{}` keeps ties; use `lottery`",
        rule.name()
    )]
    ReservedSeatsNeedStrictPriorities {
        /// The policy's tie rule.
        rule: TieRule,
    },
    /// Children apply in sibling groups while the tie rule keeps ties.
    #[error(
        "sibling groups need strict priorities: the policy's rule `{}` keeps ties; use `lottery`",
        rule.name()
    )]
    SiblingGroupsNeedStrictPriorities {
        /// The policy's tie rule.
        rule: TieRule,
    },
    /// Children apply in sibling groups while schools reserve seats.
    #[error("sibling groups need no reserved seats: joint applications and reserved seats cannot be combined yet")]
    SiblingGroupsWithReservedSeats,
}

/// Parts that [`super::Scenario::new`] refused, with every rule they break.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// The broken rules, in the order of the entities (scenario, districts, schools, private
    /// schools, children, sibling groups, priorities).
    pub problems: Vec<Problem>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "the scenario breaks {n} rule{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}
