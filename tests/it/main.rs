//! The integration tests: one binary, one module per concern.

mod bad_inputs;
mod cli;
mod golden;
mod plan;
mod points;
mod properties;
mod util;
