//! Step one of loading: CSV rows exactly as the files hold them.
//!
//! Each table is read with its header checked against the columns it must and may have, every
//! row deserialised on its own so one bad cell does not hide the next, and each row kept with its
//! line number for the validation step. A scenario's tables are read as [`super::source`] says
//! (decoded from GB18030/GBK or UTF-16, split at a tab or semicolon, taken from a workbook sheet;
//! headers named in English or Chinese through the dictionary); any other file read here must be
//! UTF-8 CSV with commas (a UTF-8 byte-order mark, as Excel writes, is accepted).

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::dictionary::{self, TableKind};
use super::forms;
use super::read::{check_size, read_input, FileKind, InputLimits};
use super::table_text::{Lines, TableText};
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

/// The children table's serde shape: read by later rounds (`crate::rounds`) for its ids, and
/// the reference [`ChildCells`] is tested against; the scenario's loader reads [`ChildCells`].
#[allow(dead_code)]
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

/// A row of the children table as the scenario's loader reads it ([`read_cells_with`]): the
/// cells of [`ChildRow`] borrowed from the record, blank optional text cells as `None`.
#[derive(Debug, Clone)]
pub struct ChildCells<'r> {
    pub id: &'r str,
    pub birth_date: &'r str,
    pub residence_district: &'r str,
    pub x_km: Option<f64>,
    pub y_km: Option<f64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub hukou_district: Option<&'r str>,
    pub permit_months: i64,
    pub insurance_months: i64,
    pub residence_months: i64,
    pub housing: &'r str,
    pub education: &'r str,
    pub sibling_school: Option<&'r str>,
    pub insurance_months_elsewhere: Option<i64>,
    pub residence_months_elsewhere: Option<i64>,
    pub insurance_back_paid: Option<&'r str>,
    pub sibling_group: Option<&'r str>,
    pub community: Option<&'r str>,
    pub hukou_community: Option<&'r str>,
    pub primary_school: Option<&'r str>,
    pub lottery: Option<i64>,
}

impl<'r> ChildCells<'r> {
    /// Every column of [`ChildRow`] (but the extra `fact_*` ones) and how it is read, in the
    /// order [`ChildCells::of`] reads them.
    pub(crate) const FIELDS: &'static [(&'static str, Cell)] = &[
        ("id", Cell::Text),
        ("birth_date", Cell::Text),
        ("residence_district", Cell::Text),
        ("x_km", Cell::OptDecimal),
        ("y_km", Cell::OptDecimal),
        ("lat", Cell::OptDecimal),
        ("lon", Cell::OptDecimal),
        ("hukou_district", Cell::Text),
        ("permit_months", Cell::Whole),
        ("insurance_months", Cell::Whole),
        ("residence_months", Cell::Whole),
        ("housing", Cell::Text),
        ("education", Cell::Text),
        ("sibling_school", Cell::Text),
        ("insurance_months_elsewhere", Cell::OptWhole),
        ("residence_months_elsewhere", Cell::OptWhole),
        ("insurance_back_paid", Cell::Text),
        ("sibling_group", Cell::Text),
        ("community", Cell::Text),
        ("hukou_community", Cell::Text),
        ("primary_school", Cell::Text),
        ("lottery", Cell::OptWhole),
    ];

    /// The row of `cells`, read by [`ChildCells::FIELDS`].
    pub(crate) fn of(c: &RowCells<'r>) -> Self {
        ChildCells {
            id: c.text(0),
            birth_date: c.text(1),
            residence_district: c.text(2),
            x_km: c.decimal(3),
            y_km: c.decimal(4),
            lat: c.decimal(5),
            lon: c.decimal(6),
            hukou_district: c.opt_text(7),
            permit_months: c.whole(8).unwrap_or(0),
            insurance_months: c.whole(9).unwrap_or(0),
            residence_months: c.whole(10).unwrap_or(0),
            housing: c.text(11),
            education: c.text(12),
            sibling_school: c.opt_text(13),
            insurance_months_elsewhere: c.whole(14),
            residence_months_elsewhere: c.whole(15),
            insurance_back_paid: c.opt_text(16),
            sibling_group: c.opt_text(17),
            community: c.opt_text(18),
            hukou_community: c.opt_text(19),
            primary_school: c.opt_text(20),
            lottery: c.whole(21),
        }
    }
}

