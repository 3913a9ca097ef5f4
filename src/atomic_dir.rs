//! Writing an output folder so that it is always whole: the new files are written and synced in
//! a sibling staging folder, which then replaces the old folder in one step.
//!
//! On Linux the swap is `renameat2(RENAME_EXCHANGE)`: at every instant the folder's name points
//! at either the complete old contents or the complete new ones, even if the process is killed.
//! Where the exchange is unavailable (other systems, some file systems) the old folder is first
//! renamed aside, then the new one renamed in: never a mix, but for a moment no folder, with the
//! old results kept in `.NAME.old-PID` if the process dies right then.

use std::path::{Path, PathBuf};

use crate::error::OutputError;

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
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
pub fn write_dir<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> Result<(), OutputError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    let staging = sibling(dir, "partial");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging).map_err(io_err(&staging))?;
    let result = (|| {
        for (name, bytes) in files {
            let path = staging.join(name.as_ref());
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io_err(parent))?;
            }
            let mut f = std::fs::File::create(&path).map_err(io_err(&path))?;
            std::io::Write::write_all(&mut f, bytes).map_err(io_err(&path))?;
            f.sync_all().map_err(io_err(&path))?;
        }
        if !dir.exists() {
            return std::fs::rename(&staging, dir).map_err(io_err(dir));
        }
        if exchange(&staging, dir).map_err(io_err(dir))? {
            // The staging name now holds the old contents.
            let _ = std::fs::remove_dir_all(&staging);
            return Ok(());
        }
        let old = sibling(dir, "old");
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(dir, &old).map_err(io_err(dir))?;
        if let Err(e) = std::fs::rename(&staging, dir) {
            let _ = std::fs::rename(&old, dir);
            return Err(io_err(dir)(e));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}
