//! The points policy: eligibility gates, weighted indicators, priority tiers and tie-breaks.
//!
//! A bureau writes its policy as a TOML file (see `docs/scenario-format.md`). Reading it takes
//! two steps: [`file::parse_policy`] checks the file on its own and gives a [`PolicySpec`], the
//! file's shape with district, school and fact names as written; [`resolve()`] binds those names to
//! a scenario's indices and gives the resolved [`Policy`], which holds no names to look up and no
//! placeholders. Embedders may also build a [`Policy`] directly: every field is public.
//!
//! Points are computed in integer milli-points so that equal families always tie exactly,
//! whatever the platform. This module scores one child at a time and knows nothing of a whole
//! scenario; `crate::ranking` applies the policy to every child.

mod defined;
mod facts;
pub mod file;
mod gates;
mod indicator;
mod points;
mod resolve;
mod spec;
mod statement;
mod tiers;
mod ties;

use std::collections::BTreeMap;

pub use defined::{Area, Conditions, FactAtLeast, TierDef};
pub use facts::{CategoryFact, Fact, NumericFact};
pub use file::parse_policy;
pub use gates::Gates;
pub use indicator::{Bracket, Indicator, IndicatorRule, ItemScore, Layer, Scope};
pub use points::{format_points, MilliPoints, PointsText};
pub use resolve::{resolve, ScenarioNames, SchoolName};
pub use spec::PolicySpec;
pub use statement::Statement;
pub use tiers::Tier;
pub use ties::{CustomKey, KeyColumn, TieKey, TieRule, MAX_TIE_KEYS};

use crate::domain::SchoolIdx;

/// A resolved points policy, ready to score children of one scenario.
///
/// Built by [`resolve()`] from a policy file, or directly in code. District-layer indicators carry
/// their district's index and extra facts their column slot, so nothing is looked up by name.
///
/// ```
/// use seatplan::domain::SchoolIdx;
/// use seatplan::policy::{
///     Fact, Gates, Indicator, IndicatorRule, NumericFact, Policy, Scope, TieRule, Tier,
/// };
///
/// // One point a month of social insurance, at most 24; 12 months needed to apply at all.
/// let policy = Policy {
///     name: "insurance only".into(),
///     gates: Gates { min_insurance_months: 12, ..Gates::default() },
///     indicators: vec![Indicator {
///         name: "insurance".into(),
///         scope: Scope::City,
///         fact: Fact::Numeric(NumericFact::InsuranceMonths),
///         recognition: None,
///         rule: IndicatorRule::PerUnit { per_unit: 1000 },
///         cap: Some(24_000),
///     }],
///     layer_caps: [None; 3],
///     tiers: vec![Tier::CatchmentHukou, Tier::Hukou, Tier::Migrant],
///     school_tiers: [(SchoolIdx(1), vec![Tier::Migrant])].into(),
///     tie_keys: vec![],
///     tie_rule: TieRule::Lottery,
/// };
/// assert_eq!(policy.tiers_at(SchoolIdx(0)), &policy.tiers[..]);
/// assert_eq!(policy.tiers_at(SchoolIdx(1)), &[Tier::Migrant]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The policy's name, as written in its file (shown in outputs).
    pub name: String,
    /// The eligibility gates a migrant child must pass before her points count.
    pub gates: Gates,
    /// The points table, in the file's order (statements list items in this order).
    pub indicators: Vec<Indicator>,
    /// Cap per layer, indexed like [`Layer::ALL`]; `None` for an uncapped layer.
    pub layer_caps: [Option<MilliPoints>; 3],
    /// The tier order of every school without its own (and of a child's home district).
    pub tiers: Vec<Tier>,
    /// Tier orders of particular public schools of the scenario, by index. A school that is
    /// not a key here uses [`Policy::tiers`].
    pub school_tiers: BTreeMap<SchoolIdx, Vec<Tier>>,
    /// Tie-break keys, tried in order between children with equal points.
    pub tie_keys: Vec<TieKey>,
    /// What happens to children still equal after every tie-break key.
    pub tie_rule: TieRule,
}

impl Policy {
    /// Whether any indicator belongs to the district layer (then points depend on the district).
    pub fn has_district_layer(&self) -> bool {
        self.indicators.iter().any(|i| i.layer() == Layer::District)
    }

    /// Whether any tier of the policy reads the catchment table (施教区).
    pub fn uses_catchments(&self) -> bool {
        self.tiers
            .iter()
            .chain(self.school_tiers.values().flatten())
            .any(|t| t.uses_catchments())
    }

    /// Whether any tier of the policy reads the schools' feeder lists (对口直升).
    pub fn uses_feeders(&self) -> bool {
        self.tiers
            .iter()
            .chain(self.school_tiers.values().flatten())
            .any(|t| matches!(t, Tier::Defined(d) if d.uses_feeders()))
    }

    /// The tier order of a public school.
    pub fn tiers_at(&self, school: SchoolIdx) -> &[Tier] {
        self.school_tiers.get(&school).unwrap_or(&self.tiers)
    }
}
