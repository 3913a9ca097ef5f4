//! The what-if and sweep forms turned into sweep files: a what-if is a one-point sweep keeping
//! the base seed, a sweep a grid of up to three parameters. The file is written into the
//! session folder and is the one the workbench runs, so `seatplan sweep` on it reproduces the
//! workbench's figures byte for byte.

use serde::{Deserialize, Serialize};

use seatplan::Scenario;

/// The what-if form: every field left empty stays as in the base.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WhatIfForm {
    /// A public school's id …
    pub school: String,
    /// … and its new seats.
    pub seats: String,
    /// A district's id …
    pub district: String,
    /// … and the factor on its public seats.
    pub district_scale: String,
    /// The purchase budget in yuan.
    pub budget: String,
    /// The subsidy per bought place at every private school, in yuan.
    pub subsidy: String,
    /// An indicator's name …
    pub indicator: String,
    /// … and the factor on its points.
    pub weight: String,
    /// The tie rule.
    pub tie_rule: String,
}

/// The sweep form: up to three parameters, each a kind, a target and values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SweepForm {
    /// The sweep's name.
    pub name: String,
    /// Kind of parameter 1–3 (`seats`, `seats_scale`, `budget_yuan`, …; empty: unused).
    pub kind1: String,
    /// Target id of parameter 1 (a school, district, private school or indicator).
    pub target1: String,
    /// Values of parameter 1, separated by commas or spaces.
    pub values1: String,
    /// Kind of parameter 2.
    pub kind2: String,
    /// Target id of parameter 2.
    pub target2: String,
    /// Values of parameter 2.
    pub values2: String,
    /// Kind of parameter 3.
    pub kind3: String,
    /// Target id of parameter 3.
    pub target3: String,
    /// Values of parameter 3.
    pub values3: String,
}

/// The kinds of parameter the sweep form offers, with their Chinese and English names.
pub const KINDS: [(&str, &str, &str); 6] = [
    ("seats", "学校学位数", "seats of a school"),
    (
        "seats_scale",
        "学位倍数（区或校）",
        "seats × factor (district or school)",
    ),
    (
        "budget_yuan",
        "购买学位预算（元）",
        "purchase budget (yuan)",
    ),
    (
        "subsidy_yuan",
        "每个购买学位补贴（元）",
        "subsidy per bought place (yuan)",
    ),
    (
        "weight_scale",
        "积分指标权重倍数",
        "indicator weight × factor",
    ),
    ("tie_rule", "同分规则", "tie rule"),
];

#[derive(Debug, Serialize)]
struct File {
    name: String,
    scenario: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    seeds: Option<&'static str>,
    parameter: Vec<Param>,
}

#[derive(Debug, Serialize)]
struct Param {
    id: String,
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    school: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_school: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    indicator: Option<String>,
    values: Vec<toml::Value>,
}

impl Param {
    fn new(id: &str, kind: &str, values: Vec<toml::Value>) -> Param {
        Param {
            id: id.to_string(),
            kind: kind.to_string(),
            district: None,
            school: None,
            private_school: None,
            indicator: None,
            values,
        }
    }
}

fn whole(field: &str, text: &str) -> Result<toml::Value, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .map(toml::Value::Integer)
        .ok_or_else(|| {
            format!("`{field}`: 需要非负整数 — must be a whole number ≥ 0, got `{text}`")
        })
}

fn factor(field: &str, text: &str) -> Result<toml::Value, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(toml::Value::Float)
        .ok_or_else(|| format!("`{field}`: 需要非负数 — must be a number ≥ 0, got `{text}`"))
}

/// One value of a sweep parameter: a word for the tie rule, a number otherwise.
fn value(kind: &str, text: &str) -> Result<toml::Value, String> {
    match kind {
        "tie_rule" => Ok(toml::Value::String(text.to_string())),
        "seats" | "budget_yuan" | "subsidy_yuan" => whole(kind, text),
        _ => factor(kind, text),
    }
}

