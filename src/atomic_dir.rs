//! Writing an output folder so that it is always whole, and only where the tool may write: the
//! new files are written and synced in a sibling staging folder, which then replaces the old
//! folder in one step.
//!
//! Only an absent folder, an empty one, or one seatplan wrote before (its marker
//! `.seatplan-output`, [`owner`]) holding nothing but what it wrote is replaced; a folder that
//! is, holds or lies inside an input of the run is refused, and so is anything else, naming the
//! folder and what is in it. Leftovers of killed runs beside the folder are removed on the next
//! write when their process is gone ([`leftovers`]).
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

mod leftovers;
mod owner;

pub(crate) use owner::safe_relative;
pub use owner::{Provenance, MARKER};

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::OutputError;
use crate::output::FileSink;
use leftovers::Kind;
use owner::{Marker, State};

/// Builds the error of a failed `step` while replacing `dir` (before anything of `dir` changed).
fn failed<'a>(dir: &'a Path, step: String) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Folder {
        dir: dir.to_path_buf(),
        step,
        source,
    }
}

/// This process's leftover name of kind `kind` for output `path`.
fn sibling(path: &Path, kind: Kind) -> PathBuf {
    leftovers::name(path, kind, std::process::id())
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

/// Refuses output folder `dir` unless it may be written by a run reading `inputs`: it must be
/// absent, empty, or a folder seatplan wrote (with its marker) that holds nothing else, and it
/// must not be, hold or lie inside any input. [`write_dir`] checks this itself; call it first
/// to refuse before long work.
pub fn check_output_dir(dir: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    owner::check(non_empty(dir), inputs).map(|_| ())
}

/// `.` for an empty path.
fn non_empty(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// Writes `files` (names may contain `/` for subfolders) with the marker [`MARKER`] as the
/// complete contents of folder `dir`, replacing any previous contents only once everything new
/// is on disk, and only if [`check_output_dir`] allows `dir` for `by`'s inputs.
///
/// On any error (a refused folder, a name given twice, disk full, read-only file system, no
/// permission, a file too large) the staging folder is removed and `dir` is left exactly as it was; the error names
/// the step (`cannot write placements.csv …`), the folder, and the system's reason as its
/// source. Leftovers of killed writes of `dir` whose process is gone are removed.
pub fn write_dir<N: AsRef<str>>(
    dir: &Path,
    files: &[(N, Vec<u8>)],
    by: &Provenance,
) -> Result<(), OutputError> {
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_ref()).collect();
    write_staged(dir, &names, by, |staging| {
        for (name, bytes) in files {
            staging.put(name.as_ref(), &mut |w| w.write_all(bytes))?;
        }
        Ok(())
    })
}

/// [`write_dir`] for files written as they are rendered: `fill` writes every file named in
/// `names`, each once, into the [`FileSink`] it is given, which streams them into the staging
/// folder (buffered, then synced); its result is returned once the folder is in place. A name
/// not in `names`, or written twice, is refused; so is a listed file left unwritten. The
/// marker lists `names` before any file is written, so a staging folder left by a kill is
/// removed whole by the next write.
pub fn write_dir_with<T>(
    dir: &Path,
    names: &[&str],
    by: &Provenance,
    fill: impl FnOnce(&mut dyn FileSink) -> std::io::Result<T>,
) -> Result<T, OutputError> {
    write_staged(dir, names, by, |staging| fill(staging))
}

/// The staging folder of a write, taking the files it lists one after another.
struct Staging<'a> {
    folder: &'a Path,
    names: &'a [&'a str],
    written: Vec<bool>,
    /// The step that failed, for the error: set by the first failure.
    step: Option<String>,
}

impl Staging<'_> {
    /// Writes listed file `name`, its bytes given by `body`, through a buffer, then syncs it.
    fn put(
        &mut self,
        name: &str,
        body: &mut dyn FnMut(&mut (dyn Write + Send)) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let result = match self.names.iter().position(|n| *n == name) {
            Some(k) if !self.written[k] => {
                self.written[k] = true;
                self.write(name, body)
            }
            listed => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                if listed.is_some() {
                    "written twice"
                } else {
                    "not among the files the write was to hold"
                },
            )),
        };
        if result.is_err() && self.step.is_none() {
            self.step = Some(format!(
                "cannot write {name} in the staging folder {}",
                self.folder.display()
            ));
        }
        result
    }

    fn write(
        &self,
        name: &str,
        body: &mut dyn FnMut(&mut (dyn Write + Send)) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let path = self.folder.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        body(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    }
}