/// A row of the choices table as the scenario's loader reads it ([`read_cells_with`]).
#[derive(Debug, Clone)]
pub struct ChoiceCells<'r> {
    pub child: &'r str,
    pub school: &'r str,
    pub rank: i64,
}

impl<'r> ChoiceCells<'r> {
    /// The columns of [`ChoiceRow`] and how each is read, in the order [`ChoiceCells::of`]
    /// reads them.
    pub(crate) const FIELDS: &'static [(&'static str, Cell)] = &[
        ("child", Cell::Text),
        ("school", Cell::Text),
        ("rank", Cell::Whole),
    ];

    /// The row of `cells`, read by [`ChoiceCells::FIELDS`].
    pub(crate) fn of(c: &RowCells<'r>) -> Self {
        ChoiceCells {
            child: c.text(0),
            school: c.text(1),
            rank: c.whole(2).unwrap_or(0),
        }
    }
}

/// The choices table's serde shape: its columns, and the reference [`ChoiceCells`] is tested
/// against; the scenario's loader reads [`ChoiceCells`].
#[allow(dead_code)]
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
    with_held(Some(files), f)
}

/// Files served from memory ([`with_files_in_memory`]): path → bytes.
pub(crate) type InMemory = std::collections::HashMap<std::path::PathBuf, Vec<u8>>;

/// A copy of the bytes of `path` as this thread serves it from memory (a map of that path
/// alone, empty if it is not held), for another thread to read; `None` outside
/// [`with_files_in_memory`].
pub(crate) fn held_here(path: &Path) -> Option<InMemory> {
    IN_MEMORY.with(|m| {
        m.borrow().as_ref().map(|files| {
            files
                .get(path)
                .map(|bytes| (path.to_path_buf(), bytes.clone()))
                .into_iter()
                .collect()
        })
    })
}

/// Runs `f` with `files` as this thread's files served from memory — `None`: none, every file
/// is read from the disk — restoring what the thread had afterwards, also if `f` panics.
pub(crate) fn with_held<R>(files: Option<InMemory>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<InMemory>);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_MEMORY.with(|m| *m.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(IN_MEMORY.with(|m| std::mem::replace(&mut *m.borrow_mut(), files)));
    f()
}

/// Reads an input file of `kind` through [`read_input`] (regular files only, within the size
/// limit), or from memory inside [`with_files_in_memory`] (within the same limit).
pub(crate) fn read_file(path: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    held_file(path, kind).unwrap_or_else(|| read_input(path, kind))
}

/// The bytes of `path` served from memory inside [`with_files_in_memory`] (within the size
/// limit of `kind`; a path not held reads as "not found"); `None` outside it.
pub(crate) fn held_file(path: &Path, kind: FileKind) -> Option<Result<Vec<u8>, ReadError>> {
    let held = IN_MEMORY.with(|m| {
        m.borrow()
            .as_ref()
            .map(|files| files.get(path).cloned().ok_or(std::io::ErrorKind::NotFound))
    })?;
    Some(
        held.map_err(|k| ReadError::from(std::io::Error::from(k)))
            .and_then(|bytes| {
                check_size(bytes.len() as u64, kind, InputLimits::current().bytes(kind))?;
                Ok(bytes)
            }),
    )
}

/// Reads a text input file (TOML) as UTF-8 (see [`read_file`]).
pub(crate) fn read_text(path: &Path) -> Result<String, ReadError> {
    super::read::utf8(read_file(path, FileKind::Text)?)
}

/// The bytes the CSV reader takes from a table's text at a time.
pub(crate) const READ_BUFFER: usize = 256 * 1024;

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
    /// The number of lines of the table's text: at least its rows, to size what is built from
    /// them once.
    pub rows_hint: usize,
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
    let (text, format) = table_text(path, errors)?;
    parse_table_as(path, &text, format, required, optional, errors, visit)
}

