//! Reading a `placements.csv` back, for `seatplan check`: one outcome and one written row per
//! child.
//!
//! The input side of the independent checker: [`crate::check`] does no I/O, so a placement
//! written by an earlier run (or by hand) is read here, through the scenario loader's table
//! reader, and matched to the scenario's children and schools. Every column of the file is read.
//! The outcome comes from the `school` column (a public school: a choice placement when
//! `choice_rank` is given, else coordinated; a private school: a bought place; blank: no place,
//! for the `reason` given); every other column is kept as written for
//! [`crate::check_placements`] to compare with what the scenario implies. What cannot be read
//! as a placement at all — an unknown child or school, a child twice or missing, a rank that is
//! not a whole number from 1, an unplaced row without an unplaced reason — is reported here, each
//! problem at its line and column, rather than the first one only.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::assign::{Outcome, UnplacedReason};
use crate::check::{Placements, WrittenRow};
use crate::domain::{PrivateIdx, SchoolIdx};
use crate::error::{InputError, InputErrors, InputKind};
use crate::scenario::Scenario;

/// One row of `placements.csv`: every column, as text.
#[derive(Debug, Deserialize)]
struct PlacementRow {
    child: String,
    district: Option<String>,
    kind: Option<String>,
    school: Option<String>,
    school_name: Option<String>,
    choice_rank: Option<String>,
    points: Option<String>,
    tier: Option<String>,
    distance_km: Option<String>,
    cost_yuan: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

/// The columns of `placements.csv`, every one read and verified.
const COLUMNS: &[&str] = &[
    "child",
    "district",
    "kind",
    "school",
    "school_name",
    "choice_rank",
    "points",
    "tier",
    "distance_km",
    "cost_yuan",
    "reason",
    "note",
];

/// The unplaced reasons a row without a school may give.
const UNPLACED: [UnplacedReason; 3] = [
    UnplacedReason::NoPrivateInReach,
    UnplacedReason::PrivateSeatsFull,
    UnplacedReason::BudgetExhausted,
];

/// Reads a `placements.csv` back into one outcome and one written row per child, checking that
/// every child of the scenario appears exactly once and that every school named exists.
pub fn read_placements(path: &Path, scenario: &Scenario) -> Result<Placements, InputErrors> {
    let mut errors = Vec::new();
    let rows = crate::input::rows::read_table::<PlacementRow>(path, COLUMNS, &[], &mut errors);
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
    let mut found: Vec<Option<(Outcome, WrittenRow)>> = vec![None; scenario.children.len()];
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
        let text = |v: Option<String>| v.unwrap_or_default();
        let written = WrittenRow {
            line,
            district: text(r.district),
            kind: text(r.kind),
            school: text(r.school),
            school_name: text(r.school_name),
            choice_rank: text(r.choice_rank),
            points: text(r.points),
            tier: text(r.tier),
            distance_km: text(r.distance_km),
            cost_yuan: text(r.cost_yuan),
            reason: text(r.reason),
            note: text(r.note),
        };
        let school = written.school.as_str();
        let rank = written.choice_rank.trim();
        let outcome = if school.is_empty() {
            match UNPLACED.into_iter().find(|x| written.reason == x.as_str()) {
                Some(reason) => Ok(Outcome::Unplaced { reason }),
                None => Err((
                    "reason",
                    format!(
                        "`{}` is not the reason of a child without a school (expected one of: {})",
                        written.reason,
                        UNPLACED.map(|x| x.as_str()).join(", ")
                    ),
                )),
            }
        } else if let Some(&s) = school_ix.get(school) {
            // Only the documented decimal form (`+1`, which `parse` takes, is refused).
            let parsed = if crate::input::forms::is_whole(rank) {
                rank.parse::<u8>()
            } else {
                Ok(0)
            };
            match parsed {
                _ if rank.is_empty() => Ok(Outcome::Coordinated { school: s }),
                Ok(rank) if rank >= 1 => Ok(Outcome::Choice { school: s, rank }),
                _ => Err((
                    "choice_rank",
                    format!("`{rank}` is not a choice rank (a whole number from 1 to 255)"),
                )),
            }
        } else if let Some(&p) = private_ix.get(school) {
            Ok(Outcome::Purchased { school: p })
        } else {
            Err((
                "school",
                format!("unknown school `{school}`: no public or private school of the scenario"),
            ))
        };
        let outcome = match outcome {
            Ok(o) => o,
            Err((field, message)) => {
                errors.push(InputError::at(path, line, field, message));
                continue;
            }
        };
        if let Some((_, first)) = &found[c] {
            errors.push(InputError::at(
                path,
                line,
                "child",
                format!(
                    "child `{}` appears again (first at line {})",
                    r.child, first.line
                ),
            ));
            continue;
        }
        found[c] = Some((outcome, written));
    }
    for (i, o) in found.iter().enumerate() {
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
    if !errors.is_empty() {
        return Err(InputErrors::new(InputKind::Placements, errors));
    }
    let (outcomes, rows) = found.into_iter().map(|o| o.expect("checked")).unzip();
    Ok(Placements { outcomes, rows })
}
