//! Step one of loading: CSV rows exactly as the files hold them.
//!
//! Each table is read with its header checked against the columns it must and may have, every
//! row deserialised on its own so one bad cell does not hide the next, and each row kept with its
//! line number for the validation step. A scenario's tables are read as [`super::source`] says
//! (decoded from GB18030/GBK or UTF-16, split at a tab or semicolon, taken from a workbook sheet;
//! headers named in English or Chinese through the dictionary); any other file read here must be
//! UTF-8 CSV with commas (a UTF-8 byte-order mark, as Excel writes, is accepted).

use std::fmt::Write as _;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::dictionary::{self, TableKind};
use super::forms;
use super::read::{check_size, read_input, FileKind, InputLimits};
use crate::error::{InputError, ReadError};

/// The rows of a table that could be read, collected by [`read_table`] (the scenario's own tables
/// are read as a stream instead, [`read_table_with`], which also says which rows could not be
/// read and what extra columns the table has).
#[derive(Debug, Clone)]
pub struct Table<T> {
    pub rows: Vec<Located<T>>,
}

/// A row with the 1-based line it came from.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub line: u64,
    pub row: T,
    /// Raw values of the table's extra columns, in the order of [`Table::extra_columns`].
    pub extras: Extras,
}

/// The raw values of a row's extra columns, held in one string as `LEN:VALUE` pairs (`LEN` the
/// value's length in bytes): a million children with three `fact_*` columns would otherwise cost
/// four allocations each, and a row of a table without extra columns carries 16 bytes and no
/// allocation (a `Vec<String>` costs 24 on each of four million choice rows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras(Box<str>);

impl Extras {
    fn from_record(record: &csv::StringRecord, columns: &[usize]) -> Extras {
        let mut text = String::new();
        for &i in columns {
            let _ = write!(text, "{}:{}", record[i].len(), &record[i]);
        }
        Extras(text.into_boxed_str())
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `i`-th value.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.iter().nth(i)
    }

    pub fn iter(&self) -> ExtrasIter<'_> {
        ExtrasIter { rest: &self.0 }
    }
}

/// The values of an [`Extras`], in column order.
#[derive(Debug, Clone)]
pub struct ExtrasIter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for ExtrasIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (len, rest) = self.rest.split_once(':')?;
        let n: usize = len.parse().ok()?;
        let value = rest.get(..n)?;
        self.rest = &rest[n..];
        Some(value)
    }
}

impl<'a> IntoIterator for &'a Extras {
    type Item = &'a str;
    type IntoIter = ExtrasIter<'a>;

    fn into_iter(self) -> ExtrasIter<'a> {
        self.iter()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct DistrictRow {
    pub id: String,
    pub name: String,
    #[serde(deserialize_with = "forms::whole")]
    pub permanent_population: i64,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub cohort_share: Option<f64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub migrant_share: Option<f64>,
    #[serde(default, deserialize_with = "forms::opt_whole")]
    pub cohort_children: Option<i64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub apply_share: Option<f64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub growth_rate: Option<f64>,
}

impl DistrictRow {
    pub const REQUIRED: &'static [&'static str] = &["id", "name", "permanent_population"];
    pub const OPTIONAL: &'static [&'static str] = &[
        "cohort_share",
        "migrant_share",
        "cohort_children",
        "apply_share",
        "growth_rate",
    ];
}

#[derive(Debug, Clone, Deserialize)]
pub struct SchoolRow {
    pub id: String,
    pub name: String,
    pub district: String,
    #[serde(deserialize_with = "forms::whole")]
    pub entry_grade: i64,
    #[serde(deserialize_with = "forms::whole")]
    pub seats: i64,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub x_km: Option<f64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub y_km: Option<f64>,
    /// WGS84 (or the declared datum's) latitude, instead of `x_km`/`y_km`.
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub lat: Option<f64>,
    /// Longitude, with `lat`.
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub lon: Option<f64>,
    /// Seats reserved for migrant children (optional column).
    #[serde(default, deserialize_with = "forms::opt_whole")]
    pub reserved_migrant: Option<i64>,
    /// The primary schools whose pupils go up to this school (对口小学), `;`-separated.
    pub feeders: Option<String>,
}

