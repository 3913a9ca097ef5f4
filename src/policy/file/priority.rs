//! The `[priority]` table: tier orders (default and per school), tie-break keys, the tie rule.

use std::collections::BTreeMap;

use toml::Spanned;

use super::errors::Errors;
use super::PriorityFile;
use crate::error::InputError;
use crate::policy::spec::{TieKeySpec, TierRef, TierSpec};
use crate::policy::{KeyColumn, TieKey, TieRule, MAX_TIE_KEYS};

/// The tier orders of a school, by school id as written, with the line they are on.
type SchoolTiers = BTreeMap<String, (Vec<TierRef>, u64)>;

/// The tier lists of the `[priority]` table, checked.
pub(super) struct TierLists {
    /// `tiers`: the default order.
    pub(super) tiers: Vec<TierRef>,
    /// `tiers_without_catchments`: the default order of a scenario without catchments.
    pub(super) without_catchments: Option<Vec<TierRef>>,
    /// `[priority.schools]`: the orders of particular schools.
    pub(super) school_tiers: SchoolTiers,
}

/// The default tier order, the one for a scenario without catchments and the orders of
/// particular schools; every defined tier must be named in one of them, and the order without
/// catchments may name no tier that reads them.
pub(super) fn tiers(e: &mut Errors, priority: &PriorityFile, defined: &[TierSpec]) -> TierLists {
    let tiers = e.tiers(&priority.tiers, "priority.tiers", defined);
    if priority.tiers.is_empty() {
        e.list.push(InputError {
            file: e.path.to_path_buf(),
            line: None,
            field: Some("priority.tiers".into()),
            message: "at least one tier is needed, or no child could be admitted".into(),
        });
    }
    let without_catchments = priority
        .tiers_without_catchments
        .as_ref()
        .map(|list| without_catchments(e, list, defined));
    let mut school_tiers = BTreeMap::new();
    for (school, list) in &priority.schools {
        let t = e.tiers(
            list.get_ref(),
            &format!("priority.schools.{school}"),
            defined,
        );
        school_tiers.insert(school.clone(), (t, e.lines.line(list.span().start)));
    }
    for (i, d) in defined.iter().enumerate() {
        let listed = tiers
            .iter()
            .chain(without_catchments.iter().flatten())
            .chain(school_tiers.values().flat_map(|(t, _)| t))
            .any(|t| *t == TierRef::Defined(i));
        if !listed {
            e.list.push(InputError::at(
                e.path,
                d.line,
                "priority.tier.name",
                format!(
                    "tier `{}` is defined but no tier list names it (add it to `priority.tiers` or a `[priority.schools]` list)",
                    d.name
                ),
            ));
        }
    }
    TierLists {
        tiers,
        without_catchments,
        school_tiers,
    }
}

/// `tiers_without_catchments`: known tiers, each once, at least one, none reading catchments
/// (it is the order used exactly when there are none to read).
fn without_catchments(
    e: &mut Errors,
    list: &Spanned<Vec<Spanned<String>>>,
    defined: &[TierSpec],
) -> Vec<TierRef> {
    let field = "priority.tiers_without_catchments";
    let tiers = e.tiers(list.get_ref(), field, defined);
    if list.get_ref().is_empty() {
        e.at(
            list.span(),
            field,
            "at least one tier is needed, or no child could be admitted in a scenario without catchments".to_string(),
        );
    }
    for written in list.get_ref() {
        let reads = defined
            .iter()
            .find(|d| d.name == *written.get_ref())
            .is_some_and(TierSpec::uses_catchments);
        if reads {
            e.at(
                written.span(),
                field,
                format!(
                    "tier `{}` reads catchments (`hukou` or `residence` = \"catchment\"): the tiers for a scenario without catchments cannot name it",
                    written.get_ref()
                ),
            );
        }
    }
    tiers
}

