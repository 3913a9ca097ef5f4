//! One `[[indicators]]` entry: its layer and district, its fact, how it scores and its cap.
//!
//! Each entry is checked on its own; the first problem of an entry is reported and the entry
//! dropped, so one typo gives one message.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::errors::Errors;
use super::IndicatorFile;
use crate::policy::spec::{FactSpec, IndicatorSpec};
use crate::policy::{Bracket, CategoryFact, IndicatorRule, Layer, NumericFact};

/// The indicator as checked, or `None` after reporting its first problem.
pub(super) fn check(e: &mut Errors, ind: &IndicatorFile) -> Option<IndicatorSpec> {
    let name = ind.name.get_ref().clone();
    let line = e.lines.line(ind.fact.span().start);
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
        FactSpec::Numeric(f)
    } else if fact_name == "housing" {
        FactSpec::Category(CategoryFact::Housing)
    } else if fact_name == "education" {
        FactSpec::Category(CategoryFact::Education)
    } else if !fact_name.is_empty()
        && fact_name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        // An extra fact: resolved against the children file's `fact_<name>` columns later.
        FactSpec::Extra(fact_name.to_string())
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
                FactSpec::Numeric(NumericFact::InsuranceMonths | NumericFact::ResidenceMonths)
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
    let rule = rule(e, ind, &name, &fact, here)?;
    let cap = match &ind.cap {
        None => None,
        Some(c) => Some(e.points(c, "cap")?),
    };
    Some(IndicatorSpec {
        name,
        layer,
        district: ind.district.as_ref().map(|d| d.get_ref().clone()),
        fact,
        recognition,
        rule,
        cap,
        line,
    })
}

/// The scoring rule: exactly one of `points_per_unit`, `brackets` or `points`, fitting the fact.
fn rule(
    e: &mut Errors,
    ind: &IndicatorFile,
    name: &str,
    fact: &FactSpec,
    here: Range<usize>,
) -> Option<IndicatorRule> {
    let fact_name = ind.fact.get_ref().as_str();
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
    if let Some(p) = &ind.points {
        let FactSpec::Category(cat) = fact else {
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
        Some(IndicatorRule::Category(table))
    } else if matches!(fact, FactSpec::Category(_)) {
        e.at(
            here,
            "points",
            format!("`{fact_name}` is a category: give `points = {{ value = points, ... }}`"),
        );
        None
    } else if let Some(per) = &ind.points_per_unit {
        Some(IndicatorRule::PerUnit {
            per_unit: e.points(per, "points_per_unit")?,
        })
    } else {
        let b = ind.brackets.as_ref().expect("one rule is given");
        brackets(e, b).map(IndicatorRule::Brackets)
    }
}

/// The steps of a bracket table, sorted, each non-empty and none overlapping.
fn brackets(e: &mut Errors, b: &Spanned<Vec<super::BracketFile>>) -> Option<Vec<Bracket>> {
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
    Some(steps)
}
