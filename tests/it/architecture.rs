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
