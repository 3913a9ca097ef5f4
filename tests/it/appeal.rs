//! Reproducibility and appeals: the manifest, `verify`, and an appeal that corrects a fact.

use super::util::{copy_scenario, scenario_dir, seatplan};

#[test]
fn verify_confirms_an_untouched_run_and_names_what_changed() {
    let dir = copy_scenario("tiny/two-schools");
    let scenario = dir.path().join("scenario.toml");
    let out = dir.path().join("out");
    let o = seatplan(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--statements",
        "-q",
    ]);
    assert!(o.status.success());
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"statements\": true"), "{manifest}");
    assert!(
        manifest.contains("\"file\": \"statements.csv\""),
        "{manifest}"
    );

    let o = seatplan(&["verify", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "verified: inputs unchanged (7 files), re-run outputs byte-identical (8 files)"
        ),
        "{stderr}"
    );

    // An altered output is caught...
    let placements = out.join("placements.csv");
    let text = std::fs::read_to_string(&placements).unwrap();
    std::fs::write(
        &placements,
        text.replace("budget_exhausted", "choices_full"),
    )
    .unwrap();
    let o = seatplan(&["verify", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&o.stderr).contains("placements.csv was altered after the run"));

    // ...and so is a changed input.
    let children = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&children).unwrap();
    std::fs::write(
        &children,
        text.replace(
            "D,2017-05-01,D1,2,0.5,,24,40,",
            "D,2017-05-01,D1,2,0.5,,24,41,",
        ),
    )
    .unwrap();
    let o = seatplan(&["verify", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("input changed since the run: ") && stderr.contains("children.csv"),
        "{stderr}"
    );
}

#[test]
fn an_appeal_lists_everyone_it_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("appeal");
    let appeal = scenario_dir("tiny/appeal/appeal.toml");
    let o = seatplan(&[
        "appeal",
        appeal.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // With her missed months counted D has 70 points (insurance is capped at 60) and takes S2
    // from C (50), who falls back to the one bought place.
    assert_eq!(
        std::fs::read_to_string(out.join("changes.csv")).unwrap(),
        "child,before,after\nC,public S2 (choice 2),purchased P1\nD,purchased P1,public S2 (choice 1)\n"
    );
    assert!(stderr.contains("independent check passed"), "{stderr}");
}

#[test]
fn a_bad_appeal_names_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("appeal.toml");
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    std::fs::write(
        &file,
        format!(
            "scenario = \"{}\"\n\n[[child]]\nid = \"D\"\ninsurance_months = -3\nshoe_size = 30\n\n[[child]]\nid = \"Q\"\n",
            scenario.display()
        ),
    )
    .unwrap();
    let errors: Vec<String> = seatplan::load_appeal(&file)
        .unwrap_err()
        .errors
        .iter()
        .map(|e| {
            e.to_string()
                .replace(&format!("{}/", tmp.path().display()), "")
        })
        .collect();
    assert_eq!(
        errors,
        [
            "appeal.toml:5: field `insurance_months`: must be a whole number of months 0–1200, got -3",
            "appeal.toml:6: field `shoe_size`: not a fact an appeal can correct",
            "appeal.toml:9: field `id`: no child `Q` in the scenario",
        ]
    );
}

/// A correction the scenario's rules refuse (a month count above 1,200) is reported at its line
/// in the appeal file, like a correction of the wrong type.
#[test]
fn a_correction_out_of_range_names_the_appeal_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("appeal.toml");
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    std::fs::write(
        &file,
        format!(
            "scenario = \"{}\"\n\n[[child]]\nid = \"D\"\npermit_months = 12\ninsurance_months = 1500\n",
            scenario.display()
        ),
    )
    .unwrap();
    let errors: Vec<String> = seatplan::load_appeal(&file)
        .unwrap_err()
        .errors
        .iter()
        .map(|e| {
            e.to_string()
                .replace(&format!("{}/", tmp.path().display()), "")
        })
        .collect();
    assert_eq!(
        errors,
        ["appeal.toml:6: field `insurance_months`: must be a whole number of months 0–1200, got 1500"]
    );
}

#[test]
fn explain_writes_json_and_a_printable_page() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    let o = seatplan(&[
        "explain",
        scenario.to_str().unwrap(),
        "--child",
        "F",
        "--format",
        "json",
        "--lang",
        "both",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["outcome"],
        "no place 未安排学位: the purchase budget left could not pay for a place within reach"
    );
    assert_eq!(v["unplaced_reason"], "budget_exhausted");
    assert_eq!(v["choices"][0]["verdict"], "fewer_points");
    assert_eq!(v["choices"][0]["needed"], "50");

    let page = tmp.path().join("F.html");
    let o = seatplan(&[
        "explain",
        scenario.to_str().unwrap(),
        "--child",
        "F",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(
        html.contains("P-21e0b30e6c"),
        "the cut-off holder appears by pseudonym"
    );
    assert!(
        !html.contains(">B<") && !html.contains(" B "),
        "another child's id leaked"
    );

    let o = seatplan(&["explain", scenario.to_str().unwrap(), "--child", "Z"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no child `Z`"));
}

/// The letters of an appeal: one explanation per child concerned (D, corrected and moved; C,
/// moved), under the corrections, in the language asked, each on a page of its own; the
/// corrected report in that language too.
#[test]
fn an_appeal_writes_a_letter_to_each_family_concerned_in_its_language() {
    let tmp = tempfile::tempdir().unwrap();
    let appeal = scenario_dir("tiny/appeal/appeal.toml");
    for (lang, d_outcome, c_outcome) in [
        (
            "zh",
            "结果：第 1 志愿录取 — Second Primary (S2)",
            "结果：政府购买民办学位",
        ),
        (
            "en",
            "Outcome: admitted to choice 1 — Second Primary (S2)",
            "Outcome: a government-purchased private place",
        ),
    ] {
        let out = tmp.path().join(lang);
        let o = seatplan(&[
            "appeal",
            appeal.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--lang",
            lang,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let letters = std::fs::read_to_string(out.join("letters.txt")).unwrap();
        let pages: Vec<&str> = letters.split("\u{c}\n").collect();
        assert_eq!(pages.len(), 2, "{letters}");
        assert!(pages[0].starts_with(if lang == "zh" {
            "儿童：C "
        } else {
            "Child: C "
        }));
        assert!(pages[0].contains(c_outcome), "{}", pages[0]);
        assert!(pages[1].contains(d_outcome), "{}", pages[1]);
        let report = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert_eq!(
            report.contains("<html lang=\"zh-CN\">"),
            lang == "zh",
            "report.html in {lang}"
        );
        if lang == "en" {
            assert!(
                !letters
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{letters}"
            );
        }
    }
}
