//! The charts of a run's report: supply and demand, outcomes and cut-offs, by district.

use std::fmt::Write as _;

use super::super::figure;
use crate::chart::svg::{self, Format};
use crate::chart::{self, Dot, Series};
use crate::metrics::{DistrictBalance, OutcomeCounts, SchoolTallies};
use crate::policy::format_points;
use crate::scenario::Scenario;

/// Colours of the four outcomes, used by every chart of them.
const CHOICE: &str = "#3b6fb6";
const COORDINATED: &str = "#76b7b2";
const PURCHASED: &str = "#e08a2c";
const UNPLACED: &str = "#d62728";

/// The supply and demand chart: projected children, applicants, public seats and purchasable
/// places of each district.
pub(super) fn supply_and_demand(b: &mut String, balance: &[DistrictBalance], labels: &[String]) {
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
        b,
        "Supply and demand by district",
        "For each district: the children expected from its permanent population, the applicants \
         living there, its public seats at the entry grade and the private places the bureau may \
         buy. Where the blue bar passes the green one, applicants outnumber public seats.",
        &chart::grouped_bars(
            "Supply and demand by district",
            labels,
            &series,
            Format::Count,
        ),
    );
}

/// The outcomes chart: each district's applicants split by outcome, as shares.
pub(super) fn outcomes_by_district(
    b: &mut String,
    by_district: &[OutcomeCounts],
    labels: &[String],
) {
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
        b,
        "Outcomes by district",
        "Each bar is one district's applicants (by where they live), split by outcome, as a \
         share of the district's applicants; hover for counts. Red is children left unplaced.",
        &chart::stacked_shares("Outcomes by district", labels, &series),
    );
}

/// The cut-off chart: one row per district, one dot per public school that admitted anyone by
/// choice, coloured by the tier of the last child admitted.
pub(super) fn cutoffs(
    b: &mut String,
    scenario: &Scenario,
    tallies: &SchoolTallies,
    labels: &[String],
) {
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
