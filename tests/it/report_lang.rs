//! `report.html` in each language: the Chinese report has its Chinese headings and none of the
//! English ones; the bilingual report has both; the English report is the golden one.

use seatplan::{run_report, run_report_in, Lang, Mechanism};

use super::util::{load, scenario_dir, solve_checked};

/// Every heading of a run's report, in Chinese and in English.
const HEADINGS: &[(&str, &str)] = &[
    ("入学报告", "Intake report"),
    ("主要数字", "Headline figures"),
    ("区县", "Districts"),
    ("各区县学位供需", "Supply and demand by district"),
    ("各区县安置结果", "Outcomes by district"),
    ("各校录取线积分", "Cut-off points per school"),
    ("区县数据", "Districts in figures"),
    ("各区县学校", "Schools by district"),
];

/// Table headers and labels that must not stay English in a Chinese report.
const LABELS: &[&str] = &[
    "children applying",
    "public school by choice",
    "first-choice applicants",
    "cut-off tier",
    "migrant applicants",
    "Choice stage:",
    "Written by seatplan",
    "school(s)",
    // The map's legend and its schools' tooltips.
    "under 50% filled",
    ">full<",
    ">no seats<",
    "seats filled",
    "purchasable places bought",
    "cut-off migrant",
    ", public)",
    ", private)",
];

#[test]
fn chinese_report_has_chinese_headings_and_no_english_ones() {
    let sc = load(&scenario_dir("tiny/purchase/scenario.toml"));
    let solved = solve_checked(&sc, Mechanism::Optimal);
    let zh = run_report_in(&sc, &solved, Lang::Zh);
    assert!(zh.contains("<html lang=\"zh-CN\">"));
    for (c, e) in HEADINGS {
        assert!(zh.contains(&format!(">{c}")), "{c} in the Chinese report");
        assert!(
            !zh.contains(e),
            "English heading {e:?} left in the Chinese report"
        );
    }
    for e in LABELS {
        assert!(
            !zh.contains(e),
            "English label {e:?} left in the Chinese report"
        );
    }
    for c in [
        "录取不足 50%",
        ">已满<",
        ">无学位<",
        "公办）",
        "民办）",
        "录取线 ",
    ] {
        assert!(zh.contains(c), "{c} on the Chinese map");
    }
    let both = run_report_in(&sc, &solved, Lang::Both);
    for (c, e) in HEADINGS {
        assert!(
            both.contains(&format!("{c} {e}")),
            "{c} {e} in the bilingual report"
        );
    }
    assert_eq!(
        run_report_in(&sc, &solved, Lang::En),
        run_report(&sc, &solved)
    );
}
