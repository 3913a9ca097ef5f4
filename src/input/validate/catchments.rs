//! The catchment table (施教区): rows → for each residential community, the public schools whose
//! catchment holds it.
//!
//! Each row names a community and one public school; a community on several rows belongs to
//! several schools' catchments (多校划片). Checked here: both cells present, the school a public
//! school of the schools file (a school of another entry grade is accepted and skipped, so one
//! table can serve the primary and the junior intake), and no pair written twice. The children
//! validator then looks each child's `community` and `hukou_community` up in the result, and
//! [`uncovered_schools`] reports the public schools without a catchment when the policy's tiers
//! read catchments.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::schools::{Found, Schools};
use crate::domain::SchoolIdx;
use crate::error::InputError;
use crate::input::rows::{CatchmentRow, Located, Table};

/// The valid catchment table.
#[derive(Debug, Default)]
pub(super) struct Catchments {
    /// Each community's schools of this intake, sorted (empty when it only names schools of
    /// another grade).
    pub(super) schools_of: HashMap<String, Vec<SchoolIdx>>,
    /// Whether it could be read (unknown communities are not reported when it could not).
    pub(super) readable: bool,
}

impl Catchments {
    /// The schools whose catchment holds `community`, or `None` if the table does not list it.
    pub(super) fn find(&self, community: &str) -> Option<&[SchoolIdx]> {
        self.schools_of.get(community).map(Vec::as_slice)
    }

    /// Whether some community lies in the catchment of `school`.
    fn covers(&self, school: SchoolIdx) -> bool {
        self.schools_of.values().any(|v| v.contains(&school))
    }
}

/// Checks each row of the table at `path` (`table` is `None` when it could not be read).
pub(super) fn validate(
    path: &Path,
    table: Option<Table<CatchmentRow>>,
    schools: &Schools,
    errors: &mut Vec<InputError>,
) -> Catchments {
    let Some(table) = table else {
        return Catchments::default();
    };
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut schools_of: HashMap<String, Vec<SchoolIdx>> = HashMap::new();
    for Located { line, row, .. } in table.rows {
        let community = row.community.trim().to_string();
        let school_id = row.school.trim().to_string();
        if community.is_empty() {
            errors.push(InputError::at(
                path,
                line,
                "community",
                "the community is empty",
            ));
            continue;
        }
        if let Some(first) = seen.insert((community.clone(), school_id.clone()), line) {
            errors.push(InputError::at(
                path,
                line,
                "school",
                format!(
                    "community `{community}` is already in the catchment of `{school_id}` (line {first})"
                ),
            ));
            continue;
        }
        let entry = schools_of.entry(community).or_default();
        match schools.find(&school_id) {
            Found::School(s) => entry.push(s),
            Found::OtherGrade(_) | Found::Explained => {}
            Found::Unknown => errors.push(InputError::at(
                path,
                line,
                "school",
                format!("unknown public school `{school_id}`"),
            )),
        }
    }
    for list in schools_of.values_mut() {
        list.sort_unstable();
    }
    Catchments {
        schools_of,
        readable: true,
    }
}

/// One error per public school of the intake that no community's catchment names, for policies
/// whose tiers read catchments: at the school's line of the schools file, with the fix.
pub(super) fn uncovered_schools(
    catchments: &Catchments,
    schools_file: &Path,
    catchments_file: &Path,
    school_ids: &BTreeMap<SchoolIdx, (&str, u64)>,
) -> Vec<InputError> {
    school_ids
        .iter()
        .filter(|(s, _)| !catchments.covers(**s))
        .map(|(_, (id, line))| {
            InputError::at(
                schools_file,
                *line,
                "id",
                format!(
                    "public school `{id}` has no catchment, but the policy's tiers read catchments: add rows `community,{id}` to {} (no child could hold a catchment tier there)",
                    catchments_file.display()
                ),
            )
        })
        .collect()
}
