//! Loading a scenario: a TOML file that names its tables (CSV files or workbook sheets) and its
//! policy file.
//!
//! Loading happens in three steps. [`rows`] reads each file into rows shaped like the file (the
//! only I/O on inputs), each table as [`source`] says where it is and how it is written; one validator per table (in `validate`) turns rows into entities, with
//! no I/O; the entities are then handed to [`Scenario::new`], whose problems are reported at the
//! line each entity came from. Every problem found in any step is collected and returned
//! together as [`InputErrors`], each naming its file, line and field. The format is specified
//! column by column in `docs/scenario-format.md`.

pub mod dictionary;
mod fallback_stages;
pub mod forms;
pub mod ids;
mod lend;
mod polygons;
pub mod read;
pub mod rows;
mod rows_parallel;
mod settings;
mod siblings;
pub mod source;
mod table_text;
mod validate;

use std::path::{Path, PathBuf};

use crate::error::{InputError, InputErrors};
use crate::policy::file::{from_toml, parse_policy};
use crate::policy::PolicySpec;
use crate::scenario::Scenario;
use dictionary::TableKind;
pub use read::{
    read_input, read_input_text, stream_input, with_input_limits, FileKind, InputLimits,
};
use settings::{ScenarioFile, Settings};
use source::Declared;

/// Default share of residents in one year-cohort (Hangzhou: ≈ 150,000 first-graders in 2023
/// for ≈ 12 million residents).
pub const DEFAULT_COHORT_SHARE: f64 = 0.012;

/// Capacity-planning settings of a scenario (`[planning]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planning {
    /// Candidate expansions file, resolved against the scenario's folder.
    pub candidates: Option<PathBuf>,
    /// Money available for the candidate expansions, in yuan (default 0).
    pub capital_budget_yuan: u64,
    /// Projection years after this one (0 = this year only).
    pub years: u32,
}

/// Where each input of a scenario lives, resolved against the scenario file's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioFiles {
    /// The scenario file itself.
    pub scenario: PathBuf,
    /// The points policy file.
    pub policy: PathBuf,
    /// The districts table.
    pub districts: PathBuf,
    /// The public schools table.
    pub schools: PathBuf,
    /// The private schools table; `None` when the scenario has none.
    pub private_schools: Option<PathBuf>,
    /// The children table.
    pub children: PathBuf,
    /// The choices table (one row per school a family lists).
    pub choices: PathBuf,
    /// The catchment table (community → public school, 施教区); `None` when the scenario has
    /// none.
    pub catchments: Option<PathBuf>,
    /// The catchments drawn as polygons (a GeoJSON FeatureCollection, `[tables]
    /// catchment_polygons`); `None` when the scenario has none.
    pub catchment_polygons: Option<PathBuf>,
}

impl ScenarioFiles {
    /// Every input file, scenario first, each once (one workbook may hold several tables).
    pub fn all(&self) -> Vec<&Path> {
        let mut v = vec![
            self.scenario.as_path(),
            self.policy.as_path(),
            self.districts.as_path(),
            self.schools.as_path(),
        ];
        v.extend(self.private_schools.as_deref());
        v.push(&self.children);
        v.push(&self.choices);
        v.extend(self.catchments.as_deref());
        v.extend(self.catchment_polygons.as_deref());
        let mut seen = std::collections::HashSet::new();
        v.retain(|p| seen.insert(*p));
        v
    }
}

/// A loaded scenario and the files it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Where each of its input files is.
    pub files: ScenarioFiles,
    /// Its capacity-planning settings (`[planning]`; all defaults when absent).
    pub planning: Planning,
    /// How each table was read (encoding and separator, or workbook sheet), in the order of
    /// [`dictionary::TableKind::ALL`].
    pub sources: Vec<source::TableRead>,
    /// What the analyst should see although the scenario is valid: polygons of two schools'
    /// catchments that overlap (多校划片, legitimate but worth a look), each naming its file and
    /// feature.
    pub warnings: Vec<InputError>,
}

/// Loads and validates a scenario held in memory: `files` gives the bytes of the scenario file
/// at `path` and of every file it names, under the paths [`load`] would read them from (the
/// scenario's folder joined with the name). Nothing is read from the disk; a file missing from
/// `files` is reported like a missing file. For services that receive uploads, and for fuzzing.
pub fn load_from_memory(
    path: &Path,
    files: impl IntoIterator<Item = (PathBuf, Vec<u8>)>,
) -> Result<Loaded, InputErrors> {
    rows::with_files_in_memory(files.into_iter().collect(), || load(path))
}

/// Loads and validates a scenario; returns every problem found if it is not valid.
pub fn load(path: &Path) -> Result<Loaded, InputErrors> {
    load_with_tables(path, None)
}

/// [`load`], with the children and choices tables read from `tables` instead of the files the
/// scenario names (a later round's late applicants, `crate::rounds`): the same readers and
/// validators, every problem reported at the given files' lines.
pub(crate) fn load_with_tables(
    path: &Path,
    tables: Option<(&Path, &Path)>,
) -> Result<Loaded, InputErrors> {
    let text = rows::read_text(path).map_err(|e| {
        InputErrors::scenario(vec![InputError::file(
            path,
            format!("cannot read the scenario file: {e}"),
        )])
    })?;
    let file: ScenarioFile = from_toml(path, &text).map_err(|e| InputErrors::scenario(vec![e]))?;
    let mut table_errors = Vec::new();
    let (mut files, mut declared) = file.files(path, &mut table_errors);
    if !table_errors.is_empty() {
        return Err(InputErrors::scenario(table_errors));
    }
    if let Some((children, choices)) = tables {
        files.children = children.to_path_buf();
        files.choices = choices.to_path_buf();
        declared.retain(|d| !matches!(d.kind, TableKind::Children | TableKind::Choices));
        for (kind, file) in [
            (TableKind::Children, children),
            (TableKind::Choices, choices),
        ] {
            declared.push(Declared {
                kind,
                file: file.to_path_buf(),
                form: source::Form::Csv {
                    encoding: source::Encoding::Auto,
                    separator: source::Separator::Auto,
                },
            });
        }
    }
    // Problems in the order they are reported: the intake's settings, the policy file, then
    // `[planning]` and the intake date, then the tables.
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut settings = settings::intake(path, &text, &file, &mut errors);
    // The files the scenario names are read under its `[limits]`, unless the caller set limits.
    let limits = settings::limits(path, &text, &file, &mut errors);
    let (scenario, sources) = with_input_limits(limits, || {
        let policy = read_policy(&files.policy, &mut errors);
        let (planning, intake_date) = settings::planning(path, &text, &file, &mut errors);
        settings.intake_date = intake_date;
        let (scenario, sources) =
            source::with_tables(&mut files, &declared, &mut errors, |shown, errors| {
                validate::validate(shown, settings, policy, errors, &mut warnings)
            });
        (scenario.map(|s| (s, planning)), sources)
    });
    match scenario {
        Some((scenario, planning)) if errors.is_empty() => Ok(Loaded {
            scenario,
            files,
            planning,
            sources,
            warnings,
        }),
        _ => Err(InputErrors::scenario(errors)),
    }
}

/// Reads and parses the policy file.
fn read_policy(path: &Path, errors: &mut Vec<InputError>) -> Option<PolicySpec> {
    match rows::read_text(path) {
        Ok(policy_text) => match parse_policy(path, &policy_text) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        Err(e) => {
            errors.push(InputError::file(
                path,
                format!("cannot read the policy file: {e}"),
            ));
            None
        }
    }
}
