//! Where a scenario's tables come from and how each was read: CSV files as Excel or WPS save them
//! (UTF-8 with or without a byte-order mark, GB18030/GBK, UTF-16; commas, tabs or semicolons) and
//! workbook sheets (xlsx, xlsm, xlsb, xls, ods).
//!
//! A scenario declares each table in `[tables]` ([`TableDecl`]); [`with_tables`] opens the
//! workbooks, turns every sheet into CSV text ([`workbook`]), and registers each table under the
//! path the validators report it by — the CSV file's own path, or `intake.xlsx [儿童]` for a
//! sheet — so that [`super::rows::read_table`] reads it through [`lookup`] with its encoding
//! ([`decode`]) and separator ([`separator`]) and its headers mapped through the bilingual
//! dictionary. The validators need no change: when they are done, every problem they reported at
//! a sheet's line and field is rewritten to name the workbook, the sheet, the cell (`D100`) and the
//! column's header as written ([`locate`]). How each table was read is returned as [`TableRead`]s.

pub(crate) mod declare;
pub(crate) mod decode;
mod locate;
pub(crate) mod separator;
pub(crate) mod workbook;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub(crate) use declare::{Declared, Form, TableDecl};

use super::dictionary::TableKind;
use super::table_text::TableText;
use super::ScenarioFiles;
use crate::error::InputError;

/// The text encoding of a CSV table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Not declared: detected from the bytes.
    Auto,
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// GBK, read as GB18030 (of which it is a subset), as declared.
    Gbk,
    /// GB18030.
    Gb18030,
    /// UTF-16, little-endian (a byte-order mark, or declared without one).
    Utf16Le,
    /// UTF-16, big-endian (a byte-order mark, or declared without one).
    Utf16Be,
}

impl Encoding {
    /// Its name in a message (`GB18030`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Auto => "an encoding detected",
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// How a scenario file declares it (`gb18030`).
    pub fn key(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::Gbk => "gbk",
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }

    /// Whether a file read in `other` is what this declaration asks for (GBK and GB18030 are
    /// one decoder).
    fn same_as(self, other: Encoding) -> bool {
        self == other || matches!((self, other), (Encoding::Gbk, Encoding::Gb18030))
    }
}

/// The separator of a CSV table's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Separator {
    /// Not declared: detected from the header line.
    Auto,
    /// `,`
    Comma,
    /// A tab.
    Tab,
    /// `;`
    Semicolon,
}

impl Separator {
    /// The byte the CSV reader splits at.
    pub fn byte(self) -> u8 {
        match self {
            Separator::Auto | Separator::Comma => b',',
            Separator::Tab => b'\t',
            Separator::Semicolon => b';',
        }
    }

    /// Its name in a message (`commas`).
    pub fn words(self) -> &'static str {
        match self {
            Separator::Auto => "a separator detected",
            Separator::Comma => "commas",
            Separator::Tab => "tabs",
            Separator::Semicolon => "semicolons",
        }
    }

    /// How a scenario file declares it, as written in a TOML string (`\t` for a tab).
    pub fn key_escaped(self) -> &'static str {
        match self {
            Separator::Auto => "auto",
            Separator::Comma => ",",
            Separator::Tab => "\\t",
            Separator::Semicolon => ";",
        }
    }

    /// The adjective of a file split by it (`tab-separated`).
    fn separated(self) -> &'static str {
        match self {
            Separator::Auto | Separator::Comma => "comma-separated",
            Separator::Tab => "tab-separated",
            Separator::Semicolon => "semicolon-separated",
        }
    }
}

/// Whether a table's encoding or separator was declared in the scenario or detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// Declared in the scenario's `[tables]`.
    Declared,
    /// Detected from the file.
    Detected,
}

impl Chosen {
    fn words(self) -> &'static str {
        match self {
            Chosen::Declared => "declared",
            Chosen::Detected => "detected",
        }
    }
}

/// How one table of a scenario was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRead {
    /// Which table.
    pub table: TableKind,
    /// The file it was read from (the CSV file, or the workbook).
    pub file: PathBuf,
    /// How.
    pub how: How,
}

