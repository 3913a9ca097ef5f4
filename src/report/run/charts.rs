//! The charts of a run's report: supply and demand, outcomes and cut-offs, by district.

use std::fmt::Write as _;

use super::super::{figure, say};
use crate::chart::svg::{self, Format};
use crate::chart::{self, Dot, Series};
use crate::lang::Lang;
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
pub(super) fn supply_and_demand(
    b: &mut String,
    balance: &[DistrictBalance],
    labels: &[String],
    lang: Lang,
) {
    let col = |f: fn(&DistrictBalance) -> u64| -> Vec<f64> {
        balance.iter().map(|r| f(r) as f64).collect()
    };
    let series = [
        Series {
            name: lang.pick(
                "按常住人口预计的适龄儿童",
                "children projected from the permanent population",
            ),
            colour: "#8c8c8c".into(),
            values: col(|r| r.projected_children),
        },
        Series {
            name: lang.pick("报名人数", "applicants"),
            colour: "#4e79a7".into(),
            values: col(|r| r.applicants),
        },
        Series {
            name: lang.pick("公办学位", "public seats"),
            colour: "#59a14f".into(),
            values: col(|r| r.public_seats),
        },
        Series {
            name: lang.pick("可购买民办学位", "purchasable private places"),
            colour: PURCHASED.into(),
            values: col(|r| r.purchasable_places),
        },
    ];
    let title = lang.pick("各区县学位供需", "Supply and demand by district");
    figure(
        b,
        &title,
        &lang.pick(
            "每个区县：按常住人口预计的适龄儿童、居住在该区县的报名人数、入学年级的公办学位和教育局可购买的民办学位。蓝色柱高于绿色柱时，报名人数多于公办学位。",
            "For each district: the children expected from its permanent population, the applicants \
             living there, its public seats at the entry grade and the private places the bureau may \
             buy. Where the blue bar passes the green one, applicants outnumber public seats.",
        ),
        &chart::grouped_bars(
            &title,
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
    lang: Lang,
) {
    let col = |f: fn(&OutcomeCounts) -> u64| -> Vec<f64> {
        by_district.iter().map(|o| f(o) as f64).collect()
    };
    let series = [
        Series {
            name: lang.pick("按志愿进入公办", "public by choice"),
            colour: CHOICE.into(),
            values: col(|o| o.by_choice),
        },
        Series {
            name: lang.pick("统筹安排", "coordinated"),
            colour: COORDINATED.into(),
            values: col(|o| o.coordinated),
        },
        Series {
            name: lang.pick("购买学位", "purchased"),
            colour: PURCHASED.into(),
            values: col(|o| o.purchased),
        },
        Series {
            name: lang.pick("未安置", "unplaced"),
            colour: UNPLACED.into(),
            values: col(|o| o.unplaced),
        },
    ];
    let title = lang.pick("各区县安置结果", "Outcomes by district");
    figure(
        b,
        &title,
        &lang.pick(
            "每根柱是一个区县的报名儿童（按居住地），按安置结果分段，显示为占该区县报名人数的比例；悬停可见人数。红色为未安置的儿童。",
            "Each bar is one district's applicants (by where they live), split by outcome, as a \
             share of the district's applicants; hover for counts. Red is children left unplaced.",
        ),
        &chart::stacked_shares(&title, labels, &series),
    );
}

/// The cut-off chart: one row per district, one dot per public school that admitted anyone by
/// choice, coloured by the tier of the last child admitted.
pub(super) fn cutoffs(
    b: &mut String,
    scenario: &Scenario,
    tallies: &SchoolTallies,
    labels: &[String],
    lang: Lang,
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
            tip: say(
                lang,
                "{} {}：最后录取 {}，{} 分（{} 个学位，{} 人报名）",
                "{} {}: last admitted {} with {} points ({} seats, {} applicants)",
                &[
                    school.id.clone(),
                    school.name.clone(),
                    c.tier.to_string(),
                    format_points(c.points),
                    t.seats.to_string(),
                    t.applicants.to_string(),
                ],
            ),
        });
    }
    let legend: Vec<(String, String)> = tiers
        .iter()
        .enumerate()
        .map(|(k, t)| {
            (
                say(lang, "最后录取：{}", "last admitted: {}", &[t.to_string()]),
                svg::PALETTE[k % svg::PALETTE.len()].to_string(),
            )
        })
        .collect();
    let mut caption = lang.pick(
        "每个点是一所公办学校，位于其区县一行，横坐标为它按志愿录取的最低优先级儿童的积分（录取线）；颜色为该儿童的类别。较高类别无论积分都优先，因此只在同一颜色内比较积分。悬停可见学校。",
        "Each dot is one public school, in its district's row, placed at the points of the \
         lowest-priority child it admitted by choice (its cut-off); the colour is that child's \
         tier. A higher tier always comes first whatever the points, so compare points within \
         one colour. Hover for the school.",
    );
    if none > 0 {
        let _ = write!(
            caption,
            " {}",
            say(
                lang,
                "{} 所学校没有按志愿录取任何人，未画出。",
                "{} school(s) admitted nobody by choice and are not drawn.",
                &[none.to_string()],
            )
        );
    }
    let title = lang.pick("各校录取线积分", "Cut-off points per school");
    figure(
        b,
        &title,
        &caption,
        &chart::dot_rows(&title, labels, &dots, &legend, Format::Decimal),
    );
}
