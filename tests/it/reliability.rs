//! Faults around a run. Solver: a time limit is reported with the proven bound, and the checker
//! still runs. Outputs: a read-only output location, a full disk, a file-size limit. Each test runs the
//! built CLI once to leave results behind, breaks the file system, runs again, and checks that
//! the run fails with a message naming the folder, the step and the system's reason, exits 1,
//! leaves no staging folder behind, and leaves the old results byte for byte as they were.
//!
//! CI runs as root, for whom `chmod` blocks nothing: there the read-only folder is tested with
//! the child's capability to override file permissions dropped, and the read-only file system
//! and the full disk with a real tmpfs mounted for the test. A test that cannot set up its fault
//! (a non-root user cannot mount) says why on stderr and returns.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::util::{scenario_dir, snapshot};

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `seatplan run` of the tiny scenario into `out`, with `setup` run in the child before exec.
fn run_tiny(
    out: &Path,
    setup: impl FnMut() -> std::io::Result<()> + Send + Sync + 'static,
) -> Output {
    let scenario = scenario_dir("tiny/two-schools").join("scenario.toml");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seatplan"));
    cmd.args(["run", "-q", "--out"])
        .arg(out)
        .arg(scenario)
        .env("RUST_BACKTRACE", "1");
    // SAFETY: the closures only make async-signal-safe system calls.
    unsafe { cmd.pre_exec(setup) };
    cmd.output().unwrap()
}

fn no_setup() -> std::io::Result<()> {
    Ok(())
}

/// Runs once into `out` (which must succeed) and returns what it wrote.
fn first_run(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let o = run_tiny(out, no_setup);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = snapshot(out);
    assert!(files.contains_key(Path::new("placements.csv")));
    files
}

/// Asserts the failed second run: exit 1, no panic, the exact two-line message (the staging
/// folder's process id replaced by `PID`), old results intact, no staging folder left.
fn assert_refused(
    o: &Output,
    out: &Path,
    before: &BTreeMap<PathBuf, Vec<u8>>,
    expected_stderr: &str,
) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let pid = format!(".out.partial-{}", staging_pid(&stderr));
    assert_eq!(stderr.replace(&pid, ".out.partial-PID"), expected_stderr);
    assert_eq!(&snapshot(out), before, "the old results changed");
    let parent = out.parent().unwrap();
    for entry in std::fs::read_dir(parent).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            !name.to_string_lossy().contains(".partial-"),
            "staging folder {name:?} left behind"
        );
    }
}

/// The process id in the staging folder's name, read back from the message.
fn staging_pid(stderr: &str) -> String {
    stderr
        .split(".partial-")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default()
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `size` at `at`; `Err` says why not (not root, no permission).
    fn mount(at: &Path, size: &str) -> Result<Tmpfs, String> {
        if !is_root() {
            return Err("mounting a tmpfs needs root".into());
        }
        std::fs::create_dir_all(at).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "mount refused: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Ok(Tmpfs(at.to_path_buf()))
    }

    fn remount_read_only(&self) {
        let o = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn skip(test: &str, why: &str) {
    eprintln!("SKIPPED {test}: {why}");
}

/// Drops, in the child, the capabilities that let root write where permissions forbid it.
fn without_permission_override() -> std::io::Result<()> {
    if unsafe { libc::geteuid() } != 0 {
        return Ok(());
    }
    for cap in [
        1, /* CAP_DAC_OVERRIDE */
        2, /* CAP_DAC_READ_SEARCH */
        3, /* CAP_FOWNER */
    ] {
        // SAFETY: prctl with integer arguments; dropping from the bounding set means root's
        // capabilities after exec no longer include `cap`.
        if unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

#[test]
fn a_read_only_parent_folder_is_refused_and_the_old_results_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("results");
    let out = parent.join("out");
    let before = first_run(&out);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = run_tiny(&out, without_permission_override);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let expected = format!(
        "error: cannot create the staging folder {p}/.out.partial-PID next to the output folder; \
         the output folder {o} is left as it was\n  caused by: Permission denied (os error 13)\n",
        p = parent.display(),
        o = out.display()
    );
    assert_refused(&o, &out, &before, &expected);
}

#[test]
fn a_read_only_file_system_is_refused_and_the_old_results_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("mnt");
    let fs = match Tmpfs::mount(&mnt, "1m") {
        Ok(fs) => fs,
        Err(why) => return skip("a_read_only_file_system_is_refused", &why),
    };
    let out = mnt.join("out");
    let before = first_run(&out);
    fs.remount_read_only();
    let o = run_tiny(&out, no_setup);
    let expected = format!(
        "error: cannot create the staging folder {p}/.out.partial-PID next to the output folder; \
         the output folder {o} is left as it was\n  caused by: Read-only file system (os error 30)\n",
        p = mnt.display(),
        o = out.display()
    );
    assert_refused(&o, &out, &before, &expected);
}

#[test]
fn a_full_disk_is_refused_and_the_old_results_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("mnt");
    let _fs = match Tmpfs::mount(&mnt, "256k") {
        Ok(fs) => fs,
        Err(why) => return skip("a_full_disk_is_refused", &why),
    };
    let out = mnt.join("out");
    let before = first_run(&out);
    // Fill what is left of the file system.
    let mut filler = std::fs::File::create(mnt.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    let o = run_tiny(&out, no_setup);
    let expected = format!(
        "error: cannot write .seatplan-output in the staging folder {p}/.out.partial-PID; \
         the output folder {o} is left as it was\n  caused by: No space left on device (os error 28)\n",
        p = mnt.display(),
        o = out.display()
    );
    assert_refused(&o, &out, &before, &expected);
}

/// A file-size limit (`ulimit -f`) makes writes fail with EFBIG, as a full disk does with
/// ENOSPC; unlike a mount it needs no privilege, so this runs for every user.
#[test]
fn a_file_size_limit_is_refused_and_the_old_results_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let before = first_run(&out);
    let o = run_tiny(&out, || {
        let limit = libc::rlimit {
            rlim_cur: 64,
            rlim_max: 64,
        };
        // SAFETY: plain system calls; ignoring SIGXFSZ makes an oversized write return EFBIG
        // instead of killing the process.
        unsafe {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    });
    let expected = format!(
        "error: cannot write .seatplan-output in the staging folder {p}/.out.partial-PID; \
         the output folder {o} is left as it was\n  caused by: File too large (os error 27)\n",
        p = tmp.path().display(),
        o = out.display()
    );
    assert_refused(&o, &out, &before, &expected);
}

/// An output path that is an existing file is not replaced by a folder.
#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::write(&out, "not a folder").unwrap();
    let o = run_tiny(&out, no_setup);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: {o} exists and is not a folder; the output folder {o} is left as it was\n  \
             caused by: entity already exists\n",
            o = out.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "not a folder");
}

