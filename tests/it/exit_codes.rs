//! The exit code of every command on each kind of failure it can have, from the built binary:
//! 0 success, 1 other failure, 2 invalid input, 3 the independent check failed, 4 the solver
//! failed, 5 `verify` found a difference (the table of `seatplan::Error::exit_code` and the
//! README).

use std::path::{Path, PathBuf};

use crate::util::{assert_no_panic, copy_scenario, scenario_dir, seatplan};

/// Runs the CLI quietly and returns its exit code and standard error.
fn code(args: &[&str]) -> (i32, String) {
    let mut all = args.to_vec();
    all.push("-q");
    let o = seatplan(&all);
    assert_no_panic(&args.join(" "), &o);
    (
        o.status.code().expect("an exit code"),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Asserts `args` exit with `expected`.
fn exits(expected: i32, args: &[&str]) -> String {
    let (got, stderr) = code(args);
    assert_eq!(got, expected, "seatplan {}:\n{stderr}", args.join(" "));
    stderr
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A scenario with a broken children file (an unknown housing word).
fn broken_scenario() -> (tempfile::TempDir, PathBuf) {
    let dir = copy_scenario("tiny/two-schools");
    let children = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&children).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1] = lines[1].replace("rented", "dorm").replace("owned", "dorm");
    std::fs::write(&children, lines.join("\n") + "\n").unwrap();
    let toml = dir.path().join("scenario.toml");
    (dir, toml)
}

/// Two-schools with F a sibling at S2, her only choice: serial dictatorship (which ignores
/// per-school tiers) gives S2 to D, and the independent check finds F's justified envy.
fn envy_under_serial_dictatorship() -> (tempfile::TempDir, PathBuf) {
    let dir = copy_scenario("tiny/two-schools");
    let edit = |name: &str, from: &str, to: &str| {
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    edit("children.csv", "none,junior,\n", "none,junior,S2\n");
    edit("choices.csv", "F,S1,1", "F,S2,1");
    let toml = dir.path().join("scenario.toml");
    (dir, toml)
}

const SD: [&str; 2] = ["--mechanism", "serial-dictatorship"];

/// An output path that cannot be created: its parent is a file.
fn unwritable(dir: &Path) -> PathBuf {
    let file = dir.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    file.join("out")
}

/// Reserved seats with `--mechanism ip`: a mechanism × feature combination the solver refuses.
fn reserved() -> PathBuf {
    scenario_dir("tiny/reserved/scenario.toml")
}

#[test]
fn run_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let two = scenario_dir("tiny/two-schools/scenario.toml");
    let out = tmp.path().join("out");
    exits(0, &["run", s(&two), "--out", s(&out)]);
    let (_dir, broken) = broken_scenario();
    let stderr = exits(2, &["run", s(&broken), "--out", s(&out)]);
    assert!(stderr.contains("the scenario has 1 problem:"), "{stderr}");
    let stderr = exits(
        4,
        &["run", s(&reserved()), "--mechanism", "ip", "--out", s(&out)],
    );
    assert!(stderr.contains("does not handle"), "{stderr}");
    let (_envy, envy) = envy_under_serial_dictatorship();
    let stderr = exits(3, &["run", s(&envy), SD[0], SD[1], "--out", s(&out)]);
    assert!(stderr.contains("[justified-envy] child F"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    assert!(out.join("placements.csv").is_file(), "written all the same");
    exits(1, &["run", s(&two), "--out", s(&unwritable(tmp.path()))]);
    exits(1, &["run", s(&two), "--mip-gap", "2", "--out", s(&out)]);
}

#[test]
fn check_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let two = scenario_dir("tiny/two-schools/scenario.toml");
    let placements = scenario_dir("tiny/two-schools/expected/placements.csv");
    exits(0, &["check", s(&two), "--placements", s(&placements)]);
    // A placements file naming no child C is invalid input, and says which file it is.
    let text = std::fs::read_to_string(&placements).unwrap();
    let without_c: String = text
        .lines()
        .filter(|l| !l.starts_with("C,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = tmp.path().join("placements.csv");
    std::fs::write(&file, &without_c).unwrap();
    let stderr = exits(2, &["check", s(&two), "--placements", s(&file)]);
    assert!(
        stderr.contains("the placements file has 1 problem:"),
        "{stderr}"
    );
    // A tampered placements file (F moved into C's seat, C unplaced) fails the check.
    let tampered: String = without_c
        .lines()
        .map(|l| {
            if l.starts_with("F,") {
                "F,D1,public,S2,Second Primary,,20,migrant,2.000,,choices_full,moved".to_string()
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect::<String>()
        + "C,D1,unplaced,,,,50,migrant,,,budget_exhausted,moved\n";
    std::fs::write(&file, tampered).unwrap();
    let stderr = exits(3, &["check", s(&two), "--placements", s(&file)]);
    assert!(stderr.contains("independent check FAILED"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    let (_dir, broken) = broken_scenario();
    exits(2, &["check", s(&broken), "--placements", s(&placements)]);
}

#[test]
fn validate_exit_codes() {
    exits(
        0,
        &[
            "validate",
            s(&scenario_dir("tiny/two-schools/scenario.toml")),
        ],
    );
    let (_dir, broken) = broken_scenario();
    exits(2, &["validate", s(&broken)]);
    exits(2, &["validate", "/nonexistent/scenario.toml"]);
}

#[test]
fn explain_exit_codes() {
    let two = scenario_dir("tiny/two-schools/scenario.toml");
    let (_dir, broken) = broken_scenario();
    exits(0, &["explain", s(&two), "--child", "C"]);
    exits(2, &["explain", s(&broken), "--child", "C"]);
    exits(1, &["explain", s(&two), "--child", "nobody"]);
    let (_envy, envy) = envy_under_serial_dictatorship();
    exits(3, &["explain", s(&envy), "--child", "F", SD[0], SD[1]]);
    exits(
        4,
        &[
            "explain",
            s(&reserved()),
            "--child",
            "H1",
            "--mechanism",
            "ip",
        ],
    );
    let tmp = tempfile::tempdir().unwrap();
    exits(
        1,
        &[
            "explain",
            s(&two),
            "--child",
            "C",
            "--out",
            s(&unwritable(tmp.path())),
        ],
    );
}

#[test]
fn verify_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let two = scenario_dir("tiny/two-schools/scenario.toml");
    exits(0, &["run", s(&two), "--out", s(&out)]);
    exits(0, &["verify", s(&out)]);
    // An output altered after the run: a difference.
    let placements = out.join("placements.csv");
    let original = std::fs::read(&placements).unwrap();
    std::fs::write(&placements, b"child\n").unwrap();
    let stderr = exits(5, &["verify", s(&out)]);
    assert!(stderr.contains("verification FAILED:"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    std::fs::write(&placements, original).unwrap();
    // A corrupted manifest and a missing one are invalid input.
    let manifest = out.join("manifest.json");
    let good = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, "{ not json").unwrap();
    let stderr = exits(2, &["verify", s(&out)]);
    assert!(stderr.contains("not a seatplan manifest"), "{stderr}");
    std::fs::write(&manifest, good.replace("\"optimal\"", "\"bogus\"")).unwrap();
    let stderr = exits(2, &["verify", s(&out)]);
    assert!(
        stderr.contains("the manifest has 1 problem:") && stderr.contains("unknown mechanism"),
        "{stderr}"
    );
    exits(2, &["verify", s(&tmp.path().join("nothing-here"))]);
}

#[test]
fn appeal_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let appeal = scenario_dir("tiny/appeal/appeal.toml");
    exits(0, &["appeal", s(&appeal), "--out", s(&out)]);
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "scenario = {:?}\n[[child]]\nid = \"nobody\"\n",
            s(&scenario_dir("tiny/two-schools/scenario.toml"))
        ),
    )
    .unwrap();
    let stderr = exits(2, &["appeal", s(&bad), "--out", s(&out)]);
    assert!(
        stderr.contains("the appeal file has 1 problem:"),
        "{stderr}"
    );
    let on_reserved = tmp.path().join("reserved.toml");
    std::fs::write(
        &on_reserved,
        format!(
            "scenario = {:?}\n[[child]]\nid = \"H1\"\ninsurance_months = 10\n",
            s(&reserved())
        ),
    )
    .unwrap();
    exits(
        4,
        &[
            "appeal",
            s(&on_reserved),
            "--mechanism",
            "ip",
            "--out",
            s(&out),
        ],
    );
    exits(
        1,
        &["appeal", s(&appeal), "--out", s(&unwritable(tmp.path()))],
    );
    let (envy_dir, envy) = envy_under_serial_dictatorship();
    let on_envy = envy_dir.path().join("appeal.toml");
    std::fs::write(
        &on_envy,
        format!(
            "scenario = {:?}\n[[child]]\nid = \"A\"\ninsurance_months = 10\n",
            s(&envy)
        ),
    )
    .unwrap();
    exits(3, &["appeal", s(&on_envy), SD[0], SD[1], "--out", s(&out)]);
}

#[test]
fn plan_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let planning = scenario_dir("tiny/planning/scenario.toml");
    let out = tmp.path().join("out");
    exits(0, &["plan", s(&planning), "--out", s(&out)]);
    let (_dir, broken) = broken_scenario();
    exits(2, &["plan", s(&broken), "--out", s(&out)]);
    let candidates = tmp.path().join("candidates.csv");
    std::fs::write(
        &candidates,
        "id,district,seats_per_unit,cost_per_unit_yuan,x_km,y_km\nX,nowhere,45,100,0,0\n",
    )
    .unwrap();
    let stderr = exits(
        2,
        &[
            "plan",
            s(&planning),
            "--candidates",
            s(&candidates),
            "--out",
            s(&out),
        ],
    );
    assert!(
        stderr.contains("the candidates file has 1 problem:"),
        "{stderr}"
    );
    exits(
        1,
        &["plan", s(&planning), "--years", "31", "--out", s(&out)],
    );
    exits(
        1,
        &["plan", s(&planning), "--out", s(&unwritable(tmp.path()))],
    );
}

/// A one-parameter budget sweep over `scenario` in `dir`.
fn sweep_file(dir: &Path, scenario: &Path) -> PathBuf {
    let path = dir.join("sweep.toml");
    std::fs::write(
        &path,
        format!(
            "name = \"exit codes\"\nscenario = {:?}\n[[parameter]]\nid = \"budget\"\n\
             kind = \"budget_yuan\"\nvalues = [0, 100]\n",
            s(scenario)
        ),
    )
    .unwrap();
    path
}

#[test]
fn sweep_and_merge_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sweep = sweep_file(tmp.path(), &scenario_dir("tiny/two-schools/scenario.toml"));
    exits(0, &["sweep", s(&sweep), "--out", s(&out)]);
    let shard = tmp.path().join("shard");
    exits(
        0,
        &["sweep", s(&sweep), "--shard", "1/1", "--out", s(&shard)],
    );
    exits(
        0,
        &["merge", s(&shard), "--out", s(&tmp.path().join("merged"))],
    );
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "name = 1\n").unwrap();
    let stderr = exits(2, &["sweep", s(&bad), "--out", s(&out)]);
    assert!(stderr.contains("the sweep file has 1 problem:"), "{stderr}");
    // Every point of a sweep over reserved seats fails under `--mechanism ip`.
    let dir = tempfile::tempdir().unwrap();
    let failing = sweep_file(dir.path(), &reserved());
    let stderr = exits(
        4,
        &["sweep", s(&failing), "--mechanism", "ip", "--out", s(&out)],
    );
    assert!(stderr.contains("2 point(s) failed"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    let (envy_dir, envy) = envy_under_serial_dictatorship();
    let unchecked = sweep_file(envy_dir.path(), &envy);
    let stderr = exits(3, &["sweep", s(&unchecked), SD[0], SD[1], "--out", s(&out)]);
    assert!(stderr.contains("failed the independent check"), "{stderr}");
    exits(
        1,
        &["sweep", s(&sweep), "--out", s(&unwritable(tmp.path()))],
    );
    exits(
        1,
        &["merge", s(tmp.path()), "--out", s(&tmp.path().join("m"))],
    );
}

#[test]
fn generate_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let census = scenario_dir("data/zhejiang_districts_2020.csv");
    let out = tmp.path().join("city");
    exits(
        0,
        &[
            "generate",
            "--census",
            s(&census),
            "--scale",
            "0.01",
            "--out",
            s(&out),
        ],
    );
    let stderr = exits(
        2,
        &[
            "generate",
            "--census",
            s(&census),
            "--city",
            "Atlantis",
            "--out",
            s(&out),
        ],
    );
    assert!(
        stderr.contains("the census file has 1 problem:"),
        "{stderr}"
    );
    exits(
        1,
        &[
            "generate",
            "--census",
            s(&census),
            "--scale",
            "0",
            "--out",
            s(&out),
        ],
    );
    exits(
        1,
        &[
            "generate",
            "--census",
            s(&census),
            "--scale",
            "0.01",
            "--out",
            s(&unwritable(tmp.path())),
        ],
    );
}

/// The exit code a library error maps to is the one the binary exits with.
#[test]
fn the_library_maps_each_error_kind_to_its_code() {
    use seatplan::Error;
    let input = seatplan::InputErrors::scenario(vec![seatplan::InputError::file("x", "bad")]);
    assert_eq!(Error::from(input).exit_code(), 2);
    assert_eq!(Error::CheckFailed { violations: 1 }.exit_code(), 3);
    assert_eq!(Error::PointsFailed { failed: 1 }.exit_code(), 4);
    assert_eq!(Error::VerifyFailed { problems: vec![] }.exit_code(), 5);
    assert_eq!(Error::from(seatplan::Cancelled).exit_code(), 1);
}
