//! One coordinate system for the whole scenario: every table gives its locations as `x_km`,
//! `y_km` (a kilometre grid) or every table as `lat`, `lon` (degrees), and a scenario in degrees
//! declares their datum (`coordinates` in `scenario.toml`: `wgs84`, `gcj02` or `bd09`), which a
//! kilometre grid has none of. Each problem is reported once, for the file or the setting, not
//! once per row.

use std::path::Path;

use super::Context;
use crate::domain::{CoordinateSystem, Location};
use crate::error::InputError;

/// The locations one table gave, with their lines (of the rows that were valid).
pub(super) struct TableLocations<'a> {
    pub(super) path: &'a Path,
    pub(super) located: Vec<(u64, Location)>,
}

/// Checks that every table uses the system of the schools file (else of the first table with
/// a location), rows of one file included, and the `coordinates` setting against it. Returns
/// whether all is well: when it is not, the scenario's own rule (one system, checked entity by
/// entity) would only repeat the error for every row.
pub(super) fn check(
    tables: &[TableLocations<'_>],
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> bool {
    let before = errors.len();
    let first_of = |t: &TableLocations| t.located.iter().min_by_key(|(line, _)| *line).copied();
    let Some((reference, (ref_line, ref_at))) = tables
        .iter()
        .find_map(|t| first_of(t).map(|first| (t.path, first)))
    else {
        return true;
    };
    let system = ref_at.system();
    for t in tables {
        let mut other: Vec<u64> = t
            .located
            .iter()
            .filter(|(_, at)| at.system() != system)
            .map(|(line, _)| *line)
            .collect();
        other.sort_unstable();
        let Some(&first) = other.first() else {
            continue;
        };
        let field = match system {
            CoordinateSystem::Km => "lat",
            CoordinateSystem::Degrees => "x_km",
        };
        let theirs = match system {
            CoordinateSystem::Km => CoordinateSystem::Degrees,
            CoordinateSystem::Degrees => CoordinateSystem::Km,
        };
        errors.push(InputError::at(
            t.path,
            first,
            field,
            format!(
                "{} row(s) give {} (the first here) while {}:{ref_line} gives {}: a scenario uses one coordinate system for all its tables; convert one of them",
                other.len(),
                theirs.columns(),
                reference.display(),
                system.columns()
            ),
        ));
    }
    let declared = cx.settings.coordinates.map(|(_, line)| line);
    match (system, cx.settings.coordinates_set, declared) {
        (CoordinateSystem::Degrees, false, _) => errors.push(InputError {
            file: cx.files.scenario.clone(),
            line: None,
            field: Some("coordinates".into()),
            message: format!(
                "the tables give lat/lon ({}:{ref_line}): declare their datum, never guessed: coordinates = \"wgs84\" (GPS, OpenStreetMap, CGCS2000), \"gcj02\" (Amap/高德, Tencent, Google China) or \"bd09\" (Baidu/百度)",
                reference.display()
            ),
        }),
        (CoordinateSystem::Km, true, line) => errors.push(InputError {
            file: cx.files.scenario.clone(),
            line: line.flatten(),
            field: Some("coordinates".into()),
            message: format!(
                "the tables give x_km/y_km on a kilometre grid ({}:{ref_line}), which has no datum: remove `coordinates`, or give the locations as lat/lon",
                reference.display()
            ),
        }),
        _ => {}
    }
    errors.len() == before
}
