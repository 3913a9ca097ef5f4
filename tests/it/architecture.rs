//! The module layering of `docs/architecture.md`, checked on the source: no two top-level
//! modules of the library import each other, and the lowest layers import nothing above them.
//!
//! An edge A → B is any `crate::B` named in the code of `src/A.rs` or `src/A/**` (comments and
//! unit-test code — `tests.rs` files and everything after a `#[cfg(test)]` line — left out).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module → the top-level modules its code names.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if matches!(module.as_str(), "lib" | "main" | "cli")
            || file.file_name().is_some_and(|n| n == "tests.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            if line.trim_start() == "#[cfg(test)]" {
                break;
            }
            let code = line.split("//").next().unwrap();
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    edges.entry(module.clone()).or_default().insert(name);
                }
            }
        }
    }
    edges
}

#[test]
fn no_two_modules_import_each_other() {
    let edges = edges();
    let mut cycles = Vec::new();
    for (a, targets) in &edges {
        for b in targets {
            if a < b && edges.get(b).is_some_and(|t| t.contains(a)) {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules importing each other: {cycles:?}"
    );
}

#[test]
fn the_lowest_layers_import_nothing_above_them() {
    let edges = edges();
    let allowed: &[(&str, &[&str])] = &[
        ("domain", &[]),
        ("error", &[]),
        ("progress", &[]),
        ("policy", &["domain", "error"]),
        ("scenario", &["domain", "policy", "error"]),
        ("ranking", &["domain", "policy", "scenario"]),
    ];
    for (module, ok) in allowed {
        let named = edges.get(*module).cloned().unwrap_or_default();
        let extra: Vec<&String> = named.iter().filter(|m| !ok.contains(&m.as_str())).collect();
        assert!(extra.is_empty(), "`{module}` imports {extra:?}");
    }
}

/// The code lines (comments and unit tests left out) of every file of `src/<module>/`.
fn code_lines(module: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(module),
        &mut files,
    );
    let mut lines = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            if line.trim_start() == "#[cfg(test)]" {
                break;
            }
            lines.push((file.clone(), line.split("//").next().unwrap().to_string()));
        }
    }
    lines
}

#[test]
fn the_checker_uses_neither_the_solvers_ranking_nor_its_assignment_code() {
    // `check` recomputes points, gates, tiers, the lottery and the fallback order itself: it may
    // not name `crate::ranking` at all, and from `crate::assign` only the two types it is given.
    let named = edges().get("check").cloned().unwrap_or_default();
    assert!(!named.contains("ranking"), "`check` imports `ranking`");
    let allowed = ["Outcome", "UnplacedReason"];
    let mut wrong = Vec::new();
    for (file, code) in code_lines("check") {
        let mut rest = code.as_str();
        while let Some(i) = rest.find("crate::assign") {
            rest = &rest[i + "crate::assign".len()..];
            let names: Vec<String> = if let Some(group) = rest.strip_prefix("::{") {
                group
                    .split('}')
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect()
            } else if let Some(path) = rest.strip_prefix("::") {
                vec![path
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect()]
            } else {
                vec!["(the module itself)".to_string()]
            };
            for n in names {
                if !allowed.contains(&n.as_str()) {
                    wrong.push(format!("{}: crate::assign::{n}", file.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "`check` uses more of `assign`: {wrong:#?}"
    );
    // Nor the policy's own scoring, tier or tie-break code: the policy's data types only.
    let scoring = [
        "statement(",
        ".score(",
        "policy.points_at(",
        "tiers_at(",
        "holds_at(",
        "holds_at_home(",
        "sort_value(",
        "has_district_layer(",
        ".applies(",
        "gates.failure(",
        "lottery_number(",
        "format_points(",
        "CategoryFact::read",
        "read_elsewhere(",
    ];
    let calls: Vec<String> = code_lines("check")
        .into_iter()
        .filter_map(|(file, code)| {
            scoring
                .iter()
                .find(|f| code.contains(*f))
                .map(|f| format!("{}: {f}", file.display()))
        })
        .collect();
    assert!(
        calls.is_empty(),
        "`check` calls the policy's scoring: {calls:#?}"
    );
}
