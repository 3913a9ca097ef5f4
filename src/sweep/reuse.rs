//! What a sweep point reuses of its base scenario's work instead of doing it again.
//!
//! The base is loaded, validated and fingerprinted once per sweep ([`super::run::load`]); a
//! point copies it, applies its edits and re-checks only the rules those edits can break
//! ([`super::apply`]). Ranking the children is the next piece of work a point can often skip:
//! points, gates and tiers depend only on the children and the policy, and the lottery, the
//! master lists and the fallback order on those and the seed. So a point whose edits change only
//! seats, the budget or subsidies takes the base's ranking as it is, one that also changes the
//! seed keeps its points, gates and tiers and draws the rest again ([`Ranking::reseeded`]), and
//! any other point (weights, the tie rule, demand, migrant shares) ranks its children from
//! scratch. Each case gives exactly the ranking [`Ranking::compute`] would, so the outputs are
//! the same bytes either way (tested against points solved from scratch). The base's ranking is
//! computed once, by the first point that needs it, and shared by every thread.

use std::sync::OnceLock;

use crate::ranking::Ranking;
use crate::scenario::{Edit, Scenario};

/// How much of the base's ranking a point keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankingReuse {
    /// All of it: the point changes neither the children, the policy nor the seed.
    Whole,
    /// Points, gates and tiers: the point changes the seed, but no child and not the policy.
    Reseeded,
    /// None: the point changes a child or the policy, or adds a school.
    None,
}

/// What the point made by `edits` from `base` can keep of the base's ranking.
pub fn ranking_reuse(base: &Scenario, edits: &[Edit]) -> RankingReuse {
    let mut reuse = RankingReuse::Whole;
    for edit in edits {
        match edit {
            Edit::Seed(seed) if *seed == base.seed() => {}
            Edit::Seed(_) => reuse = RankingReuse::Reseeded,
            Edit::BudgetYuan(_) | Edit::SchoolSeats { .. } | Edit::SubsidyYuan { .. } => {}
            Edit::AddSchool(_)
            | Edit::Indicator { .. }
            | Edit::TieRule(_)
            | Edit::ChildFact { .. }
            | Edit::Hukou { .. }
            | Edit::RemoveChildren(_)
            | Edit::AddChildren(_) => return RankingReuse::None,
        }
    }
    reuse
}

/// The ranking of `point`, a scenario made from `base` by `edits`, given the base's ranking
/// (`of_base`, called only if the edits let the point keep it): kept whole or reseeded where the
/// edits allow, else computed afresh. A what-if whose base is already solved passes its ranking.
pub fn point_ranking<'a>(
    base: &Scenario,
    of_base: impl FnOnce() -> &'a Ranking,
    point: &Scenario,
    edits: &[Edit],
) -> Ranking {
    match ranking_reuse(base, edits) {
        RankingReuse::Whole => of_base().clone(),
        RankingReuse::Reseeded => of_base().reseeded(point),
        RankingReuse::None => Ranking::compute(point),
    }
}

/// The work of the base scenario that points share, computed when first needed.
#[derive(Clone, Default)]
pub struct BaseWork {
    ranking: OnceLock<Ranking>,
}

impl std::fmt::Debug for BaseWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BaseWork")
            .field("ranking", &self.ranking.get().map(|_| "computed"))
            .finish()
    }
}

impl BaseWork {
    /// The ranking of `point`, a scenario made from `base` by `edits`: the base's (computed
    /// once) kept whole or reseeded where the edits allow, else computed afresh.
    pub fn ranking(&self, base: &Scenario, point: &Scenario, edits: &[Edit]) -> Ranking {
        point_ranking(base, || self.base_ranking(base), point, edits)
    }

    fn base_ranking(&self, base: &Scenario) -> &Ranking {
        self.ranking.get_or_init(|| Ranking::compute(base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ChildIdx, PrivateIdx, SchoolIdx};
    use crate::policy::TieRule;

    fn county() -> Scenario {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/county/scenario.toml");
        crate::input::load(&path)
            .expect("the shipped county loads")
            .scenario
    }

    /// Rankings compared in every field (`Ranking` has no `PartialEq`; its `Debug` shows all).
    fn same(a: &Ranking, b: &Ranking) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn each_edit_keeps_what_it_leaves_unchanged() {
        let base = county();
        let reuse = |edits: &[Edit]| ranking_reuse(&base, edits);
        let seats = Edit::SchoolSeats {
            school: SchoolIdx(0),
            seats: 1,
            reserved_migrant: 0,
        };
        let subsidy = Edit::SubsidyYuan {
            school: PrivateIdx(0),
            yuan: 1,
        };
        let same_seed = Edit::Seed(base.seed());
        let other_seed = Edit::Seed(base.seed() + 1);
        assert_eq!(reuse(&[]), RankingReuse::Whole);
        assert_eq!(
            reuse(&[
                same_seed.clone(),
                seats.clone(),
                Edit::BudgetYuan(0),
                subsidy
            ]),
            RankingReuse::Whole
        );
        assert_eq!(
            reuse(&[seats.clone(), other_seed.clone()]),
            RankingReuse::Reseeded
        );
        for edit in [
            Edit::TieRule(TieRule::KeepTies),
            Edit::Hukou {
                child: ChildIdx(0),
                district: None,
            },
            Edit::RemoveChildren(vec![ChildIdx(0)]),
            Edit::AddChildren(Vec::new()),
            Edit::AddSchool(base.schools()[0].clone()),
        ] {
            assert_eq!(
                reuse(&[other_seed.clone(), seats.clone(), edit.clone()]),
                RankingReuse::None,
                "{edit:?}"
            );
        }
    }

    #[test]
    fn a_reused_ranking_is_the_one_computed_from_scratch() {
        let base = county();
        let work = BaseWork::default();
        let cases: [Vec<Edit>; 3] = [
            vec![
                Edit::Seed(base.seed()),
                Edit::SchoolSeats {
                    school: SchoolIdx(3),
                    seats: 0,
                    reserved_migrant: 0,
                },
            ],
            vec![Edit::Seed(base.seed() ^ 0x5eed), Edit::BudgetYuan(0)],
            vec![
                Edit::Seed(7),
                Edit::Hukou {
                    child: ChildIdx(5),
                    district: None,
                },
            ],
        ];
        for edits in cases {
            let point = base.edited(&edits).expect("valid edits");
            let reused = work.ranking(&base, &point, &edits);
            assert!(
                same(&reused, &Ranking::compute(&point)),
                "{edits:?} ({:?})",
                ranking_reuse(&base, &edits)
            );
        }
        // The seed reaches the lottery: a reseeded ranking is not the base's.
        let point = base.edited(&[Edit::Seed(base.seed() ^ 0x5eed)]).unwrap();
        assert!(!same(
            &work.ranking(&base, &point, &[Edit::Seed(base.seed() ^ 0x5eed)]),
            &Ranking::compute(&base)
        ));
    }
}
