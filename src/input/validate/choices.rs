//! The choices table: rows → each child's list of schools, best first. A child's ranks run 1, 2,
//! 3, … without gaps; each school of the intake's entry grade appears at most once.

use std::path::Path;

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

/// No choice: the end of a child's chain in [`Accepted`].
const NONE: u32 = u32::MAX;

/// The choices accepted so far, in file order, each child's chained from its last back to its
/// first: 20 bytes a choice, no allocation per child.
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
    fn of(&self, c: ChildIdx) -> impl Iterator<Item = (u32, SchoolIdx, u8)> + '_ {
        let mut at = self.last[c.ix()];
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

/// Checks each row and sets every child's [`crate::domain::Child::choices`]; returns the line of
/// each choice.
pub(super) fn validate(
    path: &Path,
    columns: Columns,
    children: &mut Children,
    schools: &Schools,
    cx: &Context,
    errors: &mut Vec<InputError>,
) -> ChoiceLines {
    let n = children.by_id.entities.len();
    // Each child's choices as they are read; ranks are 1..=100.
    let mut accepted = Accepted {
        last: vec![NONE; n],
        choice: Vec::new(),
        before: Vec::new(),
        lines: Vec::new(),
    };
    // Rows naming each child, to skip the gap check where a row was refused for another reason.
    let mut rows_of_child = vec![0u32; n];
    let fields = ChoiceCells::FIELDS;
    let info = stream_cells(
        path,
        columns,
        fields,
        errors,
        |line, cells, info, errors| {
            if accepted.lines.capacity() == 0 {
                accepted.choice.reserve(info.rows_hint);
                accepted.before.reserve(info.rows_hint);
                accepted.lines.reserve(info.rows_hint);
            }
            let row = ChoiceCells::of(cells);
            let child = children.by_id.index.get(row.child).map(|&c| ChildIdx(c));
            if child.is_none() && !children.known.explains(row.child) {
                errors.push(InputError::at(
                    path,
                    line,
                    "child",
                    format!(
                        "unknown child `{}` (not in {})",
                        row.child,
                        cx.files.children.display()
                    ),
                ));
            }
            let school = match schools.find(row.school) {
                Found::School(s) => Some(s),
                Found::OtherGrade(g) => {
                    errors.push(InputError::at(
                        path,
                        line,
                        "school",
                        format!(
                            "school `{}` takes grade-{g} entrants, but this intake is for grade {}",
                            row.school, cx.settings.entry_grade
                        ),
                    ));
                    None
                }
                Found::Explained => None,
                Found::Unknown => {
                    errors.push(InputError::at(
                        path,
                        line,
                        "school",
                        format!(
                            "unknown public school `{}` (not in {})",
                            row.school,
                            cx.files.schools.display()
                        ),
                    ));
                    None
                }
            };
            if let Some(c) = child {
                rows_of_child[c.ix()] += 1;
            }
            if row.rank < 1 || row.rank > 100 {
                errors.push(InputError::at(
                    path,
                    line,
                    "rank",
                    format!("must be between 1 and 100, got {}", row.rank),
                ));
                return;
            }
            let rank = row.rank as u8;
            if let (Some(c), Some(s)) = (child, school) {
                let line_of = |at: u32| accepted.lines[at as usize];
                let same_rank = accepted.of(c).find(|&(_, _, r)| r == rank);
                let same_school = || accepted.of(c).find(|&(_, x, _)| x == s);
                if let Some((at, _, _)) = same_rank {
                    let first = line_of(at);
                    errors.push(InputError::at(
                        path,
                        line,
                        "rank",
                        format!(
                            "child `{}` already has a choice of rank {} (line {first})",
                            row.child, row.rank
                        ),
                    ));
                } else if let Some((at, _, _)) = same_school() {
                    let first = line_of(at);
                    errors.push(InputError::at(
                        path,
                        line,
                        "school",
                        format!(
                            "child `{}` already lists school `{}` (line {first})",
                            row.child, row.school
                        ),
                    ));
                } else {
                    let at = accepted.lines.len() as u32;
                    accepted.choice.push((s, rank));
                    accepted.before.push(accepted.last[c.ix()]);
                    accepted.lines.push(line);
                    accepted.last[c.ix()] = at;
                }
            }
        },
    );
    if info.is_none() {
        accepted.last = vec![NONE; n];
        accepted.lines.clear();
        rows_of_child = vec![0; n];
    }
    let mut lines = ChoiceLines {
        start: Vec::with_capacity(n),
        order: Vec::with_capacity(accepted.lines.len()),
        lines: Vec::new(),
    };
    // One child's choices, (rank, school, line, position), reused from child to child.
    let mut list: Vec<(u8, SchoolIdx, u64, u32)> = Vec::new();
    for (c, (child, rows)) in children
        .by_id
        .entities
        .iter_mut()
        .zip(rows_of_child)
        .enumerate()
    {
        list.clear();
        list.extend(
            accepted
                .of(ChildIdx(c as u32))
                .map(|(at, s, r)| (r, s, accepted.lines[at as usize], at)),
        );
        list.sort_unstable();
        let complete = list.len() == rows as usize;
        if let Some(&(rank, _, line, _)) = list
            .iter()
            .filter(|_| complete)
            .enumerate()
            .find(|(i, (r, _, _, _))| usize::from(*r) != i + 1)
            .map(|(_, x)| x)
        {
            let ranks: Vec<String> = list.iter().map(|(r, _, _, _)| r.to_string()).collect();
            errors.push(InputError::at(
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
        lines.start.push(lines.order.len() as u32);
        lines.order.extend(list.iter().map(|&(_, _, _, at)| at));
        child.choices = list.iter().map(|&(_, s, _, _)| s).collect();
    }
    lines.lines = accepted.lines;
    lines
}
