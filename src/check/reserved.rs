//! Reserved seats: which children of a school hold its seats reserved for migrant children.
//!
//! At a school with `reserved` seats kept for migrant children, the reserved seats are held by
//! its best `min(reserved, migrants)` migrant children by priority there, and everyone else
//! holds an open seat. From that split (one pass over the children, sorting each such school's
//! list) this module says when refusing a child the school is justified envy within her seat
//! category: a migrant child is wronged if a reserved seat went to a non-migrant child (the
//! school holds fewer migrant children than reserved seats) or if the school holds a child of
//! lower priority; a non-migrant child only if an open seat holds a child of lower priority.
//! [`super::envy`] applies it to every refused choice.

use super::priority::{Priority, Ranks};
use super::WORST;
use crate::assign::Outcome;
use crate::domain::SchoolIdx;
use crate::scenario::Scenario;

/// How a school with reserved seats filled them: its migrant children, and the worst priority
/// in an open seat.
pub(super) struct QuotaView {
    migrants: u32,
    worst_open: Option<Priority>,
}

impl QuotaView {
    /// Why refusing a child of priority `mine` here is justified envy, if it is; `worst` is the
    /// worst priority the school holds.
    pub fn refusal(
        &self,
        migrant: bool,
        reserved: u32,
        worst: Option<Priority>,
        mine: Priority,
    ) -> Option<&'static str> {
        if migrant {
            if self.migrants < reserved {
                Some("while a seat reserved for migrant children went to a non-migrant child")
            } else if worst.is_some_and(|w| w > mine) {
                Some("while it holds a child of lower priority")
            } else {
                None
            }
        } else if self.worst_open.is_some_and(|w| w > mine) {
            Some("while it holds a child of lower priority in an open seat")
        } else {
            None
        }
    }
}

/// Per public school, how its reserved seats were filled (`None` where none are reserved).
pub(super) struct Quotas(Vec<Option<QuotaView>>);

impl Quotas {
    /// Splits the children of every school with reserved seats into reserved and open seats.
    pub fn new(scenario: &Scenario, ranks: &Ranks, outcomes: &[Outcome]) -> Self {
        let mut held: Vec<Vec<(Priority, bool)>> = vec![Vec::new(); scenario.schools.len()];
        for c in scenario.child_indices() {
            if let Some(s) = outcomes[c.ix()].public_school() {
                if scenario.school(s).reserved_migrant > 0 {
                    let p = ranks.priority(c, s).unwrap_or(WORST);
                    held[s.ix()].push((p, scenario.child(c).is_migrant()));
                }
            }
        }
        let views = scenario
            .school_indices()
            .map(|s| {
                let reserved = scenario.school(s).reserved_migrant;
                if reserved == 0 {
                    return None;
                }
                let list = &mut held[s.ix()];
                list.sort_unstable();
                let mut in_reserved = 0;
                let mut worst_open = None;
                for &(p, migrant) in list.iter() {
                    if migrant && in_reserved < reserved {
                        in_reserved += 1;
                    } else {
                        worst_open = Some(p);
                    }
                }
                Some(QuotaView {
                    migrants: list.iter().filter(|x| x.1).count() as u32,
                    worst_open,
                })
            })
            .collect();
        Quotas(views)
    }

    /// The split at school `s`, if it reserves seats.
    pub fn at(&self, s: SchoolIdx) -> Option<&QuotaView> {
        self.0[s.ix()].as_ref()
    }
}
