//! Fuzzes the whole scenario loader from memory: the input is the seven files of a scenario
//! (scenario.toml, policy.toml, districts, schools, private schools, children, choices) joined
//! by the byte 0x1E. Loading must return a scenario or input errors, never panic; a scenario
//! that loads is solved and must pass the independent check.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use seatplan::{Mechanism, SolverOptions};

const FILES: [&str; 7] = [
    "scenario.toml",
    "policy.toml",
    "districts.csv",
    "schools.csv",
    "private_schools.csv",
    "children.csv",
    "choices.csv",
];

fuzz_target!(|data: &[u8]| {
    let files: Vec<(PathBuf, Vec<u8>)> = FILES
        .iter()
        .zip(data.split(|&b| b == 0x1E))
        .map(|(name, bytes)| (PathBuf::from(name), bytes.to_vec()))
        .collect();
    match seatplan::load_from_memory(Path::new("scenario.toml"), files) {
        Ok(loaded) => {
            let solved = seatplan::solve(
                &loaded.scenario,
                Mechanism::Optimal,
                &SolverOptions::default(),
            )
            .expect("a valid scenario always solves");
            assert!(solved.check.passed(), "{:?}", solved.check.violations);
        }
        Err(errors) => {
            assert!(!errors.errors.is_empty());
            assert!(errors.errors.iter().all(|e| !e.message.is_empty()));
        }
    }
});
