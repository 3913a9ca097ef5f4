//! The independent check of a later round (`seatplan round`), sharing no code with
//! [`crate::rounds`]: it reads the round's scenario (priorities by the checker's own [`super::priority`]), each child's outcome before the
//! round (`None` for a late applicant) and after it, and proves directly on that final state:
//!
//! - **capacity**: no public school holds more children than the larger of its seats and the
//!   children who kept their place there; no private school more bought places than it offers;
//!   the bought places cost no more than the budget;
//! - **no one worse off** (`floor`): a child placed by choice is at the same school or one she
//!   ranked higher; a coordinated child at the same school or a school of her list; a child with
//!   a bought place keeps it or is at a school of her list;
//! - **no justified envy among movable children** (`round-envy`): a child is never refused a
//!   school she ranked above her outcome while it has a free seat or holds a child of strictly
//!   lower priority who is not keeping her earlier place there — counted by seat category where
//!   seats are reserved for migrant children: the keepers hold their places whatever the
//!   category, the reserved seats the migrant keepers leave go to the best migrant entrants,
//!   every other entrant holds an open seat; a non-migrant child envies only an entrant of lower
//!   priority in an open seat, a migrant child any entrant of lower priority, and a non-migrant
//!   entrant while the school holds fewer migrant children than reserved seats;
//! - **waitlist order** (`waitlist-order`): a child who entered a school in this round never
//!   passed a child of strictly higher priority still waiting for it;
//! - **minimality** (`fewest-moves`, when the fewest moves were asked for): on small instances
//!   (at most [`SEARCH_LIMIT`] assignments to try), an exhaustive search over every assignment of
//!   the choice stage that keeps the floors, the capacities and no justified envy finds none
//!   placing more children by choice, or as many with fewer moves. Larger instances get a note.

use super::priority::{Priority, Ranks};
use super::{CheckReport, Violation};
use crate::assign::Outcome;
use crate::domain::{ChildIdx, SchoolIdx};
use crate::scenario::Scenario;

/// The most assignments the minimality search tries.
pub const SEARCH_LIMIT: u64 = 100_000;

/// A child's options in the choice stage, as the search sees them.
struct Options {
    /// Listed schools she may move to, best first, with her priority there.
    up: Vec<(SchoolIdx, Priority)>,
    /// The public school she keeps if she does not move up.
    keep: Option<SchoolIdx>,
    /// Whether she held a place (public or bought) before the round.
    held: bool,
    /// Whether the place she keeps is one she won by choice.
    keep_choice: bool,
}

fn options(scenario: &Scenario, ranks: &Ranks, c: ChildIdx, before: Option<Outcome>) -> Options {
    let child = scenario.child(c);
    let above = match before {
        Some(Outcome::Choice { rank, .. }) => rank as usize - 1,
        _ => child.choices.len(),
    };
    Options {
        up: child.choices[..above]
            .iter()
            .filter_map(|&s| ranks.priority(c, s).map(|p| (s, p)))
            .collect(),
        keep: before.and_then(Outcome::public_school),
        keep_choice: matches!(before, Some(Outcome::Choice { .. })),
        held: matches!(
            before,
            Some(Outcome::Choice { .. } | Outcome::Coordinated { .. } | Outcome::Purchased { .. })
        ),
    }
}

