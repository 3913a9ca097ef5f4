//! The children table: rows → [`Child`]ren (their choices and sibling groups come from the
//! choices validator and the sibling-group check). Extra `fact_<name>` columns become the
//! scenario's extra facts.

use std::path::Path;

use super::common::{
    index_by_id, location, non_negative, split, yes_no_or_count, ById, IdRegistry, Known,
};
use super::districts::Districts;
use super::schools::{Found, Schools};
use super::Context;
use crate::domain::{Child, Date, Education, Housing};
use crate::error::InputError;
use crate::input::rows::{ChildRow, Located, Table};
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

/// Checks each row.
pub(super) fn validate(
    path: &Path,
    table: Option<Table<ChildRow>>,
    districts: &Districts,
    schools: &Schools,
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> Children {
    let extra_facts: Vec<String> = table
        .as_ref()
        .map(|t| t.extra_columns.clone())
        .unwrap_or_default();
    let (rows, mut known) = split(table);
    let mut ids = IdRegistry::new(path);
    let mut children = Vec::new();
    let mut memberships = Vec::new();
    let months = |v: i64, field: &str, errors: &mut Vec<InputError>, line: u64| {
        non_negative(path, line, field, v, rules::MAX_MONTHS, errors)
    };
    for Located { line, row, extras } in rows {
        let fresh = ids.register(&row.id, line, "id", errors);
        if let Some(group) = row.sibling_group.clone() {
            memberships.push(Membership {
                group,
                child: row.id.clone(),
                line,
            });
        }
        let mut extra_values = Some(Vec::with_capacity(extras.len()));
        for (name, raw) in extra_facts.iter().zip(&extras) {
            match yes_no_or_count(raw) {
                Some(v) => {
                    if let Some(values) = extra_values.as_mut() {
                        values.push(v);
                    }
                }
                None => {
                    errors.push(InputError::at(
                        path,
                        line,
                        format!("fact_{name}"),
                        format!("`{raw}` is not a whole number ≥ 0 or yes/no"),
                    ));
                    extra_values = None;
                }
            }
        }
        let insurance_elsewhere = months(
            row.insurance_months_elsewhere.unwrap_or(0),
            "insurance_months_elsewhere",
            errors,
            line,
        );
        let residence_elsewhere = months(
            row.residence_months_elsewhere.unwrap_or(0),
            "residence_months_elsewhere",
            errors,
            line,
        );
        let back_paid = match row.insurance_back_paid.as_deref().map(yes_no_or_count) {
            None => Some(false),
            Some(Some(v)) if v <= 1 => Some(v == 1),
            Some(_) => {
                errors.push(InputError::at(
                    path,
                    line,
                    "insurance_back_paid",
                    format!(
                        "`{}` is not yes or no",
                        row.insurance_back_paid.as_deref().unwrap_or("")
                    ),
                ));
                None
            }
        };
        let birth_date = Date::parse(&row.birth_date);
        if birth_date.is_none() {
            errors.push(InputError::at(
                path,
                line,
                "birth_date",
                Date::problem(&row.birth_date),
            ));
        }
        if let (Some(born), Some(intake)) = (birth_date, cx.settings.intake_date) {
            if born >= intake {
                errors.push(InputError::at(
                    path,
                    line,
                    "birth_date",
                    format!(
                        "`{born}` is not before the intake date {intake} (`intake_date` in the scenario file): a birth date in the future"
                    ),
                ));
            }
        }
        let districts_file = &cx.files.districts;
        let residence = districts.find(
            path,
            line,
            "residence_district",
            &row.residence_district,
            districts_file,
            errors,
        );
        let hukou = match row.hukou_district.as_deref() {
            None => Some(None),
            Some(id) => districts
                .find(path, line, "hukou_district", id, districts_file, errors)
                .map(Some),
        };
        let loc = location(path, line, row.x_km, row.y_km, errors);
        let permit = months(row.permit_months, "permit_months", errors, line);
        let insurance = months(row.insurance_months, "insurance_months", errors, line);
        let residence_months = months(row.residence_months, "residence_months", errors, line);
        let housing = Housing::parse(&row.housing);
        if housing.is_none() {
            errors.push(InputError::at(
                path,
                line,
                "housing",
                format!("`{}` is not one of: owned, rented, none", row.housing),
            ));
        }
        let education = Education::parse(&row.education);
        if education.is_none() {
            let all: Vec<&str> = Education::ALL.iter().map(|e| e.as_str()).collect();
            errors.push(InputError::at(
                path,
                line,
                "education",
                format!("`{}` is not one of: {}", row.education, all.join(", ")),
            ));
        }
        let sibling = match row.sibling_school.as_deref() {
            None => Some(None),
            Some(id) => match schools.find(id) {
                Found::School(s) => Some(Some(s)),
                Found::OtherGrade(g) => {
                    errors.push(InputError::at(
                        path,
                        line,
                        "sibling_school",
                        format!(
                            "school `{id}` takes grade-{g} entrants, not grade {}",
                            cx.settings.entry_grade
                        ),
                    ));
                    None
                }
                Found::Explained => None,
                Found::Unknown => {
                    errors.push(InputError::at(
                        path,
                        line,
                        "sibling_school",
                        format!("unknown public school `{id}`"),
                    ));
                    None
                }
            },
        };
        let (
            true,
            Some(birth_date),
            Some(residence_district),
            Some(location),
            Some(hukou_district),
            Some(permit),
            Some(insurance),
            Some(residence_months),
            Some(housing),
            Some(education),
            Some(sibling_school),
            Some(insurance_months_elsewhere),
            Some(residence_months_elsewhere),
            Some(insurance_back_paid),
            Some(extra_values),
        ) = (
            fresh,
            birth_date,
            residence,
            loc,
            hukou,
            permit,
            insurance,
            residence_months,
            housing,
            education,
            sibling,
            insurance_elsewhere,
            residence_elsewhere,
            back_paid,
            extra_values,
        )
        else {
            continue;
        };
        children.push((
            row.id.clone(),
            line,
            Child {
                id: row.id,
                birth_date,
                residence_district,
                location,
                hukou_district,
                permit_months: permit as u32,
                insurance_months: insurance as u32,
                residence_months: residence_months as u32,
                housing,
                education,
                sibling_school,
                insurance_months_elsewhere: insurance_months_elsewhere as u32,
                residence_months_elsewhere: residence_months_elsewhere as u32,
                insurance_back_paid,
                extra_facts: extra_values,
                choices: Vec::new(),
                sibling_group: None,
            },
        ));
    }
    known.ids.extend(ids.seen.into_keys());
    Children {
        by_id: index_by_id(children),
        known,
        extra_facts,
        memberships,
    }
}
