//! The integration tests: one binary, one module per concern.

mod appeal;
mod architecture;
mod bad_inputs;
mod cli;
mod exit_codes;
mod explain;
mod fuzz;
mod golden;
mod plan;
mod points;
pub mod properties;
mod purchase;
mod quotas;
mod reliability;
mod report;
mod serve;
mod serve_browser;
mod siblings;
mod solver;
mod sweep;
mod util;
