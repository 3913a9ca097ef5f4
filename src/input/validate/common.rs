//! What the table validators share: reading a table as a stream of rows, id registries, number
//! and coordinate cells, the lookup of rows refused earlier, and sorting entities by id.

use std::borrow::Cow;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::domain::{Datum, Location};
use crate::error::InputError;
use crate::input::dictionary::{self, WordSet};
use crate::input::ids::{IdMap, IdSet};
use crate::input::rows::{read_cells_with, read_table_with, Cell, Located, RowCells, TableInfo};
use crate::input::{forms, ids};
use crate::scenario::rules;

/// Keeps the first line each id was seen at and reports later duplicates: ids written alike,
/// and ids equal after Unicode compatibility folding ([`ids::folded`]). Ids holding control or
/// format characters are refused ([`ids::id_problem`]).
pub(super) struct IdRegistry<'a> {
    path: &'a Path,
    /// Every id registered, as written, with its row: where its first line is in `lines`.
    seen: IdMap<u32>,
    /// The first line of each registered id, by row.
    lines: Vec<u64>,
    /// Ids whose folded form differs from how they are written: folded form → (id, line).
    folded: IdMap<(String, u64)>,
}

impl<'a> IdRegistry<'a> {
    pub(super) fn new(path: &'a Path) -> Self {
        IdRegistry {
            path,
            seen: IdMap::default(),
            lines: Vec::new(),
            folded: IdMap::default(),
        }
    }

    /// Makes room for `n` ids.
    pub(super) fn reserve(&mut self, n: usize) {
        self.seen.reserve(n);
        self.lines.reserve(n);
    }

    /// The row of the id registered last.
    pub(super) fn last_row(&self) -> u32 {
        self.lines.len() as u32 - 1
    }

    /// The first line of the id registered at `row`.
    pub(super) fn line_of_row(&self, row: u32) -> u64 {
        self.lines[row as usize]
    }

    /// The first line of a registered id.
    fn first_line(&self, id: &str) -> Option<u64> {
        self.seen.get(id).map(|&row| self.lines[row as usize])
    }

    /// Every registered id, as written, with its first line.
    pub(super) fn lines_of_ids(&self) -> impl Iterator<Item = (&String, u64)> + '_ {
        self.seen
            .iter()
            .map(|(id, &row)| (id, self.lines[row as usize]))
    }

    /// Every registered id, as written.
    pub(super) fn into_ids(self) -> impl Iterator<Item = String> {
        self.seen.into_keys()
    }

    /// Sorts `(row, entity)` pairs (each entity registered at `row`) by the entity's `id`, and
    /// turns the registry into their index, its strings kept rather than copied; returns the
    /// index and the registered ids with no entity (refused rows).
    pub(super) fn into_index<T>(
        self,
        mut items: Vec<(u32, T)>,
        id: impl Fn(&T) -> &str,
    ) -> (ById<T>, Vec<String>) {
        items.sort_by(|a, b| id(&a.1).cmp(id(&b.1)));
        let mut position = vec![u32::MAX; self.lines.len()];
        for (i, &(row, _)) in items.iter().enumerate() {
            position[row as usize] = i as u32;
        }
        let lines = items
            .iter()
            .map(|&(row, _)| self.lines[row as usize])
            .collect();
        let mut index = self.seen;
        let mut refused = Vec::new();
        index.retain(|id, row| match position[*row as usize] {
            u32::MAX => {
                refused.push(id.clone());
                false
            }
            i => {
                *row = i;
                true
            }
        });
        let by_id = ById {
            entities: items.into_iter().map(|(_, v)| v).collect(),
            lines,
            index,
        };
        (by_id, refused)
    }

    /// Notes `id`, first seen at `line`.
    fn insert(&mut self, id: &str, line: u64) {
        self.seen.insert(id.to_string(), self.lines.len() as u32);
        self.lines.push(line);
    }

    /// True if the id is new; records an error otherwise.
    pub(super) fn register(
        &mut self,
        id: &str,
        line: u64,
        field: &str,
        errors: &mut Vec<InputError>,
    ) -> bool {
        if id.is_empty() {
            errors.push(InputError::at(self.path, line, field, "the id is empty"));
            return false;
        }
        if let Some(first) = self.first_line(id) {
            errors.push(InputError::at(
                self.path,
                line,
                field,
                format!("duplicate id `{id}` (first defined at line {first})"),
            ));
            return false;
        }
        if let Some(problem) = ids::id_problem(id) {
            errors.push(InputError::at(self.path, line, field, problem));
            // Known, so references to it are not reported again as unknown.
            self.insert(id, line);
            return false;
        }
        let key = ids::folded(id);
        let alike = match &key {
            Cow::Owned(k) => self.seen.get_key_value(k.as_str()),
            Cow::Borrowed(_) => None,
        }
        .map(|(other, &row)| (other.as_str(), self.lines[row as usize]))
        .or_else(|| self.folded.get(key.as_ref()).map(|(o, l)| (o.as_str(), *l)));
        if let Some((other, first)) = alike {
            errors.push(InputError::at(
                self.path,
                line,
                field,
                format!("duplicate id `{id}`: the same as `{other}` (line {first}) after Unicode compatibility folding (full-width and other variant forms of a character count as the same)"),
            ));
            self.insert(id, line);
            return false;
        }
        if let Cow::Owned(k) = key {
            self.folded.insert(k, (id.to_string(), line));
        }
        self.insert(id, line);
        true
    }
}

