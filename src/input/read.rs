//! The one door through which every input file is read: only regular files, and only up to a
//! size limit.
//!
//! [`read_input`] opens a file without blocking (`O_NONBLOCK` on Linux, so a FIFO with no writer
//! does not hang the open), asks the opened file what it is (`fstat`) and refuses at once anything
//! but a regular file — a FIFO, a character or block device such as `/dev/zero`, a socket, a
//! directory — before reading a byte. A regular file larger than its kind's limit is refused
//! before it is read too, and the read itself stops one byte past the limit, so a file that grows
//! while it is read cannot exhaust memory either.
//!
//! The limits ([`InputLimits`]) are per kind of file ([`FileKind`]): tables (CSV) and the small
//! text files (TOML, JSON). Defaults fit the largest shipped scenario with room to spare (the
//! 1,000,630-child province has a 184 MB children table; tables may be 2 GiB). The command line
//! sets them for a whole command (`--max-table-mib`, `--max-text-mib`, through
//! [`with_input_limits`]); a scenario file's `[limits]` sets them for the files it names when the
//! command line does not.

use std::cell::Cell;
use std::io::Read;
use std::path::Path;

use crate::error::ReadError;

/// A kind of input file, which decides its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A CSV table (the scenario's tables, candidates, census, placements) or any file whose
    /// hash a manifest records.
    Table,
    /// A small text file: the scenario or policy TOML, a sweep or appeal file, a manifest or a
    /// sweep's results.
    Text,
}

impl FileKind {
    /// The words naming this kind in a message ("a table").
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Table => "a table",
            FileKind::Text => "a TOML or JSON file",
        }
    }

    /// How to raise this kind's limit, in words.
    fn hint(self) -> &'static str {
        match self {
            FileKind::Table => "raise it with `--max-table-mib` or `[limits] table_mib`",
            FileKind::Text => "raise it with `--max-text-mib` or `[limits] text_mib`",
        }
    }
}

/// The size limits of input files, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// The largest table (CSV) read, in bytes (default 2 GiB).
    pub table_bytes: u64,
    /// The largest TOML or JSON file read, in bytes (default 16 MiB).
    pub text_bytes: u64,
}

/// One mebibyte, the unit of the limits on the command line and in a scenario file.
pub const MIB: u64 = 1 << 20;

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            table_bytes: 2048 * MIB,
            text_bytes: 16 * MIB,
        }
    }
}

impl InputLimits {
    /// The limit of one kind of file, in bytes.
    pub fn bytes(&self, kind: FileKind) -> u64 {
        match kind {
            FileKind::Table => self.table_bytes,
            FileKind::Text => self.text_bytes,
        }
    }

    /// The limits in force on this thread: those set by [`with_input_limits`], else the
    /// defaults.
    pub fn current() -> InputLimits {
        SET.with(Cell::get).unwrap_or_default()
    }

    /// The limits [`with_input_limits`] set on this thread, if it did.
    pub(crate) fn set_here() -> Option<InputLimits> {
        SET.with(Cell::get)
    }

    /// Whether [`with_input_limits`] set the limits on this thread (the command line's limits
    /// then win over a scenario file's `[limits]`).
    pub(crate) fn set_by_caller() -> bool {
        SET.with(Cell::get).is_some()
    }
}

thread_local! {
    /// The limits set by [`with_input_limits`] on this thread.
    static SET: Cell<Option<InputLimits>> = const { Cell::new(None) };
}

/// Runs `f` with `limits` as the size limits of every input file read on this thread (the
/// previous limits are restored afterwards, also if `f` panics).
pub fn with_input_limits<R>(limits: InputLimits, f: impl FnOnce() -> R) -> R {
    with_limits_set(Some(limits), f)
}

/// Runs `f` with `limits` as this thread's setting of [`with_input_limits`] — `None`: none, the
/// defaults or a scenario file's `[limits]` then apply — restoring the previous one afterwards.
pub(crate) fn with_limits_set<R>(limits: Option<InputLimits>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<InputLimits>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SET.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SET.with(|s| s.replace(limits)));
    f()
}

