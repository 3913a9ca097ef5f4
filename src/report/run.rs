//! The report of one run: headline figures, supply against demand, outcomes and cut-offs by
//! district, and a table per district of its schools.
//!
//! Every figure is read from [`crate::metrics`] — the [`summary`], the districts' [`balance`]
//! and [`DistrictOutcomes`], the [`SchoolTallies`] — the same definitions the CSV tables read,
//! so the report and the tables always agree.

use std::fmt::Write as _;

use super::{figure, headline, page, pct, table, Cell};
use crate::chart::svg::{self, esc, group, Format};
use crate::chart::{self, Dot, Series};
use crate::metrics::{
    balance, summary, DistrictBalance, DistrictOutcomes, OutcomeCounts, SchoolTallies,
};
use crate::policy::format_points;
use crate::scenario::Scenario;
use crate::Solved;

/// Colours of the four outcomes, used by every chart of them.
const CHOICE: &str = "#3b6fb6";
const COORDINATED: &str = "#76b7b2";
const PURCHASED: &str = "#e08a2c";
const UNPLACED: &str = "#d62728";

/// Renders `report.html` for a solved scenario.
pub fn run_report(scenario: &Scenario, solved: &Solved) -> String {
    let s = summary(scenario, solved);
    let outcomes = DistrictOutcomes::compute(scenario, &solved.assignment.outcomes);
    let balance = balance(scenario, &outcomes);
    let tallies = SchoolTallies::compute(scenario, &solved.ranking, &solved.assignment.outcomes);
    let by_district = &outcomes.districts;
    let city = &outcomes.city;
    let children = s.children as u64;
    let mut b = String::new();
    let _ = writeln!(b, "<h1>Intake report: {}</h1>", esc(&s.scenario));
    let _ = writeln!(
        b,
        "<p class=\"meta\">Entry grade {} · policy “{}” · tie rule {} · mechanism {} · seed {} · {} districts, {} public schools, {} private schools</p>",
        s.entry_grade,
        esc(&s.policy),
        s.tie_rule,
        s.mechanism,
        s.seed,
        scenario.districts.len(),
        scenario.schools.len(),
        scenario.private_schools.len()
    );

    b.push_str("<h2>Headline figures</h2>\n<div class=\"figures\">\n");
    headline(
        &mut b,
        &group(&s.children.to_string()),
        "children applying",
        "",
    );
    headline(
        &mut b,
        &group(&s.public_by_choice.to_string()),
        &format!(
            "public school by choice ({} of children)",
            pct(s.public_by_choice as u64, children)
        ),
        "",
    );
    headline(
        &mut b,
        &pct(s.first_choice as u64, children),
        &format!(
            "of children at their first choice ({})",
            group(&s.first_choice.to_string())
        ),
        "",
    );
    headline(
        &mut b,
        &group(&s.coordinated.to_string()),
        "coordinated (统筹) to a public school with a spare seat",
        "",
    );
    headline(
        &mut b,
        &group(&s.purchased.to_string()),
        &format!(
            "bought private places: {} of {} yuan ({})",
            group(&s.spent_yuan.to_string()),
            group(&s.budget_yuan.to_string()),
            pct(s.spent_yuan, s.budget_yuan)
        ),
        "",
    );
    headline(
        &mut b,
        &group(&s.unplaced.to_string()),
        &format!(
            "unplaced: {} budget exhausted, {} private places full, {} no private school in reach",
            city.unplaced_budget, city.unplaced_private_full, city.unplaced_no_private
        ),
        if s.unplaced > 0 { "bad" } else { "ok" },
    );
    headline(
        &mut b,
        &group(&s.ineligible.to_string()),
        "failed the eligibility gates",
        "",
    );
    let gap = s.choice_stage_bound.saturating_sub(s.public_by_choice);
    headline(
        &mut b,
        if s.proven_optimal {
            "proven optimal"
        } else {
            "not proven optimal"
        },
        &if s.proven_optimal {
            "no assignment without justified envy places more children by choice".to_string()
        } else {
            format!(
                "at most {gap} more children could be placed by choice (bound {})",
                s.choice_stage_bound
            )
        },
        if s.proven_optimal { "ok" } else { "bad" },
    );
    headline(
        &mut b,
        if s.check_passed {
            "check passed"
        } else {
            "CHECK FAILED"
        },
        &format!(
            "independent check: {} violation(s) of capacity, budget, justified envy, fallback order",
            s.check_violations
        ),
        if s.check_passed { "ok" } else { "bad" },
    );
    b.push_str("</div>\n");
    let statuses: Vec<String> = s
        .statuses
        .iter()
        .map(|st| format!("{} × {}", st.components, st.status))
        .collect();
    let _ = writeln!(
        b,
        "<p>Choice stage: {} component(s), {} with ties, {} integer-program variables; {}.</p>",
        s.components,
        s.components_with_ties,
        s.ip_variables,
        esc(&statuses.join("; "))
    );
    if !solved.check.passed() {
        b.push_str("<h3>Violations found by the independent check</h3>\n<ul>\n");
        for v in solved.check.violations.iter().take(50) {
            let _ = writeln!(b, "<li>{}: {}</li>", esc(v.rule), esc(&v.message));
        }
        if solved.check.violations.len() > 50 {
            let _ = writeln!(
                b,
                "<li>… and {} more</li>",
                solved.check.violations.len() - 50
            );
        }
        b.push_str("</ul>\n");
    }

    let labels: Vec<String> = scenario
        .districts
        .iter()
        .map(|d| {
            if d.name.is_empty() || d.name == d.id {
                d.id.clone()
            } else if d.name.starts_with(&d.id) {
                d.name.clone()
            } else {
                format!("{} {}", d.id, d.name)
            }
        })
        .collect();
    b.push_str("<h2>Districts</h2>\n");
    let col = |f: fn(&DistrictBalance) -> u64| -> Vec<f64> {
        balance.iter().map(|r| f(r) as f64).collect()
    };
    let series = [
        Series {
            name: "children projected from the permanent population".into(),
            colour: "#8c8c8c".into(),
            values: col(|r| r.projected_children),
        },
        Series {
            name: "applicants".into(),
            colour: "#4e79a7".into(),
            values: col(|r| r.applicants),
        },
        Series {
            name: "public seats".into(),
            colour: "#59a14f".into(),
            values: col(|r| r.public_seats),
        },
        Series {
            name: "purchasable private places".into(),
            colour: PURCHASED.into(),
            values: col(|r| r.purchasable_places),
        },
    ];
    figure(
        &mut b,
        "Supply and demand by district",
        "For each district: the children expected from its permanent population, the applicants \
         living there, its public seats at the entry grade and the private places the bureau may \
         buy. Where the blue bar passes the green one, applicants outnumber public seats.",
        &chart::grouped_bars(
            "Supply and demand by district",
            &labels,
            &series,
            Format::Count,
        ),
    );
    let col = |f: fn(&OutcomeCounts) -> u64| -> Vec<f64> {
        by_district.iter().map(|o| f(o) as f64).collect()
    };
    let series = [
        Series {
            name: "public by choice".into(),
            colour: CHOICE.into(),
            values: col(|o| o.by_choice),
        },
        Series {
            name: "coordinated".into(),
            colour: COORDINATED.into(),
            values: col(|o| o.coordinated),
        },
        Series {
            name: "purchased".into(),
            colour: PURCHASED.into(),
            values: col(|o| o.purchased),
        },
        Series {
            name: "unplaced".into(),
            colour: UNPLACED.into(),
            values: col(|o| o.unplaced),
        },
    ];
    figure(
        &mut b,
        "Outcomes by district",
        "Each bar is one district's applicants (by where they live), split by outcome, as a \
         share of the district's applicants; hover for counts. Red is children left unplaced.",
        &chart::stacked_shares("Outcomes by district", &labels, &series),
    );
    cutoffs(&mut b, scenario, &tallies, &labels);

    let rows: Vec<Vec<Cell>> = balance
        .iter()
        .zip(by_district)
        .zip(&labels)
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
        &mut b,
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
    schools(&mut b, scenario, &tallies, &labels);
    b.push_str(
        "<p class=\"meta\">Written by seatplan from the same run as placements.csv, schools.csv, \
         districts.csv and summary.json.</p>\n",
    );
    page(&format!("Intake report: {}", s.scenario), &b)
}

