//! Output folders the tool owns: every command that writes writes only into an absent folder, an
//! empty one, or one it wrote before (its `.seatplan-output` marker) holding nothing else; never
//! into or over a folder that holds one of the run's inputs. Leftovers of killed runs are
//! removed on the next run only when their process is gone. And `verify` refuses a manifest
//! that does not describe exactly its folder's run before re-running anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use seatplan::{Error, ManifestError, OutputError, Provenance, OUTPUT_MARKER};

use super::util::{copy_scenario, scenario_dir, seatplan, snapshot};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs the CLI in `cwd`.
fn seatplan_in(cwd: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_seatplan"))
        .args(args)
        .current_dir(cwd)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap()
}

/// Asserts exit code `code` and returns stderr.
fn exits(code: i32, o: &Output) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(code), "{stderr}");
    stderr
}

/// Names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A folder of seven unrelated documents.
fn documents(at: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::create_dir_all(at.join("photos")).unwrap();
    for name in ["a.docx", "b.pdf", "c.txt", "d.xlsx", "e.md", "f.csv"] {
        std::fs::write(at.join(name), name).unwrap();
    }
    std::fs::write(at.join("photos/1.jpg"), "jpg").unwrap();
    snapshot(at)
}

const DOCS: &str = "it holds a.docx, b.pdf, c.txt, d.xlsx, e.md, …and 2 more";

#[test]
fn an_output_folder_that_is_the_scenarios_own_folder_is_refused_and_the_inputs_kept() {
    let sc = copy_scenario("tiny/two-schools");
    let before = snapshot(sc.path());
    let scenario = sc.path().join("scenario.toml");
    let stderr = exits(
        1,
        &seatplan(&["run", s(&scenario), "--out", s(sc.path()), "-q"]),
    );
    assert_eq!(
        stderr,
        format!(
            "error: refusing to write the output folder {d}: it holds {d}/scenario.toml, an input \
             of this run, which replacing the folder would delete; choose another output folder \
             (--out DIR)\n",
            d = sc.path().display()
        )
    );
    assert_eq!(snapshot(sc.path()), before, "an input changed");
    // A folder that holds the scenario further down is refused too.
    let parent = sc.path().parent().unwrap();
    let o = seatplan(&["run", s(&scenario), "--out", s(parent), "-q"]);
    assert!(exits(1, &o).contains("an input of this run"));
    assert_eq!(snapshot(sc.path()), before);
}

#[test]
fn a_folder_of_unrelated_documents_is_refused_naming_what_is_in_it() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    let before = documents(&docs);
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    let stderr = exits(
        1,
        &seatplan(&["run", s(&scenario), "--out", s(&docs), "-q"]),
    );
    assert_eq!(
        stderr,
        format!(
            "error: refusing to replace the output folder {}: it is not empty and seatplan did \
             not write it (it has no .seatplan-output file); {DOCS}; choose an absent or empty \
             folder (--out DIR)\n",
            docs.display()
        )
    );
    assert_eq!(snapshot(&docs), before);
    assert_eq!(names(tmp.path()), ["docs"], "a staging folder was left");
}

/// The README's re-run example: `run out/hangzhou-plan/scenario/scenario.toml` with the default
/// output folder `out`, which holds the plan it reads. It used to delete the plan.
#[test]
fn run_without_out_refuses_the_default_folder_when_it_holds_the_plan_it_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let planning = scenario_dir("tiny/planning/scenario.toml");
    let o = seatplan_in(tmp.path(), &["plan", s(&planning), "--out", "out/plan"]);
    let stderr = exits(0, &o);
    assert!(
        stderr.contains(
            "plan written to out/plan/ (re-run the intake with: seatplan run \
             out/plan/scenario/scenario.toml --out out/plan-run)"
        ),
        "{stderr}"
    );
    let plan = snapshot(&tmp.path().join("out/plan"));
    let o = seatplan_in(
        tmp.path(),
        &["run", "out/plan/scenario/scenario.toml", "-q"],
    );
    assert_eq!(
        exits(1, &o),
        "error: refusing to write the output folder out: it holds \
         out/plan/scenario/scenario.toml, an input of this run, which replacing the folder would \
         delete; choose another output folder (--out DIR)\n"
    );
    assert_eq!(
        snapshot(&tmp.path().join("out/plan")),
        plan,
        "the plan changed"
    );
    // The command the plan prints works, and leaves the plan as it was.
    let o = seatplan_in(
        tmp.path(),
        &[
            "run",
            "out/plan/scenario/scenario.toml",
            "--out",
            "out/plan-run",
            "-q",
        ],
    );
    exits(0, &o);
    assert!(tmp.path().join("out/plan-run/placements.csv").is_file());
    assert_eq!(snapshot(&tmp.path().join("out/plan")), plan);
    // Nor may the run write into the plan's folder, which holds its scenario.
    let o = seatplan_in(
        tmp.path(),
        &[
            "run",
            "out/plan/scenario/scenario.toml",
            "--out",
            "out/plan",
        ],
    );
    assert!(exits(1, &o).contains("it holds out/plan/scenario/scenario.toml"));
    assert_eq!(snapshot(&tmp.path().join("out/plan")), plan);
}

