//! Step two of loading: rows checked against each other and turned into a typed [`Scenario`].
//!
//! Checks: ids present and unique (public and private schools share one id space, since
//! placements name either); every reference resolves; numbers in range; a child's choices name
//! public schools of the intake's entry grade, once each, with distinct ranks. Entities are sorted
//! by id so the scenario — and every output — is the same whatever the order of the input rows.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::rows::{
    read_table, ChildRow, ChoiceRow, DistrictRow, Located, PrivateSchoolRow, SchoolRow, Table,
};
use super::{ScenarioFiles, Settings};
use crate::domain::{
    Child, ChildIdx, Date, District, DistrictIdx, Education, Housing, Location, PrivateSchool,
    Scenario, School, SchoolIdx,
};
use crate::error::InputError;
use crate::policy::{PolicySpec, ScenarioNames, SchoolName};

/// Keeps the first line each id was seen at and reports later duplicates.
struct IdRegistry<'a> {
    path: &'a Path,
    seen: HashMap<String, u64>,
}

impl<'a> IdRegistry<'a> {
    fn new(path: &'a Path) -> Self {
        IdRegistry {
            path,
            seen: HashMap::new(),
        }
    }

    /// True if the id is new; records an error otherwise.
    fn register(&mut self, id: &str, line: u64, field: &str, errors: &mut Vec<InputError>) -> bool {
        if id.is_empty() {
            errors.push(InputError::at(self.path, line, field, "the id is empty"));
            return false;
        }
        if let Some(first) = self.seen.get(id) {
            errors.push(InputError::at(
                self.path,
                line,
                field,
                format!("duplicate id `{id}` (first defined at line {first})"),
            ));
            return false;
        }
        self.seen.insert(id.to_string(), line);
        true
    }
}

fn non_negative(
    path: &Path,
    line: u64,
    field: &str,
    value: i64,
    max: i64,
    errors: &mut Vec<InputError>,
) -> Option<u64> {
    if (0..=max).contains(&value) {
        Some(value as u64)
    } else {
        let msg = if value < 0 {
            format!("must be ≥ 0, got {value}")
        } else {
            format!("{value} is implausibly large (at most {max})")
        };
        errors.push(InputError::at(path, line, field, msg));
        None
    }
}

/// Seats of a school reserved for migrant children: the `reserved_migrant` column when given
/// (0 to `seats`), else `[quotas] migrant_share × seats` rounded down, else 0.
fn reserved_migrant(
    path: &Path,
    line: u64,
    column: Option<i64>,
    seats: Option<u64>,
    settings: &Settings,
    errors: &mut Vec<InputError>,
) -> Option<u32> {
    let seats = seats?;
    match column {
        Some(r) if (0..=seats as i64).contains(&r) => Some(r as u32),
        Some(r) => {
            errors.push(InputError::at(
                path,
                line,
                "reserved_migrant",
                format!("must be between 0 and the school's {seats} seats, got {r}"),
            ));
            None
        }
        None => Some(
            settings
                .migrant_share
                .map_or(0, |share| (share * seats as f64).floor() as u32),
        ),
    }
}

fn location(
    path: &Path,
    line: u64,
    x: f64,
    y: f64,
    errors: &mut Vec<InputError>,
) -> Option<Location> {
    let mut ok = true;
    for (field, v) in [("x_km", x), ("y_km", y)] {
        if !v.is_finite() || v.abs() > 10_000.0 {
            errors.push(InputError::at(
                path,
                line,
                field,
                format!("`{v}` is not a coordinate in km within ±10,000"),
            ));
            ok = false;
        }
    }
    ok.then_some(Location { x_km: x, y_km: y })
}

fn grade(path: &Path, line: u64, g: i64, errors: &mut Vec<InputError>) -> Option<u8> {
    match g {
        1 | 7 => Some(g as u8),
        _ => {
            errors.push(InputError::at(
                path,
                line,
                "entry_grade",
                format!("must be 1 (primary) or 7 (junior secondary), got {g}"),
            ));
            None
        }
    }
}