impl FileSink for Staging<'_> {
    fn file(
        &mut self,
        name: &'static str,
        body: &mut dyn FnMut(&mut (dyn Write + Send)) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.put(name, body)
    }
}

/// The staging write behind [`write_dir`] and [`write_dir_with`].
fn write_staged<T>(
    dir: &Path,
    names: &[&str],
    by: &Provenance,
    fill: impl FnOnce(&mut Staging<'_>) -> std::io::Result<T>,
) -> Result<T, OutputError> {
    let dir = non_empty(dir);
    for (k, &name) in names.iter().enumerate() {
        let problem = if !owner::safe_relative(name) || name == MARKER {
            Some(format!(
                "cannot write a file named {name:?} into an output folder"
            ))
        } else if names[..k].contains(&name) {
            Some(format!("cannot write {name} into an output folder twice"))
        } else {
            None
        };
        if let Some(step) = problem {
            return Err(failed(dir, step)(std::io::Error::from(
                std::io::ErrorKind::InvalidInput,
            )));
        }
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            // Nothing to refuse in a folder that does not exist yet; refuse before creating it.
            owner::check(dir, &by.inputs)?;
        }
        std::fs::create_dir_all(parent).map_err(failed(
            dir,
            format!("cannot create the folder {} to hold it", parent.display()),
        ))?;
    }
    owner::check(dir, &by.inputs)?;
    leftovers::clean(dir, Kind::Staging);
    let staging = sibling(dir, Kind::Staging);
    std::fs::create_dir(&staging).map_err(failed(
        dir,
        format!(
            "cannot create the staging folder {} next to the output folder",
            staging.display()
        ),
    ))?;
    let marker = Marker::new(&by.command, names);
    let result = (|| {
        // Held until the end: a run that finds this staging folder knows it is not a leftover.
        let lock = lock(&staging).map_err(failed(
            dir,
            format!("cannot lock the staging folder {}", staging.display()),
        ))?;
        // The marker first: a staging folder left by a kill is known by it, and its list says
        // what the next run may remove.
        let marker_failed = || {
            failed(
                dir,
                format!(
                    "cannot write {MARKER} in the staging folder {}",
                    staging.display()
                ),
            )
        };
        let mut f = std::fs::File::create(staging.join(MARKER)).map_err(marker_failed())?;
        f.write_all(&marker.to_bytes()).map_err(marker_failed())?;
        f.sync_all().map_err(marker_failed())?;
        let mut files = Staging {
            folder: &staging,
            names,
            written: vec![false; names.len()],
            step: None,
        };
        let value = match fill(&mut files) {
            Ok(value) => value,
            Err(e) => {
                let step = files.step.take().unwrap_or_else(|| {
                    format!(
                        "cannot render the files into the staging folder {}",
                        staging.display()
                    )
                });
                return Err(failed(dir, step)(e));
            }
        };
        if let Some(k) = files.written.iter().position(|w| !w) {
            return Err(failed(
                dir,
                format!("{} was to be written but was not", names[k]),
            )(std::io::Error::from(
                std::io::ErrorKind::NotFound,
            )));
        }
        sync_dir(&staging).map_err(failed(
            dir,
            format!("cannot sync the staging folder {}", staging.display()),
        ))?;
        swap(dir, &staging)?;
        drop(lock);
        // Make the rename itself durable; the results are complete whether or not this works.
        if let Some(parent) = dir.parent() {
            let _ = sync_dir(non_empty(parent));
        }
        Ok(value)
    })();
    match result {
        Ok(value) => {
            // Old results renamed aside by killed runs are obsolete once new ones are in place.
            leftovers::clean(dir, Kind::Old);
            Ok(value)
        }
        Err(e) => {
            owner::remove_owned(&staging, &marker);
            Err(e)
        }
    }
}

