//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seatplan::Scenario;
use seatplan::Solved;
use seatplan::{Mechanism, SolverOptions};

/// A folder of the shipped scenarios.
pub fn scenario_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Copies a shipped scenario's input files (not its expected outputs) into a fresh temp folder.
pub fn copy_scenario(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(scenario_dir(name)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
        }
    }
    tmp
}

/// Loads a scenario, panicking with every input error if it is invalid.
pub fn load(path: &Path) -> Scenario {
    match seatplan::load(path) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

/// Solves and asserts the independent checker passed.
pub fn solve_checked(scenario: &Scenario, mechanism: Mechanism) -> Solved {
    let solved = seatplan::solve(scenario, mechanism, &SolverOptions::default()).unwrap();
    assert!(
        solved.check.passed(),
        "checker found violations: {:#?}",
        solved.check.violations
    );
    solved
}

/// Runs the built `seatplan` binary.
pub fn seatplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seatplan"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap()
}

/// Asserts the CLI did not panic (it runs with `RUST_BACKTRACE=1`, so a panic shows in stderr):
/// bad input must be answered with an error, never a crash.
pub fn assert_no_panic(what: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{what}: the CLI panicked:\n{stderr}"
    );
    assert!(
        output.status.code().is_some(),
        "{what}: the CLI was killed by a signal:\n{stderr}"
    );
}

/// Runs `seatplan validate` on a scenario the library refused with `errors` and asserts the CLI
/// exits 2 without panicking, printing exactly those errors.
pub fn assert_cli_refuses(scenario: &Path, errors: &seatplan::InputErrors) {
    let o = seatplan(&["validate", scenario.to_str().unwrap()]);
    assert_no_panic("seatplan validate", &o);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr, format!("error: {errors}\n"));
}

/// Asserts two texts are equal, showing the first differing line.
pub fn assert_same_text(what: &str, expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            panic!(
                "{what} differs at line {}:\n  expected: {e}\n  actual:   {a}",
                i + 1
            );
        }
    }
    panic!(
        "{what} differs in length: expected {} lines, got {}",
        expected.lines().count(),
        actual.lines().count()
    );
}

/// Writes a generated city of a census city into `dir/city` with the CLI and returns its folder.
pub fn generate_city(dir: &Path, city: &str, scale: &str, seed: &str) -> PathBuf {
    let out = dir.join("city");
    let census = scenario_dir("data/zhejiang_districts_2020.csv");
    let o = seatplan(&[
        "generate",
        "--census",
        census.to_str().unwrap(),
        "--city",
        city,
        "--scale",
        scale,
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    fn walk(
        root: &std::path::Path,
        dir: &std::path::Path,
        into: &mut std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
    ) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                into.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut files = std::collections::BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}
