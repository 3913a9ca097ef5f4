//! Binding a checked policy file to a scenario: names become indices.
//!
//! [`resolve`] looks up each district-layer indicator's district, each extra fact's column of
//! the children file and each school with its own tier order, and builds the [`Policy`] that
//! ranking reads. Every name it cannot find is reported with the policy line it is on; the
//! messages are the same whatever other problems the scenario has.

use std::collections::BTreeMap;
use std::path::Path;

use super::spec::{ConditionsSpec, FactSpec, IndicatorSpec, TieKeySpec, TierRef};
use super::{Conditions, Fact, FactAtLeast, Indicator, Layer, Policy, PolicySpec, Scope};
use super::{CustomKey, KeyColumn, TieKey, Tier, TierDef};
use crate::domain::{DistrictIdx, SchoolIdx};
use crate::error::InputError;

/// The facts a policy can name without an extra column, as listed in errors.
const BUILTIN_FACTS: [&str; 5] = [
    "insurance_months",
    "residence_months",
    "permit_months",
    "housing",
    "education",
];

/// What a public school id names in the scenario a policy is resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolName {
    /// A public school of the intake, at this index of the scenario's schools.
    Intake(SchoolIdx),
    /// A valid public school of another entry grade: known, but not part of this intake.
    OtherGrade,
    /// No public school has this id.
    Unknown,
}

/// What resolving a policy needs to know about its scenario.
pub struct ScenarioNames<'a> {
    /// The index of a district id, or `None` if the scenario has no such district.
    pub district: &'a dyn Fn(&str) -> Option<DistrictIdx>,
    /// What a public school id names.
    pub school: &'a dyn Fn(&str) -> SchoolName,
    /// The extra fact columns of the children file (names without `fact_`), in the order of
    /// [`crate::domain::Child::extra_facts`].
    pub extra_facts: &'a [String],
    /// Whether the scenario has catchments: a catchment table naming at least one public
    /// school of the intake. Without, a policy's `tiers_without_catchments` (if it gives one)
    /// replaces its `tiers`.
    pub catchments: bool,
    /// The catchment polygons file, when the scenario draws its catchments only as polygons
    /// (no catchment table): polygons place homes, and a hukou address has no coordinates, so
    /// no hukou can lie in a catchment and a used tier reading `hukou = "catchment"` is refused.
    /// `None` when the scenario has a catchment table (which the children's `hukou_community`
    /// reads) or no polygons.
    pub polygons_only: Option<&'a Path>,
}

