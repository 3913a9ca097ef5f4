//! The children table: rows → [`Child`]ren (their choices and sibling groups come from the
//! choices validator and the sibling-group check). Extra `fact_<name>` columns become the
//! scenario's extra facts.
//!
//! Each row's cells are checked in groups, in this order, and every problem of a row is
//! reported (a row with any problem is refused):
//!
//! - **Id**: present and not repeated; a `sibling_group` is recorded for the sibling-group check.
//! - **Extra facts**: each `fact_<name>` cell a whole number ≥ 0 or yes/no.
//! - **History elsewhere**: `insurance_months_elsewhere`, `residence_months_elsewhere` month
//!   counts (default 0), `insurance_back_paid` yes or no (default no).
//! - **Birth date**: a date, before the intake date.
//! - **Districts**: `residence_district` and the optional `hukou_district` known districts.
//! - **Location**: `x_km`, `y_km` coordinates or `lat`, `lon` degrees.
//! - **Months**: `permit_months`, `insurance_months`, `residence_months` month counts.
//! - **Categories**: `housing` and `education` among their words.
//! - **Sibling school**: the optional `sibling_school` a public school of the intake's grade.
//! - **Communities**: the optional `community` (home) and `hukou_community` (hukou address)
//!   communities of the catchment table; a hukou community only with a `hukou_district`.
//! - **Primary school**: the optional `primary_school`, a primary school some school's `feeders`
//!   lists (对口直升) or a school of another grade.
//! - **Lottery**: the optional `lottery` number of a notarised draw, a whole number ≥ 0; when the
//!   column is given, every child has a number and no two share one (checked over the file).
//!
//! Month counts are whole numbers in `0..=`[`rules::MAX_MONTHS`], the scenario's bound.

use std::path::Path;

use super::catchments::Catchments;
use super::common::{
    location, non_negative, word, word_problem, yes_no_or_count, ById, Cells, Columns, IdRegistry,
    Known,
};
use super::districts::Districts;
use super::schools::{Found, Schools};
use super::Context;
use crate::domain::{Child, Date, DistrictIdx, Education, Housing, SchoolIdx};
use crate::error::InputError;
use crate::input::dictionary::WordSet;
use crate::input::rows::ChildCells;
use crate::input::rows_parallel::read_cells_par;
use crate::input::siblings::Membership;
use crate::scenario::rules;

/// The valid children, by id, and what the file defines besides.
pub(super) struct Children {
    pub(super) by_id: ById<Child>,
    pub(super) known: Known,
    /// Names of the extra fact columns, in column order.
    pub(super) extra_facts: Vec<String>,
    /// Every row's `sibling_group`, for the sibling-group check.
    pub(super) memberships: Vec<Membership>,
}