/// The text of a table (a registered table decoded or a workbook sheet as CSV, else the file,
/// scanned to be read as a stream) and how it is split and named; `None` (and an error) if
/// unusable.
pub(crate) fn table_text(path: &Path, errors: &mut Vec<InputError>) -> Option<(TableText, Format)> {
    match super::source::lookup(path, errors) {
        super::source::Lookup::Plain => {}
        super::source::Lookup::Unusable => return None,
        super::source::Lookup::Text {
            text,
            delimiter,
            kind,
        } => {
            let kind = Some(kind);
            return Some((text, Format { delimiter, kind }));
        }
    }
    match TableText::open(path) {
        Ok(text) => Some((
            text,
            Format {
                delimiter: b',',
                kind: None,
            },
        )),
        Err(e) => {
            errors.push(InputError::file(path, format!("cannot read the file: {e}")));
            None
        }
    }
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
    let text = TableText::Held(bytes.to_vec());
    parse_table_as(path, &text, format, required, optional, errors, |row, _| {
        rows.push(row)
    })?;
    Some(Table { rows })
}

/// Parses a table's text, split and named as `format` says, as a stream; see
/// [`read_table_with`].
pub(crate) fn parse_table_as<T: DeserializeOwned>(
    path: &Path,
    text: &TableText,
    format: Format,
    required: &[&str],
    optional: &[&str],
    errors: &mut Vec<InputError>,
    mut visit: impl FnMut(Located<T>, &TableInfo),
) -> Option<TableInfo> {
    parse_records(path, text, format, required, optional, errors, |header| {
        let names = header.names.clone();
        move |line, record: &csv::StringRecord, info: &TableInfo| {
            let row = record
                .deserialize::<T>(Some(&names))
                .map_err(|e| record_error(path, line, &names, record, &e))?;
            visit(Located { line, row }, info);
            Ok(())
        }
    })
}

/// Checks a table's text and its header, then hands each record that holds a value, trimmed,
/// with its physical line, to the reader `make` builds from the header; a row the reader
/// refuses is reported (and its key noted as unreadable). `None` if the text or the header is
/// unusable.
fn parse_records<F>(
    path: &Path,
    text: &TableText,
    format: Format,
    required: &[&str],
    optional: &[&str],
    errors: &mut Vec<InputError>,
    make: impl FnOnce(&Header) -> F,
) -> Option<TableInfo>
where
    F: FnMut(u64, &csv::StringRecord, &TableInfo) -> Result<(), InputError>,
{
    let (mut reader, mut lines, lines_hint) = records_reader(path, text, format, required, errors)?;
    let (header, mut info) = read_header(
        path,
        &mut reader,
        format,
        required,
        optional,
        lines_hint,
        errors,
    )?;
    let mut each = make(&header);
    let ended = each_record(path, &mut reader, &mut lines, 0, &header, |read, record| {
        let refused = match read {
            Record::Row(line) => match each(line, record, &info) {
                Ok(()) => return,
                Err(e) => e,
            },
            Record::Refused(e) => e,
        };
        errors.push(refused);
        if let Some(id) = header.key.and_then(|k| record.get(k)) {
            info.unreadable_ids.insert(id.to_string());
        }
    });
    match ended {
        Ok(()) => Some(info),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// A CSV reader of a table's text from its start (the text checked to be UTF-8 and not blank:
/// a blank one is refused naming the `required` columns), the counter of its physical lines,
/// and how many lines the text has; `None` (and an error) if the text is unusable.
pub(crate) fn records_reader<'t>(
    path: &Path,
    text: &'t TableText,
    format: Format,
    required: &[&str],
    errors: &mut Vec<InputError>,
) -> Option<(csv::Reader<impl std::io::Read + 't>, Lines, usize)> {
    let facts = text.facts();
    if !facts.utf8 {
        errors.push(InputError::file(
            path,
            "the file is not UTF-8 text (an Excel export in GBK? save it as \"CSV UTF-8\")",
        ));
        return None;
    }
    if facts.blank {
        errors.push(InputError::file(
            path,
            format!(
                "the file is empty; expected a header with: {}",
                required.join(",")
            ),
        ));
        return None;
    }
    // The text with CRLF read as LF (the csv crate counts a CRLF line ending as two lines in
    // some positions), through a tap that counts the physical lines of what the reader took.
    let source = match text.reader() {
        Ok(r) => r,
        Err(e) => {
            errors.push(InputError::file(path, format!("cannot read the file: {e}")));
            return None;
        }
    };
    let (source, lines) = Lines::tap(source);
    let reader = records_of(format.delimiter, READ_BUFFER, source);
    Some((reader, lines, facts.newlines))
}

/// A CSV reader of records split at `delimiter`, every record however many fields it has (the
/// count is checked against the header's by [`each_record`]). The header is trimmed by
/// [`read_header`]; the cells of each record by `trim_cells`, which leaves a record without surrounding
/// whitespace as it is (the reader's `Trim::All` rebuilds every record twice, ASCII and then
/// Unicode whitespace, four allocations a row).
pub(crate) fn records_of<R: std::io::Read>(
    delimiter: u8,
    buffer: usize,
    source: R,
) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .buffer_capacity(buffer)
        .from_reader(source)
}

