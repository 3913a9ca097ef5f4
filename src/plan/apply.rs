//! Writing a plan: its tables and chart, and the scenario with the plan applied.
//!
//! The applied scenario is a self-contained folder: every input file is copied beside a new
//! `scenario.toml` (a table from a workbook sheet, or a CSV file in another encoding or with
//! another separator, written as UTF-8 CSV with commas: [`plain`]), and the schools table gains
//! the chosen classes and new schools, so `seatplan run <plan>/scenario/scenario.toml` re-runs
//! the intake with the plan built.

use std::collections::HashMap;
use std::path::Path;

use super::expansion::Plan;
use super::plain;
use super::Candidate;
use crate::domain::Location;
use crate::error::InputError;
use crate::input::dictionary::{canonical_column, TableKind};
use crate::input::Loaded;
use crate::scenario::Scenario;

/// Renders `plan.csv`, `balance.csv`, `plan.json` and `supply_demand.svg`.
pub fn render(scenario: &Scenario, plan: &Plan) -> Vec<(String, Vec<u8>)> {
    let mut chosen = csv::Writer::from_writer(Vec::new());
    for c in &plan.chosen {
        chosen.serialize(c).expect("writing to memory");
    }
    // A header even when nothing is chosen.
    let mut chosen = chosen.into_inner().expect("writing to memory");
    if plan.chosen.is_empty() {
        chosen = b"candidate,district,school,name,units,seats_added,cost_yuan\n".to_vec();
    }
    let mut balance = csv::Writer::from_writer(Vec::new());
    for b in &plan.balance {
        balance.serialize(b).expect("writing to memory");
    }
    let mut json = serde_json::to_vec_pretty(plan).expect("serialising");
    json.push(b'\n');
    vec![
        ("plan.csv".into(), chosen),
        (
            "balance.csv".into(),
            balance.into_inner().expect("writing to memory"),
        ),
        ("plan.json".into(), json),
        (
            "supply_demand.svg".into(),
            chart(scenario, plan).into_bytes(),
        ),
    ]
}

/// A bar chart per district of the last projection year: children expected, public seats
/// before and after the plan, and purchasable places drawn on from the end of the after bar.
/// Drawn with the SVG primitives the reports share ([`crate::chart::svg`]).
pub fn chart(scenario: &Scenario, plan: &Plan) -> String {
    use crate::chart::svg::{self, Format, Scale, Svg};
    let rows: Vec<_> = plan
        .balance
        .iter()
        .filter(|b| b.year == plan.years)
        .collect();
    let max = rows
        .iter()
        .map(|b| {
            b.projected_applicants
                .max(b.public_seats_after + b.purchasable_places)
        })
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let legend: Vec<(String, String)> = [
        ("children expected", GREY),
        ("public seats before", BLUE),
        ("public seats after the plan", GREEN),
        ("purchasable places", ORANGE),
    ]
    .iter()
    .map(|(n, c)| (n.to_string(), c.to_string()))
    .collect();
    let labels: Vec<String> = rows.iter().map(|b| b.district.clone()).collect();
    let left = labels
        .iter()
        .map(|l| svg::text_width(l))
        .fold(40.0, f64::max)
        .min(220.0)
        + 12.0;
    let right = svg::WIDTH - 20.0;
    let top = svg::legend_bottom(left, &legend, svg::WIDTH) + 16.0;
    let (bar, gap) = (7.0, 8.0);
    let group = 3.0 * bar + gap;
    let bottom = top + rows.len() as f64 * group;
    let title = format!(
        "Year {}: seats and projected applicants by district ({})",
        plan.years, scenario.name
    );
    let mut out = Svg::new(bottom + 24.0, &title);
    out.legend(left, 14.0, &legend);
    out.text(
        left,
        top - 6.0,
        "start",
        &format!("Year {} of the projection", plan.years),
    );
    let ticks = svg::ticks(0.0, max, 6, 1.0);
    let scale = Scale {
        lo: 0.0,
        hi: *ticks.last().unwrap_or(&1.0),
        from: left,
        to: right,
    };
    out.x_axis(&scale, &ticks, top, bottom, Format::Count);
    let w = |v: u64| scale.at(v as f64) - left;
    for (i, b) in rows.iter().enumerate() {
        let y = top + i as f64 * group;
        out.label(
            left - 6.0,
            y + 1.5 * bar + 4.0,
            "end",
            &b.district,
            left - 12.0,
        );
        let bars = [
            (b.projected_applicants, GREY, "children expected"),
            (b.public_seats_before, BLUE, "public seats before"),
            (b.public_seats_after, GREEN, "public seats after the plan"),
        ];
        for (j, (value, colour, what)) in bars.iter().enumerate() {
            out.rect(
                left,
                y + j as f64 * bar,
                w(*value),
                bar,
                colour,
                &format!("{}: {what} {value}", b.district),
            );
        }
        out.rect(
            left + w(b.public_seats_after),
            y + 2.0 * bar,
            w(b.purchasable_places),
            bar,
            ORANGE,
            &format!("{}: {} purchasable", b.district, b.purchasable_places),
        );
    }
    out.line(left, top, left, bottom, "#555555", 1.0);
    out.finish()
}

