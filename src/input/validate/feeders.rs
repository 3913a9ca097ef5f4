//! Feeder schools (对口直升): the schools table's optional `feeders` cell → for each primary
//! school, the public schools of the intake its pupils go up to.
//!
//! A junior school's `feeders` cell lists the primary schools that feed it, separated by `;`
//! (as a bureau's 对口直升 list is written: one junior school, its primary schools). A primary
//! school may feed several schools. Checked here: no empty entry, no primary school listed twice
//! in one cell, and no entry that is itself a school of the intake's grade (a junior school cannot
//! feed a junior school). The children validator then looks each child's `primary_school` up: a
//! primary school some `feeders` cell lists, or a school of another grade in the schools file
//! (one that feeds nothing); anything else is an unknown primary school.

use std::collections::HashMap;
use std::path::Path;

use crate::domain::SchoolIdx;
use crate::error::InputError;

/// The valid feeder lists.
#[derive(Debug, Default)]
pub(super) struct Feeders {
    /// Each primary school's fed schools of this intake, sorted.
    pub(super) fed_by: HashMap<String, Vec<SchoolIdx>>,
}

impl Feeders {
    /// The schools `primary` feeds, or `None` if no `feeders` cell lists it.
    pub(super) fn find(&self, primary: &str) -> Option<&[SchoolIdx]> {
        self.fed_by.get(primary).map(Vec::as_slice)
    }

    /// Whether any school has a feeder.
    pub(super) fn is_empty(&self) -> bool {
        self.fed_by.is_empty()
    }
}

/// One `feeders` cell of a school of the intake, at `line` of the schools file.
pub(super) struct FeederCell {
    pub(super) line: u64,
    pub(super) school: SchoolIdx,
    pub(super) cell: String,
}

/// Checks every school's `feeders` cell; `is_intake_school` tells whether an id is a school of
/// this intake (its grade as a number for the message).
pub(super) fn validate(
    path: &Path,
    cells: Vec<FeederCell>,
    is_intake_school: &dyn Fn(&str) -> bool,
    entry_grade: u8,
    errors: &mut Vec<InputError>,
) -> Feeders {
    let mut fed_by: HashMap<String, Vec<SchoolIdx>> = HashMap::new();
    for FeederCell { line, school, cell } in cells {
        let mut in_cell: Vec<&str> = Vec::new();
        for entry in cell.split(';').map(str::trim) {
            if entry.is_empty() {
                errors.push(InputError::at(
                    path,
                    line,
                    "feeders",
                    "an empty entry: separate primary schools by single `;`",
                ));
                continue;
            }
            if in_cell.contains(&entry) {
                errors.push(InputError::at(
                    path,
                    line,
                    "feeders",
                    format!("primary school `{entry}` is listed twice"),
                ));
                continue;
            }
            in_cell.push(entry);
            if is_intake_school(entry) {
                errors.push(InputError::at(
                    path,
                    line,
                    "feeders",
                    format!(
                        "`{entry}` is a school of entry grade {entry_grade} itself, not a primary school that feeds one"
                    ),
                ));
                continue;
            }
            fed_by.entry(entry.to_string()).or_default().push(school);
        }
    }
    for list in fed_by.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    Feeders { fed_by }
}
