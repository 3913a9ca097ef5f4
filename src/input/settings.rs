//! The scenario file (`scenario.toml`): its serde shape, where its inputs live, and its own
//! settings checked (entry grade, budget, demand, fallback, quotas, planning, intake date).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::dictionary::TableKind;
use super::fallback_stages;
use super::read::{InputLimits, MIB};
use super::source::{declare, Declared, TableDecl};
use super::{Planning, ScenarioFiles, DEFAULT_COHORT_SHARE};
use crate::domain::{Date, FallbackRules};
use crate::error::InputError;
use crate::policy::file::line_of;
use crate::scenario::rules;

/// The scenario file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScenarioFile {
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
    #[serde(default)]
    limits: LimitsFile,
    /// The datum of the tables' `lat`/`lon` cells: `wgs84`, `gcj02` or `bd09` (required when
    /// they give latitude/longitude; refused on a kilometre grid).
    #[serde(default)]
    coordinates: Option<Spanned<String>>,
}

/// `[limits]`: the size limits, in MiB, of the files the scenario names.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    table_mib: Option<Spanned<i64>>,
    text_mib: Option<Spanned<i64>>,
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

/// `[tables]`: each table's file (or sheet), and the workbook whose sheets are the tables not
/// named otherwise.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TablesFile {
    workbook: Option<String>,
    districts: Option<TableDecl>,
    schools: Option<TableDecl>,
    private_schools: Option<TableDecl>,
    children: Option<TableDecl>,
    choices: Option<TableDecl>,
    catchments: Option<TableDecl>,
    /// The catchments drawn as polygons: a GeoJSON file (not a table, so no sheet).
    catchment_polygons: Option<String>,
}

impl TablesFile {
    fn decl(&self, kind: TableKind) -> Option<&TableDecl> {
        match kind {
            TableKind::Districts => self.districts.as_ref(),
            TableKind::Schools => self.schools.as_ref(),
            TableKind::PrivateSchools => self.private_schools.as_ref(),
            TableKind::Children => self.children.as_ref(),
            TableKind::Choices => self.choices.as_ref(),
            TableKind::Catchments => self.catchments.as_ref(),
        }
    }
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
    /// The coordinated stage: `off`, `district` (the default), `catchment` or `nearest`.
    coordinated: Option<Spanned<String>>,
    coordinated_max_km: Option<Spanned<f64>>,
    /// Whether places are bought: `on` (the default) or `off`.
    purchase: Option<Spanned<String>>,
    purchase_max_km: Option<Spanned<f64>>,
    #[serde(default = "yes")]
    purchase_same_district: bool,
}

impl Default for FallbackFile {
    fn default() -> Self {
        FallbackFile {
            coordinated: None,
            coordinated_max_km: None,
            purchase: None,
            purchase_max_km: None,
            purchase_same_district: true,
        }
    }
}

fn yes() -> bool {
    true
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
    /// `coordinates`: the datum of the tables' `lat`/`lon` cells, with the line it is set at
    /// (`None` if not set, or set to a name that is refused here).
    pub coordinates: Option<(crate::domain::Datum, Option<u64>)>,
    /// Whether `coordinates` was set at all (a refused name included).
    pub coordinates_set: bool,
    /// Whether `[tables] workbook` names a workbook whose sheets are found by name.
    pub workbook: bool,
}

impl ScenarioFile {
    /// Where each input lives, resolved against the folder of the scenario file at `path`, and
    /// how each table is declared; a table that cannot be resolved is reported in `errors` (and
    /// left out).
    pub(super) fn files(
        &self,
        path: &Path,
        errors: &mut Vec<InputError>,
    ) -> (ScenarioFiles, Vec<Declared>) {
        let base = path.parent().unwrap_or(Path::new("."));
        let mut declared = Vec::new();
        for kind in TableKind::ALL {
            let decl = self.tables.decl(kind);
            match declare::resolve(kind, decl, self.tables.workbook.as_deref(), base) {
                Ok(Some(d)) => declared.push(d),
                Ok(None) => {}
                Err(message) => errors.push(InputError {
                    file: path.to_path_buf(),
                    line: None,
                    field: Some(format!("tables.{}", kind.name())),
                    message,
                }),
            }
        }
        let file = |kind| {
            declared
                .iter()
                .find(|d: &&Declared| d.kind == kind)
                .map(|d| d.file.clone())
        };
        let files = ScenarioFiles {
            scenario: path.to_path_buf(),
            policy: base.join(&self.policy),
            districts: file(TableKind::Districts).unwrap_or_default(),
            schools: file(TableKind::Schools).unwrap_or_default(),
            private_schools: file(TableKind::PrivateSchools),
            children: file(TableKind::Children).unwrap_or_default(),
            choices: file(TableKind::Choices).unwrap_or_default(),
            catchments: file(TableKind::Catchments),
            catchment_polygons: self
                .tables
                .catchment_polygons
                .as_ref()
                .map(|p| base.join(p)),
        };
        (files, declared)
    }
}

/// A problem at a key of the scenario file (no line for a default value).
fn at(
    path: &Path,
    text: &str,
    span: std::ops::Range<usize>,
    field: &str,
    message: String,
) -> InputError {
    InputError {
        file: path.to_path_buf(),
        line: (span.end > 0).then(|| line_of(text, span.start)),
        field: Some(field.to_string()),
        message,
    }
}

