//! The scenario file's choice of fallback stages: `[fallback] coordinated` (`off`, `district`,
//! `catchment`, `nearest`) and `purchase` (`on`, `off`), each read with the line it was written
//! on, so that a word the tool does not know, `nearest` without a distance limit or `catchment`
//! without a catchment table is refused at its key.

use std::path::Path;

use toml::Spanned;

use crate::domain::Coordination;
use crate::error::InputError;
use crate::policy::file::line_of;
use crate::scenario::rules;

/// A refused value at `key` of `[fallback]`.
fn refused(
    path: &Path,
    text: &str,
    key: &Spanned<String>,
    field: &str,
    message: String,
) -> InputError {
    InputError {
        file: path.to_path_buf(),
        line: Some(line_of(text, key.span().start)),
        field: Some(format!("fallback.{field}")),
        message,
    }
}

/// `[fallback] coordinated`: the stage, [`Coordination::District`] when absent. `nearest` needs
/// `max_km` and `catchment` a catchment table (`has_catchments`); a refused value is reported
/// in `errors` and read as the default (so that it is reported once).
pub(super) fn coordination(
    path: &Path,
    text: &str,
    key: &Option<Spanned<String>>,
    max_km: Option<f64>,
    has_catchments: bool,
    errors: &mut Vec<InputError>,
) -> Coordination {
    let Some(key) = key else {
        return Coordination::default();
    };
    let Some(stage) = Coordination::from_word(key.get_ref()) else {
        let words: Vec<String> = Coordination::ALL
            .iter()
            .map(|c| format!("`{}`", c.as_str()))
            .collect();
        errors.push(refused(
            path,
            text,
            key,
            "coordinated",
            format!(
                "unknown coordinated stage `{}`: expected one of {}",
                key.get_ref(),
                words.join(", ")
            ),
        ));
        return Coordination::default();
    };
    if let Err(message) = rules::coordination_limit(stage, max_km) {
        errors.push(refused(path, text, key, "coordinated", message));
        return Coordination::default();
    }
    if stage == Coordination::CatchmentFirst && !has_catchments {
        errors.push(refused(
            path,
            text,
            key,
            "coordinated",
            "`catchment` coordinates children into their catchment's schools first, but the scenario names no catchment table: add `catchments = \"catchments.csv\"` to its `[tables]`".to_string(),
        ));
    }
    stage
}

/// `[fallback] purchase`: whether places are bought, `on` when absent; a word other than `on`
/// or `off` is reported in `errors` and read as `on`.
pub(super) fn purchase(
    path: &Path,
    text: &str,
    key: &Option<Spanned<String>>,
    errors: &mut Vec<InputError>,
) -> bool {
    match key.as_ref().map(|k| (k, k.get_ref().as_str())) {
        None | Some((_, "on")) => true,
        Some((_, "off")) => false,
        Some((k, word)) => {
            errors.push(refused(
                path,
                text,
                k,
                "purchase",
                format!("unknown purchase setting `{word}`: expected `on` or `off`"),
            ));
            true
        }
    }
}
