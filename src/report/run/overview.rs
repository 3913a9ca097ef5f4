//! The overview of a run's report: its title, the headline figures, how the choice stage was
//! solved, the independent check's violations and the closing note.

use std::fmt::Write as _;

use super::super::{headline, pct};
use crate::chart::svg::{esc, group};
use crate::check::CheckReport;
use crate::metrics::{OutcomeCounts, Summary};
use crate::scenario::Scenario;

/// The title and the line of run settings under it.
pub(super) fn title(b: &mut String, scenario: &Scenario, s: &Summary) {
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
}

/// The headline figures: placements, spending, unplaced children, optimality and the check.
pub(super) fn headline_figures(b: &mut String, s: &Summary, city: &OutcomeCounts) {
    let children = s.children as u64;
    b.push_str("<h2>Headline figures</h2>\n<div class=\"figures\">\n");
    headline(b, &group(&s.children.to_string()), "children applying", "");
    headline(
        b,
        &group(&s.public_by_choice.to_string()),
        &format!(
            "public school by choice ({} of children)",
            pct(s.public_by_choice as u64, children)
        ),
        "",
    );
    headline(
        b,
        &pct(s.first_choice as u64, children),
        &format!(
            "of children at their first choice ({})",
            group(&s.first_choice.to_string())
        ),
        "",
    );
    headline(
        b,
        &group(&s.coordinated.to_string()),
        "coordinated (统筹) to a public school with a spare seat",
        "",
    );
    headline(
        b,
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
        b,
        &group(&s.unplaced.to_string()),
        &format!(
            "unplaced: {} budget exhausted, {} private places full, {} no private school in reach",
            city.unplaced_budget, city.unplaced_private_full, city.unplaced_no_private
        ),
        if s.unplaced > 0 { "bad" } else { "ok" },
    );
    headline(
        b,
        &group(&s.ineligible.to_string()),
        "failed the eligibility gates",
        "",
    );
    let gap = s.choice_stage_bound.saturating_sub(s.public_by_choice);
    headline(
        b,
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
        b,
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
}

/// The line saying how the choice stage was solved: components, ties, solver statuses.
pub(super) fn choice_stage(b: &mut String, s: &Summary) {
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
}

/// The list of violations found by the independent check (only when it failed).
pub(super) fn violations(b: &mut String, check: &CheckReport) {
    if !check.passed() {
        b.push_str("<h3>Violations found by the independent check</h3>\n<ul>\n");
        for v in check.violations.iter().take(50) {
            let _ = writeln!(b, "<li>{}: {}</li>", esc(v.rule), esc(&v.message));
        }
        if check.violations.len() > 50 {
            let _ = writeln!(b, "<li>… and {} more</li>", check.violations.len() - 50);
        }
        b.push_str("</ul>\n");
    }
}

/// The closing note naming the tables written from the same run.
pub(super) fn footer(b: &mut String) {
    b.push_str(
        "<p class=\"meta\">Written by seatplan from the same run as placements.csv, schools.csv, \
         districts.csv and summary.json.</p>\n",
    );
}
