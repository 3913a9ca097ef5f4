//! The public schools table: rows → [`School`]s of the intake's entry grade. Schools of the other
//! entry grade are valid rows but not part of this intake; their ids and grades are kept so that
//! a reference to one is answered precisely.

use std::path::Path;

use super::common::{
    grade, index_by_id, location, non_negative, stream, ById, Cells, Columns, IdRegistry, Known,
};
use super::districts::Districts;
use super::feeders::{self, FeederCell, Feeders};
use super::Context;
use crate::domain::{School, SchoolIdx};
use crate::error::InputError;
use crate::input::ids::{folded, IdMap};
use crate::input::rows::{Located, SchoolRow};
use crate::scenario::rules;

/// The schools of the intake, by id, and what the file defines besides.
pub(super) struct Schools {
    pub(super) by_id: ById<School>,
    pub(super) known: Known,
    /// Entry grade of every valid row, this intake's or not.
    pub(super) grade_of: IdMap<u8>,
    /// Line of every id the file defines (the shared id space with private schools).
    pub(super) lines_of_ids: IdMap<u64>,
    /// Every id the file defines by its folded form ([`crate::input::ids::folded`]), with its
    /// line.
    pub(super) folded_ids: IdMap<(String, u64)>,
    /// The `feeders` cells of the intake's schools (对口直升).
    pub(super) feeders: Feeders,
}

/// Where a school id named in another file leads.
pub(super) enum Found {
    /// A school of this intake.
    School(SchoolIdx),
    /// A valid school of another entry grade.
    OtherGrade(u8),
    /// Not a valid school, explained by an error already reported.
    Explained,
    /// Not in the schools file.
    Unknown,
}

impl Schools {
    /// Looks a school id up.
    pub(super) fn find(&self, id: &str) -> Found {
        if let Some(&s) = self.by_id.index.get(id) {
            return Found::School(SchoolIdx(s));
        }
        match self.grade_of.get(id) {
            Some(&g) => Found::OtherGrade(g),
            None if self.known.explains(id) => Found::Explained,
            None => Found::Unknown,
        }
    }
}

/// Reads and checks each row; a school without `reserved_migrant` reserves `[quotas]
/// migrant_share` of its seats (rounded down), else none.
pub(super) fn validate(
    path: &Path,
    columns: Columns,
    districts: &Districts,
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> Schools {
    let mut ids = IdRegistry::new(path);
    let mut schools = Vec::new();
    let mut grade_of = IdMap::default();
    let mut feeder_cells: Vec<(u64, String, String)> = Vec::new();
    let info = stream::<SchoolRow>(path, columns, errors, |row, _, errors| {
        let Located { line, row, .. } = row;
        let fresh = ids.register(&row.id, line, "id", errors);
        let district = districts.find(
            path,
            line,
            "district",
            &row.district,
            &cx.files.districts,
            errors,
        );
        let g = grade(path, line, row.entry_grade, errors);
        let seats = non_negative(path, line, "seats", row.seats, rules::MAX_SEATS, errors);
        let cells = Cells {
            x_km: row.x_km,
            y_km: row.y_km,
            lat: row.lat,
            lon: row.lon,
        };
        let loc = location(path, line, cells, cx.datum(), errors);
        let reserved = seats.and_then(|seats| match row.reserved_migrant {
            Some(r) => match rules::reserved_seats(r, seats) {
                Ok(()) => Some(r as u32),
                Err(msg) => {
                    errors.push(InputError::at(path, line, "reserved_migrant", msg));
                    None
                }
            },
            None => Some(
                cx.settings
                    .migrant_share
                    .map_or(0, |share| (share * seats as f64).floor() as u32),
            ),
        });
        if let (true, Some(district), Some(g), Some(seats), Some(location), Some(reserved)) =
            (fresh, district, g, seats, loc, reserved)
        {
            grade_of.insert(row.id.clone(), g);
            if g == cx.settings.entry_grade {
                if let Some(cell) = row.feeders.filter(|c| !c.trim().is_empty()) {
                    feeder_cells.push((line, row.id.clone(), cell));
                }
                schools.push((
                    line,
                    School {
                        id: row.id,
                        name: row.name,
                        district,
                        entry_grade: g,
                        seats: seats as u32,
                        reserved_migrant: reserved,
                        location,
                    },
                ));
            }
        }
    });
    if info.is_none() {
        (ids, schools, grade_of) = (IdRegistry::new(path), Vec::new(), IdMap::default());
        feeder_cells.clear();
    }
    let mut known = Known::of(info);
    known
        .ids
        .extend(ids.lines_of_ids().map(|(id, _)| id.clone()));
    let folded_ids = ids
        .lines_of_ids()
        .map(|(id, line)| (folded(id).into_owned(), (id.clone(), line)))
        .collect();
    let by_id = index_by_id(schools, |s| &s.id);
    let cells = feeder_cells
        .into_iter()
        .filter_map(|(line, id, cell)| {
            let school = SchoolIdx(*by_id.index.get(&id)?);
            Some(FeederCell { line, school, cell })
        })
        .collect();
    let is_intake_school = |id: &str| by_id.index.contains_key(id);
    let feeders = feeders::validate(
        path,
        cells,
        &is_intake_school,
        cx.settings.entry_grade,
        errors,
    );
    Schools {
        folded_ids,
        feeders,
        by_id,
        known,
        grade_of,
        lines_of_ids: ids.lines_of_ids().map(|(id, l)| (id.clone(), l)).collect(),
    }
}
