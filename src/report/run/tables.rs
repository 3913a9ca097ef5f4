//! The tables of a run's report: the districts in figures and each district's schools.

use std::fmt::Write as _;

use super::super::{pct, say, table, Cell};
use crate::chart::svg::esc;
use crate::lang::Lang;
use crate::metrics::{DistrictBalance, OutcomeCounts, SchoolTallies};
use crate::policy::format_points;
use crate::scenario::Scenario;

/// The "Districts in figures" table: supply, demand and outcomes of each district.
pub(super) fn districts(
    b: &mut String,
    balance: &[DistrictBalance],
    by_district: &[OutcomeCounts],
    labels: &[String],
    lang: Lang,
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
    let _ = writeln!(
        b,
        "<h3>{}</h3>",
        lang.pick("区县数据", "Districts in figures")
    );
    let header: Vec<String> = [
        ("区县", "district"),
        ("预计", "projected"),
        ("报名", "applicants"),
        ("随迁子女报名", "migrant applicants"),
        ("公办学位", "public seats"),
        ("可购买", "purchasable"),
        ("按志愿", "by choice"),
        ("第一志愿", "first choice"),
        ("统筹", "coordinated"),
        ("购买", "purchased"),
        ("未安置", "unplaced"),
        ("公办比例", "public share"),
    ]
    .iter()
    .map(|(zh, en)| lang.pick(zh, en))
    .collect();
    table(b, &header, &rows);
}

/// A table of each district's public and private schools, folded when the city is large.
pub(super) fn schools(
    b: &mut String,
    scenario: &Scenario,
    tallies: &SchoolTallies,
    labels: &[String],
    lang: Lang,
) {
    let open = if scenario.schools.len() + scenario.private_schools.len() <= 60 {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        b,
        "<h2>{}</h2>",
        lang.pick("各区县学校", "Schools by district")
    );
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
                Cell::Text(lang.pick("公办", "public")),
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
                Cell::Text(say(
                    lang,
                    "民办（每个学位 {} 元）",
                    "private ({} yuan a place)",
                    &[p.cost_per_seat().to_string()],
                )),
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
            "<details{open}><summary>{}</summary>",
            say(
                lang,
                "{} — {} 所学校",
                "{} — {} school(s)",
                &[esc(label), rows.len().to_string()],
            )
        );
        let header: Vec<String> = [
            ("学校编号", "school"),
            ("名称", "name"),
            ("类型", "kind"),
            ("学位", "seats"),
            ("已录取", "filled"),
            ("按志愿", "by choice"),
            ("统筹", "coordinated"),
            ("报名", "applicants"),
            ("第一志愿报名", "first-choice applicants"),
            ("录取线类别", "cut-off tier"),
            ("录取线积分", "cut-off points"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en))
        .collect();
        table(b, &header, &rows);
        b.push_str("</details>\n");
    }
}
