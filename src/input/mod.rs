//! Loading a scenario: a TOML file that names its CSV tables and its policy file.
//!
//! Loading happens in three steps. [`rows`] reads each file into rows shaped like the file (the
//! only I/O on inputs); one validator per table (in `validate`) turns rows into entities, with
//! no I/O; the entities are then handed to [`Scenario::new`], whose problems are reported at the
//! line each entity came from. Every problem found in any step is collected and returned
//! together as [`InputErrors`], each naming its file, line and field. The format is specified
//! column by column in `docs/scenario-format.md`.

pub mod rows;
mod siblings;
mod validate;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::domain::FallbackRules;
use crate::error::{InputError, InputErrors};
use crate::policy::file::{line_of, parse_policy, toml_error};
use crate::scenario::{rules, Scenario};

/// Default share of residents in one year-cohort (Hangzhou: ≈ 150,000 first-graders in 2023
/// for ≈ 12 million residents).
pub const DEFAULT_COHORT_SHARE: f64 = 0.012;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: String,
    entry_grade: Spanned<i64>,
    /// The first school day of the intake (`YYYY-MM-DD`); birth dates must come before it.
    #[serde(default)]
    intake_date: Option<Spanned<String>>,
    seed: u64,
    budget_yuan: Spanned<i64>,
    policy: String,
    tables: TablesFile,
    #[serde(default)]
    demand: DemandFile,
    #[serde(default)]
    fallback: FallbackFile,
    #[serde(default)]
    planning: PlanningFile,
    #[serde(default)]
    privacy: PrivacyFile,
    #[serde(default)]
    quotas: QuotasFile,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct QuotasFile {
    migrant_share: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PrivacyFile {
    pseudonym_key: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PlanningFile {
    candidates: Option<String>,
    #[serde(default)]
    capital_budget_yuan: u64,
    #[serde(default)]
    years: u32,
}

/// Capacity-planning settings of a scenario (`[planning]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planning {
    /// Candidate expansions file, resolved against the scenario's folder.
    pub candidates: Option<PathBuf>,
    pub capital_budget_yuan: u64,
    /// Projection years after this one (0 = this year only).
    pub years: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TablesFile {
    districts: String,
    schools: String,
    private_schools: Option<String>,
    children: String,
    choices: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemandFile {
    #[serde(default = "default_cohort_share")]
    cohort_share: Spanned<f64>,
}

impl Default for DemandFile {
    fn default() -> Self {
        DemandFile {
            cohort_share: default_cohort_share(),
        }
    }
}

fn default_cohort_share() -> Spanned<f64> {
    Spanned::new(0..0, DEFAULT_COHORT_SHARE)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FallbackFile {
    coordinated_max_km: Option<Spanned<f64>>,
    purchase_max_km: Option<Spanned<f64>>,
    #[serde(default = "yes")]
    purchase_same_district: bool,
}

impl Default for FallbackFile {
    fn default() -> Self {
        FallbackFile {
            coordinated_max_km: None,
            purchase_max_km: None,
            purchase_same_district: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// Where each input of a scenario lives, resolved against the scenario file's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioFiles {
    pub scenario: PathBuf,
    pub policy: PathBuf,
    pub districts: PathBuf,
    pub schools: PathBuf,
    pub private_schools: Option<PathBuf>,
    pub children: PathBuf,
    pub choices: PathBuf,
}

impl ScenarioFiles {
    /// Every input file, scenario first.
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
        v
    }
}

/// A loaded scenario and the files it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub files: ScenarioFiles,
    pub planning: Planning,
}

/// Scenario-wide settings read from the TOML file, handed to validation.
pub(crate) struct Settings {
    pub pseudonym_key: Option<String>,
    pub name: String,
    pub entry_grade: u8,
    pub seed: u64,
    pub budget_yuan: u64,
    pub cohort_share: f64,
    pub fallback: FallbackRules,
    /// `[quotas] migrant_share`: share of each school's seats reserved for migrant children
    /// where the schools file gives no `reserved_migrant`.
    pub migrant_share: Option<f64>,
    /// `intake_date`: birth dates on or after it are refused (dates in the future).
    pub intake_date: Option<crate::domain::Date>,
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
    let text = rows::read_text(path).map_err(|e| {
        InputErrors(vec![InputError::file(
            path,
            format!("cannot read the scenario file: {e}"),
        )])
    })?;
    let file: ScenarioFile =
        toml::from_str(&text).map_err(|e| InputErrors(vec![toml_error(path, &text, &e)]))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let files = ScenarioFiles {
        scenario: path.to_path_buf(),
        policy: base.join(&file.policy),
        districts: base.join(&file.tables.districts),
        schools: base.join(&file.tables.schools),
        private_schools: file.tables.private_schools.as_ref().map(|p| base.join(p)),
        children: base.join(&file.tables.children),
        choices: base.join(&file.tables.choices),
    };

    let mut errors = Vec::new();
    let at = |span: std::ops::Range<usize>, field: &str, message: String| InputError {
        file: path.to_path_buf(),
        line: (span.end > 0).then(|| line_of(&text, span.start)),
        field: Some(field.to_string()),
        message,
    };
    let entry_grade = match rules::entry_grade(*file.entry_grade.get_ref()) {
        Ok(()) => *file.entry_grade.get_ref() as u8,
        Err(message) => {
            errors.push(at(file.entry_grade.span(), "entry_grade", message));
            1
        }
    };
    let budget_yuan = u64::try_from(*file.budget_yuan.get_ref()).unwrap_or_else(|_| {
        errors.push(at(
            file.budget_yuan.span(),
            "budget_yuan",
            format!("must be ≥ 0, got {}", file.budget_yuan.get_ref()),
        ));
        0
    });
    // A refused share is reported here once; the districts then get the default, so the
    // scenario's own rule does not report it again for each of them.
    let share = match rules::share(*file.demand.cohort_share.get_ref(), true) {
        Ok(()) => *file.demand.cohort_share.get_ref(),
        Err(message) => {
            errors.push(at(
                file.demand.cohort_share.span(),
                "demand.cohort_share",
                message,
            ));
            DEFAULT_COHORT_SHARE
        }
    };
    let mut distance = |v: &Option<Spanned<f64>>, field: &str| -> Option<f64> {
        let s = v.as_ref()?;
        let km = *s.get_ref();
        match rules::distance(km) {
            Ok(()) => Some(km),
            Err(message) => {
                errors.push(at(s.span(), field, message));
                None
            }
        }
    };
    let fallback = FallbackRules {
        coordinated_max_km: distance(
            &file.fallback.coordinated_max_km,
            "fallback.coordinated_max_km",
        ),
        purchase_max_km: distance(&file.fallback.purchase_max_km, "fallback.purchase_max_km"),
        purchase_same_district: file.fallback.purchase_same_district,
    };

    let migrant_share = file.quotas.migrant_share.as_ref().and_then(|s| {
        let share = *s.get_ref();
        if (0.0..=1.0).contains(&share) {
            Some(share)
        } else {
            errors.push(at(
                s.span(),
                "quotas.migrant_share",
                format!("must be a share between 0 and 1, got {share}"),
            ));
            None
        }
    });

    let policy = match rows::read_text(&files.policy) {
        Ok(policy_text) => match parse_policy(&files.policy, &policy_text) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        Err(e) => {
            errors.push(InputError::file(
                &files.policy,
                format!("cannot read the policy file: {e}"),
            ));
            None
        }
    };
    let planning = Planning {
        candidates: file.planning.candidates.as_ref().map(|c| base.join(c)),
        capital_budget_yuan: file.planning.capital_budget_yuan,
        years: file.planning.years,
    };
    if planning.years > 30 {
        errors.push(InputError {
            file: path.to_path_buf(),
            line: None,
            field: Some("planning.years".into()),
            message: format!("at most 30 projection years, got {}", planning.years),
        });
    }
    let intake_date = file.intake_date.as_ref().and_then(|d| {
        let date = crate::domain::Date::parse(d.get_ref());
        if date.is_none() {
            errors.push(at(
                d.span(),
                "intake_date",
                crate::domain::Date::problem(d.get_ref()),
            ));
        }
        date
    });
    let settings = Settings {
        intake_date,
        name: file.name,
        entry_grade,
        seed: file.seed,
        budget_yuan,
        cohort_share: share,
        fallback,
        migrant_share,
        pseudonym_key: file.privacy.pseudonym_key,
    };
    let scenario = validate::validate(&files, settings, policy, &mut errors);
    match scenario {
        Some(scenario) if errors.is_empty() => Ok(Loaded {
            scenario,
            files,
            planning,
        }),
        _ => Err(InputErrors(errors)),
    }
}
