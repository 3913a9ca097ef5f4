//! The documentation is tested: every command shown in `README.md` and `docs/*.md` is run, and
//! its output must be what the page shows.
//!
//! Each page is a [trycmd] case. In a ```` ```console ```` block a `$ ` line is a command (split
//! like a shell would split it, without a shell: no pipes, globs or `&&`), a `> ` line continues
//! it, an optional `? CODE` line gives its exit code (default: success), and the lines after it are
//! its standard output and standard error, interleaved as a terminal shows them. `[..]` in a line
//! stands for any text (a timing, a path), `...` alone on a line for any number of lines.
//!
//! Every page runs in a sandbox of its own: a temporary folder that links to every top-level entry
//! of the repository (`scenarios/`, `docs/`, `Cargo.toml`, …) except `target/` and `out/`, so a
//! command reads the shipped files by their repository paths and writes its outputs (`out/…`)
//! into the sandbox, which is deleted afterwards. The commands of one page run in order in the
//! same sandbox, so a later command can read what an earlier one wrote; pages run in parallel.
//! The test also checks that no file of the checkout was added, changed or removed meanwhile.
//!
//! The programs a page may run are `seatplan` (the binary this build made) and the few file
//! viewers of [`TOOLS`]; a command of any other program fails the test, as does a `$ ` line
//! outside a console block, or a `seatplan` command in a ```` ```sh ```` block (the only
//! exception: a measurement recipe, a block that builds its own binary with `cargo build` or
//! needs the HiGHS build, neither of which `cargo test` makes).
//!
//! After a change of output, `TRYCMD=overwrite cargo test --test docs` writes what the commands
//! printed back into the pages (keeping `[..]` and `...` where they still match); review the
//! diff before committing it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The repository root.
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Programs other than `seatplan` that a page may run: to show (part of) a file a command wrote,
/// or to copy, change, move or delete files in the sandbox (a copy of a shipped scenario, an
/// output folder) before running `seatplan` on them, or to compare two outputs. Found on `PATH`
/// (coreutils, diffutils, grep, sed).
const TOOLS: &[&str] = &["cat", "head", "grep", "cmp", "cp", "sed", "mv", "rm"];

/// Top-level entries of the repository not linked into a sandbox: build output, version
/// control, and the default output folder of `seatplan run`.
const NOT_LINKED: &[&str] = &["target", ".git", "out"];

/// `README.md` and every `docs/*.md`, as paths relative to the root, sorted.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(Path::new(ROOT).join("docs"))
        .expect("docs/ is readable")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| Path::new("docs").join(p.file_name().unwrap()))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

#[test]
fn every_command_in_the_docs_runs_as_shown() {
    let root = Path::new(ROOT);
    let pages = pages();

    let mut problems = Vec::new();
    for page in &pages {
        let text = fs::read_to_string(root.join(page)).expect("page is readable");
        problems.extend(lint(page, &text));
    }
    assert!(
        problems.is_empty(),
        "the pages show commands the test cannot run:\n  {}",
        problems.join("\n  ")
    );

    let before = checkout_files(root);
    let sandbox = tempfile::tempdir().expect("temporary folder");
    let cases = trycmd::TestCases::new();
    cases.register_bin("seatplan", Path::new(env!("CARGO_BIN_EXE_seatplan")));
    for tool in TOOLS {
        cases.register_bin(*tool, find_on_path(tool));
    }
    let mut copies = Vec::new();
    for page in &pages {
        let stem = page.with_extension("").to_string_lossy().replace('/', "-");
        let case = sandbox.path().join(format!("{stem}.md"));
        fs::copy(root.join(page), &case).expect("copy the page");
        // trycmd runs the commands of `X.md` in `X.in/` when that folder exists.
        let cwd = sandbox.path().join(format!("{stem}.in"));
        fs::create_dir(&cwd).expect("sandbox folder");
        for entry in fs::read_dir(root).expect("root is readable") {
            let entry = entry.expect("root entry");
            let name = entry.file_name();
            if NOT_LINKED.iter().any(|n| name == *n) {
                continue;
            }
            std::os::unix::fs::symlink(entry.path(), cwd.join(&name)).expect("link into sandbox");
        }
        cases.case(&case);
        copies.push((root.join(page), case));
    }

    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cases.run()));

    let after = checkout_files(root);
    let changed = diff(&before, &after);
    if std::env::var_os("TRYCMD").is_some_and(|m| m == "overwrite") {
        for (page, copy) in &copies {
            let new = fs::read(copy).expect("read the overwritten copy");
            if fs::read(page).expect("read the page") != new {
                fs::write(page, new).expect("write the page back");
                eprintln!("overwrote {}", page.display());
            }
        }
    }
    assert!(
        changed.is_empty(),
        "the commands of the docs changed the checkout (they must write only into out/ of their sandbox):\n  {}",
        changed.join("\n  ")
    );
    if let Err(panic) = run {
        eprintln!(
            "(a case named {}/X.md is the page X with `/` written `-`)",
            sandbox.path().display()
        );
        std::panic::resume_unwind(panic);
    }
}

