//! The `[priority]` table: tier orders (default and per school), tie-break keys, the tie rule.

use std::collections::BTreeMap;

use toml::Spanned;

use super::errors::Errors;
use super::PriorityFile;
use crate::error::InputError;
use crate::policy::spec::{TierRef, TierSpec};
use crate::policy::{TieKey, TieRule};

/// The tier orders of a school, by school id as written, with the line they are on.
type SchoolTiers = BTreeMap<String, (Vec<TierRef>, u64)>;

/// The default tier order and the orders of particular schools; every defined tier must be
/// named in one of them.
pub(super) fn tiers(
    e: &mut Errors,
    priority: &PriorityFile,
    defined: &[TierSpec],
) -> (Vec<TierRef>, SchoolTiers) {
    let tiers = e.tiers(&priority.tiers, "priority.tiers", defined);
    if priority.tiers.is_empty() {
        e.list.push(InputError {
            file: e.path.to_path_buf(),
            line: None,
            field: Some("priority.tiers".into()),
            message: "at least one tier is needed, or no child could be admitted".into(),
        });
    }
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
    (tiers, school_tiers)
}

/// The tie-break keys, each known and listed once.
pub(super) fn tie_keys(e: &mut Errors, list: &[Spanned<String>]) -> Vec<TieKey> {
    let mut tie_keys = Vec::new();
    for k in list {
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
    tie_keys
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
