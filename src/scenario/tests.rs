//! The constructor refuses parts that break a rule, naming the entity and field, and edits are
//! checked the same way.

use std::path::Path;

use super::*;
use crate::domain::{ChildIdx, SchoolIdx};
use crate::policy::TieRule;

fn tiny(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/tiny")
        .join(name)
        .join("scenario.toml");
    crate::input::load(&path).unwrap().scenario
}

fn problems(parts: ScenarioParts) -> Vec<Problem> {
    Scenario::new(parts).unwrap_err().problems
}

#[test]
fn a_loaded_scenario_rebuilds_from_its_parts() {
    let sc = tiny("two-schools");
    let again = Scenario::new(sc.to_parts()).unwrap();
    assert_eq!(again.children(), sc.children());
    assert_eq!(again.schools(), sc.schools());
}

#[test]
fn a_choice_of_a_school_that_does_not_exist_is_refused() {
    let mut parts = tiny("two-schools").into_parts();
    let n = parts.schools.len() as u32;
    let mut choices = parts.children[1].choices.to_vec();
    choices.push(SchoolIdx(n));
    parts.children[1].choices = choices.into();
    assert_eq!(
        problems(parts),
        [Problem::Field {
            entity: Entity::Choice {
                child: ChildIdx(1),
                position: 2,
            },
            field: "school",
            message: format!("public school #{n} does not exist (there are {n})"),
        }]
    );
}

#[test]
fn a_school_listed_twice_is_refused() {
    let mut parts = tiny("two-schools").into_parts();
    let first = parts.children[0].choices[0];
    let mut choices = parts.children[0].choices.to_vec();
    choices.push(first);
    parts.children[0].choices = choices.into();
    let p = problems(parts);
    assert!(
        matches!(
            &p[..],
            [Problem::Field {
                entity: Entity::Choice {
                    child: ChildIdx(0),
                    ..
                },
                field: "school",
                ..
            }]
        ),
        "{p:?}"
    );
}

#[test]
fn more_reserved_seats_than_seats_are_refused() {
    let mut parts = tiny("reserved").into_parts();
    parts.schools[2].reserved_migrant = parts.schools[2].seats + 1;
    assert_eq!(
        problems(parts),
        [Problem::Field {
            entity: Entity::School(SchoolIdx(2)),
            field: "reserved_migrant",
            message: "must be between 0 and the school's 2 seats, got 3".into(),
        }]
    );
}

#[test]
fn month_counts_and_shares_keep_the_loaders_bounds() {
    let mut parts = tiny("two-schools").into_parts();
    parts.children[0].insurance_months = 1201;
    parts.districts[0].cohort_share = 0.0;
    let p = problems(parts);
    assert_eq!(
        p.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "district #0: field `cohort_share`: must be in (0, 1], got 0",
            "child #0: field `insurance_months`: 1201 is implausibly large (at most 1200)",
        ]
    );
}

#[test]
fn duplicate_ids_and_lonely_siblings_are_refused() {
    let mut parts = tiny("two-schools").into_parts();
    parts.children[1].id = parts.children[0].id.clone();
    parts.children[2].sibling_group = Some(0);
    let p = problems(parts);
    assert!(
        p.iter().any(|p| matches!(
            p,
            Problem::Field {
                entity: Entity::Child(ChildIdx(1)),
                field: "id",
                ..
            }
        )),
        "{p:?}"
    );
    assert!(
        p.iter().any(|p| matches!(
            p,
            Problem::Field {
                entity: Entity::Child(ChildIdx(2)),
                field: "sibling_group",
                ..
            }
        )),
        "{p:?}"
    );
}

#[test]
fn an_edit_that_keeps_ties_with_reserved_seats_is_refused() {
    let sc = tiny("reserved");
    let err = sc.edited(&[Edit::TieRule(TieRule::KeepTies)]).unwrap_err();
    assert_eq!(
        err.problems,
        [Problem::ReservedSeatsNeedStrictPriorities {
            rule: TieRule::KeepTies
        }]
    );
    // The scenario itself is left as it was.
    assert_eq!(sc.policy().tie_rule, TieRule::Lottery);
}

#[test]
fn an_edit_of_a_missing_entity_is_refused() {
    let sc = tiny("two-schools");
    let school = SchoolIdx(sc.schools().len() as u32);
    let err = sc
        .edited(&[Edit::SchoolSeats {
            school,
            seats: 1,
            reserved_migrant: 0,
        }])
        .unwrap_err();
    assert_eq!(
        err.problems,
        [Problem::Missing {
            entity: Entity::School(school)
        }]
    );
}

#[test]
fn edits_apply_in_order() {
    let sc = tiny("two-schools");
    let edited = sc
        .edited(&[
            Edit::BudgetYuan(1),
            Edit::BudgetYuan(2),
            Edit::ChildFact {
                child: ChildIdx(0),
                fact: Fact::InsuranceMonths(7),
            },
        ])
        .unwrap();
    assert_eq!(edited.budget_yuan(), 2);
    assert_eq!(edited.child(ChildIdx(0)).insurance_months, 7);
}