/// Checks a round as the module says.
pub fn check_round(
    scenario: &Scenario,
    previous: &[Option<Outcome>],
    outcomes: &[Outcome],
    fewest_moves: bool,
) -> CheckReport {
    // The checker's own priorities, never the solver's ranking.
    let ranks = &Ranks::new(scenario);
    let mut v = Vec::new();
    let mut push = |rule: &'static str, message: String| v.push(Violation { rule, message });
    let n_s = scenario.schools.len();
    let mut filled = vec![0u32; n_s];
    let mut kept = vec![0u32; n_s];
    let mut bought = vec![0u32; scenario.private_schools.len()];
    let mut cost = 0u64;
    for c in scenario.child_indices() {
        let (before, now) = (previous[c.ix()], outcomes[c.ix()]);
        if let Some(s) = now.public_school() {
            filled[s.ix()] += 1;
            if before.and_then(Outcome::public_school) == Some(s) {
                kept[s.ix()] += 1;
            }
        }
        if let Outcome::Purchased { school } = now {
            bought[school.ix()] += 1;
            cost += scenario.private_school(school).cost_per_seat();
        }
        if let Outcome::Choice { school, rank } = now {
            if scenario.child(c).choices.get(rank as usize - 1) != Some(&school) {
                push(
                    "once",
                    format!(
                        "child {} is placed at {} as her choice {rank}, which it is not",
                        scenario.child(c).id,
                        scenario.school(school).id
                    ),
                );
            }
        }
        if !no_worse(before, now) {
            push(
                "floor",
                format!(
                    "child {} is worse off than before the round",
                    scenario.child(c).id
                ),
            );
        }
    }
    for s in scenario.school_indices() {
        let seats = scenario.school(s).seats.max(kept[s.ix()]);
        if filled[s.ix()] > seats {
            push(
                "capacity",
                format!(
                    "public school {} holds {} children for {} seats",
                    scenario.school(s).id,
                    filled[s.ix()],
                    seats
                ),
            );
        }
    }
    for p in scenario.private_indices() {
        let ps = scenario.private_school(p);
        if bought[p.ix()] > ps.purchasable_seats {
            push(
                "capacity",
                format!(
                    "private school {} has {} bought places of {} purchasable",
                    ps.id,
                    bought[p.ix()],
                    ps.purchasable_seats
                ),
            );
        }
    }
    if cost > scenario.budget_yuan {
        push(
            "budget",
            format!(
                "the bought places cost {cost} yuan, over the budget of {}",
                scenario.budget_yuan
            ),
        );
    }
    let seats = Categories::new(scenario, ranks, previous, outcomes);
    for c in scenario.child_indices() {
        let child = scenario.child(c);
        let above = match outcomes[c.ix()] {
            Outcome::Choice { rank, .. } => rank as usize - 1,
            _ => child.choices.len(),
        };
        for &s in &child.choices[..above.min(child.choices.len())] {
            let Some(mine) = ranks.priority(c, s) else {
                continue;
            };
            let school = scenario.school(s);
            if filled[s.ix()] < school.seats {
                push("round-envy", format!("child {} was refused {}, which she ranked higher, while it has a free seat", child.id, school.id));
            } else if let Some(d) = seats.passed_over(s, mine, child.is_migrant()) {
                push("waitlist-order", format!("child {} was passed over at {}, which she ranked higher, by child {} of lower priority who entered it in this round", child.id, school.id, scenario.child(d).id));
            } else if child.is_migrant() && seats.reserved_to_others(s) {
                push("waitlist-order", format!("child {} was refused {}, which she ranked higher, while a seat reserved for migrant children went to a non-migrant child who entered it in this round", child.id, school.id));
            }
        }
    }
    let mut notes = Vec::new();
    if fewest_moves {
        minimality(scenario, ranks, previous, outcomes, &mut push, &mut notes);
    }
    CheckReport {
        children: scenario.children.len(),
        violations: v,
        notes,
    }
}

/// Each school's seats after the round by category: the children keeping their place there
/// hold theirs whatever their category; of the reserved seats, those the migrant keepers do not
/// hold go to the best migrant children who entered in this round; every other entrant holds
/// an open seat.
struct Categories {
    /// Per school, the worst entrant in an open seat (priority, child).
    worst_open: Vec<Option<(Priority, ChildIdx)>>,
    /// Per school, the worst migrant entrant, in a reserved or an open seat.
    worst_migrant: Vec<Option<(Priority, ChildIdx)>>,
    /// Per school, whether it holds fewer migrant children (keepers included) than reserved
    /// seats while a non-migrant entrant holds a seat.
    reserved_to_others: Vec<bool>,
}

