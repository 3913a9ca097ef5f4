//! Reading a points-policy TOML file into a validated [`Policy`].
//!
//! Step one deserialises the file into structs shaped like it (unknown keys are refused, so a
//! typo never goes unnoticed); step two checks names and numbers and reports every problem with
//! the file, the line and the key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{
    Bracket, CategoryFact, Fact, Gates, Indicator, IndicatorRule, Layer, MilliPoints, NumericFact,
    Policy, TieKey, TieRule, Tier,
};
use crate::domain::DistrictIdx;
use crate::error::InputError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    name: String,
    #[serde(default)]
    gates: GatesFile,
    #[serde(default)]
    layers: LayersFile,
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
    #[serde(default)]
    no_back_payment: bool,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LayersFile {
    total: Option<Spanned<f64>>,
    provincial: Option<Spanned<f64>>,
    city: Option<Spanned<f64>>,
    district: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BracketFile {
    from: u32,
    to: Option<u32>,
    points: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    name: Spanned<String>,
    layer: Option<Spanned<String>>,
    district: Option<Spanned<String>>,
    fact: Spanned<String>,
    recognise_elsewhere: Option<Spanned<f64>>,
    points_per_unit: Option<Spanned<f64>>,
    brackets: Option<Spanned<Vec<BracketFile>>>,
    points: Option<Spanned<BTreeMap<String, f64>>>,
    cap: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorityFile {
    #[serde(default = "default_tiers")]
    tiers: Vec<Spanned<String>>,
    #[serde(default)]
    schools: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    tie_break: Vec<Spanned<String>>,
    #[serde(default)]
    rule: Option<Spanned<String>>,
}

impl Default for PriorityFile {
    fn default() -> Self {
        PriorityFile {
            tiers: default_tiers(),
            schools: BTreeMap::new(),
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
    let message = match err.message().trim() {
        "" => err
            .to_string()
            .lines()
            .last()
            .unwrap_or("invalid TOML")
            .trim()
            .to_string(),
        m => m.to_string(),
    };
    let message = if message.is_empty() {
        "invalid TOML".to_string()
    } else {
        message
    };
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

struct Errors<'a> {
    path: &'a Path,
    text: &'a str,
    list: Vec<InputError>,
}

impl Errors<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, field: &str, message: String) {
        self.list.push(InputError {
            file: self.path.to_path_buf(),
            line: (span.end > 0).then(|| line_of(self.text, span.start)),
            field: Some(field.to_string()),
            message,
        });
    }

    /// Milli-points of a non-negative number of points, or an error.
    fn points(&mut self, v: &Spanned<f64>, field: &str) -> Option<MilliPoints> {
        match to_milli(*v.get_ref()) {
            Some(p) if p >= 0 => Some(p),
            _ => {
                self.at(
                    v.span(),
                    field,
                    format!("must be a number ≥ 0, got {}", v.get_ref()),
                );
                None
            }
        }
    }

    fn tiers(&mut self, list: &[Spanned<String>], field: &str) -> Vec<Tier> {
        let mut tiers = Vec::new();
        for t in list {
            match Tier::ALL.into_iter().find(|x| x.name() == t.get_ref()) {
                Some(tier) if !tiers.contains(&tier) => tiers.push(tier),
                Some(_) => self.at(
                    t.span(),
                    field,
                    format!("tier `{}` is listed twice", t.get_ref()),
                ),
                None => self.at(
                    t.span(),
                    field,
                    format!(
                        "unknown tier `{}` (known tiers: {})",
                        t.get_ref(),
                        Tier::ALL.map(|t| t.name()).join(", ")
                    ),
                ),
            }
        }
        tiers
    }
}

const BUILTIN_FACTS: [&str; 5] = [
    "insurance_months",
    "residence_months",
    "permit_months",
    "housing",
    "education",
];

fn indicator(e: &mut Errors, ind: &IndicatorFile) -> Option<Indicator> {
    let name = ind.name.get_ref().clone();
    let line = line_of(e.text, ind.fact.span().start);
    let here = ind.fact.span();
    let layer = match &ind.layer {
        None => Layer::City,
        Some(l) => match Layer::ALL.into_iter().find(|x| x.name() == l.get_ref()) {
            Some(layer) => layer,
            None => {
                e.at(
                    l.span(),
                    "layer",
                    format!(
                        "unknown layer `{}` (expected provincial, city or district)",
                        l.get_ref()
                    ),
                );
                return None;
            }
        },
    };
    match (&ind.district, layer) {
        (None, Layer::District) => {
            e.at(
                here.clone(),
                "district",
                format!("indicator `{name}` is in the district layer and must name its `district`"),
            );
            return None;
        }
        (Some(d), Layer::Provincial | Layer::City) => {
            e.at(
                d.span(),
                "district",
                format!(
                    "only district-layer indicators name a district (`{name}` is {})",
                    layer.name()
                ),
            );
            return None;
        }
        _ => {}
    }
    let fact_name = ind.fact.get_ref().as_str();
    let fact = if let Some(f) = NumericFact::ALL.into_iter().find(|f| f.name() == fact_name) {
        Fact::Numeric(f)
    } else if fact_name == "housing" {
        Fact::Category(CategoryFact::Housing)
    } else if fact_name == "education" {
        Fact::Category(CategoryFact::Education)
    } else if !fact_name.is_empty()
        && fact_name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        // An extra fact: resolved against the children file's `fact_<name>` columns later.
        Fact::Extra {
            name: fact_name.to_string(),
            slot: usize::MAX,
        }
    } else {
        e.at(
            here,
            "fact",
            format!("`{fact_name}` is not a fact name (lower-case letters, digits and `_`)"),
        );
        return None;
    };
    let recognition = match &ind.recognise_elsewhere {
        None => None,
        Some(r) => {
            let ok_fact = matches!(
                fact,
                Fact::Numeric(NumericFact::InsuranceMonths | NumericFact::ResidenceMonths)
            );
            let f = *r.get_ref();
            if !ok_fact {
                e.at(r.span(), "recognise_elsewhere", format!("only insurance_months and residence_months have months elsewhere to recognise, not `{fact_name}`"));
                return None;
            }
            if !(f > 0.0 && f <= 1.0) {
                e.at(
                    r.span(),
                    "recognise_elsewhere",
                    format!("must be a factor in (0, 1], got {f}"),
                );
                return None;
            }
            Some((f * 1000.0).round() as i64)
        }
    };
    let given = [
        ind.points_per_unit.is_some(),
        ind.brackets.is_some(),
        ind.points.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        e.at(
            here,
            "points",
            format!(
                "indicator `{name}` needs exactly one of `points_per_unit`, `brackets` or `points`"
            ),
        );
        return None;
    }
    let rule = if let Some(p) = &ind.points {
        let Fact::Category(cat) = fact else {
            e.at(
                p.span(),
                "points",
                format!("`{fact_name}` is a number: use `points_per_unit` or `brackets`"),
            );
            return None;
        };
        let allowed = cat.values();
        let mut table = BTreeMap::new();
        for (value, pts) in p.get_ref() {
            if !allowed.contains(&value.as_str()) {
                e.at(
                    p.span(),
                    "points",
                    format!(
                        "`{value}` is not a value of `{fact_name}` (expected one of: {})",
                        allowed.join(", ")
                    ),
                );
                return None;
            }
            table.insert(
                value.clone(),
                e.points(&Spanned::new(p.span(), *pts), "points")?,
            );
        }
        IndicatorRule::Category(table)
    } else if matches!(fact, Fact::Category(_)) {
        e.at(
            here,
            "points",
            format!("`{fact_name}` is a category: give `points = {{ value = points, ... }}`"),
        );
        return None;
    } else if let Some(per) = &ind.points_per_unit {
        IndicatorRule::PerUnit {
            per_unit: e.points(per, "points_per_unit")?,
        }
    } else {
        let b = ind.brackets.as_ref().expect("one rule is given");
        let mut steps = Vec::new();
        for (i, step) in b.get_ref().iter().enumerate() {
            if step.to.is_some_and(|t| t <= step.from) {
                e.at(
                    b.span(),
                    "brackets",
                    format!(
                        "bracket {} runs from {} to {:?}: `to` must be above `from`",
                        i + 1,
                        step.from,
                        step.to.unwrap()
                    ),
                );
                return None;
            }
            let points = e.points(&Spanned::new(b.span(), step.points), "brackets")?;
            steps.push(Bracket {
                from: step.from,
                to: step.to,
                points,
            });
        }
        steps.sort_by_key(|s| s.from);
        for w in steps.windows(2) {
            match w[0].to {
                Some(to) if to <= w[1].from => {}
                _ => {
                    let show = |b: &Bracket| {
                        format!(
                            "[{}, {})",
                            b.from,
                            b.to.map_or("…".into(), |t| t.to_string())
                        )
                    };
                    e.at(
                        b.span(),
                        "brackets",
                        format!("brackets overlap: {} and {}", show(&w[0]), show(&w[1])),
                    );
                    return None;
                }
            }
        }
        IndicatorRule::Brackets(steps)
    };
    let cap = match &ind.cap {
        None => None,
        Some(c) => Some(e.points(c, "cap")?),
    };
    Some(Indicator {
        name,
        layer,
        district: None,
        district_id: ind.district.as_ref().map(|d| d.get_ref().clone()),
        fact,
        recognition,
        rule,
        cap,
        line,
    })
}

/// Parses and validates a policy from its text; `path` only names the file in errors. Names
/// that depend on the scenario (districts, schools, extra facts) are checked by [`resolve`].
pub fn parse_policy(path: &Path, text: &str) -> Result<Policy, Vec<InputError>> {
    let file: PolicyFile = toml::from_str(text).map_err(|e| vec![toml_error(path, text, &e)])?;
    let mut e = Errors {
        path,
        text,
        list: Vec::new(),
    };
    let indicators: Vec<Indicator> = file
        .indicators
        .iter()
        .filter_map(|i| indicator(&mut e, i))
        .collect();

    let caps = [
        &file.layers.provincial,
        &file.layers.city,
        &file.layers.district,
    ];
    let mut layer_caps = [None; 3];
    for (slot, (cap, layer)) in layer_caps.iter_mut().zip(caps.into_iter().zip(Layer::ALL)) {
        if let Some(c) = cap {
            *slot = e.points(c, &format!("layers.{}", layer.name()));
        }
    }
    if let Some(total) = &file.layers.total {
        match (e.points(total, "layers.total"), layer_caps) {
            (Some(t), [Some(a), Some(b), Some(c)]) if a + b + c != t => e.at(
                total.span(),
                "layers.total",
                format!(
                    "the layer caps add up to {} (provincial {} + city {} + district {}), not {}",
                    super::format_points(a + b + c),
                    super::format_points(a),
                    super::format_points(b),
                    super::format_points(c),
                    super::format_points(t)
                ),
            ),
            (Some(_), [Some(_), Some(_), Some(_)]) | (None, _) => {}
            (Some(_), _) => e.at(
                total.span(),
                "layers.total",
                "a total needs a cap for every layer (provincial, city, district)".into(),
            ),
        }
    }

    let tiers = e.tiers(&file.priority.tiers, "priority.tiers");
    if file.priority.tiers.is_empty() {
        e.list.push(InputError {
            file: path.to_path_buf(),
            line: None,
            field: Some("priority.tiers".into()),
            message: "at least one tier is needed, or no child could be admitted".into(),
        });
    }
    let mut school_tiers = BTreeMap::new();
    for (school, list) in &file.priority.schools {
        let t = e.tiers(list.get_ref(), &format!("priority.schools.{school}"));
        school_tiers.insert(school.clone(), (t, line_of(text, list.span().start)));
    }

    let mut tie_keys = Vec::new();
    for k in &file.priority.tie_break {
        match TieKey::ALL.into_iter().find(|x| x.name() == k.get_ref()) {
            Some(key) if !tie_keys.contains(&key) => tie_keys.push(key),
            Some(_) => e.at(
                k.span(),
                "priority.tie_break",
                format!("tie-break key `{}` is listed twice", k.get_ref()),
            ),
            None => e.at(
                k.span(),
                "priority.tie_break",
                format!(
                    "unknown tie-break key `{}` (known keys: {})",
                    k.get_ref(),
                    TieKey::ALL.map(|t| t.name()).join(", ")
                ),
            ),
        }
    }

    let tie_rule = match &file.priority.rule {
        None => TieRule::Lottery,
        Some(r) => {
            match [TieRule::Lottery, TieRule::KeepTies, TieRule::AdmitAllTied]
                .into_iter()
                .find(|t| t.name() == r.get_ref())
            {
                Some(t) => t,
                None => {
                    e.at(
                    r.span(),
                    "priority.rule",
                    format!("unknown rule `{}` (expected `lottery`, `keep_ties` or `admit_all_tied`)", r.get_ref()),
                );
                    TieRule::Lottery
                }
            }
        }
    };

    if !e.list.is_empty() {
        return Err(e.list);
    }
    Ok(Policy {
        name: file.name,
        gates: Gates {
            min_permit_months: file.gates.min_permit_months,
            min_insurance_months: file.gates.min_insurance_months,
            require_housing: file.gates.require_housing,
            no_back_payment: file.gates.no_back_payment,
        },
        indicators,
        layer_caps,
        tiers,
        school_tiers,
        tie_keys,
        tie_rule,
    })
}

/// Checks the names a policy takes from the scenario and binds them: each district-layer
/// indicator's district, each extra fact to its children-file column `fact_<name>`, each school
/// with its own tier order.
pub fn resolve(
    path: &Path,
    policy: &mut Policy,
    districts: &dyn Fn(&str) -> Option<DistrictIdx>,
    schools: &dyn Fn(&str) -> bool,
    extra_facts: &[String],
) -> Vec<InputError> {
    let mut errors = Vec::new();
    for ind in &mut policy.indicators {
        if let Some(id) = &ind.district_id {
            ind.district = districts(id);
            if ind.district.is_none() {
                errors.push(InputError::at(
                    path,
                    ind.line,
                    "district",
                    format!("unknown district `{id}` in indicator `{}`", ind.name),
                ));
            }
        }
        if let Fact::Extra { name, slot } = &mut ind.fact {
            match extra_facts.iter().position(|f| f == name) {
                Some(i) => *slot = i,
                None => errors.push(InputError::at(
                    path,
                    ind.line,
                    "fact",
                    format!(
                        "unknown fact `{name}`: not one of {} and the children file has no column `fact_{name}`",
                        BUILTIN_FACTS.join(", ")
                    ),
                )),
            }
        }
    }
    for (school, (_, line)) in &policy.school_tiers {
        if !schools(school) {
            errors.push(InputError::at(
                path,
                *line,
                format!("priority.schools.{school}"),
                format!("unknown public school `{school}`"),
            ));
        }
    }
    errors
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
        let first = &p.indicators[0];
        assert_eq!(first.fact, Fact::Numeric(NumericFact::InsuranceMonths));
        assert_eq!(first.rule, IndicatorRule::PerUnit { per_unit: 500 });
        assert_eq!(
            (first.cap, first.layer, first.line),
            (Some(30_000), Layer::City, 7)
        );
    }

    #[test]
    fn reports_every_bad_name_with_its_line() {
        let text = GOOD.replace("\"birth_date\"", "\"shoe_size\"");
        let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
        let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            shown,
            ["p.toml:16: field `priority.tie_break`: unknown tie-break key `shoe_size` (known keys: insurance_months, residence_months, permit_months, birth_date)"]
        );
        // A fact that is neither built in nor a column of the children file.
        let text = GOOD.replace("\"insurance_months\"", "\"insurence_months\"");
        let mut policy = parse_policy(Path::new("p.toml"), &text).unwrap();
        let errs = resolve(Path::new("p.toml"), &mut policy, &|_| None, &|_| true, &[]);
        assert_eq!(
            errs[0].to_string(),
            "p.toml:7: field `fact`: unknown fact `insurence_months`: not one of insurance_months, residence_months, permit_months, housing, education and the children file has no column `fact_insurence_months`"
        );
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
    fn overlapping_brackets_are_refused() {
        let text = GOOD.replace(
            "points_per_unit = 0.5",
            "brackets = [{ from = 0, to = 24, points = 5 }, { from = 12, points = 10 }]",
        );
        let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "p.toml:8: field `brackets`: brackets overlap: [0, 24) and [12, …)"
        );
    }

    #[test]
    fn layer_caps_must_add_up_to_the_total() {
        let text =
            format!("{GOOD}\n[layers]\ntotal = 300\nprovincial = 100\ncity = 150\ndistrict = 40\n");
        let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "p.toml:20: field `layers.total`: the layer caps add up to 290 (provincial 100 + city 150 + district 40), not 300"
        );
    }

    #[test]
    fn district_layer_needs_a_district() {
        let text = GOOD.replace("name = \"home\"", "name = \"home\"\nlayer = \"district\"");
        let errs = parse_policy(Path::new("p.toml"), &text).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "p.toml:13: field `district`: indicator `home` is in the district layer and must name its `district`"
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
