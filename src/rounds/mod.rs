//! Later rounds (补录, 插班): after the first results are published, families decline, late
//! applicants arrive and the bureau changes seats — and nobody already placed loses her place
//! or is moved to a school she likes less.
//!
//! A round reads an earlier round's output folder (a `seatplan run` or an earlier `seatplan
//! round`), verifies it first, and applies the round's inputs ([`inputs`]): declines, late
//! applicants, seat changes. Everyone placed earlier holds her place as a floor; deferred
//! acceptance with floors ([`reallocate`]) lets freed seats go down each school's waitlist
//! ([`crate::metrics::waitlist`]) in priority order, children who move free their seats in turn,
//! late applicants compete by the same priorities, and the fallback stages place the rest. On
//! request the choice stage is instead the assignment with the fewest moves ([`fewest_moves`],
//! an integer program). The independent checker verifies the round ([`crate::check::round`]).
//! The outputs ([`outputs`]) are the first round's tables for the new state, `moves.csv`,
//! `round.json` and a report section; the manifest records the earlier round's manifest hash,
//! so `verify` re-runs the whole chain of rounds ([`chain`]); `seatplan check FOLDER` checks an
//! archived run or round from its files alone ([`recheck`]). The mechanism and the bureau's
//! options are described in `docs/rounds.md`.

pub mod chain;
pub mod fewest_moves;
pub mod inputs;
pub mod outputs;
pub mod reallocate;
pub mod recheck;
pub mod reserved;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::assign::{
    Assignment, ComponentReport, ComponentStatus, Mechanism, Outcome, PublicReport,
};
use crate::error::Error;
use crate::lang::Lang;
use crate::manifest::Manifest;
use crate::metrics::waitlist::{Movement, Waitlists};
use crate::metrics::wording::outcome_sentence;
use crate::ranking::Ranking;
use crate::scenario::Scenario;
use crate::Solved;

pub use chain::{earlier, explain_round, round_and_write, verify_round, Earlier, RoundRun};
pub use inputs::RoundFiles;
use reallocate::{Floor, FloorLists};
pub use recheck::{check_folder, check_round_dir, FolderCheck};

/// How a round is decided (the bureau's options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundSettings {
    /// Choose, among the assignments that respect the floors and leave no justified envy among
    /// the children allowed to move, the one with the fewest moves (an integer program) instead
    /// of the child-optimal one (deferred acceptance with floors; the default).
    pub fewest_moves: bool,
    /// Let the children of a sibling group move up on their own in this round (each keeps the
    /// place she holds as her floor; the group may end at different schools) — the bureau's
    /// choice, without which a scenario with sibling groups is refused.
    pub siblings_apart: bool,
}

impl RoundSettings {
    /// The settings a round's manifest records.
    pub fn recorded(record: &crate::manifest::RoundRecord) -> RoundSettings {
        RoundSettings {
            fewest_moves: record.fewest_moves,
            siblings_apart: record.siblings_apart,
        }
    }
}

/// Why a row of `moves.csv` is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    /// The family declined its place and left the intake.
    Declined,
    /// A child who held a place moved to a school she ranked higher.
    MovedUp,
    /// A child without a place in the earlier round has one now.
    Placed,
    /// A late applicant, placed (or not) in this round.
    Late,
}

impl MoveKind {
    /// The kind's word in `moves.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            MoveKind::Declined => "declined",
            MoveKind::MovedUp => "moved_up",
            MoveKind::Placed => "placed",
            MoveKind::Late => "late_applicant",
        }
    }
}

/// One row of `moves.csv`: a child whose placement changed, who declined, or who arrived late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The child's id.
    pub child: String,
    /// The school she held before the round (empty: none).
    pub from: String,
    /// The school she holds after it (empty: none).
    pub to: String,
    /// What happened.
    pub kind: MoveKind,
    /// Why, in words (those `moves.csv` writes).
    pub why: String,
    /// Why, in Chinese (for an explanation in Chinese).
    pub why_zh: String,
}