/// The what-if as a sweep file over `scenario_file` and the words that say what it changes;
/// an error if a field is not a number or nothing is changed.
pub fn whatif_file(form: &WhatIfForm, scenario_file: &str) -> Result<(String, String), String> {
    let mut params = Vec::new();
    let mut label = Vec::new();
    let set = |s: &str| !s.trim().is_empty();
    if set(&form.school) || set(&form.seats) {
        let mut p = Param::new("seats", "seats", vec![whole("seats", &form.seats)?]);
        p.school = Some(form.school.trim().to_string());
        label.push(format!(
            "{} seats={}",
            form.school.trim(),
            form.seats.trim()
        ));
        params.push(p);
    }
    if set(&form.district) || set(&form.district_scale) {
        let mut p = Param::new(
            "district_seats",
            "seats_scale",
            vec![factor("district_scale", &form.district_scale)?],
        );
        p.district = Some(form.district.trim().to_string());
        label.push(format!(
            "{} seats×{}",
            form.district.trim(),
            form.district_scale.trim()
        ));
        params.push(p);
    }
    if set(&form.budget) {
        params.push(Param::new(
            "budget",
            "budget_yuan",
            vec![whole("budget", &form.budget)?],
        ));
        label.push(format!("budget={}", form.budget.trim()));
    }
    if set(&form.subsidy) {
        params.push(Param::new(
            "subsidy",
            "subsidy_yuan",
            vec![whole("subsidy", &form.subsidy)?],
        ));
        label.push(format!("subsidy={}", form.subsidy.trim()));
    }
    if set(&form.indicator) || set(&form.weight) {
        let mut p = Param::new(
            "weight",
            "weight_scale",
            vec![factor("weight", &form.weight)?],
        );
        p.indicator = Some(form.indicator.trim().to_string());
        label.push(format!("{}×{}", form.indicator.trim(), form.weight.trim()));
        params.push(p);
    }
    if set(&form.tie_rule) {
        params.push(Param::new(
            "tie_rule",
            "tie_rule",
            vec![toml::Value::String(form.tie_rule.trim().to_string())],
        ));
        label.push(format!("tie_rule={}", form.tie_rule.trim()));
    }
    if params.is_empty() {
        return Err(
            "没有修改任何参数 — the what-if changes nothing: fill in at least one field".into(),
        );
    }
    let label = label.join("; ");
    let file = File {
        name: format!("what-if: {label}"),
        scenario: scenario_file.to_string(),
        seeds: Some("base"),
        parameter: params,
    };
    Ok((render(&file), label))
}

/// The sweep form as a sweep file over `scenario_file` (points get derived seeds, as a sweep
/// file without `seeds` does); an error if a value is not a number or no parameter is given.
pub fn sweep_file(
    form: &SweepForm,
    scenario: &Scenario,
    scenario_file: &str,
) -> Result<String, String> {
    let rows = [
        (&form.kind1, &form.target1, &form.values1),
        (&form.kind2, &form.target2, &form.values2),
        (&form.kind3, &form.target3, &form.values3),
    ];
    let mut params = Vec::new();
    for (i, (kind, target, values)) in rows.into_iter().enumerate() {
        let kind = kind.trim();
        if kind.is_empty() {
            continue;
        }
        if !KINDS.iter().any(|k| k.0 == kind) {
            return Err(format!(
                "参数 {}: 未知类型 — parameter {}: unknown kind `{kind}`",
                i + 1,
                i + 1
            ));
        }
        let words: Vec<&str> = values
            .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Err(format!(
                "参数 {}: 没有取值 — parameter {}: no values",
                i + 1,
                i + 1
            ));
        }
        let values = words
            .iter()
            .map(|w| value(kind, w))
            .collect::<Result<Vec<_>, _>>()?;
        let mut p = Param::new(&format!("{kind}_{}", i + 1), kind, values);
        let target = target.trim().to_string();
        if !target.is_empty() {
            let is_district = scenario.districts().iter().any(|d| d.id == target);
            match kind {
                "seats" => p.school = Some(target),
                "seats_scale" if is_district => p.district = Some(target),
                "seats_scale" => p.school = Some(target),
                "subsidy_yuan" if is_district => p.district = Some(target),
                "subsidy_yuan" => p.private_school = Some(target),
                "weight_scale" => p.indicator = Some(target),
                // Budget and tie rule apply to the whole city: the sweep file refuses a target.
                _ => p.district = Some(target),
            }
        }
        params.push(p);
    }
    if params.is_empty() {
        return Err("没有参数 — the sweep has no parameter: choose a kind and values".into());
    }
    let name = if form.name.trim().is_empty() {
        "workbench sweep".to_string()
    } else {
        form.name.trim().to_string()
    };
    Ok(render(&File {
        name,
        scenario: scenario_file.to_string(),
        seeds: None,
        parameter: params,
    }))
}

fn render(file: &File) -> String {
    format!(
        "# Written by the seatplan workbench (`seatplan serve`); `seatplan sweep` on this file\n\
         # reproduces its figures.\n{}",
        toml::to_string(file).expect("a sweep file serialises")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whatif_is_a_one_point_sweep_keeping_the_base_seed() {
        let form = WhatIfForm {
            school: "S1".into(),
            seats: "3".into(),
            budget: "12000".into(),
            ..Default::default()
        };
        let (text, label) = whatif_file(&form, "/x/scenario.toml").unwrap();
        assert_eq!(label, "S1 seats=3; budget=12000");
        let v: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(v["seeds"].as_str(), Some("base"));
        assert_eq!(v["scenario"].as_str(), Some("/x/scenario.toml"));
        let p = v["parameter"].as_array().unwrap();
        assert_eq!(p[0]["kind"].as_str(), Some("seats"));
        assert_eq!(p[0]["school"].as_str(), Some("S1"));
        assert_eq!(p[0]["values"].as_array().unwrap()[0].as_integer(), Some(3));
        assert_eq!(p[1]["kind"].as_str(), Some("budget_yuan"));
    }

    #[test]
    fn bad_numbers_and_empty_whatifs_are_refused() {
        let bad = WhatIfForm {
            budget: "lots".into(),
            ..Default::default()
        };
        assert!(whatif_file(&bad, "s.toml")
            .unwrap_err()
            .contains("`budget`"));
        assert!(whatif_file(&WhatIfForm::default(), "s.toml").is_err());
    }
}
