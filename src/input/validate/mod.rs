//! Rows → entities → [`Scenario`]: one validator per table, each turning the rows
//! [`super::rows`] reads into entities as they are read (a table is a stream: no row is kept
//! once checked, so a million children are never held twice), then [`Scenario::new`], whose
//! problems are reported at the file and line of the entity they name.
//!
//! The table validators check what concerns how a file is written: ids present and unique
//! (public and private schools share one id space, since placements name either), every id
//! reference resolving, cells that are numbers, dates and words, a child's choices naming public
//! schools of the intake's entry grade once each with ranks 1, 2, 3, …. Bounds on values are the
//! scenario's rules ([`crate::scenario::rules`]), applied at the row so each problem is reported
//! in the row's order. Entities are sorted by id so the scenario — and every output — is the same
//! whatever the order of the input rows.

mod catchments;
mod children;
mod choices;
mod common;
mod coordinates;
mod districts;
mod feeders;
mod private_schools;
mod schools;

use super::polygons::SchoolLookup;
use super::rows::{
    read_table, CatchmentRow, ChildRow, ChoiceRow, DistrictRow, PrivateSchoolRow, SchoolRow,
};
use super::{ScenarioFiles, Settings};
use crate::domain::{DistrictIdx, SchoolIdx};
use crate::error::InputError;
use crate::policy::{PolicySpec, ScenarioNames, SchoolName};
use crate::scenario::{Entity, Problem, Scenario, ScenarioParts};

/// What every table validator reads besides its rows.
pub(super) struct Context<'a> {
    pub(super) files: &'a ScenarioFiles,
    pub(super) settings: &'a Settings,
}

impl Context<'_> {
    /// The declared datum of the tables' `lat`/`lon` cells, if any.
    pub(super) fn datum(&self) -> Option<crate::domain::Datum> {
        self.settings.coordinates.map(|(datum, _)| datum)
    }
}

