//! Writing an output folder so that it is always whole: the new files are written and synced in
//! a sibling staging folder, which then replaces the old folder in one step.
//!
//! On Linux the swap is `renameat2(RENAME_EXCHANGE)`: at every instant the folder's name points
//! at either the complete old contents or the complete new ones, even if the process is killed.
//! Where the exchange is unavailable (other systems, some file systems) the old folder is first
//! renamed aside, then the new one renamed in: never a mix, but for a moment no folder, with the
//! old results kept in `.NAME.old-PID` if the process dies right then.
//!
//! Any failure on the way (a full disk, a read-only file system, no permission) removes the
//! staging folder and leaves the old folder as it was; the error names the step, the folder and
//! the system's reason. [`write_file`] does the same for a single file.

use std::path::{Path, PathBuf};

use crate::error::OutputError;

/// Builds the error of a failed `step` while replacing `dir` (before anything of `dir` changed).
fn failed<'a>(dir: &'a Path, step: String) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Folder {
        dir: dir.to_path_buf(),
        step,
        source,
    }
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    dir.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Atomically exchanges two existing paths; `Ok(false)` if the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them like `rename`.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::ENOTSUP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Writes `files` (names may contain `/` for subfolders) as the complete contents of folder
/// `dir`, replacing any previous contents only once everything new is on disk.
///
/// On any error (disk full, read-only file system, no permission, a file too large) the
/// staging folder is removed and `dir` is left exactly as it was; the error names the step
/// (`cannot write placements.csv …`), the folder, and the system's reason as its source.
pub fn write_dir<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> Result<(), OutputError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let shown = dir.display();
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(failed(
            dir,
            format!("cannot create the folder {} to hold it", parent.display()),
        ))?;
    }
    match std::fs::symlink_metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(failed(dir, format!("{shown} exists and is not a folder"))(
                std::io::Error::from(std::io::ErrorKind::AlreadyExists),
            ))
        }
        _ => {}
    }
    let staging = sibling(dir, "partial");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging).map_err(failed(
        dir,
        format!(
            "cannot create the staging folder {} next to the output folder",
            staging.display()
        ),
    ))?;
    let result = (|| {
        for (name, bytes) in files {
            let name = name.as_ref();
            let path = staging.join(name);
            let writing = || {
                format!(
                    "cannot write {name} in the staging folder {}",
                    staging.display()
                )
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(failed(dir, writing()))?;
            }
            let mut f = std::fs::File::create(&path).map_err(failed(dir, writing()))?;
            std::io::Write::write_all(&mut f, bytes).map_err(failed(dir, writing()))?;
            f.sync_all().map_err(failed(dir, writing()))?;
        }
        sync_dir(&staging).map_err(failed(
            dir,
            format!("cannot sync the staging folder {}", staging.display()),
        ))?;
        let swap = || format!("cannot move the new results into {shown}");
        if !dir.exists() {
            std::fs::rename(&staging, dir).map_err(failed(dir, swap()))?;
        } else if exchange(&staging, dir).map_err(failed(dir, swap()))? {
            // The staging name now holds the old contents.
            let _ = std::fs::remove_dir_all(&staging);
        } else {
            let old = sibling(dir, "old");
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(dir, &old).map_err(failed(dir, swap()))?;
            if let Err(e) = std::fs::rename(&staging, dir) {
                if std::fs::rename(&old, dir).is_err() {
                    return Err(OutputError::Moved {
                        dir: dir.to_path_buf(),
                        kept: old,
                        source: e,
                    });
                }
                return Err(failed(dir, swap())(e));
            }
            let _ = std::fs::remove_dir_all(&old);
        }
        // Make the rename itself durable; the results are complete whether or not this works.
        if let Some(parent) = dir.parent() {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            let _ = sync_dir(parent);
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Writes one file whole or not at all: `bytes` go to a synced sibling `.NAME.partial-PID`,
/// renamed over `path` only once complete; on any error the partial file is removed and `path`
/// is left as it was.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let failed = |step: String| {
        move |source| OutputError::File {
            path: path.to_path_buf(),
            step,
            source,
        }
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed(format!(
        "cannot create the folder {}",
        dir.display()
    )))?;
    let tmp = sibling(path, "partial");
    let result = (|| {
        let writing = || format!("cannot write {}", tmp.display());
        let mut f = std::fs::File::create(&tmp).map_err(failed(writing()))?;
        std::io::Write::write_all(&mut f, bytes).map_err(failed(writing()))?;
        f.sync_all().map_err(failed(writing()))?;
        std::fs::rename(&tmp, path).map_err(failed(format!(
            "cannot rename {} to {}",
            tmp.display(),
            path.display()
        )))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Flushes a folder's entries (the names of the files in it) to disk.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
