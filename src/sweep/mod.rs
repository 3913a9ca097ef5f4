//! What-if sweeps: a base scenario run over many parameter values, in parallel.
//!
//! A sweep file names a base scenario and parameters (seats, budget, subsidy, indicator weights,
//! tie rule, demand growth, migrant share) with value lists or ranges, combined as a cross
//! product or listed point by point. Each point is an independent scenario: it gets its own
//! seed, derived from the base seed and the point's key, so results do not depend on the order
//! or the thread points run on. The base is loaded and hashed once; a point does only what its
//! edits require, keeping as much of the base's ranking as they leave valid ([`reuse`]). Points
//! are split into shards (`--shard i/N`) whose results merge
//! into exactly the single-machine result. What a sweep records of each point is defined in
//! [`crate::metrics::sweep`] and [`crate::metrics::kpi`], below both the sweep and its report.

pub mod apply;
pub mod reuse;
pub mod run;
pub mod spec;
pub mod tables;
