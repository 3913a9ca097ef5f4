//! What killed runs leave beside an output: staging folders `.NAME.partial-PID`, folders of old
//! results renamed aside `.NAME.old-PID`, and partial files `.NAME.partial-PID` of a single
//! output file. The next write of the same output removes them, but only those the tool made and
//! whose maker is gone:
//!
//! - the name is exactly that of a leftover of this output, with a process id;
//! - no live process has that id, and no process holds the lock the writer takes on it for as
//!   long as it works (a live run in another process namespace holds it too);
//! - a folder is empty or has the tool's marker, and only the files its marker lists are
//!   removed ([`super::owner::remove_owned`]); a file is a regular file.
//!
//! Anything else with such a name is left alone.

use std::path::{Path, PathBuf};

use super::owner::{remove_owned, Marker};

/// Which leftovers of an output to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Staging folders of a folder output (`.NAME.partial-PID`).
    Staging,
    /// Old results renamed aside (`.NAME.old-PID`).
    Old,
    /// Partial files of a single-file output (`.NAME.partial-PID`).
    PartialFile,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Staging | Kind::PartialFile => "partial",
            Kind::Old => "old",
        }
    }
}

/// The name of the leftover of kind `kind` that process `pid` makes for output `path`.
pub(crate) fn name(path: &Path, kind: Kind, pid: u32) -> PathBuf {
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{base}.{}-{pid}", kind.tag()))
}

/// Removes the leftovers of kind `kind` of output `path` made by processes that are gone, and
/// returns how many it removed. The caller's own process id counts as gone only if nothing
/// holds the leftover's lock (a process id reused after a kill).
pub(crate) fn clean(path: &Path, kind: Kind) -> usize {
    let Some(base) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return 0;
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = format!(".{base}.{}-", kind.tag());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && alive(pid) {
            continue;
        }
        let leftover = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&leftover) else {
            continue;
        };
        let Ok(handle) = std::fs::File::open(&leftover) else {
            continue;
        };
        // A live writer holds this lock for as long as it works on the leftover.
        if handle.try_lock().is_err() {
            continue;
        }
        let gone = match kind {
            Kind::PartialFile => meta.is_file() && std::fs::remove_file(&leftover).is_ok(),
            Kind::Staging | Kind::Old if meta.is_dir() => match Marker::read(&leftover) {
                Some(marker) => remove_owned(&leftover, &marker),
                // Killed before its marker was written: empty, or left alone.
                None => std::fs::remove_dir(&leftover).is_ok(),
            },
            _ => false,
        };
        removed += usize::from(gone);
    }
    removed
}

/// Whether a process with id `pid` exists (on systems where this cannot be asked: yes).
fn alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        true
    }
}
