//! A table's text as the rows reader takes it ([`super::rows`]): bytes already held (a workbook
//! sheet, a GB18030 or UTF-16 file decoded, a file served from memory), or a UTF-8 file on the
//! disk read as a stream and never held whole.
//!
//! A file is read twice, each time in pieces. The first pass ([`Scanned::scan`]) learns what the
//! reader must know before its first row: whether the bytes are UTF-8 (a file that is not is
//! refused, or decoded whole by [`super::source`], before any row is visited), whether there is
//! anything but white space, how many lines there are (to size what is built from the rows once),
//! whether any line ends in CRLF, and the first bytes and the header line (for detecting the
//! encoding and the separator). The second pass ([`TableText::reader`]) hands the bytes to the
//! CSV reader, a UTF-8 byte-order mark skipped and CRLF read as LF ([`Lf`]), so every line
//! number is counted as it was when the whole file was held. [`Lines`] counts them from the bytes
//! the CSV reader has taken ([`Tap`]), forgetting what it has counted. A province's 97 MB choices
//! file is thus read in a few hundred kilobytes.

use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::read::{stream_input, FileKind};
use crate::error::ReadError;

/// The UTF-8 byte-order mark Excel writes at the start of "CSV UTF-8".
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many of a file's first bytes [`Scanned`] keeps for detection.
const HEAD: usize = 512;

/// A table's text: held, or a file scanned and read again as a stream.
pub(crate) enum TableText {
    /// The bytes, held (a UTF-8 byte-order mark at their start is skipped when read).
    Held(Vec<u8>),
    /// A file on the disk, scanned.
    File(Scanned),
}

/// What the rows reader must know of a table's text before its first row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts {
    /// Whether the text after a byte-order mark is UTF-8.
    pub utf8: bool,
    /// Whether it holds nothing but ASCII white space.
    pub blank: bool,
    /// How many LF bytes it holds (one per line break, CRLF included).
    pub newlines: usize,
}

impl TableText {
    /// The text of the table at `path`: from memory inside
    /// [`super::rows::with_files_in_memory`], else the file, scanned (under the size limit of
    /// tables, [`FileKind::Table`]).
    pub(crate) fn open(path: &Path) -> Result<TableText, ReadError> {
        match super::rows::held_file(path, FileKind::Table) {
            Some(bytes) => Ok(TableText::Held(bytes?)),
            None => Ok(TableText::File(Scanned::scan(path)?)),
        }
    }

    /// The whole bytes (a file is read again, whole).
    pub(crate) fn into_bytes(self) -> Result<Vec<u8>, ReadError> {
        match self {
            TableText::Held(bytes) => Ok(bytes),
            TableText::File(scan) => super::read::read_input(&scan.path, FileKind::Table),
        }
    }

    /// What the reader must know before the first row.
    pub(crate) fn facts(&self) -> Facts {
        match self {
            TableText::Held(bytes) => {
                let text = bytes.strip_prefix(BOM).unwrap_or(bytes);
                Facts {
                    utf8: std::str::from_utf8(text).is_ok(),
                    blank: text.iter().all(u8::is_ascii_whitespace),
                    newlines: newlines(text),
                }
            }
            TableText::File(scan) => Facts {
                utf8: scan.utf8,
                blank: scan.blank,
                newlines: scan.newlines,
            },
        }
    }

    /// The text from its start, a UTF-8 byte-order mark skipped and every CRLF read as LF.
    pub(crate) fn reader(&self) -> Result<Box<dyn Read + '_>, ReadError> {
        let (source, crlf): (Box<dyn Read + '_>, bool) = match self {
            TableText::Held(bytes) => {
                let text = bytes.strip_prefix(BOM).unwrap_or(bytes);
                (Box::new(text), has_crlf(text))
            }
            TableText::File(scan) => {
                let mut file =
                    super::read::open_stream(&scan.path, FileKind::Table)?.take(scan.len);
                if scan.bom {
                    file.read_exact(&mut [0; BOM.len()])?;
                }
                (Box::new(file), scan.crlf)
            }
        };
        Ok(if crlf {
            Box::new(Lf::new(source))
        } else {
            source
        })
    }
}

