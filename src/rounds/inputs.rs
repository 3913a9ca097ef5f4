//! A round's inputs and their validation: the earlier round's folder, a declines file, late
//! applicants (children and choices rows in the scenario's formats) and seat changes.
//!
//! - **Declines** (`declines.csv`): columns `child` (an applicant of the earlier round) and an
//!   optional `reason` in words (`took a private place`, `moved away`). A declining child leaves
//!   the intake and frees what she held. A child is named once.
//! - **Late applicants**: a children file and a choices file with exactly the columns of the
//!   scenario's own (`docs/scenario-format.md`), read and checked by the scenario loader's own
//!   readers and validators against the scenario's districts, schools and policy, so every
//!   problem is reported at its file, line and field as for the first round. Ids must be new.
//! - **Seat changes** (`seats.csv`): columns `school` (a public school of the intake) and
//!   `seats` (its seats from this round on), applied as the scenario's typed
//!   [`Edit::SchoolSeats`]. A school may not go below the children who keep a place there:
//!   nobody loses a place.
//!
//! A round needs at least one applicant: declines of every child without a late applicant are
//! refused.
//!
//! Every problem of every file is collected and reported together as [`InputErrors`] of kind
//! round input; nothing is written when any is found.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::assign::Outcome;
use crate::domain::{Child, ChildIdx, SchoolIdx};
use crate::error::{InputError, InputErrors, InputKind};
use crate::input::rows::{read_table, ChildRow};
use crate::scenario::{rules, Edit, Scenario};

/// Where a round's inputs are. Every file is optional: a round with none reproduces the earlier
/// round exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundFiles {
    /// The earlier round's output folder (a `seatplan run` or an earlier `seatplan round`).
    pub previous: PathBuf,
    /// The declines file.
    pub declines: Option<PathBuf>,
    /// The late applicants' children file (with `late_choices`).
    pub late_children: Option<PathBuf>,
    /// The late applicants' choices file (with `late_children`).
    pub late_choices: Option<PathBuf>,
    /// The seat changes file.
    pub seats: Option<PathBuf>,
}

impl RoundFiles {
    /// The round's own input files, in the order declines, late children, late choices, seats.
    pub fn all(&self) -> Vec<&Path> {
        [
            &self.declines,
            &self.late_children,
            &self.late_choices,
            &self.seats,
        ]
        .into_iter()
        .flatten()
        .map(PathBuf::as_path)
        .collect()
    }
}

/// One decline, read from the declines file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decline {
    /// The child, in the earlier round's scenario.
    pub child: ChildIdx,
    /// Why, in words (empty if the file gives none).
    pub reason: String,
}

/// What a round changes, validated.
#[derive(Debug, Clone)]
pub struct Changes {
    /// The declines, in the file's order.
    pub declines: Vec<Decline>,
    /// The late applicants, as children of the scenario.
    pub late: Vec<Child>,
    /// The seat changes, as typed edits.
    pub seats: Vec<Edit>,
}

