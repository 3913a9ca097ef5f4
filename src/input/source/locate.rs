//! Finding each table's sheet in its workbook, and naming the cell of every problem reported at
//! a sheet: the validators report a table's line and field, as for a CSV file; the sheet's place
//! ([`Place`]) turns them into the workbook, the sheet, the cell (`D100`) and the column's header
//! as written (`intake.xlsx: [儿童] D100: field `birth_date` (出生日期): …`).

use std::collections::HashMap;
use std::path::PathBuf;

use super::workbook::{self, Origin, SheetProblem, Workbook};
use super::{Declared, Form, How, TableRead};
use crate::error::{shown, InputError};
use crate::input::dictionary::{canonical_column, TableKind};
use crate::input::read::{check_size, FileKind, InputLimits};

/// Where a sheet's table is, to name the cells of its problems.
#[derive(Debug, Clone)]
pub(super) struct Place {
    /// The path the validators report the table at (`intake.xlsx [儿童]`).
    pub shown: PathBuf,
    /// The workbook.
    workbook: PathBuf,
    /// The sheet's name.
    sheet: String,
    /// Where the table starts on the sheet.
    origin: Origin,
    /// The header row as written.
    headers: Vec<String>,
    /// The canonical name of each header (`None`: not a column of the table).
    canonical: Vec<Option<&'static str>>,
}

impl Place {
    fn new(
        kind: TableKind,
        workbook: PathBuf,
        sheet: String,
        origin: Origin,
        headers: Vec<String>,
    ) -> Place {
        Place {
            shown: shown_path(&workbook, &sheet),
            canonical: headers.iter().map(|h| canonical_column(kind, h)).collect(),
            workbook,
            sheet,
            origin,
            headers,
        }
    }

    /// The problem `e`, reported at this sheet's line and field, as a problem at its cell.
    pub(super) fn locate(&self, e: InputError) -> InputError {
        let col = e.field.as_deref().and_then(|f| {
            self.canonical
                .iter()
                .position(|c| *c == Some(f))
                .or_else(|| self.headers.iter().position(|h| h.trim() == f))
        });
        let at = match (e.line, col) {
            (Some(line), Some(col)) => format!(" {}", self.origin.cell(line, col)),
            (Some(line), None) => format!(" row {}", self.origin.row(line)),
            (None, Some(col)) => format!(
                " column {}",
                workbook::column_letters(self.origin.first_col as usize + col)
            ),
            (None, None) => String::new(),
        };
        let field = match (&e.field, col) {
            (Some(f), Some(col)) if self.headers[col].trim() != f => {
                format!(" field `{f}` ({}):", self.headers[col].trim())
            }
            (Some(f), _) => format!(" field `{f}`:"),
            (None, _) => String::new(),
        };
        InputError::file(
            &self.workbook,
            format!("[{}]{at}:{field} {}", shown(&self.sheet), e.message),
        )
    }
}

/// The path a sheet's table is reported at while it is validated.
fn shown_path(workbook: &std::path::Path, sheet: &str) -> PathBuf {
    PathBuf::from(format!("{} [{sheet}]", workbook.display()))
}

/// What was found for a table declared as a sheet.
pub(super) enum Found {
    /// The sheet: its place and its text, or the problems of its cells.
    Sheet(Place, Result<Vec<u8>, Vec<InputError>>),
    /// A problem with the workbook or the sheet as a whole.
    Problem(InputError),
    /// Nothing more to report (the workbook's problem is reported with another table).
    Failed,
    /// An optional table the workbook has no sheet for.
    Absent,
}

/// The workbooks opened so far, by path (each read once), and the sheets already taken.
#[derive(Default)]
pub(super) struct Books {
    open: HashMap<PathBuf, Option<Workbook>>,
    taken: HashMap<(PathBuf, String), TableKind>,
}

impl Books {
    /// The sheet of declared table `d` (its form a sheet); notes it in `reads`.
    pub(super) fn sheet(&mut self, d: &Declared, reads: &mut Vec<TableRead>) -> Found {
        let Form::Sheet { name, optional } = &d.form else {
            return Found::Failed;
        };
        if !self.open.contains_key(&d.file) {
            let opened = crate::input::rows::read_file(&d.file, FileKind::Table)
                .map_err(|e| format!("cannot read the file: {e}"))
                .and_then(workbook::open);
            match opened {
                Ok(book) => self.open.insert(d.file.clone(), Some(book)),
                Err(message) => {
                    self.open.insert(d.file.clone(), None);
                    return Found::Problem(InputError::file(&d.file, message));
                }
            };
        }
        let Some(Some(book)) = self.open.get_mut(&d.file) else {
            return Found::Failed;
        };
        let names = workbook::sheet_names(book);
        let sheet = match pick(&names, d.kind, name.as_deref(), *optional) {
            Ok(Some(s)) => s,
            Ok(None) => return Found::Absent,
            Err(message) => return Found::Problem(InputError::file(&d.file, message)),
        };
        if let Some(other) = self.taken.insert((d.file.clone(), sheet.clone()), d.kind) {
            return Found::Problem(InputError::file(
                &d.file,
                format!(
                    "the sheet `{sheet}` is declared for both the {} and the {} table",
                    other.name(),
                    d.kind.name()
                ),
            ));
        }
        reads.push(TableRead {
            table: d.kind,
            file: d.file.clone(),
            how: How::Sheet {
                sheet: sheet.clone(),
            },
        });
        let text = workbook::sheet_text(book, &sheet);
        let shown_at = shown_path(&d.file, &sheet);
        match text {
            Ok(t) => {
                let place = Place::new(d.kind, d.file.clone(), sheet, t.origin, t.headers);
                let limit = InputLimits::current().table_bytes;
                let text = check_size(t.csv.len() as u64, FileKind::Table, limit)
                    .map(|()| t.csv)
                    .map_err(|e| {
                        vec![InputError::file(
                            &shown_at,
                            format!("the sheet is too large as a table: {e}"),
                        )]
                    });
                Found::Sheet(place, text)
            }
            Err(SheetProblem::Sheet(message)) => {
                Found::Problem(InputError::file(&shown_at, message))
            }
            Err(SheetProblem::Cells(origin, headers, bad)) => {
                let place = Place::new(d.kind, d.file.clone(), sheet, origin, headers);
                let problems = bad
                    .into_iter()
                    .map(|b| {
                        let field = place.canonical[b.col]
                            .map(str::to_string)
                            .unwrap_or_else(|| place.headers[b.col].trim().to_string());
                        InputError::at(&place.shown, b.line, field, b.message)
                    })
                    .collect();
                Found::Sheet(place, Err(problems))
            }
        }
    }
}

