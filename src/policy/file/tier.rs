//! The `[[priority.tier]]` tables: tiers a bureau defines by their conditions, checked on their
//! own (names unique and not built in, known words, fact names well formed).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::errors::Errors;
use crate::domain::Housing;
use crate::policy::spec::{ConditionsSpec, TierSpec};
use crate::policy::{Area, Conditions, Tier};

/// One or several words: `housing = "owned"` or `housing = ["owned", "rented"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Words {
    One(String),
    Many(Vec<String>),
}

/// The condition keys, shared by a tier table and each of its `any` alternatives.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ConditionsFile {
    hukou: Option<Spanned<String>>,
    residence: Option<Spanned<String>>,
    housing: Option<Spanned<Words>>,
    min_permit_months: Option<u32>,
    min_residence_months: Option<u32>,
    min_insurance_months: Option<u32>,
    sibling: Option<bool>,
    feeder: Option<bool>,
    #[serde(default)]
    min_facts: BTreeMap<String, u32>,
}

/// A `[[priority.tier]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TierFile {
    name: Spanned<String>,
    description: Option<String>,
    hukou: Option<Spanned<String>>,
    residence: Option<Spanned<String>>,
    housing: Option<Spanned<Words>>,
    min_permit_months: Option<u32>,
    min_residence_months: Option<u32>,
    min_insurance_months: Option<u32>,
    sibling: Option<bool>,
    feeder: Option<bool>,
    #[serde(default)]
    min_facts: BTreeMap<String, u32>,
    #[serde(default)]
    any: Vec<ConditionsFile>,
}

impl TierFile {
    /// The tier's own conditions, as an alternative's are written.
    fn own(&self) -> ConditionsFile {
        ConditionsFile {
            hukou: self.hukou.clone(),
            residence: self.residence.clone(),
            housing: self.housing.as_ref().map(|h| {
                let words = match h.get_ref() {
                    Words::One(w) => Words::One(w.clone()),
                    Words::Many(ws) => Words::Many(ws.clone()),
                };
                Spanned::new(h.span(), words)
            }),
            min_permit_months: self.min_permit_months,
            min_residence_months: self.min_residence_months,
            min_insurance_months: self.min_insurance_months,
            sibling: self.sibling,
            feeder: self.feeder,
            min_facts: self.min_facts.clone(),
        }
    }
}

/// Checks every defined tier: a name not empty, not built in and not defined twice; known areas
/// and housing words; well-formed fact names.
pub(super) fn check(e: &mut Errors, tiers: &[TierFile]) -> Vec<TierSpec> {
    let mut out: Vec<TierSpec> = Vec::new();
    for t in tiers {
        let name = t.name.get_ref().trim();
        let line = e.lines.line(t.name.span().start);
        let field = "priority.tier.name";
        if name.is_empty() {
            e.at(t.name.span(), field, "a tier needs a name".into());
            continue;
        }
        if Tier::ALL.iter().any(|b| b.name() == name) {
            e.at(
                t.name.span(),
                field,
                format!("`{name}` is a built-in tier: give the tier you define another name"),
            );
            continue;
        }
        if out.iter().any(|o| o.name == name) {
            e.at(
                t.name.span(),
                field,
                format!("tier `{name}` is defined twice"),
            );
            continue;
        }
        let all = conditions(e, &t.own(), "priority.tier", line);
        let any: Vec<ConditionsSpec> = t
            .any
            .iter()
            .map(|c| conditions(e, c, "priority.tier.any", line))
            .collect();
        out.push(TierSpec {
            name: name.to_string(),
            description: t
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .unwrap_or(name)
                .to_string(),
            all,
            any,
            line,
        });
    }
    out
}

/// One set of conditions, its words checked; `line` is the tier's, for problems without a
/// span of their own (the keys of `min_facts`).
fn conditions(e: &mut Errors, c: &ConditionsFile, field: &str, line: u64) -> ConditionsSpec {
    let hukou = area(e, c.hukou.as_ref(), &format!("{field}.hukou"), true);
    let residence = area(
        e,
        c.residence.as_ref(),
        &format!("{field}.residence"),
        false,
    );
    let mut housing = Vec::new();
    if let Some(h) = &c.housing {
        let words: Vec<&String> = match h.get_ref() {
            Words::One(w) => vec![w],
            Words::Many(ws) => ws.iter().collect(),
        };
        for w in words {
            match Housing::parse(w) {
                Some(k) if !housing.contains(&k) => housing.push(k),
                Some(_) => {}
                None => e.at(
                    h.span(),
                    &format!("{field}.housing"),
                    format!("`{w}` is not a kind of home (expected owned, rented or none)"),
                ),
            }
        }
    }
    let mut facts = Vec::new();
    for (name, &min) in &c.min_facts {
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            facts.push((name.clone(), min));
        } else {
            e.list.push(crate::error::InputError::at(
                e.path,
                line,
                format!("{field}.min_facts"),
                format!("`{name}` is not a fact name (lower-case letters, digits and `_`)"),
            ));
        }
    }
    let hukou_catchment = c
        .hukou
        .as_ref()
        .filter(|_| hukou == Some(Area::Catchment))
        .map(|h| (e.lines.line(h.span().start), format!("{field}.hukou")));
    ConditionsSpec {
        conditions: Conditions {
            hukou,
            residence,
            housing,
            min_permit_months: c.min_permit_months,
            min_residence_months: c.min_residence_months,
            min_insurance_months: c.min_insurance_months,
            sibling: c.sibling,
            feeder: c.feeder,
            facts: Vec::new(),
        },
        facts,
        hukou_catchment,
    }
}

/// An area word; `none` only for hukou.
fn area(e: &mut Errors, word: Option<&Spanned<String>>, field: &str, hukou: bool) -> Option<Area> {
    let w = word?;
    let allowed: Vec<Area> = Area::ALL
        .into_iter()
        .filter(|a| hukou || *a != Area::Nowhere)
        .collect();
    match allowed.iter().find(|a| a.name() == w.get_ref()) {
        Some(&a) => Some(a),
        None => {
            let names: Vec<&str> = allowed.iter().map(|a| a.name()).collect();
            e.at(
                w.span(),
                field,
                format!(
                    "unknown area `{}` (expected {})",
                    w.get_ref(),
                    names.join(", ")
                ),
            );
            None
        }
    }
}