/// Reads the first record of `reader` as the table's header and checks it against the columns
/// the table must and may have (named in English or, for a table of the dictionary, Chinese);
/// `None` (and every problem) if the header is unusable. The table's text has `lines_hint`
/// lines ([`TableInfo::rows_hint`]).
pub(crate) fn read_header<R: std::io::Read>(
    path: &Path,
    reader: &mut csv::Reader<R>,
    format: Format,
    required: &[&str],
    optional: &[&str],
    lines_hint: usize,
    errors: &mut Vec<InputError>,
) -> Option<(Header, TableInfo)> {
    let mut headers = csv::StringRecord::new();
    match reader.read_record(&mut headers) {
        Ok(_) => headers.trim(),
        Err(e) => {
            errors.push(InputError::file(
                path,
                format!("cannot read the header: {e}"),
            ));
            return None;
        }
    }
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

    let header = Header {
        key: headers
            .iter()
            .position(|h| h == "id")
            .or_else(|| headers.iter().position(|h| h == "child")),
        extra_ix,
        names: headers,
    };
    let info = TableInfo {
        unreadable_ids: super::ids::IdSet::default(),
        extra_columns: header
            .extra_ix
            .iter()
            .map(|&i| header.names[i][prefix.map_or(0, str::len)..].to_string())
            .collect(),
        rows_hint: lines_hint,
    };
    Some((header, info))
}

/// What [`each_record`] read of one record.
pub(crate) enum Record {
    /// A row holding a value, at this physical line.
    Row(u64),
    /// A row the reader refused (its fields do not match the header's, or it cannot be read).
    Refused(InputError),
}

/// Hands every record of `reader` after the header (the text's physical lines counted by
/// `lines`, `before` lines before its start), trimmed, to `visit`: as a row with its line, or
/// refused; rows of blank cells are passed over. Stops at the first error of the text itself
/// (it could not be read), returned.
pub(crate) fn each_record<R: std::io::Read>(
    path: &Path,
    reader: &mut csv::Reader<R>,
    lines: &mut Lines,
    before: u64,
    header: &Header,
    mut visit: impl FnMut(Record, &csv::StringRecord),
) -> Result<(), InputError> {
    let mut record = csv::StringRecord::new();
    loop {
        let line = before + lines.line_at(reader.position().byte());
        let read = reader.read_record(&mut record);
        trim_cells(&mut record);
        match read {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map_or(line, |p| before + lines.line_at(p.byte()));
                let refused = record_error(path, line, &header.names, &record, &e);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(refused);
                }
                visit(Record::Refused(refused), &record);
                continue;
            }
        }
        let line = record
            .position()
            .map_or(line, |p| before + lines.line_at(p.byte()));
        if record.len() != header.names.len() {
            let refused = InputError {
                file: path.to_path_buf(),
                line: Some(line),
                field: None,
                message: format!(
                    "the row has {} fields, the header has {}",
                    record.len(),
                    header.names.len()
                ),
            };
            visit(Record::Refused(refused), &record);
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        visit(Record::Row(line), &record);
    }
}

