//! Which folders the tool may replace: absent ones, empty ones, and ones it wrote itself, known by
//! the marker file [`MARKER`] it writes into every output folder and holding only the files that
//! marker lists. A folder that is, holds or lies inside an input of the run is never one of them.
//!
//! The marker is `.seatplan-output`, JSON: a sentence saying what it is, the command that wrote
//! the folder, the seatplan version and every file written (relative paths with `/`). It has no
//! time stamp or process id, so the same command writes the same marker. Removing an owned
//! folder removes exactly the files its marker lists and then the folders that held them, never
//! anything else: a file that appeared since stays, with the folder around it.

use std::collections::{BTreeSet, HashSet};
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::OutputError;

/// The marker file in every folder seatplan writes (`.seatplan-output`).
pub const MARKER: &str = ".seatplan-output";

/// How many entries a refusal names before "…and K more".
const SHOWN: usize = 5;

/// A marker larger than this is not one of the tool's.
const MAX_MARKER_BYTES: u64 = 4 << 20;

/// Who writes an output folder or file: the command (recorded in the folder's marker) and
/// every input the command read (files or folders), which the output must not hold, be, or lie
/// inside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The command writing, as the marker records it (`run`, `plan`, `sweep`, …).
    pub command: String,
    /// Every input the command read, as it names them.
    pub inputs: Vec<PathBuf>,
}

impl Provenance {
    /// The provenance of `command` reading `inputs`.
    pub fn new(
        command: impl Into<String>,
        inputs: impl IntoIterator<Item = impl AsRef<Path>>,
    ) -> Provenance {
        Provenance {
            command: command.into(),
            inputs: inputs
                .into_iter()
                .map(|p| p.as_ref().to_path_buf())
                .collect(),
        }
    }
}

/// The marker's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Marker {
    /// What this file is, in words.
    seatplan_output: String,
    /// The command that wrote the folder.
    command: String,
    /// The seatplan version that wrote it.
    version: String,
    /// Every file written, relative to the folder.
    pub(crate) files: Vec<String>,
}

impl Marker {
    /// The marker of `command` writing the files named `names`.
    pub(crate) fn new<N: AsRef<str>>(command: &str, names: &[N]) -> Marker {
        Marker {
            seatplan_output: "This folder was written whole by seatplan. The next seatplan \
                command writing here replaces it if it holds only the files listed below; \
                without this file seatplan never replaces it."
                .into(),
            command: command.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            files: names.iter().map(|n| n.as_ref().to_string()).collect(),
        }
    }

    /// The marker as written: pretty JSON ending in a newline.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("serialising to memory");
        v.push(b'\n');
        v
    }

    /// The marker of folder `dir`, if it has a valid one (a regular file, not a link).
    pub(crate) fn read(dir: &Path) -> Option<Marker> {
        let path = dir.join(MARKER);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_MARKER_BYTES {
            return None;
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .ok()?
            .take(MAX_MARKER_BYTES)
            .read_to_end(&mut bytes)
            .ok()?;
        let marker: Marker = serde_json::from_slice(&bytes).ok()?;
        marker
            .files
            .iter()
            .all(|f| safe_relative(f))
            .then_some(marker)
    }
}

/// Whether `name` is a relative path of plain components (no `..`, `.`, root or prefix).
pub(crate) fn safe_relative(name: &str) -> bool {
    !name.is_empty()
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// What an output folder is now.
#[derive(Debug)]
pub(crate) enum State {
    /// No such folder.
    Absent,
    /// An empty folder.
    Empty,
    /// A folder seatplan wrote, holding only what its marker lists.
    Owned(Marker),
}

/// Classifies output folder `dir` for a run reading `inputs`, or refuses it: it is a file, it
/// is, holds or lies inside an input, or it is neither empty nor one seatplan wrote.
pub(crate) fn check(dir: &Path, inputs: &[PathBuf]) -> Result<State, OutputError> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(OutputError::Folder {
                dir: dir.to_path_buf(),
                step: format!("cannot look at {}", dir.display()),
                source,
            })
        }
    };
    if meta.as_ref().is_some_and(|m| !m.is_dir()) {
        return Err(OutputError::Folder {
            dir: dir.to_path_buf(),
            step: format!("{} exists and is not a folder", dir.display()),
            source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        });
    }
    check_inputs(dir, inputs)?;
    if meta.is_none() {
        return Ok(State::Absent);
    }
    classify(dir)
}

/// Classifies an existing folder: empty, owned, or refused.
pub(crate) fn classify(dir: &Path) -> Result<State, OutputError> {
    let listing = |e| OutputError::Folder {
        dir: dir.to_path_buf(),
        step: format!("cannot list {}", dir.display()),
        source: e,
    };
    let mut first = Firsts::default();
    for entry in std::fs::read_dir(dir).map_err(listing)? {
        let entry = entry.map_err(listing)?;
        first.add(entry_name(&entry.path(), dir));
    }
    if first.count == 0 {
        return Ok(State::Empty);
    }
    let Some(marker) = Marker::read(dir) else {
        return Err(OutputError::NotOwned {
            dir: dir.to_path_buf(),
            marker: MARKER,
            entries: first.names(),
            more: first.more(),
        });
    };
    let foreign = foreign(dir, &marker);
    if foreign.count > 0 {
        return Err(OutputError::Foreign {
            dir: dir.to_path_buf(),
            entries: foreign.names(),
            more: foreign.more(),
        });
    }
    Ok(State::Owned(marker))
}

