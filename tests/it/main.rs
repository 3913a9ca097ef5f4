//! The integration tests: one binary, one module per concern.

mod appeal;
mod bad_inputs;
mod cli;
mod explain;
mod fuzz;
mod golden;
mod plan;
mod points;
pub mod properties;
mod reliability;
mod util;
