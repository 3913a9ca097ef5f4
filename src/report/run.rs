//! The report of one run: headline figures, supply against demand, outcomes and cut-offs by
//! district, and a table per district of its schools.
//!
//! Every figure is read from [`crate::metrics`] — the [`summary`], the districts' [`balance`]
//! and [`DistrictOutcomes`], the [`SchoolTallies`] — the same definitions the CSV tables read,
//! so the report and the tables always agree. [`run_report`] computes them once and hands each
//! section of the page to its own function: the overview in [`overview`], the charts in
//! [`charts`], the tables in [`tables`].

mod charts;
mod map;
mod overview;
mod tables;

use std::fmt::Write as _;

use super::page_in;
use crate::lang::Lang;
use crate::metrics::{balance, summary, DistrictOutcomes, SchoolTallies};
use crate::scenario::Scenario;
use crate::Solved;

/// Renders `report.html` for a solved scenario, in English ([`run_report_in`] with [`Lang::En`]).
pub fn run_report(scenario: &Scenario, solved: &Solved) -> String {
    run_report_in(scenario, solved, Lang::En)
}

/// Renders `report.html` for a solved scenario, its headings, labels and captions in `lang`
/// (names and ids from the inputs as written).
pub fn run_report_in(scenario: &Scenario, solved: &Solved, lang: Lang) -> String {
    let s = summary(scenario, solved);
    let outcomes = DistrictOutcomes::compute(scenario, &solved.assignment.outcomes);
    let balance = balance(scenario, &outcomes);
    let tallies = SchoolTallies::compute(scenario, &solved.ranking, &solved.assignment.outcomes);
    let labels = district_labels(scenario);
    let mut b = String::new();
    overview::title(&mut b, scenario, &s, lang);
    overview::headline_figures(&mut b, &s, &outcomes.city, lang);
    overview::choice_stage(&mut b, &s, lang);
    overview::violations(&mut b, &solved.check, lang);
    let _ = writeln!(b, "<h2>{}</h2>", lang.pick("区县", "Districts"));
    charts::supply_and_demand(&mut b, &balance, &labels, lang);
    charts::outcomes_by_district(&mut b, &outcomes.districts, &labels, lang);
    charts::cutoffs(&mut b, scenario, &tallies, &labels, lang);
    tables::districts(&mut b, &balance, &outcomes.districts, &labels, lang);
    tables::schools(&mut b, scenario, &tallies, &labels, lang);
    map::schools_map(&mut b, scenario, &tallies, &labels, lang);
    overview::footer(&mut b, lang);
    let title = format!("{}: {}", lang.pick("入学报告", "Intake report"), s.scenario);
    page_in(&title, &b, if lang == Lang::En { "en" } else { "zh-CN" })
}

/// Each district's label in charts and tables: its id, followed by its name when that adds to it.
fn district_labels(scenario: &Scenario) -> Vec<String> {
    scenario
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
        .collect()
}
