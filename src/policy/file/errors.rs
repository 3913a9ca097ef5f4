//! The problems found in one policy file, collected with their lines and keys.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::LineIndex;
use crate::error::InputError;
use crate::policy::spec::{TierRef, TierSpec};
use crate::policy::{MilliPoints, Tier};

/// Collects every problem of one policy file.
pub(super) struct Errors<'a> {
    /// The file, as named in errors.
    pub(super) path: &'a Path,
    /// Where its lines start, to turn byte spans into lines.
    pub(super) lines: LineIndex,
    /// The problems so far, in the order found.
    pub(super) list: Vec<InputError>,
}

/// Milli-points of a finite number of points, or `None` if it is not one or too large.
fn to_milli(value: f64) -> Option<MilliPoints> {
    let milli = (value * 1000.0).round();
    (value.is_finite() && milli.abs() < 1e15).then_some(milli as MilliPoints)
}

impl Errors<'_> {
    /// Records a problem at a span (an empty span — a default value — has no line).
    pub(super) fn at(&mut self, span: Range<usize>, field: &str, message: String) {
        self.list.push(InputError {
            file: self.path.to_path_buf(),
            line: (span.end > 0).then(|| self.lines.line(span.start)),
            field: Some(field.to_string()),
            message,
        });
    }

    /// Milli-points of a non-negative number of points, or an error.
    pub(super) fn points(&mut self, v: &Spanned<f64>, field: &str) -> Option<MilliPoints> {
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

    /// The tiers of a list, each built in or defined, and listed once; the others are reported.
    pub(super) fn tiers(
        &mut self,
        list: &[Spanned<String>],
        field: &str,
        defined: &[TierSpec],
    ) -> Vec<TierRef> {
        let mut tiers = Vec::new();
        for t in list {
            let found = Tier::ALL
                .into_iter()
                .find(|x| x.name() == t.get_ref())
                .map(TierRef::Builtin)
                .or_else(|| {
                    defined
                        .iter()
                        .position(|d| d.name == *t.get_ref())
                        .map(TierRef::Defined)
                });
            match found {
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
                        Tier::ALL
                            .iter()
                            .map(|t| t.name())
                            .chain(defined.iter().map(|d| d.name.as_str()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        tiers
    }
}