const GREY: &str = "#888888";
const BLUE: &str = "#3b6fb6";
const GREEN: &str = "#3a9a4a";
const ORANGE: &str = "#e08a2c";

/// The scenario with the plan applied, as the files of a folder of its own.
#[derive(Debug, Clone)]
pub struct AppliedScenario {
    /// Each file's name in the folder and its bytes, by name.
    pub files: Vec<(String, Vec<u8>)>,
    /// For each table that was not a UTF-8 CSV file with commas (a workbook sheet, a GBK or
    /// tab-separated file, …), in table order: the name of its plain copy and where it came from
    /// (`children.csv`, `intake.xlsx [儿童]`).
    pub converted: Vec<(String, String)>,
}

/// The files of the scenario with the plan applied, named for a folder of their own: a new
/// `scenario.toml` naming each copy, the policy, the catchment table, and every table as a file
/// of its own — copied as it is when it is UTF-8 CSV with commas, else written as one
/// ([`AppliedScenario::converted`]); `schools.csv` carries the plan.
pub fn applied_scenario(
    loaded: &Loaded,
    candidates: &[Candidate],
    plan: &Plan,
) -> Result<AppliedScenario, InputError> {
    let (files, scenario) = (&loaded.files, &loaded.scenario);
    let read = |p: &Path| {
        crate::input::read_input(p, crate::input::FileKind::Table)
            .map_err(|e| InputError::file(p, format!("cannot read: {e}")))
    };
    let text = String::from_utf8_lossy(&read(&files.scenario)?).into_owned();
    let mut toml: toml::Table =
        toml::from_str(&text).map_err(|e| InputError::file(&files.scenario, e.to_string()))?;
    applied(scenario, candidates, plan).map_err(|invalid| {
        InputError::file(
            &files.schools,
            format!("the scenario with the plan applied is not valid: {invalid}"),
        )
    })?;
    let mut out = Vec::new();
    let mut used = Vec::new();
    let mut local = |stem: String, bytes: Vec<u8>, used: &mut Vec<String>| -> String {
        let mut name = stem.clone();
        let mut k = 2;
        while used.contains(&name) {
            name = format!("{k}-{stem}");
            k += 1;
        }
        used.push(name.clone());
        out.push((name.clone(), bytes));
        name
    };
    let file_name = |path: &Path| {
        path.file_name()
            .map_or("file".into(), |n| n.to_string_lossy().into_owned())
    };
    used.push("scenario.toml".to_string());
    // The plan is built in this scenario; its candidates are not part of it.
    toml.remove("planning");
    let policy = local(file_name(&files.policy), read(&files.policy)?, &mut used);
    toml.insert("policy".into(), policy.into());
    // Each table as a plain CSV file: its bytes as they are, or converted from how it was read.
    let mut converted = Vec::new();
    let mut table = |kind: TableKind, path: &Path| -> Result<(String, Vec<u8>), InputError> {
        match loaded.sources.iter().find(|r| r.table == kind) {
            Some(r) if !r.is_plain() => {
                let (bytes, from) = plain::plain_csv(r).map_err(|e| InputError::file(path, e))?;
                converted.push((kind, from));
                Ok((plain::plain_name(kind), bytes))
            }
            _ => Ok((file_name(path), read(path)?)),
        }
    };
    let (schools_stem, schools_bytes) = table(TableKind::Schools, &files.schools)?;
    let mut tables_in_order = vec![(
        TableKind::Schools,
        schools_stem,
        schools_with_plan(&files.schools, &schools_bytes, scenario, candidates, plan)?,
    )];
    for (kind, path) in [
        (TableKind::Districts, Some(&files.districts)),
        (TableKind::PrivateSchools, files.private_schools.as_ref()),
        (TableKind::Children, Some(&files.children)),
        (TableKind::Choices, Some(&files.choices)),
    ] {
        if let Some(path) = path {
            let (stem, bytes) = table(kind, path)?;
            tables_in_order.push((kind, stem, bytes));
        }
    }
    let tables = toml
        .get_mut("tables")
        .and_then(|t| t.as_table_mut())
        .ok_or_else(|| InputError::file(&files.scenario, "no [tables] section"))?;
    // Every table is named below; none is a sheet of a workbook any more.
    tables.remove("workbook");
    tables.remove("private_schools");
    let mut names = Vec::new();
    for (kind, stem, bytes) in tables_in_order {
        let name = local(stem, bytes, &mut used);
        tables.insert(kind.name().into(), name.clone().into());
        names.push((kind, name));
    }
    if let Some(path) = &files.catchments {
        let name = local(file_name(path), read(path)?, &mut used);
        tables.insert("catchments".into(), name.into());
    }
    let header = format!(
        "# {} with the capacity plan applied ({} yuan of {}), written by `seatplan plan`.\n",
        scenario.name, plan.capital_spent_yuan, plan.capital_budget_yuan
    );
    let body =
        toml::to_string(&toml).map_err(|e| InputError::file(&files.scenario, e.to_string()))?;
    out.push(("scenario.toml".into(), (header + &body).into_bytes()));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let mut converted: Vec<(TableKind, String)> = converted;
    converted.sort_by_key(|(k, _)| TableKind::ALL.iter().position(|x| x == k));
    let converted = converted
        .into_iter()
        .filter_map(|(kind, from)| {
            let (_, name) = names.iter().find(|(k, _)| *k == kind)?;
            Some((name.clone(), from))
        })
        .collect();
    Ok(AppliedScenario {
        files: out,
        converted,
    })
}

