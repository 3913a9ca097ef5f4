//! A what-if against its base (key figures side by side, districts, every child whose outcome
//! changed) and a sweep's points.

use std::fmt::Write;

use seatplan::{PointKpis, PointStatus, SweepResults};

use super::run::View;
use super::{downloads, esc, layout, num, outcome_words};
use crate::cli::serve::i18n::Ctx;
use crate::cli::serve::state::WhatIfResult;

fn delta(base: u64, now: u64, more_is_better: Option<bool>) -> String {
    let d = now as i64 - base as i64;
    let class = match (d.signum(), more_is_better) {
        (0, _) | (_, None) => "",
        (1, Some(true)) | (-1, Some(false)) => "better",
        _ => "worse",
    };
    let text = if d > 0 {
        format!("+{}", num(d as u64))
    } else if d < 0 {
        format!("−{}", num(d.unsigned_abs()))
    } else {
        "0".into()
    };
    format!("<td class=\"n {class}\">{text}</td>")
}

/// The key figures of the base and the what-if side by side, with the difference.
pub fn side_by_side(ctx: &Ctx, base: &PointKpis, now: &PointKpis) -> String {
    let rows: [(&str, &str, u64, u64, Option<bool>); 11] = [
        (
            "申请儿童",
            "children applying",
            base.children,
            now.children,
            None,
        ),
        (
            "公办学位安置",
            "in public schools",
            base.public,
            now.public,
            Some(true),
        ),
        (
            "其中随迁子女",
            "of them migrant",
            base.public_migrant,
            now.public_migrant,
            Some(true),
        ),
        (
            "志愿录取",
            "by choice",
            base.public_by_choice,
            now.public_by_choice,
            Some(true),
        ),
        (
            "第一志愿",
            "first choice",
            base.first_choice,
            now.first_choice,
            Some(true),
        ),
        (
            "统筹安置",
            "coordinated",
            base.coordinated,
            now.coordinated,
            None,
        ),
        (
            "政府购买学位",
            "bought places",
            base.purchased,
            now.purchased,
            None,
        ),
        (
            "购买费用（元）",
            "purchase cost (yuan)",
            base.purchase_cost_yuan,
            now.purchase_cost_yuan,
            Some(false),
        ),
        (
            "购买预算（元）",
            "purchase budget (yuan)",
            base.budget_yuan,
            now.budget_yuan,
            None,
        ),
        (
            "未安置",
            "unplaced",
            base.unplaced,
            now.unplaced,
            Some(false),
        ),
        (
            "公办学位总数",
            "public seats",
            base.public_seats,
            now.public_seats,
            None,
        ),
    ];
    let mut b = format!(
        "<table id=\"side-by-side\"><tr><th></th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr>",
        ctx.t("基准", "Base"),
        ctx.t("假设", "What-if"),
        ctx.t("变化", "Change")
    );
    for (zh, en, a, n, better) in rows {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{}</tr>",
            ctx.t(zh, en),
            num(a),
            num(n),
            delta(a, n, better)
        );
    }
    let check = |k: &PointKpis| {
        if k.check_passed {
            ctx.t("通过", "passed")
        } else {
            ctx.t("未通过", "FAILED")
        }
    };
    let _ = write!(
        b,
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td></td></tr></table>",
        ctx.t("独立校验", "independent check"),
        check(base),
        check(now)
    );
    b
}

