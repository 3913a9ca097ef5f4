//! The entities of a scenario: districts, public and private schools, children and their
//! choices, and the typed indices that address them.
//!
//! Entities are addressed by dense typed indices (`ChildIdx`, `SchoolIdx`, ...) into the vectors
//! of a scenario; the string ids from the input files are kept for output only. This module is
//! the bottom of the crate: it does no I/O and imports nothing else of the crate. The rules that
//! make a set of entities a valid whole (references in range, ids unique, numbers in range) are
//! the scenario's, checked by its one constructor (`crate::scenario::Scenario::new`).

mod catchment_area;
mod child;
mod date;
mod datum;
mod district;
mod fallback;
mod family;
mod index;
mod location;
mod school;

pub use catchment_area::{CatchmentArea, Polygon};
pub use child::Child;
pub use date::Date;
pub use datum::Datum;
pub use district::District;
pub use fallback::{Coordination, FallbackRules};
pub use family::{Education, Housing};
pub use index::{ChildIdx, DistrictIdx, PrivateIdx, SchoolIdx};
pub use location::{CoordinateSystem, Location, Prepared, EARTH_RADIUS_KM};
pub use school::{PrivateSchool, School};