/// How a table's file was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// As CSV text.
    Csv {
        /// Its encoding.
        encoding: Encoding,
        /// Whether the encoding was declared or detected.
        encoding_chosen: Chosen,
        /// Its separator.
        separator: Separator,
        /// Whether the separator was declared or detected.
        separator_chosen: Chosen,
    },
    /// As a sheet of a workbook.
    Sheet {
        /// The sheet's name.
        sheet: String,
    },
}

impl TableRead {
    /// Whether the table is a plain UTF-8 CSV file with commas (nothing worth a line).
    pub fn is_plain(&self) -> bool {
        matches!(
            self.how,
            How::Csv {
                encoding: Encoding::Utf8,
                separator: Separator::Comma,
                ..
            }
        )
    }
}

impl fmt::Display for TableRead {
    /// `children.csv: GB18030 (detected), tab-separated (detected)`, or
    /// `intake.xlsx [儿童]: the children table, a workbook sheet`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::error::shown_path(&self.file);
        match &self.how {
            How::Csv {
                encoding,
                encoding_chosen,
                separator,
                separator_chosen,
            } => write!(
                f,
                "{file}: {} ({}), {} ({})",
                encoding.name(),
                encoding_chosen.words(),
                separator.separated(),
                separator_chosen.words()
            ),
            How::Sheet { sheet } => write!(
                f,
                "{file} [{}]: the {} table, a workbook sheet",
                crate::error::shown(sheet),
                self.table.name()
            ),
        }
    }
}

/// How [`super::rows::read_table`] reads a path.
pub(crate) enum Lookup {
    /// Not a scenario table: read as UTF-8 CSV with commas, as always.
    Plain,
    /// A table whose problems are already reported (or whose sheet holds no table that is
    /// optional): nothing to read.
    Unusable,
    /// UTF-8 CSV text split at `delimiter`, headers to map for `kind`.
    Text {
        /// The text.
        text: TableText,
        /// The separator.
        delimiter: u8,
        /// The table, whose dictionary names its headers.
        kind: TableKind,
    },
}

/// A table registered for [`lookup`].
enum Entry {
    /// A CSV file, read when looked up.
    Csv {
        kind: TableKind,
        encoding: Encoding,
        separator: Separator,
    },
    /// A sheet already read: its text, or the problems to report when it is looked up.
    Sheet {
        kind: TableKind,
        text: Option<Result<Vec<u8>, Vec<InputError>>>,
    },
}

thread_local! {
    /// The tables of the scenario being loaded on this thread, by the path they are reported at.
    static REGISTRY: RefCell<Option<Registry>> = const { RefCell::new(None) };
}

#[derive(Default)]
struct Registry {
    entries: HashMap<PathBuf, Entry>,
    reads: Vec<TableRead>,
}

/// How `path` is read: as a registered table, or plainly. Reads and decodes a registered CSV
/// file; problems go to `errors`.
pub(crate) fn lookup(path: &Path, errors: &mut Vec<InputError>) -> Lookup {
    let entry = REGISTRY.with(|r| r.borrow_mut().as_mut().and_then(|r| r.entries.remove(path)));
    match entry {
        None => Lookup::Plain,
        Some(Entry::Sheet { kind, text }) => match text {
            Some(Ok(bytes)) => Lookup::Text {
                text: TableText::Held(bytes),
                delimiter: b',',
                kind,
            },
            Some(Err(problems)) => {
                errors.extend(problems);
                Lookup::Unusable
            }
            None => Lookup::Unusable,
        },
        Some(Entry::Csv {
            kind,
            encoding,
            separator,
        }) => read_csv(path, kind, encoding, separator, errors),
    }
}