/// The scenario with the plan built, as typed edits checked by [`Scenario::new`]: chosen classes
/// add seats to their schools, new schools are added (their reserved seats, which a reload
/// derives from `[quotas]`, are left at none here).
fn applied(
    scenario: &Scenario,
    candidates: &[Candidate],
    plan: &Plan,
) -> Result<Scenario, crate::scenario::Invalid> {
    use crate::scenario::Edit;
    let mut seats: HashMap<crate::domain::SchoolIdx, u64> = HashMap::new();
    let mut edits = Vec::new();
    for (c, &u) in candidates.iter().zip(&plan.units) {
        let added = u64::from(c.seats_per_unit) * u64::from(u);
        match (c.school, c.location) {
            _ if u == 0 => {}
            (Some(s), _) => *seats.entry(s).or_default() += added,
            (None, Some(location)) => edits.push(Edit::AddSchool(crate::domain::School {
                id: c.id.clone(),
                name: c.name.clone(),
                district: c.district,
                entry_grade: scenario.entry_grade,
                seats: u32::try_from(added).unwrap_or(u32::MAX),
                reserved_migrant: 0,
                location,
            })),
            (None, None) => {}
        }
    }
    let mut grown: Vec<_> = seats.into_iter().collect();
    grown.sort_unstable();
    edits.extend(grown.into_iter().map(|(s, added)| {
        let school = scenario.school(s);
        Edit::SchoolSeats {
            school: s,
            seats: u32::try_from(u64::from(school.seats) + added).unwrap_or(u32::MAX),
            reserved_migrant: school.reserved_migrant,
        }
    }));
    scenario.edited(&edits)
}

/// The schools table (`bytes`: UTF-8 CSV with commas, read from `path`) with chosen classes
/// added to existing schools and new schools appended. Columns are found by their English or
/// Chinese names; a grown school's seats are the scenario's plus those built.
fn schools_with_plan(
    path: &Path,
    bytes: &[u8],
    scenario: &Scenario,
    candidates: &[Candidate],
    plan: &Plan,
) -> Result<Vec<u8>, InputError> {
    let mut added: HashMap<&str, (u32, u64)> = HashMap::new();
    for (c, &u) in candidates.iter().zip(&plan.units) {
        if let (Some(s), true) = (c.school, u > 0) {
            let school = scenario.school(s);
            added
                .entry(school.id.as_str())
                .or_insert((school.seats, 0))
                .1 += u64::from(c.seats_per_unit) * u64::from(u);
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| InputError::file(path, e.to_string()))?
        .clone();
    let canonical: Vec<Option<&str>> = headers
        .iter()
        .map(|h| canonical_column(TableKind::Schools, h))
        .collect();
    let col = |name: &str| canonical.iter().position(|c| *c == Some(name));
    let (Some(id_c), Some(seats_c)) = (col("id"), col("seats")) else {
        return Err(InputError::file(path, "no `id` or `seats` column"));
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).expect("writing to memory");
    let mut existing = std::collections::HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| InputError::file(path, e.to_string()))?;
        existing.insert(record[id_c].to_string());
        let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
        if let Some((seats, extra)) = added.get(&record[id_c]) {
            fields[seats_c] = (u64::from(*seats) + extra).to_string();
        }
        w.write_record(&fields).expect("writing to memory");
    }
    for (c, &u) in candidates.iter().zip(&plan.units) {
        if c.school.is_some() || u == 0 {
            continue;
        }
        if existing.contains(&c.id) {
            return Err(InputError::file(
                path,
                format!(
                    "the new school `{}` would reuse the id of a school of another grade",
                    c.id
                ),
            ));
        }
        let loc = c.location.expect("validated: new schools have a location");
        let fields: Vec<String> = canonical
            .iter()
            .map(|h| match h.unwrap_or_default() {
                "id" => c.id.clone(),
                "name" => c.name.clone(),
                "district" => scenario.districts[c.district.ix()].id.clone(),
                "entry_grade" => scenario.entry_grade.to_string(),
                "seats" => (u64::from(c.seats_per_unit) * u64::from(u)).to_string(),
                h @ ("x_km" | "y_km") => match (h, loc) {
                    ("x_km", Location::Km { x_km, .. }) => x_km.to_string(),
                    (_, Location::Km { y_km, .. }) => y_km.to_string(),
                    (_, Location::Degrees { .. }) => String::new(),
                },
                _ => String::new(),
            })
            .collect();
        w.write_record(&fields).expect("writing to memory");
    }
    Ok(w.into_inner().expect("writing to memory"))
}