/// Sorts `(id, value)` pairs by id and returns the values with an id → index map.
fn index_by_id<T>(mut items: Vec<(String, T)>) -> (Vec<T>, HashMap<String, u32>) {
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let map = items
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.clone(), i as u32))
        .collect();
    (items.into_iter().map(|(_, v)| v).collect(), map)
}

/// Ids a file defines, valid or not, so a reference to a row refused for its own problem (or
/// to a file that could not be read at all) is not reported a second time.
struct Known {
    readable: bool,
    ids: HashSet<String>,
}

impl Known {
    /// Whether an unresolved reference to `id` is already explained by another error.
    fn explains(&self, id: &str) -> bool {
        !self.readable || self.ids.contains(id)
    }
}

/// The readable rows of a table, and what it is known to define.
fn split<T>(table: Option<Table<T>>) -> (Vec<Located<T>>, Known) {
    match table {
        Some(t) => (
            t.rows,
            Known {
                readable: true,
                ids: t.unreadable_ids,
            },
        ),
        None => (
            Vec::new(),
            Known {
                readable: false,
                ids: HashSet::new(),
            },
        ),
    }
}

/// Reads a yes/no or whole-number cell: `yes`/`true` = 1, `no`/`false`/empty = 0.
fn yes_no_or_count(raw: &str) -> Option<u32> {
    match raw.to_ascii_lowercase().as_str() {
        "yes" | "true" | "y" | "是" => Some(1),
        "no" | "false" | "n" | "否" | "" => Some(0),
        other => other.parse().ok(),
    }
}

const MAX_SEATS: i64 = 1_000_000;
const MAX_MONTHS: i64 = 1_200;