/// Reads a registered CSV file: its bytes, their encoding, its separator. A file that is UTF-8
/// as declared or detected is scanned and then read as a stream; any other is read whole and
/// decoded.
fn read_csv(
    path: &Path,
    kind: TableKind,
    encoding: Encoding,
    separator: Separator,
    errors: &mut Vec<InputError>,
) -> Lookup {
    let cannot = |errors: &mut Vec<InputError>, e: crate::error::ReadError| {
        errors.push(InputError::file(path, format!("cannot read the file: {e}")));
        Lookup::Unusable
    };
    let text = match TableText::open(path) {
        Ok(t) => t,
        Err(e) => return cannot(errors, e),
    };
    if let TableText::File(scan) = &text {
        let chosen = decode::streams_as_utf8(&scan.head, scan.bom, encoding);
        if let (Some(chosen), Some(lead), None) = (
            chosen.filter(|_| scan.utf8),
            scan.lead(),
            workbook_magic(&scan.head),
        ) {
            return match separator::separator(lead, kind, separator) {
                Ok((sep, sep_chosen)) => {
                    record(TableRead {
                        table: kind,
                        file: path.to_path_buf(),
                        how: How::Csv {
                            encoding: Encoding::Utf8,
                            encoding_chosen: chosen,
                            separator: sep,
                            separator_chosen: sep_chosen,
                        },
                    });
                    Lookup::Text {
                        text,
                        delimiter: sep.byte(),
                        kind,
                    }
                }
                Err(message) => {
                    errors.push(InputError::at(path, 1, "separator", message));
                    Lookup::Unusable
                }
            };
        }
    }
    let bytes = match text.into_bytes() {
        Ok(b) => b,
        Err(e) => return cannot(errors, e),
    };
    if let Some(what) = workbook_magic(&bytes) {
        errors.push(InputError::file(
            path,
            format!(
                "the file is {what}, not CSV text; name it by its extension (`.xlsx`, `.xls`) or \
                 declare its sheet: `{} = {{ file = \"…\", sheet = \"{}\" }}`",
                kind.name(),
                kind.zh()
            ),
        ));
        return Lookup::Unusable;
    }
    let decoded = match decode::decode(bytes, encoding) {
        Ok(d) => d,
        Err(message) => {
            errors.push(InputError::file(path, message));
            return Lookup::Unusable;
        }
    };
    let (sep, sep_chosen) = match separator::separator(&decoded.text, kind, separator) {
        Ok(s) => s,
        Err(message) => {
            errors.push(InputError::at(path, 1, "separator", message));
            return Lookup::Unusable;
        }
    };
    record(TableRead {
        table: kind,
        file: path.to_path_buf(),
        how: How::Csv {
            encoding: decoded.encoding,
            encoding_chosen: decoded.chosen,
            separator: sep,
            separator_chosen: sep_chosen,
        },
    });
    Lookup::Text {
        text: TableText::Held(decoded.text.into_bytes()),
        delimiter: sep.byte(),
        kind,
    }
}

/// What a file that starts like a workbook is, in words; `None` for anything else.
fn workbook_magic(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("a workbook (xlsx, xlsm or ods: a zip archive)")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("a workbook (xls)")
    } else {
        None
    }
}

/// Notes how a table was read.
fn record(read: TableRead) {
    REGISTRY.with(|r| {
        if let Some(r) = r.borrow_mut().as_mut() {
            r.reads.push(read);
        }
    });
}

/// One registered table taken from a thread's registry ([`lend_table`]), to be read on another
/// thread ([`with_lent_table`]) and its reading recorded back ([`give_back_table`]).
pub(crate) struct LentTable(Registry);

/// Takes the table registered at `path` from this thread's registry; `None` when this thread
/// registers no tables (inside no [`with_tables`]).
pub(crate) fn lend_table(path: &Path) -> Option<LentTable> {
    REGISTRY.with(|r| {
        r.borrow_mut().as_mut().map(|r| {
            let mut lent = Registry::default();
            if let Some(entry) = r.entries.remove(path) {
                lent.entries.insert(path.to_path_buf(), entry);
            }
            LentTable(lent)
        })
    })
}

/// Runs `f` with `lent` as this thread's registry — `None`: no registry, every table read
/// plainly — (the registry it had is put back afterwards, also if `f` panics); returns what `f`
/// gave and the registry as `f` left it.
pub(crate) fn with_lent_table<R>(
    lent: Option<LentTable>,
    f: impl FnOnce() -> R,
) -> (R, Option<LentTable>) {
    let Some(LentTable(registry)) = lent else {
        let restore = Restore(REGISTRY.with(|r| r.borrow_mut().take()));
        let out = f();
        drop(restore);
        return (out, None);
    };
    let restore = Restore(REGISTRY.with(|r| r.borrow_mut().replace(registry)));
    let out = f();
    let registry = REGISTRY.with(|r| r.borrow_mut().take());
    drop(restore);
    (out, registry.map(LentTable))
}

