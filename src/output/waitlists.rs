//! `waitlists.csv`: every public school's waitlist with positions — each child on the waitlist of
//! every school she ranked above the place she holds ([`crate::metrics::waitlist`]).

use std::io::{self, Write};

use serde::Serialize;

use crate::assign::Outcome;
use crate::domain::SchoolIdx;
use crate::metrics::waitlist::Waitlists;
use crate::policy::PointsText;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

use super::workbook::Kept;

#[derive(Serialize)]
struct WaitlistRow<'a> {
    school: &'a str,
    school_name: &'a str,
    position: u32,
    child: &'a str,
    choice_rank: u8,
    tier: &'static str,
    points: &'a str,
    holds: &'a str,
    holds_name: &'a str,
}

/// Writes `waitlists.csv`: one row per child and school she waits for, by school (in the
/// scenario's order) then position; `holds` is the school she holds now (empty if none); each
/// school also by its name, for the family reading the row. A header even when nobody waits.
/// Written into `out` as it is rendered ([`super::blocks`]); returns what the results
/// workbook keeps of it.
pub fn write_waitlists(
    out: &mut (dyn Write + Send),
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
) -> io::Result<Kept> {
    let lists = Waitlists::ordered(scenario, ranking, outcomes);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record([
        "school",
        "school_name",
        "position",
        "child",
        "choice_rank",
        "tier",
        "points",
        "holds",
        "holds_name",
    ])
    .expect("writing to memory");
    let header = w.into_inner().expect("writing to memory");
    super::blocks::in_blocks(out, &header, scenario.schools.len(), 32, false, |k, w| {
        let s = SchoolIdx(k as u32);
        let school = scenario.school(s);
        let waiting = &lists[s.ix()];
        for (i, &(c, rank)) in waiting.iter().enumerate() {
            let tier = ranking
                .tier_at(scenario, c, s)
                .map_or("none", |(_, t)| t.name());
            let (holds, holds_name) = match outcomes[c.ix()] {
                Outcome::Choice { school, .. } | Outcome::Coordinated { school } => {
                    let held = scenario.school(school);
                    (held.id.as_str(), held.name.as_str())
                }
                Outcome::Purchased { school } => {
                    let held = scenario.private_school(school);
                    (held.id.as_str(), held.name.as_str())
                }
                Outcome::Unplaced { .. } => ("", ""),
            };
            let points = PointsText::new(ranking.points_at(scenario, c, school.district));
            w.serialize(WaitlistRow {
                school: &school.id,
                school_name: &school.name,
                position: i as u32 + 1,
                child: &scenario.child(c).id,
                choice_rank: rank,
                tier,
                points: points.as_str(),
                holds,
                holds_name,
            })
            .expect("writing to memory");
        }
        waiting.len()
    })
}
