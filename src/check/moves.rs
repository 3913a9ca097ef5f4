//! Checking a later round's `moves.csv` read back against the two placements it sits between.
//!
//! From the earlier round's placement and the round's, the checker knows who declined (children
//! of the earlier round who are no longer applicants), who arrived late (no earlier outcome),
//! and whose placement changed. `moves.csv` must have exactly one row for each of them and no
//! other (rule `moves`), by child id, with the kind the change is — `declined`; `moved_up` for a
//! child who held a place (public or bought) and holds another; `placed` for a child without a
//! place before who has one now; `late_applicant` — and its `from` and `to` the schools held
//! before and after (empty for none). The `why` column is words for the family and is not
//! compared.

use std::collections::BTreeMap;

use super::Violation;
use crate::assign::Outcome;
use crate::scenario::Scenario;

/// One row of a `moves.csv`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenMove {
    /// The 1-based line of the file.
    pub line: u64,
    /// The `child` column.
    pub child: String,
    /// The `from` column.
    pub from: String,
    /// The `to` column.
    pub to: String,
    /// The `kind` column.
    pub kind: String,
}

/// A child of the earlier round who is not in the round: her id and the school she held (empty
/// when none), as the earlier round's placement gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departed {
    /// Her id.
    pub child: String,
    /// The id of the school she held before the round (empty: none).
    pub held: String,
}

/// The id of the school an outcome holds (empty when none).
fn held(scenario: &Scenario, outcome: Option<Outcome>) -> String {
    match outcome {
        Some(Outcome::Choice { school, .. } | Outcome::Coordinated { school }) => {
            scenario.school(school).id.clone()
        }
        Some(Outcome::Purchased { school }) => scenario.private_school(school).id.clone(),
        _ => String::new(),
    }
}

/// Compares `rows` (a `moves.csv`, in the file's order) with what the placements imply: the
/// round's `scenario`, each child's outcome before it (`previous`, `None` when late) and after
/// it (`outcomes`), and the children who `departed`.
pub fn check_moves(
    scenario: &Scenario,
    previous: &[Option<Outcome>],
    outcomes: &[Outcome],
    departed: &[Departed],
    rows: &[WrittenMove],
) -> Vec<Violation> {
    // child id → (kind, from, to) the placements imply.
    let mut want: BTreeMap<&str, (&'static str, String, String)> = BTreeMap::new();
    for d in departed {
        want.insert(&d.child, ("declined", d.held.clone(), String::new()));
    }
    for c in scenario.child_indices() {
        let (before, now) = (previous[c.ix()], outcomes[c.ix()]);
        let kind = match before {
            None => "late_applicant",
            Some(b) if b == now => continue,
            Some(Outcome::Unplaced { .. }) if matches!(now, Outcome::Unplaced { .. }) => continue,
            Some(Outcome::Unplaced { .. }) => "placed",
            Some(_) => "moved_up",
        };
        want.insert(
            &scenario.child(c).id,
            (kind, held(scenario, before), held(scenario, Some(now))),
        );
    }
    let mut v = Vec::new();
    let mut push = |message: String| {
        v.push(Violation {
            rule: "moves",
            message,
        })
    };
    let mut last: Option<&str> = None;
    let mut found: BTreeMap<&str, u64> = BTreeMap::new();
    for row in rows {
        let id = row.child.as_str();
        if last.is_some_and(|l| l >= id) {
            push(format!(
                "line {}: child {id} is out of order or twice; the rows go by child id, once each",
                row.line
            ));
        }
        last = Some(id);
        found.insert(id, row.line);
        let Some((kind, from, to)) = want.get(id) else {
            push(format!(
                "line {}: child {id} has a row, but neither declined, arrived late nor changed placement",
                row.line
            ));
            continue;
        };
        for (column, got, expected) in [
            ("kind", row.kind.as_str(), *kind),
            ("from", row.from.as_str(), from.as_str()),
            ("to", row.to.as_str(), to.as_str()),
        ] {
            if got.trim() != expected {
                push(format!(
                    "line {}, child {id}: column `{column}` is `{got}`, the placements imply `{expected}`",
                    row.line
                ));
            }
        }
    }
    for (id, (kind, _, _)) in &want {
        if !found.contains_key(id) {
            push(format!(
                "child {id} has no row, but the placements say she is {}",
                match *kind {
                    "declined" => "gone (declined)",
                    "late_applicant" => "a late applicant",
                    "placed" => "newly placed",
                    _ => "at another place",
                }
            ));
        }
    }
    v
}