/// Puts what a lent table's reading recorded, and the table if it was not read, back into
/// this thread's registry.
pub(crate) fn give_back_table(lent: Option<LentTable>) {
    let Some(LentTable(lent)) = lent else {
        return;
    };
    REGISTRY.with(|r| {
        if let Some(r) = r.borrow_mut().as_mut() {
            r.entries.extend(lent.entries);
            r.reads.extend(lent.reads);
        }
    });
}

/// Runs `f` (the validators) with the `declared` tables registered for [`lookup`]: the workbooks
/// are opened and their sheets read first, `f` gets the files as the problems name them (a sheet
/// as `intake.xlsx [儿童]`), and every problem `f` reported at a sheet is then rewritten to name
/// its cell. Returns what `f` returned and how each table was read; `files` (as they are on the
/// disk: a sheet's table is its workbook) loses a private-schools sheet the workbook does not
/// have.
pub(crate) fn with_tables<R>(
    files: &mut ScenarioFiles,
    declared: &[Declared],
    errors: &mut Vec<InputError>,
    f: impl FnOnce(&ScenarioFiles, &mut Vec<InputError>) -> R,
) -> (R, Vec<TableRead>) {
    let mut registry = Registry::default();
    let mut shown = files.clone();
    let mut places = Vec::new();
    let mut books = locate::Books::default();
    for d in declared {
        match &d.form {
            Form::Csv {
                encoding,
                separator,
            } => {
                registry.entries.insert(
                    d.file.clone(),
                    Entry::Csv {
                        kind: d.kind,
                        encoding: *encoding,
                        separator: *separator,
                    },
                );
            }
            Form::Sheet { .. } => {
                let sheet = books.sheet(d, &mut registry.reads);
                let at = match &sheet {
                    locate::Found::Sheet(place, _) => place.shown.clone(),
                    _ => d.file.clone(),
                };
                let text = match sheet {
                    locate::Found::Sheet(place, text) => {
                        places.push(place);
                        Some(text)
                    }
                    locate::Found::Problem(e) => Some(Err(vec![e])),
                    locate::Found::Failed => None,
                    locate::Found::Absent => {
                        if d.kind == TableKind::PrivateSchools {
                            shown.private_schools = None;
                            files.private_schools = None;
                        }
                        if d.kind == TableKind::Catchments {
                            shown.catchments = None;
                            files.catchments = None;
                        }
                        None
                    }
                };
                set_table(&mut shown, d.kind, at.clone());
                registry
                    .entries
                    .insert(at, Entry::Sheet { kind: d.kind, text });
            }
        }
    }
    let restore = Restore(REGISTRY.with(|r| r.borrow_mut().replace(registry)));
    let before = errors.len();
    let out = f(&shown, errors);
    let registry = REGISTRY.with(|r| r.borrow_mut().take());
    drop(restore);
    for e in &mut errors[before..] {
        if let Some(place) = places.iter().find(|p| p.shown == e.file) {
            *e = place.locate(std::mem::replace(e, InputError::file("", "")));
        }
    }
    let mut reads = registry.map(|r| r.reads).unwrap_or_default();
    reads.sort_by_key(|r| TableKind::ALL.iter().position(|&k| k == r.table));
    (out, reads)
}

/// Puts back the registry that was there before [`with_tables`] (none, unless nested), also
/// when the validators panic.
struct Restore(Option<Registry>);

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.0.take();
        REGISTRY.with(|r| *r.borrow_mut() = previous);
    }
}

/// Sets the path of `kind`'s table in `files`.
fn set_table(files: &mut ScenarioFiles, kind: TableKind, path: PathBuf) {
    match kind {
        TableKind::Districts => files.districts = path,
        TableKind::Schools => files.schools = path,
        TableKind::PrivateSchools => {
            if files.private_schools.is_some() {
                files.private_schools = Some(path);
            }
        }
        TableKind::Children => files.children = path,
        TableKind::Choices => files.choices = path,
        TableKind::Catchments => {
            if files.catchments.is_some() {
                files.catchments = Some(path);
            }
        }
    }
}