/// A table's header as the rows are read by: canonical names, the key column, the extra
/// columns.
pub(crate) struct Header {
    /// Canonical column names, in the file's order.
    names: csv::StringRecord,
    /// The key column (`id`, else `child`), whose value a refused row leaves in
    /// [`TableInfo::unreadable_ids`].
    key: Option<usize>,
    /// The extra columns (an `optional` pattern ending in `*`), in header order.
    extra_ix: Vec<usize>,
}

impl Header {
    /// The key column (`id`, else `child`), if the table has one.
    pub(crate) fn key(&self) -> Option<usize> {
        self.key
    }
}

/// How a known column's cells are read by [`read_cells_with`]: text, or a number in the forms
/// of [`forms`] (an optional number column reads a blank cell as no value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Cell {
    Text,
    Whole,
    OptWhole,
    OptDecimal,
}

/// A number read from a cell by [`read_cells_with`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Number {
    None,
    Whole(i64),
    Decimal(f64),
}

/// One row read by [`read_cells_with`]: its cells borrowed from the record (no string is
/// copied), its number cells already read, by the index of their field in the table's list.
pub(crate) struct RowCells<'r> {
    record: &'r csv::StringRecord,
    /// The column of each field, `None` if the file has no such column.
    columns: &'r [Option<usize>],
    numbers: &'r [Number],
    extra_ix: &'r [usize],
}

impl<'r> RowCells<'r> {
    /// The text of field `f` (empty when the column is absent).
    pub(crate) fn text(&self, f: usize) -> &'r str {
        self.columns[f]
            .and_then(|c| self.record.get(c))
            .unwrap_or("")
    }

    /// The text of field `f`; `None` when blank or absent (as serde reads an `Option<String>`
    /// from a CSV cell).
    pub(crate) fn opt_text(&self, f: usize) -> Option<&'r str> {
        Some(self.text(f)).filter(|t| !t.is_empty())
    }

    /// The whole number of field `f` (a [`Cell::Whole`] or [`Cell::OptWhole`] field).
    pub(crate) fn whole(&self, f: usize) -> Option<i64> {
        match self.numbers[f] {
            Number::Whole(v) => Some(v),
            _ => None,
        }
    }

    /// The decimal number of field `f` (a [`Cell::OptDecimal`] field).
    pub(crate) fn decimal(&self, f: usize) -> Option<f64> {
        match self.numbers[f] {
            Number::Decimal(v) => Some(v),
            _ => None,
        }
    }

    /// The values of the table's extra columns, in header order.
    pub(crate) fn extras(&self) -> impl Iterator<Item = &'r str> + '_ {
        self.extra_ix.iter().map(|&i| &self.record[i])
    }
}

/// [`read_table_with`] without serde: the known columns are found in the header once
/// (`fields`: name and how its cells are read), and each row is handed to `visit` as its
/// [`RowCells`], borrowed from the record. A cell that is not a number where `fields` wants one
/// refuses the row with the message serde's reading gives (the first such cell in header
/// order), so both ways report alike.
pub(crate) fn read_cells_with(
    path: &Path,
    required: &[&str],
    optional: &[&str],
    fields: &[(&str, Cell)],
    errors: &mut Vec<InputError>,
    mut visit: impl FnMut(u64, &RowCells<'_>, &TableInfo),
) -> Option<TableInfo> {
    let (text, format) = table_text(path, errors)?;
    parse_records(path, &text, format, required, optional, errors, |header| {
        let cells = CellReader::new(path, header, fields);
        let mut numbers = cells.numbers();
        move |line, record: &csv::StringRecord, info: &TableInfo| {
            visit(line, &cells.read(line, record, &mut numbers)?, info);
            Ok(())
        }
    })
}

/// How the rows of a table are read as [`RowCells`]: where each known field's column is, and
/// which are numbers.
pub(crate) struct CellReader<'a> {
    path: &'a Path,
    /// The column of each field, `None` if the file has no such column.
    columns: Vec<Option<usize>>,
    /// The number fields in header order (as serde reads them): column, field, form.
    numeric: Vec<(usize, usize, Cell)>,
    extra_ix: Vec<usize>,
    names: csv::StringRecord,
}

