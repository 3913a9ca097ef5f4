//! `schools.csv`: one row per school — seats, fill, applicants and the cut-off — read from the
//! run's [`SchoolTallies`].

use serde::Serialize;

use crate::metrics::SchoolTallies;
use crate::policy::format_points;
use crate::scenario::Scenario;
use crate::Solved;

#[derive(Serialize)]
struct SchoolRow<'a> {
    school: &'a str,
    name: &'a str,
    kind: &'static str,
    district: &'a str,
    seats: u32,
    filled: u32,
    spare: u32,
    by_choice: u32,
    coordinated: u32,
    applicants: u32,
    first_choice_applicants: u32,
    cutoff_tier: &'static str,
    cutoff_points: String,
    cost_per_seat_yuan: Option<u64>,
}

/// Renders `schools.csv`: public schools, then private schools, each sorted by id. The cut-off is
/// the tier and points of the lowest-priority child admitted by choice
/// ([`crate::metrics::cutoff`]).
pub fn schools_csv(scenario: &Scenario, solved: &Solved) -> Vec<u8> {
    let tallies = SchoolTallies::compute(scenario, &solved.ranking, &solved.assignment.outcomes);
    let mut w = csv::Writer::from_writer(Vec::new());
    for s in scenario.school_indices() {
        let school = scenario.school(s);
        let t = &tallies.public[s.ix()];
        let (cutoff_tier, cutoff_points) = match t.cutoff {
            Some(c) => (c.tier, format_points(c.points)),
            None => ("", String::new()),
        };
        w.serialize(SchoolRow {
            school: &school.id,
            name: &school.name,
            kind: "public",
            district: &scenario.districts[school.district.ix()].id,
            seats: t.seats,
            filled: t.filled(),
            spare: t.spare(),
            by_choice: t.by_choice,
            coordinated: t.coordinated,
            applicants: t.applicants,
            first_choice_applicants: t.first_choice_applicants,
            cutoff_tier,
            cutoff_points,
            cost_per_seat_yuan: None,
        })
        .expect("writing to memory");
    }
    for p in scenario.private_indices() {
        let ps = scenario.private_school(p);
        let t = &tallies.private[p.ix()];
        w.serialize(SchoolRow {
            school: &ps.id,
            name: &ps.name,
            kind: "private",
            district: &scenario.districts[ps.district.ix()].id,
            seats: t.places,
            filled: t.bought,
            spare: t.spare(),
            by_choice: 0,
            coordinated: 0,
            applicants: 0,
            first_choice_applicants: 0,
            cutoff_tier: "",
            cutoff_points: String::new(),
            cost_per_seat_yuan: Some(ps.cost_per_seat()),
        })
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
