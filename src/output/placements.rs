//! `placements.csv`: one row per child — where she was placed, with the reason in a code and in
//! words.

use std::io::{self, Write};

use serde::Serialize;

use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::metrics::wording::{placement_kind, placement_reason, placement_tier};
use crate::policy::PointsText;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

use super::workbook::Kept;

#[derive(Serialize)]
struct PlacementRow<'a> {
    child: &'a str,
    district: &'a str,
    kind: &'static str,
    school: &'a str,
    school_name: &'a str,
    choice_rank: Option<u8>,
    points: &'a str,
    tier: &'static str,
    distance_km: String,
    cost_yuan: Option<u64>,
    reason: &'static str,
    note: String,
}

/// Writes `placements.csv` into `out` as it is rendered ([`super::blocks`]): one row per
/// child, sorted by child id. Returns what the results workbook keeps of it. It depends on the
/// ranking and the outcomes alone, not on the independent check.
pub fn write_placements(
    out: &mut (dyn Write + Send),
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
) -> io::Result<Kept> {
    super::blocks::in_blocks(out, b"", scenario.children.len(), 8192, true, |i, w| {
        let c = ChildIdx(i as u32);
        let child = scenario.child(c);
        let outcome = outcomes[c.ix()];
        let km = |at| format!("{:.3}", child.location.distance_km(at));
        let (school, name, rank, dist, cost) = match outcome {
            Outcome::Choice { school, rank } => {
                let s = scenario.school(school);
                (
                    s.id.as_str(),
                    s.name.as_str(),
                    Some(rank),
                    km(s.location),
                    None,
                )
            }
            Outcome::Coordinated { school } => {
                let s = scenario.school(school);
                (s.id.as_str(), s.name.as_str(), None, km(s.location), None)
            }
            Outcome::Purchased { school } => {
                let p = scenario.private_school(school);
                let cost = Some(p.cost_per_seat());
                (p.id.as_str(), p.name.as_str(), None, km(p.location), cost)
            }
            Outcome::Unplaced { .. } => ("", "", None, String::new(), None),
        };
        let (reason, note) = placement_reason(scenario, ranking, c, outcome);
        let points = PointsText::new(match outcome.public_school() {
            Some(s) => ranking.points_at(scenario, c, scenario.school(s).district),
            None => ranking.points[c.ix()],
        });
        w.serialize(PlacementRow {
            child: &child.id,
            district: &scenario.districts[child.residence_district.ix()].id,
            kind: placement_kind(outcome),
            school,
            school_name: name,
            choice_rank: rank,
            points: points.as_str(),
            tier: placement_tier(scenario, ranking, c, outcome),
            distance_km: dist,
            cost_yuan: cost,
            reason,
            note,
        })
        .expect("writing to memory");
        1
    })
}
