//! The command line, run as a user would: outputs, determinism, the checker, the generator.

use std::path::Path;

use super::util::{assert_same_text, generate_city, scenario_dir, seatplan};

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

const FILES: [&str; 5] = [
    "placements.csv",
    "schools.csv",
    "districts.csv",
    "summary.json",
    "waitlists.csv",
];

#[test]
fn run_writes_the_expected_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    let o = seatplan(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("independent check passed"), "{stderr}");
    let expected = scenario_dir("tiny/two-schools/expected");
    for f in FILES {
        assert_same_text(f, &read(&expected, f), &read(&out, f));
    }
}

#[test]
fn outputs_are_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let city = generate_city(tmp.path(), "Ningbo", "0.02", "11");
    let scenario = city.join("scenario.toml");
    let mut outs = Vec::new();
    for (i, threads) in ["1", "2", "2"].iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        let o = seatplan(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
            "-q",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        outs.push(out);
    }
    for f in FILES {
        let first = std::fs::read(outs[0].join(f)).unwrap();
        for other in &outs[1..] {
            assert_eq!(first, std::fs::read(other.join(f)).unwrap(), "{f} differs");
        }
    }
    // The generated city's result passes the checker when read back from disk.
    let o = seatplan(&[
        "check",
        scenario.to_str().unwrap(),
        "--placements",
        outs[0].join("placements.csv").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn check_rejects_a_tampered_placement() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = read(&scenario_dir("tiny/two-schools/expected"), "placements.csv");
    // F (20 points) takes C's seat at S2 while C is sent away: capacity holds, but C has
    // justified envy and the file no longer accounts for C.
    let tampered: String = expected
        .lines()
        .filter(|l| !l.starts_with("C,"))
        .map(|l| {
            if l.starts_with("F,") {
                "F,D1,public,S2,Second Primary,,20,migrant,2.000,,choices_full,moved".to_string()
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    let file = tmp.path().join("placements.csv");
    std::fs::write(&file, tampered).unwrap();
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    let o = seatplan(&[
        "check",
        scenario.to_str().unwrap(),
        "--placements",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("child `C` of the scenario has no placement"),
        "{stderr}"
    );

    // With C put back unplaced, the checker names the envy.
    let with_c = std::fs::read_to_string(&file).unwrap()
        + "C,D1,unplaced,,,,50,migrant,,,budget_exhausted,moved\n";
    std::fs::write(&file, with_c).unwrap();
    let o = seatplan(&[
        "check",
        scenario.to_str().unwrap(),
        "--placements",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("[justified-envy] child C was refused S2, which she ranked higher, while it holds a child of lower priority"),
        "{stderr}"
    );
}

#[test]
fn a_new_run_replaces_the_old_output_folder_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/coordinated/scenario.toml");
    // A first run writes statements.csv, which the second does not.
    let o = seatplan(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--statements",
        "-q",
    ]);
    assert!(o.status.success());
    assert!(out.join("statements.csv").exists());
    let o = seatplan(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    assert!(!out.join("statements.csv").exists());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".seatplan-output",
            "districts.csv",
            "manifest.json",
            "placements.csv",
            "report.html",
            "results.xlsx",
            "schools.csv",
            "summary.json",
            "waitlists.csv"
        ]
    );
    // No staging folders left beside it.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn validate_reports_a_valid_scenario() {
    let scenario = scenario_dir("tiny/keep-ties/scenario.toml");
    let o = seatplan(&["validate", scenario.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("is valid: 2 districts, 2 public schools"));
}

#[test]
fn asking_for_a_backend_the_build_lacks_is_a_clear_error() {
    if cfg!(feature = "highs") {
        return;
    }
    let scenario = scenario_dir("tiny/keep-ties/scenario.toml");
    let o = seatplan(&[
        "run",
        scenario.to_str().unwrap(),
        "--backend",
        "highs",
        "--out",
        "/nonexistent/x",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("rebuild with `cargo build --release --features highs`"));
}

/// Hashes of every file in a folder, by name.
fn folder_contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_old_or_the_new_results_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let city = generate_city(tmp.path(), "Hangzhou", "0.05", "4");
    let scenario = city.join("scenario.toml");
    let out = tmp.path().join("out");
    let run = |out: &Path| {
        seatplan(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
    };
    assert!(run(&out).status.success());
    let old = folder_contents(&out);
    // A changed seed gives a different lottery, so a different complete result.
    let text = std::fs::read_to_string(&scenario)
        .unwrap()
        .replace("seed = 4", "seed = 5");
    std::fs::write(&scenario, text).unwrap();
    let fresh = tmp.path().join("fresh");
    assert!(run(&fresh).status.success());
    let new = folder_contents(&fresh);
    assert_ne!(old, new);

    for delay_ms in [5u64, 20, 60, 120, 250, 400, 700, 1200] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seatplan"))
            .args([
                "run",
                scenario.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-q",
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = folder_contents(&out);
        assert!(
            now == old || now == new,
            "after a kill at {delay_ms} ms the output folder is neither the old nor the new result"
        );
    }
}

/// The embedding example (examples/embed, a workspace member depending on the library with
/// `default-features = false`) compiles none of the CLI's dependencies.
#[test]
fn an_embedding_program_compiles_no_cli_dependencies() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = std::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--manifest-path",
        ])
        .arg(root.join("examples/embed/Cargo.toml"))
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tree.contains("seatplan v"), "{tree}");
    for name in ["clap", "indicatif", "anyhow", "axum", "tokio", "hyper"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{name} v"))),
            "the embedding program depends on {name}:\n{tree}"
        );
    }
}

/// The run workflow through the library: cancelled before writing, it writes nothing; run
/// through, it writes what `seatplan run` writes.
#[test]
fn the_run_workflow_writes_what_the_cli_writes_and_nothing_when_cancelled() {
    struct CancelAtWrite;
    impl seatplan::Reporter for CancelAtWrite {
        fn should_cancel(&self) -> bool {
            SOLVED.load(std::sync::atomic::Ordering::SeqCst)
        }
        fn stage_finished(&self, stage: seatplan::Stage, _: std::time::Duration, _: &str) {
            if stage == seatplan::Stage::Solve {
                SOLVED.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }
    static SOLVED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    let settings = seatplan::RunSettings::default();
    let cancelled = tmp.path().join("cancelled");
    let err =
        seatplan::run_and_write(&scenario, &cancelled, &settings, &CancelAtWrite).unwrap_err();
    assert!(matches!(err, seatplan::Error::Cancelled(_)), "{err}");
    assert_eq!(err.exit_code(), 1);
    assert!(!cancelled.exists());

    let lib = tmp.path().join("lib");
    let run = seatplan::run_and_write(&scenario, &lib, &settings, &seatplan::NoReporter).unwrap();
    assert!(run.solved.check.passed());
    let cli = tmp.path().join("cli");
    let o = seatplan(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        cli.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    assert_eq!(folder_contents(&lib), folder_contents(&cli));
}