mod edits_recheck_what_they_can_break {
    //! `Scenario::edited` checks again only the rules an edit can break; on random edits of
    //! every kind it handles that way, with valid and invalid values, the problems it finds are
    //! exactly those of the whole check.

    use proptest::prelude::*;

    use super::*;
    use crate::domain::{DistrictIdx, PrivateIdx};
    use crate::scenario::rules;

    const TINY: [&str; 5] = [
        "two-schools",
        "reserved",
        "siblings",
        "purchase",
        "keep-ties",
    ];

    /// An edit of one of the kinds re-checked locally; indices are reduced modulo the
    /// scenario's sizes when applied.
    fn edit() -> impl Strategy<Value = (u8, u32, u64, u32)> {
        (0u8..12, any::<u32>(), 0u64..2_500_000, 0u32..1_500)
    }

    fn make(sc: &Scenario, (kind, i, big, small): (u8, u32, u64, u32)) -> Edit {
        let n_s = sc.schools().len().max(1) as u32;
        let n_p = sc.private_schools().len().max(1) as u32;
        let n_c = sc.children().len().max(1) as u32;
        let n_d = sc.districts().len() as u32;
        let rules = [TieRule::Lottery, TieRule::KeepTies, TieRule::AdmitAllTied];
        match kind {
            0 => Edit::SchoolSeats {
                school: SchoolIdx(i % n_s),
                seats: big as u32,
                reserved_migrant: small,
            },
            1 => Edit::SubsidyYuan {
                school: PrivateIdx(i % n_p),
                yuan: big,
            },
            2 => Edit::TieRule(rules[i as usize % 3]),
            3 => Edit::ChildFact {
                child: ChildIdx(i % n_c),
                fact: Fact::InsuranceMonths(small),
            },
            4 => Edit::ChildFact {
                child: ChildIdx(i % n_c),
                fact: Fact::PermitMonths(small),
            },
            5 => Edit::Hukou {
                child: ChildIdx(i % n_c),
                // Sometimes a district that does not exist.
                district: (small % 3 > 0).then_some(DistrictIdx(small % (n_d + 1))),
            },
            6 => Edit::BudgetYuan(big),
            7 => Edit::Seed(big),
            9 => {
                // A copy of a child: a new id (or, sometimes, a repeated one), months that may
                // be out of range, sometimes in a sibling group.
                let mut c = sc.children()[(i % n_c) as usize].clone();
                if small % 4 != 0 {
                    c.id = format!("{}~x{small}", c.id);
                }
                c.insurance_months = small;
                c.sibling_group = (big % 5 == 0).then_some(0);
                Edit::AddChildren(vec![c])
            }
            10 => Edit::RemoveChildren(vec![ChildIdx(i % n_c)]),
            _ => Edit::ChildFact {
                child: ChildIdx(i % n_c),
                fact: Fact::ResidenceMonthsElsewhere(small),
            },
        }
    }

    proptest! {
        #[test]
        fn the_same_problems_as_the_whole_check(
            which in 0usize..TINY.len(),
            raw in prop::collection::vec(edit(), 1..5),
        ) {
            let sc = tiny(TINY[which]);
            let edits: Vec<Edit> = raw.into_iter().map(|e| make(&sc, e)).collect();
            let mut parts = sc.to_parts();
            for e in &edits {
                prop_assume!(parts.apply(e).is_ok());
            }
            // `None`: the edits need the whole check, which `edited` then runs.
            if let Some(local) = rules::check_edited(&parts, &edits) {
                prop_assert_eq!(local, rules::check(&parts));
            }
        }
    }

    #[test]
    fn a_new_school_or_moved_indices_are_checked_whole() {
        let sc = tiny("two-schools");
        let parts = sc.to_parts();
        let school = sc.schools()[0].clone();
        assert_eq!(
            rules::check_edited(&parts, &[Edit::AddSchool(school)]),
            None
        );
        let moved = [
            Edit::RemoveChildren(vec![ChildIdx(0)]),
            Edit::ChildFact {
                child: ChildIdx(0),
                fact: Fact::PermitMonths(12),
            },
        ];
        assert_eq!(rules::check_edited(&parts, &moved), None);
    }

    /// An added child breaking a rule sends the edits to the whole check, which names her at
    /// her place; `edited` then reports exactly what `Scenario::new` reports.
    #[test]
    fn an_added_child_out_of_range_is_found() {
        let sc = tiny("two-schools");
        let mut c = sc.children()[0].clone();
        c.id = format!("{}~new", c.id);
        c.permit_months = 5_000;
        let edits = [Edit::AddChildren(vec![c])];
        let mut parts = sc.to_parts();
        parts.apply(&edits[0]).unwrap();
        assert_eq!(rules::check_edited(&parts, &edits), None);
        let whole = Scenario::new(parts).unwrap_err().problems;
        assert_eq!(whole.len(), 1, "{whole:?}");
        assert_eq!(sc.edited(&edits).unwrap_err().problems, whole);
    }
}
