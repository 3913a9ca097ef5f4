//! Writing a plan: its tables and chart, and the scenario with the plan applied.
//!
//! The applied scenario is a self-contained folder: every input file is copied beside a new
//! `scenario.toml`, and `schools.csv` gains the chosen classes and new schools, so
//! `seatplan run <plan>/scenario/scenario.toml` re-runs the intake with the plan built.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use super::expansion::Plan;
use super::Candidate;
use crate::domain::Scenario;
use crate::error::InputError;
use crate::scenario::ScenarioFiles;

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
/// before and after the plan, and purchasable places.
pub fn chart(scenario: &Scenario, plan: &Plan) -> String {
    let rows: Vec<_> = plan
        .balance
        .iter()
        .filter(|b| b.year == plan.years)
        .collect();
    let max = rows
        .iter()
        .map(|b| b.projected_applicants.max(b.public_seats_after) + b.purchasable_places)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (left, top, bar, gap, width) = (150.0, 40.0, 7.0, 8.0, 520.0);
    let group = 3.0 * bar + gap;
    let height = top + rows.len() as f64 * group + 40.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" viewBox="0 0 {w} {height}" font-family="sans-serif" font-size="11">"#,
        w = left + width + 60.0
    );
    let _ = writeln!(
        svg,
        r#"<title>Seats and projected applicants by district, year {} ({})</title>"#,
        plan.years,
        xml(&scenario.name)
    );
    let _ = writeln!(
        svg,
        r#"<text x="10" y="16" font-size="13">Year {}: children expected (grey), public seats before (blue) and after the plan (green), purchasable places (orange)</text>"#,
        plan.years
    );
    let scale = |v: u64| v as f64 / max * width;
    for (i, b) in rows.iter().enumerate() {
        let y = top + i as f64 * group;
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + 1.5 * bar + 4.0,
            xml(&b.district)
        );
        let bars = [
            (
                scale(b.projected_applicants),
                "#888888",
                b.projected_applicants,
            ),
            (
                scale(b.public_seats_before),
                "#3b6fb6",
                b.public_seats_before,
            ),
            (scale(b.public_seats_after), "#3a9a4a", b.public_seats_after),
        ];
        for (j, (w, colour, value)) in bars.iter().enumerate() {
            let _ = writeln!(
                svg,
                r#"<rect x="{left}" y="{:.1}" width="{:.1}" height="{bar}" fill="{colour}"><title>{value}</title></rect>"#,
                y + j as f64 * bar,
                w
            );
        }
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bar}" fill="#e08a2c"><title>{} purchasable</title></rect>"##,
            left + scale(b.public_seats_after),
            y + 2.0 * bar,
            scale(b.purchasable_places),
            b.purchasable_places
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The files of the scenario with the plan applied, named for a folder of their own.
pub fn applied_scenario(
    files: &ScenarioFiles,
    scenario: &Scenario,
    candidates: &[Candidate],
    plan: &Plan,
) -> Result<Vec<(String, Vec<u8>)>, InputError> {
    let read =
        |p: &Path| std::fs::read(p).map_err(|e| InputError::file(p, format!("cannot read: {e}")));
    let text = String::from_utf8_lossy(&read(&files.scenario)?).into_owned();
    let mut toml: toml::Table =
        toml::from_str(&text).map_err(|e| InputError::file(&files.scenario, e.to_string()))?;
    let mut out = Vec::new();
    let mut used = Vec::new();
    let mut local = |path: &Path, bytes: Vec<u8>, used: &mut Vec<String>| -> String {
        let stem = path
            .file_name()
            .map_or("file".into(), |n| n.to_string_lossy().into_owned());
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
    used.push("scenario.toml".to_string());
    // The plan is built in this scenario; its candidates are not part of it.
    toml.remove("planning");
    let policy = local(&files.policy, read(&files.policy)?, &mut used);
    toml.insert("policy".into(), policy.into());
    let schools = local(
        &files.schools,
        schools_with_plan(&files.schools, scenario, candidates, plan)?,
        &mut used,
    );
    let tables = toml
        .get_mut("tables")
        .and_then(|t| t.as_table_mut())
        .ok_or_else(|| InputError::file(&files.scenario, "no [tables] section"))?;
    tables.insert("schools".into(), schools.into());
    let mut copy = |key: &str, path: Option<&Path>| -> Result<(), InputError> {
        if let Some(path) = path {
            let name = local(path, read(path)?, &mut used);
            tables.insert(key.into(), name.into());
        }
        Ok(())
    };
    copy("districts", Some(&files.districts))?;
    copy("private_schools", files.private_schools.as_deref())?;
    copy("children", Some(&files.children))?;
    copy("choices", Some(&files.choices))?;
    let header = format!(
        "# {} with the capacity plan applied ({} yuan of {}), written by `seatplan plan`.\n",
        scenario.name, plan.capital_spent_yuan, plan.capital_budget_yuan
    );
    let body =
        toml::to_string(&toml).map_err(|e| InputError::file(&files.scenario, e.to_string()))?;
    out.push(("scenario.toml".into(), (header + &body).into_bytes()));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The schools file with chosen classes added to existing schools and new schools appended.
fn schools_with_plan(
    path: &Path,
    scenario: &Scenario,
    candidates: &[Candidate],
    plan: &Plan,
) -> Result<Vec<u8>, InputError> {
    let mut added: HashMap<&str, u64> = HashMap::new();
    for (c, &u) in candidates.iter().zip(&plan.units) {
        if let (Some(s), true) = (c.school, u > 0) {
            *added.entry(scenario.school(s).id.as_str()).or_default() +=
                u64::from(c.seats_per_unit) * u64::from(u);
        }
    }
    let bytes =
        std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(&bytes[..]);
    let headers = reader
        .headers()
        .map_err(|e| InputError::file(path, e.to_string()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
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
        if let Some(extra) = added.get(&record[id_c]) {
            let seats: u64 = record[seats_c].parse().unwrap_or(0);
            fields[seats_c] = (seats + extra).to_string();
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
        let fields: Vec<String> = headers
            .iter()
            .map(|h| match h {
                "id" => c.id.clone(),
                "name" => c.name.clone(),
                "district" => scenario.districts[c.district.ix()].id.clone(),
                "entry_grade" => scenario.entry_grade.to_string(),
                "seats" => (u64::from(c.seats_per_unit) * u64::from(u)).to_string(),
                "x_km" => loc.x_km.to_string(),
                "y_km" => loc.y_km.to_string(),
                _ => String::new(),
            })
            .collect();
        w.write_record(&fields).expect("writing to memory");
    }
    Ok(w.into_inner().expect("writing to memory"))
}
