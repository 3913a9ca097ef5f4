//! `seatplan check FOLDER`: the independent check of an archived run or later round, from the
//! files of its folder alone.
//!
//! Nothing is solved again. The folder's scenario is rebuilt from the files the chain of
//! manifests names: the first run's scenario, then, round by round, the earlier round's
//! `placements.csv` and the round's declines, late applicants and seat changes (read and
//! validated by [`super::inputs`], as `seatplan round` read them). The folder's
//! `placements.csv`, `waitlists.csv` and — for a round — `moves.csv` and the earlier round's
//! `placements.csv` are read back, and [`crate::check::archive`] judges them with the
//! checker's own priorities: a first run on every rule and column of a placement, a round on
//! its own rules (capacities, nobody worse off than in the earlier round, no justified envy
//! among movable children, the waitlist order, minimality by exhaustive search on small
//! instances when the round chose the fewest moves), and both on their waitlists. Whether the
//! files are the ones the manifest recorded is `seatplan verify`'s question, not this one's.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::chain::files_of;
use super::{folder_of, inputs};
use crate::assign::Outcome;
use crate::check::archive::{check_round_tables, check_run_tables, ArchivedRound};
use crate::check::moves::{Departed, WrittenMove};
use crate::check::waitlists::WrittenWaitlistRow;
use crate::check::CheckReport;
use crate::domain::{ChildIdx, SchoolIdx};
use crate::error::{Error, InputError, InputErrors, InputKind};
use crate::input::rows::read_table;
use crate::manifest::Manifest;
use crate::output::{PLACEMENTS, WAITLISTS};
use crate::placements_file::read_placements;
use crate::scenario::Scenario;

/// The verdict on an archived folder.
#[derive(Debug, Clone)]
pub struct FolderCheck {
    /// The round's number (`0`: a first run).
    pub round: u32,
    /// Whether the round chose the fewest moves (so minimality was searched).
    pub fewest_moves: bool,
    /// The checker's verdict.
    pub report: CheckReport,
}

/// A folder's manifest, scenario and published placements, rebuilt from files.
struct State {
    manifest: Manifest,
    scenario: Scenario,
    outcomes: Vec<Outcome>,
}

/// Rebuilds the scenario of the run or round in `folder` through its chain of manifests, and
/// reads its `placements.csv`.
fn state(folder: &Path) -> Result<State, Error> {
    let (manifest, file) = Manifest::read(folder)?;
    let folder = folder_of(&file).to_path_buf();
    let scenario = match &manifest.round {
        None => crate::input::load(Path::new(&manifest.scenario))?.scenario,
        Some(record) => {
            let before = state(Path::new(&record.previous))?;
            let files = files_of(record);
            let base = PathBuf::from(&before.manifest.scenario);
            let changes = inputs::read(&files, &base, &before.scenario, &before.outcomes)?;
            inputs::round_scenario(&before.scenario, &files, &changes, record.siblings_apart)?
        }
    };
    let outcomes = read_placements(&folder.join(PLACEMENTS), &scenario)?.outcomes;
    Ok(State {
        manifest,
        scenario,
        outcomes,
    })
}

/// Checks the run or later round written to `folder` from its files, as the module says.
pub fn check_folder(folder: &Path) -> Result<FolderCheck, Error> {
    let (manifest, file) = Manifest::read(folder)?;
    let dir = folder_of(&file).to_path_buf();
    let Some(record) = &manifest.round else {
        let scenario = crate::input::load(Path::new(&manifest.scenario))?.scenario;
        let placements = read_placements(&dir.join(PLACEMENTS), &scenario)?;
        let waitlists = read_waitlists(&dir.join(WAITLISTS), &scenario)?;
        return Ok(FolderCheck {
            round: 0,
            fewest_moves: false,
            report: check_run_tables(&scenario, &placements, &waitlists),
        });
    };
    let before = state(Path::new(&record.previous))?;
    let files = files_of(record);
    let base = PathBuf::from(&before.manifest.scenario);
    let changes = inputs::read(&files, &base, &before.scenario, &before.outcomes)?;
    let scenario =
        inputs::round_scenario(&before.scenario, &files, &changes, record.siblings_apart)?;
    let report = check_round_dir(
        &before.scenario,
        &before.outcomes,
        &scenario,
        &dir,
        record.fewest_moves,
    )?;
    Ok(FolderCheck {
        round: record.number,
        fewest_moves: record.fewest_moves,
        report,
    })
}

