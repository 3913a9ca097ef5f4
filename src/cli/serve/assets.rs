//! The style sheet and the little script of the pages, compiled into the binary: the pages
//! load nothing from anywhere else.

/// The style sheet, served at `/assets/style.css`.
pub const STYLE: &str = include_str!("assets/style.css");

/// The script, served at `/assets/app.js`: polls a job's progress, and nothing else.
pub const SCRIPT: &str = include_str!("assets/app.js");