impl Categories {
    fn new(
        scenario: &Scenario,
        ranks: &Ranks,
        previous: &[Option<Outcome>],
        outcomes: &[Outcome],
    ) -> Categories {
        let n_s = scenario.schools.len();
        let mut migrant_keepers = vec![0u32; n_s];
        let mut entrants: Vec<Vec<(Priority, ChildIdx, bool)>> = vec![Vec::new(); n_s];
        for c in scenario.child_indices() {
            let Some(s) = outcomes[c.ix()].public_school() else {
                continue;
            };
            let migrant = scenario.child(c).is_migrant();
            if previous[c.ix()].and_then(Outcome::public_school) == Some(s) {
                migrant_keepers[s.ix()] += u32::from(migrant);
            } else {
                let p = ranks.priority(c, s).unwrap_or(Priority::WORST);
                entrants[s.ix()].push((p, c, migrant));
            }
        }
        let mut worst_open = vec![None; n_s];
        let mut worst_migrant = vec![None; n_s];
        let mut reserved_to_others = vec![false; n_s];
        for (s, mut list) in entrants.into_iter().enumerate() {
            list.sort_unstable();
            let mut reserved_left = scenario.schools[s]
                .reserved_migrant
                .saturating_sub(migrant_keepers[s]);
            let migrants = list.iter().filter(|e| e.2).count() as u32;
            reserved_to_others[s] = migrants < reserved_left && list.iter().any(|e| !e.2);
            for &(p, c, migrant) in &list {
                if migrant {
                    worst_migrant[s] = Some((p, c));
                    if reserved_left > 0 {
                        reserved_left -= 1;
                        continue;
                    }
                }
                worst_open[s] = Some((p, c));
            }
        }
        Categories {
            worst_open,
            worst_migrant,
            reserved_to_others,
        }
    }

    /// The entrant of lower priority than `mine` whom a child refused at `s` may displace: in
    /// an open seat, or — for a migrant child — any migrant entrant.
    fn passed_over(&self, s: SchoolIdx, mine: Priority, migrant: bool) -> Option<ChildIdx> {
        let worse = |w: Option<(Priority, ChildIdx)>| w.filter(|&(p, _)| p > mine).map(|w| w.1);
        worse(self.worst_open[s.ix()])
            .or_else(|| migrant.then(|| worse(self.worst_migrant[s.ix()])).flatten())
    }

    /// Whether a reserved seat of `s` went to a non-migrant entrant while too few migrant
    /// children hold reserved seats.
    fn reserved_to_others(&self, s: SchoolIdx) -> bool {
        self.reserved_to_others[s.ix()]
    }
}

/// Whether `now` is at least as good for the child as `before`.
fn no_worse(before: Option<Outcome>, now: Outcome) -> bool {
    match (before, now) {
        (None | Some(Outcome::Unplaced { .. }), _) => true,
        (
            Some(Outcome::Choice {
                rank: r0,
                school: s0,
            }),
            Outcome::Choice { rank, school },
        ) => rank < r0 || (rank == r0 && school == s0),
        (Some(Outcome::Choice { .. }), _) => false,
        (Some(Outcome::Coordinated { school: s0 }), Outcome::Coordinated { school }) => {
            s0 == school
        }
        (Some(Outcome::Coordinated { .. }), Outcome::Choice { .. }) => true,
        (Some(Outcome::Coordinated { .. }), _) => false,
        (Some(Outcome::Purchased { school: p0 }), Outcome::Purchased { school }) => p0 == school,
        (Some(Outcome::Purchased { .. }), Outcome::Choice { .. }) => true,
        (Some(Outcome::Purchased { .. }), _) => false,
    }
}

