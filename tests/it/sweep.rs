//! What-if sweeps: the sweep file's errors, what each parameter changes, determinism across
//! thread counts, shards merging into the single-machine result, and failing points.

use std::path::{Path, PathBuf};

use seatplan::NoReporter;
use seatplan::PointStatus;
use seatplan::{load_sweep, Shard, Sweep};
use seatplan::{Mechanism, SolverOptions};

use crate::util::{generate_city, scenario_dir, seatplan};

/// The CLI's fault injection (src/cli/failpoints.rs): the point whose key is this variable's
/// value panics.
const PANIC_FAILPOINT: &str = "SEATPLAN_FAILPOINT_PANIC_POINT";
/// The CLI's fault injection: the point whose key is this variable's value aborts the process.
const ABORT_FAILPOINT: &str = "SEATPLAN_FAILPOINT_ABORT_POINT";

/// Writes a sweep file beside `scenario` in `dir`.
fn sweep_file(dir: &Path, scenario: &Path, body: &str) -> PathBuf {
    let path = dir.join("sweep.toml");
    let text = format!(
        "name = \"test sweep\"\nscenario = {:?}\n{body}",
        scenario.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn load_err(path: &Path) -> String {
    match load_sweep(path) {
        Ok(_) => panic!("the sweep loaded"),
        Err(e) => e.to_string(),
    }
}

fn two_schools() -> PathBuf {
    scenario_dir("tiny/two-schools/scenario.toml")
}

fn run_all(sweep: &Sweep) -> seatplan::SweepResults {
    sweep
        .run(
            Mechanism::Optimal,
            &SolverOptions::default(),
            None,
            &NoReporter,
        )
        .unwrap()
}

/// The `status` column of a sweep's `points.csv` (one-parameter sweeps).
fn statuses(out: &Path) -> Vec<String> {
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    points
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().to_string())
        .collect()
}

/// A three-point budget sweep exited 4, naming point 1 (`budget=100`) as failed because of
/// `why`, and its points.csv records points 0 and 2 as solved.
fn assert_only_point_1_failed(o: &std::process::Output, out: &Path, why: &str) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("point 1 (budget=100) failed: {why}")),
        "{stderr}"
    );
    assert_eq!(statuses(out), ["solved", "failed", "solved"]);
}

#[test]
fn sweep_file_errors_name_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 8] = [
        (
            "[[parameter]]\nid = \"x\"\nkind = \"seat_scale\"\nvalues = [1]\n",
            "sweep.toml:5: field `kind`: unknown kind \"seat_scale\"; expected one of seats_scale, seats, budget_yuan, subsidy_yuan, weight_scale, tie_rule, demand_growth, migrant_share",
        ),
        (
            "[[parameter]]\nid = \"x\"\nkind = \"seats_scale\"\ndistrict = \"Nowhere\"\nvalues = [1]\n",
            "sweep.toml:6: field `district`: no district `Nowhere` in the base scenario",
        ),
        (
            "[[parameter]]\nid = \"x\"\nkind = \"budget_yuan\"\nvalues = [-5]\n",
            "sweep.toml:6: field `values`: budget_yuan must be a whole number ≥ 0, got -5",
        ),
        (
            "[[parameter]]\nid = \"x\"\nkind = \"tie_rule\"\nvalues = [\"coin\"]\n",
            "sweep.toml:6: field `values`: tie_rule must be \"lottery\", \"keep_ties\" or \"admit_all_tied\", got \"coin\"",
        ),
        (
            "[[parameter]]\nid = \"x\"\nkind = \"seats\"\nvalues = [3]\n",
            "sweep.toml:5: field `kind`: kind `seats` needs a `school`",
        ),
        (
            "[[parameter]]\nid = \"x\"\nkind = \"budget_yuan\"\nrange = { from = 10, to = 0, step = 1 }\n",
            "sweep.toml:6: field `range`: range needs step > 0 and to ≥ from, got from = 10, to = 0, step = 1",
        ),
        (
            "combine = \"list\"\n[[parameter]]\nid = \"b\"\nkind = \"budget_yuan\"\nvalues = [1, 2]\n[[point]]\nc = 1\n",
            "sweep.toml:9: field `c`: no parameter `c` is defined",
        ),
        (
            "[[parameter]]\nid = \"x\"\nkind = \"demand_growth\"\nvalues = [0.1, 0.10]\n",
            "sweep.toml:6: field `values`: value 0.1 is listed twice",
        ),
    ];
    for (body, want) in cases {
        let path = sweep_file(tmp.path(), &two_schools(), body);
        let got = load_err(&path);
        let got = got.replace(&format!("{}/", tmp.path().display()), "");
        assert!(got.contains(want), "for\n{body}\nwant {want}\ngot  {got}");
    }
}