/// Replaces `dir` (checked again, just before) by the complete `staging` folder.
fn swap(dir: &Path, staging: &Path) -> Result<(), OutputError> {
    let swap_failed = || format!("cannot move the new results into {}", dir.display());
    if let State::Absent = owner::check(dir, &[])? {
        match std::fs::rename(staging, dir) {
            Ok(()) => return Ok(()),
            // Another run moved its results in first: replace them like any owned folder.
            Err(e) if dir.is_dir() => {
                owner::check(dir, &[]).map_err(|_| failed(dir, swap_failed())(e))?;
            }
            Err(e) => return Err(failed(dir, swap_failed())(e)),
        }
    }
    if exchange(staging, dir).map_err(failed(dir, swap_failed()))? {
        // The staging name now holds the old contents: removed only if they are still what
        // seatplan wrote (or nothing); if anything appeared in the meantime, swap back.
        match owner::classify(staging) {
            Ok(State::Owned(old)) => {
                owner::remove_owned(staging, &old);
                Ok(())
            }
            Ok(_) => {
                let _ = std::fs::remove_dir(staging);
                Ok(())
            }
            Err(refused) => match exchange(staging, dir) {
                Ok(true) => Err(rename_refusal(refused, dir, staging)),
                _ => Err(OutputError::Moved {
                    dir: dir.to_path_buf(),
                    kept: staging.to_path_buf(),
                    source: std::io::Error::other(refused.to_string()),
                }),
            },
        }
    } else {
        let old = sibling(dir, Kind::Old);
        let old_lock = lock(dir).map_err(failed(dir, swap_failed()))?;
        std::fs::rename(dir, &old).map_err(failed(dir, swap_failed()))?;
        if let Err(e) = std::fs::rename(staging, dir) {
            if std::fs::rename(&old, dir).is_err() {
                return Err(OutputError::Moved {
                    dir: dir.to_path_buf(),
                    kept: old,
                    source: e,
                });
            }
            return Err(failed(dir, swap_failed())(e));
        }
        match Marker::read(&old) {
            Some(m) => {
                owner::remove_owned(&old, &m);
            }
            None => {
                let _ = std::fs::remove_dir(&old);
            }
        }
        drop(old_lock);
        Ok(())
    }
}

/// A refusal found on the swapped-out contents, named by the output folder they belong to.
fn rename_refusal(refused: OutputError, dir: &Path, staging: &Path) -> OutputError {
    let rename = |p: PathBuf| if p == staging { dir.to_path_buf() } else { p };
    match refused {
        OutputError::NotOwned {
            dir: d,
            marker,
            entries,
            more,
        } => OutputError::NotOwned {
            dir: rename(d),
            marker,
            entries,
            more,
        },
        OutputError::Foreign {
            dir: d,
            entries,
            more,
        } => OutputError::Foreign {
            dir: rename(d),
            entries,
            more,
        },
        other => other,
    }
}

/// The checks [`write_file`] makes before it writes, for a caller to run before long work:
/// `path` is not one of `inputs` ([`OutputError::IsInput`]) and, with [`Existing::Refuse`],
/// does not exist as a file ([`OutputError::FileExists`]).
pub fn check_output_file(
    path: &Path,
    inputs: &[PathBuf],
    existing: Existing,
) -> Result<(), OutputError> {
    owner::check_file(path, inputs)?;
    let exists = std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir());
    if existing == Existing::Refuse && exists {
        return Err(OutputError::FileExists {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// What [`write_file`] does when its file already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse to write ([`OutputError::FileExists`]); nothing is written.
    Refuse,
    /// Replace it (the user asked to).
    Replace,
}

/// An open handle on `path` holding its exclusive lock (`WouldBlock` if another holds it).
fn lock(path: &Path) -> std::io::Result<std::fs::File> {
    let f = std::fs::File::open(path)?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            "another write of this output is under way in this process",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Writes one file whole or not at all: `bytes` go to a synced sibling `.NAME.partial-PID`,
/// renamed over `path` only once complete; on any error the partial file is removed and `path`
/// is left as it was. `path` must not be one of `inputs` (nor a folder), and an existing `path`
/// is replaced only with [`Existing::Replace`]: a single file carries no mark of who wrote it.
/// Partial files of killed writes of `path` whose process is gone are removed.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    inputs: &[PathBuf],
    existing: Existing,
) -> Result<(), OutputError> {
    let failed = |step: String| {
        move |source| OutputError::File {
            path: path.to_path_buf(),
            step,
            source,
        }
    };
    check_output_file(path, inputs, existing)?;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(failed(format!("{} is a folder", path.display()))(
            std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed(format!(
        "cannot create the folder {}",
        dir.display()
    )))?;
    leftovers::clean(path, Kind::PartialFile);
    let tmp = sibling(path, Kind::PartialFile);
    let result = (|| {
        let writing = || format!("cannot write {}", tmp.display());
        let mut f = std::fs::File::create(&tmp).map_err(failed(writing()))?;
        // Held until the rename: a run that finds this file knows it is not a leftover.
        let _ = f.try_lock();
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
