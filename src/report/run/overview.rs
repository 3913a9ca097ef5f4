//! The overview of a run's report: its title, the headline figures, how the choice stage was
//! solved, the independent check's violations and the closing note, in the report's language.

use std::fmt::Write as _;

use super::super::{headline, pct, say};
use crate::chart::svg::{esc, group};
use crate::check::CheckReport;
use crate::lang::Lang;
use crate::metrics::{OutcomeCounts, Summary};
use crate::scenario::Scenario;

/// The title and the line of run settings under it.
pub(super) fn title(b: &mut String, scenario: &Scenario, s: &Summary, lang: Lang) {
    let _ = writeln!(
        b,
        "<h1>{}: {}</h1>",
        lang.pick("入学报告", "Intake report"),
        esc(&s.scenario)
    );
    let _ = writeln!(
        b,
        "<p class=\"meta\">{}</p>",
        say(
            lang,
            "入学年级 {} · 积分政策“{}” · 同分规则 {} · 录取机制 {} · 随机种子 {} · {} 个区县，{} 所公办学校，{} 所民办学校",
            "Entry grade {} · policy “{}” · tie rule {} · mechanism {} · seed {} · {} districts, {} public schools, {} private schools",
            &[
                s.entry_grade.to_string(),
                esc(&s.policy),
                s.tie_rule.to_string(),
                s.mechanism.to_string(),
                s.seed.to_string(),
                scenario.districts.len().to_string(),
                scenario.schools.len().to_string(),
                scenario.private_schools.len().to_string(),
            ]
        )
    );
}

/// The headline figures: placements, spending, unplaced children, optimality and the check.
pub(super) fn headline_figures(b: &mut String, s: &Summary, city: &OutcomeCounts, lang: Lang) {
    let children = s.children as u64;
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<div class=\"figures\">",
        lang.pick("主要数字", "Headline figures")
    );
    headline(
        b,
        &group(&s.children.to_string()),
        &lang.pick("申请儿童", "children applying"),
        "",
    );
    headline(
        b,
        &group(&s.public_by_choice.to_string()),
        &say(
            lang,
            "按志愿进入公办学校（占儿童 {}）",
            "public school by choice ({} of children)",
            &[pct(s.public_by_choice as u64, children)],
        ),
        "",
    );
    headline(
        b,
        &pct(s.first_choice as u64, children),
        &say(
            lang,
            "的儿童被第一志愿录取（{} 人）",
            "of children at their first choice ({})",
            &[group(&s.first_choice.to_string())],
        ),
        "",
    );
    headline(
        b,
        &group(&s.coordinated.to_string()),
        &lang.pick(
            "统筹安排到有空余学位的公办学校",
            "coordinated (统筹) to a public school with a spare seat",
        ),
        "",
    );
    headline(
        b,
        &group(&s.purchased.to_string()),
        &say(
            lang,
            "购买民办学位：{} 元，预算 {} 元（{}）",
            "bought private places: {} of {} yuan ({})",
            &[
                group(&s.spent_yuan.to_string()),
                group(&s.budget_yuan.to_string()),
                pct(s.spent_yuan, s.budget_yuan),
            ],
        ),
        "",
    );
    headline(
        b,
        &group(&s.unplaced.to_string()),
        &say(
            lang,
            "未安置：预算用尽 {}，民办学位已满 {}，可达范围内无民办学校 {}",
            "unplaced: {} budget exhausted, {} private places full, {} no private school in reach",
            &[
                city.unplaced_budget.to_string(),
                city.unplaced_private_full.to_string(),
                city.unplaced_no_private.to_string(),
            ],
        ),
        if s.unplaced > 0 { "bad" } else { "ok" },
    );
    headline(
        b,
        &group(&s.ineligible.to_string()),
        &lang.pick("未通过资格条件", "failed the eligibility gates"),
        "",
    );
    let gap = s.choice_stage_bound.saturating_sub(s.public_by_choice);
    headline(
        b,
        &if s.proven_optimal {
            lang.pick("已证明最优", "proven optimal")
        } else {
            lang.pick("未证明最优", "not proven optimal")
        },
        &if s.proven_optimal {
            lang.pick(
                "没有任何无正当嫉妒的安排能让更多儿童按志愿入学",
                "no assignment without justified envy places more children by choice",
            )
        } else {
            say(
                lang,
                "最多还能多让 {} 名儿童按志愿入学（上界 {}）",
                "at most {} more children could be placed by choice (bound {})",
                &[gap.to_string(), s.choice_stage_bound.to_string()],
            )
        },
        if s.proven_optimal { "ok" } else { "bad" },
    );
    headline(
        b,
        &if s.check_passed {
            lang.pick("核验通过", "check passed")
        } else {
            lang.pick("核验未通过", "CHECK FAILED")
        },
        &say(
            lang,
            "独立核验：容量、预算、正当嫉妒、统筹顺序方面的问题 {} 个",
            "independent check: {} violation(s) of capacity, budget, justified envy, fallback order",
            &[s.check_violations.to_string()],
        ),
        if s.check_passed { "ok" } else { "bad" },
    );
    b.push_str("</div>\n");
}

/// The line saying how the choice stage was solved: components, ties, solver statuses.
pub(super) fn choice_stage(b: &mut String, s: &Summary, lang: Lang) {
    let statuses: Vec<String> = s
        .statuses
        .iter()
        .map(|st| format!("{} × {}", st.components, st.status))
        .collect();
    let _ = writeln!(
        b,
        "<p>{}</p>",
        say(
            lang,
            "志愿阶段：{} 个分量，其中 {} 个含同分，{} 个整数规划变量；{}。",
            "Choice stage: {} component(s), {} with ties, {} integer-program variables; {}.",
            &[
                s.components.to_string(),
                s.components_with_ties.to_string(),
                s.ip_variables.to_string(),
                esc(&statuses.join("; ")),
            ],
        )
    );
}

/// The list of violations found by the independent check (only when it failed).
pub(super) fn violations(b: &mut String, check: &CheckReport, lang: Lang) {
    if !check.passed() {
        let _ = writeln!(
            b,
            "<h3>{}</h3>\n<ul>",
            lang.pick(
                "独立核验发现的问题",
                "Violations found by the independent check"
            )
        );
        for v in check.violations.iter().take(50) {
            let _ = writeln!(b, "<li>{}: {}</li>", esc(v.rule), esc(&v.message));
        }
        if check.violations.len() > 50 {
            let _ = writeln!(
                b,
                "<li>{}</li>",
                say(
                    lang,
                    "…… 另有 {} 个",
                    "… and {} more",
                    &[(check.violations.len() - 50).to_string()]
                )
            );
        }
        b.push_str("</ul>\n");
    }
}

/// The closing note naming the tables written from the same run.
pub(super) fn footer(b: &mut String, lang: Lang) {
    let _ = writeln!(
        b,
        "<p class=\"meta\">{}</p>",
        lang.pick(
            "由 seatplan 根据同一次运行写出，与 placements.csv、schools.csv、districts.csv、summary.json 和 results.xlsx 一致。",
            "Written by seatplan from the same run as placements.csv, schools.csv, \
             districts.csv and summary.json."
        )
    );
}