/// Everything a round computes.
#[derive(Debug, Clone)]
pub struct Round {
    /// The round's number: 1 for the first round after the initial run.
    pub number: u32,
    /// The round's scenario: the earlier one without the declining children, with the seat
    /// changes and the late applicants.
    pub scenario: Scenario,
    /// The ranking, the round's assignment and the round checker's verdict.
    pub solved: Solved,
    /// Per child of the round's scenario, her outcome in the earlier round (`None`: late).
    pub previous: Vec<Option<Outcome>>,
    /// Declines, moves, new placements and late applicants, by child id.
    pub moves: Vec<Move>,
    /// Children who declined.
    pub declined: usize,
    /// Late applicants.
    pub late: usize,
    /// Schools whose seats changed.
    pub seat_changes: usize,
    /// Whether the fewest moves were chosen.
    pub fewest_moves: bool,
}

impl Round {
    /// Children who held a place in the earlier round and hold a different one now.
    pub fn moved(&self) -> usize {
        self.moves
            .iter()
            .filter(|m| m.kind == MoveKind::MovedUp)
            .count()
    }

    /// What the round did for child `c` of the round's scenario, as an explanation in `lang`
    /// tells it: her placement before and why she moved or not, both in `lang` (the English
    /// reason is the one `moves.csv` writes).
    pub fn movement(&self, c: crate::domain::ChildIdx, lang: Lang) -> Movement {
        let sc = &self.scenario;
        let id = &sc.child(c).id;
        let now = self.solved.assignment.outcomes[c.ix()];
        let before = self.previous[c.ix()];
        let row = self.moves.iter().find(|m| &m.child == id);
        let (why, why_zh) = match (row, now) {
            (Some(m), _) => (m.why.clone(), m.why_zh.clone()),
            (None, Outcome::Choice { rank: 1, .. }) => (
                "did not move: she holds her first choice".to_string(),
                "未调整：她已在第一志愿学校".to_string(),
            ),
            (None, _) => {
                let lists =
                    Waitlists::compute(sc, &self.solved.ranking, &self.solved.assignment.outcomes);
                let (waits, waits_zh): (Vec<String>, Vec<String>) = lists.by_child[c.ix()]
                    .iter()
                    .map(|e| {
                        let school = sc.school(e.school);
                        (
                            format!("{} ({}) position {}", school.name, school.id, e.position),
                            format!("{}（{}）第 {} 位", school.name, school.id, e.position),
                        )
                    })
                    .unzip();
                let reserved: Vec<&str> = lists.by_child[c.ix()]
                    .iter()
                    .map(|e| sc.school(e.school))
                    .filter(|s| s.reserved_migrant > 0 && !sc.child(c).is_migrant())
                    .map(|s| s.name.as_str())
                    .collect();
                if waits.is_empty() {
                    (
                        "did not move: no school she ranked higher holds a priority tier for her"
                            .to_string(),
                        "未调整：她填报在前的学校中没有她可享有的优先类别".to_string(),
                    )
                } else if reserved.is_empty() {
                    (
                        format!(
                            "did not move: every seat at the schools she ranked higher went to children ahead of her on their waitlists or stayed with the children holding it (waitlists: {})",
                            waits.join(", ")
                        ),
                        format!(
                            "未调整：她填报在前的学校的学位都给了候补名单上排在她前面的儿童，或仍由原已录取的儿童保留（候补名单：{}）",
                            waits_zh.join("，")
                        ),
                    )
                } else {
                    (
                        format!(
                            "did not move: every seat at the schools she ranked higher went to children ahead of her on their waitlists, stayed with the children holding it, or is reserved for migrant children, who take it first ({}) (waitlists: {})",
                            reserved.join(", "),
                            waits.join(", ")
                        ),
                        format!(
                            "未调整：她填报在前的学校的学位都给了候补名单上排在她前面的儿童，或仍由原已录取的儿童保留，或为随迁子女预留并由其优先取得（{}）（候补名单：{}）",
                            reserved.join("，"),
                            waits_zh.join("，")
                        ),
                    )
                }
            }
        };
        let why = match lang {
            Lang::En => why,
            Lang::Zh => why_zh,
            Lang::Both => format!("{why} {why_zh}"),
        };
        Movement {
            round: self.number,
            before: before.map_or_else(
                || crate::explain::words::say(lang, "none (a late applicant)", "无（补录申请）"),
                |o| crate::explain::words::outcome(lang, o),
            ),
            moved: row.is_some_and(|m| matches!(m.kind, MoveKind::MovedUp | MoveKind::Placed)),
            why,
        }
    }
}

