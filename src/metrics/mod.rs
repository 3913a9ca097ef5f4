//! The derived figures of a run, each defined once: a school's cut-off ([`cutoff`]), school
//! tallies ([`tally`]), district outcomes ([`outcomes`]), supply against demand by district
//! ([`mod@balance`]), the run summary ([`mod@summary`]), a child's rank ([`mod@rank`]), the
//! words for an outcome ([`wording`]), the waitlists ([`waitlist`]), and a sweep point's key figures and a sweep's results ([`kpi`], [`sweep`]).
//!
//! Every renderer — the CSV tables ([`crate::output`]), `report.html` ([`crate::report`]), the
//! explanations ([`crate::explain`]) and the sweep's tables — reads its figures from here and
//! never from another renderer, so two outputs of one run cannot disagree on a figure. Nothing
//! here writes bytes or formats a page: the figures are plain data (counts, milli-points, tier
//! names, child indices), computed from the scenario, the ranking and the outcomes only.

pub mod balance;
pub mod cutoff;
pub mod kpi;
pub mod outcomes;
pub mod rank;
pub mod summary;
pub mod sweep;
pub mod tally;
pub mod waitlist;
pub mod wording;

pub use balance::{balance, DistrictBalance};
pub use cutoff::Cutoff;
pub use kpi::{DistrictKpis, PointKpis, SchoolKpis};
pub use outcomes::{DistrictOutcomes, OutcomeCounts};
pub use rank::{rank, Rank, Ranks, RANK_LABEL, RANK_MEANING};
pub use summary::{summary, StatusCount, Summary};
pub use sweep::{ParameterInfo, PointResult, PointStatus, SweepResults};
pub use tally::{PrivateTally, SchoolTallies, SchoolTally};