/// What in one page the test cannot run as shown: a `$ ` line outside a console block, a
/// console command of a program that is neither `seatplan` nor one of [`TOOLS`] (trycmd would
/// skip it silently), a console block marked `ignore`, a `seatplan` command in a shell block, a
/// block without a language (which trycmd reads as commands).
fn lint(page: &Path, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        if ticks < 3 {
            continue;
        }
        let fence = &line[..ticks];
        let info = line[ticks..].trim();
        let lang = info.split(',').next().unwrap_or("");
        let start = n + 1;
        let mut body = Vec::new();
        for (m, l) in lines.by_ref() {
            if l.starts_with(fence) {
                break;
            }
            body.push((m + 1, l));
        }
        let at = |line: usize| format!("{}:{line}", page.display());
        match lang {
            "" => problems.push(format!(
                "{}: a block without a language is read by trycmd as commands: label it (```text)",
                at(start)
            )),
            "console" | "trycmd" => {
                if info.split(',').any(|i| i == "ignore") {
                    problems.push(format!("{}: a console block marked `ignore`", at(start)));
                }
                for (m, l) in &body {
                    let Some(cmd) = l.strip_prefix("$ ") else {
                        continue;
                    };
                    let program = cmd
                        .split_whitespace()
                        .find(|w| !w.contains('='))
                        .unwrap_or("");
                    if program != "seatplan" && !TOOLS.contains(&program) {
                        problems.push(format!(
                            "{}: `{program}` is not a program the docs test runs (seatplan, {})",
                            at(*m),
                            TOOLS.join(", ")
                        ));
                    }
                }
            }
            _ => {
                let shell = matches!(lang, "sh" | "bash" | "shell");
                // A measurement recipe builds its own binary (`cargo build`) or needs the HiGHS
                // build (`--backend highs`); `cargo test` builds neither, so it does not run it.
                let recipe = body.iter().any(|(_, l)| {
                    l.contains("--backend highs") || l.trim_start().starts_with("cargo build")
                });
                for (m, l) in &body {
                    if l.starts_with("$ ") {
                        problems.push(format!(
                            "{}: a `$ ` command outside a console block",
                            at(*m)
                        ));
                    } else if shell && !recipe && runs_seatplan(l) {
                        problems.push(format!(
                            "{}: a seatplan command in a `{lang}` block: write it as `$ …` in a console block",
                            at(*m)
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// Whether a shell line runs `seatplan` (directly, from `target/`, or through `cargo run`).
fn runs_seatplan(line: &str) -> bool {
    let code = line.split('#').next().unwrap_or("");
    code.split_whitespace()
        .any(|w| w == "seatplan" || w.ends_with("/seatplan"))
        || code.contains("cargo run")
}

/// The file `name` in a folder of `PATH`.
fn find_on_path(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("the docs test needs `{name}` on PATH"))
}

/// Every file of the checkout outside [`NOT_LINKED`], with its size and modification time.
fn checkout_files(root: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, (u64, Option<SystemTime>)>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if dir == root && NOT_LINKED.iter().any(|n| rel == Path::new(n)) {
                continue;
            }
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                walk(&path, root, out);
            } else {
                out.insert(rel, (meta.len(), meta.modified().ok()));
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(root, root, &mut files);
    files
}

/// The files added, removed or changed between two listings.
fn diff(
    before: &BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
    after: &BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
) -> Vec<String> {
    let mut changes = Vec::new();
    for (path, meta) in after {
        match before.get(path) {
            None => changes.push(format!("added {}", path.display())),
            Some(old) if old != meta => changes.push(format!("changed {}", path.display())),
            Some(_) => {}
        }
    }
    for path in before.keys() {
        if !after.contains_key(path) {
            changes.push(format!("removed {}", path.display()));
        }
    }
    changes
}