#[test]
fn cross_product_keys_and_derived_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nrange = { from = 0, to = 10000, step = 5000 }\n\
                [[parameter]]\nid = \"ties\"\nkind = \"tie_rule\"\nvalues = [\"lottery\", \"keep_ties\"]\n";
    let sweep = load_sweep(&sweep_file(tmp.path(), &two_schools(), body)).unwrap();
    let results = run_all(&sweep);
    let keys: Vec<&str> = results.points.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "budget=0;ties=lottery",
            "budget=0;ties=keep_ties",
            "budget=5000;ties=lottery",
            "budget=5000;ties=keep_ties",
            "budget=10000;ties=lottery",
            "budget=10000;ties=keep_ties",
        ]
    );
    let base_seed = sweep.base.scenario.seed();
    for p in &results.points {
        assert_eq!(p.seed, seatplan::derived_seed(base_seed, &p.key));
        assert!(matches!(p.status, PointStatus::Solved { .. }), "{p:?}");
    }
    let seeds: std::collections::BTreeSet<u64> = results.points.iter().map(|p| p.seed).collect();
    assert_eq!(seeds.len(), 6, "every point has its own seed");
    let budgets: Vec<u64> = results
        .points
        .iter()
        .map(|p| p.kpis().unwrap().budget_yuan)
        .collect();
    assert_eq!(budgets, [0, 0, 5000, 5000, 10000, 10000]);
}

#[test]
fn each_kind_changes_what_it_names() {
    let tmp = tempfile::tempdir().unwrap();
    let city = generate_city(tmp.path(), "Ningbo", "0.01", "5").join("scenario.toml");
    let base = seatplan::load(&city).unwrap().scenario;
    let d0 = &base.districts()[0].id;
    let s0 = &base.schools()[0].id;
    let p0 = &base.private_schools()[0].id;
    let ind = &base.policy().indicators[0].name;
    let body = format!(
        "combine = \"list\"\nseeds = \"base\"\n\
         [[parameter]]\nid = \"ds\"\nkind = \"seats_scale\"\ndistrict = \"{d0}\"\n\
         [[parameter]]\nid = \"one\"\nkind = \"seats\"\nschool = \"{s0}\"\n\
         [[parameter]]\nid = \"sub\"\nkind = \"subsidy_yuan\"\nprivate_school = \"{p0}\"\n\
         [[parameter]]\nid = \"w\"\nkind = \"weight_scale\"\nindicator = \"{ind}\"\n\
         [[parameter]]\nid = \"g\"\nkind = \"demand_growth\"\n\
         [[parameter]]\nid = \"m\"\nkind = \"migrant_share\"\n\
         [[point]]\nds = 1\none = {one}\nsub = {sub}\nw = 1\ng = 0\nm = {m}\n\
         [[point]]\nds = 2\none = 7\nsub = 1\nw = 0\ng = 0.25\nm = 0.5\n\
         [[point]]\nds = 1\none = {one}\nsub = {sub}\nw = 1\ng = -0.5\nm = {m}\n",
        one = base.schools()[0].seats,
        sub = base.private_schools()[0].subsidy_yuan,
        m = {
            let migrants = base.children().iter().filter(|c| c.is_migrant()).count();
            // A share that rounds back to the current count: leaves every child as she is.
            let share = migrants as f64 / base.children().len() as f64;
            format!("{share}")
        }
    );
    let sweep = load_sweep(&sweep_file(tmp.path(), &city, &body)).unwrap();
    let points = &sweep.spec.points;
    let params = &sweep.spec.parameters;
    let apply = |i: usize| {
        seatplan::internals::apply_sweep_point(&base, params, &points[i], base.seed()).unwrap()
    };

    let same = apply(0);
    assert_eq!(same.schools(), base.schools());
    assert_eq!(same.private_schools(), base.private_schools());
    assert_eq!(same.children(), base.children());
    assert_eq!(same.policy(), base.policy());

    let changed = apply(1);
    for (a, b) in base.schools().iter().zip(changed.schools()).skip(1) {
        let want = if a.district.ix() == 0 {
            a.seats * 2
        } else {
            a.seats
        };
        assert_eq!(b.seats, want, "school {}", a.id);
    }
    assert_eq!(changed.schools()[0].seats, 7);
    assert_eq!(changed.private_schools()[0].subsidy_yuan, 1);
    assert!(changed.private_schools()[1..]
        .iter()
        .zip(&base.private_schools()[1..])
        .all(|(a, b)| a == b));
    let solved = seatplan::solve(&changed, Mechanism::Optimal, &SolverOptions::default()).unwrap();
    assert!(solved.check.passed());
    let n = base.children().len();
    assert_eq!(
        changed.children().len(),
        n + (0.25 * n as f64).round() as usize
    );
    assert_eq!(
        changed
            .children()
            .iter()
            .filter(|c| c.id.contains("~g"))
            .count(),
        (0.25 * n as f64).round() as usize
    );
    assert!(changed.children().windows(2).all(|w| w[0].id < w[1].id));
    let migrants = changed.children().iter().filter(|c| c.is_migrant()).count();
    assert_eq!(
        migrants,
        (0.5 * changed.children().len() as f64).round() as usize
    );
    // Weight 0: the indicator gives nobody any points.
    let statement = changed.policy().statement(
        &changed.children()[0],
        changed.children()[0].residence_district,
    );
    assert!(statement.items[0].as_ref().is_none_or(|i| i.points == 0));

    let shrunk = apply(2);
    assert_eq!(
        shrunk.children().len(),
        n - (0.5 * n as f64).round() as usize
    );
    // Survivors are base children (the migrant share then applies to the smaller intake, so
    // hukou may differ).
    for c in shrunk.children() {
        let b = base.children().iter().find(|b| b.id == c.id).unwrap();
        assert_eq!((b.permit_months, &b.choices), (c.permit_months, &c.choices));
    }
}