impl SchoolRow {
    pub const REQUIRED: &'static [&'static str] =
        &["id", "name", "district", "entry_grade", "seats"];
    /// `x_km`, `y_km` or `lat`, `lon` (exactly one pair, checked by the validator).
    pub const OPTIONAL: &'static [&'static str] =
        &["x_km", "y_km", "lat", "lon", "reserved_migrant", "feeders"];
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrivateSchoolRow {
    pub id: String,
    pub name: String,
    pub district: String,
    #[serde(deserialize_with = "forms::whole")]
    pub entry_grade: i64,
    #[serde(deserialize_with = "forms::whole")]
    pub purchasable_seats: i64,
    #[serde(deserialize_with = "forms::whole")]
    pub subsidy_yuan: i64,
    #[serde(deserialize_with = "forms::whole")]
    pub fee_yuan: i64,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub x_km: Option<f64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub y_km: Option<f64>,
    /// WGS84 (or the declared datum's) latitude, instead of `x_km`/`y_km`.
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub lat: Option<f64>,
    /// Longitude, with `lat`.
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub lon: Option<f64>,
}

impl PrivateSchoolRow {
    pub const REQUIRED: &'static [&'static str] = &[
        "id",
        "name",
        "district",
        "entry_grade",
        "purchasable_seats",
        "subsidy_yuan",
        "fee_yuan",
    ];
    /// `x_km`, `y_km` or `lat`, `lon` (exactly one pair, checked by the validator).
    pub const OPTIONAL: &'static [&'static str] = &["x_km", "y_km", "lat", "lon"];
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChildRow {
    pub id: String,
    pub birth_date: String,
    pub residence_district: String,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub x_km: Option<f64>,
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub y_km: Option<f64>,
    /// WGS84 (or the declared datum's) latitude, instead of `x_km`/`y_km`.
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub lat: Option<f64>,
    /// Longitude, with `lat`.
    #[serde(default, deserialize_with = "forms::opt_decimal")]
    pub lon: Option<f64>,
    pub hukou_district: Option<String>,
    #[serde(deserialize_with = "forms::whole")]
    pub permit_months: i64,
    #[serde(deserialize_with = "forms::whole")]
    pub insurance_months: i64,
    #[serde(deserialize_with = "forms::whole")]
    pub residence_months: i64,
    pub housing: String,
    pub education: String,
    pub sibling_school: Option<String>,
    #[serde(default, deserialize_with = "forms::opt_whole")]
    pub insurance_months_elsewhere: Option<i64>,
    #[serde(default, deserialize_with = "forms::opt_whole")]
    pub residence_months_elsewhere: Option<i64>,
    pub insurance_back_paid: Option<String>,
    /// Joint application: children sharing this id apply together (optional column).
    pub sibling_group: Option<String>,
    /// The residential community (小区/社区) of the home, looked up in the catchment table.
    pub community: Option<String>,
    /// The community of the hukou address, looked up in the catchment table.
    pub hukou_community: Option<String>,
    /// The primary school the child attends, for 对口直升 into the schools it feeds.
    pub primary_school: Option<String>,
    /// The child's number in a notarised public draw (公证摇号), smaller first.
    #[serde(default, deserialize_with = "forms::opt_whole")]
    pub lottery: Option<i64>,
}

impl ChildRow {
    pub const REQUIRED: &'static [&'static str] = &[
        "id",
        "birth_date",
        "residence_district",
        "permit_months",
        "insurance_months",
        "residence_months",
        "housing",
        "education",
    ];
    pub const OPTIONAL: &'static [&'static str] = &[
        "x_km",
        "y_km",
        "lat",
        "lon",
        "hukou_district",
        "sibling_school",
        "insurance_months_elsewhere",
        "residence_months_elsewhere",
        "insurance_back_paid",
        "sibling_group",
        "community",
        "hukou_community",
        "primary_school",
        "lottery",
        "fact_*",
    ];
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChoiceRow {
    pub child: String,
    pub school: String,
    #[serde(deserialize_with = "forms::whole")]
    pub rank: i64,
}

impl ChoiceRow {
    pub const REQUIRED: &'static [&'static str] = &["child", "school", "rank"];
}

/// A row of the catchment table: one public school whose catchment (施教区) holds a community.
#[derive(Debug, Clone, Deserialize)]
pub struct CatchmentRow {
    pub community: String,
    pub school: String,
}

impl CatchmentRow {
    pub const REQUIRED: &'static [&'static str] = &["community", "school"];
}