/// A whole-number cell in `0..=max`: negative cells are the loader's to refuse, the bound is the
/// scenario's rule ([`rules::at_most`]).
pub(super) fn non_negative(
    path: &Path,
    line: u64,
    field: &str,
    value: i64,
    max: u64,
    errors: &mut Vec<InputError>,
) -> Option<u64> {
    let checked = if value < 0 {
        Err(format!("must be ≥ 0, got {value}"))
    } else {
        rules::at_most(value as u64, max).map(|()| value as u64)
    };
    checked
        .map_err(|msg| errors.push(InputError::at(path, line, field, msg)))
        .ok()
}

/// A cell checked by one of the scenario's rules.
pub(super) fn rule(
    path: &Path,
    line: u64,
    field: &str,
    result: Result<(), String>,
    errors: &mut Vec<InputError>,
) -> bool {
    result
        .map_err(|msg| errors.push(InputError::at(path, line, field, msg)))
        .is_ok()
}

/// The coordinate cells of a row: `x_km`, `y_km` (km grid) or `lat`, `lon` (degrees).
pub(super) struct Cells {
    pub(super) x_km: Option<f64>,
    pub(super) y_km: Option<f64>,
    pub(super) lat: Option<f64>,
    pub(super) lon: Option<f64>,
}

/// The location of a row: exactly one pair of coordinate cells, within bounds; degrees in
/// `datum` converted to WGS84 (taken as WGS84 when the scenario declares none, which
/// [`super::coordinates`] refuses once for the scenario).
pub(super) fn location(
    path: &Path,
    line: u64,
    cells: Cells,
    datum: Option<Datum>,
    errors: &mut Vec<InputError>,
) -> Option<Location> {
    let mut err = |field: &str, msg: String| {
        errors.push(InputError::at(path, line, field, msg));
        None
    };
    let km = cells.x_km.is_some() || cells.y_km.is_some();
    let degrees = cells.lat.is_some() || cells.lon.is_some();
    match (km, degrees) {
        (true, true) => err(
            if cells.lat.is_some() { "lat" } else { "lon" },
            "give either x_km, y_km (a kilometre grid) or lat, lon (degrees), not both".into(),
        ),
        (false, false) => err(
            "x_km",
            "no location: give x_km and y_km (a kilometre grid) or lat and lon (degrees)".into(),
        ),
        (true, false) => {
            let (Some(x), Some(y)) = (cells.x_km, cells.y_km) else {
                let (empty, given) = if cells.x_km.is_none() {
                    ("x_km", "y_km")
                } else {
                    ("y_km", "x_km")
                };
                return err(empty, format!("empty while `{given}` is given: give both"));
            };
            let x_ok = rule(path, line, "x_km", rules::coordinate(x), errors);
            let y_ok = rule(path, line, "y_km", rules::coordinate(y), errors);
            (x_ok && y_ok).then_some(Location::km(x, y))
        }
        (false, true) => {
            let (Some(lat), Some(lon)) = (cells.lat, cells.lon) else {
                let (empty, given) = if cells.lat.is_none() {
                    ("lat", "lon")
                } else {
                    ("lon", "lat")
                };
                return err(empty, format!("empty while `{given}` is given: give both"));
            };
            if let Some((field, hint)) = degrees_hint(lat, lon) {
                return err(field, hint);
            }
            let lat_ok = rule(path, line, "lat", rules::latitude(lat), errors);
            let lon_ok = rule(path, line, "lon", rules::longitude(lon), errors);
            let (lat, lon) = datum.unwrap_or(Datum::Wgs84).to_wgs84(lat, lon);
            (lat_ok && lon_ok).then_some(Location::degrees(lat, lon))
        }
    }
}

