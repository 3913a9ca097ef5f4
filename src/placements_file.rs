//! Reading a `placements.csv` back into one outcome per child, for `seatplan check`.
//!
//! The input side of the independent checker: [`crate::check`] works on outcomes only and does
//! no I/O, so a placement written by an earlier run (or by hand) is read here, through the
//! scenario loader's table reader, and matched to the scenario's children and schools. Every
//! problem found is reported, each at its line and column, rather than the first one only.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::assign::{Outcome, UnplacedReason};
use crate::domain::{PrivateIdx, SchoolIdx};
use crate::error::{InputError, InputErrors, InputKind};
use crate::scenario::Scenario;

/// One row of `placements.csv`, with the columns the checker needs.
#[derive(Debug, Deserialize)]
struct PlacementRow {
    child: String,
    kind: String,
    school: Option<String>,
    choice_rank: Option<u8>,
    reason: Option<String>,
}

/// The columns read.
const REQUIRED: &[&str] = &["child", "kind", "school", "choice_rank", "reason"];
/// The other columns of `placements.csv`, accepted and ignored.
const IGNORED: &[&str] = &[
    "district",
    "school_name",
    "points",
    "tier",
    "distance_km",
    "cost_yuan",
    "note",
];

/// Reads a `placements.csv` back into one outcome per child, checking that every child of the
/// scenario appears exactly once and that every school named exists.
pub fn read_placements(path: &Path, scenario: &Scenario) -> Result<Vec<Outcome>, InputErrors> {
    let mut errors = Vec::new();
    let rows = crate::input::rows::read_table::<PlacementRow>(path, REQUIRED, IGNORED, &mut errors);
    let Some(rows) = rows else {
        return Err(InputErrors::new(InputKind::Placements, errors));
    };
    let child_ix: HashMap<&str, usize> = scenario
        .children
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let school_ix: HashMap<&str, SchoolIdx> = scenario
        .school_indices()
        .map(|s| (scenario.school(s).id.as_str(), s))
        .collect();
    let private_ix: HashMap<&str, PrivateIdx> = scenario
        .private_indices()
        .map(|p| (scenario.private_school(p).id.as_str(), p))
        .collect();
    let mut outcomes: Vec<Option<(Outcome, u64)>> = vec![None; scenario.children.len()];
    for row in rows.rows {
        let (line, r) = (row.line, row.row);
        let Some(&c) = child_ix.get(r.child.as_str()) else {
            errors.push(InputError::at(
                path,
                line,
                "child",
                format!("unknown child `{}`", r.child),
            ));
            continue;
        };
        let school = r.school.as_deref().unwrap_or("");
        let outcome = match r.kind.as_str() {
            "public" => match (school_ix.get(school), r.choice_rank) {
                (Some(&s), Some(rank)) if rank >= 1 => Some(Outcome::Choice { school: s, rank }),
                (Some(&s), None) => Some(Outcome::Coordinated { school: s }),
                _ => None,
            },
            "purchased" => private_ix
                .get(school)
                .map(|&p| Outcome::Purchased { school: p }),
            "unplaced" => [
                UnplacedReason::NoPrivateInReach,
                UnplacedReason::PrivateSeatsFull,
                UnplacedReason::BudgetExhausted,
            ]
            .into_iter()
            .find(|x| r.reason.as_deref() == Some(x.as_str()))
            .map(|reason| Outcome::Unplaced { reason }),
            _ => None,
        };
        let Some(outcome) = outcome else {
            errors.push(InputError::at(
                path,
                line,
                "kind",
                format!("cannot read placement `{}` at school `{school}`", r.kind),
            ));
            continue;
        };
        if let Some((_, first)) = outcomes[c] {
            errors.push(InputError::at(
                path,
                line,
                "child",
                format!("child `{}` appears again (first at line {first})", r.child),
            ));
            continue;
        }
        outcomes[c] = Some((outcome, line));
    }
    for (i, o) in outcomes.iter().enumerate() {
        if o.is_none() {
            errors.push(InputError::file(
                path,
                format!(
                    "child `{}` of the scenario has no placement",
                    scenario.children[i].id
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(outcomes
            .into_iter()
            .map(|o| o.expect("checked").0)
            .collect())
    } else {
        Err(InputErrors::new(InputKind::Placements, errors))
    }
}