impl<'a> CellReader<'a> {
    /// The reader of `fields` (name and how its cells are read) in a table of `header`.
    pub(crate) fn new(path: &'a Path, header: &Header, fields: &[(&str, Cell)]) -> Self {
        let columns: Vec<Option<usize>> = fields
            .iter()
            .map(|(name, _)| header.names.iter().position(|h| h == *name))
            .collect();
        let mut numeric: Vec<(usize, usize, Cell)> = columns
            .iter()
            .enumerate()
            .filter_map(|(f, c)| Some((c.as_ref().copied()?, f, fields[f].1)))
            .filter(|&(_, _, cell)| cell != Cell::Text)
            .collect();
        numeric.sort_unstable();
        CellReader {
            path,
            columns,
            numeric,
            extra_ix: header.extra_ix.clone(),
            names: header.names.clone(),
        }
    }

    /// Room for one row's numbers, for [`CellReader::read`].
    pub(crate) fn numbers(&self) -> Vec<Number> {
        vec![Number::None; self.columns.len()]
    }

    /// The cells of `record` (at `line`), its numbers read into `numbers`; the problem of its
    /// first number cell (in header order) that is not one.
    pub(crate) fn read<'r>(
        &'r self,
        line: u64,
        record: &'r csv::StringRecord,
        numbers: &'r mut [Number],
    ) -> Result<RowCells<'r>, InputError> {
        for &(c, f, cell) in &self.numeric {
            let raw = &record[c];
            numbers[f] = match cell {
                Cell::OptWhole | Cell::OptDecimal if raw.is_empty() => Number::None,
                Cell::Whole | Cell::OptWhole => match forms::parse_whole(raw) {
                    Some(v) => Number::Whole(v),
                    None => {
                        return Err(InputError::at(
                            self.path,
                            line,
                            &self.names[c],
                            forms::whole_problem(raw),
                        ))
                    }
                },
                _ => match forms::parse_decimal(raw) {
                    Some(v) => Number::Decimal(v),
                    None => {
                        return Err(InputError::at(
                            self.path,
                            line,
                            &self.names[c],
                            forms::number_problem(raw),
                        ))
                    }
                },
            };
        }
        Ok(RowCells {
            record,
            columns: &self.columns,
            numbers,
            extra_ix: &self.extra_ix,
        })
    }
}