/// The school an outcome holds, by id (empty when none).
fn held(sc: &Scenario, o: Option<Outcome>) -> String {
    match o {
        Some(Outcome::Choice { school, .. } | Outcome::Coordinated { school }) => {
            sc.school(school).id.clone()
        }
        Some(Outcome::Purchased { school }) => sc.private_school(school).id.clone(),
        _ => String::new(),
    }
}

/// Runs one round on `earlier` with the inputs of `files`.
pub fn compute(
    earlier: &Earlier,
    files: &RoundFiles,
    settings: RoundSettings,
) -> Result<Round, Error> {
    reallocate::refuse_unsupported(&earlier.scenario, settings)?;
    let (mechanism, options) = earlier.manifest.settings()?;
    let base = PathBuf::from(&earlier.manifest.scenario);
    let changes = inputs::read(files, &base, &earlier.scenario, &earlier.outcomes)?;
    let scenario =
        inputs::round_scenario(&earlier.scenario, files, &changes, settings.siblings_apart)?;
    reallocate::refuse_unsupported(&scenario, settings)?;
    let ranking = Ranking::compute(&scenario);
    let before: HashMap<&str, Outcome> = earlier
        .scenario
        .children
        .iter()
        .zip(&earlier.outcomes)
        .map(|(c, &o)| (c.id.as_str(), o))
        .collect();
    let previous: Vec<Option<Outcome>> = scenario
        .children
        .iter()
        .map(|c| before.get(c.id.as_str()).copied())
        .collect();
    let floors: Vec<Floor> = previous.iter().map(|&o| Floor::of(o)).collect();
    let lists = FloorLists::build(&scenario, &ranking, &floors);
    let admitted = if settings.fewest_moves {
        fewest_moves::choice_stage(&lists, &floors, &options)?
    } else {
        reallocate::choice_stage_da(&lists)
    };
    let chosen = lists.outcomes(&floors, &admitted);
    let mut realloc = reallocate::fallback_stages(&scenario, &ranking, chosen);
    // When the round bought and released no place and the budget is the same, the private
    // side is as it was: a child unplaced before and still unplaced keeps the earlier verdict,
    // found with every bought place free to move.
    let bought = |o: &Option<Outcome>| matches!(o, Some(Outcome::Purchased { .. }));
    let released = previous
        .iter()
        .zip(&realloc.outcomes)
        .any(|(p, o)| bought(p) && !bought(&Some(*o)));
    if realloc.purchase.seats == 0
        && !released
        && scenario.budget_yuan == earlier.scenario.budget_yuan
    {
        for (p, o) in previous.iter().zip(realloc.outcomes.iter_mut()) {
            if let (Some(Outcome::Unplaced { reason }), Outcome::Unplaced { .. }) = (p, &o) {
                *o = Outcome::Unplaced { reason: *reason };
            }
        }
    }
    let check = crate::check::round::check_round(
        &scenario,
        &previous,
        &realloc.outcomes,
        settings.fewest_moves,
    );
    let placed = realloc
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Choice { .. }))
        .count();
    let status = if settings.fewest_moves {
        ComponentStatus::IpOptimal
    } else if ranking.strict {
        ComponentStatus::StrictPrioritiesDa
    } else {
        ComponentStatus::Reference
    };
    let public = PublicReport {
        mechanism: if settings.fewest_moves {
            Mechanism::Ip
        } else {
            mechanism
        },
        components: vec![ComponentReport {
            schools: scenario.schools.len(),
            children: scenario.children.len(),
            ties: !ranking.strict,
            status,
            variables: 0,
            constraints: 0,
            seconds: 0.0,
            placed,
            bound: placed,
        }],
        seconds: 0.0,
    };
    let moves = moves(earlier, &changes, &scenario, &previous, &realloc.outcomes);
    Ok(Round {
        number: earlier.number + 1,
        declined: changes.declines.len(),
        late: changes.late.len(),
        seat_changes: changes.seats.len(),
        fewest_moves: settings.fewest_moves,
        solved: Solved {
            ranking,
            assignment: Assignment {
                outcomes: realloc.outcomes,
                public,
                spent_yuan: realloc.spent_yuan,
                purchase: realloc.purchase,
            },
            check,
        },
        scenario,
        previous,
        moves,
    })
}

