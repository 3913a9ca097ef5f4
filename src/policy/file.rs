//! Reading a points-policy TOML file into a validated [`Policy`].
//!
//! Step one deserialises the file into structs shaped like it (unknown keys are refused, so a
//! typo never goes unnoticed); step two checks names and numbers and reports every problem with
//! the file, the line and the key.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{
    CategoryFact, Gates, Indicator, IndicatorRule, MilliPoints, NumericFact, Policy, TieKey,
    TieRule, Tier,
};
use crate::error::InputError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    name: String,
    #[serde(default)]
    gates: GatesFile,
    #[serde(default)]
    indicators: Vec<IndicatorFile>,
    #[serde(default)]
    priority: PriorityFile,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct GatesFile {
    #[serde(default)]
    min_permit_months: u32,
    #[serde(default)]
    min_insurance_months: u32,
    #[serde(default)]
    require_housing: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    name: String,
    fact: Spanned<String>,
    points_per_unit: Option<Spanned<f64>>,
    cap: Option<Spanned<f64>>,
    points: Option<Spanned<BTreeMap<String, f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorityFile {
    #[serde(default = "default_tiers")]
    tiers: Vec<Spanned<String>>,
    #[serde(default)]
    tie_break: Vec<Spanned<String>>,
    #[serde(default)]
    rule: Option<Spanned<String>>,
}

impl Default for PriorityFile {
    fn default() -> Self {
        PriorityFile {
            tiers: default_tiers(),
            tie_break: Vec::new(),
            rule: None,
        }
    }
}

fn default_tiers() -> Vec<Spanned<String>> {
    Tier::ALL
        .iter()
        .map(|t| Spanned::new(0..0, t.name().to_string()))
        .collect()
}

/// 1-based line of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// Turns a `toml` parse error into an input error with its line.
pub(crate) fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> InputError {
    let message = err.message().to_string();
    match err.span() {
        Some(span) => InputError {
            file: path.to_path_buf(),
            line: Some(line_of(text, span.start)),
            field: None,
            message,
        },
        None => InputError::file(path, message),
    }
}

fn to_milli(value: f64) -> Option<MilliPoints> {
    let milli = (value * 1000.0).round();
    (value.is_finite() && milli.abs() < 1e15).then_some(milli as MilliPoints)
}

/// Parses and validates a policy from its text; `path` only names the file in errors.
pub fn parse_policy(path: &Path, text: &str) -> Result<Policy, Vec<InputError>> {
    let file: PolicyFile = toml::from_str(text).map_err(|e| vec![toml_error(path, text, &e)])?;
    let mut errors = Vec::new();
    let err_at = |span: std::ops::Range<usize>, field: &str, msg: String| InputError {
        file: path.to_path_buf(),
        line: (span.end > 0).then(|| line_of(text, span.start)),
        field: Some(field.to_string()),
        message: msg,
    };

    let mut indicators = Vec::new();
    for ind in &file.indicators {
        let fact_name = ind.fact.get_ref().as_str();
        let numeric = NumericFact::ALL.into_iter().find(|f| f.name() == fact_name);
        let category = match fact_name {
            "housing" => Some(CategoryFact::Housing),
            "education" => Some(CategoryFact::Education),
            _ => None,
        };
        if let Some(fact) = numeric {
            if ind.points.is_some() {
                errors.push(err_at(
                    ind.fact.span(),
                    "points",
                    format!(
                        "`{fact_name}` is a count: use `points_per_unit` (and `cap`), not `points`"
                    ),
                ));
                continue;
            }
            let Some(per_unit) = &ind.points_per_unit else {
                errors.push(err_at(
                    ind.fact.span(),
                    "points_per_unit",
                    format!(
                        "indicator `{}` reads `{fact_name}` and needs `points_per_unit`",
                        ind.name
                    ),
                ));
                continue;
            };
            let per = match to_milli(*per_unit.get_ref()) {
                Some(p) if p >= 0 => p,
                _ => {
                    errors.push(err_at(
                        per_unit.span(),
                        "points_per_unit",
                        format!("must be a number ≥ 0, got {}", per_unit.get_ref()),
                    ));
                    continue;
                }
            };
            let cap = match &ind.cap {
                None => None,
                Some(c) => match to_milli(*c.get_ref()) {
                    Some(v) if v >= 0 => Some(v),
                    _ => {
                        errors.push(err_at(
                            c.span(),
                            "cap",
                            format!("must be a number ≥ 0, got {}", c.get_ref()),
                        ));
                        continue;
                    }
                },
            };
            indicators.push(Indicator {
                name: ind.name.clone(),
                rule: IndicatorRule::PerUnit {
                    fact,
                    per_unit: per,
                    cap,
                },
            });
        } else if let Some(fact) = category {
            if ind.points_per_unit.is_some() || ind.cap.is_some() {
                errors.push(err_at(
                    ind.fact.span(),
                    "points_per_unit",
                    format!(
                        "`{fact_name}` is a category: give `points = {{ value = points, ... }}`"
                    ),
                ));
                continue;
            }
            let Some(points) = &ind.points else {
                errors.push(err_at(
                    ind.fact.span(),
                    "points",
                    format!(
                        "indicator `{}` reads `{fact_name}` and needs a `points` table",
                        ind.name
                    ),
                ));
                continue;
            };
            let allowed = fact.values();
            let mut table = BTreeMap::new();
            for (value, pts) in points.get_ref() {
                if !allowed.contains(&value.as_str()) {
                    errors.push(err_at(
                        points.span(),
                        "points",
                        format!(
                            "`{value}` is not a value of `{fact_name}` (expected one of: {})",
                            allowed.join(", ")
                        ),
                    ));
                    continue;
                }
                match to_milli(*pts) {
                    Some(p) if p >= 0 => {
                        table.insert(value.clone(), p);
                    }
                    _ => errors.push(err_at(
                        points.span(),
                        "points",
                        format!("points for `{value}` must be a number ≥ 0, got {pts}"),
                    )),
                }
            }
            indicators.push(Indicator {
                name: ind.name.clone(),
                rule: IndicatorRule::Category {
                    fact,
                    points: table,
                },
            });
        } else {
            let known: Vec<&str> = NumericFact::ALL
                .iter()
                .map(|f| f.name())
                .chain(["housing", "education"])
                .collect();
            errors.push(err_at(
                ind.fact.span(),
                "fact",
                format!(
                    "unknown fact `{fact_name}` (known facts: {})",
                    known.join(", ")
                ),
            ));
        }
    }

    let mut tiers = Vec::new();
    let mut seen_tiers = HashSet::new();
    for t in &file.priority.tiers {
        match Tier::ALL.into_iter().find(|x| x.name() == t.get_ref()) {
            Some(tier) if seen_tiers.insert(tier) => tiers.push(tier),
            Some(_) => errors.push(err_at(
                t.span(),
                "priority.tiers",
                format!("tier `{}` is listed twice", t.get_ref()),
            )),
            None => errors.push(err_at(
                t.span(),
                "priority.tiers",
                format!(
                    "unknown tier `{}` (known tiers: {})",
                    t.get_ref(),
                    Tier::ALL.map(|t| t.name()).join(", ")
                ),
            )),
        }
    }
    if file.priority.tiers.is_empty() {
        errors.push(InputError {
            file: path.to_path_buf(),
            line: None,
            field: Some("priority.tiers".into()),
            message: "at least one tier is needed, or no child could be admitted".into(),
        });
    }

    let mut tie_keys = Vec::new();
    for k in &file.priority.tie_break {
        match TieKey::ALL.into_iter().find(|x| x.name() == k.get_ref()) {
            Some(key) if !tie_keys.contains(&key) => tie_keys.push(key),
            Some(_) => errors.push(err_at(
                k.span(),
                "priority.tie_break",
                format!("tie-break key `{}` is listed twice", k.get_ref()),
            )),
            None => errors.push(err_at(
                k.span(),
                "priority.tie_break",
                format!(
                    "unknown tie-break key `{}` (known keys: {})",
                    k.get_ref(),
                    TieKey::ALL.map(|t| t.name()).join(", ")
                ),
            )),
        }
    }

    let tie_rule = match &file.priority.rule {
        None => TieRule::Lottery,
        Some(r) => match r.get_ref().as_str() {
            "lottery" => TieRule::Lottery,
            "keep_ties" => TieRule::KeepTies,
            other => {
                errors.push(err_at(
                    r.span(),
                    "priority.rule",
                    format!("unknown rule `{other}` (expected `lottery` or `keep_ties`)"),
                ));
                TieRule::Lottery
            }
        },
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Policy {
        name: file.name,
        gates: Gates {
            min_permit_months: file.gates.min_permit_months,
            min_insurance_months: file.gates.min_insurance_months,
            require_housing: file.gates.require_housing,
        },
        indicators,
        tiers,
        tie_keys,
        tie_rule,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "test"
[gates]
min_permit_months = 12
[[indicators]]
name = "insurance"
fact = "insurance_months"
points_per_unit = 0.5
cap = 30
[[indicators]]
name = "home"
fact = "housing"
points = { owned = 20, rented = 10 }
[priority]
tiers = ["catchment_hukou", "migrant"]
tie_break = ["birth_date"]
rule = "keep_ties"
"#;

    #[test]
    fn parses_a_good_policy() {
        let p = parse_policy(Path::new("policy.toml"), GOOD).unwrap();
        assert_eq!(p.indicators.len(), 2);
        assert_eq!(p.tiers, vec![Tier::CatchmentHukou, Tier::Migrant]);
        assert_eq!(p.tie_rule, TieRule::KeepTies);
        assert_eq!(
            p.indicators[0].rule,
            IndicatorRule::PerUnit {
                fact: NumericFact::InsuranceMonths,
                per_unit: 500,
                cap: Some(30_000)
            }
        );
    }

    #[test]
    fn reports_every_bad_name_with_its_line() {
        let text = GOOD
            .replace("\"insurance_months\"", "\"insurence_months\"")
            .replace("\"birth_date\"", "\"shoe_size\"")
            .replace("cap = 30", "cap = -3");
        let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
        let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(shown.len(), 2, "{shown:#?}");
        assert!(shown[0].starts_with("p.toml:7: field `fact`: unknown fact `insurence_months`"));
        assert!(shown[1].starts_with(
            "p.toml:16: field `priority.tie_break`: unknown tie-break key `shoe_size`"
        ));
    }

    #[test]
    fn negative_cap_is_refused() {
        let errs =
            parse_policy(Path::new("p.toml"), &GOOD.replace("cap = 30", "cap = -3")).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "p.toml:9: field `cap`: must be a number ≥ 0, got -3"
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_a_line() {
        let errs = parse_policy(Path::new("p.toml"), "name = \"x\"\nbonus = 3\n").unwrap_err();
        assert_eq!(errs[0].line, Some(2));
        assert!(
            errs[0].message.contains("unknown field `bonus`"),
            "{}",
            errs[0]
        );
    }
}
