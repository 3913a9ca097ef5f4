//! Appeals: a small overlay on an archived scenario that corrects one or more children's facts,
//! and the list of every child whose placement the correction changes.
//!
//! An appeal file is TOML:
//!
//! ```toml
//! scenario = "../hangzhou/scenario.toml"   # relative to the appeal file
//! note = "one month of insurance was missed at import"
//!
//! [[child]]
//! id = "C0000042"
//! insurance_months = 25
//! ```
//!
//! Each `[[child]]` names a child of the scenario and the facts to correct: any of
//! `permit_months`, `insurance_months`, `residence_months`, `insurance_months_elsewhere`,
//! `residence_months_elsewhere` (whole numbers), `housing`, `education` (their words),
//! `insurance_back_paid` (true/false), or an extra fact `fact_<name>` of the children file.
//! Each fact of a child is corrected once: a second `[[child]]` table for the same child that
//! corrects the same fact again is refused, naming both lines (the last one would otherwise win
//! silently).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::assign::Outcome;
use crate::domain::{ChildIdx, Education, Housing};
use crate::error::{InputError, InputErrors, InputKind};
use crate::input::{load, Loaded};
use crate::metrics::wording::outcome_brief;
use crate::policy::file::{from_toml, LineIndex};
use crate::scenario::rules::MAX_MONTHS;
use crate::scenario::{Edit, Fact, Problem, Scenario};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AppealFile {
    scenario: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    child: Vec<Spanned<toml::Table>>,
}

/// An archived scenario and the same scenario with the appeal's corrections.
#[derive(Debug, Clone)]
pub struct Appeal {
    /// The archived scenario the appeal names, loaded as it stands (before any correction).
    pub base: Loaded,
    /// The same scenario with the appeal's corrections applied.
    pub corrected: Scenario,
    /// The appeal file's free-text `note`; empty when it has none.
    pub note: String,
    /// The children whose facts were corrected.
    pub children: Vec<String>,
}

