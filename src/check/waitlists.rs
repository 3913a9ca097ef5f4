//! Checking a `waitlists.csv` read back (written by every run and every later round) against
//! the placement it belongs to, with the checker's own priorities.
//!
//! The checker builds every school's waitlist anew from its definition (`docs/rounds.md`): a
//! child waits at each school she listed above the place she holds (every school of her list
//! when she holds no choice placement) where she holds a tier, in priority order there — tier,
//! then merit as [`super::priority`] computes it — and, among children the policy keeps tied,
//! in the checker's own fallback order. Then it compares the file with it (rule `waitlists`):
//! the same children at each school in the same order, each row's position its place in that
//! order, and every column — `school_name`, `choice_rank`, `tier`, `points`, `holds`,
//! `holds_name` — as the scenario and the placement imply. A row naming a school or child the
//! scenario does not have is the reader's to refuse ([`crate::rounds::recheck`]).

use super::columns::{parse_points, show_points};
use super::priority::Ranks;
use super::Violation;
use crate::assign::Outcome;
use crate::domain::{ChildIdx, SchoolIdx};
use crate::scenario::Scenario;

/// One row of a `waitlists.csv`, its school and child resolved, every other column as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenWaitlistRow {
    /// The 1-based line of the file.
    pub line: u64,
    /// The `school` column.
    pub school: SchoolIdx,
    /// The `school_name` column.
    pub school_name: String,
    /// The `position` column.
    pub position: String,
    /// The `child` column.
    pub child: ChildIdx,
    /// The `choice_rank` column.
    pub choice_rank: String,
    /// The `tier` column.
    pub tier: String,
    /// The `points` column.
    pub points: String,
    /// The `holds` column.
    pub holds: String,
    /// The `holds_name` column.
    pub holds_name: String,
}

/// The id and name of the school an outcome holds (empty when none).
fn holds(scenario: &Scenario, outcome: Outcome) -> (&str, &str) {
    match outcome {
        Outcome::Choice { school, .. } | Outcome::Coordinated { school } => {
            let s = scenario.school(school);
            (&s.id, &s.name)
        }
        Outcome::Purchased { school } => {
            let p = scenario.private_school(school);
            (&p.id, &p.name)
        }
        Outcome::Unplaced { .. } => ("", ""),
    }
}

/// The waitlists the checker expects: per school, `(child, her rank of the school)` best first.
fn expected(scenario: &Scenario, ranks: &Ranks, outcomes: &[Outcome]) -> Vec<Vec<(ChildIdx, u8)>> {
    let mut lists: Vec<Vec<_>> = vec![Vec::new(); scenario.schools.len()];
    for c in scenario.child_indices() {
        let choices = &scenario.child(c).choices;
        let above = match outcomes[c.ix()] {
            Outcome::Choice { rank, .. } => (rank as usize).saturating_sub(1).min(choices.len()),
            _ => choices.len(),
        };
        for (i, &s) in choices[..above].iter().enumerate() {
            if let Some(p) = ranks.priority(c, s) {
                lists[s.ix()].push((p, ranks.fallback_position(c), c, i as u8 + 1));
            }
        }
    }
    lists
        .into_iter()
        .map(|mut l| {
            l.sort_unstable();
            l.into_iter().map(|(_, _, c, r)| (c, r)).collect()
        })
        .collect()
}

/// Compares the rows of a `waitlists.csv` (`rows`, in the file's order) with the waitlists of
/// `outcomes` (one per child of `scenario`); every difference is a violation naming the line.
pub fn check_waitlists(
    scenario: &Scenario,
    outcomes: &[Outcome],
    rows: &[WrittenWaitlistRow],
) -> Vec<Violation> {
    let ranks = Ranks::new(scenario);
    let want = expected(scenario, &ranks, outcomes);
    let mut v = Vec::new();
    let mut push = |message: String| {
        v.push(Violation {
            rule: "waitlists",
            message,
        })
    };
    let mut seen: Vec<Vec<&WrittenWaitlistRow>> = vec![Vec::new(); scenario.schools.len()];
    let mut last_school: Option<SchoolIdx> = None;
    for row in rows {
        if last_school.is_some_and(|s| s > row.school) {
            push(format!(
                "line {}: school {} comes after school {}; the rows go by school in the scenario's order",
                row.line,
                scenario.school(row.school).id,
                scenario.school(last_school.expect("checked")).id
            ));
        }
        last_school = Some(row.school);
        seen[row.school.ix()].push(row);
    }
    for s in scenario.school_indices() {
        let school = scenario.school(s);
        let (got, exp) = (&seen[s.ix()], &want[s.ix()]);
        if got.len() != exp.len() {
            push(format!(
                "school {}: the file lists {} waiting children, the placement implies {}",
                school.id,
                got.len(),
                exp.len()
            ));
        }
        for (i, (row, &(c, rank))) in got.iter().zip(exp).enumerate() {
            let at = format!("line {} (school {})", row.line, school.id);
            if row.child != c {
                push(format!(
                    "{at}: position {} is child {}, the placement implies child {}",
                    i + 1,
                    scenario.child(row.child).id,
                    scenario.child(c).id
                ));
                continue;
            }
            let child = scenario.child(c);
            let (held, held_name) = holds(scenario, outcomes[c.ix()]);
            let tier = ranks
                .tier_at(c, s)
                .map_or("none".to_string(), |(_, t)| t.name().to_string());
            let points = ranks.points_at(c, school.district);
            let columns = [
                ("school_name", row.school_name.clone(), school.name.clone()),
                ("position", row.position.clone(), (i + 1).to_string()),
                ("choice_rank", row.choice_rank.clone(), rank.to_string()),
                ("tier", row.tier.clone(), tier),
                ("holds", row.holds.clone(), held.to_string()),
                ("holds_name", row.holds_name.clone(), held_name.to_string()),
            ];
            for (column, found, expected) in columns {
                if found.trim() != expected {
                    push(format!(
                        "{at}, child {}: column `{column}` is `{found}`, expected `{expected}`",
                        child.id
                    ));
                }
            }
            if parse_points(&row.points) != Some(points) {
                push(format!(
                    "{at}, child {}: column `points` is `{}`, expected `{}`",
                    child.id,
                    row.points,
                    show_points(points)
                ));
            }
        }
        for row in got.iter().skip(exp.len()) {
            push(format!(
                "line {} (school {}): child {} is not on its waitlist",
                row.line,
                school.id,
                scenario.child(row.child).id
            ));
        }
        for &(c, _) in exp.iter().skip(got.len()) {
            push(format!(
                "school {}: child {} waits for it but is missing from the file",
                school.id,
                scenario.child(c).id
            ));
        }
    }
    v
}
