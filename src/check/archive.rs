//! Checking an archived run or later round from its tables alone, read back from its folder.
//!
//! A first run's folder is checked as `seatplan check SCENARIO --placements FILE` checks a
//! placements file (every rule, every column; [`super::check_placements`]), and its
//! `waitlists.csv` against that placement ([`super::waitlists`]). A later round's folder is
//! checked on the round's own rules ([`super::round`]: capacities, no one worse off than in
//! the earlier round's `placements.csv`, no justified envy among movable children, the
//! waitlist order, and minimality by exhaustive search when the round chose the fewest moves),
//! every column of its `placements.csv` ([`super::columns`]), its `waitlists.csv` and its
//! `moves.csv` ([`super::moves`]). Reading the files is [`crate::rounds::recheck`]'s; nothing
//! here runs the solver or reads the solver's ranking.

use super::moves::{check_moves, Departed, WrittenMove};
use super::priority::Ranks;
use super::waitlists::{check_waitlists, WrittenWaitlistRow};
use super::{CheckReport, Placements, Violations};
use crate::assign::Outcome;
use crate::scenario::Scenario;

/// A later round's tables, read back, with the earlier round's placement.
#[derive(Debug, Clone, Copy)]
pub struct ArchivedRound<'a> {
    /// The round's scenario: the earlier round's children without those who declined, with the
    /// late applicants, and the seats as changed.
    pub scenario: &'a Scenario,
    /// Per child of `scenario`, her outcome in the earlier round's `placements.csv` (`None`:
    /// a late applicant).
    pub previous: &'a [Option<Outcome>],
    /// The round's `placements.csv`.
    pub placements: &'a Placements,
    /// The earlier round's children who are not in the round.
    pub departed: &'a [Departed],
    /// The round's `moves.csv`.
    pub moves: &'a [WrittenMove],
    /// The round's `waitlists.csv`.
    pub waitlists: &'a [WrittenWaitlistRow],
    /// Whether the round chose the fewest moves (minimality is then searched).
    pub fewest_moves: bool,
}

/// Checks a first run's `placements.csv` and `waitlists.csv`, read back.
pub fn check_run_tables(
    scenario: &Scenario,
    placements: &Placements,
    waitlists: &[WrittenWaitlistRow],
) -> CheckReport {
    let mut report = super::check_placements(scenario, placements);
    if placements.outcomes.len() == scenario.children.len() {
        report
            .violations
            .extend(check_waitlists(scenario, &placements.outcomes, waitlists));
    }
    report
}

/// Checks a later round's tables, read back, as the module says.
pub fn check_round_tables(round: &ArchivedRound) -> CheckReport {
    let sc = round.scenario;
    let outcomes = &round.placements.outcomes;
    let mut report = super::round::check_round(sc, round.previous, outcomes, round.fewest_moves);
    let mut columns = Violations::default();
    super::columns::check(sc, &Ranks::new(sc), round.placements, &mut columns);
    report.violations.extend(columns.0);
    report
        .violations
        .extend(check_waitlists(sc, outcomes, round.waitlists));
    report.violations.extend(check_moves(
        sc,
        round.previous,
        outcomes,
        round.departed,
        round.moves,
    ));
    report
}