#[test]
fn results_do_not_depend_on_threads_and_shards_merge_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let city = generate_city(tmp.path(), "Ningbo", "0.01", "11").join("scenario.toml");
    let base = seatplan::load(&city).unwrap().scenario;
    let body = format!(
        "[[parameter]]\nid = \"seats\"\nkind = \"seats_scale\"\ndistrict = \"{}\"\nvalues = [0.8, 1, 1.2]\n\
         [[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 2000000]\n\
         [[parameter]]\nid = \"growth\"\nkind = \"demand_growth\"\nvalues = [0, 0.2]\n",
        base.districts()[1].id
    );
    let path = sweep_file(tmp.path(), &city, &body);
    let sweep = load_sweep(&path).unwrap();
    let render = |threads: usize, shard: Option<Shard>| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let results = pool.install(|| {
            sweep
                .run(
                    Mechanism::Optimal,
                    &SolverOptions::default(),
                    shard,
                    &NoReporter,
                )
                .unwrap()
        });
        seatplan::render_sweep(&results)
    };
    let one = render(1, None);
    assert_eq!(one, render(2, None));
    assert_eq!(one, render(3, None));

    // The CLI: three shards, merged, give the single-machine folder byte for byte.
    let whole = tmp.path().join("whole");
    let o = seatplan(&[
        "sweep",
        path.to_str().unwrap(),
        "-q",
        "--out",
        whole.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut shard_dirs = Vec::new();
    for i in 1..=3 {
        let dir = tmp.path().join(format!("shard{i}"));
        let o = seatplan(&[
            "sweep",
            path.to_str().unwrap(),
            "-q",
            "--threads",
            "1",
            "--shard",
            &format!("{i}/3"),
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        shard_dirs.push(dir.to_str().unwrap().to_string());
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge", "--out", merged.to_str().unwrap()];
    args.extend(shard_dirs.iter().rev().map(String::as_str));
    let o = seatplan(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (name, bytes) in &one {
        assert_eq!(
            &std::fs::read(whole.join(name)).unwrap(),
            bytes,
            "{name}: CLI vs library"
        );
        assert_eq!(
            std::fs::read(merged.join(name)).unwrap(),
            std::fs::read(whole.join(name)).unwrap(),
            "{name}: merged shards vs one machine"
        );
    }

    // A missing shard, a shard given twice and a whole sweep are refused.
    let o = seatplan(&[
        "merge",
        "--out",
        tmp.path().join("m2").to_str().unwrap(),
        &shard_dirs[0],
        &shard_dirs[2],
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shards missing: 2 (of 3)"));
    let o = seatplan(&[
        "merge",
        "--out",
        tmp.path().join("m3").to_str().unwrap(),
        &shard_dirs[0],
        &shard_dirs[0],
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard 1/3 is given twice"));
    let o = seatplan(&[
        "merge",
        "--out",
        tmp.path().join("m4").to_str().unwrap(),
        whole.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a shard"));
    assert!(!tmp.path().join("m2").exists() && !tmp.path().join("m4").exists());
}

#[test]
fn a_panicking_point_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 100, 200]\n";
    let path = sweep_file(tmp.path(), &two_schools(), body);
    let out = tmp.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_seatplan"))
        .args([
            "sweep",
            path.to_str().unwrap(),
            "-q",
            "--out",
            out.to_str().unwrap(),
        ])
        .env(PANIC_FAILPOINT, "budget=100")
        .output()
        .unwrap();
    assert_only_point_1_failed(&o, &out, "the point panicked");
}

/// The shipped Slurm and Kubernetes job files, run locally with the environment their
/// schedulers would set, merge into the single-machine result.
#[test]
fn slurm_array_and_k8s_indexed_job_shards_merge_locally() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 100, 200, 5000, 10000]\n";
    let sweep = sweep_file(tmp.path(), &two_schools(), body);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_seatplan")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy");

    let whole = tmp.path().join("whole");
    let o = seatplan(&[
        "sweep",
        sweep.to_str().unwrap(),
        "-q",
        "--out",
        whole.to_str().unwrap(),
    ]);
    assert!(o.status.success());

    // Slurm: three array tasks in the job's working folder, then the merge line of the script.
    let slurm = tmp.path().join("slurm");
    std::fs::create_dir(&slurm).unwrap();
    for i in 1..=3 {
        let o = std::process::Command::new("bash")
            .arg(docs.join("slurm-sweep.sh"))
            .arg(&sweep)
            .current_dir(&slurm)
            .env("PATH", &path)
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_ARRAY_TASK_ID", i.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = std::process::Command::new("bash")
        .args(["-c", "seatplan merge shards/* --out merged -q"])
        .current_dir(&slurm)
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Kubernetes: the shard pod's command (a folded YAML scalar) with JOB_COMPLETION_INDEX
    // 0..15 over /data mapped to a temporary folder, then the merge pod's command.
    let yaml = std::fs::read_to_string(docs.join("k8s-sweep-job.yaml")).unwrap();
    let folded = yaml.split("- >-\n").nth(1).unwrap();
    let folded = folded.split("\n          resources:").next().unwrap();
    let data = tmp.path().join("data");
    let shard_cmd = folded
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .replace(
            "/data/scenarios/county/sweeps/bench-1000.toml",
            sweep.to_str().unwrap(),
        )
        .replace("/data", data.to_str().unwrap());
    let merge_cmd = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("- seatplan merge"))
        .map(|rest| format!("seatplan merge{rest}"))
        .unwrap()
        .replace("/data", data.to_str().unwrap());
    std::fs::create_dir_all(data.join("shards")).unwrap();
    for k in 0..16 {
        let o = std::process::Command::new("sh")
            .args(["-c", &shard_cmd])
            .env("PATH", &path)
            .env("JOB_COMPLETION_INDEX", k.to_string())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{shard_cmd}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = std::process::Command::new("sh")
        .args(["-c", &merge_cmd])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{merge_cmd}: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    for name in [
        "points.csv",
        "districts.csv",
        "cutoffs.csv",
        "sweep.json",
        "report.html",
    ] {
        let want = std::fs::read(whole.join(name)).unwrap();
        assert_eq!(
            std::fs::read(slurm.join("merged").join(name)).unwrap(),
            want,
            "slurm {name}"
        );
        assert_eq!(
            std::fs::read(data.join("merged").join(name)).unwrap(),
            want,
            "k8s {name}"
        );
    }
}

#[test]
fn isolated_points_survive_an_abort_and_match_in_process_results() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 100, 200]\n";
    let path = sweep_file(tmp.path(), &two_schools(), body);
    let sweep = |out: &Path, isolate: bool, abort: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_seatplan"));
        cmd.args([
            "sweep",
            path.to_str().unwrap(),
            "-q",
            "--out",
            out.to_str().unwrap(),
        ]);
        if isolate {
            cmd.arg("--isolate");
        }
        if let Some(key) = abort {
            cmd.env(ABORT_FAILPOINT, key);
        }
        cmd.output().unwrap()
    };
    let (plain, isolated) = (tmp.path().join("plain"), tmp.path().join("isolated"));
    assert!(sweep(&plain, false, None).status.success());
    assert!(sweep(&isolated, true, None).status.success());
    for name in [
        "points.csv",
        "districts.csv",
        "cutoffs.csv",
        "sweep.json",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(plain.join(name)).unwrap(),
            std::fs::read(isolated.join(name)).unwrap(),
            "{name}"
        );
    }

    // An abort in point 1 takes an unisolated sweep down, and nothing is written...
    let crashed = tmp.path().join("crashed");
    let o = sweep(&crashed, false, Some("budget=100"));
    assert!(!o.status.success());
    assert!(!crashed.exists());
    // ...but in isolation only that point fails.
    let survived = tmp.path().join("survived");
    let o = sweep(&survived, true, Some("budget=100"));
    assert_only_point_1_failed(&o, &survived, "the point's process was killed by signal 6");
}

/// Seats scaled below a school's reserved seats shrink the reservation with them; copies of a
/// sibling apply alone, and a sibling whose twin was removed applies alone.
#[test]
fn sweeps_keep_reserved_seats_and_sibling_groups_valid() {
    let reserved = seatplan::load(&scenario_dir("tiny/reserved/scenario.toml"))
        .unwrap()
        .scenario;
    let tmp = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\nid = \"seats\"\nkind = \"seats_scale\"\nvalues = [0.4, 2]\n";
    let path = sweep_file(
        tmp.path(),
        &scenario_dir("tiny/reserved/scenario.toml"),
        body,
    );
    let sweep = load_sweep(&path).unwrap();
    for (i, point) in sweep.spec.points.iter().enumerate() {
        let sc =
            seatplan::internals::apply_sweep_point(&reserved, &sweep.spec.parameters, point, 1)
                .unwrap();
        for s in sc.schools() {
            assert!(s.reserved_migrant <= s.seats, "point {i}: {s:?}");
        }
    }
    let results = run_all(&sweep);
    assert!(results
        .points
        .iter()
        .all(|p| p.kpis().is_some_and(|k| k.check_passed)));

    let siblings = scenario_dir("tiny/siblings/scenario.toml");
    let base = seatplan::load(&siblings).unwrap().scenario;
    let body = "[[parameter]]\nid = \"g\"\nkind = \"demand_growth\"\nvalues = [-0.5, 0, 1]\n";
    let sweep = load_sweep(&sweep_file(tmp.path(), &siblings, body)).unwrap();
    for point in &sweep.spec.points {
        for seed in 0..20 {
            let sc =
                seatplan::internals::apply_sweep_point(&base, &sweep.spec.parameters, point, seed)
                    .unwrap();
            let mut members = std::collections::BTreeMap::<u32, usize>::new();
            for c in sc.children() {
                if let Some(g) = c.sibling_group {
                    *members.entry(g).or_default() += 1;
                    assert!(!c.id.contains("~g"), "a copy applies alone: {}", c.id);
                }
            }
            assert!(members.values().all(|&n| n >= 2), "{members:?}");
            let solved =
                seatplan::solve(&sc, Mechanism::Optimal, &SolverOptions::default()).unwrap();
            assert!(solved.check.passed(), "{:?}", solved.check.violations);
        }
    }
}

/// Standard error is not a terminal here: no progress bar is drawn, only the summary lines.
#[test]
fn no_progress_bar_without_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "[[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 100]\n";
    let path = sweep_file(tmp.path(), &two_schools(), body);
    let out = tmp.path().join("out");
    let o = seatplan(&[
        "sweep",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("ran 2 points in"), "{stderr}");
    assert!(
        !stderr.contains("ETA") && !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    let o = seatplan(&[
        "sweep",
        path.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}

/// A reporter that asks to stop once `after` points have finished.
struct CancelAfter {
    after: usize,
    finished: std::sync::atomic::AtomicUsize,
}

impl seatplan::Reporter for CancelAfter {
    fn point_finished(&self, _index: usize, _key: &str, _solved: bool) {
        self.finished
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn should_cancel(&self) -> bool {
        self.finished.load(std::sync::atomic::Ordering::SeqCst) >= self.after
    }
}

/// A sweep whose reporter cancels stops between points with the typed `Cancelled` error; the
/// reporter sees every point that ran finish.
#[test]
fn a_cancelled_sweep_stops_between_points() {
    let tmp = tempfile::tempdir().unwrap();
    let body =
        "[[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 100, 200, 300]\n";
    let sweep = load_sweep(&sweep_file(tmp.path(), &two_schools(), body)).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let reporter = CancelAfter {
        after: 1,
        finished: Default::default(),
    };
    let result = pool.install(|| {
        sweep.run(
            Mechanism::Optimal,
            &SolverOptions::default(),
            None,
            &reporter,
        )
    });
    assert_eq!(result.unwrap_err(), seatplan::Cancelled);
    let ran = reporter.finished.load(std::sync::atomic::Ordering::SeqCst);
    assert!((1..4).contains(&ran), "{ran} points ran");
    let never = CancelAfter {
        after: usize::MAX,
        finished: Default::default(),
    };
    let results = sweep
        .run(Mechanism::Optimal, &SolverOptions::default(), None, &never)
        .unwrap();
    assert_eq!(results.points.len(), 4);
    assert_eq!(never.finished.into_inner(), 4);
}

/// A point whose values break a rule of a valid scenario (ties kept with reserved seats) fails
/// alone, worded as the solver words a mechanism that cannot keep ties with reserved seats.
#[test]
fn a_point_that_keeps_ties_with_reserved_seats_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let reserved = scenario_dir("tiny/reserved/scenario.toml");
    let body = "[[parameter]]\nid = \"rule\"\nkind = \"tie_rule\"\nvalues = [\"lottery\", \"keep_ties\"]\n";
    let sweep = load_sweep(&sweep_file(tmp.path(), &reserved, body)).unwrap();
    let base = seatplan::load(&reserved).unwrap().scenario;
    let refused = seatplan::internals::apply_sweep_point(
        &base,
        &sweep.spec.parameters,
        &sweep.spec.points[1],
        1,
    );
    assert!(refused.is_err());
    let results = run_all(&sweep);
    assert!(results.points[0].kpis().is_some());
    match &results.points[1].status {
        PointStatus::Failed { error } => assert_eq!(
            error,
            "mechanism `optimal` does not handle seats reserved for migrant children when ties are kept; use `optimal` or `deferred-acceptance`"
        ),
        other => panic!("{other:?}"),
    }
}

/// A point reuses what it can of its base's ranking (all of it, all but the lottery and the
/// orders drawn from it, or nothing, by its edits) and gets exactly what its scenario solved from
/// scratch gets: on the county and on a small city ranked by the preset with a district layer,
/// with derived and with base seeds, with points of every kind of reuse.
#[test]
fn points_reusing_the_base_ranking_match_their_scenarios_solved_from_scratch() {
    use seatplan::{generate_city, point_scenario, read_census, CityConfig, PointKpis};
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("city");
    std::fs::create_dir(&city).unwrap();
    let census = scenario_dir("data/zhejiang_districts_2020.csv");
    let mut cfg = CityConfig::new("reuse test", read_census(&census, "Hangzhou").unwrap(), 5);
    cfg.scale = 0.01;
    for (name, text) in generate_city(&cfg) {
        std::fs::write(city.join(name), text).unwrap();
    }
    std::fs::copy(
        scenario_dir("policies/hangzhou-weighted.toml"),
        city.join("policy.toml"),
    )
    .unwrap();
    let scenarios = [
        scenario_dir("county/scenario.toml"),
        city.join("scenario.toml"),
    ];
    for (k, scenario) in scenarios.iter().enumerate() {
        for seeds in ["derived", "base"] {
            // growth = 0 adds no child (the ranking is reused); 0.05 adds some (it is not).
            let body = format!(
                "seeds = \"{seeds}\"\n\
                 [[parameter]]\nid = \"seats\"\nkind = \"seats_scale\"\nvalues = [0.9, 1.1]\n\
                 [[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 10000000]\n\
                 [[parameter]]\nid = \"growth\"\nkind = \"demand_growth\"\nvalues = [0.0, 0.05]\n"
            );
            let dir = tmp.path().join(format!("{k}-{seeds}"));
            std::fs::create_dir(&dir).unwrap();
            let sweep = load_sweep(&sweep_file(&dir, scenario, &body)).unwrap();
            for i in 0..sweep.spec.points.len() {
                let reused = sweep.run_point(i, Mechanism::Optimal, &SolverOptions::default());
                let sc = point_scenario(&sweep, i).unwrap();
                let solved =
                    seatplan::solve(&sc, Mechanism::Optimal, &SolverOptions::default()).unwrap();
                let fresh = PointKpis::compute(&sc, &solved);
                assert_eq!(
                    reused.kpis(),
                    Some(&fresh),
                    "{} ({seeds} seeds), point {}",
                    scenario.display(),
                    reused.key
                );
            }
        }
    }
}
