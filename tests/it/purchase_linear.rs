//! The purchase stage's algorithm (Dijkstra with potentials per pool, pools in parallel) against
//! its former one (label-correcting search, kept as the oracle) on random stages: budget-bound,
//! seat-bound and reach-bound, with ties in price and distance; and the same verdicts on any
//! number of threads.

use proptest::prelude::*;

use seatplan::internals::{
    buy_places, buy_places_oracle, buy_places_with, PurchaseInstance, PurchaseVerdict,
};

/// A random stage: `schools` private schools (school `p` in district `p % districts`) with
/// seats from `seats`, children each in a random district with a random reach among its
/// schools (possibly empty), prices from `prices`, metres below `metres`.
fn stage(
    schools: std::ops::Range<usize>,
    seats: std::ops::Range<u32>,
    districts: usize,
    children: std::ops::Range<usize>,
    prices: Vec<i64>,
    metres: i64,
) -> impl Strategy<Value = PurchaseInstance> {
    schools
        .prop_flat_map(move |n| {
            (
                proptest::collection::vec(
                    (proptest::sample::select(prices.clone()), seats.clone()),
                    n,
                ),
                proptest::collection::vec(
                    (
                        0..districts,
                        proptest::collection::vec((any::<bool>(), 0..metres), n),
                    ),
                    children.clone(),
                ),
                0.0f64..1.2,
            )
        })
        .prop_map(move |(schools, kids, budget_share)| {
            let full: i64 = schools.iter().map(|&(y, s)| y * i64::from(s)).sum();
            let mut inst = PurchaseInstance::new(
                schools.iter().map(|s| s.0).collect(),
                schools.iter().map(|s| s.1).collect(),
                (full as f64 * budget_share) as i64,
            );
            for (district, kid) in kids {
                inst.push_child(
                    kid.iter()
                        .enumerate()
                        .filter(|(p, (reach, _))| {
                            *reach && schools[*p].1 > 0 && *p % districts == district
                        })
                        .map(|(p, &(_, m))| (p as u32, m as u32)),
                );
            }
            inst
        })
}

/// The verdicts with the school left out, and the totals (yuan, metres) of the bought places.
fn summary(inst: &PurchaseInstance, v: &[PurchaseVerdict]) -> (Vec<u8>, i64, i64) {
    let mut kinds = Vec::new();
    let (mut yuan, mut metres) = (0, 0);
    for (slot, verdict) in v.iter().enumerate() {
        kinds.push(match verdict {
            PurchaseVerdict::Bought(p) => {
                yuan += inst.yuan[*p as usize];
                metres += i64::from(
                    inst.reach(slot)
                        .iter()
                        .find(|r| r.0 == *p)
                        .expect("bought in reach")
                        .1,
                );
                0
            }
            PurchaseVerdict::NoSchoolInReach => 1,
            PurchaseVerdict::SeatsFull => 2,
            PurchaseVerdict::BudgetExhausted => 3,
        });
    }
    (kinds, yuan, metres)
}

/// Every bought place is in reach, no school above its seats, the budget kept.
fn feasible(inst: &PurchaseInstance, v: &[PurchaseVerdict]) -> Result<(), TestCaseError> {
    let mut load = vec![0u32; inst.seats.len()];
    let mut spent = 0;
    for (slot, verdict) in v.iter().enumerate() {
        if let PurchaseVerdict::Bought(p) = verdict {
            prop_assert!(inst.reach(slot).iter().any(|r| r.0 == *p));
            load[*p as usize] += 1;
            spent += inst.yuan[*p as usize];
        }
        if inst.reach(slot).is_empty() {
            prop_assert_eq!(*verdict, PurchaseVerdict::NoSchoolInReach);
        }
    }
    for (l, s) in load.iter().zip(&inst.seats) {
        prop_assert!(l <= s);
    }
    prop_assert!(spent <= inst.budget);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// With many equal prices and distances: the same children bought, the same reasons, the
    /// same least totals; the places themselves may differ only between equally good ones.
    #[test]
    fn ties_give_the_oracles_verdicts_and_totals(
        inst in stage(1..6, 0..4, 1, 0..16, vec![0, 500, 1000], 3)
    ) {
        let new = buy_places(&inst);
        let old = buy_places_oracle(&inst);
        feasible(&inst, &new)?;
        prop_assert_eq!(summary(&inst, &new), summary(&inst, &old));
    }

    /// With distinct distances (a unique least-cost assignment): exactly the oracle's places.
    #[test]
    fn distinct_distances_give_the_oracles_places(
        inst in stage(1..7, 0..4, 2, 0..20, vec![5000, 5500, 6000, 7000], 1_000_000_000)
    ) {
        let new = buy_places(&inst);
        feasible(&inst, &new)?;
        prop_assert_eq!(new, buy_places_oracle(&inst));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Schools holding many children each, children reaching many schools (the pool keeps a
    /// school's children in blocks of 8, a moved child's place left empty for the next, and
    /// recomputes a block's entries one by one, from the dense table of distances or, with no
    /// table, from each child's reach): exactly the oracle's places with distinct distances,
    /// the oracle's verdicts and totals with tied ones.
    #[test]
    fn schools_holding_many_children_give_the_oracles_places(
        inst in stage(16..24, 16..40, 1, 300..700, vec![5000, 5500, 6000], 1_000_000_000),
        tied in stage(16..24, 16..40, 1, 300..700, vec![0, 500], 4),
    ) {
        let new = buy_places(&inst);
        feasible(&inst, &new)?;
        prop_assert_eq!(&new, &buy_places_with(&inst, 0));
        prop_assert_eq!(new, buy_places_oracle(&inst));
        let new = buy_places(&tied);
        feasible(&tied, &new)?;
        prop_assert_eq!(&new, &buy_places_with(&tied, 0));
        prop_assert_eq!(summary(&tied, &new), summary(&tied, &buy_places_oracle(&tied)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Stages long enough to be walked in parallel windows: the oracle's places on one thread
    /// and on four.
    #[test]
    fn long_stages_agree_on_any_thread_count(
        inst in stage(4..12, 0..150, 3, 600..900, vec![5000, 5500, 6000], 1_000_000_000)
    ) {
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool")
                .install(|| buy_places(&inst))
        };
        let one = run(1);
        prop_assert_eq!(&one, &run(4));
        prop_assert_eq!(one, buy_places_oracle(&inst));
    }
}
