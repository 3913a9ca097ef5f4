//! Reading a sweep file and checking it against its base scenario.
//!
//! ```toml
//! name = "Xiaoshan seats and the purchase budget"
//! scenario = "../hangzhou/scenario.toml"   # relative to this file
//! combine = "cross"                          # or "list": one [[point]] table per point
//! seeds = "derived"                          # or "base": every point keeps the base seed
//!
//! [[parameter]]
//! id = "xiaoshan_seats"
//! kind = "seats_scale"
//! district = "330109"
//! values = [1.0, 1.1, 1.2]
//!
//! [[parameter]]
//! id = "budget"
//! kind = "budget_yuan"
//! range = { from = 40000000, to = 120000000, step = 20000000 }
//! ```
//!
//! Every problem is reported with the sweep file, its line and the key, like scenario errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::domain::{DistrictIdx, PrivateIdx, SchoolIdx};
use crate::error::{InputError, InputErrors, InputKind};
use crate::policy::file::{from_toml, line_of};
use crate::policy::TieRule;
use crate::scenario::Scenario;

/// What a parameter changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Multiplies public seats (of the city, a district or a school); rounded per school.
    SeatsScale,
    /// Sets one school's seats.
    Seats,
    /// Sets the purchase budget.
    BudgetYuan,
    /// Sets the subsidy per bought place (of every private school, a district's or one).
    SubsidyYuan,
    /// Multiplies one indicator's points (its rule and its own cap).
    WeightScale,
    /// Sets the tie rule (`lottery`, `keep_ties`, `admit_all_tied`).
    TieRule,
    /// Grows (or shrinks, when negative) the applicants of the city or a district by a share.
    DemandGrowth,
    /// Sets the share of migrant children among the applicants of the city or a district.
    MigrantShare,
}

impl Kind {
    const ALL: [(&'static str, Kind); 8] = [
        ("seats_scale", Kind::SeatsScale),
        ("seats", Kind::Seats),
        ("budget_yuan", Kind::BudgetYuan),
        ("subsidy_yuan", Kind::SubsidyYuan),
        ("weight_scale", Kind::WeightScale),
        ("tie_rule", Kind::TieRule),
        ("demand_growth", Kind::DemandGrowth),
        ("migrant_share", Kind::MigrantShare),
    ];

    pub fn name(self) -> &'static str {
        Kind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |p| p.0)
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().find(|(n, _)| *n == s).map(|p| p.1)
    }

    /// The target keys this kind accepts, and whether one is required.
    fn targets(self) -> (&'static [&'static str], bool) {
        match self {
            Kind::SeatsScale => (&["district", "school"], false),
            Kind::Seats => (&["school"], true),
            Kind::BudgetYuan | Kind::TieRule => (&[], false),
            Kind::SubsidyYuan => (&["district", "private_school"], false),
            Kind::WeightScale => (&["indicator"], true),
            Kind::DemandGrowth | Kind::MigrantShare => (&["district"], false),
        }
    }
}

/// What part of the city a parameter is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    City,
    District(DistrictIdx),
    School(SchoolIdx),
    PrivateSchool(PrivateIdx),
    /// Index into the policy's indicators.
    Indicator(usize),
}

/// One value a parameter takes: its text (as in the outputs) and what it means.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number { text: String, value: f64 },
    TieRule(TieRule),
}

impl Value {
    pub fn text(&self) -> &str {
        match self {
            Value::Number { text, .. } => text,
            Value::TieRule(r) => r.name(),
        }
    }
}

/// A validated parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub id: String,
    pub kind: Kind,
    pub target: Target,
    /// The target's id as written (empty for the city).
    pub target_id: String,
    pub values: Vec<Value>,
    /// Values are collected from the `[[point]]` tables (list mode without `values`).
    pub open: bool,
}

/// Whether points keep the base seed or get one derived from their key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeds {
    Derived,
    Base,
}