/// Why a latitude/longitude pair is refused although it may be in range: projected metres, or
/// the two swapped (China lies at latitude 18–54 N, longitude 73–135 E).
fn degrees_hint(lat: f64, lon: f64) -> Option<(&'static str, String)> {
    let in_china_lat = |v: f64| (18.0..=54.0).contains(&v);
    let in_china_lon = |v: f64| (73.0..=135.0).contains(&v);
    if lat.abs() > 1000.0 || lon.abs() > 1000.0 {
        let field = if lat.abs() > 1000.0 { "lat" } else { "lon" };
        return Some((
            field,
            format!("lat {lat}, lon {lon} look like projected metres (a Gauss–Krüger or UTM grid), not degrees: give the geocoder's degrees as lat/lon, or the grid in kilometres (metres ÷ 1000) as x_km/y_km"),
        ));
    }
    (in_china_lon(lat) && in_china_lat(lon) && !in_china_lat(lat)).then(|| {
        (
            "lat",
            format!("lat {lat}, lon {lon} look swapped (China lies at latitude 18–54 N, longitude 73–135 E): is the latitude {lon} and the longitude {lat}?"),
        )
    })
}

/// The `entry_grade` cell of a row.
pub(super) fn grade(path: &Path, line: u64, g: i64, errors: &mut Vec<InputError>) -> Option<u8> {
    rule(path, line, "entry_grade", rules::entry_grade(g), errors).then_some(g as u8)
}

/// Entities sorted by id, each with the line it came from, and an id → index map.
pub(super) struct ById<T> {
    pub(super) entities: Vec<T>,
    pub(super) lines: Vec<u64>,
    pub(super) index: IdMap<u32>,
}

/// Sorts `(line, entity)` pairs by the entity's `id` (each entity's id is copied once, into the
/// index).
pub(super) fn index_by_id<T>(mut items: Vec<(u64, T)>, id: impl Fn(&T) -> &str) -> ById<T> {
    items.sort_by(|a, b| id(&a.1).cmp(id(&b.1)));
    let index = items
        .iter()
        .enumerate()
        .map(|(i, (_, e))| (id(e).to_string(), i as u32))
        .collect();
    let lines = items.iter().map(|(line, _)| *line).collect();
    ById {
        entities: items.into_iter().map(|(_, v)| v).collect(),
        lines,
        index,
    }
}

/// Ids a file defines, valid or not, so a reference to a row refused for its own problem (or
/// to a file that could not be read at all) is not reported a second time.
pub(super) struct Known {
    pub(super) readable: bool,
    pub(super) ids: IdSet,
}

