//! Seat planning: projected demand by district from the permanent population, supply against it
//! year by year, and where to build.
//!
//! [`expansion`] chooses among candidate expansions (new classes at a school, or a new school)
//! within a capital budget by a lexicographic integer program: first the fewest projected
//! unplaced children, then the lowest cost of purchased places, then the least capital. The
//! chosen plan can be applied to the scenario ([`apply`]) and the intake re-run.

pub mod apply;
pub mod expansion;
mod plain;

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::domain::{DistrictIdx, Location, SchoolIdx};
use crate::error::{InputError, InputErrors, InputKind};
use crate::input::rows::{read_table, Located};
use crate::input::{forms, ids};
use crate::scenario::Scenario;

/// One building option a bureau could fund.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The candidate's id in the candidates file.
    pub id: String,
    /// District the seats are added to.
    pub district: DistrictIdx,
    /// An existing public school that gains classes, or `None` for a new school.
    pub school: Option<SchoolIdx>,
    /// Name of a new school.
    pub name: String,
    /// Seats added by one unit (e.g. one class of 45).
    pub seats_per_unit: u32,
    /// Capital cost of one unit, in yuan.
    pub cost_per_unit_yuan: u64,
    /// Capital cost paid once if anything is built (e.g. land and a new building), in yuan.
    pub fixed_cost_yuan: u64,
    /// Fewest units if built at all (a minimum size), at least 1.
    pub min_units: u32,
    /// Most units that may be built, 1–1000 (default 1).
    pub max_units: u32,
    /// Location of a new school.
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Deserialize)]
struct CandidateRow {
    id: String,
    district: String,
    school: Option<String>,
    name: Option<String>,
    #[serde(deserialize_with = "forms::whole")]
    seats_per_unit: i64,
    #[serde(deserialize_with = "forms::whole")]
    cost_per_unit_yuan: i64,
    #[serde(default, deserialize_with = "forms::opt_whole")]
    fixed_cost_yuan: Option<i64>,
    #[serde(default, deserialize_with = "forms::opt_whole")]
    min_units: Option<i64>,
    #[serde(default, deserialize_with = "forms::opt_whole")]
    max_units: Option<i64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    x_km: Option<f64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    y_km: Option<f64>,
}

/// Reads and validates a candidates CSV against the scenario; every problem found is returned
/// together.
pub fn read_candidates(path: &Path, scenario: &Scenario) -> Result<Vec<Candidate>, InputErrors> {
    let mut errors = Vec::new();
    let rows: Vec<Located<CandidateRow>> = read_table(
        path,
        &["id", "district", "seats_per_unit", "cost_per_unit_yuan"],
        &[
            "school",
            "name",
            "fixed_cost_yuan",
            "min_units",
            "max_units",
            "x_km",
            "y_km",
        ],
        &mut errors,
    )
    .map(|t| t.rows)
    .unwrap_or_default();
    let districts: HashMap<&str, DistrictIdx> = scenario
        .districts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), DistrictIdx(i as u32)))
        .collect();
    let schools: HashMap<&str, SchoolIdx> = scenario
        .school_indices()
        .map(|s| (scenario.school(s).id.as_str(), s))
        .collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::new();
    for Located { line, row, .. } in rows {
        let before = errors.len();
        let mut err =
            |field: &str, msg: String| errors.push(InputError::at(path, line, field, msg));
        if let Some(first) = seen.insert(ids::folded(&row.id).into_owned(), line) {
            err(
                "id",
                format!("duplicate id `{}` (first defined at line {first})", row.id),
            );
        }
        if row.id.is_empty() {
            err("id", "the id is empty".into());
        } else if let Some(problem) = ids::id_problem(&row.id) {
            err("id", problem);
        }
        let district = districts.get(row.district.as_str()).copied();
        if district.is_none() {
            err("district", format!("unknown district `{}`", row.district));
        }
        let school = match row.school.as_deref() {
            None => None,
            Some(_) if district.is_none() => None,
            Some(id) => match schools.get(id) {
                Some(&s) if Some(scenario.school(s).district) == district => Some(s),
                Some(_) => {
                    err(
                        "school",
                        format!("school `{id}` is not in district `{}`", row.district),
                    );
                    None
                }
                None => {
                    err(
                        "school",
                        format!("unknown public school `{id}` of this intake's grade"),
                    );
                    None
                }
            },
        };
        let positive = |v: i64| (1..=100_000).contains(&v);
        if !positive(row.seats_per_unit) {
            err(
                "seats_per_unit",
                format!("must be between 1 and 100000, got {}", row.seats_per_unit),
            );
        }
        let money = |v: i64| (0..=1_000_000_000_000).contains(&v);
        let money_msg = |v: i64| {
            if v < 0 {
                format!("must be ≥ 0, got {v}")
            } else {
                format!("{v} is implausibly large (at most 1000000000000)")
            }
        };
        if !money(row.cost_per_unit_yuan) {
            err("cost_per_unit_yuan", money_msg(row.cost_per_unit_yuan));
        }
        let fixed = row.fixed_cost_yuan.unwrap_or(0);
        if !money(fixed) {
            err("fixed_cost_yuan", money_msg(fixed));
        }
        let max_units = row.max_units.unwrap_or(1);
        let min_units = row.min_units.unwrap_or(1);
        if !(1..=1000).contains(&max_units) {
            err(
                "max_units",
                format!("must be between 1 and 1000, got {max_units}"),
            );
        } else if !(1..=max_units).contains(&min_units) {
            err(
                "min_units",
                format!("must be between 1 and max_units ({max_units}), got {min_units}"),
            );
        }
        let within = |v: f64| v.is_finite() && v.abs() <= 10_000.0;
        let location = match (row.x_km, row.y_km) {
            (Some(x), Some(y)) if within(x) && within(y) => Some(Location::km(x, y)),
            (None, None) => None,
            _ => {
                err(
                    "x_km",
                    "give both x_km and y_km as coordinates in km within ±10,000, or neither"
                        .into(),
                );
                None
            }
        };
        if row.seats_per_unit.saturating_mul(max_units) > 1_000_000 {
            err(
                "max_units",
                "the expansion would give more than 1,000,000 seats".into(),
            );
        }
        if row.school.is_none() && row.x_km.is_none() && row.y_km.is_none() {
            err(
                "x_km",
                "a new school (no `school`) needs its location x_km, y_km".into(),
            );
        }
        let in_degrees = scenario
            .schools
            .first()
            .is_some_and(|s| s.location.system() == crate::domain::CoordinateSystem::Degrees);
        if row.school.is_none() && in_degrees {
            err(
                "x_km",
                "the scenario gives its locations as lat/lon, and a new school of the candidates file is placed by x_km, y_km only: leave new schools out of the plan of a scenario in degrees (more seats at existing schools are fine)".into(),
            );
        }
        let taken = schools.contains_key(row.id.as_str())
            || scenario.private_schools.iter().any(|p| p.id == row.id);
        if row.school.is_none() && taken {
            err(
                "id",
                format!(
                    "a new school needs an id of its own; `{}` is already a school",
                    row.id
                ),
            );
        }
        if errors.len() > before {
            continue;
        }
        out.push(Candidate {
            name: row.name.unwrap_or_else(|| row.id.clone()),
            id: row.id,
            district: district.expect("checked"),
            school,
            seats_per_unit: row.seats_per_unit as u32,
            cost_per_unit_yuan: row.cost_per_unit_yuan as u64,
            fixed_cost_yuan: fixed as u64,
            min_units: min_units as u32,
            max_units: max_units as u32,
            location,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InputErrors::new(InputKind::Candidates, errors))
    }
}