/// Loads an appeal file and applies it to its scenario.
pub fn load_appeal(path: &Path) -> Result<Appeal, InputErrors> {
    let one = |e: InputError| InputErrors::one(InputKind::Appeal, e);
    let text = crate::input::read_input_text(path).map_err(|e| {
        one(InputError::file(
            path,
            format!("cannot read the appeal file: {e}"),
        ))
    })?;
    let file: AppealFile = from_toml(path, &text).map_err(one)?;
    let base = load(&path.parent().unwrap_or(Path::new(".")).join(&file.scenario))?;
    let sc = &base.scenario;
    let lines = LineIndex::new(&text);
    let child_ix: HashMap<&str, usize> = sc
        .children
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    // The line each (child, fact) was first corrected at: an appeal corrects each fact once.
    let mut corrected_at: HashMap<(usize, &str), u64> = HashMap::new();
    // Problems in the order of the file; a correction stands in for the problem the scenario's
    // rules may find with it.
    let mut found: Vec<Found> = Vec::new();
    let mut children = Vec::new();
    // Each correction with the line and key it came from, to report a refused edit there.
    let mut edits: Vec<(Edit, u64, String, &toml::Value)> = Vec::new();
    for fix in &file.child {
        let span = fix.span();
        // The line of `key =` inside this [[child]] table.
        let line_of_key = |key: &str| {
            let body = &text[span.clone()];
            let offset = body
                .lines()
                .scan(0, |pos, l| {
                    let start = *pos;
                    *pos += l.len() + 1;
                    Some((start, l))
                })
                .find(|(_, l)| {
                    l.trim_start()
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
                .map_or(0, |(start, _)| start);
            lines.line(span.start + offset)
        };
        let Some(id) = fix.get_ref().get("id").and_then(|v| v.as_str()) else {
            found.push(Found::Error(InputError::at(
                path,
                lines.line(span.start),
                "id",
                "each [[child]] needs the child's `id`",
            )));
            continue;
        };
        let Some(&c) = child_ix.get(id) else {
            found.push(Found::Error(InputError::at(
                path,
                line_of_key("id"),
                "id",
                format!("no child `{id}` in the scenario"),
            )));
            continue;
        };
        children.push(id.to_string());
        let facts: BTreeMap<&String, &toml::Value> =
            fix.get_ref().iter().filter(|(k, _)| *k != "id").collect();
        for (field, value) in facts {
            let line = line_of_key(field);
            if let Some(first) = corrected_at.insert((c, field.as_str()), line) {
                corrected_at.insert((c, field.as_str()), first);
                found.push(Found::Error(InputError::at(
                    path,
                    line,
                    field.as_str(),
                    format!("child `{id}`'s `{field}` is already corrected at line {first}: an appeal corrects each fact once"),
                )));
                continue;
            }
            match fact(sc, field, value) {
                Ok(fact) => {
                    found.push(Found::Edit(edits.len()));
                    edits.push((
                        Edit::ChildFact {
                            child: ChildIdx(c as u32),
                            fact,
                        },
                        line,
                        field.clone(),
                        value,
                    ))
                }
                Err(msg) => found.push(Found::Error(InputError::at(
                    path,
                    line,
                    field.as_str(),
                    msg,
                ))),
            }
        }
    }
    if file.child.is_empty() {
        found.push(Found::Error(InputError::file(
            path,
            "the appeal corrects no child: add a [[child]] table",
        )));
    }
    // All corrections together, checked by the rules of a valid scenario; if anything is wrong,
    // each correction is checked on its own, so a refused one is reported at its own line.
    let all: Vec<Edit> = edits.iter().map(|(e, ..)| e.clone()).collect();
    let combined = sc.edited(&all);
    let clean = found.iter().all(|f| matches!(f, Found::Edit(_)));
    let corrected = match combined {
        Ok(corrected) if clean => corrected,
        combined => {
            let mut errors = Vec::new();
            for f in found {
                match f {
                    Found::Error(e) => errors.push(e),
                    Found::Edit(i) => {
                        let (edit, line, field, value) = &edits[i];
                        if let Err(invalid) = sc.edited(std::slice::from_ref(edit)) {
                            errors.extend(invalid.problems.iter().map(|p| {
                                InputError::at(path, *line, field.as_str(), refused(p, edit, value))
                            }));
                        }
                    }
                }
            }
            if let (true, Err(invalid)) = (errors.is_empty(), combined) {
                errors.push(InputError::file(path, invalid.to_string()));
            }
            return Err(InputErrors::new(InputKind::Appeal, errors));
        }
    };
    Ok(Appeal {
        base,
        corrected,
        note: file.note,
        children,
    })
}

/// A problem of an appeal file, or a correction to check.
enum Found {
    Error(InputError),
    Edit(usize),
}

/// The words for a correction the scenario's rules refuse: a month count out of range is worded
/// as a month count the appeal cannot take, anything else as the rule says.
fn refused(problem: &Problem, edit: &Edit, value: &toml::Value) -> String {
    match (problem, edit) {
        (
            Problem::Field { .. },
            Edit::ChildFact {
                fact:
                    Fact::PermitMonths(_)
                    | Fact::InsuranceMonths(_)
                    | Fact::ResidenceMonths(_)
                    | Fact::InsuranceMonthsElsewhere(_)
                    | Fact::ResidenceMonthsElsewhere(_),
                ..
            },
        ) => months_message(value),
        (Problem::Field { message, .. }, _) => message.clone(),
        _ => problem.to_string(),
    }
}

fn months_message(value: &toml::Value) -> String {
    format!("must be a whole number of months 0–{MAX_MONTHS}, got {value}")
}

/// The typed fact a correction sets; its range is the scenario's rule, checked when applied.
fn fact(sc: &Scenario, field: &str, value: &toml::Value) -> Result<Fact, String> {
    let months = || -> Result<u32, String> {
        value
            .as_integer()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| months_message(value))
    };
    Ok(match field {
        "permit_months" => Fact::PermitMonths(months()?),
        "insurance_months" => Fact::InsuranceMonths(months()?),
        "residence_months" => Fact::ResidenceMonths(months()?),
        "insurance_months_elsewhere" => Fact::InsuranceMonthsElsewhere(months()?),
        "residence_months_elsewhere" => Fact::ResidenceMonthsElsewhere(months()?),
        "housing" => Fact::Housing(
            value
                .as_str()
                .and_then(Housing::parse)
                .ok_or_else(|| format!("must be owned, rented or none, got {value}"))?,
        ),
        "education" => Fact::Education(
            value
                .as_str()
                .and_then(Education::parse)
                .ok_or_else(|| format!("is not an education level, got {value}"))?,
        ),
        "insurance_back_paid" => Fact::InsuranceBackPaid(
            value
                .as_bool()
                .ok_or_else(|| format!("must be true or false, got {value}"))?,
        ),
        _ => {
            let slot = field
                .strip_prefix("fact_")
                .and_then(|name| sc.extra_facts.iter().position(|f| f == name))
                .ok_or_else(|| "not a fact an appeal can correct".to_string())?;
            let value = value
                .as_integer()
                .filter(|v| (0..=u32::MAX as i64).contains(v))
                .map(|v| v as u32)
                .or_else(|| value.as_bool().map(u32::from))
                .ok_or_else(|| format!("must be a whole number ≥ 0 or true/false, got {value}"))?;
            Fact::Extra { slot, value }
        }
    })
}

/// A child whose placement differs between two runs of the same children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Id of the child.
    pub child: String,
    /// Her outcome in the first run, in a few words (e.g. `public S1 (choice 2)`).
    pub before: String,
    /// Her outcome in the second run, in the same words.
    pub after: String,
}

/// Every child whose outcome changed, by child id, each outcome in a few words
/// ([`outcome_brief`]).
pub fn changes(sc: &Scenario, before: &[Outcome], after: &[Outcome]) -> Vec<Change> {
    sc.child_indices()
        .filter(|c| before[c.ix()] != after[c.ix()])
        .map(|c| Change {
            child: sc.child(c).id.clone(),
            before: outcome_brief(sc, before[c.ix()]),
            after: outcome_brief(sc, after[c.ix()]),
        })
        .collect()
}
