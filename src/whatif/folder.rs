//! A what-if saved as a scenario folder: a `scenario.toml` beside a copy of every input the base
//! scenario reads, with the what-if's changes written into the files that hold them, so that
//! `seatplan run FOLDER/scenario.toml` solves exactly the what-if's scenario (and writes the
//! same bytes as the what-if's run).
//!
//! The scenario file keeps the base's settings with its seed and purchase budget set to the
//! what-if's and every path pointing at the folder's copies. A table whose rows the what-if
//! changes (seats of public schools, subsidies of private ones) is written as a UTF-8 CSV file of
//! its own, read from the base's table as the loader reads it (any encoding or separator, or a
//! workbook's sheet), with only the changed cells replaced; every other table is copied byte
//! for byte. A changed tie rule is written into the copy of the policy file. The folder is then
//! loaded from memory and compared with the what-if's scenario; anything the files cannot say (an
//! indicator's weight, whose points a policy file writes in several forms) refuses the folder
//! with the reason, and the what-if's sweep file remains the way to reproduce it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::input::dictionary::{canonical_column, TableKind};
use crate::input::read::{read_input, FileKind};
use crate::input::source::decode::decode;
use crate::input::source::workbook;
use crate::input::source::{How, TableRead};
use crate::input::{load_from_memory, Loaded};
use crate::scenario::Scenario;

/// Why a what-if could not be saved as a scenario folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the what-if cannot be saved as a scenario folder: {reason}")]
pub struct FolderError {
    /// What stood in the way, in words.
    pub reason: String,
}

fn refuse(reason: impl Into<String>) -> FolderError {
    FolderError {
        reason: reason.into(),
    }
}

