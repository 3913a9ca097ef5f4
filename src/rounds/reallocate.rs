//! The reallocation of a later round: deferred acceptance with floors, then the fallback stages.
//!
//! Every child placed in the earlier round holds a *floor*: the place she has. Her applications
//! in this round are the schools of her list she ranks above that place, best first, and then —
//! if the place is a public school — the place itself, at which she holds the first priority (no
//! one can take it from her). Children placed by choice apply only above their school;
//! coordinated children and children bought a private place apply to every school of their
//! list; unplaced and late children have no floor and apply to their whole list. One
//! child-proposing deferred acceptance ([`crate::assign::da`], plain strict priority) then runs
//! over these lists: a seat freed by a decline or a seat change goes to the first child on its
//! waitlist who is not held by a school she prefers, a child who moves frees her seat in turn
//! (a chain), and late applicants compete by the same priorities. Each school's capacity is the
//! larger of its seats and the floors it holds, so floors are never refused.
//!
//! The children the choice stage leaves without a school keep their floor — a coordinated seat
//! or a bought place — or, if they have none, go to the fallback stages of the first round:
//! coordinated placement ([`crate::assign::fallback`]) in the seats still spare, then purchased
//! places ([`crate::assign::purchase`]) in the private seats and budget the kept bought places
//! leave.
//!
//! With strict priorities this is the child-optimal assignment among those that respect the
//! floors and leave no justified envy towards a child who does not hold her floor there; with
//! kept ties, ties are broken by the fallback order. [`super::fewest_moves`] replaces the
//! deferred acceptance when the bureau asks for the fewest moves.

use crate::assign::da::deferred_acceptance;
use crate::assign::{
    fallback, purchase, Applicants, Application, Outcome, PurchaseReport, UnplacedReason,
};
use crate::domain::{PrivateIdx, SchoolIdx};
use crate::error::SolveError;
use crate::ranking::{Priority, Ranking};
use crate::scenario::Scenario;

/// The place a child holds from the earlier round, below which she cannot be moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// No place: unplaced, or a late applicant.
    None,
    /// Admitted by choice to `school`, her `rank`-th choice.
    Choice {
        /// The school.
        school: SchoolIdx,
        /// Its rank in her list, 1-based.
        rank: u8,
    },
    /// Coordinated into a public school.
    Coordinated {
        /// The school.
        school: SchoolIdx,
    },
    /// A bought private place.
    Purchased {
        /// The private school.
        school: PrivateIdx,
    },
}

impl Floor {
    /// The floor of a child whose earlier outcome was `previous` (`None` for a late applicant).
    pub fn of(previous: Option<Outcome>) -> Floor {
        match previous {
            Some(Outcome::Choice { school, rank }) => Floor::Choice { school, rank },
            Some(Outcome::Coordinated { school }) => Floor::Coordinated { school },
            Some(Outcome::Purchased { school }) => Floor::Purchased { school },
            Some(Outcome::Unplaced { .. }) | None => Floor::None,
        }
    }

    /// The public school of the floor, if it is one.
    pub fn public_school(self) -> Option<SchoolIdx> {
        match self {
            Floor::Choice { school, .. } | Floor::Coordinated { school } => Some(school),
            _ => None,
        }
    }

    /// The floor as the outcome it was.
    fn outcome(self) -> Option<Outcome> {
        match self {
            Floor::None => None,
            Floor::Choice { school, rank } => Some(Outcome::Choice { school, rank }),
            Floor::Coordinated { school } => Some(Outcome::Coordinated { school }),
            Floor::Purchased { school } => Some(Outcome::Purchased { school }),
        }
    }
}

/// The choice stage of a round: each child's applications above her floor, then her public
/// floor (strict key 0: first priority there), and capacities that hold every floor.
#[derive(Debug, Clone)]
pub struct FloorLists {
    /// The applications and capacities, as the one deferred acceptance reads them. Keys of real
    /// applications are shifted up by one so that key 0 is the floor's alone.
    pub applicants: Applicants,
    /// Per child, whether her last application is her floor.
    pub floor_last: Vec<bool>,
}

impl FloorLists {
    /// The lists of every child of `scenario` with `floors` (one per child).
    pub fn build(scenario: &Scenario, ranking: &Ranking, floors: &[Floor]) -> FloorLists {
        let mut applicants = Applicants::build(scenario, ranking);
        let mut floor_last = vec![false; floors.len()];
        let mut floors_at = vec![0u32; scenario.schools.len()];
        for (c, list) in applicants.lists.iter_mut().enumerate() {
            let above = match floors[c] {
                Floor::Choice { rank, .. } => rank - 1,
                _ => u8::MAX,
            };
            list.retain(|a| a.choice < above);
            for a in list.iter_mut() {
                a.key += 1;
            }
            if let Some(school) = floors[c].public_school() {
                floors_at[school.ix()] += 1;
                floor_last[c] = true;
                list.push(Application {
                    school,
                    choice: above,
                    priority: Priority { tier: 0, class: 0 },
                    key: 0,
                });
            }
        }
        for (cap, held) in applicants.capacity.iter_mut().zip(&floors_at) {
            *cap = (*cap).max(*held);
        }
        FloorLists {
            applicants,
            floor_last,
        }
    }

