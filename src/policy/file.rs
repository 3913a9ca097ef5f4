//! Reading a points-policy TOML file into a checked [`PolicySpec`].
//!
//! Step one deserialises the file into structs shaped like it (unknown keys are refused, so a
//! typo never goes unnoticed); step two checks names and numbers and reports every problem with
//! the file, the line and the key. Names that belong to a scenario (districts, schools, extra
//! facts) are kept as written for [`super::resolve()`].

mod errors;
mod indicator;
mod layers;
mod numbers;
mod priority;
#[cfg(test)]
mod tests;
mod tier;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Gates, PolicySpec, Tier};
use crate::error::InputError;
use errors::Errors;

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
    tiers_without_catchments: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    schools: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    tie_break: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    rule: Option<Spanned<String>>,
    #[serde(default)]
    tier: Vec<tier::TierFile>,
}

impl Default for PriorityFile {
    fn default() -> Self {
        PriorityFile {
            tiers: default_tiers(),
            tiers_without_catchments: None,
            schools: BTreeMap::new(),
            tie_break: Vec::new(),
            rule: None,
            tier: Vec::new(),
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

/// The 1-based line of any byte offset of a text, found by binary search over the offsets where
/// lines start (built once, in one pass): for many lookups in one file, where [`line_of`] would
/// count from the start each time (100,000 indicators would take minutes).
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`'s lines.
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line of a byte offset (the same as [`line_of`]).
    pub(crate) fn line(&self, offset: usize) -> u64 {
        self.starts.partition_point(|&s| s <= offset) as u64
    }
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

/// Reads the TOML `text` of the file `path` into `T`: numbers written in a form other than
/// decimal are refused first ([`numbers`]: `0x10`, `+5`, `nan`), then `toml` reads the shape.
/// Either error names the file, the line and (for a number) the key.
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<T, InputError> {
    if let Some(r) = numbers::first_refused(text) {
        return Err(InputError {
            file: path.to_path_buf(),
            line: Some(line_of(text, r.offset)),
            field: Some(r.key),
            message: format!(
                "`{}` is not a number in decimal form: {}",
                crate::error::shown(&r.raw),
                r.why
            ),
        });
    }
    toml::from_str(text).map_err(|e| toml_error(path, text, &e))
}

/// Parses and checks a policy from its text; `path` only names the file in errors. Names that
/// depend on the scenario (districts, schools, extra facts) are checked by [`super::resolve()`].
pub fn parse_policy(path: &Path, text: &str) -> Result<PolicySpec, Vec<InputError>> {
    let file: PolicyFile = from_toml(path, text).map_err(|e| vec![e])?;
    let mut e = Errors {
        path,
        lines: LineIndex::new(text),
        list: Vec::new(),
    };
    let indicators: Vec<_> = file
        .indicators
        .iter()
        .filter_map(|i| indicator::check(&mut e, i))
        .collect();
    let layer_caps = layers::check(&mut e, &file.layers);
    let defined = tier::check(&mut e, &file.priority.tier);
    let priority::TierLists {
        tiers,
        without_catchments,
        school_tiers,
    } = priority::tiers(&mut e, &file.priority, &defined);
    let tie_keys = priority::tie_keys(&mut e, &file.priority.tie_break);
    let tie_rule = priority::rule(&mut e, file.priority.rule.as_ref());

    if !e.list.is_empty() {
        return Err(e.list);
    }
    Ok(PolicySpec {
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
        tiers_without_catchments: without_catchments,
        school_tiers,
        defined,
        tie_keys,
        tie_rule,
    })
}
