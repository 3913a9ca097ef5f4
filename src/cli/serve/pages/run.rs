//! A run's pages: the key figures and districts, then the drill-down — a district's schools, a
//! school's admitted children (by pseudonym), its cut-off and waitlist, and a child's
//! explanation as a parent gets it (Chinese and English, printable). What-if runs are shown with
//! the same pages.

use std::fmt::Write;

use seatplan::domain::{ChildIdx, DistrictIdx, SchoolIdx};
use seatplan::policy::format_points;
use seatplan::{
    explain, explain_html, pseudonym, Outcome, PointKpis, Scenario, SchoolTallies, Solved,
};

use super::{downloads, esc, layout, num, outcome_words, pct, tier_label};
use crate::cli::serve::i18n::Ctx;

/// A solved scenario as the run pages show it.
pub struct View<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// It solved.
    pub solved: &'a Solved,
    /// Its key figures.
    pub kpis: &'a PointKpis,
    /// Its school tallies.
    pub tallies: &'a SchoolTallies,
    /// The route of the result (`/runs/7`), under which the drill-down pages are.
    pub base: String,
    /// What it is, for the titles.
    pub title: String,
}

/// The headline figures as boxes.
pub fn figures(ctx: &Ctx, k: &PointKpis) -> String {
    let mut b = String::from("<div class=\"grid\" id=\"figures\">");
    let mut fig = |v: String, l: &str| {
        let _ = write!(
            b,
            "<div class=\"figure\"><div class=\"v\">{}</div><div>{}</div></div>",
            esc(&v),
            esc(l)
        );
    };
    fig(num(k.children), ctx.t("申请儿童", "children applying"));
    fig(
        format!("{} ({})", num(k.public), pct(k.public, k.children)),
        ctx.t(
            "公办学位（志愿+统筹）",
            "in public schools (choice + coordinated)",
        ),
    );
    fig(
        format!(
            "{} ({})",
            num(k.first_choice),
            pct(k.first_choice, k.children)
        ),
        ctx.t("第一志愿录取", "at their first choice"),
    );
    fig(num(k.coordinated), ctx.t("统筹安置", "coordinated"));
    fig(
        num(k.purchased),
        ctx.t("政府购买民办学位", "bought private places"),
    );
    fig(
        format!("{} / {}", num(k.purchase_cost_yuan), num(k.budget_yuan)),
        ctx.t("购买费用 / 预算（元）", "cost / budget (yuan)"),
    );
    fig(num(k.unplaced), ctx.t("未安置", "unplaced"));
    fig(
        if k.check_passed {
            ctx.t("通过", "passed").to_string()
        } else {
            ctx.t("未通过", "FAILED").to_string()
        },
        ctx.t("独立校验", "independent check"),
    );
    b.push_str("</div>");
    b
}

fn find_form(ctx: &Ctx, v: &View) -> String {
    format!(
        "<form method=\"get\" action=\"{}/child\" id=\"find\"><input type=\"hidden\" name=\"token\" value=\"{}\">{}\
<label>{} <input type=\"text\" name=\"id\" id=\"find-id\"></label> <button type=\"submit\">{}</button></form>",
        esc(&v.base),
        esc(&ctx.token),
        if ctx.lang == crate::cli::serve::i18n::Lang::En {
            "<input type=\"hidden\" name=\"lang\" value=\"en\">"
        } else {
            ""
        },
        ctx.t("查找儿童（编号）", "Find a child (id)"),
        ctx.t("查找", "Find"),
    )
}

/// The districts table, each row linking to the district's schools.
pub fn districts_table(ctx: &Ctx, v: &View) -> String {
    let mut b = format!(
        "<table id=\"districts\"><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr>",
        ctx.t("区", "District"),
        ctx.t("儿童", "Children"),
        ctx.t("随迁子女", "Migrant"),
        ctx.t("公办学位", "Public seats"),
        ctx.t("公办", "Public"),
        ctx.t("购买", "Purchased"),
        ctx.t("未安置", "Unplaced"),
    );
    for (i, d) in v.kpis.districts.iter().enumerate() {
        let name = &v.scenario.districts()[i].name;
        let _ = write!(
            b,
            "<tr><td><a href=\"{}\">{} {}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&ctx.url(&format!("{}/district/{i}", v.base))),
            esc(&d.district),
            esc(name),
            num(d.children),
            num(d.migrant_children),
            num(d.public_seats),
            num(d.public),
            num(d.purchased),
            num(d.unplaced),
        );
    }
    b.push_str("</table>");
    b
}

