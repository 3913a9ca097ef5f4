//! Byte-level mutation of the tiny scenario's files: loading (and, when it loads, solving)
//! never panics — every damaged file is either accepted or refused with input errors. Each case
//! also goes through the built CLI (`seatplan run`, backtraces on), which must exit 0 with the
//! outputs written or 2 with exactly the library's errors and nothing written, never panic.
//!
//! This is the fuzzer CI always runs; `fuzz/` holds the coverage-guided cargo-fuzz targets.

use proptest::prelude::*;

use seatplan::{Mechanism, SolverOptions};

use super::util::{assert_no_panic, copy_scenario, seatplan};

const FILES: [&str; 7] = [
    "scenario.toml",
    "policy.toml",
    "districts.csv",
    "schools.csv",
    "private_schools.csv",
    "children.csv",
    "choices.csv",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn damaged_files_never_panic_the_loader(
        which in 0usize..FILES.len(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let dir = copy_scenario("tiny/two-schools");
        let path = dir.path().join(FILES[which]);
        let mut bytes = std::fs::read(&path).unwrap();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => {
                    bytes.remove(i);
                }
            }
        }
        std::fs::write(&path, &bytes).unwrap();
        let scenario = dir.path().join("scenario.toml");
        let out = dir.path().join("out");
        let cli = seatplan(&["run", "-q", scenario.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_no_panic("seatplan run", &cli);
        let stderr = String::from_utf8_lossy(&cli.stderr);
        match seatplan::load(&scenario) {
            Ok(loaded) => {
                prop_assert_eq!(cli.status.code(), Some(0), "{}", stderr);
                prop_assert!(out.join("placements.csv").exists());
                let solved = seatplan::solve(&loaded.scenario, Mechanism::Optimal, &SolverOptions::default()).unwrap();
                prop_assert!(solved.check.passed(), "{:?}", solved.check.violations);
            }
            Err(errors) => {
                prop_assert_eq!(cli.status.code(), Some(2), "{}", stderr);
                prop_assert_eq!(stderr, format!("error: {errors}\n"));
                prop_assert!(!out.exists());
                prop_assert!(!errors.errors.is_empty());
                for e in &errors.errors {
                    prop_assert!(!e.message.is_empty());
                }
            }
        }
    }
}

/// The in-memory loader the cargo-fuzz target uses reads exactly what the disk loader reads.
#[test]
fn loading_from_memory_matches_loading_from_disk() {
    let dir = super::util::scenario_dir("tiny/two-schools");
    let files = FILES.iter().map(|f| {
        (
            std::path::PathBuf::from(f),
            std::fs::read(dir.join(f)).unwrap(),
        )
    });
    let memory = seatplan::load_from_memory(std::path::Path::new("scenario.toml"), files).unwrap();
    let disk = seatplan::load(&dir.join("scenario.toml")).unwrap();
    assert_eq!(
        format!("{:?}", memory.scenario),
        format!("{:?}", disk.scenario)
    );
    // A file missing from memory is reported like a missing file, not read from the disk.
    let without_choices = FILES[..6].iter().map(|f| {
        (
            std::path::PathBuf::from(f),
            std::fs::read(dir.join(f)).unwrap(),
        )
    });
    let errors = seatplan::load_from_memory(std::path::Path::new("scenario.toml"), without_choices)
        .unwrap_err();
    assert_eq!(
        errors.to_string(),
        "the scenario has 1 problem:\n  choices.csv: cannot read the file: entity not found"
    );
}