/// A UTF-8 file's facts, learnt in one pass over its bytes in pieces.
#[derive(Debug, Clone)]
pub(crate) struct Scanned {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes when scanned; the second pass reads no more.
    len: u64,
    /// Its first bytes (at most [`HEAD`]), a byte-order mark included.
    pub head: Vec<u8>,
    /// Whether it starts with a UTF-8 byte-order mark.
    pub bom: bool,
    /// Whether all of it is UTF-8.
    pub utf8: bool,
    /// Whether it holds nothing but ASCII white space after a byte-order mark.
    blank: bool,
    /// Its LF bytes.
    newlines: usize,
    /// Whether a CR is followed by an LF somewhere.
    crlf: bool,
    /// Its bytes up to the end of the first line that is not blank (all of them if none is).
    lead: Vec<u8>,
}

impl Scanned {
    /// Scans the file at `path` ([`stream_input`]: regular files under the size limit only).
    pub(crate) fn scan(path: &Path) -> Result<Scanned, ReadError> {
        let mut scan = Scanned {
            path: path.to_path_buf(),
            len: 0,
            head: Vec::new(),
            bom: false,
            utf8: true,
            blank: true,
            newlines: 0,
            crlf: false,
            lead: Vec::new(),
        };
        let mut utf8 = Utf8Check::default();
        let mut last = 0u8;
        let mut lead_done = false;
        stream_input(path, FileKind::Table, |piece| {
            let start = scan.len;
            scan.len += piece.len() as u64;
            if scan.head.len() < HEAD {
                let more = (HEAD - scan.head.len()).min(piece.len());
                scan.head.extend_from_slice(&piece[..more]);
            }
            utf8.feed(piece);
            scan.newlines += newlines(piece);
            scan.crlf =
                scan.crlf || (last == b'\r' && piece.first() == Some(&b'\n')) || has_crlf(piece);
            last = piece.last().copied().unwrap_or(last);
            // Blank: no byte but ASCII white space, the first three (a byte-order mark, or
            // text) judged once the head is known.
            let skip = BOM.len().saturating_sub(start as usize).min(piece.len());
            scan.blank = scan.blank && piece[skip..].iter().all(u8::is_ascii_whitespace);
            if !lead_done {
                let from = scan.lead.len();
                scan.lead.extend_from_slice(piece);
                if let Some(end) = first_line_end(&scan.lead, from) {
                    scan.lead.truncate(end);
                    lead_done = true;
                }
            }
        })?;
        scan.utf8 = utf8.finish();
        scan.bom = scan.head.starts_with(BOM);
        let first = &scan.head[..scan.head.len().min(BOM.len())];
        if !scan.bom {
            scan.blank = scan.blank && first.iter().all(u8::is_ascii_whitespace);
        }
        Ok(scan)
    }

    /// The text up to the end of its first line that is not blank, a byte-order mark skipped:
    /// what the separator is detected from. `None` if it is not UTF-8.
    pub(crate) fn lead(&self) -> Option<&str> {
        let lead = self.lead.strip_prefix(BOM).unwrap_or(&self.lead);
        std::str::from_utf8(lead).ok()
    }
}