impl Known {
    /// Whether an unresolved reference to `id` is already explained by another error.
    pub(super) fn explains(&self, id: &str) -> bool {
        !self.readable || self.ids.contains(id)
    }
}

impl Known {
    /// What a table read as a stream is known to define from its reading alone: nothing if it
    /// could not be read (every reference to it is then explained), else the ids of its rows
    /// that could not be deserialised.
    pub(super) fn of(info: Option<TableInfo>) -> Known {
        match info {
            Some(info) => Known {
                readable: true,
                ids: info.unreadable_ids,
            },
            None => Known {
                readable: false,
                ids: IdSet::default(),
            },
        }
    }
}

/// A table's required and optional columns (see [`read_table_with`]).
pub(super) type Columns<'a> = (&'a [&'a str], &'a [&'a str]);

/// Reads the table at `path` with its `(required, optional)` columns as a stream: each readable
/// row is handed to `visit` as it is read, in file order, with what the table has said so far
/// and the list for the row's problems. The reader's own problems (header, cells that are not
/// numbers) of the whole table come first in `errors`, then those `visit` found, in row order,
/// as when the rows were first read whole and then checked. `None` if the file is unusable:
/// the caller then drops what it built (and `visit`'s problems are dropped here), as if no row
/// had been read.
pub(super) fn stream<T: DeserializeOwned>(
    path: &Path,
    (required, optional): Columns,
    errors: &mut Vec<InputError>,
    mut visit: impl FnMut(Located<T>, &TableInfo, &mut Vec<InputError>),
) -> Option<TableInfo> {
    let mut found = Vec::new();
    let info = read_table_with(path, required, optional, errors, |row, info| {
        visit(row, info, &mut found)
    })?;
    errors.append(&mut found);
    Some(info)
}

/// [`stream`] of a table read without serde ([`read_cells_with`]): each readable row is handed
/// to `visit` as its line and [`RowCells`], borrowed from the record, with the known columns
/// `fields`.
pub(super) fn stream_cells(
    path: &Path,
    (required, optional): Columns,
    fields: &[(&str, Cell)],
    errors: &mut Vec<InputError>,
    mut visit: impl FnMut(u64, &RowCells<'_>, &TableInfo, &mut Vec<InputError>),
) -> Option<TableInfo> {
    let mut found = Vec::new();
    let info = read_cells_with(
        path,
        required,
        optional,
        fields,
        errors,
        |line, cells, info| visit(line, cells, info, &mut found),
    )?;
    errors.append(&mut found);
    Some(info)
}

/// A category cell's canonical (English) word, the cell written in English or Chinese
/// ([`dictionary::canonical_word`]): what the domain's `parse` functions read.
pub(super) fn word(raw: &str, set: WordSet) -> Option<&'static str> {
    dictionary::canonical_word(set, raw)
}

/// The message of a category cell that is none of its set's words, listing them in English and
/// Chinese.
pub(super) fn word_problem(raw: &str, set: WordSet) -> String {
    format!(
        "`{raw}` is not one of: {} (see docs/dictionary.md)",
        dictionary::word_list(set)
    )
}

/// Reads a yes/no or whole-number cell: yes (`yes`, `true`, `y`, `是`, `有`, any letter case)
/// = 1, no (`no`, `false`, `n`, `否`, `无`) or empty = 0, else a whole number
/// ([`forms::parse_whole`]: `1,000` grouped, no `+`) that fits in 32 bits.
pub(super) fn yes_no_or_count(raw: &str) -> Option<u32> {
    if raw.is_empty() {
        return Some(0);
    }
    // A count first: no yes/no word is a number, so the order does not change the answer.
    match forms::parse_whole(raw) {
        Some(v) => u32::try_from(v).ok(),
        None => word(raw, WordSet::YesNo).map(|yes_or_no| u32::from(yes_or_no == "yes")),
    }
}