/// The exhaustive search for a better choice stage, on small instances.
fn minimality(
    scenario: &Scenario,
    ranks: &Ranks,
    previous: &[Option<Outcome>],
    outcomes: &[Outcome],
    push: &mut impl FnMut(&'static str, String),
    notes: &mut Vec<String>,
) {
    let opts: Vec<Options> = scenario
        .child_indices()
        .map(|c| options(scenario, ranks, c, previous[c.ix()]))
        .collect();
    let active: Vec<usize> = (0..opts.len())
        .filter(|&c| !opts[c].up.is_empty())
        .collect();
    let mut space: u64 = 1;
    for &c in &active {
        space = space.saturating_mul(opts[c].up.len() as u64 + 1);
    }
    if space > SEARCH_LIMIT {
        notes.push(format!(
            "minimality not searched: {space} assignments exceed the search limit of {SEARCH_LIMIT}"
        ));
        return;
    }
    let placed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Choice { .. }))
        .count();
    let moves = (0..opts.len())
        .filter(|&c| opts[c].held && Some(outcomes[c]) != previous[c])
        .count();
    // Every child starts at "not moving up" (`STAY`); choice[i] = k < up.len() moves active[i]
    // up. The marker is no index, so it can never be confused with one (a child may list more
    // schools than there are children).
    const STAY: usize = usize::MAX;
    let mut choice = vec![STAY; active.len()];
    let mut pick = vec![None::<usize>; opts.len()];
    let mut best: Option<(usize, usize)> = None;
    loop {
        for (i, &c) in active.iter().enumerate() {
            pick[c] = (choice[i] < opts[c].up.len()).then_some(choice[i]);
        }
        if let Some(score) = stable(scenario, &opts, &pick) {
            if best.is_none_or(|b| score.0 > b.0 || (score.0 == b.0 && score.1 < b.1)) {
                best = Some(score);
            }
        }
        // Next assignment (odometer).
        let mut i = 0;
        loop {
            if i == active.len() {
                if let Some((bp, bm)) = best {
                    if bp > placed || (bp == placed && bm < moves) {
                        push("fewest-moves", format!("an assignment keeping every floor without justified envy places {bp} children by choice with {bm} moves; the round places {placed} with {moves}"));
                    }
                }
                return;
            }
            let c = active[i];
            choice[i] = if choice[i] == STAY { 0 } else { choice[i] + 1 };
            if choice[i] < opts[c].up.len() {
                break;
            }
            choice[i] = STAY;
            i += 1;
        }
    }
}

/// `(placed by choice, moves)` of a choice stage where child `c` moves up to `up[pick[c]]` or
/// keeps her place, if it keeps the capacities and leaves no justified envy; else `None`.
fn stable(scenario: &Scenario, opts: &[Options], pick: &[Option<usize>]) -> Option<(usize, usize)> {
    let n_s = scenario.schools.len();
    let mut at: Vec<Vec<(bool, Priority)>> = vec![Vec::new(); n_s];
    let mut keepers = vec![0u32; n_s];
    let mut placed = 0;
    let mut moves = 0;
    for (c, o) in opts.iter().enumerate() {
        match pick[c] {
            Some(k) => {
                let (s, p) = o.up[k];
                at[s.ix()].push((false, p));
                if o.held {
                    moves += 1;
                }
                placed += 1;
            }
            None => {
                if let Some(s) = o.keep {
                    // A keeper is never compared (`keeps` is checked first): any priority will do.
                    at[s.ix()].push((true, Priority::WORST));
                    keepers[s.ix()] += 1;
                }
            }
        }
    }
    // Children keeping a place won by choice are placed by choice too.
    placed += opts
        .iter()
        .enumerate()
        .filter(|(c, o)| pick[*c].is_none() && o.keep_choice)
        .count();
    for ((school, here), &keep) in scenario.schools.iter().zip(&at).zip(&keepers) {
        if here.len() > school.seats.max(keep) as usize {
            return None;
        }
    }
    for (c, o) in opts.iter().enumerate() {
        let better = pick[c].unwrap_or(o.up.len());
        for &(s, mine) in &o.up[..better] {
            let here = &at[s.ix()];
            let seats = scenario.school(s).seats as usize;
            if here.len() < seats || here.iter().any(|&(keeps, p)| !keeps && p > mine) {
                return None;
            }
        }
    }
    Some((placed, moves))
}