/// Reads and checks each row: each becomes a [`Child`] as it is read.
pub(super) fn validate(
    path: &Path,
    columns: Columns,
    districts: &Districts,
    schools: &Schools,
    catchments: &Catchments,
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> Children {
    let mut ids = IdRegistry::new(path);
    let mut children = Vec::new();
    let mut memberships = Vec::new();
    let mut found = Vec::new();
    // Each row is checked on its own, on any core; the ids are registered in file order.
    let info = read_cells_par(
        path,
        columns.0,
        columns.1,
        ChildCells::FIELDS,
        errors,
        |line, cells, extra_facts| {
            let row = ChildCells::of(cells);
            let rows_of = Rows {
                path,
                districts,
                schools,
                catchments,
                cx,
                extra_facts,
            };
            let mut problems = Vec::new();
            let child = rows_of.child(line, &row, cells.extras(), &mut problems);
            Checked {
                id: child.is_none().then(|| row.id.to_string()),
                membership: membership(&row, line),
                child,
                problems,
            }
        },
        |line, checked, info| {
            if children.capacity() == 0 {
                children.reserve(info.rows_hint);
                ids.reserve(info.rows_hint);
            }
            let id = match (&checked.child, &checked.id) {
                (Some(child), _) => child.id.as_str(),
                (None, Some(id)) => id.as_str(),
                (None, None) => "",
            };
            let fresh = ids.register(id, line, "id", &mut found);
            memberships.extend(checked.membership);
            found.extend(checked.problems);
            if let (true, Some(child)) = (fresh, checked.child) {
                children.push((ids.last_row(), child));
            }
        },
    );
    errors.append(&mut found);
    if info.is_none() {
        (ids, children, memberships) = (IdRegistry::new(path), Vec::new(), Vec::new());
    }
    let extra_facts = info
        .as_ref()
        .map(|t| t.extra_columns.clone())
        .unwrap_or_default();
    draws_complete(path, &children, |row| ids.line_of_row(row), errors);
    // The registry becomes the children's index: a million ids are held once.
    let (by_id, refused) = ids.into_index(children, |c| &c.id);
    let mut known = Known::of(info);
    known.ids.extend(refused);
    Children {
        by_id,
        known,
        extra_facts,
        memberships,
    }
}

/// A row checked on its own: the child if every cell is valid, what is wrong with it otherwise.
struct Checked {
    /// The row's id when there is no child (which holds it).
    id: Option<String>,
    membership: Option<Membership>,
    child: Option<Child>,
    problems: Vec<InputError>,
}

/// A notarised draw numbers every child once: if any child has a `lottery` number, every child
/// must have one, and no two the same.
/// `children` are in file order, each with the registry row `line` gives the line of.
fn draws_complete(
    path: &Path,
    children: &[(u32, Child)],
    line: impl Fn(u32) -> u64,
    errors: &mut Vec<InputError>,
) {
    if children.iter().all(|(_, c)| c.lottery.is_none()) {
        return;
    }
    let mut first: std::collections::HashMap<u64, &str> = std::collections::HashMap::new();
    for &(row, ref child) in children {
        let line = line(row);
        let id = child.id.as_str();
        match child.lottery {
            None => errors.push(InputError::at(
                path,
                line,
                "lottery",
                "blank, but other children have the draw's numbers: a notarised draw gives every child a number (or leave the whole column blank for the seeded lottery)",
            )),
            Some(n) => {
                if let Some(other) = first.insert(n, id) {
                    errors.push(InputError::at(
                        path,
                        line,
                        "lottery",
                        format!("number {n} is also child `{other}`'s: each child draws her own number"),
                    ));
                    first.insert(n, other);
                }
            }
        }
    }
}

/// The row's `sibling_group`, if any, for the sibling-group check.
fn membership(row: &ChildCells, line: u64) -> Option<Membership> {
    let group = row.sibling_group?.to_string();
    Some(Membership {
        group,
        child: row.id.to_string(),
        line,
    })
}

/// What checking a row reads besides the row.
struct Rows<'a> {
    path: &'a Path,
    districts: &'a Districts,
    schools: &'a Schools,
    catchments: &'a Catchments,
    cx: &'a Context<'a>,
    /// Names of the extra fact columns, in column order.
    extra_facts: &'a [String],
}

/// A child's insurance and residence history in another city.
struct Elsewhere {
    insurance_months: u32,
    residence_months: u32,
    back_paid: bool,
}

/// A child's local month counts.
struct Months {
    permit: u32,
    insurance: u32,
    residence: u32,
}