/// A validated sweep: its points are lists of value indices, one per parameter.
#[derive(Debug, Clone)]
pub struct SweepSpec {
    pub name: String,
    pub file: PathBuf,
    pub scenario_file: PathBuf,
    pub seeds: Seeds,
    pub parameters: Vec<Parameter>,
    pub points: Vec<Vec<usize>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    name: String,
    scenario: String,
    #[serde(default)]
    combine: Option<Spanned<String>>,
    #[serde(default)]
    seeds: Option<Spanned<String>>,
    #[serde(default)]
    parameter: Vec<ParameterFile>,
    #[serde(default)]
    point: Vec<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterFile {
    id: Spanned<String>,
    kind: Spanned<String>,
    district: Option<Spanned<String>>,
    school: Option<Spanned<String>>,
    private_school: Option<Spanned<String>>,
    indicator: Option<Spanned<String>>,
    values: Option<Spanned<Vec<toml::Value>>>,
    range: Option<Spanned<RangeFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeFile {
    from: toml::Value,
    to: toml::Value,
    step: toml::Value,
}

/// The most points a sweep may have (a guard against a typo in a range).
pub const MAX_POINTS: usize = 1_000_000;

/// Reads the sweep file; the base scenario is named by [`SweepSpec::scenario_file`] and checked
/// by [`SweepFileText::resolve`] once loaded.
pub fn read(path: &Path) -> Result<(SweepFileText, PathBuf), InputErrors> {
    let text = crate::input::read_input_text(path).map_err(|e| {
        InputErrors::one(
            InputKind::Sweep,
            InputError::file(path, format!("cannot read the sweep file: {e}")),
        )
    })?;
    let file: SweepFile =
        from_toml(path, &text).map_err(|e| InputErrors::one(InputKind::Sweep, e))?;
    let scenario = path.parent().unwrap_or(Path::new(".")).join(&file.scenario);
    Ok((
        SweepFileText {
            path: path.to_path_buf(),
            text,
            file,
        },
        scenario,
    ))
}

/// A sweep file read but not yet checked against its scenario.
#[derive(Debug)]
pub struct SweepFileText {
    path: PathBuf,
    text: String,
    file: SweepFile,
}

impl SweepFileText {
    /// The sweep file's bytes (part of the sweep's fingerprint).
    pub fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// Checks the parameters against the base scenario and lists the points.
    pub fn resolve(
        self,
        scenario: &Scenario,
        scenario_file: PathBuf,
    ) -> Result<SweepSpec, InputErrors> {
        let SweepFileText { path, text, file } = self;
        let mut errors = Vec::new();
        let at = |span: std::ops::Range<usize>, field: &str, message: String| InputError {
            file: path.clone(),
            line: Some(line_of(&text, span.start)),
            field: Some(field.to_string()),
            message,
        };
        let seeds = match file
            .seeds
            .as_ref()
            .map(|s| (s.get_ref().as_str(), s.span()))
        {
            None | Some(("derived", _)) => Seeds::Derived,
            Some(("base", _)) => Seeds::Base,
            Some((other, span)) => {
                errors.push(at(
                    span,
                    "seeds",
                    format!("must be \"derived\" or \"base\", got {other:?}"),
                ));
                Seeds::Derived
            }
        };
        let combine = file
            .combine
            .as_ref()
            .map(|c| (c.get_ref().as_str(), c.span()));
        let list_mode = matches!(combine, Some(("list", _)));
        let mut parameters = Vec::new();
        for p in &file.parameter {
            match parameter(p, scenario, list_mode, &at) {
                Ok(param) => {
                    if parameters.iter().any(|q: &Parameter| q.id == param.id) {
                        errors.push(at(
                            p.id.span(),
                            "id",
                            format!("parameter `{}` is defined twice", param.id),
                        ));
                    } else {
                        parameters.push(param);
                    }
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        let points = match combine {
            None | Some(("cross", _)) => {
                if let Some(p) = file.point.first() {
                    errors.push(at(
                        p.span(),
                        "point",
                        "[[point]] tables need combine = \"list\"".into(),
                    ));
                }
                cross_product(&parameters).unwrap_or_else(|| {
                    errors.push(InputError::file(
                        &path,
                        format!("the cross product has more than {MAX_POINTS} points"),
                    ));
                    Vec::new()
                })
            }
            Some(("list", span)) => {
                if file.point.is_empty() {
                    errors.push(at(
                        span,
                        "combine",
                        "combine = \"list\" needs at least one [[point]] table".into(),
                    ));
                }
                let mut points = Vec::new();
                for p in &file.point {
                    match listed_point(p, &mut parameters, &at) {
                        Ok(point) => points.push(point),
                        Err(mut e) => errors.append(&mut e),
                    }
                }
                points
            }
            Some((other, span)) => {
                errors.push(at(
                    span,
                    "combine",
                    format!("must be \"cross\" or \"list\", got {other:?}"),
                ));
                Vec::new()
            }
        };
        if points.len() > MAX_POINTS {
            errors.push(InputError::file(
                &path,
                format!(
                    "the sweep has {} points; at most {MAX_POINTS} are allowed",
                    points.len()
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(InputErrors::new(InputKind::Sweep, errors));
        }
        Ok(SweepSpec {
            name: file.name,
            file: path,
            scenario_file,
            seeds,
            parameters,
            points,
        })
    }
}

type At<'a> = dyn Fn(std::ops::Range<usize>, &str, String) -> InputError + 'a;

fn parameter(
    p: &ParameterFile,
    scenario: &Scenario,
    list_mode: bool,
    at: &At,
) -> Result<Parameter, Vec<InputError>> {
    let mut errors = Vec::new();
    let id = p.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        errors.push(at(
            p.id.span(),
            "id",
            format!("must be letters, digits, `_` or `-`, got {id:?}"),
        ));
    }
    let Some(kind) = Kind::parse(p.kind.get_ref()) else {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.0).collect();
        errors.push(at(
            p.kind.span(),
            "kind",
            format!(
                "unknown kind {:?}; expected one of {}",
                p.kind.get_ref(),
                names.join(", ")
            ),
        ));
        return Err(errors);
    };
    let (allowed, required) = kind.targets();
    let given: Vec<(&str, &Spanned<String>)> = [
        ("district", &p.district),
        ("school", &p.school),
        ("private_school", &p.private_school),
        ("indicator", &p.indicator),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    .collect();
    let mut target = Target::City;
    let mut target_id = String::new();
    for (key, value) in &given {
        if !allowed.contains(key) {
            let what = if allowed.is_empty() {
                "no target".to_string()
            } else {
                allowed.join(" or ")
            };
            errors.push(at(
                value.span(),
                key,
                format!("kind `{}` takes {what}", kind.name()),
            ));
            continue;
        }
        let name = value.get_ref();
        let found = match *key {
            "district" => scenario
                .districts
                .iter()
                .position(|d| &d.id == name)
                .map(|i| Target::District(DistrictIdx(i as u32))),
            "school" => scenario
                .schools
                .iter()
                .position(|s| &s.id == name)
                .map(|i| Target::School(SchoolIdx(i as u32))),
            "private_school" => scenario
                .private_schools
                .iter()
                .position(|s| &s.id == name)
                .map(|i| Target::PrivateSchool(PrivateIdx(i as u32))),
            _ => scenario
                .policy
                .indicators
                .iter()
                .position(|i| &i.name == name)
                .map(Target::Indicator),
        };
        match found {
            Some(t) => {
                target = t;
                target_id = name.clone();
            }
            None => errors.push(at(
                value.span(),
                key,
                format!("no {} `{name}` in the base scenario", key.replace('_', " ")),
            )),
        }
    }
    if given.len() > 1 {
        errors.push(at(
            p.id.span(),
            "id",
            "give at most one target (district, school, private_school or indicator)".into(),
        ));
    }
    if required && given.is_empty() {
        errors.push(at(
            p.kind.span(),
            "kind",
            format!("kind `{}` needs a `{}`", kind.name(), allowed[0]),
        ));
    }
    let values = match (&p.values, &p.range) {
        (Some(v), None) => {
            let mut out = Vec::new();
            for raw in v.get_ref() {
                match value(kind, raw) {
                    Ok(x) => out.push(x),
                    Err(m) => errors.push(at(v.span(), "values", m)),
                }
            }
            if v.get_ref().is_empty() {
                errors.push(at(v.span(), "values", "needs at least one value".into()));
            }
            out
        }
        (None, Some(r)) => match range(kind, r.get_ref()) {
            Ok(v) => v,
            Err(m) => {
                errors.push(at(r.span(), "range", m));
                Vec::new()
            }
        },
        (None, None) if list_mode => Vec::new(),
        _ => {
            let also = if list_mode {
                ", or neither to take the values of the [[point]] tables"
            } else {
                ""
            };
            errors.push(at(
                p.id.span(),
                "values",
                format!("give either `values = [...]` or `range = {{ from, to, step }}`{also}"),
            ));
            Vec::new()
        }
    };
    for (i, v) in values.iter().enumerate() {
        if values[..i].iter().any(|w| w.text() == v.text()) {
            let span = p.values.as_ref().map_or(p.id.span(), |v| v.span());
            errors.push(at(
                span,
                "values",
                format!("value {} is listed twice", v.text()),
            ));
        }
    }
    if errors.is_empty() {
        let open = values.is_empty();
        Ok(Parameter {
            id,
            kind,
            target,
            target_id,
            values,
            open,
        })
    } else {
        Err(errors)
    }
}

/// Writes a number as the outputs show it: integers plainly, others with at most 10 decimals.
fn number_text(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.10}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A numeric value, rounded to what its text says (so the key and the value agree).
fn number(kind: Kind, x: f64) -> Result<Value, String> {
    if !x.is_finite() {
        return Err(format!("{x} is not a finite number"));
    }
    let text = number_text(x);
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{x} cannot be written exactly"))?;
    let ok = match kind {
        Kind::SeatsScale | Kind::WeightScale => (0.0..=100.0).contains(&value),
        Kind::Seats | Kind::BudgetYuan | Kind::SubsidyYuan => {
            value >= 0.0 && value == value.trunc() && value <= 1e15
        }
        Kind::DemandGrowth => value > -1.0 && value <= 10.0,
        Kind::MigrantShare => (0.0..=1.0).contains(&value),
        Kind::TieRule => false,
    };
    if !ok {
        let want = match kind {
            Kind::SeatsScale | Kind::WeightScale => "a factor between 0 and 100",
            Kind::Seats | Kind::BudgetYuan | Kind::SubsidyYuan => "a whole number ≥ 0",
            Kind::DemandGrowth => "a share above -1 and at most 10 (0.1 = 10 % more applicants)",
            Kind::MigrantShare => "a share between 0 and 1",
            Kind::TieRule => unreachable!(),
        };
        return Err(format!("{} must be {want}, got {text}", kind.name()));
    }
    Ok(Value::Number { text, value })
}

fn value(kind: Kind, raw: &toml::Value) -> Result<Value, String> {
    match (kind, raw) {
        (Kind::TieRule, toml::Value::String(s)) => match s.as_str() {
            "lottery" => Ok(Value::TieRule(TieRule::Lottery)),
            "keep_ties" => Ok(Value::TieRule(TieRule::KeepTies)),
            "admit_all_tied" => Ok(Value::TieRule(TieRule::AdmitAllTied)),
            _ => Err(format!(
                "tie_rule must be \"lottery\", \"keep_ties\" or \"admit_all_tied\", got {s:?}"
            )),
        },
        (Kind::TieRule, other) => Err(format!("tie_rule values are words, got {other}")),
        (_, toml::Value::Integer(i)) => number(kind, *i as f64),
        (_, toml::Value::Float(f)) => number(kind, *f),
        (_, other) => Err(format!("{} values are numbers, got {other}", kind.name())),
    }
}

fn range(kind: Kind, r: &RangeFile) -> Result<Vec<Value>, String> {
    let num = |v: &toml::Value, key: &str| match v {
        toml::Value::Integer(i) => Ok(*i as f64),
        toml::Value::Float(f) if f.is_finite() => Ok(*f),
        other => Err(format!("range `{key}` must be a number, got {other}")),
    };
    let (from, to, step) = (
        num(&r.from, "from")?,
        num(&r.to, "to")?,
        num(&r.step, "step")?,
    );
    if kind == Kind::TieRule {
        return Err("tie_rule takes `values`, not a range".into());
    }
    if step <= 0.0 || to < from {
        return Err(format!(
            "range needs step > 0 and to ≥ from, got from = {from}, to = {to}, step = {step}"
        ));
    }
    let steps = ((to - from) / step + 1e-9).floor();
    if steps >= MAX_POINTS as f64 {
        return Err(format!(
            "range gives {} values; at most {MAX_POINTS}",
            steps + 1.0
        ));
    }
    (0..=steps as usize)
        .map(|i| number(kind, from + i as f64 * step))
        .collect()
}

fn listed_point(
    p: &Spanned<BTreeMap<String, Spanned<toml::Value>>>,
    parameters: &mut [Parameter],
    at: &At,
) -> Result<Vec<usize>, Vec<InputError>> {
    let mut errors = Vec::new();
    let table = p.get_ref();
    for (key, v) in table {
        if !parameters.iter().any(|q| &q.id == key) {
            errors.push(at(
                v.span(),
                key,
                format!("no parameter `{key}` is defined"),
            ));
        }
    }
    let mut point = Vec::new();
    for q in parameters.iter_mut() {
        let Some(raw) = table.get(&q.id) else {
            errors.push(at(
                p.span(),
                &q.id,
                format!("the point gives no value for `{}`", q.id),
            ));
            continue;
        };
        match value(q.kind, raw.get_ref()) {
            Ok(v) => match q.values.iter().position(|w| w.text() == v.text()) {
                Some(i) => point.push(i),
                None if q.open => {
                    q.values.push(v);
                    point.push(q.values.len() - 1);
                }
                None => errors.push(at(
                    raw.span(),
                    &q.id,
                    format!("{} is not among the parameter's values", v.text()),
                )),
            },
            Err(m) => errors.push(at(raw.span(), &q.id, m)),
        }
    }
    if errors.is_empty() {
        Ok(point)
    } else {
        Err(errors)
    }
}

/// Every combination of values, the first parameter varying slowest; `None` when there are
/// more than [`MAX_POINTS`].
fn cross_product(parameters: &[Parameter]) -> Option<Vec<Vec<usize>>> {
    let total = parameters
        .iter()
        .map(|p| p.values.len())
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .filter(|&n| n <= MAX_POINTS)?;
    let mut points = Vec::with_capacity(total);
    let mut current = vec![0usize; parameters.len()];
    for _ in 0..total {
        points.push(current.clone());
        for j in (0..parameters.len()).rev() {
            current[j] += 1;
            if current[j] < parameters[j].values.len() {
                break;
            }
            current[j] = 0;
        }
    }
    Some(points)
}