/// The rows of `moves.csv`, by child id.
fn moves(
    earlier: &Earlier,
    changes: &inputs::Changes,
    sc: &Scenario,
    previous: &[Option<Outcome>],
    outcomes: &[Outcome],
) -> Vec<Move> {
    let esc = &earlier.scenario;
    let waits = Waitlists::compute(esc, &Ranking::compute(esc), &earlier.outcomes);
    let earlier_ix: HashMap<&str, crate::domain::ChildIdx> = esc
        .child_indices()
        .map(|c| (esc.child(c).id.as_str(), c))
        .collect();
    let mut rows: Vec<Move> = changes
        .declines
        .iter()
        .map(|d| Move {
            child: esc.child(d.child).id.clone(),
            from: held(esc, Some(earlier.outcomes[d.child.ix()])),
            to: String::new(),
            kind: MoveKind::Declined,
            why: if d.reason.is_empty() {
                "declined the place".to_string()
            } else {
                format!("declined the place: {}", d.reason)
            },
            why_zh: if d.reason.is_empty() {
                "放弃学位".to_string()
            } else {
                format!("放弃学位：{}", d.reason)
            },
        })
        .collect();
    for c in sc.child_indices() {
        let now = outcomes[c.ix()];
        let id = &sc.child(c).id;
        let zh_now = || crate::explain::words::outcome(Lang::Zh, now);
        let (kind, why, why_zh) = match previous[c.ix()] {
            None => (
                MoveKind::Late,
                format!("late applicant: {}", outcome_sentence(now)),
                format!("补录申请：{}", zh_now()),
            ),
            Some(before) if before == now => continue,
            Some(Outcome::Unplaced { .. }) if matches!(now, Outcome::Unplaced { .. }) => continue,
            Some(Outcome::Unplaced { .. }) => (
                MoveKind::Placed,
                format!("newly placed: {}", outcome_sentence(now)),
                format!("新获学位：{}", zh_now()),
            ),
            Some(_) => {
                let (why, why_zh) = match now {
                    Outcome::Choice { school, rank } => {
                        let position = earlier_ix
                            .get(id.as_str())
                            .and_then(|&e| waits.position(e, school));
                        match position {
                            Some(p) => (
                                format!(
                                    "moved up to her choice {rank}: a seat came free and she was position {p} on its waitlist"
                                ),
                                format!(
                                    "递补至第 {rank} 志愿：该校空出学位，她在其候补名单上排第 {p} 位"
                                ),
                            ),
                            None => (
                                format!("moved up to her choice {rank}: a seat came free"),
                                format!("递补至第 {rank} 志愿：该校空出学位"),
                            ),
                        }
                    }
                    other => (
                        format!("moved: {}", outcome_sentence(other)),
                        format!("调整：{}", zh_now()),
                    ),
                };
                (MoveKind::MovedUp, why, why_zh)
            }
        };
        rows.push(Move {
            child: id.clone(),
            from: held(sc, previous[c.ix()]),
            to: held(sc, Some(now)),
            kind,
            why,
            why_zh,
        });
    }
    rows.sort_by(|a, b| a.child.cmp(&b.child));
    rows
}

/// The earlier round's folder as a path.
fn folder_of(manifest_file: &Path) -> &Path {
    manifest_file.parent().unwrap_or(Path::new("."))
}

/// The manifest of a folder with the SHA-256 of its bytes.
fn read_manifest(folder: &Path) -> Result<(Manifest, PathBuf, String), Error> {
    let (m, file) = Manifest::read(folder)?;
    let bytes = std::fs::read(&file).map_err(|source| crate::error::ManifestError::Read {
        file: file.clone(),
        source,
    })?;
    Ok((m, file, crate::manifest::sha256(&bytes)))
}
