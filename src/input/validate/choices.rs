//! The choices table: rows → each child's list of schools, best first. A child's ranks run 1, 2,
//! 3, … without gaps; each school of the intake's entry grade appears at most once.
//!
//! The table is checked in two steps, so that it can be read while the children table is (they
//! are the two largest tables; the loader reads them on two cores). [`read`] checks each row
//! against the schools and against the rows before it that name the same child, knowing each
//! child only by the id as written ([`Interned`]). [`resolve`], once the children are known,
//! finds each id among them, reports the rows naming no child and sets every child's choices.
//! The errors are the ones, in the order, that one pass knowing the children would report.

use std::hash::BuildHasher;
use std::path::Path;

use rayon::prelude::*;

use super::children::Children;
use super::common::{stream_cells, Columns};
use super::schools::{Found, Schools};
use super::Context;
use crate::domain::{ChildIdx, SchoolIdx};
use crate::error::InputError;
use crate::input::rows::ChoiceCells;

/// The line of every child's every choice: the lines in file order, and each child's choices
/// (best first) as positions in them, in one vector (a few allocations for a million children).
pub(super) struct ChoiceLines {
    /// Where each child's choices start in `order`.
    start: Vec<u32>,
    /// Each child's choices, best first, as positions in `lines`.
    order: Vec<u32>,
    /// The line of every choice accepted, in file order.
    lines: Vec<u64>,
}

impl ChoiceLines {
    /// The line of a child's `position`-th choice.
    pub(super) fn line(&self, child: ChildIdx, position: usize) -> Option<u64> {
        let start = *self.start.get(child.ix())? as usize;
        let end = self
            .start
            .get(child.ix() + 1)
            .map_or(self.order.len(), |&e| e as usize);
        let at = *self.order[start..end].get(position)?;
        self.lines.get(at as usize).copied()
    }
}

/// The children [`resolve`] sets the choices of at a time, in parallel.
const BLOCK: usize = 4096;

/// No choice: the end of a child's chain in [`Accepted`].
const NONE: u32 = u32::MAX;

/// The choices accepted so far, in file order, each child's chained from its last back to its
/// first: 20 bytes a choice, no allocation per child. Children are named by their number in
/// [`Interned`].
#[derive(Default)]
struct Accepted {
    /// Each child's last choice accepted.
    last: Vec<u32>,
    /// Each choice's school and rank.
    choice: Vec<(SchoolIdx, u8)>,
    /// The child's choice accepted before it.
    before: Vec<u32>,
    /// Its line.
    lines: Vec<u64>,
}

impl Accepted {
    /// A child's choices, last accepted first, as (position, school, rank).
    fn of(&self, child: u32) -> impl Iterator<Item = (u32, SchoolIdx, u8)> + '_ {
        let mut at = self.last[child as usize];
        std::iter::from_fn(move || {
            (at != NONE).then(|| {
                let here = at;
                at = self.before[here as usize];
                let (school, rank) = self.choice[here as usize];
                (here, school, rank)
            })
        })
    }
}

/// Every child id the table names, once each, numbered in the order first read; their text is
/// kept in one string (no allocation per id, about 25 bytes an id with the table).
#[derive(Default)]
struct Interned {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
    /// The ids' numbers, found by the id's hash.
    table: hashbrown::HashTable<u32>,
}

/// The hash of an id in [`Interned`] (FxHash, as [`crate::input::ids::IdMap`]).
fn hash_id(id: &str) -> u64 {
    std::hash::BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(id)
}

impl Interned {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The id numbered `k`.
    fn get(&self, k: u32) -> &str {
        id_in(&self.text, &self.ends, k)
    }

    /// The number of `id`, numbering it if it is new; whether it was.
    fn intern(&mut self, id: &str) -> (u32, bool) {
        // A child's rows usually follow one another: the id just numbered needs no hashing.
        if let Some(last) = self.ends.len().checked_sub(1) {
            if self.get(last as u32) == id {
                return (last as u32, false);
            }
        }
        let Interned { text, ends, table } = self;
        let hash = hash_id(id);
        let entry = table.entry(
            hash,
            |&k| id_in(text, ends, k) == id,
            |&k| hash_id(id_in(text, ends, k)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => (*e.get(), false),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let k = ends.len() as u32;
                e.insert(k);
                text.push_str(id);
                ends.push(text.len());
                (k, true)
            }
        }
    }
}

/// The id numbered `k` of an [`Interned`]'s text and ends.
fn id_in<'t>(text: &'t str, ends: &[usize], k: u32) -> &'t str {
    let k = k as usize;
    let start = if k == 0 { 0 } else { ends[k - 1] };
    &text[start..ends[k]]
}