/// Reads a whole input file of `kind` under the limits in force ([`InputLimits::current`]):
/// refuses at once, without blocking, anything that is not a regular file, and a file larger
/// than the limit.
pub fn read_input(path: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    read_input_limited(path, kind, InputLimits::current().bytes(kind))
}

/// [`read_input`] of a text file (`FileKind::Text`) that must be UTF-8.
pub fn read_input_text(path: &Path) -> Result<String, ReadError> {
    utf8(read_input(path, FileKind::Text)?)
}

/// The bytes as UTF-8 text, or the error the standard library gives for a file that is not.
pub(crate) fn utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|_| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// [`read_input`] with an explicit limit in bytes.
pub fn read_input_limited(path: &Path, kind: FileKind, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_input(path, kind, limit)?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    check_size(bytes.len() as u64, kind, limit)?;
    Ok(bytes)
}

/// Opens an input file of `kind` for [`read_input_limited`] and [`stream_input`]: refuses at
/// once what is not a regular file, and a file whose size is over `limit`; returns the file
/// and its size. (A file that grows while read is refused by the reader's count.)
fn open_input(path: &Path, kind: FileKind, limit: u64) -> Result<(std::fs::File, u64), ReadError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if let Some(what) = not_regular(&meta.file_type()) {
        return Err(ReadError::NotRegular { what });
    }
    check_size(meta.len(), kind, limit)?;
    Ok((file, meta.len()))
}

/// [`read_input`] as a stream: the file's bytes are handed to `each` in pieces of at most 1 MiB,
/// under the same checks, and never held whole (the manifest hashes a province's 184 MB of
/// inputs this way).
pub fn stream_input(
    path: &Path,
    kind: FileKind,
    mut each: impl FnMut(&[u8]),
) -> Result<(), ReadError> {
    let limit = InputLimits::current().bytes(kind);
    let (file, _) = open_input(path, kind, limit)?;
    let mut file = file.take(limit.saturating_add(1));
    let mut piece = vec![0; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match file.read(&mut piece) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        total += n as u64;
        check_size(total, kind, limit)?;
        each(&piece[..n]);
    }
}

/// Opens an input file of `kind` to be read as a stream, under the checks of [`read_input`]
/// (the caller reads no more than the size it learnt when it first read the file).
pub(crate) fn open_stream(path: &Path, kind: FileKind) -> Result<std::fs::File, ReadError> {
    Ok(open_input(path, kind, InputLimits::current().bytes(kind))?.0)
}

/// Refuses `size` bytes over `limit`.
pub(crate) fn check_size(size: u64, kind: FileKind, limit: u64) -> Result<(), ReadError> {
    if size > limit {
        return Err(ReadError::TooLarge {
            size,
            limit,
            kind: kind.name(),
            hint: kind.hint(),
        });
    }
    Ok(())
}

/// Opens for reading without waiting for a writer (a FIFO) or a carrier (a terminal).
#[cfg(target_os = "linux")]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Opens for reading, after refusing what is not a regular file by its metadata (no
/// non-blocking open on this system).
#[cfg(not(target_os = "linux"))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let meta = std::fs::metadata(path)?;
    if let Some(what) = not_regular(&meta.file_type()) {
        return Err(std::io::Error::other(ReadError::NotRegular { what }));
    }
    std::fs::File::open(path)
}

/// What a file that is not a regular file is, in words; `None` for a regular file.
fn not_regular(t: &std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_and_a_device_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_input(dir.path(), FileKind::Text).unwrap_err();
        assert_eq!(e.to_string(), "it is a folder, not a regular file");
        #[cfg(unix)]
        {
            let e = read_input(Path::new("/dev/zero"), FileKind::Table).unwrap_err();
            assert_eq!(
                e.to_string(),
                "it is a character device, not a regular file"
            );
        }
    }

    #[test]
    fn limits_are_scoped_and_a_larger_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let small = InputLimits {
            table_bytes: 4,
            text_bytes: 4,
        };
        let e = with_input_limits(small, || read_input(&path, FileKind::Table)).unwrap_err();
        assert!(
            e.to_string().starts_with("it is 8 bytes, over the limit"),
            "{e}"
        );
        assert_eq!(InputLimits::current(), InputLimits::default());
        assert_eq!(read_input(&path, FileKind::Table).unwrap(), b"a,b\n1,2\n");
    }
}