/// The tie-break keys, each known and listed once: a built-in key's name, or
/// `{ key = "<column or extra fact>", order = "ascending" | "descending" }`.
pub(super) fn tie_keys(e: &mut Errors, list: &[Spanned<toml::Value>]) -> Vec<TieKeySpec> {
    let mut tie_keys: Vec<TieKeySpec> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let field = "priority.tie_break";
    for k in list {
        let line = e.lines.line(k.span().start);
        let (written, spec) = match k.get_ref() {
            toml::Value::String(name) => match TieKey::ALL.into_iter().find(|x| x.name() == name) {
                Some(key) => (name.clone(), TieKeySpec::Builtin(key)),
                None => {
                    e.at(
                        k.span(),
                        field,
                        format!(
                            "unknown tie-break key `{name}` (known keys: {})",
                            TieKey::ALL.map(|t| t.name()).join(", ")
                        ),
                    );
                    continue;
                }
            },
            toml::Value::Table(t) => match custom_key(t, line) {
                Ok(found) => found,
                Err(message) => {
                    e.at(k.span(), field, message);
                    continue;
                }
            },
            other => {
                e.at(
                    k.span(),
                    field,
                    format!(
                        "a tie-break key is a name or `{{ key = \"…\", order = \"…\" }}`, not `{other}`"
                    ),
                );
                continue;
            }
        };
        if seen.contains(&written) {
            e.at(
                k.span(),
                field,
                format!("tie-break key `{written}` is listed twice"),
            );
            continue;
        }
        if tie_keys.len() == MAX_TIE_KEYS {
            e.at(
                k.span(),
                field,
                format!("at most {MAX_TIE_KEYS} tie-break keys can be listed"),
            );
            continue;
        }
        seen.push(written);
        tie_keys.push(spec);
    }
    tie_keys
}

/// A key written as a table: its column's name and the key, or what is wrong with it.
fn custom_key(
    t: &toml::map::Map<String, toml::Value>,
    line: u64,
) -> Result<(String, TieKeySpec), String> {
    if let Some(other) = t.keys().find(|k| *k != "key" && *k != "order") {
        return Err(format!(
            "unknown key `{other}` in a tie-break key (expected `key` and `order`)"
        ));
    }
    let Some(toml::Value::String(name)) = t.get("key") else {
        return Err("a tie-break key table needs `key = \"<column or extra fact>\"`".into());
    };
    let descending = match t.get("order") {
        Some(toml::Value::String(o)) if o == "descending" => true,
        Some(toml::Value::String(o)) if o == "ascending" => false,
        Some(other) => {
            return Err(format!(
                "unknown order `{}` for tie-break key `{name}` (expected `ascending` or `descending`)",
                other.as_str().unwrap_or(&other.to_string())
            ))
        }
        None => {
            return Err(format!(
                "tie-break key `{name}` needs `order = \"ascending\"` (smaller first) or `\"descending\"` (larger first)"
            ))
        }
    };
    let column = KeyColumn::BUILTIN
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, c)| c.clone());
    let well_formed = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if column.is_none() && !well_formed {
        return Err(format!(
            "`{name}` is not a column or fact name (lower-case letters, digits and `_`)"
        ));
    }
    Ok((
        name.clone(),
        TieKeySpec::Custom {
            column,
            name: name.clone(),
            descending,
            line,
        },
    ))
}

/// The tie rule, [`TieRule::Lottery`] when none is written.
pub(super) fn rule(e: &mut Errors, rule: Option<&Spanned<String>>) -> TieRule {
    let Some(r) = rule else {
        return TieRule::Lottery;
    };
    match TieRule::ALL.into_iter().find(|t| t.name() == r.get_ref()) {
        Some(t) => t,
        None => {
            e.at(
                r.span(),
                "priority.rule",
                format!(
                    "unknown rule `{}` (expected `lottery`, `keep_ties` or `admit_all_tied`)",
                    r.get_ref()
                ),
            );
            TieRule::Lottery
        }
    }
}