    /// Per child, the choice-stage outcome of the list position she was admitted at, or her
    /// floor or nothing.
    pub fn outcomes(&self, floors: &[Floor], admitted: &[Option<u8>]) -> Vec<Option<Outcome>> {
        admitted
            .iter()
            .enumerate()
            .map(|(c, pos)| match pos {
                Some(p) => {
                    let list = &self.applicants.lists[c];
                    if self.floor_last[c] && *p as usize + 1 == list.len() {
                        floors[c].outcome()
                    } else {
                        let a = list[*p as usize];
                        Some(Outcome::Choice {
                            school: a.school,
                            rank: a.choice + 1,
                        })
                    }
                }
                // A bought place is kept when nothing better was won.
                None => match floors[c] {
                    Floor::Purchased { school } => Some(Outcome::Purchased { school }),
                    _ => None,
                },
            })
            .collect()
    }
}

/// What the reallocation did.
#[derive(Debug, Clone)]
pub struct Reallocated {
    /// One outcome per child of the round's scenario.
    pub outcomes: Vec<Outcome>,
    /// The purchase stage of this round (new bought places only).
    pub purchase: PurchaseReport,
    /// The cost of every bought place held after the round (kept and new), in yuan.
    pub spent_yuan: u64,
}

/// The features a round cannot handle without the bureau's choice, refused before anything
/// runs (`docs/rounds.md`, "Scope").
pub fn refuse_unsupported(
    scenario: &Scenario,
    settings: super::RoundSettings,
) -> Result<(), SolveError> {
    if !settings.siblings_apart && scenario.children.iter().any(|c| c.sibling_group.is_some()) {
        return Err(SolveError::RoundUnsupported {
            feature: "joint applications of siblings",
            why: "a freed seat could not go down the waitlist to one sibling without splitting the family or holding the seat back for a second one, and which to do is the bureau's rule; --siblings-apart lets each sibling move up on her own, keeping her place as a floor",
        });
    }
    if settings.fewest_moves && scenario.schools.iter().any(|s| s.reserved_migrant > 0) {
        return Err(SolveError::RoundUnsupported {
            feature: "seats reserved for migrant children with --fewest-moves",
            why: "the integer program of the fewest moves has no seat categories; without --fewest-moves the round keeps them (deferred acceptance with floors and reserved seats)",
        });
    }
    Ok(())
}

/// The choice stage by deferred acceptance with floors: per child, the admitted list position.
/// Where seats are reserved for migrant children, the schools choose by
/// [`super::reserved`]'s rule.
pub fn choice_stage_da(lists: &FloorLists) -> Vec<Option<u8>> {
    if lists.applicants.reserved.iter().any(|&r| r > 0) {
        super::reserved::deferred_acceptance_with_floors(&lists.applicants)
    } else {
        deferred_acceptance(&lists.applicants)
    }
}

/// The fallback stages after a round's choice stage `chosen` (one outcome or none per child):
/// coordinated placement in the seats still spare, then bought places with what the kept bought
/// places leave of the private seats and the budget.
pub fn fallback_stages(
    scenario: &Scenario,
    ranking: &Ranking,
    mut chosen: Vec<Option<Outcome>>,
) -> Reallocated {
    fallback::coordinate(scenario, ranking, &mut chosen);
    let mut parts = scenario.to_parts();
    let mut kept_yuan = 0u64;
    for o in chosen.iter().flatten() {
        if let Outcome::Purchased { school } = *o {
            let p = &mut parts.private_schools[school.ix()];
            p.purchasable_seats = p.purchasable_seats.saturating_sub(1);
            kept_yuan += p.cost_per_seat();
        }
    }
    parts.budget_yuan = parts.budget_yuan.saturating_sub(kept_yuan);
    // Fewer seats and a smaller budget keep every rule of a valid scenario.
    let left = Scenario::new(parts).expect("fewer private seats and budget stay valid");
    let report = purchase::purchase(&left, ranking, &mut chosen);
    // The kept bought places still fill their schools: a school they fill is in reach, full.
    let any_in_reach = purchase::any_in_reach(scenario);
    for (c, o) in chosen.iter_mut().enumerate() {
        if let Some(Outcome::Unplaced { reason }) = o {
            if *reason == UnplacedReason::NoPrivateInReach
                && any_in_reach(crate::domain::ChildIdx(c as u32))
            {
                *reason = UnplacedReason::PrivateSeatsFull;
            }
        }
    }
    Reallocated {
        outcomes: chosen
            .into_iter()
            .map(|o| o.expect("the purchase stage settles every child"))
            .collect(),
        spent_yuan: kept_yuan + report.cost_yuan,
        purchase: report,
    }
}
