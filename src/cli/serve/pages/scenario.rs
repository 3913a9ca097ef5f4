//! A scenario's page: what it holds, and the forms that run it, try a what-if on it and sweep
//! it.

use std::fmt::Write;

use super::{esc, layout, tie_rule_label};
use crate::cli::serve::i18n::{Ctx, Lang};
use crate::cli::serve::state::Workspace;
use crate::cli::serve::whatif::KINDS;

fn options(items: impl Iterator<Item = (String, String)>, none: &str) -> String {
    let mut s = format!("<option value=\"\">{}</option>", esc(none));
    for (v, label) in items {
        let _ = write!(s, "<option value=\"{}\">{}</option>", esc(&v), esc(&label));
    }
    s
}

/// The scenario's page.
pub fn scenario(ctx: &Ctx, ws: &Workspace) -> String {
    let sc = &ws.loaded.scenario;
    let mut b = String::new();
    let _ = write!(
        b,
        "<section><p>{src}: <code>{path}</code></p><p id=\"counts\">{desc}</p>\
<p>{budget}: {yuan} · {seed}: {seed_v} · {policy}: {policy_v} · {tie}: {tie_v}</p>\
<form method=\"post\" action=\"{run}\"><button id=\"run\" type=\"submit\">{run_text}</button></form></section>",
        src = ctx.t("来源", "Source"),
        path = esc(&ws.source.display().to_string()),
        desc = esc(&match ctx.lang {
            Lang::Zh => format!(
                "{} 个区，{} 所公办学校，{} 所民办学校，{} 名儿童",
                sc.districts().len(),
                sc.schools().len(),
                sc.private_schools().len(),
                sc.children().len()
            ),
            Lang::En => seatplan::describe_scenario(sc),
        }),
        budget = ctx.t("购买学位预算", "Purchase budget"),
        yuan = super::num(sc.budget_yuan()),
        seed = ctx.t("随机种子", "Seed"),
        seed_v = sc.seed(),
        policy = ctx.t("积分政策", "Policy"),
        policy_v = esc(&sc.policy().name),
        tie = ctx.t("同分规则", "Tie rule"),
        tie_v = esc(&tie_rule_label(ctx, sc.policy().tie_rule.name())),
        run = esc(&ctx.url(&format!("/s/{}/run", ws.id))),
        run_text = ctx.t("运行招生（分配学位）", "Run the intake"),
    );
    // Warnings of the loader (overlapping catchment polygons, …): the scenario is valid, but
    // the analyst sees them here as `seatplan validate` prints them.
    let warnings = &ws.loaded.warnings;
    if !warnings.is_empty() {
        let _ = write!(
            b,
            "<section><h2>{title}</h2><p class=\"muted\">{note}</p><ul class=\"warnings\" id=\"warnings\">",
            title = ctx.t("提示", "Warnings"),
            note = ctx.t(
                "情景有效，可以运行；以下情况可能不是有意为之，请核对。",
                "The scenario is valid and can be run; these may not be meant: check them."
            ),
        );
        // Files named from the scenario's folder, so an upload's shows no server path.
        let folder = ws.source.parent().map(|d| format!("{}/", d.display()));
        for w in warnings {
            let mut line = w.to_string();
            if let Some(f) = &folder {
                line = line.replace(f.as_str(), "");
            }
            let _ = write!(b, "<li>{}</li>", esc(&line));
        }
        b.push_str("</ul></section>");
    }
    let unchanged = ctx.t("（不变）", "(unchanged)");
    let schools = options(
        sc.schools()
            .iter()
            .map(|s| (s.id.clone(), format!("{} {} ({})", s.id, s.name, s.seats))),
        unchanged,
    );
    let districts = options(
        sc.districts()
            .iter()
            .map(|d| (d.id.clone(), format!("{} {}", d.id, d.name))),
        unchanged,
    );
    let indicators = options(
        sc.policy()
            .indicators
            .iter()
            .map(|i| (i.name.clone(), i.name.clone())),
        unchanged,
    );
    let ties = options(
        ["lottery", "keep_ties", "admit_all_tied"]
            .iter()
            .map(|t| (t.to_string(), tie_rule_label(ctx, t))),
        unchanged,
    );
    let _ = write!(
        b,
        "<section><h2>{title}</h2><p class=\"muted\">{note}</p>\
<form method=\"post\" action=\"{action}\" id=\"whatif\">\
<div><label>{school_l} <select name=\"school\" id=\"wi-school\">{schools}</select></label>\
<label>{seats_l} <input type=\"number\" min=\"0\" name=\"seats\" id=\"wi-seats\"></label></div>\
<div><label>{district_l} <select name=\"district\">{districts}</select></label>\
<label>{scale_l} <input type=\"text\" name=\"district_scale\" size=\"6\" placeholder=\"1.1\"></label></div>\
<div><label>{budget_l} <input type=\"number\" min=\"0\" name=\"budget\" placeholder=\"{budget_v}\"></label>\
<label>{subsidy_l} <input type=\"number\" min=\"0\" name=\"subsidy\"></label></div>\
<div><label>{ind_l} <select name=\"indicator\">{indicators}</select></label>\
<label>{weight_l} <input type=\"text\" name=\"weight\" size=\"6\" placeholder=\"1.5\"></label>\
<label>{tie_l} <select name=\"tie_rule\">{ties}</select></label></div>\
<button type=\"submit\" id=\"whatif-run\">{run_l}</button></form></section>",
        title = ctx.t("假设分析", "What-if"),
        note = ctx.t(
            "修改后重新运行，与基准方案并列比较，并列出结果改变的儿童。",
            "Change, re-run, and compare with the base side by side, with every child whose outcome changed."
        ),
        action = esc(&ctx.url(&format!("/s/{}/whatif", ws.id))),
        school_l = ctx.t("学校", "School"),
        seats_l = ctx.t("新学位数", "new seats"),
        district_l = ctx.t("区", "District"),
        scale_l = ctx.t("学位倍数", "seats ×"),
        budget_l = ctx.t("购买学位预算（元）", "Purchase budget (yuan)"),
        budget_v = sc.budget_yuan(),
        subsidy_l = ctx.t("每个购买学位补贴（元）", "Subsidy per bought place (yuan)"),
        ind_l = ctx.t("积分指标", "Indicator"),
        weight_l = ctx.t("权重倍数", "weight ×"),
        tie_l = ctx.t("同分规则", "Tie rule"),
        run_l = ctx.t("运行假设分析", "Run the what-if"),
    );
    let kinds = options(
        KINDS
            .iter()
            .map(|(k, zh, en)| (k.to_string(), ctx.t(zh, en).to_string())),
        ctx.t("（不用）", "(none)"),
    );
    let _ = write!(
        b,
        "<section><h2>{title}</h2><p class=\"muted\">{note}</p><form method=\"post\" action=\"{action}\" id=\"sweep\">\
<div><label>{name_l} <input type=\"text\" name=\"name\" size=\"40\"></label></div>",
        title = ctx.t("参数扫描", "Sweep"),
        note = ctx.t(
            "最多三个参数的网格；取值用逗号分隔。目标：学校、区、民办学校或指标的编号（预算和同分规则不需要）。",
            "A grid of up to three parameters; values separated by commas. Target: the id of a school, district, private school or indicator (none for the budget and the tie rule)."
        ),
        action = esc(&ctx.url(&format!("/s/{}/sweep", ws.id))),
        name_l = ctx.t("名称", "Name"),
    );
    for i in 1..=3 {
        let _ = write!(
            b,
            "<div><label>{} {i} <select name=\"kind{i}\">{kinds}</select></label>\
<label>{} <input type=\"text\" name=\"target{i}\" size=\"12\"></label>\
<label>{} <input type=\"text\" name=\"values{i}\" size=\"30\" placeholder=\"1.0, 1.1, 1.2\"></label></div>",
            ctx.t("参数", "Parameter"),
            ctx.t("目标", "target"),
            ctx.t("取值", "values"),
        );
    }
    let _ = write!(
        b,
        "<button type=\"submit\" id=\"sweep-run\">{}</button></form></section>",
        ctx.t("运行扫描", "Run the sweep")
    );
    layout(ctx, sc.name(), &b)
}
