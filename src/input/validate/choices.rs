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

/// The line of every child's every choice, in one vector (two allocations for a million children).
pub(super) struct ChoiceLines {
    /// Where each child's lines start in `lines`.
    start: Vec<usize>,
    lines: Vec<u64>,
}

impl ChoiceLines {
    /// The line of a child's `position`-th choice.
    pub(super) fn line(&self, child: ChildIdx, position: usize) -> Option<u64> {
        let start = *self.start.get(child.ix())?;
        self.lines.get(start + position).copied()
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
    // Each child's choices as they are read: (rank, school, line); ranks are 1..=100.
    let mut lists: Vec<Vec<(u8, SchoolIdx, u64)>> = vec![Vec::new(); n];
    // Rows naming each child, to skip the gap check where a row was refused for another reason.
    let mut rows_of_child = vec![0usize; n];
    let fields = ChoiceCells::FIELDS;
    let info = stream_cells(path, columns, fields, errors, |line, cells, _, errors| {
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
            let list = &mut lists[c.ix()];
            if let Some(&(_, _, first)) = list.iter().find(|(r, _, _)| *r == rank) {
                errors.push(InputError::at(
                    path,
                    line,
                    "rank",
                    format!(
                        "child `{}` already has a choice of rank {} (line {first})",
                        row.child, row.rank
                    ),
                ));
            } else if let Some(&(_, _, first)) = list.iter().find(|(_, x, _)| *x == s) {
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
                list.push((rank, s, line));
            }
        }
    });
    if info.is_none() {
        (lists, rows_of_child) = (vec![Vec::new(); n], vec![0; n]);
    }
    let mut lines = ChoiceLines {
        start: Vec::with_capacity(n),
        lines: Vec::new(),
    };
    for ((child, mut list), rows) in children
        .by_id
        .entities
        .iter_mut()
        .zip(lists)
        .zip(rows_of_child)
    {
        list.sort_unstable();
        let complete = list.len() == rows;
        if let Some(&(rank, _, line)) = list
            .iter()
            .filter(|_| complete)
            .enumerate()
            .find(|(i, (r, _, _))| usize::from(*r) != i + 1)
            .map(|(_, x)| x)
        {
            let ranks: Vec<String> = list.iter().map(|(r, _, _)| r.to_string()).collect();
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
        lines.start.push(lines.lines.len());
        lines.lines.extend(list.iter().map(|&(_, _, line)| line));
        child.choices = list.into_iter().map(|(_, s, _)| s).collect();
    }
    lines
}