/// The what-if's page.
pub fn whatif(
    ctx: &Ctx,
    w: &WhatIfResult,
    view: &View,
    base_run: Option<String>,
    files: &[String],
) -> String {
    let wi = &w.whatif;
    let mut b = format!(
        "<section><h2>{}</h2>{}</section>",
        ctx.t(
            "关键指标：基准与假设并列",
            "Key figures: base and what-if side by side"
        ),
        side_by_side(ctx, &wi.base_kpis, &wi.kpis)
    );
    let _ = write!(
        b,
        "<section><h2>{} ({})</h2><p class=\"muted\">{}</p><table id=\"changes\"><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        ctx.t("结果改变的儿童", "Children whose outcome changed"),
        wi.changes.len(),
        ctx.t(
            "与申诉（seatplan appeal）的 changes.csv 相同的比较；点击查看该儿童在假设方案下的说明。",
            "The same comparison as an appeal's changes.csv (seatplan appeal); click for the child's explanation under the what-if."
        ),
        ctx.t("儿童", "Child"),
        ctx.t("基准", "Before"),
        ctx.t("假设", "After")
    );
    let (before, after) = (
        &w.base.solved.assignment.outcomes,
        &wi.solved.assignment.outcomes,
    );
    for &c in wi.changed.iter().take(2000) {
        let link = ctx.url(&format!("{}/child/{}", view.base, c.ix()));
        let _ = write!(
            b,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
            esc(&link),
            esc(&wi.scenario.child(c).id),
            esc(&outcome_words(ctx, &wi.scenario, before[c.ix()])),
            esc(&outcome_words(ctx, &wi.scenario, after[c.ix()]))
        );
    }
    b.push_str("</table>");
    if wi.changes.len() > 2000 {
        let _ = write!(
            b,
            "<p class=\"muted\">{}</p>",
            ctx.t(
                "仅显示前 2000 行；完整名单见 changes.csv。",
                "Only the first 2000 rows; changes.csv has them all."
            )
        );
    }
    b.push_str("</section>");
    let _ = write!(
        b,
        "<section><h2>{}</h2>{}</section>",
        ctx.t("假设方案的各区", "Districts under the what-if"),
        super::run::districts_table(ctx, view),
    );
    let _ = write!(
        b,
        "<section id=\"saved\"><h2>{}</h2><ul><li>{}</li>",
        ctx.t("保存的假设", "The what-if, saved"),
        ctx.t(
            "whatif.toml 是一个参数扫描文件：seatplan sweep whatif.toml --out 目录 可逐字节重现 sweep/ 中的结果。",
            "whatif.toml is a sweep file: seatplan sweep whatif.toml --out DIR reproduces the files in sweep/ byte for byte."
        )
    );
    match w.saved_scenario.get() {
        Some(Ok(())) => {
            let _ = write!(
                b,
                "<li id=\"saved-scenario\">{}</li>",
                ctx.t(
                    "scenario/ 是一个情景文件夹（修改已写入各表）：seatplan run scenario/scenario.toml --out 目录 可逐字节重现 run/ 中的结果。",
                    "scenario/ is a scenario folder (the changes written into its tables): seatplan run scenario/scenario.toml --out DIR reproduces the files in run/ byte for byte."
                )
            );
        }
        Some(Err(why)) => {
            let _ = write!(
                b,
                "<li id=\"saved-scenario\" class=\"muted\">{} {}</li>",
                ctx.t("未保存为情景文件夹：", "Not saved as a scenario folder:"),
                esc(why)
            );
        }
        None => {
            let _ = write!(
                b,
                "<li id=\"saved-scenario\" class=\"muted\">{}</li>",
                ctx.t(
                    "运行结果文件和情景文件夹正在写出，稍后刷新本页。",
                    "The run's files and the scenario folder are being written; reload this page in a moment."
                )
            );
        }
    }
    b.push_str("</ul></section>");
    if let Some(base) = base_run {
        let _ = write!(
            b,
            "<p><a href=\"{}\">{}</a></p>",
            esc(&ctx.url(&base)),
            ctx.t("基准运行", "The base run")
        );
    }
    b.push_str(&downloads(ctx, &format!("{}/files", view.base), files));
    layout(
        ctx,
        &format!("{}: {}", ctx.t("假设分析", "What-if"), w.label),
        &b,
    )
}

/// A sweep's page: its points with their key figures, the sweep report and the downloads.
pub fn sweep(ctx: &Ctx, id: u64, results: &SweepResults, files: &[String]) -> String {
    let base = format!("/sweeps/{id}");
    let mut b = format!(
        "<section><p><a id=\"report\" href=\"{}\">{}</a></p><table id=\"points\"><tr><th>#</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr>",
        esc(&ctx.url(&format!("{base}/files/report.html"))),
        ctx.t("扫描报告（report.html）", "The sweep report (report.html)"),
        ctx.t("参数", "Point"),
        ctx.t("公办", "Public"),
        ctx.t("第一志愿", "First choice"),
        ctx.t("购买", "Purchased"),
        ctx.t("费用（元）", "Cost (yuan)"),
        ctx.t("未安置", "Unplaced"),
        ctx.t("校验", "Check"),
    );
    for p in &results.points {
        match &p.status {
            PointStatus::Solved { kpis } => {
                let _ = write!(
                    b,
                    "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                    p.index + 1,
                    esc(&p.key),
                    num(kpis.public),
                    num(kpis.first_choice),
                    num(kpis.purchased),
                    num(kpis.purchase_cost_yuan),
                    num(kpis.unplaced),
                    if kpis.check_passed { ctx.t("通过", "passed") } else { ctx.t("未通过", "FAILED") }
                );
            }
            PointStatus::Failed { error } => {
                let _ = write!(
                    b,
                    "<tr><td>{}</td><td>{}</td><td colspan=\"6\" class=\"error\">{}</td></tr>",
                    p.index + 1,
                    esc(&p.key),
                    esc(error)
                );
            }
        }
    }
    b.push_str("</table></section>");
    b.push_str(&downloads(ctx, &format!("{base}/files"), files));
    layout(
        ctx,
        &format!("{}: {}", ctx.t("参数扫描", "Sweep"), results.name),
        &b,
    )
}