/// The end (after its LF) of the first line of `bytes` that holds anything but white space,
/// looking only at lines that end at or after `from`; `None` if no such line is complete yet.
fn first_line_end(bytes: &[u8], from: usize) -> Option<usize> {
    // The line that was incomplete before the new bytes starts after the last LF before them.
    let mut start = bytes[..from]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    while let Some(at) = bytes[start..].iter().position(|&b| b == b'\n') {
        let end = start + at + 1;
        let mut line = &bytes[start..end];
        if start == 0 {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if !String::from_utf8_lossy(line).trim().is_empty() {
            return Some(end);
        }
        start = end;
    }
    None
}

/// Whether a CR is directly followed by an LF in `bytes`. Bytes without a CR (a file of LF
/// lines) are passed over by the standard library's byte search, not pair by pair.
fn has_crlf(bytes: &[u8]) -> bool {
    bytes.contains(&b'\r') && bytes.windows(2).any(|w| w == b"\r\n")
}

/// The LF bytes of `bytes`.
pub(crate) fn newlines(bytes: &[u8]) -> usize {
    // Counted in a byte per chunk of at most 255, so that the comparison runs on whole vector
    // registers (a count in a `usize` per byte took four bytes at a time).
    bytes
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

/// Whether bytes handed over in pieces are UTF-8, a character split between two pieces
/// included.
#[derive(Default)]
struct Utf8Check {
    /// The start of a character the last piece ended in (at most three bytes).
    carry: Vec<u8>,
    bad: bool,
}

impl Utf8Check {
    fn feed(&mut self, mut piece: &[u8]) {
        if self.bad {
            return;
        }
        if let Some(&lead) = self.carry.first() {
            let len = match lead {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let take = (len - self.carry.len()).min(piece.len());
            self.carry.extend_from_slice(&piece[..take]);
            piece = &piece[take..];
            if self.carry.len() < len {
                return;
            }
            if std::str::from_utf8(&self.carry).is_err() {
                self.bad = true;
                return;
            }
            self.carry.clear();
        }
        match std::str::from_utf8(piece) {
            Ok(_) => {}
            // Cut short at the end of the piece: the rest may come with the next one.
            Err(e) if e.error_len().is_none() => {
                self.carry.extend_from_slice(&piece[e.valid_up_to()..]);
            }
            Err(_) => self.bad = true,
        }
    }

    fn finish(self) -> bool {
        !self.bad && self.carry.is_empty()
    }
}

/// Reads `R` with every CRLF as LF (a lone CR is kept), as the text was when normalised whole.
pub(crate) struct Lf<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Lf<R> {
    pub(crate) fn new(inner: R) -> Self {
        Lf {
            inner,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            pos: 0,
            end: 0,
            eof: false,
        }
    }

    /// Reads more, keeping a CR the buffer ends in (its LF may be next).
    fn refill(&mut self) -> std::io::Result<()> {
        let keep = self.end - self.pos;
        self.buf.copy_within(self.pos..self.end, 0);
        self.pos = 0;
        self.end = keep;
        loop {
            match self.inner.read(&mut self.buf[keep..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> Read for Lf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < out.len() {
            let pending = &self.buf[self.pos..self.end];
            let undecided = pending.is_empty() || (pending == b"\r" && !self.eof);
            if undecided {
                if written > 0 || self.eof {
                    break;
                }
                self.refill()?;
                continue;
            }
            if pending.starts_with(b"\r\n") {
                self.pos += 1;
                continue;
            }
            // Copy up to the next CR (a CR first is copied alone: it is not before an LF).
            let run = match pending.iter().skip(1).position(|&b| b == b'\r') {
                Some(at) => at + 1,
                None => pending.len(),
            };
            let n = run.min(out.len() - written);
            out[written..written + n].copy_from_slice(&pending[..n]);
            written += n;
            self.pos += n;
        }
        Ok(written)
    }
}

/// The bytes a reader has handed out and [`Lines`] has not yet counted, from offset `base`.
#[derive(Default)]
pub(crate) struct Seen {
    bytes: Vec<u8>,
    base: u64,
}

/// A reader that keeps what it hands out in [`Seen`], for [`Lines`].
pub(crate) struct Tap<R> {
    inner: R,
    seen: Rc<RefCell<Seen>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.seen.borrow_mut().bytes.extend_from_slice(&out[..n]);
        Ok(n)
    }
}

/// Physical 1-based line numbers of byte offsets of a text read through a [`Tap`], counted
/// forwards (offsets never go back).
pub(crate) struct Lines {
    seen: Rc<RefCell<Seen>>,
    offset: u64,
    line: u64,
}

impl Lines {
    /// A counter, and `inner` tapped for it.
    pub(crate) fn tap<R: Read>(inner: R) -> (Tap<R>, Lines) {
        let seen = Rc::new(RefCell::new(Seen::default()));
        let lines = Lines {
            seen: Rc::clone(&seen),
            offset: 0,
            line: 1,
        };
        (Tap { inner, seen }, lines)
    }

    /// The line a record starting at `byte` is on; blank lines the reader skipped before it
    /// are counted too.
    pub(crate) fn line_at(&mut self, byte: u64) -> u64 {
        let mut seen = self.seen.borrow_mut();
        let end = seen.base + seen.bytes.len() as u64;
        let at = |seen: &Seen, offset: u64| seen.bytes[(offset - seen.base) as usize];
        let mut target = byte.min(end);
        while target < end && matches!(at(&seen, target), b'\n' | b'\r') {
            target += 1;
        }
        if target > self.offset {
            let from = (self.offset - seen.base) as usize;
            let to = (target - seen.base) as usize;
            self.line += newlines(&seen.bytes[from..to]) as u64;
            self.offset = target;
            // What is counted is forgotten once it is half of what is kept: linear in all.
            if to >= 1 << 16 && 2 * to >= seen.bytes.len() {
                seen.bytes.drain(..to);
                seen.base = target;
            }
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// LF bytes counted in chunks give a plain count, around the chunks' edges too; a CRLF is
    /// found wherever it is, a lone CR is none.
    #[test]
    fn newlines_and_crlf_are_found_wherever_they_are() {
        for len in [0, 1, 254, 255, 256, 510, 511, 4096, 70_000] {
            let bytes: Vec<u8> = (0..len)
                .map(|i: usize| {
                    if i.is_multiple_of(7) || i % 254 == 3 {
                        b'\n'
                    } else {
                        b'a'
                    }
                })
                .collect();
            let plain = bytes.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(newlines(&bytes), plain, "{len} bytes");
            assert!(!has_crlf(&bytes));
            let all = vec![b'\n'; len];
            assert_eq!(newlines(&all), len);
        }
        assert!(has_crlf(b"a\rb\r\n"));
        assert!(!has_crlf(b"a\rb\n\r"));
        assert!(!has_crlf(b""));
    }

    fn through_lf(bytes: &[u8], chunk: usize) -> Vec<u8> {
        /// Hands out at most `chunk` bytes a read, to split CRLFs between reads.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        let mut lf = Lf::new(Trickle(bytes, chunk));
        let mut piece = vec![0; 3];
        loop {
            let n = lf.read(&mut piece).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&piece[..n]);
        }
    }

    #[test]
    fn crlf_is_read_as_lf_wherever_the_reads_split() {
        let text = b"a,b\r\n1,2\r\n\r\n\rx\r\r\n\"q\r\nr\"\r";
        let want: Vec<u8> = String::from_utf8_lossy(text)
            .replace("\r\n", "\n")
            .into_bytes();
        for chunk in 1..text.len() + 1 {
            assert_eq!(through_lf(text, chunk), want, "reads of {chunk} bytes");
        }
    }

    #[test]
    fn utf8_split_between_pieces_is_utf8_and_a_bad_byte_is_not() {
        let text = "编号,常住人口\n甲,1\n".as_bytes();
        for cut in 0..text.len() {
            let mut check = Utf8Check::default();
            check.feed(&text[..cut]);
            check.feed(&text[cut..]);
            assert!(check.finish(), "cut at {cut}");
        }
        let mut check = Utf8Check::default();
        check.feed(&text[..2]);
        assert!(!check.finish(), "a character cut short at the end");
        let mut check = Utf8Check::default();
        check.feed(b"ab\xFFc");
        assert!(!check.finish());
    }

    #[test]
    fn lines_are_counted_from_what_the_reader_took() {
        let text = b"h\n\n\nx\ny\n";
        let (mut tap, mut lines) = Lines::tap(&text[..]);
        let mut sink = Vec::new();
        tap.read_to_end(&mut sink).unwrap();
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(
            lines.line_at(2),
            4,
            "blank lines before a record are counted"
        );
        assert_eq!(lines.line_at(6), 5);
        assert_eq!(lines.line_at(1), 5, "offsets never go back");
    }

    #[test]
    fn the_first_line_that_is_not_blank_ends_the_lead() {
        assert_eq!(first_line_end(b"\n \r\nid,x\n1,2\n", 0), Some(9));
        assert_eq!(first_line_end(b"\n id", 0), None);
        assert_eq!(first_line_end(b"\n id,x\n", 4), Some(7));
    }
}