thread_local! {
    /// Files that [`read_file`] serves from memory instead of the disk, while
    /// [`with_files_in_memory`] runs on this thread.
    static IN_MEMORY: std::cell::RefCell<Option<std::collections::HashMap<std::path::PathBuf, Vec<u8>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` with every input file read from `files` (path → bytes) rather than the disk; a path
/// not in `files` reads as "not found". Used by [`crate::input::load_from_memory`].
pub(crate) fn with_files_in_memory<R>(
    files: std::collections::HashMap<std::path::PathBuf, Vec<u8>>,
    f: impl FnOnce() -> R,
) -> R {
    struct Restore(Option<std::collections::HashMap<std::path::PathBuf, Vec<u8>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_MEMORY.with(|m| *m.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(IN_MEMORY.with(|m| m.borrow_mut().replace(files)));
    f()
}

/// Reads an input file of `kind` through [`read_input`] (regular files only, within the size
/// limit), or from memory inside [`with_files_in_memory`] (within the same limit).
pub(crate) fn read_file(path: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    let held = IN_MEMORY.with(|m| {
        m.borrow()
            .as_ref()
            .map(|files| files.get(path).cloned().ok_or(std::io::ErrorKind::NotFound))
    });
    match held {
        Some(bytes) => {
            let bytes = bytes.map_err(std::io::Error::from)?;
            check_size(bytes.len() as u64, kind, InputLimits::current().bytes(kind))?;
            Ok(bytes)
        }
        None => read_input(path, kind),
    }
}

/// Reads a text input file (TOML) as UTF-8 (see [`read_file`]).
pub(crate) fn read_text(path: &Path) -> Result<String, ReadError> {
    super::read::utf8(read_file(path, FileKind::Text)?)
}

/// Reads one CSV table. Problems go to `errors`; rows that could not be read are skipped, so the
/// caller still validates the rest. Returns `None` when the file itself is unusable.
pub fn read_table<T: DeserializeOwned>(
    path: &Path,
    required: &[&str],
    optional: &[&str],
    errors: &mut Vec<InputError>,
) -> Option<Table<T>> {
    let mut rows = Vec::new();
    read_table_with(path, required, optional, errors, |row, _| rows.push(row))?;
    Some(Table { rows })
}

/// What a table read as a stream ([`read_table_with`]) says besides its rows.
#[derive(Debug, Clone, Default)]
pub struct TableInfo {
    /// Values of the key column (`id`, else `child`) of rows that failed to deserialise so far,
    /// so later checks do not report them again as unknown.
    pub unreadable_ids: super::ids::IdSet,
    /// Names (without the prefix) of the extra columns accepted by an `optional` pattern
    /// ending in `*`, in header order; known before the first row is visited.
    pub extra_columns: Vec<String>,
}

/// [`read_table`] as a stream: each readable row is handed to `visit` as soon as it is
/// deserialised (with what the table has said so far), in file order, and none is kept. When the
/// file turns out unusable part-way, `None` is returned after some rows were visited: the caller
/// then drops what it built from them, as [`read_table`] would have given no rows.
pub fn read_table_with<T: DeserializeOwned>(
    path: &Path,
    required: &[&str],
    optional: &[&str],
    errors: &mut Vec<InputError>,
    visit: impl FnMut(Located<T>, &TableInfo),
) -> Option<TableInfo> {
    let (bytes, format) = table_bytes(path, errors)?;
    parse_table_as(path, &bytes, format, required, optional, errors, visit)
}

/// The text of a table (a registered table decoded or a workbook sheet as CSV, else the file's
/// bytes), CRLF line ends normalised, and how it is split and named; `None` (and an error) if
/// unusable.
fn table_bytes(path: &Path, errors: &mut Vec<InputError>) -> Option<(Vec<u8>, Format)> {
    let format = match super::source::lookup(path, errors) {
        super::source::Lookup::Plain => None,
        super::source::Lookup::Unusable => return None,
        super::source::Lookup::Text {
            mut bytes,
            delimiter,
            kind,
        } => {
            crlf_to_lf(&mut bytes);
            return Some((
                bytes,
                Format {
                    delimiter,
                    kind: Some(kind),
                },
            ));
        }
    };
    let mut bytes = match read_file(path, FileKind::Table) {
        Ok(b) => b,
        Err(e) => {
            errors.push(InputError::file(path, format!("cannot read the file: {e}")));
            return None;
        }
    };
    // Normalised in the buffer already held, so a Windows file is not copied a second time.
    crlf_to_lf(&mut bytes);
    let format = format.unwrap_or(Format {
        delimiter: b',',
        kind: None,
    });
    Some((bytes, format))
}

/// How a table's text is split and named: its separator, and the table whose dictionary maps
/// its headers (English or Chinese) to the canonical names (`None`: English names only).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Format {
    /// The separator byte.
    pub delimiter: u8,
    /// The table, for the headers' names.
    pub kind: Option<TableKind>,
}

/// Replaces every CRLF by LF in place (no copy of the file).
fn crlf_to_lf(bytes: &mut Vec<u8>) {
    let Some(first) = bytes.windows(2).position(|w| w == b"\r\n") else {
        return;
    };
    let mut write = first;
    let mut read = first;
    while read < bytes.len() {
        if bytes[read] == b'\r' && bytes.get(read + 1) == Some(&b'\n') {
            read += 1;
        }
        bytes[write] = bytes[read];
        write += 1;
        read += 1;
    }
    bytes.truncate(write);
}

/// Parses CSV bytes as a table; see [`read_table`].
#[cfg(test)]
pub fn parse_table<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    required: &[&str],
    optional: &[&str],
    errors: &mut Vec<InputError>,
) -> Option<Table<T>> {
    // Sized once from the line count: growing by doubling would briefly hold two copies of
    // the largest tables and leave up to half the capacity unused.
    let mut rows = Vec::with_capacity(bytes.iter().filter(|&&b| b == b'\n').count());
    let format = Format {
        delimiter: b',',
        kind: None,
    };
    parse_table_as(path, bytes, format, required, optional, errors, |row, _| {
        rows.push(row)
    })?;
    Some(Table { rows })
}

/// Parses a table's text, split and named as `format` says, as a stream; see
/// [`read_table_with`].
pub(crate) fn parse_table_as<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    format: Format,
    required: &[&str],
    optional: &[&str],
    errors: &mut Vec<InputError>,
    mut visit: impl FnMut(Located<T>, &TableInfo),
) -> Option<TableInfo> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        errors.push(InputError::file(
            path,
            "the file is not UTF-8 text (an Excel export in GBK? save it as \"CSV UTF-8\")",
        ));
        return None;
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        errors.push(InputError::file(
            path,
            format!(
                "the file is empty; expected a header with: {}",
                required.join(",")
            ),
        ));
        return None;
    }
    // The csv crate counts a CRLF line ending as two lines in some positions; normalising to LF
    // keeps every reported line number right for files saved by Excel on Windows.
    let normalised;
    let bytes = if bytes.windows(2).any(|w| w == b"\r\n") {
        normalised = {
            let mut owned = bytes.to_vec();
            crlf_to_lf(&mut owned);
            owned
        };
        &normalised[..]
    } else {
        bytes
    };
    // Headers are trimmed by the reader; the cells of each record by `trim_cells`, which leaves
    // a record without surrounding whitespace as it is (the reader's `Trim::All` rebuilds every
    // record twice, ASCII and then Unicode whitespace, four allocations a row).
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .delimiter(format.delimiter)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(InputError::file(
                path,
                format!("cannot read the header: {e}"),
            ));
            return None;
        }
    };
    let before = errors.len();
    // Headers in English or Chinese, by the dictionary's canonical names; as written kept for
    // the messages.
    let written = headers.clone();
    let headers = match format.kind {
        Some(kind) => headers
            .iter()
            .map(|h| dictionary::canonical_column(kind, h).unwrap_or(h))
            .collect(),
        None => headers,
    };
    for column in required {
        if !headers.iter().any(|h| h == *column) {
            errors.push(InputError::at(
                path,
                1,
                *column,
                "required column is missing",
            ));
        }
    }
    let prefix = optional
        .iter()
        .find_map(|o| o.strip_suffix('*'))
        .filter(|p| !p.is_empty());
    let is_extra: Vec<bool> = headers
        .iter()
        .map(|h| prefix.is_some_and(|p| h.len() > p.len() && h.starts_with(p)))
        .collect();
    let extra_ix: Vec<usize> = (0..is_extra.len()).filter(|&i| is_extra[i]).collect();
    // Each name once, in a set: a header of 100,000 columns is checked in linear time.
    let mut seen = std::collections::HashSet::new();
    for (i, h) in headers.iter().enumerate() {
        let fresh = seen.insert(h);
        if is_extra[i] {
            if !fresh {
                errors.push(InputError::at(path, 1, h, "column appears twice"));
            }
        } else if h.is_empty() {
            errors.push(InputError {
                file: path.to_path_buf(),
                line: Some(1),
                field: None,
                message: format!(
                    "column {} has no name (a trailing comma in the header?)",
                    i + 1
                ),
            });
        } else if !required.contains(&h) && !optional.contains(&h) {
            errors.push(InputError::at(
                path,
                1,
                h,
                unknown_column(h, format.kind, required, optional),
            ));
        } else if !fresh {
            let first = headers.iter().position(|o| o == h).unwrap_or(i);
            let message = if written[first] == written[i] {
                "column appears twice".to_string()
            } else {
                format!(
                    "column appears twice, as `{}` and as `{}`; keep one",
                    &written[first], &written[i]
                )
            };
            errors.push(InputError::at(path, 1, h, message));
        }
    }
    if errors.len() > before {
        return None;
    }

    let key = headers
        .iter()
        .position(|h| h == "id")
        .or_else(|| headers.iter().position(|h| h == "child"));
    let mut info = TableInfo {
        unreadable_ids: super::ids::IdSet::default(),
        extra_columns: extra_ix
            .iter()
            .map(|&i| headers[i][prefix.map_or(0, str::len)..].to_string())
            .collect(),
    };
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(bytes);
    loop {
        let line = lines.line_at(reader.position().byte());
        let read = reader.read_record(&mut record);
        trim_cells(&mut record);
        match read {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| lines.line_at(p.byte()));
                errors.push(record_error(path, line, &headers, &record, &e));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return None;
                }
                if let Some(id) = key.and_then(|k| record.get(k)) {
                    info.unreadable_ids.insert(id.to_string());
                }
                continue;
            }
        }
        let line = record.position().map_or(line, |p| lines.line_at(p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        match record.deserialize::<T>(Some(&headers)) {
            Ok(row) => visit(
                Located {
                    line,
                    row,
                    extras: Extras::from_record(&record, &extra_ix),
                },
                &info,
            ),
            Err(e) => {
                errors.push(record_error(path, line, &headers, &record, &e));
                if let Some(id) = key.and_then(|k| record.get(k)) {
                    info.unreadable_ids.insert(id.to_string());
                }
            }
        }
    }
    Some(info)
}

/// Trims every cell of `record` of Unicode whitespace, as the reader's `Trim::All` does (after
/// its ASCII pass, which this includes); a record with nothing to trim is not touched.
fn trim_cells(record: &mut csv::StringRecord) {
    if record.iter().any(|cell| cell.trim().len() != cell.len()) {
        record.trim();
    }
}

/// Why header `h` is refused: the accepted names, with their Chinese names too when `h` is not
/// written in English and the table has a dictionary.
fn unknown_column(
    h: &str,
    kind: Option<TableKind>,
    required: &[&str],
    optional: &[&str],
) -> String {
    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
    match kind {
        Some(kind) if !h.is_ascii() => {
            let named: Vec<String> = all
                .iter()
                .map(|name| {
                    let zh = dictionary::columns(kind)
                        .iter()
                        .find(|c| c.name == *name)
                        .map(|c| c.zh.join(" / "))
                        .unwrap_or_default();
                    if zh.is_empty() {
                        name.to_string()
                    } else {
                        format!("{name} ({zh})")
                    }
                })
                .collect();
            format!("unknown column (expected: {})", named.join(", "))
        }
        _ => format!("unknown column (expected: {})", all.join(", ")),
    }
}

/// Physical 1-based line numbers of byte offsets, counted forwards (offsets never go back).
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line a record starting at `byte` is on; blank lines the reader skipped before it
    /// are counted too.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = (byte as usize).min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\n' | b'\r') {
            target += 1;
        }
        if target > self.offset {
            self.line += self.bytes[self.offset..target]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = target;
        }
        self.line
    }
}

fn record_error(
    path: &Path,
    line: u64,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
    err: &csv::Error,
) -> InputError {
    match err.kind() {
        csv::ErrorKind::Deserialize { err: de, .. } => {
            let refused = match de.kind() {
                csv::DeserializeErrorKind::Message(m) if m == forms::NOT_WHOLE => Some(true),
                csv::DeserializeErrorKind::Message(m) if m == forms::NOT_NUMBER => Some(false),
                _ => None,
            };
            let field_ix = de.field().map(|f| f as usize).or_else(|| {
                refused.and_then(|whole| forms::refused_column(headers, record, whole))
            });
            let field = field_ix.and_then(|i| headers.get(i)).unwrap_or("?");
            let raw = field_ix.and_then(|i| record.get(i)).unwrap_or("");
            let message = match de.kind() {
                csv::DeserializeErrorKind::ParseInt(_) => {
                    format!("`{raw}` is not a whole number")
                }
                csv::DeserializeErrorKind::ParseFloat(_) => format!("`{raw}` is not a number"),
                csv::DeserializeErrorKind::UnexpectedEndOfRow => {
                    "the row has fewer fields than the header".to_string()
                }
                csv::DeserializeErrorKind::Message(m) if m == forms::NOT_WHOLE => {
                    forms::whole_problem(raw)
                }
                csv::DeserializeErrorKind::Message(m) if m == forms::NOT_NUMBER => {
                    forms::number_problem(raw)
                }
                other => format!("`{raw}`: {other}"),
            };
            InputError::at(path, line, field, message)
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => InputError {
            file: path.to_path_buf(),
            line: Some(line),
            field: None,
            message: format!("the row has {len} fields, the header has {expected_len}"),
        },
        _ => InputError {
            file: path.to_path_buf(),
            line: Some(line),
            field: None,
            message: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> (Option<Vec<Located<ChoiceRow>>>, Vec<String>) {
        let mut errors = Vec::new();
        let rows = parse_table(
            Path::new("choices.csv"),
            text,
            ChoiceRow::REQUIRED,
            &[],
            &mut errors,
        );
        (
            rows.map(|t| t.rows),
            errors.iter().map(|e| e.to_string()).collect(),
        )
    }

    #[test]
    fn reads_rows_with_their_lines_and_a_bom() {
        let (rows, errs) = parse(b"\xEF\xBB\xBFchild,school,rank\nC1,S1,1\n\nC1,S2,2\n");
        assert!(errs.is_empty(), "{errs:?}");
        let rows = rows.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[1].line), (2, 4));
    }

    #[test]
    fn every_bad_cell_is_reported() {
        let (_, errs) = parse(b"child,school,rank\nC1,S1,one\nC1,S2,2\nC2,S3,2.5\nC3,S1\n");
        assert_eq!(
            errs,
            vec![
                "choices.csv:2: field `rank`: `one` is not a whole number",
                "choices.csv:4: field `rank`: `2.5` is not a whole number",
                "choices.csv:5: the row has 2 fields, the header has 3",
            ]
        );
    }

    #[test]
    fn header_problems_name_the_column() {
        let (rows, errs) = parse(b"child,skool,rank\n");
        assert!(rows.is_none());
        assert_eq!(
            errs,
            vec![
                "choices.csv:1: field `school`: required column is missing",
                "choices.csv:1: field `skool`: unknown column (expected: child, school, rank)",
            ]
        );
    }

    #[test]
    fn extras_keep_each_value() {
        let record = csv::StringRecord::from(vec!["C1", "12", "", "yes", "a:3:b"]);
        let extras = Extras::from_record(&record, &[1, 2, 3, 4]);
        assert_eq!(
            extras.iter().collect::<Vec<_>>(),
            ["12", "", "yes", "a:3:b"]
        );
        assert_eq!((extras.len(), extras.get(4)), (4, None));
        let extras = Extras::from_record(&record, &[1, 2, 3]);
        assert_eq!((extras.len(), extras.get(3)), (3, None));
        assert!(Extras::from_record(&record, &[]).is_empty());
    }

    #[test]
    fn cells_are_trimmed_of_unicode_whitespace() {
        let (rows, errs) = parse(b" child ,school,rank\n C1\t,\xE3\x80\x80S1\xE3\x80\x80, 2 \n");
        assert!(errs.is_empty(), "{errs:?}");
        let row = &rows.unwrap()[0].row;
        assert_eq!(
            (row.child.as_str(), row.school.as_str(), row.rank),
            ("C1", "S1", 2)
        );
    }

    #[test]
    fn crlf_is_normalised_in_place() {
        let mut bytes = b"a,b\r\n1,2\r\n\r\nx\ry\r\n".to_vec();
        crlf_to_lf(&mut bytes);
        assert_eq!(bytes, b"a,b\n1,2\n\nx\ry\n");
        let mut plain = b"a\nb".to_vec();
        crlf_to_lf(&mut plain);
        assert_eq!(plain, b"a\nb");
    }

    #[test]
    fn gbk_text_is_refused_with_a_hint() {
        // "上城区" in GBK (not valid UTF-8).
        let (_, errs) = parse(b"child,school,rank\nC1,\xc9\xcf\xb3\xc7\xc7\xf8,1\n");
        assert!(errs[0].contains("not UTF-8"), "{errs:?}");
    }
}