#[test]
fn an_output_folder_of_the_tool_is_replaced_whole_with_its_marker() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    exits(
        0,
        &seatplan(&["run", s(&scenario), "--out", s(&out), "--statements", "-q"]),
    );
    assert!(out.join("statements.csv").is_file());
    exits(0, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    assert_eq!(
        names(&out),
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
    let marker: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(OUTPUT_MARKER)).unwrap()).unwrap();
    assert_eq!(marker["command"], "run");
    assert_eq!(
        marker["files"],
        serde_json::json!([
            "placements.csv",
            "schools.csv",
            "districts.csv",
            "summary.json",
            "waitlists.csv",
            "results.xlsx",
            "report.html",
            "manifest.json"
        ])
    );
    assert_eq!(names(tmp.path()), ["out"], "a staging folder was left");
    // An empty folder is written too.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    exits(
        0,
        &seatplan(&["run", s(&scenario), "--out", s(&empty), "-q"]),
    );
    assert!(empty.join("placements.csv").is_file());
}

#[test]
fn a_file_added_to_an_output_folder_stops_its_replacement() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    exits(0, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    std::fs::create_dir(out.join("drafts")).unwrap();
    std::fs::write(out.join("drafts/x.txt"), "draft").unwrap();
    let before = snapshot(&out);
    let stderr = exits(1, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    assert_eq!(
        stderr,
        format!(
            "error: refusing to replace the output folder {}: seatplan wrote it, but it now also \
             holds what seatplan did not write there: drafts/, notes.txt; move that away or \
             choose another output folder (--out DIR)\n",
            out.display()
        )
    );
    assert_eq!(snapshot(&out), before);
    // A marker that lists a path outside the folder is no marker of the tool's.
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    std::fs::remove_dir_all(out.join("drafts")).unwrap();
    let marker = std::fs::read_to_string(out.join(OUTPUT_MARKER)).unwrap();
    std::fs::write(
        out.join(OUTPUT_MARKER),
        marker.replace("\"manifest.json\"", "\"manifest.json\", \"../elsewhere\""),
    )
    .unwrap();
    let stderr = exits(1, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    assert!(stderr.contains("seatplan did not write it"), "{stderr}");
}

/// plan, appeal, sweep, merge, generate and explain: each refuses an output that holds (or, for
/// explain, is) one of its inputs, and a folder of documents, and leaves both as they were.
#[test]
fn every_writing_command_refuses_its_inputs_and_folders_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    let docs_before = documents(&docs);
    // Copies of the inputs, each in a folder of its own, to write over.
    let planning_copy = copy_scenario("tiny/planning");
    let planning = planning_copy.path().to_path_buf();
    let appeal_copy = tempfile::tempdir().unwrap();
    let appeal = appeal_copy.path().to_path_buf();
    std::fs::write(
        appeal.join("appeal.toml"),
        format!(
            "scenario = {:?}\n\n[[child]]\nid = \"D\"\ninsurance_months = 65\n",
            s(&scenario_dir("tiny/two-schools/scenario.toml"))
        ),
    )
    .unwrap();
    let census_copy = tempfile::tempdir().unwrap();
    let census_dir = census_copy.path().to_path_buf();
    std::fs::copy(
        scenario_dir("data/zhejiang_districts_2020.csv"),
        census_dir.join("zhejiang_districts_2020.csv"),
    )
    .unwrap();
    // A sweep next to its own scenario, to write the sweep over both.
    let sc = copy_scenario("tiny/two-schools");
    let sweep = sc.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        "name = \"budget\"\nscenario = \"scenario.toml\"\n\n[[parameter]]\nid = \"budget\"\n\
         kind = \"budget_yuan\"\nvalues = [0, 6000]\n",
    )
    .unwrap();
    let sc_before = snapshot(sc.path());
    let cases: Vec<(Vec<String>, &Path)> = vec![
        (
            vec![
                "plan".into(),
                s(&planning.join("scenario.toml")).into(),
                "--out".into(),
            ],
            &planning,
        ),
        (
            vec![
                "appeal".into(),
                s(&appeal.join("appeal.toml")).into(),
                "--out".into(),
            ],
            &appeal,
        ),
        (
            vec!["sweep".into(), s(&sweep).into(), "--out".into()],
            sc.path(),
        ),
        (
            vec![
                "generate".into(),
                "--census".into(),
                s(&census_dir.join("zhejiang_districts_2020.csv")).into(),
                "--scale".into(),
                "0.01".into(),
                "--out".into(),
            ],
            &census_dir,
        ),
    ];
    for (args, input_dir) in &cases {
        let input_dir: &Path = input_dir;
        let before = snapshot(input_dir);
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.push(s(input_dir));
        let stderr = exits(1, &seatplan(&a));
        assert!(
            stderr.starts_with(&format!(
                "error: refusing to write the output folder {}: it holds ",
                input_dir.display()
            )) && stderr.contains("an input of this run"),
            "{}: {stderr}",
            args[0]
        );
        assert_eq!(&snapshot(input_dir), &before, "{}", args[0]);
        a.pop();
        a.push(s(&docs));
        let stderr = exits(1, &seatplan(&a));
        assert!(stderr.contains(DOCS), "{}: {stderr}", args[0]);
        assert_eq!(snapshot(&docs), docs_before, "{}", args[0]);
    }
    assert_eq!(snapshot(sc.path()), sc_before);

    // merge: never into a shard's folder, one holding a shard, or one inside a shard.
    let shards = tmp.path().join("shards");
    let one = shards.join("1");
    exits(
        0,
        &seatplan(&["sweep", s(&sweep), "--shard", "1/1", "--out", s(&one), "-q"]),
    );
    let shard_before = snapshot(&one);
    let stderr = exits(1, &seatplan(&["merge", s(&one), "--out", s(&one)]));
    assert!(stderr.contains("it holds"), "{stderr}");
    let stderr = exits(1, &seatplan(&["merge", s(&one), "--out", s(&shards)]));
    assert!(stderr.contains("it holds"), "{stderr}");
    let inside = one.join("merged");
    let stderr = exits(1, &seatplan(&["merge", s(&one), "--out", s(&inside)]));
    assert_eq!(
        stderr,
        format!(
            "error: refusing to write the output folder {}: it is inside {}, an input of this \
             run; choose another output folder (--out DIR)\n",
            inside.display(),
            one.display()
        )
    );
    let stderr = exits(1, &seatplan(&["merge", s(&one), "--out", s(&docs)]));
    assert!(stderr.contains(DOCS), "{stderr}");
    assert_eq!(snapshot(&one), shard_before);
    let merged = tmp.path().join("merged");
    exits(0, &seatplan(&["merge", s(&one), "--out", s(&merged), "-q"]));

    // explain: never over one of the scenario's files.
    let scenario = sc.path().join("scenario.toml");
    let children = sc.path().join("children.csv");
    let stderr = exits(
        1,
        &seatplan(&[
            "explain",
            s(&scenario),
            "--child",
            "D",
            "--out",
            s(&children),
            "-q",
        ]),
    );
    assert_eq!(
        stderr,
        format!(
            "error: refusing to write {}: it is an input of this run; choose another output file\n",
            children.display()
        )
    );
    assert_eq!(snapshot(sc.path()), sc_before);
}