/// Reads and checks every table, then builds the scenario; `None` if anything is wrong (every
/// problem is in `errors`).
pub(crate) fn validate(
    files: &ScenarioFiles,
    settings: Settings,
    policy: Option<PolicySpec>,
    errors: &mut Vec<InputError>,
    warnings: &mut Vec<InputError>,
) -> Option<Scenario> {
    let cx = Context {
        files,
        settings: &settings,
    };
    let columns = (DistrictRow::REQUIRED, DistrictRow::OPTIONAL);
    let districts = districts::validate(&files.districts, columns, settings.cohort_share, errors);
    let columns = (SchoolRow::REQUIRED, SchoolRow::OPTIONAL);
    let schools = schools::validate(&files.schools, columns, &districts, &cx, errors);
    let private_schools = match files.private_schools.as_deref() {
        Some(path) => {
            let columns = (PrivateSchoolRow::REQUIRED, PrivateSchoolRow::OPTIONAL);
            Some(private_schools::validate(
                path, columns, &districts, &schools, &cx, errors,
            ))
        }
        None => None,
    };
    let catchments = match files.catchments.as_deref() {
        Some(path) => {
            let table = read_table(path, CatchmentRow::REQUIRED, &[], errors);
            catchments::validate(path, table, &schools, errors)
        }
        None => catchments::Catchments::default(),
    };
    // Whether the polygon file had problems: its schools without a polygon are then not
    // reported again (the refused features are what to mend first).
    let mut polygons_refused = false;
    let polygons = files.catchment_polygons.as_deref().map(|path| {
        let system = schools.by_id.entities.first().map(|s| s.location.system());
        let lookup = |id: &str| match schools.find(id) {
            schools::Found::School(s) => SchoolLookup::Intake(s),
            schools::Found::OtherGrade(_) => SchoolLookup::OtherGrade,
            schools::Found::Explained => SchoolLookup::Explained,
            schools::Found::Unknown => SchoolLookup::Unknown,
        };
        let before = errors.len();
        let polygons = super::polygons::read(path, system, cx.datum(), &lookup, errors);
        polygons_refused = errors.len() > before;
        if let Some(system) = system {
            warnings.extend(polygons.overlaps(path, system));
        }
        polygons
    });
    // The two largest tables are read at once, on two cores: the choices name children only by
    // id until the children are known (see `choices`). Whichever threads read them read them as
    // this one would (`lend`): rayon runs both on its own threads when called from another.
    let lent_children = super::lend::lend(&files.children);
    let lent_choices = super::lend::lend(&files.choices);
    let (
        ((mut children, children_errors), children_read),
        ((read_choices, choices_errors), choices_read),
    ) = rayon::join(
        || {
            lent_children.run(|| {
                let mut errors = Vec::new();
                let columns = (ChildRow::REQUIRED, ChildRow::OPTIONAL);
                let children = children::validate(
                    &files.children,
                    columns,
                    &districts,
                    &schools,
                    &catchments,
                    &cx,
                    &mut errors,
                );
                (children, errors)
            })
        },
        || {
            lent_choices.run(|| {
                let mut errors = Vec::new();
                let columns = (ChoiceRow::REQUIRED, &[][..]);
                let read = choices::read(&files.choices, columns, &schools, &cx, &mut errors);
                (read, errors)
            })
        },
    );
    super::lend::give_back(children_read);
    super::lend::give_back(choices_read);
    errors.extend(children_errors);
    if let Some(polygons) = &polygons {
        polygons.assign(&mut children.by_id.entities);
    }
    errors.extend(choices_errors);
    let choice_lines = choices::resolve(&files.choices, read_choices, &mut children, &cx, errors);
    super::siblings::link(
        &files.children,
        std::mem::take(&mut children.memberships),
        &mut children.by_id.entities,
        &children.by_id.index,
        errors,
    );

    let located = |path, lines: &[u64], at: &mut dyn Iterator<Item = crate::domain::Location>| {
        coordinates::TableLocations {
            path,
            located: lines.iter().copied().zip(at).collect(),
        }
    };
    let mut tables = vec![located(
        &files.schools,
        &schools.by_id.lines,
        &mut schools.by_id.entities.iter().map(|s| s.location),
    )];
    if let (Some(path), Some(p)) = (files.private_schools.as_deref(), &private_schools) {
        tables.push(located(
            path,
            &p.lines,
            &mut p.entities.iter().map(|s| s.location),
        ));
    }
    tables.push(located(
        &files.children,
        &children.by_id.lines,
        &mut children.by_id.entities.iter().map(|c| c.location),
    ));
    let coordinates_ok = coordinates::check(&tables, &cx, errors);
    drop(tables);

    let spec = policy?;
    let names = ScenarioNames {
        district: &|id| districts.by_id.index.get(id).map(|&i| DistrictIdx(i)),
        school: &|id| match schools.by_id.index.get(id) {
            Some(&i) => SchoolName::Intake(SchoolIdx(i)),
            None if schools.grade_of.contains_key(id) => SchoolName::OtherGrade,
            None => SchoolName::Unknown,
        },
        extra_facts: &children.extra_facts,
        catchments: catchments.schools_of.values().any(|s| !s.is_empty())
            || polygons.as_ref().is_some_and(|p| !p.areas.is_empty()),
        polygons_only: files
            .catchment_polygons
            .as_deref()
            .filter(|_| files.catchments.is_none()),
    };
    let policy = match crate::policy::resolve(&files.policy, &spec, &names) {
        Ok(policy) => policy,
        Err(e) => {
            errors.extend(e);
            return None;
        }
    };
    // Without a workbook the scenario file's own check has named the missing table already.
    if settings.fallback.coordination == crate::domain::Coordination::CatchmentFirst
        && settings.workbook
        && files.catchments.is_none()
        && files.catchment_polygons.is_none()
    {
        errors.push(InputError {
            file: files.scenario.clone(),
            line: None,
            field: Some("fallback.coordinated".to_string()),
            message: "`catchment` coordinates children into their catchment's schools first, but the workbook has no catchment sheet (`施教区`): add it, or declare `catchments` in `[tables]`".to_string(),
        });
    }
    if policy.uses_feeders() && schools.feeders.is_empty() {
        errors.push(InputError::file(
            &files.policy,
            format!(
                "the policy's tiers read feeder schools (`feeder`), but no school of {} has a `feeders` cell: list each junior school's primary schools there (对口小学)",
                files.schools.display()
            ),
        ));
    }
    if policy.uses_catchments() {
        match (files.catchment_polygons.as_deref(), &polygons) {
            (Some(_), Some(_)) if polygons_refused => {}
            (Some(path), Some(polygons)) => errors.extend(uncovered_by_polygons(
                polygons,
                &files.schools,
                path,
                &schools,
            )),
            _ => {}
        }
        match files.catchments.as_deref() {
            None if files.catchment_polygons.is_some() => {}
            None => errors.push(InputError::file(
                &files.policy,
                format!(
                    "the policy's tiers read catchments (`hukou` or `residence` = \"catchment\"), but {} names no catchment table: add `catchments = \"catchments.csv\"` to its `[tables]`",
                    files.scenario.display()
                ),
            )),
            Some(path) if catchments.readable && files.catchment_polygons.is_none() => {
                let ids: std::collections::BTreeMap<SchoolIdx, (&str, u64)> = schools
                    .by_id
                    .index
                    .iter()
                    .map(|(id, &i)| {
                        (SchoolIdx(i), (id.as_str(), schools.by_id.lines[i as usize]))
                    })
                    .collect();
                errors.extend(catchments::uncovered_schools(
                    &catchments,
                    &files.schools,
                    path,
                    &ids,
                ));
            }
            Some(_) => {}
        }
    }

    // Where each entity came from, to report the scenario's own problems there.
    let (private_schools, private_lines) = match private_schools {
        Some(p) => (p.entities, p.lines),
        None => (Vec::new(), Vec::new()),
    };
    let lines = Lines {
        districts: districts.by_id.lines,
        schools: schools.by_id.lines,
        private_schools: private_lines,
        children: children.by_id.lines,
        choices: choice_lines,
    };
    let parts = ScenarioParts {
        name: settings.name.clone(),
        entry_grade: settings.entry_grade,
        seed: settings.seed,
        budget_yuan: settings.budget_yuan,
        districts: districts.by_id.entities,
        schools: schools.by_id.entities,
        private_schools,
        children: children.by_id.entities,
        extra_facts: children.extra_facts,
        policy,
        fallback: settings.fallback.clone(),
        pseudonym_key: settings.pseudonym_key.clone(),
        catchment_areas: polygons.map(|p| p.areas).unwrap_or_default(),
    };
    if !coordinates_ok {
        return None;
    }
    match Scenario::new(parts) {
        Ok(scenario) if errors.is_empty() => Some(scenario),
        Ok(_) => None,
        Err(invalid) => {
            errors.extend(invalid.problems.iter().map(|p| lines.input_error(files, p)));
            None
        }
    }
}