/// The cut-off chart: one row per district, one dot per public school that admitted anyone by
/// choice, coloured by the tier of the last child admitted.
fn cutoffs(b: &mut String, scenario: &Scenario, tallies: &SchoolTallies, labels: &[String]) {
    let mut tiers: Vec<&'static str> = Vec::new();
    let mut dots = Vec::new();
    let mut none = 0;
    for sx in scenario.school_indices() {
        let school = scenario.school(sx);
        let t = &tallies.public[sx.ix()];
        let Some(c) = t.cutoff else {
            none += 1;
            continue;
        };
        let k = match tiers.iter().position(|&n| n == c.tier) {
            Some(k) => k,
            None => {
                tiers.push(c.tier);
                tiers.len() - 1
            }
        };
        dots.push(Dot {
            row: school.district.ix(),
            x: c.points as f64 / 1000.0,
            colour: svg::PALETTE[k % svg::PALETTE.len()].into(),
            tip: format!(
                "{} {}: last admitted {} with {} points ({} seats, {} applicants)",
                school.id,
                school.name,
                c.tier,
                format_points(c.points),
                t.seats,
                t.applicants
            ),
        });
    }
    let legend: Vec<(String, String)> = tiers
        .iter()
        .enumerate()
        .map(|(k, t)| {
            (
                format!("last admitted: {t}"),
                svg::PALETTE[k % svg::PALETTE.len()].to_string(),
            )
        })
        .collect();
    let mut caption = String::from(
        "Each dot is one public school, in its district's row, placed at the points of the \
         lowest-priority child it admitted by choice (its cut-off); the colour is that child's \
         tier. A higher tier always comes first whatever the points, so compare points within \
         one colour. Hover for the school.",
    );
    if none > 0 {
        let _ = write!(
            caption,
            " {none} school(s) admitted nobody by choice and are not drawn."
        );
    }
    figure(
        b,
        "Cut-off points per school",
        &caption,
        &chart::dot_rows(
            "Cut-off points per school",
            labels,
            &dots,
            &legend,
            Format::Decimal,
        ),
    );
}

/// A table of each district's public and private schools, folded when the city is large.
fn schools(b: &mut String, scenario: &Scenario, tallies: &SchoolTallies, labels: &[String]) {
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
