//! The districts table: rows → [`District`]s.

use std::path::Path;

use super::common::{index_by_id, non_negative, rule, stream, ById, Columns, IdRegistry, Known};
use crate::domain::{District, DistrictIdx};
use crate::error::InputError;
use crate::input::rows::{DistrictRow, Located};
use crate::scenario::rules;

/// The valid districts, by id, and every id the file defines.
pub(super) struct Districts {
    pub(super) by_id: ById<District>,
    pub(super) known: Known,
}

impl Districts {
    /// Resolves a district id named in another file's `field`; reports an unknown one unless a
    /// refused row of the districts file explains it.
    pub(super) fn find(
        &self,
        path: &Path,
        line: u64,
        field: &str,
        id: &str,
        districts_file: &Path,
        errors: &mut Vec<InputError>,
    ) -> Option<DistrictIdx> {
        let found = self.by_id.index.get(id).map(|&i| DistrictIdx(i));
        if found.is_none() && !self.known.explains(id) {
            errors.push(InputError::at(
                path,
                line,
                field,
                format!(
                    "unknown district `{id}` (not in {})",
                    districts_file.display()
                ),
            ));
        }
        found
    }
}

/// Reads and checks each row; `cohort_share` is the scenario's default for rows without one.
pub(super) fn validate(
    path: &Path,
    columns: Columns,
    cohort_share: f64,
    errors: &mut Vec<InputError>,
) -> Districts {
    let mut ids = IdRegistry::new(path);
    let mut districts = Vec::new();
    let info = stream::<DistrictRow>(path, columns, errors, |row, _, errors| {
        let Located { line, row, .. } = row;
        let fresh = ids.register(&row.id, line, "id", errors);
        let pop = non_negative(
            path,
            line,
            "permanent_population",
            row.permanent_population,
            rules::MAX_POPULATION,
            errors,
        );
        let mut share_ok = |field: &str, v: Option<f64>, open_zero: bool| -> bool {
            v.is_none_or(|s| rule(path, line, field, rules::share(s, open_zero), errors))
        };
        let cohort_ok = share_ok("cohort_share", row.cohort_share, true);
        let migrant_ok = share_ok("migrant_share", row.migrant_share, false);
        let apply_ok = share_ok("apply_share", row.apply_share, false);
        let growth_ok = row
            .growth_rate
            .is_none_or(|g| rule(path, line, "growth_rate", rules::growth_rate(g), errors));
        let cohort_children = match row.cohort_children {
            None => Some(None),
            Some(v) => non_negative(
                path,
                line,
                "cohort_children",
                v,
                rules::MAX_COHORT_CHILDREN,
                errors,
            )
            .map(Some),
        };
        if let (true, Some(pop), true, true, true, true, Some(cohort_children)) = (
            fresh,
            pop,
            cohort_ok,
            migrant_ok,
            apply_ok,
            growth_ok,
            cohort_children,
        ) {
            districts.push((
                line,
                District {
                    id: row.id,
                    name: row.name,
                    permanent_population: pop,
                    cohort_share: row.cohort_share.unwrap_or(cohort_share),
                    migrant_share: row.migrant_share,
                    cohort_children,
                    apply_share: row.apply_share.unwrap_or(1.0),
                    growth_rate: row.growth_rate.unwrap_or(0.0),
                },
            ));
        }
    });
    if info.is_none() {
        (ids, districts) = (IdRegistry::new(path), Vec::new());
    }
    let mut known = Known::of(info);
    known.ids.extend(ids.into_ids());
    Districts {
        by_id: index_by_id(districts, |d| &d.id),
        known,
    }
}