/// The run's page.
pub fn run(ctx: &Ctx, v: &View, files: &[String], extra: &str) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<section>{}{}</section><section><h2>{}</h2>{}</section>{}",
        figures(ctx, v.kpis),
        find_form(ctx, v),
        ctx.t("各区", "Districts"),
        districts_table(ctx, v),
        extra,
    );
    if files.iter().any(|f| f.ends_with("report.html")) {
        let report = files
            .iter()
            .find(|f| f.ends_with("report.html"))
            .expect("found");
        let _ = write!(
            b,
            "<p><a id=\"report\" href=\"{}\">{}</a></p>",
            esc(&ctx.url(&format!("{}/files/{report}", v.base))),
            ctx.t(
                "完整报告（report.html，可打印）",
                "The full report (report.html, printable)"
            )
        );
    }
    b.push_str(&downloads(ctx, &format!("{}/files", v.base), files));
    layout(ctx, &v.title, &b)
}

/// A district's schools.
pub fn district(ctx: &Ctx, v: &View, d: DistrictIdx) -> String {
    let sc = v.scenario;
    let dist = &sc.districts()[d.ix()];
    let mut b = format!(
        "<section><table id=\"schools\"><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr>",
        ctx.t("学校", "School"),
        ctx.t("学位", "Seats"),
        ctx.t("志愿录取", "By choice"),
        ctx.t("统筹", "Coordinated"),
        ctx.t("报名", "Applicants"),
        ctx.t("录取分数线（类别、积分）", "Cut-off (tier, points)"),
    );
    for s in sc.school_indices().filter(|&s| sc.school(s).district == d) {
        let school = sc.school(s);
        let t = &v.tallies.public[s.ix()];
        let cutoff = t.cutoff.as_ref().map_or("–".to_string(), |c| {
            format!("{} {}", tier_label(ctx, c.tier), format_points(c.points))
        });
        let _ = write!(
            b,
            "<tr><td><a href=\"{}\">{} {}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&ctx.url(&format!("{}/school/{}", v.base, s.ix()))),
            esc(&school.id),
            esc(&school.name),
            t.seats,
            t.by_choice,
            t.coordinated,
            t.applicants,
            esc(&cutoff)
        );
    }
    b.push_str("</table></section>");
    let _ = write!(
        b,
        "<p><a href=\"{}\">{}</a></p>",
        esc(&ctx.url(&v.base)),
        ctx.t("返回全市", "Back to the city")
    );
    layout(ctx, &format!("{} — {} {}", v.title, dist.id, dist.name), &b)
}

/// The most rows a child list shows.
const MAX_ROWS: usize = 1000;