/// A solver stopped by its time limit is a reported outcome, not a silent one: the run says
/// optimality is not proven, gives the proven bound next to what it placed, and the
/// independent check still runs on the (feasible, deferred-acceptance) assignment.
#[test]
fn a_solver_time_limit_is_reported_with_the_bound_and_still_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = scenario_dir("tiny/keep-ties").join("scenario.toml");
    let o = super::util::seatplan(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--time-limit",
        "0.000001",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    super::util::assert_no_panic("seatplan run --time-limit", &o);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    let all = format!("{stdout}{stderr}");
    for line in [
        "proven optimal: no",
        "proven: at most 2 children can be placed by choice; this run places 1",
        "independent check passed: 2 children",
    ] {
        assert!(all.contains(line), "missing `{line}` in:\n{all}");
    }
    assert!(out.join("placements.csv").exists());
}

/// Standard output on a full disk (`> /dev/full`) is an error with its cause, not a panic.
#[test]
fn an_explanation_to_a_full_standard_output_is_an_error_not_a_panic() {
    let scenario = scenario_dir("tiny/two-schools").join("scenario.toml");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_seatplan"))
        .args(["explain", "--child", "D"])
        .arg(scenario)
        .env("RUST_BACKTRACE", "1")
        .stdout(full)
        .output()
        .unwrap();
    super::util::assert_no_panic("seatplan explain > /dev/full", &o);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).ends_with(
        "error: cannot write the explanation to standard output\n  \
         caused by: No space left on device (os error 28)\n"
    ));
}

/// `explain --out FILE` replaces the file whole: on a write error the old file stays and no
/// partial file is left.
#[test]
fn an_explanation_file_that_cannot_be_written_keeps_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("why.html");
    std::fs::write(&file, "old").unwrap();
    let scenario = scenario_dir("tiny/two-schools").join("scenario.toml");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seatplan"));
    cmd.args([
        "explain",
        "-q",
        "--child",
        "D",
        "--format",
        "html",
        "--replace",
        "--out",
    ])
    .arg(&file)
    .arg(scenario)
    .env("RUST_BACKTRACE", "1");
    // SAFETY: plain system calls, as in `a_file_size_limit_is_refused_and_the_old_results_kept`.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 64,
                rlim_max: 64,
            };
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    };
    let o = cmd.output().unwrap();
    super::util::assert_no_panic("seatplan explain --out", &o);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let partial = tmp.path().join(".why.html.partial-");
    assert_eq!(
        stderr.replace(&format!("{}{}", partial.display(), staging_pid(&stderr)), "PARTIAL"),
        format!(
            "error: cannot write PARTIAL; {} is left as it was\n  caused by: File too large (os error 27)\n",
            file.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "a partial file was left"
    );
}