pub(crate) fn validate(
    files: &ScenarioFiles,
    settings: Settings,
    policy: Option<PolicySpec>,
    errors: &mut Vec<InputError>,
) -> Option<Scenario> {
    // Districts.
    let path = files.districts.as_path();
    let (rows, mut known_districts) = split(read_table::<DistrictRow>(
        path,
        DistrictRow::REQUIRED,
        DistrictRow::OPTIONAL,
        errors,
    ));
    let mut ids = IdRegistry::new(path);
    let mut districts = Vec::new();
    for Located { line, row, .. } in rows {
        let fresh = ids.register(&row.id, line, "id", errors);
        let pop = non_negative(
            path,
            line,
            "permanent_population",
            row.permanent_population,
            2_000_000_000,
            errors,
        );
        let mut share_ok = |field: &str, v: Option<f64>, open_zero: bool| -> bool {
            match v {
                Some(s)
                    if !(s.is_finite()
                        && (if open_zero { s > 0.0 } else { s >= 0.0 })
                        && s <= 1.0) =>
                {
                    let range = if open_zero { "(0, 1]" } else { "[0, 1]" };
                    errors.push(InputError::at(
                        path,
                        line,
                        field,
                        format!("must be in {range}, got {s}"),
                    ));
                    false
                }
                _ => true,
            }
        };
        let cohort_ok = share_ok("cohort_share", row.cohort_share, true);
        let migrant_ok = share_ok("migrant_share", row.migrant_share, false);
        let apply_ok = share_ok("apply_share", row.apply_share, false);
        let growth_ok = match row.growth_rate {
            Some(g) if !(g.is_finite() && (-0.5..=0.5).contains(&g)) => {
                errors.push(InputError::at(
                    path,
                    line,
                    "growth_rate",
                    format!("must be a yearly rate between -0.5 and 0.5, got {g}"),
                ));
                false
            }
            _ => true,
        };
        let cohort_children = match row.cohort_children {
            None => Some(None),
            Some(v) => non_negative(path, line, "cohort_children", v, 10_000_000, errors).map(Some),
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
                row.id.clone(),
                District {
                    id: row.id,
                    name: row.name,
                    permanent_population: pop,
                    cohort_share: row.cohort_share.unwrap_or(settings.cohort_share),
                    migrant_share: row.migrant_share,
                    cohort_children,
                    apply_share: row.apply_share.unwrap_or(1.0),
                    growth_rate: row.growth_rate.unwrap_or(0.0),
                },
            ));
        }
    }
    known_districts.ids.extend(ids.seen.into_keys());
    let (districts, district_ix) = index_by_id(districts);
    let district_ref =
        |path: &Path, line: u64, field: &str, id: &str, errors: &mut Vec<InputError>| {
            let found = district_ix.get(id).map(|&i| DistrictIdx(i));
            if found.is_none() && !known_districts.explains(id) {
                errors.push(InputError::at(
                    path,
                    line,
                    field,
                    format!(
                        "unknown district `{id}` (not in {})",
                        files.districts.display()
                    ),
                ));
            }
            found
        };

    // Public schools. Schools of the other entry grade are valid but not part of this intake.
    let path = files.schools.as_path();
    let (rows, mut known_schools) = split(read_table::<SchoolRow>(
        path,
        SchoolRow::REQUIRED,
        &["reserved_migrant"],
        errors,
    ));
    let mut ids = IdRegistry::new(path);
    let mut schools = Vec::new();
    let mut grade_of_school: HashMap<String, u8> = HashMap::new();
    for Located { line, row, .. } in rows {
        let fresh = ids.register(&row.id, line, "id", errors);
        let district = district_ref(path, line, "district", &row.district, errors);
        let g = grade(path, line, row.entry_grade, errors);
        let seats = non_negative(path, line, "seats", row.seats, MAX_SEATS, errors);
        let loc = location(path, line, row.x_km, row.y_km, errors);
        let reserved = reserved_migrant(path, line, row.reserved_migrant, seats, &settings, errors);
        if let (true, Some(district), Some(g), Some(seats), Some(location), Some(reserved)) =
            (fresh, district, g, seats, loc, reserved)
        {
            grade_of_school.insert(row.id.clone(), g);
            if g == settings.entry_grade {
                schools.push((
                    row.id.clone(),
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
    }
    let public_ids = ids;
    known_schools.ids.extend(public_ids.seen.keys().cloned());
    let (schools, school_ix) = index_by_id(schools);

    // Private schools.
    let mut private_schools = Vec::new();
    if let Some(path) = files.private_schools.as_deref() {
        let (rows, _) = split(read_table::<PrivateSchoolRow>(
            path,
            PrivateSchoolRow::REQUIRED,
            &[],
            errors,
        ));
        let mut ids = IdRegistry::new(path);
        for Located { line, row, .. } in rows {
            let mut fresh = ids.register(&row.id, line, "id", errors);
            if fresh {
                if let Some(first) = public_ids.seen.get(&row.id) {
                    errors.push(InputError::at(
                        path,
                        line,
                        "id",
                        format!(
                            "id `{}` is already a public school ({}:{first}); school ids must be unique across both files",
                            row.id,
                            files.schools.display()
                        ),
                    ));
                    fresh = false;
                }
            }
            let district = district_ref(path, line, "district", &row.district, errors);
            let g = grade(path, line, row.entry_grade, errors);
            let seats = non_negative(
                path,
                line,
                "purchasable_seats",
                row.purchasable_seats,
                MAX_SEATS,
                errors,
            );
            let subsidy = non_negative(
                path,
                line,
                "subsidy_yuan",
                row.subsidy_yuan,
                1_000_000,
                errors,
            );
            let fee = non_negative(path, line, "fee_yuan", row.fee_yuan, 10_000_000, errors);
            let loc = location(path, line, row.x_km, row.y_km, errors);
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
                if g == settings.entry_grade {
                    private_schools.push((
                        row.id.clone(),
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
        }
    }
    let (private_schools, _) = index_by_id(private_schools);

    // Children.
    let path = files.children.as_path();
    let table = read_table::<ChildRow>(path, ChildRow::REQUIRED, ChildRow::OPTIONAL, errors);
    let extra_facts: Vec<String> = table
        .as_ref()
        .map(|t| t.extra_columns.clone())
        .unwrap_or_default();
    let (rows, mut known_children) = split(table);
    let mut ids = IdRegistry::new(path);
    let mut children = Vec::new();
    let mut memberships = Vec::new();
    for Located { line, row, extras } in rows {
        let fresh = ids.register(&row.id, line, "id", errors);
        if let Some(group) = row.sibling_group.clone() {
            memberships.push(super::siblings::Membership {
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
        let elsewhere = |v: Option<i64>, field: &str, errors: &mut Vec<InputError>| {
            non_negative(path, line, field, v.unwrap_or(0), MAX_MONTHS, errors)
        };
        let insurance_elsewhere = elsewhere(
            row.insurance_months_elsewhere,
            "insurance_months_elsewhere",
            errors,
        );
        let residence_elsewhere = elsewhere(
            row.residence_months_elsewhere,
            "residence_months_elsewhere",
            errors,
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
        if let (Some(born), Some(intake)) = (birth_date, settings.intake_date) {
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
        let residence = district_ref(
            path,
            line,
            "residence_district",
            &row.residence_district,
            errors,
        );
        let hukou = match row.hukou_district.as_deref() {
            None => Some(None),
            Some(id) => district_ref(path, line, "hukou_district", id, errors).map(Some),
        };
        let loc = location(path, line, row.x_km, row.y_km, errors);
        let permit = non_negative(
            path,
            line,
            "permit_months",
            row.permit_months,
            MAX_MONTHS,
            errors,
        );
        let insurance = non_negative(
            path,
            line,
            "insurance_months",
            row.insurance_months,
            MAX_MONTHS,
            errors,
        );
        let residence_months = non_negative(
            path,
            line,
            "residence_months",
            row.residence_months,
            MAX_MONTHS,
            errors,
        );
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
            Some(id) => match (school_ix.get(id), grade_of_school.get(id)) {
                (Some(&s), _) => Some(Some(SchoolIdx(s))),
                (None, Some(g)) => {
                    errors.push(InputError::at(
                        path,
                        line,
                        "sibling_school",
                        format!(
                            "school `{id}` takes grade-{g} entrants, not grade {}",
                            settings.entry_grade
                        ),
                    ));
                    None
                }
                (None, None) if known_schools.explains(id) => None,
                (None, None) => {
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
    if children.len() >= 1 << 24 {
        errors.push(InputError::file(
            path,
            format!(
                "{} children: at most 16,777,215 per scenario",
                children.len()
            ),
        ));
    }
    known_children.ids.extend(ids.seen.into_keys());
    let (mut children, child_ix) = index_by_id(children);

    // Choices.
    let path = files.choices.as_path();
    let (rows, _) = split(read_table::<ChoiceRow>(
        path,
        ChoiceRow::REQUIRED,
        &[],
        errors,
    ));
    let mut lists: Vec<Vec<(i64, SchoolIdx, u64)>> = vec![Vec::new(); children.len()];
    // Rows naming each child, to skip the gap check where a row was refused for another reason.
    let mut rows_of_child = vec![0usize; children.len()];
    for Located { line, row, .. } in rows {
        let child = child_ix.get(&row.child).map(|&c| ChildIdx(c));
        if child.is_none() && !known_children.explains(&row.child) {
            errors.push(InputError::at(
                path,
                line,
                "child",
                format!(
                    "unknown child `{}` (not in {})",
                    row.child,
                    files.children.display()
                ),
            ));
        }
        let school = match (school_ix.get(&row.school), grade_of_school.get(&row.school)) {
            (Some(&s), _) => Some(SchoolIdx(s)),
            (None, Some(g)) => {
                errors.push(InputError::at(
                    path,
                    line,
                    "school",
                    format!(
                        "school `{}` takes grade-{g} entrants, but this intake is for grade {}",
                        row.school, settings.entry_grade
                    ),
                ));
                None
            }
            (None, None) if known_schools.explains(&row.school) => None,
            (None, None) => {
                errors.push(InputError::at(
                    path,
                    line,
                    "school",
                    format!(
                        "unknown public school `{}` (not in {})",
                        row.school,
                        files.schools.display()
                    ),
                ));
                None
            }
        };
        if let Some(c) = child {
            rows_of_child[c.ix()] += 1;
        }
        if row.rank < 1 || row.rank > 100 {
            errors.push(InputError::at(
                path,
                line,
                "rank",
                format!("must be between 1 and 100, got {}", row.rank),
            ));
            continue;
        }
        if let (Some(c), Some(s)) = (child, school) {
            let list = &mut lists[c.ix()];
            if let Some(&(_, _, first)) = list.iter().find(|(r, _, _)| *r == row.rank) {
                errors.push(InputError::at(
                    path,
                    line,
                    "rank",
                    format!(
                        "child `{}` already has a choice of rank {} (line {first})",
                        row.child, row.rank
                    ),
                ));
            } else if let Some(&(_, _, first)) = list.iter().find(|(_, x, _)| *x == s) {
                errors.push(InputError::at(
                    path,
                    line,
                    "school",
                    format!(
                        "child `{}` already lists school `{}` (line {first})",
                        row.child, row.school
                    ),
                ));
            } else {
                list.push((row.rank, s, line));
            }
        }
    }
    for ((child, mut list), rows) in children.iter_mut().zip(lists).zip(rows_of_child) {
        list.sort_unstable();
        let complete = list.len() == rows;
        if let Some(&(rank, _, line)) = list
            .iter()
            .filter(|_| complete)
            .enumerate()
            .find(|(i, (r, _, _))| *r != *i as i64 + 1)
            .map(|(_, x)| x)
        {
            let ranks: Vec<String> = list.iter().map(|(r, _, _)| r.to_string()).collect();
            errors.push(InputError::at(
                path,
                line,
                "rank",
                format!(
                    "child `{}` has choice ranks {}: ranks must run 1, 2, 3, … without gaps (rank {rank} is out of place)",
                    child.id,
                    ranks.join(", ")
                ),
            ));
        }
        child.choices = list.into_iter().map(|(_, s, _)| s).collect();
    }
    super::siblings::link(
        files.children.as_path(),
        memberships,
        &mut children,
        &child_ix,
        errors,
    );

    let policy = policy?;
    let names = ScenarioNames {
        district: &|id| district_ix.get(id).map(|&i| DistrictIdx(i)),
        school: &|id| match school_ix.get(id) {
            Some(&i) => SchoolName::Intake(SchoolIdx(i)),
            None if grade_of_school.contains_key(id) => SchoolName::OtherGrade,
            None => SchoolName::Unknown,
        },
        extra_facts: &extra_facts,
    };
    let resolved = crate::policy::resolve(&files.policy, &policy, &names)
        .map_err(|e| errors.extend(e))
        .ok();
    if policy.tie_rule != crate::policy::TieRule::Lottery
        && schools.iter().any(|s| s.reserved_migrant > 0)
    {
        errors.push(InputError {
            file: files.policy.clone(),
            line: None,
            field: Some("priority.rule".into()),
            message: format!(
                "seats reserved for migrant children (`reserved_migrant` in {}, or `[quotas] migrant_share`) need strict priorities: rule `{}` keeps ties; use `lottery`",
                files.schools.display(),
                policy.tie_rule.name()
            ),
        });
    }
    if children.iter().any(|c| c.sibling_group.is_some()) {
        let with = if policy.tie_rule != crate::policy::TieRule::Lottery {
            Some(format!(
                "strict priorities: the policy's rule `{}` keeps ties; use `lottery`",
                policy.tie_rule.name()
            ))
        } else if schools.iter().any(|s| s.reserved_migrant > 0) {
            Some(
                "no reserved seats: joint applications and reserved seats cannot be combined yet"
                    .into(),
            )
        } else {
            None
        };
        if let Some(with) = with {
            errors.push(InputError::file(
                &files.children,
                format!("sibling groups (column `sibling_group`) need {with}"),
            ));
        }
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Scenario {
        name: settings.name,
        entry_grade: settings.entry_grade,
        seed: settings.seed,
        budget_yuan: settings.budget_yuan,
        districts,
        schools,
        private_schools,
        children,
        extra_facts,
        policy: resolved?,
        fallback: settings.fallback,
        pseudonym_key: settings.pseudonym_key,
    })
}