/// Trims every cell of `record` of Unicode whitespace, as the reader's `Trim::All` does (after
/// its ASCII pass, which this includes); a record with nothing to trim is not touched.
fn trim_cells(record: &mut csv::StringRecord) {
    // A cell that starts and ends with an ASCII character other than white space (U+0009 to
    // U+000D, U+0020) has nothing to trim: no Unicode scan of the common cell.
    let clean = |b: u8| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ');
    let untouched = |cell: &str| {
        let b = cell.as_bytes();
        b.is_empty() || (clean(b[0]) && clean(b[b.len() - 1])) || cell.trim().len() == cell.len()
    };
    if !record.iter().all(untouched) {
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
    fn cell_rows_read_the_columns_of_the_serde_rows() {
        let names = |f: &[(&str, Cell)]| f.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>();
        let child: Vec<String> = ChildRow::REQUIRED
            .iter()
            .chain(ChildRow::OPTIONAL)
            .filter(|c| !c.ends_with('*'))
            .map(|c| c.to_string())
            .collect();
        let mut fields = names(ChildCells::FIELDS);
        let mut child = child;
        fields.sort();
        child.sort();
        assert_eq!(fields, child);
        assert_eq!(names(ChoiceCells::FIELDS), ChoiceRow::REQUIRED);
    }

    #[test]
    fn cell_rows_report_bad_numbers_as_serde_rows_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("choices.csv");
        let text =
            "child,school,rank\nC1,S1,one\n C2 ,S2,1,000\nC3,S3,\"1,000\"\n\nC4,S4,2.5\nC5,S5,7\n";
        std::fs::write(&path, text).unwrap();
        let mut serde_errors = Vec::new();
        let serde_rows: Vec<(u64, String, i64)> =
            read_table::<ChoiceRow>(&path, ChoiceRow::REQUIRED, &[], &mut serde_errors)
                .unwrap()
                .rows
                .into_iter()
                .map(|r| (r.line, r.row.child, r.row.rank))
                .collect();
        let mut cell_errors = Vec::new();
        let mut cell_rows = Vec::new();
        let info = read_cells_with(
            &path,
            ChoiceRow::REQUIRED,
            &[],
            ChoiceCells::FIELDS,
            &mut cell_errors,
            |line, cells, _| {
                let row = ChoiceCells::of(cells);
                cell_rows.push((line, row.child.to_string(), row.rank));
            },
        )
        .unwrap();
        let shown = |e: &[InputError]| e.iter().map(|e| e.to_string()).collect::<Vec<_>>();
        assert_eq!(shown(&cell_errors), shown(&serde_errors));
        assert_eq!(cell_rows, serde_rows);
        assert_eq!(
            cell_rows,
            [(4, "C3".to_string(), 1000), (7, "C5".to_string(), 7)]
        );
        assert!(info.unreadable_ids.contains("C1") && info.unreadable_ids.contains("C4"));
    }

    #[test]
    fn a_file_read_as_a_stream_reads_as_the_same_bytes_held() {
        // Over two pieces of the first pass and many reads of the second: CRLF line ends, a
        // byte-order mark, blank lines, Chinese ids split anywhere, bad cells past the first MiB.
        let mut text = String::from("\u{feff}child,school,rank\r\n");
        for i in 0..120_000 {
            let rank = if i % 40_000 == 39_999 {
                "x".to_string()
            } else {
                (i % 7).to_string()
            };
            text.push_str(&format!("儿童{i},学校{},{rank}\r\n", i % 13));
            if i % 10_007 == 0 {
                text.push_str("\r\n\r\n");
            }
        }
        assert!(text.len() > 2 << 20);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("choices.csv");
        std::fs::write(&path, &text).unwrap();
        let (mut streamed, mut held) = (Vec::new(), Vec::new());
        let rows = read_table::<ChoiceRow>(&path, ChoiceRow::REQUIRED, &[], &mut streamed)
            .unwrap()
            .rows;
        let same =
            parse_table::<ChoiceRow>(&path, text.as_bytes(), ChoiceRow::REQUIRED, &[], &mut held)
                .unwrap()
                .rows;
        let shown = |e: &[InputError]| e.iter().map(|e| e.to_string()).collect::<Vec<_>>();
        assert_eq!(shown(&streamed), shown(&held));
        assert_eq!(streamed.len(), 3, "{:?}", shown(&streamed));
        let key = |r: &[Located<ChoiceRow>]| -> Vec<(u64, String, String, i64)> {
            r.iter()
                .map(|l| {
                    (
                        l.line,
                        l.row.child.clone(),
                        l.row.school.clone(),
                        l.row.rank,
                    )
                })
                .collect()
        };
        assert_eq!(key(&rows), key(&same));
        let last = rows.last().unwrap();
        // Row 119,998 (119,999 has a bad rank) after the header and 12 pairs of blank lines.
        assert_eq!(
            (last.line, last.row.child.as_str()),
            (2 + 119_998 + 2 * 12, "儿童119998")
        );
    }

    #[test]
    fn gbk_text_is_refused_with_a_hint() {
        // "上城区" in GBK (not valid UTF-8).
        let (_, errs) = parse(b"child,school,rank\nC1,\xc9\xcf\xb3\xc7\xc7\xf8,1\n");
        assert!(errs[0].contains("not UTF-8"), "{errs:?}");
    }
}
