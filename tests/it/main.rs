//! The integration tests: one binary, one module per concern.

mod appeal;
mod architecture;
mod bad_inputs;
mod checker;
mod cli;
mod exit_codes;
mod explain;
mod folders;
mod fuzz;
mod golden;
mod hostile;
mod plan;
mod points;
pub mod properties;
mod purchase;
mod quotas;
mod reliability;
mod report;
mod results_workbook;
mod rounds;
mod serve;
mod serve_browser;
mod siblings;
mod solver;
mod sweep;
mod util;
