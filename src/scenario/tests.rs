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
    parts.children[1].choices.push(SchoolIdx(n));
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
    parts.children[0].choices.push(first);
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