/// A problem of a row that was not accepted, or a row not accepted for a problem reported
/// elsewhere (its school's row was refused): kept until the children are known.
struct RowProblem {
    line: u64,
    /// The row's child, by its number in [`Interned`].
    child: u32,
    what: Option<Problem>,
}

enum Problem {
    /// Reported whatever the child.
    Always(InputError),
    /// Reported only if the child is one of the children table's: a repeated rank or school.
    OfKnownChild(InputError),
}

/// The choices table as [`read`] leaves it, for [`resolve`].
#[derive(Default)]
pub(super) struct ReadChoices {
    ids: Interned,
    /// The rows naming each child (by number), to skip the gap check where a row was refused
    /// for another reason.
    rows_of: Vec<u32>,
    accepted: Accepted,
    /// The rows' problems, in file order; a row's in the order found.
    problems: Vec<RowProblem>,
}

/// Checks each row against the schools and the child's rows before it; what the reading itself
/// reports (header, cells) goes to `errors`, the rows' problems wait for [`resolve`].
pub(super) fn read(
    path: &Path,
    columns: Columns,
    schools: &Schools,
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> ReadChoices {
    let mut read = ReadChoices::default();
    let fields = ChoiceCells::FIELDS;
    let info = stream_cells(path, columns, fields, errors, |line, cells, info, _| {
        let ReadChoices {
            ids,
            rows_of,
            accepted,
            problems,
        } = &mut read;
        if accepted.lines.capacity() == 0 {
            accepted.choice.reserve(info.rows_hint);
            accepted.before.reserve(info.rows_hint);
            accepted.lines.reserve(info.rows_hint);
        }
        let row = ChoiceCells::of(cells);
        let mut accepted_here = false;
        let (child, new) = ids.intern(row.child);
        if new {
            accepted.last.push(NONE);
            rows_of.push(0);
        }
        rows_of[child as usize] += 1;
        let before = problems.len();
        let mut problem = |what| {
            problems.push(RowProblem {
                line,
                child,
                what: Some(what),
            })
        };
        let school = match schools.find(row.school) {
            Found::School(s) => Some(s),
            Found::OtherGrade(g) => {
                problem(Problem::Always(InputError::at(
                    path,
                    line,
                    "school",
                    format!(
                        "school `{}` takes grade-{g} entrants, but this intake is for grade {}",
                        row.school, cx.settings.entry_grade
                    ),
                )));
                None
            }
            Found::Explained => None,
            Found::Unknown => {
                problem(Problem::Always(InputError::at(
                    path,
                    line,
                    "school",
                    format!(
                        "unknown public school `{}` (not in {})",
                        row.school,
                        cx.files.schools.display()
                    ),
                )));
                None
            }
        };
        if row.rank < 1 || row.rank > 100 {
            problem(Problem::Always(InputError::at(
                path,
                line,
                "rank",
                format!("must be between 1 and 100, got {}", row.rank),
            )));
        } else if let Some(s) = school {
            let rank = row.rank as u8;
            let line_of = |at: u32| accepted.lines[at as usize];
            let same_rank = accepted.of(child).find(|&(_, _, r)| r == rank);
            let same_school = || accepted.of(child).find(|&(_, x, _)| x == s);
            if let Some((at, _, _)) = same_rank {
                let first = line_of(at);
                problem(Problem::OfKnownChild(InputError::at(
                    path,
                    line,
                    "rank",
                    format!(
                        "child `{}` already has a choice of rank {} (line {first})",
                        row.child, row.rank
                    ),
                )));
            } else if let Some((at, _, _)) = same_school() {
                let first = line_of(at);
                problem(Problem::OfKnownChild(InputError::at(
                    path,
                    line,
                    "school",
                    format!(
                        "child `{}` already lists school `{}` (line {first})",
                        row.child, row.school
                    ),
                )));
            } else {
                let at = accepted.lines.len() as u32;
                accepted.choice.push((s, rank));
                accepted.before.push(accepted.last[child as usize]);
                accepted.lines.push(line);
                accepted.last[child as usize] = at;
                accepted_here = true;
            }
        }
        // A row neither accepted nor with a problem of its own (its school's row was refused)
        // still names a child, who may be unknown.
        if problems.len() == before && !accepted_here {
            problems.push(RowProblem {
                line,
                child,
                what: None,
            });
        }
    });
    // An unusable table's rows are dropped, as a table read whole would have given none.
    match info {
        Some(_) => read,
        None => ReadChoices::default(),
    }
}

/// Finds the children the table names, reports its rows' problems (a row naming no child of
/// the children table first in its row, unless that child's row was refused) and sets every
/// child's [`crate::domain::Child::choices`]; returns the line of each choice.
pub(super) fn resolve(
    path: &Path,
    read: ReadChoices,
    children: &mut Children,
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> ChoiceLines {
    let ReadChoices {
        ids,
        rows_of,
        accepted,
        problems,
    } = read;
    let n = children.by_id.entities.len();
    // Each named child's index among the children, or NONE.
    let index = &children.by_id.index;
    let child_of: Vec<u32> = (0..ids.len() as u32)
        .into_par_iter()
        .map(|k| index.get(ids.get(k)).copied().unwrap_or(NONE))
        .collect();
    // Whether each named child is unknown, and not for a problem already reported.
    let unknown: Vec<bool> = (0..ids.len() as u32)
        .map(|k| child_of[k as usize] == NONE && !children.known.explains(ids.get(k)))
        .collect();
    let unknown_child = |line: u64, k: u32| {
        InputError::at(
            path,
            line,
            "child",
            format!(
                "unknown child `{}` (not in {})",
                ids.get(k),
                cx.files.children.display()
            ),
        )
    };
    // The rows' problems by line, each row's in the order found.
    let mut found: Vec<(u64, InputError)> = Vec::new();
    for k in (0..ids.len() as u32).filter(|&k| unknown[k as usize]) {
        for (at, _, _) in accepted.of(k) {
            let line = accepted.lines[at as usize];
            found.push((line, unknown_child(line, k)));
        }
    }
    let accepted_unknown = !found.is_empty();
    let mut row = None;
    for p in problems {
        if row != Some(p.line) {
            row = Some(p.line);
            if unknown[p.child as usize] {
                found.push((p.line, unknown_child(p.line, p.child)));
            }
        }
        match p.what {
            Some(Problem::Always(e)) => found.push((p.line, e)),
            Some(Problem::OfKnownChild(e)) if child_of[p.child as usize] != NONE => {
                found.push((p.line, e))
            }
            _ => {}
        }
    }
    if accepted_unknown {
        // Stable: a row's problems keep their order.
        found.sort_by_key(|&(line, _)| line);
    }
    errors.extend(found.into_iter().map(|(_, e)| e));

    // Each child's number in the table, or NONE.
    let mut named = vec![NONE; n];
    for (k, &c) in child_of.iter().enumerate() {
        if c != NONE {
            named[c as usize] = k as u32;
        }
    }
    // Each child's choices, best first, and the gap check, in parallel blocks of children; a
    // block's positions and errors are joined in the children's order.
    let of = &accepted;
    let blocks: Vec<(Vec<u32>, Vec<InputError>)> = children
        .by_id
        .entities
        .par_chunks_mut(BLOCK)
        .zip(named.par_chunks(BLOCK))
        .map(|(block, named)| {
            let mut order = Vec::new();
            let mut found = Vec::new();
            // One child's choices, (rank, school, line, position), reused from child to child.
            let mut list: Vec<(u8, SchoolIdx, u64, u32)> = Vec::new();
            for (child, &k) in block.iter_mut().zip(named) {
                list.clear();
                let rows = if k == NONE {
                    0
                } else {
                    list.extend(
                        of.of(k)
                            .map(|(at, s, r)| (r, s, of.lines[at as usize], at)),
                    );
                    rows_of[k as usize]
                };
                list.sort_unstable();
                let complete = list.len() == rows as usize;
                if let Some(&(rank, _, line, _)) = list
                    .iter()
                    .filter(|_| complete)
                    .enumerate()
                    .find(|(i, (r, _, _, _))| usize::from(*r) != i + 1)
                    .map(|(_, x)| x)
                {
                    let ranks: Vec<String> =
                        list.iter().map(|(r, _, _, _)| r.to_string()).collect();
                    found.push(InputError::at(
                        path,
                        line,
                        "rank",
                        format!(
                            "child `{}` has choice ranks {}: ranks must run 1, 2, 3, … without gaps (rank {rank} is out of place)",
                            child.id,
                            ranks.join(", ")
                        ),
                    ));
                }
                order.extend(list.iter().map(|&(_, _, _, at)| at));
                child.choices = list.iter().map(|&(_, s, _, _)| s).collect();
            }
            (order, found)
        })
        .collect();
    let mut lines = ChoiceLines {
        start: Vec::with_capacity(n),
        order: Vec::with_capacity(accepted.lines.len()),
        lines: Vec::new(),
    };
    let mut at = 0;
    for child in &children.by_id.entities {
        lines.start.push(at);
        at += child.choices.len() as u32;
    }
    for (order, found) in blocks {
        lines.order.extend(order);
        errors.extend(found);
    }
    lines.lines = accepted.lines;
    lines
}
