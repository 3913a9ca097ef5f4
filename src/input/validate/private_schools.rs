//! The private schools table: rows → [`PrivateSchool`]s of the intake's entry grade. Their ids
//! share one space with the public schools'.

use std::path::Path;

use super::common::{
    grade, index_by_id, location, non_negative, stream, ById, Cells, Columns, IdRegistry,
};
use super::districts::Districts;
use super::schools::Schools;
use super::Context;
use crate::domain::PrivateSchool;
use crate::error::InputError;
use crate::input::rows::{Located, PrivateSchoolRow};
use crate::scenario::rules;

/// Reads and checks each row.
pub(super) fn validate(
    path: &Path,
    columns: Columns,
    districts: &Districts,
    schools: &Schools,
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> ById<PrivateSchool> {
    let mut ids = IdRegistry::new(path);
    let mut private_schools = Vec::new();
    let info = stream::<PrivateSchoolRow>(path, columns, errors, |row, _, errors| {
        let Located { line, row, .. } = row;
        let mut fresh = ids.register(&row.id, line, "id", errors);
        if fresh {
            if let Some(first) = schools.lines_of_ids.get(&row.id) {
                errors.push(InputError::at(
                    path,
                    line,
                    "id",
                    format!(
                        "id `{}` is already a public school ({}:{first}); school ids must be unique across both files",
                        row.id,
                        cx.files.schools.display()
                    ),
                ));
                fresh = false;
            } else if let Some((other, first)) = schools
                .folded_ids
                .get(crate::input::ids::folded(&row.id).as_ref())
            {
                errors.push(InputError::at(
                    path,
                    line,
                    "id",
                    format!(
                        "id `{}` is the same as public school `{other}` ({}:{first}) after Unicode compatibility folding; school ids must be unique across both files",
                        row.id,
                        cx.files.schools.display()
                    ),
                ));
                fresh = false;
            }
        }
        let district = districts.find(
            path,
            line,
            "district",
            &row.district,
            &cx.files.districts,
            errors,
        );
        let g = grade(path, line, row.entry_grade, errors);
        let seats = non_negative(
            path,
            line,
            "purchasable_seats",
            row.purchasable_seats,
            rules::MAX_SEATS,
            errors,
        );
        let subsidy = non_negative(
            path,
            line,
            "subsidy_yuan",
            row.subsidy_yuan,
            rules::MAX_SUBSIDY_YUAN,
            errors,
        );
        let fee = non_negative(
            path,
            line,
            "fee_yuan",
            row.fee_yuan,
            rules::MAX_FEE_YUAN,
            errors,
        );
        let cells = Cells {
            x_km: row.x_km,
            y_km: row.y_km,
            lat: row.lat,
            lon: row.lon,
        };
        let loc = location(path, line, cells, cx.datum(), errors);
        if let (
            true,
            Some(district),
            Some(g),
            Some(seats),
            Some(subsidy),
            Some(fee),
            Some(location),
        ) = (fresh, district, g, seats, subsidy, fee, loc)
        {
            if g == cx.settings.entry_grade {
                private_schools.push((
                    line,
                    PrivateSchool {
                        id: row.id,
                        name: row.name,
                        district,
                        entry_grade: g,
                        purchasable_seats: seats as u32,
                        subsidy_yuan: subsidy,
                        fee_yuan: fee,
                        location,
                    },
                ));
            }
        }
    });
    if info.is_none() {
        private_schools.clear();
    }
    index_by_id(private_schools, |p| &p.id)
}