/// One error per public school of the intake that no polygon of the file at `polygons_file`
/// draws, for policies whose tiers read catchments: at the school's line of the schools file.
fn uncovered_by_polygons(
    polygons: &super::polygons::Polygons,
    schools_file: &std::path::Path,
    polygons_file: &std::path::Path,
    schools: &schools::Schools,
) -> Vec<InputError> {
    let mut ids: Vec<(&str, u32)> = schools
        .by_id
        .index
        .iter()
        .map(|(id, &i)| (id.as_str(), i))
        .collect();
    ids.sort_unstable_by_key(|&(_, i)| i);
    ids.into_iter()
        .filter(|&(_, i)| !polygons.covers(SchoolIdx(i)))
        .map(|(id, i)| {
            InputError::at(
                schools_file,
                schools.by_id.lines[i as usize],
                "id",
                format!(
                    "public school `{id}` has no catchment, but the policy's tiers read catchments: draw its polygon in {} (a feature with property `school`: `{id}`; no child could hold a catchment tier there)",
                    polygons_file.display()
                ),
            )
        })
        .collect()
}

/// The source line of every entity of the scenario.
struct Lines {
    districts: Vec<u64>,
    schools: Vec<u64>,
    private_schools: Vec<u64>,
    children: Vec<u64>,
    choices: choices::ChoiceLines,
}

impl Lines {
    /// The file and line an entity came from.
    fn of(&self, files: &ScenarioFiles, entity: Entity) -> (std::path::PathBuf, Option<u64>) {
        let at = |lines: &[u64], i: u32| lines.get(i as usize).copied();
        match entity {
            Entity::Scenario => (files.scenario.clone(), None),
            Entity::District(d) => (files.districts.clone(), at(&self.districts, d.0)),
            Entity::School(s) => (files.schools.clone(), at(&self.schools, s.0)),
            Entity::PrivateSchool(p) => (
                files.private_schools.clone().unwrap_or_default(),
                at(&self.private_schools, p.0),
            ),
            Entity::Child(c) => (files.children.clone(), at(&self.children, c.0)),
            Entity::Choice { child, position } => {
                (files.choices.clone(), self.choices.line(child, position))
            }
            Entity::Indicator(_) => (files.policy.clone(), None),
        }
    }

    /// A problem of [`Scenario::new`] as the loader reports it.
    fn input_error(&self, files: &ScenarioFiles, problem: &Problem) -> InputError {
        let sibling_groups = |need: String| {
            InputError::file(
                &files.children,
                format!("sibling groups (column `sibling_group`) need {need}"),
            )
        };
        match problem {
            Problem::Field {
                entity,
                field,
                message,
            } => {
                let (file, line) = self.of(files, *entity);
                InputError {
                    file,
                    line,
                    field: Some(field.to_string()),
                    message: message.clone(),
                }
            }
            Problem::Missing { .. } => InputError::file(&files.scenario, problem.to_string()),
            Problem::TooManyChildren { .. } => {
                InputError::file(&files.children, problem.to_string())
            }
            Problem::ReservedSeatsNeedStrictPriorities { rule } => InputError {
                file: files.policy.clone(),
                line: None,
                field: Some("priority.rule".into()),
                message: format!(
                    "seats reserved for migrant children (`reserved_migrant` in {}, or `[quotas] migrant_share`) need strict priorities: rule `{}` keeps ties; use `lottery`",
                    files.schools.display(),
                    rule.name()
                ),
            },
            Problem::SiblingGroupsNeedStrictPriorities { rule } => sibling_groups(format!(
                "strict priorities: the policy's rule `{}` keeps ties; use `lottery`",
                rule.name()
            )),
            Problem::SiblingGroupsWithReservedSeats => sibling_groups(
                "no reserved seats: joint applications and reserved seats cannot be combined yet"
                    .into(),
            ),
        }
    }
}