/// Checks the settings of the intake; a refused value is replaced by a harmless one (the
/// scenario is refused anyway) so that it is reported once. `intake_date` is left for
/// [`planning`].
pub(super) fn intake(
    path: &Path,
    text: &str,
    file: &ScenarioFile,
    errors: &mut Vec<InputError>,
) -> Settings {
    let entry_grade = match rules::entry_grade(*file.entry_grade.get_ref()) {
        Ok(()) => *file.entry_grade.get_ref() as u8,
        Err(message) => {
            errors.push(at(
                path,
                text,
                file.entry_grade.span(),
                "entry_grade",
                message,
            ));
            1
        }
    };
    let budget_yuan = u64::try_from(*file.budget_yuan.get_ref()).unwrap_or_else(|_| {
        errors.push(at(
            path,
            text,
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
                path,
                text,
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
                errors.push(at(path, text, s.span(), field, message));
                None
            }
        }
    };
    let coordinated_max_km = distance(
        &file.fallback.coordinated_max_km,
        "fallback.coordinated_max_km",
    );
    let purchase_max_km = distance(&file.fallback.purchase_max_km, "fallback.purchase_max_km");
    let coordination = fallback_stages::coordination(
        path,
        text,
        &file.fallback.coordinated,
        coordinated_max_km,
        file.tables.catchments.is_some()
            || file.tables.catchment_polygons.is_some()
            || file.tables.workbook.is_some(),
        errors,
    );
    let purchase = fallback_stages::purchase(path, text, &file.fallback.purchase, errors);
    let fallback = FallbackRules {
        coordination,
        coordinated_max_km,
        purchase,
        purchase_max_km,
        purchase_same_district: file.fallback.purchase_same_district,
    };

    let migrant_share = file.quotas.migrant_share.as_ref().and_then(|s| {
        let share = *s.get_ref();
        if (0.0..=1.0).contains(&share) {
            Some(share)
        } else {
            errors.push(at(
                path,
                text,
                s.span(),
                "quotas.migrant_share",
                format!("must be a share between 0 and 1, got {share}"),
            ));
            None
        }
    });

    let coordinates = file.coordinates.as_ref().and_then(|c| {
        match crate::domain::Datum::parse(c.get_ref()) {
            Some(datum) => Some((datum, Some(line_of(text, c.span().start)))),
            None => {
                errors.push(at(
                    path,
                    text,
                    c.span(),
                    "coordinates",
                    format!(
                        "`{}` is not a datum this tool converts: write \"wgs84\" (GPS, OpenStreetMap), \"gcj02\" (Amap/高德, Tencent, Google China) or \"bd09\" (Baidu); convert others (CGCS2000 is WGS84 within centimetres: write \"wgs84\") first",
                        c.get_ref()
                    ),
                ));
                None
            }
        }
    });

    Settings {
        coordinates,
        coordinates_set: file.coordinates.is_some(),
        workbook: file.tables.workbook.is_some(),
        intake_date: None,
        name: file.name.clone(),
        entry_grade,
        seed: file.seed,
        budget_yuan,
        cohort_share: share,
        fallback,
        migrant_share,
        pseudonym_key: file.privacy.pseudonym_key.clone(),
    }
}

/// The size limits for the files the scenario names: the caller's ([`InputLimits::current`])
/// if it set them, else the scenario's `[limits]` over the defaults.
pub(super) fn limits(
    path: &Path,
    text: &str,
    file: &ScenarioFile,
    errors: &mut Vec<InputError>,
) -> InputLimits {
    let mut limits = InputLimits::current();
    let mut mib = |v: &Option<Spanned<i64>>, field: &str, slot: &mut u64| {
        let Some(v) = v else { return };
        match u64::try_from(*v.get_ref()) {
            Ok(m) if (1..=MAX_LIMIT_MIB).contains(&m) => *slot = m * MIB,
            _ => errors.push(at(
                path,
                text,
                v.span(),
                field,
                format!(
                    "must be a size in MiB from 1 to {MAX_LIMIT_MIB}, got {}",
                    v.get_ref()
                ),
            )),
        }
    };
    let (mut table, mut text_bytes) = (limits.table_bytes, limits.text_bytes);
    mib(&file.limits.table_mib, "limits.table_mib", &mut table);
    mib(&file.limits.text_mib, "limits.text_mib", &mut text_bytes);
    if !InputLimits::set_by_caller() {
        limits.table_bytes = table;
        limits.text_bytes = text_bytes;
    }
    limits
}

/// The largest limit a scenario or the command line may set, in MiB (1 TiB).
pub const MAX_LIMIT_MIB: u64 = 1 << 20;

/// Checks `[planning]` and `intake_date`.
pub(super) fn planning(
    path: &Path,
    text: &str,
    file: &ScenarioFile,
    errors: &mut Vec<InputError>,
) -> (Planning, Option<Date>) {
    let base = path.parent().unwrap_or(Path::new("."));
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
        let date = Date::parse(d.get_ref());
        if date.is_none() {
            errors.push(at(
                path,
                text,
                d.span(),
                "intake_date",
                Date::problem(d.get_ref()),
            ));
        }
        date
    });
    (planning, intake_date)
}