/// The files of the scenario folder of `whatif`, a scenario made from `base` by a what-if, to be
/// written into `folder`: `scenario.toml` and the inputs it names, as (file name, bytes), sorted
/// by name. `note` is written as the scenario file's first comment line. Checked by loading the
/// files from memory: they give the what-if's scenario, or the folder is refused.
pub fn scenario_folder(
    base: &Loaded,
    whatif: &Scenario,
    folder: &Path,
    note: &str,
) -> Result<Vec<(String, Vec<u8>)>, FolderError> {
    let files = &base.files;
    let read = |p: &Path, kind: FileKind| {
        read_input(p, kind).map_err(|e| refuse(format!("cannot read {}: {e}", p.display())))
    };
    let text_of = |p: &Path| -> Result<toml::Table, FolderError> {
        let bytes = read(p, FileKind::Text)?;
        toml::from_str(&String::from_utf8_lossy(&bytes))
            .map_err(|e| refuse(format!("cannot read {}: {e}", p.display())))
    };
    let mut scenario = text_of(&files.scenario)?;
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut names = Names::default();
    names.take("scenario.toml");

    // The tables whose rows the what-if changes, written anew.
    let mut patched: Vec<(&'static str, String)> = Vec::new();
    for (kind, cells) in [
        (TableKind::Schools, school_cells(base, whatif)?),
        (TableKind::PrivateSchools, private_cells(base, whatif)?),
    ] {
        if cells.is_empty() {
            continue;
        }
        let source = base
            .sources
            .iter()
            .find(|s| s.table == kind)
            .ok_or_else(|| refuse(format!("the {} table was not read", kind.name())))?;
        let bytes = patch_table(source, kind, &cells)?;
        let name = names.take(&format!("{}.csv", kind.name()));
        out.push((name.clone(), bytes));
        patched.push((kind.name(), name));
    }

    // Every other input: copied, and named by its copy wherever the scenario file names it.
    let inputs: Vec<&Path> = files
        .all()
        .into_iter()
        .filter(|p| *p != files.scenario.as_path())
        .collect();
    let dir = files.scenario.parent().unwrap_or(Path::new(""));
    let mut copies: HashMap<PathBuf, String> = HashMap::new();
    let mut policy_name = None;
    {
        let mut rename = |value: &mut toml::Value| {
            let toml::Value::String(s) = value else {
                return;
            };
            let Some(input) = inputs.iter().find(|p| same_file(&dir.join(&*s), p)) else {
                return;
            };
            let name = copies
                .entry(input.to_path_buf())
                .or_insert_with(|| names.take(&file_name(input)))
                .clone();
            if *input == files.policy.as_path() {
                policy_name = Some(name.clone());
            }
            *s = name;
        };
        for (key, value) in scenario.iter_mut() {
            if key != "name" {
                walk(value, &mut rename);
            }
        }
    }
    for (input, name) in &copies {
        let bytes = if input == &files.policy {
            policy_bytes(&files.policy, base, whatif)?
        } else {
            read(input, FileKind::Table)?
        };
        out.push((name.clone(), bytes));
    }
    if policy_name.is_none() {
        return Err(refuse("the scenario file does not name its policy file"));
    }
    if !patched.is_empty() {
        let tables = scenario
            .get_mut("tables")
            .and_then(|t| t.as_table_mut())
            .ok_or_else(|| refuse("the scenario file has no [tables] section"))?;
        for (key, name) in patched {
            tables.insert(key.to_string(), toml::Value::String(name));
        }
    }
    scenario.insert("seed".into(), toml_int(whatif.seed())?);
    scenario.insert("budget_yuan".into(), toml_int(whatif.budget_yuan())?);
    // Capacity planning is not part of an intake's what-if (and its candidates file is not
    // among the scenario's inputs).
    scenario.remove("planning");
    let body = toml::to_string(&scenario).map_err(|e| refuse(e.to_string()))?;
    let header = note.lines().map(|l| format!("# {l}\n")).collect::<String>();
    out.push(("scenario.toml".into(), (header + &body).into_bytes()));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    verify(base, whatif, folder, &out)?;
    Ok(out)
}

/// File names of the folder, each given once (`2-schools.csv` for a second `schools.csv`).
#[derive(Default)]
struct Names(Vec<String>);

impl Names {
    fn take(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_string();
        let mut k = 2;
        while self.0.contains(&name) {
            name = format!("{k}-{wanted}");
            k += 1;
        }
        self.0.push(name.clone());
        name
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or("file".into(), |n| n.to_string_lossy().into_owned())
}

/// Whether two paths name the same file (compared as found on disk, else as written).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Calls `f` on every value inside `value`, depth first.
fn walk(value: &mut toml::Value, f: &mut impl FnMut(&mut toml::Value)) {
    match value {
        toml::Value::Table(t) => t.iter_mut().for_each(|(_, v)| walk(v, f)),
        toml::Value::Array(a) => a.iter_mut().for_each(|v| walk(v, f)),
        other => f(other),
    }
}

fn toml_int(n: u64) -> Result<toml::Value, FolderError> {
    i64::try_from(n)
        .map(toml::Value::Integer)
        .map_err(|_| refuse(format!("{n} is too large for a scenario file")))
}

/// The cells to change: row id → (canonical column, new text).
type Cells = HashMap<String, Vec<(&'static str, String)>>;

fn school_cells(base: &Loaded, whatif: &Scenario) -> Result<Cells, FolderError> {
    let (before, after) = (base.scenario.schools(), whatif.schools());
    if before.len() != after.len() {
        return Err(refuse("the what-if adds or removes public schools"));
    }
    let mut cells = Cells::new();
    for (b, a) in before.iter().zip(after) {
        if (b.seats, b.reserved_migrant) != (a.seats, a.reserved_migrant) {
            cells.insert(
                a.id.clone(),
                vec![
                    ("seats", a.seats.to_string()),
                    ("reserved_migrant", a.reserved_migrant.to_string()),
                ],
            );
        }
    }
    Ok(cells)
}

fn private_cells(base: &Loaded, whatif: &Scenario) -> Result<Cells, FolderError> {
    let (before, after) = (base.scenario.private_schools(), whatif.private_schools());
    if before.len() != after.len() {
        return Err(refuse("the what-if adds or removes private schools"));
    }
    Ok(before
        .iter()
        .zip(after)
        .filter(|(b, a)| b.subsidy_yuan != a.subsidy_yuan)
        .map(|(_, a)| {
            (
                a.id.clone(),
                vec![("subsidy_yuan", a.subsidy_yuan.to_string())],
            )
        })
        .collect())
}

/// The table `source` as the loader reads it, with `cells` replaced, as a UTF-8 CSV file with
/// commas. A changed column the table lacks is added (empty in the other rows).
fn patch_table(source: &TableRead, kind: TableKind, cells: &Cells) -> Result<Vec<u8>, FolderError> {
    let where_ = || source.file.display().to_string();
    let bytes = read_input(&source.file, FileKind::Table)
        .map_err(|e| refuse(format!("cannot read {}: {e}", where_())))?;
    let (text, separator) = match &source.how {
        How::Csv {
            encoding,
            separator,
            ..
        } => {
            let decoded =
                decode(bytes, *encoding).map_err(|e| refuse(format!("{}: {e}", where_())))?;
            (decoded.text.into_bytes(), separator.byte())
        }
        How::Sheet { sheet } => {
            let mut book =
                workbook::open(bytes).map_err(|e| refuse(format!("{}: {e}", where_())))?;
            let sheet = workbook::sheet_text(&mut book, sheet)
                .map_err(|_| refuse(format!("{} [{sheet}]: cannot read the sheet", where_())))?;
            (sheet.csv, b',')
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(&text[..]);
    let mut headers: Vec<String> = reader
        .headers()
        .map_err(|e| refuse(format!("{}: {e}", where_())))?
        .iter()
        .map(str::to_string)
        .collect();
    let column = |headers: &[String], name: &str| {
        headers
            .iter()
            .position(|h| canonical_column(kind, h.trim()) == Some(name))
    };
    let id =
        column(&headers, "id").ok_or_else(|| refuse(format!("{}: no `id` column", where_())))?;
    let mut wanted: Vec<&'static str> = cells.values().flatten().map(|(c, _)| *c).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    for name in wanted {
        let i = match column(&headers, name) {
            Some(i) => i,
            None => {
                headers.push(name.to_string());
                headers.len() - 1
            }
        };
        at.insert(name, i);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers)
        .map_err(|e| refuse(e.to_string()))?;
    let mut found = 0;
    for record in reader.records() {
        let record = record.map_err(|e| refuse(format!("{}: {e}", where_())))?;
        let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
        fields.resize(headers.len(), String::new());
        if let Some(changes) = fields.get(id).and_then(|i| cells.get(i.trim())) {
            found += 1;
            for (name, value) in changes {
                fields[at[name]] = value.clone();
            }
        }
        w.write_record(&fields).map_err(|e| refuse(e.to_string()))?;
    }
    if found != cells.len() {
        return Err(refuse(format!(
            "{}: not every changed row was found by its id",
            where_()
        )));
    }
    w.into_inner().map_err(|e| refuse(e.to_string()))
}

/// The policy file's bytes, with the what-if's tie rule if it changed.
fn policy_bytes(path: &Path, base: &Loaded, whatif: &Scenario) -> Result<Vec<u8>, FolderError> {
    let bytes = read_input(path, FileKind::Text)
        .map_err(|e| refuse(format!("cannot read {}: {e}", path.display())))?;
    let (before, after) = (base.scenario.policy().tie_rule, whatif.policy().tie_rule);
    if before == after {
        return Ok(bytes);
    }
    let mut policy: toml::Table = toml::from_str(&String::from_utf8_lossy(&bytes))
        .map_err(|e| refuse(format!("cannot read {}: {e}", path.display())))?;
    let priority = policy
        .entry("priority")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let toml::Value::Table(priority) = priority else {
        return Err(refuse(format!(
            "{}: `priority` is not a table",
            path.display()
        )));
    };
    priority.insert("rule".into(), toml::Value::String(after.name().into()));
    let body = toml::to_string(&policy).map_err(|e| refuse(e.to_string()))?;
    Ok(format!(
        "# The base's policy with the tie rule `{}` (a what-if).\n{body}",
        after.name()
    )
    .into_bytes())
}

/// Loads `files` from memory as if written in `folder` and compares the scenario they give with
/// the what-if's.
fn verify(
    base: &Loaded,
    whatif: &Scenario,
    folder: &Path,
    files: &[(String, Vec<u8>)],
) -> Result<(), FolderError> {
    let in_folder = files.iter().map(|(n, b)| (folder.join(n), b.clone()));
    let loaded = load_from_memory(&folder.join("scenario.toml"), in_folder)
        .map_err(|e| refuse(format!("the folder's files are not a valid scenario: {e}")))?;
    let got = &loaded.scenario;
    let differs = |what: &str| Err(refuse(format!("its files would give other {what}")));
    if got.name() != whatif.name() || got.seed() != whatif.seed() {
        return differs("settings");
    }
    if got.budget_yuan() != whatif.budget_yuan() {
        return differs("a purchase budget");
    }
    if format!("{:?}", got.schools()) != format!("{:?}", whatif.schools()) {
        return differs("public schools");
    }
    if format!("{:?}", got.private_schools()) != format!("{:?}", whatif.private_schools()) {
        return differs("private schools");
    }
    if format!("{:?}", got.policy()) != format!("{:?}", whatif.policy()) {
        return Err(refuse(
            "an indicator's weight is not written into a policy file; the what-if's sweep file \
             (whatif.toml) reproduces it",
        ));
    }
    if got.children().len() != base.scenario.children().len() {
        return differs("children");
    }
    Ok(())
}
