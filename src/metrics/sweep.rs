//! What a sweep produces: one record per point, keyed by its parameter values.
//!
//! These records are what `sweep.json` holds and what shards are merged from; the sweep's CSV
//! tables ([`crate::sweep::tables`]) and its report ([`crate::report::sweep_report`]) are
//! rendered from them alone. They sit here, below both the sweep that fills them and the
//! renderers that read them.

use serde::{Deserialize, Serialize};

use super::kpi::PointKpis;

/// One swept parameter as the outputs describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterInfo {
    /// Column name in the outputs (`id` in the sweep file).
    pub id: String,
    /// What it changes (`seats_scale`, `budget_yuan`, ...).
    pub kind: String,
    /// The district, school or indicator it is limited to; empty for the whole city.
    pub target: String,
    /// Every value it takes, as written in the outputs.
    pub values: Vec<String>,
}

/// How one point ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PointStatus {
    /// Solved and checked (the check's verdict is in the KPIs).
    Solved {
        /// The point's key figures.
        kpis: Box<PointKpis>,
    },
    /// The point could not be solved: its parameters are invalid, the solver failed or the
    /// point panicked. The other points are unaffected.
    Failed {
        /// Why, in words.
        error: String,
    },
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointResult {
    /// Position in the sweep's full list of points (0-based).
    pub index: usize,
    /// `id=value` pairs joined by `;`: the point's key, stable across shards and orderings.
    pub key: String,
    /// One value per parameter, in the order of [`SweepResults::parameters`].
    pub values: Vec<String>,
    /// The seed the point ran with (derived from the base seed and the key, or the base seed).
    pub seed: u64,
    /// How the point ended.
    #[serde(flatten)]
    pub status: PointStatus,
}

impl PointResult {
    /// The KPIs, when the point was solved.
    pub fn kpis(&self) -> Option<&PointKpis> {
        match &self.status {
            PointStatus::Solved { kpis } => Some(kpis),
            PointStatus::Failed { .. } => None,
        }
    }
}

/// A sweep's (or one shard's) results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepResults {
    /// The sweep's name.
    pub name: String,
    /// The base scenario's name.
    pub scenario: String,
    /// SHA-256 of the sweep file and every input of the base scenario: shards merge only when
    /// these agree.
    pub fingerprint: String,
    /// The swept parameters, in the order of each point's values.
    pub parameters: Vec<ParameterInfo>,
    /// Points in the whole sweep (not only this shard).
    pub total_points: usize,
    /// `(index, count)` (1-based index) when these are one shard's results.
    pub shard: Option<(usize, usize)>,
    /// The points, sorted by index.
    pub points: Vec<PointResult>,
}
