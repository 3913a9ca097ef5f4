//! The policy file's checked shape: everything the file says, with the scenario's names as
//! written.
//!
//! A [`PolicySpec`] has passed every check that needs only the file (known keys, numbers in
//! range, brackets in order, known tiers and tie-break keys). District ids, school ids and extra
//! fact names are kept as written, with their lines, until [`super::resolve()`] binds them to a
//! scenario and reports the ones it does not know.

use std::collections::BTreeMap;

use super::{
    CategoryFact, Conditions, Gates, IndicatorRule, KeyColumn, Layer, MilliPoints, NumericFact,
    TieKey, TieRule, Tier,
};

/// A policy file, checked on its own; [`super::resolve()`] turns it into a [`super::Policy`].
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySpec {
    /// The policy's name.
    pub(crate) name: String,
    /// The eligibility gates.
    pub(crate) gates: Gates,
    /// The points table, in the file's order.
    pub(crate) indicators: Vec<IndicatorSpec>,
    /// Cap per layer, indexed like [`Layer::ALL`].
    pub(crate) layer_caps: [Option<MilliPoints>; 3],
    /// The default tier order.
    pub(crate) tiers: Vec<TierRef>,
    /// The default tier order of a scenario without catchments (`tiers_without_catchments`), if
    /// the file gives one; it names no tier that reads catchments.
    pub(crate) tiers_without_catchments: Option<Vec<TierRef>>,
    /// Tier orders of particular schools, by school id as written, with the line they are on.
    pub(crate) school_tiers: BTreeMap<String, (Vec<TierRef>, u64)>,
    /// The tiers the file defines (`[[priority.tier]]`), in file order.
    pub(crate) defined: Vec<TierSpec>,
    /// Tie-break keys, in order.
    pub(crate) tie_keys: Vec<TieKeySpec>,
    /// What happens to children still tied.
    pub(crate) tie_rule: TieRule,
}

impl PolicySpec {
    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What happens to children still equal after every tie-break key.
    pub fn tie_rule(&self) -> TieRule {
        self.tie_rule
    }
}

/// One indicator of the file, checked, with its district and fact names as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndicatorSpec {
    /// The indicator's name.
    pub(crate) name: String,
    /// Its layer.
    pub(crate) layer: Layer,
    /// The district id of a district-layer indicator (present exactly then).
    pub(crate) district: Option<String>,
    /// The fact it reads.
    pub(crate) fact: FactSpec,
    /// Recognition of months elsewhere, in thousandths.
    pub(crate) recognition: Option<i64>,
    /// How it scores.
    pub(crate) rule: IndicatorRule,
    /// Its cap.
    pub(crate) cap: Option<MilliPoints>,
    /// Line of the indicator's `fact` in the policy file, for the errors of resolution.
    pub(crate) line: u64,
}

/// The fact an indicator names: built in, or an extra column still to be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FactSpec {
    /// A built-in numeric fact.
    Numeric(NumericFact),
    /// A built-in categorical fact.
    Category(CategoryFact),
    /// A well-formed name that is not built in: the children file's `fact_<name>` column.
    Extra(String),
}

/// A tie-break key as written: built in, or a column or extra fact with a direction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TieKeySpec {
    /// A built-in key, written as its name.
    Builtin(TieKey),
    /// `{ key = "…", order = "…" }`.
    Custom {
        /// A built-in column, or `None` for an extra fact still to be found.
        column: Option<KeyColumn>,
        /// The key's name as written.
        name: String,
        /// Larger values first.
        descending: bool,
        /// Line of the key in the file.
        line: u64,
    },
}

/// A tier named in a tier list: built in, or the policy's own by its place in
/// [`PolicySpec::defined`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TierRef {
    /// A built-in tier.
    Builtin(Tier),
    /// A defined tier.
    Defined(usize),
}

/// A tier the file defines, its extra facts still named.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TierSpec {
    /// The tier's name.
    pub(crate) name: String,
    /// Its description (the name when the file gives none).
    pub(crate) description: String,
    /// Conditions that must all hold.
    pub(crate) all: ConditionsSpec,
    /// Alternatives, one of which must hold when there are any.
    pub(crate) any: Vec<ConditionsSpec>,
    /// Line of the tier's `name`.
    pub(crate) line: u64,
}

/// Conditions as written: everything but the extra facts is checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConditionsSpec {
    /// The conditions, with `facts` still empty.
    pub(crate) conditions: Conditions,
    /// Extra facts by name, with their least values.
    pub(crate) facts: Vec<(String, u32)>,
    /// Where `hukou = "catchment"` is written, if it is: its line and field, to refuse it in a
    /// scenario whose catchments place homes only (polygons without a catchment table).
    pub(crate) hukou_catchment: Option<(u64, String)>,
}

impl PolicySpec {
    /// Whether any defined tier reads the catchment table.
    pub fn uses_catchments(&self) -> bool {
        self.defined.iter().any(TierSpec::uses_catchments)
    }
}

impl TierSpec {
    /// Whether the tier reads the catchment table.
    pub(crate) fn uses_catchments(&self) -> bool {
        self.all.conditions.uses_catchments()
            || self.any.iter().any(|c| c.conditions.uses_catchments())
    }
}