/// Whether a sheet's name names table `kind`: its key (`children`, any letter case), its
/// Chinese name (`儿童`), or both, in either order, separated by spaces or a `/` (`儿童 children`,
/// as `seatplan template --lang both` names its sheets; `children / 儿童`).
fn names_table(name: &str, kind: TableKind) -> bool {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    (1..=2).contains(&words.len())
        && words
            .iter()
            .all(|w| w.eq_ignore_ascii_case(kind.name()) || *w == kind.zh())
}

/// The sheet of table `kind` among `names`: the one `wanted`, else the one named by the table's
/// key or its Chinese name or both ([`names_table`]), else the only one; `Ok(None)` when an
/// `optional` table has none.
fn pick(
    names: &[String],
    kind: TableKind,
    wanted: Option<&str>,
    optional: bool,
) -> Result<Option<String>, String> {
    let list = || {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(w) = wanted {
        return names
            .iter()
            .find(|n| n.as_str() == w)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(w.trim()))
            })
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("no sheet `{w}` (its sheets: {})", list()));
    }
    let matching: Vec<&String> = names.iter().filter(|n| names_table(n, kind)).collect();
    match matching[..] {
        [one] => Ok(Some(one.clone())),
        [_, _, ..] => Err(format!(
            "the sheets {} could each be the {} table; declare one: `{} = {{ sheet = \"…\" }}`",
            matching
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" and "),
            kind.name(),
            kind.name()
        )),
        [] if optional => Ok(None),
        [] if names.len() == 1 => Ok(Some(names[0].clone())),
        [] => Err(format!(
            "no sheet for the {} table: name it `{}` or `{}`, or declare it \
             (`{} = {{ sheet = \"…\" }}`); its sheets: {}",
            kind.name(),
            kind.zh(),
            kind.name(),
            kind.name(),
            list()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_is_found_by_name_key_or_chinese_name() {
        let names: Vec<String> = ["说明", "儿童", "choices"].map(String::from).to_vec();
        let p = |k, w, o| pick(&names, k, w, o);
        assert_eq!(
            p(TableKind::Children, None, false).unwrap().unwrap(),
            "儿童"
        );
        assert_eq!(
            p(TableKind::Choices, None, false).unwrap().unwrap(),
            "choices"
        );
        assert_eq!(p(TableKind::PrivateSchools, None, true).unwrap(), None);
        let e = p(TableKind::Schools, None, false).unwrap_err();
        assert!(e.contains("name it `公办学校` or `schools`"), "{e}");
        assert_eq!(
            p(TableKind::Schools, Some("说明"), false).unwrap().unwrap(),
            "说明"
        );
        assert!(p(TableKind::Schools, Some("x"), false).is_err());
        // `seatplan template --lang both` names its sheets `儿童 children`, `区县 districts`, …
        let both: Vec<String> = [
            "区县 districts",
            "民办学校 private_schools",
            "公办学校 schools",
            "Children / 儿童",
        ]
        .map(String::from)
        .to_vec();
        let found = |k| pick(&both, k, None, false).unwrap().unwrap();
        assert_eq!(found(TableKind::Districts), "区县 districts");
        assert_eq!(found(TableKind::Schools), "公办学校 schools");
        assert_eq!(found(TableKind::PrivateSchools), "民办学校 private_schools");
        assert_eq!(found(TableKind::Children), "Children / 儿童");
        assert!(!names_table("schools private_schools", TableKind::Schools));
        assert!(!names_table("儿童 children 2024", TableKind::Children));
        let two: Vec<String> = ["children", "儿童"].map(String::from).to_vec();
        assert!(pick(&two, TableKind::Children, None, false).is_err());
    }

    #[test]
    fn a_problem_is_named_at_its_cell_and_header() {
        let place = Place::new(
            TableKind::Children,
            PathBuf::from("intake.xlsx"),
            "儿童".into(),
            Origin {
                header_row: 1,
                first_col: 0,
            },
            ["编号", "出生日期"].map(String::from).to_vec(),
        );
        let e = InputError::at(&place.shown, 99, "birth_date", "`x` is not a date");
        assert_eq!(
            place.locate(e).to_string(),
            "intake.xlsx: [儿童] B99: field `birth_date` (出生日期): `x` is not a date"
        );
        let e = InputError {
            line: Some(3),
            field: None,
            ..InputError::file(&place.shown, "the row has 3 fields")
        };
        assert_eq!(
            place.locate(e).to_string(),
            "intake.xlsx: [儿童] row 3: the row has 3 fields"
        );
        let e = InputError::file(&place.shown, "no children");
        assert_eq!(
            place.locate(e).to_string(),
            "intake.xlsx: [儿童]: no children"
        );
    }
}