/// Checks the tables a round wrote to `dir` (`placements.csv`, `waitlists.csv`, `moves.csv`)
/// against the earlier round (its scenario `earlier` and placement `earlier_outcomes`) and the
/// round's scenario `scenario`: the part of [`check_folder`] after the scenarios are rebuilt.
/// `fewest_moves` asks for the minimality search.
pub fn check_round_dir(
    earlier: &Scenario,
    earlier_outcomes: &[Outcome],
    scenario: &Scenario,
    dir: &Path,
    fewest_moves: bool,
) -> Result<CheckReport, Error> {
    let placements = read_placements(&dir.join(PLACEMENTS), scenario)?;
    let waitlists = read_waitlists(&dir.join(WAITLISTS), scenario)?;
    let moves = read_moves(&dir.join(super::outputs::MOVES))?;
    let by_id: HashMap<&str, Outcome> = earlier
        .children
        .iter()
        .zip(earlier_outcomes)
        .map(|(c, &o)| (c.id.as_str(), o))
        .collect();
    let previous: Vec<Option<Outcome>> = scenario
        .children
        .iter()
        .map(|c| by_id.get(c.id.as_str()).copied())
        .collect();
    let now: HashSet<&str> = scenario.children.iter().map(|c| c.id.as_str()).collect();
    let departed: Vec<Departed> = earlier
        .child_indices()
        .filter(|&c| !now.contains(earlier.child(c).id.as_str()))
        .map(|c| Departed {
            child: earlier.child(c).id.clone(),
            held: super::held(earlier, Some(earlier_outcomes[c.ix()])),
        })
        .collect();
    Ok(check_round_tables(&ArchivedRound {
        scenario,
        previous: &previous,
        placements: &placements,
        departed: &departed,
        moves: &moves,
        waitlists: &waitlists,
        fewest_moves,
    }))
}

/// One row of `waitlists.csv`, every column as text.
#[derive(Debug, Deserialize)]
struct WaitlistCsvRow {
    school: String,
    school_name: String,
    position: String,
    child: String,
    choice_rank: String,
    tier: String,
    points: String,
    holds: String,
    holds_name: String,
}

const WAITLIST_COLUMNS: &[&str] = &[
    "school",
    "school_name",
    "position",
    "child",
    "choice_rank",
    "tier",
    "points",
    "holds",
    "holds_name",
];

/// Reads a `waitlists.csv` back, its schools and children resolved against `scenario`; an
/// unknown school or child is reported at its line and field.
fn read_waitlists(path: &Path, scenario: &Scenario) -> Result<Vec<WrittenWaitlistRow>, Error> {
    let mut errors = Vec::new();
    let table = read_table::<WaitlistCsvRow>(path, WAITLIST_COLUMNS, &[], &mut errors);
    let schools: HashMap<&str, SchoolIdx> = scenario
        .school_indices()
        .map(|s| (scenario.school(s).id.as_str(), s))
        .collect();
    let children: HashMap<&str, ChildIdx> = scenario
        .child_indices()
        .map(|c| (scenario.child(c).id.as_str(), c))
        .collect();
    let mut rows = Vec::new();
    for r in table.map(|t| t.rows).unwrap_or_default() {
        let row = r.row;
        let school = schools.get(row.school.trim()).copied();
        let child = children.get(row.child.trim()).copied();
        if school.is_none() {
            errors.push(InputError::at(
                path,
                r.line,
                "school",
                format!("unknown public school `{}`", row.school),
            ));
        }
        if child.is_none() {
            errors.push(InputError::at(
                path,
                r.line,
                "child",
                format!("unknown child `{}`", row.child),
            ));
        }
        if let (Some(school), Some(child)) = (school, child) {
            rows.push(WrittenWaitlistRow {
                line: r.line,
                school,
                school_name: row.school_name,
                position: row.position,
                child,
                choice_rank: row.choice_rank,
                tier: row.tier,
                points: row.points,
                holds: row.holds,
                holds_name: row.holds_name,
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(InputErrors::new(InputKind::Archived, errors).into())
    }
}

/// One row of `moves.csv`; its `why` column must be there but, being words, is not compared.
#[derive(Debug, Deserialize)]
struct MoveCsvRow {
    child: String,
    from: String,
    to: String,
    kind: String,
}

/// Reads a round's `moves.csv` back.
fn read_moves(path: &Path) -> Result<Vec<WrittenMove>, Error> {
    let mut errors = Vec::new();
    let table = read_table::<MoveCsvRow>(
        path,
        &["child", "from", "to", "kind", "why"],
        &[],
        &mut errors,
    );
    match table {
        Some(t) if errors.is_empty() => Ok(t
            .rows
            .into_iter()
            .map(|r| WrittenMove {
                line: r.line,
                child: r.row.child.trim().to_string(),
                from: r.row.from,
                to: r.row.to,
                kind: r.row.kind,
            })
            .collect()),
        _ => Err(InputErrors::new(InputKind::Archived, errors).into()),
    }
}