/// The library's workflows refuse before solving, with a typed error and exit code 1.
#[test]
fn the_library_workflows_refuse_with_a_typed_error() {
    let sc = copy_scenario("tiny/two-schools");
    let scenario = sc.path().join("scenario.toml");
    let settings = seatplan::RunSettings::default();
    let err = seatplan::run_and_write(&scenario, sc.path(), &settings, &seatplan::NoReporter)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Output(OutputError::HoldsInput { dir, input })
            if dir == sc.path() && input == &scenario),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 1);

    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    documents(&docs);
    let appeal = scenario_dir("tiny/appeal/appeal.toml");
    let err =
        seatplan::appeal_and_write(&appeal, &docs, &settings, &seatplan::NoReporter).unwrap_err();
    match &err {
        Error::Output(OutputError::NotOwned {
            dir, entries, more, ..
        }) => {
            assert_eq!(dir, &docs);
            assert_eq!(entries, &["a.docx", "b.pdf", "c.txt", "d.xlsx", "e.md"]);
            assert_eq!(*more, 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.exit_code(), 1);

    // write_dir: a file name leaving the folder, or named like the marker, is refused.
    let by = Provenance::new("test", Vec::<PathBuf>::new());
    let out = tmp.path().join("out");
    for bad in ["../escape.csv", "/abs.csv", OUTPUT_MARKER, "a/../b"] {
        let err = seatplan::write_dir(&out, &[(bad, b"x".to_vec())], &by).unwrap_err();
        assert!(matches!(err, OutputError::Folder { .. }), "{bad}: {err:?}");
    }
    assert!(!out.exists() && !tmp.path().join("escape.csv").exists());
    seatplan::write_dir(&out, &[("sub/a.csv", b"x".to_vec())], &by).unwrap();
    assert_eq!(std::fs::read(out.join("sub/a.csv")).unwrap(), b"x");
    seatplan::write_dir(&out, &[("b.csv", b"y".to_vec())], &by).unwrap();
    assert_eq!(names(&out), [".seatplan-output", "b.csv"]);
    assert!(seatplan::check_output_dir(&out, &[]).is_ok());
    assert!(matches!(
        seatplan::check_output_dir(&docs, &[]),
        Err(OutputError::NotOwned { .. })
    ));
}

/// The names `verify` expects a run to write are exactly those a run writes.
#[test]
fn the_run_files_verify_expects_are_those_a_run_writes() {
    let scenario = super::util::load(&scenario_dir("tiny/two-schools/scenario.toml"));
    let solved = super::util::solve_checked(&scenario, seatplan::Mechanism::Optimal);
    for statements in [false, true] {
        let files = seatplan::render_run(&scenario, &solved, statements);
        let rendered: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(rendered, seatplan::run_file_names(statements));
    }
}

/// `write_dir_with` streams a run's files into the staging folder: the folder holds the bytes
/// `render_run` gives (which lists them in the order of the names), each hashed once; a file not listed, written twice or left
/// unwritten fails the write, and the folder is left as it was with no staging folder beside it.
#[test]
fn files_streamed_into_a_folder_are_those_rendered_and_a_wrong_list_is_refused() {
    let scenario = super::util::load(&scenario_dir("tiny/two-schools/scenario.toml"));
    let solved = super::util::solve_checked(&scenario, seatplan::Mechanism::Optimal);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let by = Provenance::new("test", Vec::<PathBuf>::new());
    let files = seatplan::RunFiles::new(&scenario, &solved, true, seatplan::Lang::Zh);
    let names = files.names();
    let hashes = seatplan::write_dir_with(&out, &names, &by, |sink| {
        let mut hashing = seatplan::Hashing::new(sink);
        let summary = files.write(&mut hashing)?;
        assert_eq!(summary, seatplan::summary(&scenario, &solved));
        Ok(hashing.hashes)
    })
    .unwrap();
    let held = seatplan::render_run_in(&scenario, &solved, true, seatplan::Lang::Zh);
    assert_eq!(held.iter().map(|(n, _)| *n).collect::<Vec<_>>(), names);
    // Hashed in the order written (the two large tables first), one hash per file.
    let mut hashed: Vec<&str> = hashes.iter().map(|h| h.file.as_str()).collect();
    assert_eq!(&hashed[..2], ["placements.csv", "waitlists.csv"]);
    hashed.sort_unstable();
    let mut listed = names.clone();
    listed.sort_unstable();
    assert_eq!(hashed, listed);
    for (name, bytes) in &held {
        assert_eq!(&std::fs::read(out.join(name)).unwrap(), bytes, "{name}");
    }
    let before = snapshot(&out);
    type Fill<'a> = &'a dyn Fn(&mut dyn seatplan::FileSink) -> std::io::Result<()>;
    let wrong: [(&[&str], Fill); 3] = [
        (&["a.csv"], &|sink| sink.bytes("b.csv", b"x")),
        (&["a.csv"], &|sink| {
            sink.bytes("a.csv", b"x")?;
            sink.bytes("a.csv", b"y")
        }),
        (&["a.csv", "b.csv"], &|sink| sink.bytes("a.csv", b"x")),
    ];
    for (list, fill) in wrong {
        let err = seatplan::write_dir_with(&out, list, &by, fill).unwrap_err();
        assert!(
            matches!(err, OutputError::Folder { .. }),
            "{list:?}: {err:?}"
        );
        assert_eq!(snapshot(&out), before);
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "only the output folder is left"
        );
    }
}