#[derive(Debug, Deserialize)]
struct DeclineRow {
    child: String,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SeatRow {
    school: String,
    /// Read by the tables' rules for whole numbers (`1,000` grouped; `+5`, `0x10`, `５` refused).
    #[serde(deserialize_with = "crate::input::forms::whole")]
    seats: i64,
}

/// Reads and checks a round's files against the earlier round (`earlier`, its `outcomes`) and
/// the first run's scenario file `base` (whose tables and policy the late applicants are
/// checked against).
pub fn read(
    files: &RoundFiles,
    base: &Path,
    earlier: &Scenario,
    outcomes: &[Outcome],
) -> Result<Changes, InputErrors> {
    let mut errors = Vec::new();
    let declines = match &files.declines {
        Some(path) => read_declines(path, earlier, &mut errors),
        None => Vec::new(),
    };
    let late = match (&files.late_children, &files.late_choices) {
        (Some(children), Some(choices)) => read_late(base, children, choices, earlier, &mut errors),
        (None, None) => Vec::new(),
        (Some(path), None) | (None, Some(path)) => {
            errors.push(InputError::file(
                path,
                "late applicants need both a children file and a choices file",
            ));
            Vec::new()
        }
    };
    let seats = match &files.seats {
        Some(path) => read_seats(path, earlier, outcomes, &declines, &mut errors),
        None => Vec::new(),
    };
    if let Some(path) = &files.declines {
        if errors.is_empty() && declines.len() == earlier.children.len() && late.is_empty() {
            errors.push(InputError::file(
                path,
                "every applicant declines and nobody arrives late: a round needs at least one applicant",
            ));
        }
    }
    if errors.is_empty() {
        Ok(Changes {
            declines,
            late,
            seats,
        })
    } else {
        Err(InputErrors::new(InputKind::Round, errors))
    }
}

fn read_declines(path: &Path, earlier: &Scenario, errors: &mut Vec<InputError>) -> Vec<Decline> {
    let Some(table) = read_table::<DeclineRow>(path, &["child"], &["reason"], errors) else {
        return Vec::new();
    };
    let ids: HashMap<&str, ChildIdx> = earlier
        .child_indices()
        .map(|c| (earlier.child(c).id.as_str(), c))
        .collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in table.rows {
        let id = row.row.child.trim();
        match ids.get(id) {
            None => errors.push(InputError::at(
                path,
                row.line,
                "child",
                format!("unknown child `{id}` (not an applicant of the earlier round)"),
            )),
            Some(_) if !seen.insert(id.to_string()) => errors.push(InputError::at(
                path,
                row.line,
                "child",
                format!("child `{id}` declines twice"),
            )),
            Some(&c) => out.push(Decline {
                child: c,
                reason: row.row.reason.unwrap_or_default().trim().to_string(),
            }),
        }
    }
    out
}

fn read_late(
    base: &Path,
    children: &Path,
    choices: &Path,
    earlier: &Scenario,
    errors: &mut Vec<InputError>,
) -> Vec<Child> {
    let loaded = match crate::input::load_with_tables(base, Some((children, choices))) {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.extend(e.errors);
            return Vec::new();
        }
    };
    let late = loaded.scenario;
    if late.extra_facts != earlier.extra_facts {
        errors.push(InputError::file(
            children,
            format!(
                "the extra fact columns must be those of the scenario's children file: {}",
                if earlier.extra_facts.is_empty() {
                    "none".to_string()
                } else {
                    earlier
                        .extra_facts
                        .iter()
                        .map(|f| format!("fact_{f}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ));
    }
    // The lines of the ids, to name the row of an id the earlier round already has.
    let mut lines = HashMap::new();
    let mut ignored = Vec::new();
    if let Some(t) = read_table::<ChildRow>(
        children,
        ChildRow::REQUIRED,
        ChildRow::OPTIONAL,
        &mut ignored,
    ) {
        for r in t.rows {
            lines.insert(r.row.id.trim().to_string(), r.line);
        }
    }
    let known: HashSet<&str> = earlier.children.iter().map(|c| c.id.as_str()).collect();
    for c in &late.children {
        if known.contains(c.id.as_str()) {
            let line = lines.get(&c.id).copied();
            errors.push(InputError {
                file: children.to_path_buf(),
                line,
                field: Some("id".into()),
                message: format!(
                    "child `{}` is already an applicant of the earlier round",
                    c.id
                ),
            });
        }
        if c.sibling_group.is_some() {
            errors.push(InputError {
                file: children.to_path_buf(),
                line: lines.get(&c.id).copied(),
                field: Some("sibling_group".into()),
                message: "a later round does not take joint applications of siblings".into(),
            });
        }
    }
    late.children
}

fn read_seats(
    path: &Path,
    earlier: &Scenario,
    outcomes: &[Outcome],
    declines: &[Decline],
    errors: &mut Vec<InputError>,
) -> Vec<Edit> {
    let Some(table) = read_table::<SeatRow>(path, &["school", "seats"], &[], errors) else {
        return Vec::new();
    };
    let ids: HashMap<&str, SchoolIdx> = earlier
        .school_indices()
        .map(|s| (earlier.school(s).id.as_str(), s))
        .collect();
    let gone: HashSet<ChildIdx> = declines.iter().map(|d| d.child).collect();
    let mut kept = vec![0u32; earlier.schools.len()];
    for c in earlier.child_indices() {
        if let Some(s) = outcomes[c.ix()].public_school() {
            if !gone.contains(&c) {
                kept[s.ix()] += 1;
            }
        }
    }
    let mut seen = HashSet::new();
    let mut edits = Vec::new();
    for row in table.rows {
        let id = row.row.school.trim();
        let Some(&s) = ids.get(id) else {
            errors.push(InputError::at(
                path,
                row.line,
                "school",
                format!("unknown public school `{id}`"),
            ));
            continue;
        };
        if !seen.insert(s) {
            errors.push(InputError::at(
                path,
                row.line,
                "school",
                format!("school `{id}` is changed twice"),
            ));
            continue;
        }
        let checked = if row.row.seats < 0 {
            Err(format!("must be ≥ 0, got {}", row.row.seats))
        } else {
            rules::at_most(row.row.seats as u64, rules::MAX_SEATS).map(|()| row.row.seats as u32)
        };
        let seats = match checked {
            Ok(seats) => seats,
            Err(message) => {
                errors.push(InputError::at(path, row.line, "seats", message));
                continue;
            }
        };
        if seats < kept[s.ix()] {
            errors.push(InputError::at(
                path,
                row.line,
                "seats",
                format!(
                    "{seats} seats would take a place from a child: {} children keep a place at `{id}`",
                    kept[s.ix()]
                ),
            ));
            continue;
        }
        edits.push(Edit::SchoolSeats {
            school: s,
            seats,
            reserved_migrant: earlier.school(s).reserved_migrant,
        });
    }
    edits
}

/// The round's scenario: the earlier round's without the declining children, with the seat
/// changes and with the late applicants (all children sorted by id), validated again. With
/// `siblings_apart` no child is in a sibling group any more: each applies on her own.
pub fn round_scenario(
    earlier: &Scenario,
    files: &RoundFiles,
    changes: &Changes,
    siblings_apart: bool,
) -> Result<Scenario, InputErrors> {
    let scenario = edited(earlier, files, changes)?;
    if !siblings_apart || scenario.children.iter().all(|c| c.sibling_group.is_none()) {
        return Ok(scenario);
    }
    let mut parts = scenario.to_parts();
    for c in &mut parts.children {
        c.sibling_group = None;
    }
    Ok(Scenario::new(parts).expect("a valid scenario without sibling groups stays valid"))
}

/// The earlier scenario with the round's changes.
fn edited(
    earlier: &Scenario,
    files: &RoundFiles,
    changes: &Changes,
) -> Result<Scenario, InputErrors> {
    let mut edits = vec![Edit::RemoveChildren(
        changes.declines.iter().map(|d| d.child).collect(),
    )];
    edits.extend(changes.seats.iter().cloned());
    edits.push(Edit::AddChildren(changes.late.clone()));
    earlier.edited(&edits).map_err(|invalid| {
        let at = files
            .seats
            .as_ref()
            .or(files.late_children.as_ref())
            .unwrap_or(&files.previous);
        InputErrors::new(
            InputKind::Round,
            invalid
                .problems
                .iter()
                .map(|p| InputError::file(at, p.to_string()))
                .collect(),
        )
    })
}