/// The first few names in order, and how many there were.
#[derive(Default)]
struct Firsts {
    smallest: BTreeSet<String>,
    count: usize,
}

impl Firsts {
    fn add(&mut self, name: String) {
        self.count += 1;
        self.smallest.insert(name);
        if self.smallest.len() > SHOWN {
            self.smallest.pop_last();
        }
    }

    fn names(&self) -> Vec<String> {
        self.smallest.iter().cloned().collect()
    }

    fn more(&self) -> usize {
        self.count - self.smallest.len()
    }
}

/// `path` relative to `root` with `/`, control characters escaped, folders ending in `/`.
fn entry_name(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut name: String = rel
        .to_string_lossy()
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        name.push('/');
    }
    name
}

/// Everything under `dir` its marker does not account for: files not listed, folders that hold
/// no listed file (named, not entered).
fn foreign(dir: &Path, marker: &Marker) -> Firsts {
    let files: HashSet<&str> = marker.files.iter().map(String::as_str).collect();
    let folders: HashSet<String> = marker
        .files
        .iter()
        .flat_map(|f| {
            Path::new(f)
                .ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut found = Firsts::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            found.add(entry_name(&folder, dir));
            continue;
        };
        for entry in entries {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let Some(rel_str) = rel.to_str() else {
                found.add(entry_name(&path, dir));
                continue;
            };
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && folders.contains(rel_str) {
                stack.push(path);
            } else if (is_dir || !files.contains(rel_str)) && rel_str != MARKER {
                found.add(entry_name(&path, dir));
            }
        }
    }
    found
}

/// Refuses `dir` if it is or holds an input, or lies inside an input folder.
fn check_inputs(dir: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let out = canonical(dir);
    for input in inputs {
        let canon = canonical(input);
        if canon.starts_with(&out) {
            return Err(OutputError::HoldsInput {
                dir: dir.to_path_buf(),
                input: input.clone(),
            });
        }
        if input.is_dir() && out.starts_with(&canon) {
            return Err(OutputError::InsideInput {
                dir: dir.to_path_buf(),
                input: input.clone(),
            });
        }
    }
    Ok(())
}

/// Refuses output file `path` if it is one of `inputs`.
pub(crate) fn check_file(path: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let out = canonical(path);
    if inputs.iter().any(|i| canonical(i) == out) {
        return Err(OutputError::IsInput {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// `path` made absolute with every link resolved, as far as it exists; the rest of it appended
/// with `.` and `..` applied.
pub(crate) fn canonical(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Removes an owned folder (or staging folder) `dir` the way it was written: each file its
/// marker lists, the marker, then each folder that held them and `dir` itself, deepest first.
/// Anything not listed stays, and so does the folder around it. `Ok(true)` if `dir` is gone.
pub(crate) fn remove_owned(dir: &Path, marker: &Marker) -> bool {
    let mut folders = BTreeSet::new();
    for f in &marker.files {
        let _ = std::fs::remove_file(dir.join(f));
        for a in Path::new(f).ancestors().skip(1) {
            if !a.as_os_str().is_empty() {
                folders.insert(a.to_path_buf());
            }
        }
    }
    let _ = std::fs::remove_file(dir.join(MARKER));
    let mut folders: Vec<PathBuf> = folders.into_iter().collect();
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for f in folders {
        let _ = std::fs::remove_dir(dir.join(f));
    }
    std::fs::remove_dir(dir).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_reads_back_and_rejects_unsafe_names() {
        let tmp = tempfile::tempdir().unwrap();
        let m = Marker::new("plan", &["a.csv", "scenario/b.toml"]);
        std::fs::write(tmp.path().join(MARKER), m.to_bytes()).unwrap();
        assert_eq!(Marker::read(tmp.path()), Some(m.clone()));
        let mut bad = m;
        bad.files.push("../escape".into());
        std::fs::write(tmp.path().join(MARKER), bad.to_bytes()).unwrap();
        assert_eq!(Marker::read(tmp.path()), None);
        assert!(
            !safe_relative("/abs")
                && !safe_relative("")
                && !safe_relative("./a")
                && !safe_relative("a/../b")
        );
        assert!(safe_relative("scenario/x.csv"));
    }

    #[test]
    fn canonical_paths_resolve_what_exists_and_normalise_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        assert_eq!(canonical(&root.join("a/../b/./c")), root.join("b/c"));
        std::fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        assert_eq!(canonical(&root.join("link/x")), root.join("real/x"));
    }

    #[test]
    fn removing_an_owned_folder_keeps_what_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        std::fs::create_dir_all(dir.join("scenario")).unwrap();
        let files = [("a.csv", vec![1u8]), ("scenario/b.toml", vec![2])];
        for (n, b) in &files {
            std::fs::write(dir.join(n), b).unwrap();
        }
        let m = Marker::new("plan", &files.map(|(n, _)| n));
        std::fs::write(dir.join(MARKER), m.to_bytes()).unwrap();
        std::fs::write(dir.join("scenario/notes.txt"), "mine").unwrap();
        assert!(!remove_owned(&dir, &m));
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.join("scenario/notes.txt")).unwrap(),
            "mine"
        );
    }
}
