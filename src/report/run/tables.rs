//! The tables of a run's report: the districts in figures and each district's schools.

use std::fmt::Write as _;

use super::super::{pct, table, Cell};
use crate::chart::svg::esc;
use crate::metrics::{DistrictBalance, OutcomeCounts, SchoolTallies};
use crate::policy::format_points;
use crate::scenario::Scenario;

/// The "Districts in figures" table: supply, demand and outcomes of each district.
pub(super) fn districts(
    b: &mut String,
    balance: &[DistrictBalance],
    by_district: &[OutcomeCounts],
    labels: &[String],
) {
    let rows: Vec<Vec<Cell>> = balance
        .iter()
        .zip(by_district)
        .zip(labels)
        .map(|((r, o), label)| {
            let n = |v: u64| Cell::Num(v.to_string());
            vec![
                Cell::Text(label.clone()),
                n(r.projected_children),
                n(r.applicants),
                n(r.migrant_applicants),
                n(r.public_seats),
                n(r.purchasable_places),
                n(o.by_choice),
                n(o.first_choice),
                n(o.coordinated),
                n(o.purchased),
                n(o.unplaced),
                Cell::Num(pct(o.public(), r.applicants)),
            ]
        })
        .collect();
    b.push_str("<h3>Districts in figures</h3>\n");
    table(
        b,
        &[
            "district",
            "projected",
            "applicants",
            "migrant applicants",
            "public seats",
            "purchasable",
            "by choice",
            "first choice",
            "coordinated",
            "purchased",
            "unplaced",
            "public share",
        ],
        &rows,
    );
}

/// A table of each district's public and private schools, folded when the city is large.
pub(super) fn schools(
    b: &mut String,
    scenario: &Scenario,
    tallies: &SchoolTallies,
    labels: &[String],
) {
    let open = if scenario.schools.len() + scenario.private_schools.len() <= 60 {
        " open"
    } else {
        ""
    };
    b.push_str("<h2>Schools by district</h2>\n");
    for (d, label) in labels.iter().enumerate() {
        let mut rows = Vec::new();
        for sx in scenario.school_indices() {
            let s = scenario.school(sx);
            if s.district.ix() != d {
                continue;
            }
            let t = &tallies.public[sx.ix()];
            let (tier, points) = t.cutoff.map_or((String::new(), String::new()), |c| {
                (c.tier.to_string(), format_points(c.points))
            });
            rows.push(vec![
                Cell::Text(s.id.clone()),
                Cell::Text(s.name.clone()),
                Cell::Text("public".into()),
                Cell::Num(t.seats.to_string()),
                Cell::Num(t.filled().to_string()),
                Cell::Num(t.by_choice.to_string()),
                Cell::Num(t.coordinated.to_string()),
                Cell::Num(t.applicants.to_string()),
                Cell::Num(t.first_choice_applicants.to_string()),
                Cell::Text(tier),
                Cell::Num(points),
            ]);
        }
        for px in scenario.private_indices() {
            let p = scenario.private_school(px);
            if p.district.ix() != d {
                continue;
            }
            rows.push(vec![
                Cell::Text(p.id.clone()),
                Cell::Text(p.name.clone()),
                Cell::Text(format!("private ({} yuan a place)", p.cost_per_seat())),
                Cell::Num(tallies.private[px.ix()].places.to_string()),
                Cell::Num(tallies.private[px.ix()].bought.to_string()),
                Cell::Num(String::new()),
                Cell::Num(String::new()),
                Cell::Num(String::new()),
                Cell::Num(String::new()),
                Cell::Text(String::new()),
                Cell::Num(String::new()),
            ]);
        }
        let _ = writeln!(
            b,
            "<details{open}><summary>{} — {} school(s)</summary>",
            esc(label),
            rows.len()
        );
        table(
            b,
            &[
                "school",
                "name",
                "kind",
                "seats",
                "filled",
                "by choice",
                "coordinated",
                "applicants",
                "first-choice applicants",
                "cut-off tier",
                "cut-off points",
            ],
            &rows,
        );
        b.push_str("</details>\n");
    }
}