/// A process id that no live process has (a child that has exited and been reaped).
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// A staging-like folder with a marker listing `files`, which are written.
fn leftover(at: &Path, files: &[&str]) {
    std::fs::create_dir_all(at).unwrap();
    let list: Vec<String> = files.iter().map(|f| format!("{f:?}")).collect();
    std::fs::write(
        at.join(OUTPUT_MARKER),
        format!(
            "{{\"seatplan_output\": \"x\", \"command\": \"run\", \"version\": \"0\", \"files\": [{}]}}",
            list.join(", ")
        ),
    )
    .unwrap();
    for f in files {
        std::fs::write(at.join(f), "partial").unwrap();
    }
}

#[test]
fn leftovers_of_dead_runs_are_removed_and_those_of_live_runs_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = dir.join("out");
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    exits(0, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    let dead = dead_pid();
    // A live process: a child of this test, sleeping.
    let mut live = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let live_pid = live.id();
    leftover(
        &dir.join(format!(".out.partial-{dead}")),
        &["placements.csv"],
    );
    leftover(
        &dir.join(format!(".out.old-{dead}")),
        &["placements.csv", "summary.json"],
    );
    std::fs::create_dir(dir.join(format!(".out.partial-{}", dead + 1_000_000))).unwrap();
    // Not the tool's: no marker, a file inside.
    let foreign = dir.join(format!(".out.partial-{}", dead_pid()));
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
    // A live run's, by its process id.
    leftover(
        &dir.join(format!(".out.partial-{live_pid}")),
        &["placements.csv"],
    );
    // A live run's in another process namespace: its id looks dead, but its lock is held.
    let locked = dir.join(format!(".out.partial-{}", dead_pid()));
    leftover(&locked, &["placements.csv"]);
    let lock = std::fs::File::open(&locked).unwrap();
    lock.try_lock().unwrap();
    // Another output's, and a marked leftover with an extra file: listed files go, the rest stays.
    leftover(&dir.join(format!(".other.partial-{dead}")), &["a.csv"]);
    let extra = dir.join(format!(".out.old-{}", dead_pid()));
    leftover(&extra, &["placements.csv"]);
    std::fs::write(extra.join("added.txt"), "keep").unwrap();

    exits(0, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    let mut expected = vec![
        format!(".other.partial-{dead}"),
        foreign.file_name().unwrap().to_string_lossy().into_owned(),
        format!(".out.partial-{live_pid}"),
        locked.file_name().unwrap().to_string_lossy().into_owned(),
        extra.file_name().unwrap().to_string_lossy().into_owned(),
        "out".to_string(),
    ];
    expected.sort();
    assert_eq!(names(dir), expected);
    assert_eq!(
        std::fs::read_to_string(foreign.join("mine.txt")).unwrap(),
        "keep"
    );
    assert_eq!(names(&extra), ["added.txt"]);
    assert!(locked.join("placements.csv").is_file());
    drop(lock);
    let _ = live.kill();
    let _ = live.wait();
    // Once its process is gone and its lock released, the next run removes it.
    exits(0, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    assert!(!dir.join(format!(".out.partial-{live_pid}")).exists());
    assert!(!locked.exists());
    assert!(foreign.exists() && extra.exists());

    // A partial explanation file of a dead run goes; one of a live run stays.
    let why = dir.join("why.txt");
    let dead_part = dir.join(format!(".why.txt.partial-{}", dead_pid()));
    std::fs::write(&dead_part, "half").unwrap();
    let mut live = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let live_part = dir.join(format!(".why.txt.partial-{}", live.id()));
    std::fs::write(&live_part, "half").unwrap();
    exits(
        0,
        &seatplan(&[
            "explain",
            s(&scenario),
            "--child",
            "D",
            "--out",
            s(&why),
            "-q",
        ]),
    );
    assert!(why.is_file() && !dead_part.exists() && live_part.exists());
    let _ = live.kill();
    let _ = live.wait();
}

/// Two runs at once into one folder: both succeed (or one is refused) and the folder holds one
/// whole result, with no staging folder left.
#[test]
fn two_runs_at_once_into_one_folder_leave_one_whole_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/coordinated/scenario.toml");
    for _ in 0..3 {
        let spawn = || {
            std::process::Command::new(env!("CARGO_BIN_EXE_seatplan"))
                .args(["run", s(&scenario), "--out", s(&out), "-q"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let o = child.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        assert!(names(&out).contains(&"placements.csv".to_string()));
        assert_eq!(names(tmp.path()), ["out"]);
    }
    exits(0, &seatplan(&["verify", s(&out)]));
}

/// A recorded run into a temp folder, with its manifest as JSON.
fn recorded(statements: bool) -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    let mut args = vec!["run", s(&scenario), "--out", s(&out), "-q"];
    if statements {
        args.push("--statements");
    }
    exits(0, &seatplan(&args));
    let out = tmp.path().join("out");
    exits(0, &seatplan(&["verify", s(&out)]));
    let m = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    (tmp, out, m)
}

fn write_manifest(out: &Path, m: &serde_json::Value) {
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec_pretty(m).unwrap(),
    )
    .unwrap();
}

/// Asserts `verify` refuses the manifest with exit 2 and each of `problems`.
fn refused(out: &Path, problems: &[String]) {
    let stderr = exits(2, &seatplan(&["verify", s(out)]));
    let expected = format!(
        "error: {}: not the record of a run of its scenario: {}\n",
        out.join("manifest.json").display(),
        problems.join("; ")
    );
    assert_eq!(stderr, expected);
    let (record, _) = seatplan::Manifest::read(out).unwrap();
    match seatplan::verify_run(&record, out) {
        Err(Error::Manifest(ManifestError::NotThisRun { problems: p, .. })) => {
            assert_eq!(p, problems)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn verify_refuses_a_manifest_with_an_input_the_scenario_does_not_name() {
    let (tmp, out, mut m) = recorded(false);
    let extra = tmp.path().join("extra.csv");
    std::fs::write(&extra, "x").unwrap();
    m["inputs"].as_array_mut().unwrap().push(serde_json::json!({
        "file": s(&extra),
        "sha256": seatplan_sha("x"),
    }));
    write_manifest(&out, &m);
    refused(
        &out,
        &[format!(
            "it lists {} as an input, which is not a file of the scenario",
            extra.display()
        )],
    );
    // An input left out is refused as well.
    let (_tmp, out, mut m) = recorded(false);
    let policy = m["inputs"].as_array_mut().unwrap().remove(1);
    write_manifest(&out, &m);
    refused(
        &out,
        &[format!(
            "it does not list {}, a file of the scenario, as an input",
            policy["file"].as_str().unwrap()
        )],
    );
}

fn seatplan_sha(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn verify_refuses_output_paths_outside_the_folder_and_files_a_run_does_not_write() {
    let (_tmp, out, m) = recorded(false);
    for (bad, problem) in [
        (
            "../placements.csv",
            "the output ../placements.csv is not a file inside the run's folder (an absolute path, `.` or `..`)",
        ),
        (
            "/etc/passwd",
            "the output /etc/passwd is not a file inside the run's folder (an absolute path, `.` or `..`)",
        ),
        (
            "notes.txt",
            "it lists notes.txt as an output, which a run does not write",
        ),
    ] {
        let mut edited = m.clone();
        edited["outputs"][0]["file"] = bad.into();
        write_manifest(&out, &edited);
        refused(
            &out,
            &[
                problem.to_string(),
                "it does not list placements.csv, which a run without statements writes".into(),
            ],
        );
    }
    // An input path with `..` that is not how the scenario names its file.
    let mut edited = m.clone();
    let policy = edited["inputs"][1]["file"].as_str().unwrap().to_string();
    let dotted = policy.replace("/policy.toml", "/../two-schools/policy.toml");
    edited["inputs"][1]["file"] = dotted.clone().into();
    write_manifest(&out, &edited);
    refused(
        &out,
        &[
            format!("it lists {dotted} as an input, which is not a file of the scenario"),
            format!("it does not list {policy}, a file of the scenario, as an input"),
        ],
    );
}

#[test]
fn verify_refuses_another_runs_manifest() {
    // The manifest of a run with statements copied into the folder of a run without: it lists
    // statements.csv, which the folder lacks, and its other outputs differ from the folder's.
    let (_a, with, m_with) = recorded(true);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/coordinated/scenario.toml");
    exits(0, &seatplan(&["run", s(&scenario), "--out", s(&out), "-q"]));
    write_manifest(&out, &m_with);
    let stderr = exits(5, &seatplan(&["verify", s(&out)]));
    assert!(stderr.starts_with("verification FAILED:\n"), "{stderr}");
    assert!(
        stderr.contains("  placements.csv was altered after the run\n")
            && stderr.contains("  statements.csv is missing ("),
        "{stderr}"
    );
    assert!(!stderr.contains("re-running"), "it re-ran: {stderr}");
    let _ = with;
}

#[test]
fn verify_refuses_a_folder_with_an_output_missing_or_a_file_added() {
    let (_tmp, out, _) = recorded(true);
    std::fs::remove_file(out.join("statements.csv")).unwrap();
    let stderr = exits(5, &seatplan(&["verify", s(&out)]));
    assert_eq!(
        stderr,
        "verification FAILED:\n  statements.csv is missing (No such file or directory (os error 2))\n"
    );
    let (_tmp, out, _) = recorded(false);
    std::fs::write(out.join("forged.csv"), "x").unwrap();
    std::fs::create_dir(out.join("sub")).unwrap();
    std::fs::write(out.join("sub/more.csv"), "x").unwrap();
    let stderr = exits(5, &seatplan(&["verify", s(&out)]));
    assert_eq!(
        stderr,
        "verification FAILED:\n  forged.csv is in the folder but is no output of the run\n  \
         sub/more.csv is in the folder but is no output of the run\n"
    );
    let record = seatplan::Manifest::read(&out).unwrap().0;
    assert_eq!(
        seatplan::verify_run(&record, &out).unwrap(),
        [
            "forged.csv is in the folder but is no output of the run",
            "sub/more.csv is in the folder but is no output of the run"
        ]
    );
}

/// `explain --out FILE` writes a new file; an existing one (a document that happens to share the
/// name) is kept unless `--replace` asks for it, and the refusal comes before the solve.
#[test]
fn an_explanation_never_replaces_an_existing_file_unasked() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario_dir("tiny/two-schools").join("scenario.toml");
    let file = tmp.path().join("why.txt");
    let explain = |extra: &[&str]| {
        let mut args = vec![
            "explain",
            s(&scenario),
            "--child",
            "D",
            "-q",
            "--out",
            s(&file),
        ];
        args.extend_from_slice(extra);
        seatplan_in(tmp.path(), &args)
    };
    exits(0, &explain(&[]));
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(first.contains("D"), "{first}");
    std::fs::write(&file, "a parent's letter").unwrap();
    let stderr = exits(1, &explain(&[]));
    assert_eq!(
        stderr,
        format!(
            "error: refusing to replace {}: it exists, and a single file carries no mark of who wrote it; choose another file, or pass --replace to overwrite it\n",
            file.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "a parent's letter");
    exits(0, &explain(&["--replace"]));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
    assert_eq!(names(tmp.path()), ["why.txt"]);
}
