//! The report of a sweep: the parameters, how each key figure moves with each parameter, heatmaps
//! over pairs of parameters, each district's public share and each school's cut-off across the
//! points, and a table of every point (failed ones with their error).
//!
//! Built from [`SweepResults`] alone, so a merged set of shards gives the same report as a
//! single-machine sweep; the charts are drawn in [`charts`].

mod charts;

use std::fmt::Write as _;

use super::{headline, page, pct, table, Cell};
use crate::chart::svg::esc;
use crate::metrics::{PointKpis, PointResult, PointStatus, SweepResults};
use charts::{curves, cutoffs, districts, heatmaps, Axis};

/// Point tables longer than this are folded.
const FOLD_ROWS: usize = 100;

/// Renders the HTML report of a sweep's results.
pub fn sweep_report(results: &SweepResults) -> String {
    let solved: Vec<(&PointResult, &PointKpis)> = results
        .points
        .iter()
        .filter_map(|p| p.kpis().map(|k| (p, k)))
        .collect();
    let failed = results.points.len() - solved.len();
    let check_failed = solved.iter().filter(|(_, k)| !k.check_passed).count();
    let axes: Vec<Axis> = results
        .parameters
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let numbers: Option<Vec<f64>> = p
                .values
                .iter()
                .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
                .collect();
            Axis {
                index,
                id: &p.id,
                values: &p.values,
                numbers: numbers.filter(|n| !n.is_empty()),
            }
        })
        .collect();
    let varying: Vec<&Axis> = axes.iter().filter(|a| a.values.len() > 1).collect();

    let mut b = String::new();
    let _ = writeln!(b, "<h1>Sweep report: {}</h1>", esc(&results.name));
    let shard = match results.shard {
        Some((i, n)) => format!(" · shard {i} of {n}"),
        None => String::new(),
    };
    let _ = writeln!(
        b,
        "<p class=\"meta\">Base scenario “{}” · {} point(s) in the sweep, {} here{} · fingerprint {}</p>",
        esc(&results.scenario),
        results.total_points,
        results.points.len(),
        esc(&shard),
        esc(results.fingerprint.get(..16).unwrap_or(&results.fingerprint))
    );
    b.push_str("<div class=\"figures\">\n");
    headline(&mut b, &solved.len().to_string(), "points solved", "");
    headline(
        &mut b,
        &failed.to_string(),
        "points failed (see the table)",
        if failed > 0 { "bad" } else { "ok" },
    );
    headline(
        &mut b,
        &check_failed.to_string(),
        "solved points failing the independent check",
        if check_failed > 0 { "bad" } else { "ok" },
    );
    b.push_str("</div>\n");

    b.push_str("<h2>Parameters</h2>\n");
    if results.parameters.is_empty() {
        b.push_str("<p>The sweep varies no parameter: every point is the base scenario.</p>\n");
    } else {
        let rows: Vec<Vec<Cell>> = results
            .parameters
            .iter()
            .zip(&axes)
            .map(|(p, a)| {
                let mut shown: Vec<&str> = p.values.iter().take(20).map(String::as_str).collect();
                if p.values.len() > 20 {
                    shown.push("…");
                }
                vec![
                    Cell::Text(p.id.clone()),
                    Cell::Text(p.kind.clone()),
                    Cell::Text(if p.target.is_empty() {
                        "whole city".into()
                    } else {
                        p.target.clone()
                    }),
                    Cell::Num(p.values.len().to_string()),
                    Cell::Text(shown.join(", ")),
                    Cell::Text(if a.numbers.is_some() {
                        "numeric".into()
                    } else {
                        "categories".into()
                    }),
                ]
            })
            .collect();
        table(
            &mut b,
            &["parameter", "changes", "target", "values", "taken", "axis"],
            &rows,
        );
    }

    if solved.is_empty() {
        b.push_str("<p class=\"bad\">No point was solved: there is nothing to chart.</p>\n");
    } else {
        curves(&mut b, &solved, &varying);
        heatmaps(&mut b, &solved, &varying);
        districts(&mut b, &solved, &varying);
        cutoffs(&mut b, &solved);
    }
    points_table(&mut b, results);
    page(&format!("Sweep report: {}", results.name), &b)
}

/// The table of every point, folded when long; failed points keep their error.
fn points_table(b: &mut String, results: &SweepResults) {
    b.push_str("<h2>Points</h2>\n");
    if results.points.is_empty() {
        b.push_str("<p>No points.</p>\n");
        return;
    }
    let mut header: Vec<&str> = vec!["#"];
    header.extend(results.parameters.iter().map(|p| p.id.as_str()));
    header.extend([
        "public",
        "public share",
        "public migrant share",
        "first-choice share",
        "purchased",
        "cost (yuan)",
        "budget used",
        "unplaced",
        "proven optimal",
        "check",
    ]);
    let rows: Vec<Vec<Cell>> = results
        .points
        .iter()
        .map(|p| {
            let mut row = vec![Cell::Num(p.index.to_string())];
            row.extend(
                (0..results.parameters.len())
                    .map(|i| Cell::Text(p.values.get(i).cloned().unwrap_or_default())),
            );
            match &p.status {
                PointStatus::Solved { kpis: k } => {
                    let n = |v: u64| Cell::Num(v.to_string());
                    row.extend([
                        n(k.public),
                        Cell::Num(pct(k.public, k.children)),
                        Cell::Num(pct(k.public_migrant, k.migrant_children)),
                        Cell::Num(pct(k.first_choice, k.children)),
                        n(k.purchased),
                        n(k.purchase_cost_yuan),
                        Cell::Num(pct(k.purchase_cost_yuan, k.budget_yuan)),
                        n(k.unplaced),
                        Cell::Text(if k.proven_optimal { "yes" } else { "no" }.into()),
                        Cell::Text(if k.check_passed { "passed" } else { "FAILED" }.into()),
                    ]);
                }
                PointStatus::Failed { error } => {
                    row.extend((0..9).map(|_| Cell::Text(String::new())));
                    row.push(Cell::Text(format!("failed: {error}")));
                }
            }
            row
        })
        .collect();
    let failed: Vec<&PointResult> = results
        .points
        .iter()
        .filter(|p| p.kpis().is_none())
        .collect();
    if !failed.is_empty() {
        b.push_str("<h3>Failed points</h3>\n<ul>\n");
        for p in failed.iter().take(FOLD_ROWS) {
            if let PointStatus::Failed { error } = &p.status {
                let _ = writeln!(b, "<li>#{} {}: {}</li>", p.index, esc(&p.key), esc(error));
            }
        }
        if failed.len() > FOLD_ROWS {
            let _ = writeln!(b, "<li>… and {} more</li>", failed.len() - FOLD_ROWS);
        }
        b.push_str("</ul>\n");
    }
    let open = if rows.len() <= FOLD_ROWS { " open" } else { "" };
    let _ = writeln!(
        b,
        "<details{open}><summary>All {} point(s) of this file, by index</summary>",
        rows.len()
    );
    table(b, &header, &rows);
    b.push_str("</details>\n");
}