/// Binds the names a policy takes from the scenario and builds the resolved [`Policy`]: each
/// district-layer indicator's district, each extra fact to its children-file column
/// `fact_<name>`, each school with its own tier order. In a scenario without catchments the
/// default tier order is the file's `tiers_without_catchments` when it gives one. `path` only
/// names the policy file in errors; every unknown name is reported.
///
/// ```
/// use std::path::Path;
///
/// use seatplan::domain::{DistrictIdx, SchoolIdx};
/// use seatplan::policy::{file::parse_policy, resolve, ScenarioNames, Scope, SchoolName, Tier};
///
/// let text = r#"
/// name = "local years"
/// [[indicators]]
/// name = "years here"
/// layer = "district"
/// district = "D2"
/// fact = "residence_months"
/// points_per_unit = 0.5
/// [priority.schools]
/// S9 = ["migrant"]
/// "#;
/// let path = Path::new("policy.toml");
/// let spec = parse_policy(path, text).unwrap();
/// let names = ScenarioNames {
///     district: &|id| (id == "D2").then_some(DistrictIdx(1)),
///     school: &|id| match id {
///         "S9" => SchoolName::Intake(SchoolIdx(4)),
///         _ => SchoolName::Unknown,
///     },
///     extra_facts: &[],
///     catchments: false,
///     polygons_only: None,
/// };
/// let policy = resolve(path, &spec, &names).unwrap();
/// assert_eq!(policy.indicators[0].scope, Scope::District(DistrictIdx(1)));
/// assert_eq!(policy.tiers_at(SchoolIdx(4)), &[Tier::Migrant]);
/// ```
pub fn resolve(
    path: &Path,
    spec: &PolicySpec,
    names: &ScenarioNames,
) -> Result<Policy, Vec<InputError>> {
    let mut errors = Vec::new();
    let indicators: Vec<Option<Indicator>> = spec
        .indicators
        .iter()
        .map(|ind| indicator(path, ind, names, &mut errors))
        .collect();
    let defined: Vec<Tier> = spec
        .defined
        .iter()
        .map(|t| {
            let mut facts = |c: &ConditionsSpec| conditions(path, t.line, c, names, &mut errors);
            let all = facts(&t.all);
            let any = t.any.iter().map(facts).collect();
            Tier::Defined(
                TierDef {
                    name: t.name.clone(),
                    description: t.description.clone(),
                    all,
                    any,
                }
                .intern(),
            )
        })
        .collect();
    let bind = |list: &[TierRef]| -> Vec<Tier> {
        list.iter()
            .map(|t| match *t {
                TierRef::Builtin(b) => b,
                TierRef::Defined(i) => defined[i],
            })
            .collect()
    };
    let default_tiers = match &spec.tiers_without_catchments {
        Some(list) if !names.catchments => list,
        _ => &spec.tiers,
    };
    let mut used: Vec<&[TierRef]> = vec![default_tiers];
    let mut school_tiers = BTreeMap::new();
    for (school, (tiers, line)) in &spec.school_tiers {
        match (names.school)(school) {
            SchoolName::Intake(s) => {
                school_tiers.insert(s, bind(tiers));
                used.push(tiers);
            }
            SchoolName::OtherGrade => {}
            SchoolName::Unknown => errors.push(InputError::at(
                path,
                *line,
                format!("priority.schools.{school}"),
                format!("unknown public school `{school}`"),
            )),
        }
    }
    if let Some(polygons) = names.polygons_only {
        hukou_without_table(path, spec, &used, polygons, &mut errors);
    }
    let tie_keys: Vec<TieKey> = spec
        .tie_keys
        .iter()
        .filter_map(|k| tie_key(path, k, names, &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Policy {
        name: spec.name.clone(),
        gates: spec.gates.clone(),
        indicators: indicators.into_iter().flatten().collect(),
        layer_caps: spec.layer_caps,
        tiers: bind(default_tiers),
        school_tiers,
        tie_keys,
        tie_rule: spec.tie_rule,
    })
}

/// Refuses each `hukou = "catchment"` of a tier that `used` (the tier lists in force) names, in
/// a scenario whose catchments are only the polygons of `polygons`: no hukou address could ever
/// be in a catchment, so the tier would silently be held by no one through its hukou.
fn hukou_without_table(
    path: &Path,
    spec: &PolicySpec,
    used: &[&[TierRef]],
    polygons: &Path,
    errors: &mut Vec<InputError>,
) {
    for (i, t) in spec.defined.iter().enumerate() {
        if !used.iter().any(|list| list.contains(&TierRef::Defined(i))) {
            continue;
        }
        for (line, field) in std::iter::once(&t.all)
            .chain(&t.any)
            .filter_map(|c| c.hukou_catchment.as_ref())
        {
            errors.push(InputError::at(
                path,
                *line,
                field.clone(),
                format!(
                    "tier `{}` asks for the hukou address in the school's catchment, but the scenario's catchments are only the polygons of {}, which place homes by their coordinates (a hukou address has none): declare a catchment table for the hukou addresses (`catchments = \"catchments.csv\"` in `[tables]`, read by the children's `hukou_community`), or write `hukou = \"district\"`",
                    t.name,
                    polygons.display()
                ),
            ));
        }
    }
}

/// One indicator with its district and fact bound, or `None` after reporting why not.
fn indicator(
    path: &Path,
    ind: &IndicatorSpec,
    names: &ScenarioNames,
    errors: &mut Vec<InputError>,
) -> Option<Indicator> {
    let district = ind.district.as_ref().and_then(|id| {
        let found = (names.district)(id);
        if found.is_none() {
            errors.push(InputError::at(
                path,
                ind.line,
                "district",
                format!("unknown district `{id}` in indicator `{}`", ind.name),
            ));
        }
        found
    });
    let fact = match &ind.fact {
        FactSpec::Numeric(f) => Some(Fact::Numeric(*f)),
        FactSpec::Category(f) => Some(Fact::Category(*f)),
        FactSpec::Extra(name) => match names.extra_facts.iter().position(|f| f == name) {
            Some(slot) => Some(Fact::Extra {
                name: name.clone(),
                slot,
            }),
            None => {
                errors.push(InputError::at(
                    path,
                    ind.line,
                    "fact",
                    format!(
                        "unknown fact `{name}`: not one of {} and the children file has no column `fact_{name}`",
                        BUILTIN_FACTS.join(", ")
                    ),
                ));
                None
            }
        },
    };
    let scope = match (ind.layer, district) {
        (Layer::Provincial, _) => Scope::Provincial,
        (Layer::City, _) => Scope::City,
        (Layer::District, Some(d)) => Scope::District(d),
        // The file check makes a district-layer indicator name its district; an unknown one
        // was reported above.
        (Layer::District, None) => return None,
    };
    Some(Indicator {
        name: ind.name.clone(),
        scope,
        fact: fact?,
        recognition: ind.recognition,
        rule: ind.rule.clone(),
        cap: ind.cap,
    })
}

/// A defined tier's conditions with their extra facts bound to columns; an unknown fact is
/// reported at the tier's line.
fn conditions(
    path: &Path,
    line: u64,
    c: &ConditionsSpec,
    names: &ScenarioNames,
    errors: &mut Vec<InputError>,
) -> Conditions {
    let mut out = c.conditions.clone();
    for (name, min) in &c.facts {
        match names.extra_facts.iter().position(|f| f == name) {
            Some(slot) => out.facts.push(FactAtLeast {
                name: name.clone(),
                slot,
                min: *min,
            }),
            None => errors.push(InputError::at(
                path,
                line,
                "priority.tier.min_facts",
                format!("unknown fact `{name}`: the children file has no column `fact_{name}`"),
            )),
        }
    }
    out
}

/// A tie-break key with its extra fact bound to its column, or `None` after reporting why not.
fn tie_key(
    path: &Path,
    key: &TieKeySpec,
    names: &ScenarioNames,
    errors: &mut Vec<InputError>,
) -> Option<TieKey> {
    let (column, name, descending, line) = match key {
        TieKeySpec::Builtin(k) => return Some(*k),
        TieKeySpec::Custom {
            column,
            name,
            descending,
            line,
        } => (column, name, *descending, *line),
    };
    let column = match column {
        Some(c) => c.clone(),
        None => match names.extra_facts.iter().position(|f| f == name) {
            Some(slot) => KeyColumn::Extra {
                name: name.clone(),
                slot,
            },
            None => {
                errors.push(InputError::at(
                    path,
                    line,
                    "priority.tie_break",
                    format!(
                        "unknown tie-break key `{name}`: not one of {} and the children file has no column `fact_{name}`",
                        KeyColumn::BUILTIN.map(|(n, _)| n).join(", ")
                    ),
                ));
                return None;
            }
        },
    };
    Some(TieKey::Custom(
        CustomKey::new(column, name, descending).intern(),
    ))
}