impl Rows<'_> {
    /// Every cell of a row but its id, group by group in the module's order; the child if all
    /// are valid.
    fn child<'r>(
        &self,
        line: u64,
        row: &ChildCells,
        extras: impl Iterator<Item = &'r str>,
        errors: &mut Vec<InputError>,
    ) -> Option<Child> {
        let extra_facts = self.extra_facts(line, extras, errors);
        let elsewhere = self.elsewhere(line, row, errors);
        let birth_date = self.birth_date(line, row.birth_date, errors);
        let districts = self.districts(line, row, errors);
        let cells = Cells {
            x_km: row.x_km,
            y_km: row.y_km,
            lat: row.lat,
            lon: row.lon,
        };
        let location = location(self.path, line, cells, self.cx.datum(), errors);
        let months = self.months(line, row, errors);
        let categories = self.categories(line, row, errors);
        let sibling_school = self.sibling_school(line, row.sibling_school, errors);
        let catchment = self.community(line, "community", row.community, errors);
        let hukou_catchment = self.hukou_community(line, row, errors);
        let feeder_schools = self.primary_school(line, row.primary_school, errors);
        let lottery = match row.lottery {
            None => Some(None),
            Some(n) => {
                non_negative(self.path, line, "lottery", n, i64::MAX as u64, errors).map(Some)
            }
        };
        let (residence_district, hukou_district) = districts?;
        let (housing, education) = categories?;
        let (elsewhere, months) = (elsewhere?, months?);
        Some(Child {
            id: row.id.to_string(),
            birth_date: birth_date?,
            residence_district,
            location: location?,
            hukou_district,
            permit_months: months.permit,
            insurance_months: months.insurance,
            residence_months: months.residence,
            housing,
            education,
            sibling_school: sibling_school?,
            catchment: catchment?.into(),
            hukou_catchment: hukou_catchment?.into(),
            feeder_schools: feeder_schools?.into(),
            lottery: lottery?,
            insurance_months_elsewhere: elsewhere.insurance_months,
            residence_months_elsewhere: elsewhere.residence_months,
            insurance_back_paid: elsewhere.back_paid,
            extra_facts: extra_facts?.into(),
            choices: Box::default(),
            sibling_group: None,
        })
    }

    /// Each `fact_<name>` cell is a whole number ≥ 0 or yes/no; every bad cell is reported.
    fn extra_facts<'r>(
        &self,
        line: u64,
        extras: impl Iterator<Item = &'r str>,
        errors: &mut Vec<InputError>,
    ) -> Option<Vec<u32>> {
        let mut values = Some(Vec::with_capacity(self.extra_facts.len()));
        for (name, raw) in self.extra_facts.iter().zip(extras) {
            match yes_no_or_count(raw) {
                Some(v) => {
                    if let Some(values) = values.as_mut() {
                        values.push(v);
                    }
                }
                None => {
                    errors.push(InputError::at(
                        self.path,
                        line,
                        format!("fact_{name}"),
                        format!("`{raw}` is not a whole number ≥ 0 or yes/no"),
                    ));
                    values = None;
                }
            }
        }
        values
    }

    /// The history elsewhere: two month counts (default 0) and `insurance_back_paid` yes or no
    /// (default no).
    fn elsewhere(
        &self,
        line: u64,
        row: &ChildCells,
        errors: &mut Vec<InputError>,
    ) -> Option<Elsewhere> {
        let insurance = self.month_count(
            line,
            "insurance_months_elsewhere",
            row.insurance_months_elsewhere.unwrap_or(0),
            errors,
        );
        let residence = self.month_count(
            line,
            "residence_months_elsewhere",
            row.residence_months_elsewhere.unwrap_or(0),
            errors,
        );
        let back_paid = self.back_paid(line, row.insurance_back_paid, errors);
        Some(Elsewhere {
            insurance_months: insurance?,
            residence_months: residence?,
            back_paid: back_paid?,
        })
    }

    /// `insurance_back_paid` is yes or no; an absent cell is no.
    fn back_paid(
        &self,
        line: u64,
        raw: Option<&str>,
        errors: &mut Vec<InputError>,
    ) -> Option<bool> {
        match raw.map(yes_no_or_count) {
            None => Some(false),
            Some(Some(v)) if v <= 1 => Some(v == 1),
            Some(_) => {
                errors.push(InputError::at(
                    self.path,
                    line,
                    "insurance_back_paid",
                    format!("`{}` is not yes or no (是 or 否)", raw.unwrap_or("")),
                ));
                None
            }
        }
    }

    /// `birth_date` is a date before the intake date (when the scenario sets one).
    fn birth_date(&self, line: u64, raw: &str, errors: &mut Vec<InputError>) -> Option<Date> {
        // The common `YYYY-MM-DD` read directly (what `parse_written` reads it as), without
        // the padded copy it makes of every written form.
        let strict = (raw.len() == 10).then(|| Date::parse(raw)).flatten();
        let born = strict
            .map(Ok)
            .unwrap_or_else(|| Date::parse_written(raw))
            .map_err(|m| errors.push(InputError::at(self.path, line, "birth_date", m)))
            .ok()?;
        if let Some(intake) = self.cx.settings.intake_date {
            if born >= intake {
                errors.push(InputError::at(
                    self.path,
                    line,
                    "birth_date",
                    format!(
                        "`{born}` is not before the intake date {intake} (`intake_date` in the scenario file): a birth date in the future"
                    ),
                ));
            }
        }
        Some(born)
    }

    /// `residence_district` and the optional `hukou_district` are known districts.
    fn districts(
        &self,
        line: u64,
        row: &ChildCells,
        errors: &mut Vec<InputError>,
    ) -> Option<(DistrictIdx, Option<DistrictIdx>)> {
        let file = &self.cx.files.districts;
        let residence = self.districts.find(
            self.path,
            line,
            "residence_district",
            row.residence_district,
            file,
            errors,
        );
        let hukou = match row.hukou_district {
            None => Some(None),
            Some(id) => self
                .districts
                .find(self.path, line, "hukou_district", id, file, errors)
                .map(Some),
        };
        Some((residence?, hukou?))
    }

    /// `permit_months`, `insurance_months`, `residence_months` are month counts.
    fn months(&self, line: u64, row: &ChildCells, errors: &mut Vec<InputError>) -> Option<Months> {
        let permit = self.month_count(line, "permit_months", row.permit_months, errors);
        let insurance = self.month_count(line, "insurance_months", row.insurance_months, errors);
        let residence = self.month_count(line, "residence_months", row.residence_months, errors);
        Some(Months {
            permit: permit?,
            insurance: insurance?,
            residence: residence?,
        })
    }

    /// A month count: a whole number in `0..=`[`rules::MAX_MONTHS`].
    fn month_count(
        &self,
        line: u64,
        field: &str,
        value: i64,
        errors: &mut Vec<InputError>,
    ) -> Option<u32> {
        non_negative(self.path, line, field, value, rules::MAX_MONTHS, errors).map(|m| m as u32)
    }

    /// `housing` and `education` are among their words.
    fn categories(
        &self,
        line: u64,
        row: &ChildCells,
        errors: &mut Vec<InputError>,
    ) -> Option<(Housing, Education)> {
        let housing = word(row.housing, WordSet::Housing).and_then(Housing::parse);
        if housing.is_none() {
            errors.push(InputError::at(
                self.path,
                line,
                "housing",
                word_problem(row.housing, WordSet::Housing),
            ));
        }
        let education = word(row.education, WordSet::Education).and_then(Education::parse);
        if education.is_none() {
            errors.push(InputError::at(
                self.path,
                line,
                "education",
                word_problem(row.education, WordSet::Education),
            ));
        }
        Some((housing?, education?))
    }

    /// A community cell (`community` or `hukou_community`) is blank or a community of the
    /// catchment table; its catchment schools.
    fn community(
        &self,
        line: u64,
        field: &str,
        raw: Option<&str>,
        errors: &mut Vec<InputError>,
    ) -> Option<Vec<SchoolIdx>> {
        let Some(name) = raw.map(str::trim).filter(|c| !c.is_empty()) else {
            return Some(Vec::new());
        };
        if let (Some(polygons), "community") = (&self.cx.files.catchment_polygons, field) {
            errors.push(InputError::at(
                self.path,
                line,
                field,
                format!(
                    "community `{name}` given, but the home catchments are drawn as polygons in {}: a home's catchment comes from its coordinates; leave `community` blank (`hukou_community` still reads the catchment table)",
                    polygons.display()
                ),
            ));
            return None;
        }
        let Some(table) = self.cx.files.catchments.as_deref() else {
            errors.push(InputError::at(
                self.path,
                line,
                field,
                format!(
                    "community `{name}` given, but the scenario has no catchment table: add `catchments = \"catchments.csv\"` to `[tables]` or leave the column blank"
                ),
            ));
            return None;
        };
        match self.catchments.find(name) {
            Some(schools) => Some(schools.to_vec()),
            None if !self.catchments.readable => None,
            None => {
                errors.push(InputError::at(
                    self.path,
                    line,
                    field,
                    format!(
                        "unknown community `{name}`: {} lists no such community (add its rows `{name},<school>` there, or check the spelling)",
                        table.display()
                    ),
                ));
                None
            }
        }
    }

    /// The optional `primary_school` is blank, a primary school some school's `feeders` lists
    /// (the schools it feeds), or a school of another grade in the schools file (none).
    fn primary_school(
        &self,
        line: u64,
        raw: Option<&str>,
        errors: &mut Vec<InputError>,
    ) -> Option<Vec<SchoolIdx>> {
        let Some(name) = raw.map(str::trim).filter(|c| !c.is_empty()) else {
            return Some(Vec::new());
        };
        if let Some(fed) = self.schools.feeders.find(name) {
            return Some(fed.to_vec());
        }
        match self.schools.find(name) {
            Found::OtherGrade(_) => Some(Vec::new()),
            Found::Explained => None,
            Found::School(_) => {
                errors.push(InputError::at(
                    self.path,
                    line,
                    "primary_school",
                    format!(
                        "`{name}` is a school of this intake's entry grade, not a primary school"
                    ),
                ));
                None
            }
            Found::Unknown => {
                errors.push(InputError::at(
                    self.path,
                    line,
                    "primary_school",
                    format!(
                        "unknown primary school `{name}`: no school's `feeders` in {} lists it (add it to the `feeders` of the school it goes up to, or check the spelling)",
                        self.cx.files.schools.display()
                    ),
                ));
                None
            }
        }
    }

    /// The optional `hukou_community`: a community of the catchment table, given only with a
    /// `hukou_district`.
    fn hukou_community(
        &self,
        line: u64,
        row: &ChildCells,
        errors: &mut Vec<InputError>,
    ) -> Option<Vec<SchoolIdx>> {
        let raw = row.hukou_community;
        if raw.is_some_and(|c| !c.trim().is_empty()) && row.hukou_district.is_none() {
            errors.push(InputError::at(
                self.path,
                line,
                "hukou_community",
                "a hukou community needs a `hukou_district` (a migrant child has no local hukou address)",
            ));
            return None;
        }
        self.community(line, "hukou_community", raw, errors)
    }

    /// The optional `sibling_school` is a public school of the intake's entry grade.
    fn sibling_school(
        &self,
        line: u64,
        id: Option<&str>,
        errors: &mut Vec<InputError>,
    ) -> Option<Option<SchoolIdx>> {
        let Some(id) = id else {
            return Some(None);
        };
        let message = match self.schools.find(id) {
            Found::School(s) => return Some(Some(s)),
            Found::Explained => return None,
            Found::OtherGrade(g) => format!(
                "school `{id}` takes grade-{g} entrants, not grade {}",
                self.cx.settings.entry_grade
            ),
            Found::Unknown => format!("unknown public school `{id}`"),
        };
        errors.push(InputError::at(self.path, line, "sibling_school", message));
        None
    }
}