/// A school: its admitted children by pseudonym, its cut-off and its waitlist.
pub fn school(ctx: &Ctx, v: &View, s: SchoolIdx) -> String {
    let sc = v.scenario;
    let ranking = &v.solved.ranking;
    let outcomes = &v.solved.assignment.outcomes;
    let school = sc.school(s);
    let t = &v.tallies.public[s.ix()];
    let points = |c: ChildIdx| format_points(ranking.points_at(sc, c, school.district));
    let tier = |c: ChildIdx| {
        ranking.tier_at(sc, c, s).map_or("–".to_string(), |(_, t)| {
            tier_label(ctx, t.name()).to_string()
        })
    };
    let mut admitted: Vec<(Option<seatplan::Priority>, ChildIdx)> = sc
        .child_indices()
        .filter(|&c| match outcomes[c.ix()] {
            Outcome::Choice { school: at, .. } | Outcome::Coordinated { school: at } => at == s,
            _ => false,
        })
        .map(|c| (ranking.priority(sc, c, s), c))
        .collect();
    admitted.sort();
    let mut waitlist: Vec<(seatplan::Priority, ChildIdx)> = sc
        .child_indices()
        .filter(|&c| sc.child(c).choices.contains(&s))
        .filter(|&c| !matches!(outcomes[c.ix()], Outcome::Choice { school: at, .. } if at == s))
        .filter_map(|c| ranking.priority(sc, c, s).map(|p| (p, c)))
        .collect();
    waitlist.sort();
    let mut b = String::new();
    let cutoff = t.cutoff.as_ref().map_or(
        ctx.t("无（无人按志愿录取）", "none (nobody admitted by choice)")
            .to_string(),
        |c| {
            format!(
                "{} · {} {} · {} {}",
                pseudonym(sc, &sc.child(c.holder).id),
                ctx.t("类别", "tier"),
                tier_label(ctx, c.tier),
                ctx.t("积分", "points"),
                format_points(c.points)
            )
        },
    );
    let _ =
        write!(
        b,
        "<section><p>{}: {} · {}: {} · {}: {} · {}: {}</p><p id=\"cutoff\">{}: {}</p></section>",
        ctx.t("学位", "Seats"),
        t.seats,
        ctx.t("志愿录取", "by choice"),
        t.by_choice,
        ctx.t("统筹", "coordinated"),
        t.coordinated,
        ctx.t("报名", "applicants"),
        t.applicants,
        ctx.t("录取分数线（最后录取者）", "Cut-off (the last seat by choice)"),
        esc(&cutoff)
    );
    let row = |b: &mut String, c: ChildIdx, extra: String| {
        let _ = write!(
            b,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&ctx.url(&format!("{}/child/{}", v.base, c.ix()))),
            esc(&pseudonym(sc, &sc.child(c).id)),
            esc(&tier(c)),
            esc(&points(c)),
            esc(&extra)
        );
    };
    let head = |id: &str, last: &str| {
        format!(
            "<table id=\"{id}\"><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr>",
            ctx.t("儿童（化名）", "Child (pseudonym)"),
            ctx.t("类别", "Tier"),
            ctx.t("积分", "Points"),
            last
        )
    };
    let _ = write!(
        b,
        "<section><h2>{} ({})</h2>{}",
        ctx.t("录取儿童", "Admitted children"),
        admitted.len(),
        head("admitted", ctx.t("方式", "How"))
    );
    for &(_, c) in admitted.iter().take(MAX_ROWS) {
        row(&mut b, c, outcome_words(ctx, sc, outcomes[c.ix()]));
    }
    b.push_str("</table></section>");
    let _ = write!(
        b,
        "<section><h2>{} ({})</h2><p class=\"muted\">{}</p>{}",
        ctx.t(
            "候补（报了该校但未按志愿录取）",
            "Waitlist (listed the school, not admitted by choice)"
        ),
        waitlist.len(),
        ctx.t(
            "按该校的录取顺序排列。",
            "In the school's order of priority."
        ),
        head("waitlist", ctx.t("现结果", "Now"))
    );
    for &(_, c) in waitlist.iter().take(MAX_ROWS) {
        row(&mut b, c, outcome_words(ctx, sc, outcomes[c.ix()]));
    }
    b.push_str("</table></section>");
    if admitted.len().max(waitlist.len()) > MAX_ROWS {
        let _ = write!(
            b,
            "<p class=\"muted\">{} {MAX_ROWS} {}</p>",
            ctx.t("仅显示前", "Only the first"),
            ctx.t(
                "行；完整名单见 placements.csv。",
                "rows are shown; placements.csv has them all."
            )
        );
    }
    let _ = write!(
        b,
        "<p><a href=\"{}\">{}</a></p>",
        esc(&ctx.url(&format!("{}/district/{}", v.base, school.district.ix()))),
        ctx.t("返回本区", "Back to the district")
    );
    layout(
        ctx,
        &format!("{} — {} {}", v.title, school.id, school.name),
        &b,
    )
}

/// The explanation of child `c`, as a parent gets it: bilingual, printable.
pub fn explanation_page(v: &View, c: ChildIdx) -> String {
    let e = explain(
        v.scenario,
        &v.solved.ranking,
        &v.solved.assignment.outcomes,
        v.tallies,
        c,
    );
    explain_html(&e)
}

/// A child's page: the explanation inside the workbench, with a link to the printable page.
pub fn child(ctx: &Ctx, v: &View, c: ChildIdx) -> String {
    let html = explanation_page(v, c);
    let body = html
        .split_once("<body>")
        .and_then(|(_, rest)| rest.rsplit_once("</body>"))
        .map_or(html.as_str(), |(body, _)| body);
    let sc = v.scenario;
    let child = sc.child(c);
    let b = format!(
        "<section id=\"explanation\">{body}</section><p class=\"noprint\"><a id=\"print\" href=\"{}\">{}</a> · <a href=\"{}\">{}</a></p>",
        esc(&ctx.url(&format!("{}/child/{}/print", v.base, c.ix()))),
        ctx.t("可打印的说明（给家长）", "Printable explanation (for the family)"),
        esc(&ctx.url(&v.base)),
        ctx.t("返回", "Back"),
    );
    layout(
        ctx,
        &format!(
            "{} {} ({})",
            ctx.t("入学结果说明", "Placement explanation"),
            child.id,
            pseudonym(sc, &child.id)
        ),
        &b,
    )
}
