pub mod assign;
pub mod domain;
pub mod error;
pub mod policy;
pub mod scenario;
