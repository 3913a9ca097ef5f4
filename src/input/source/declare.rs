//! How `[tables]` declares a table: a file name (`children = "children.csv"`, or
//! `children = "intake.xlsx"` for a workbook's sheet found by the table's name), or a table of
//! options (`children = { file = "children.csv", encoding = "gbk", separator = "\t" }`,
//! `children = { file = "intake.xlsx", sheet = "儿童" }`); with `workbook = "intake.xlsx"` in
//! `[tables]`, every table not declared otherwise is a sheet of that workbook.

use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::{Encoding, Separator};
use crate::input::dictionary::TableKind;

/// Extensions of the files read as workbooks.
pub(crate) const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// One table as `[tables]` declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TableDecl {
    /// A file name.
    Path(String),
    /// A table of options.
    Spec(TableSpec),
}

/// The options of a table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableSpec {
    /// The file (a CSV file or a workbook); the scenario's `workbook` when absent.
    file: Option<String>,
    /// The sheet of a workbook.
    sheet: Option<String>,
    /// The encoding of a CSV file.
    encoding: Option<EncodingKey>,
    /// The separator of a CSV file.
    separator: Option<SeparatorKey>,
}

/// An encoding as a scenario declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
struct EncodingKey(Encoding);

impl TryFrom<String> for EncodingKey {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Ok(EncodingKey(match s.to_ascii_lowercase().as_str() {
            "auto" => Encoding::Auto,
            "utf-8" | "utf8" => Encoding::Utf8,
            "gbk" => Encoding::Gbk,
            "gb18030" => Encoding::Gb18030,
            _ => {
                return Err(format!(
                    "unknown encoding `{s}` (expected: \"auto\", \"utf-8\", \"gbk\", \"gb18030\")"
                ))
            }
        }))
    }
}

/// A separator as a scenario declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
struct SeparatorKey(Separator);

impl TryFrom<String> for SeparatorKey {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Ok(SeparatorKey(match s.as_str() {
            "auto" => Separator::Auto,
            "," | "comma" => Separator::Comma,
            "\t" | "tab" => Separator::Tab,
            ";" | "semicolon" => Separator::Semicolon,
            _ => {
                return Err(format!(
                    "unknown separator `{}` (expected: \",\", \"\\t\", \";\" or \"auto\")",
                    s.escape_debug()
                ))
            }
        }))
    }
}

impl<'de> Deserialize<'de> for TableDecl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TableDecl;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a file name, or a table such as { file = \"intake.xlsx\", sheet = \"儿童\" }",
                )
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<TableDecl, E> {
                Ok(TableDecl::Path(s.to_string()))
            }

            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<TableDecl, M::Error> {
                TableSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(TableDecl::Spec)
            }
        }
        d.deserialize_any(V)
    }
}

/// A table, resolved: which one, its file (resolved against the scenario's folder), and how to
/// read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declared {
    /// Which table.
    pub kind: TableKind,
    /// Its file.
    pub file: PathBuf,
    /// How to read it.
    pub form: Form,
}

/// How to read a declared table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Form {
    /// As CSV text.
    Csv {
        /// Its encoding (`Auto`: detected).
        encoding: Encoding,
        /// Its separator (`Auto`: detected).
        separator: Separator,
    },
    /// As a workbook sheet.
    Sheet {
        /// The sheet's name; `None`: the sheet named by the table's key or its Chinese name, or
        /// the only sheet.
        name: Option<String>,
        /// Whether the workbook may have no such sheet (a private-schools table not declared
        /// but looked for in the scenario's workbook).
        optional: bool,
    },
}

/// Whether `file` is named as a workbook.
pub(crate) fn is_workbook(file: &str) -> bool {
    Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Resolves table `kind`'s declaration (`None`: not in `[tables]`) against the scenario's
/// `workbook` and folder `base`; `Ok(None)` for an absent optional table. The error says what to
/// write.
pub(crate) fn resolve(
    kind: TableKind,
    decl: Option<&TableDecl>,
    workbook: Option<&str>,
    base: &Path,
) -> Result<Option<Declared>, String> {
    let declared = |file: &str, form| {
        Ok(Some(Declared {
            kind,
            file: base.join(file),
            form,
        }))
    };
    let csv = Form::Csv {
        encoding: Encoding::Auto,
        separator: Separator::Auto,
    };
    match decl {
        None => match workbook {
            Some(book) => declared(
                book,
                Form::Sheet {
                    name: None,
                    optional: kind.optional(),
                },
            ),
            None if kind.optional() => Ok(None),
            None => Err(format!(
                "no `{}` table: name its file (`{} = \"{}.csv\"`) or a workbook \
                 (`workbook = \"intake.xlsx\"`)",
                kind.name(),
                kind.name(),
                kind.name()
            )),
        },
        Some(TableDecl::Path(file)) if is_workbook(file) => declared(
            file,
            Form::Sheet {
                name: None,
                optional: false,
            },
        ),
        Some(TableDecl::Path(file)) => declared(file, csv),
        Some(TableDecl::Spec(spec)) => {
            let file = match (&spec.file, workbook, &spec.sheet) {
                (Some(f), _, _) => f.as_str(),
                (None, Some(book), Some(_)) => book,
                _ => {
                    return Err(format!(
                        "`{}` names no `file`{}",
                        kind.name(),
                        if spec.sheet.is_some() {
                            " (a `sheet` without a `file` is a sheet of `workbook`, which is not given)"
                        } else {
                            ""
                        }
                    ))
                }
            };
            if spec.sheet.is_some() || is_workbook(file) {
                if spec.encoding.is_some() || spec.separator.is_some() {
                    return Err(format!(
                        "`{}` is a workbook sheet: `encoding` and `separator` are for CSV files",
                        kind.name()
                    ));
                }
                return declared(
                    file,
                    Form::Sheet {
                        name: spec.sheet.clone(),
                        optional: false,
                    },
                );
            }
            declared(
                file,
                Form::Csv {
                    encoding: spec.encoding.map_or(Encoding::Auto, |e| e.0),
                    separator: spec.separator.map_or(Separator::Auto, |s| s.0),
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        t: TableDecl,
    }

    fn decl(toml_text: &str) -> Result<TableDecl, String> {
        toml::from_str::<T>(toml_text)
            .map(|t| t.t)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_form_of_a_declaration_resolves() {
        let base = Path::new("s");
        let r = |text: &str, book| {
            resolve(TableKind::Children, Some(&decl(text).unwrap()), book, base)
                .map(|d| d.map(|d| (d.file, d.form)))
        };
        assert_eq!(
            r("t = \"c.csv\"", None).unwrap(),
            Some((
                PathBuf::from("s/c.csv"),
                Form::Csv {
                    encoding: Encoding::Auto,
                    separator: Separator::Auto
                }
            ))
        );
        assert_eq!(
            r(
                "t = { file = \"c.csv\", encoding = \"GBK\", separator = \"\\t\" }",
                None
            )
            .unwrap(),
            Some((
                PathBuf::from("s/c.csv"),
                Form::Csv {
                    encoding: Encoding::Gbk,
                    separator: Separator::Tab
                }
            ))
        );
        assert_eq!(
            r("t = { sheet = \"儿童\" }", Some("in.xlsx")).unwrap(),
            Some((
                PathBuf::from("s/in.xlsx"),
                Form::Sheet {
                    name: Some("儿童".into()),
                    optional: false
                }
            ))
        );
        assert!(r("t = { sheet = \"儿童\" }", None).is_err());
        assert!(r("t = { file = \"a.xlsx\", encoding = \"gbk\" }", None).is_err());
        let e = decl("t = { file = \"c.csv\", encoding = \"latin1\" }").unwrap_err();
        assert!(e.contains("unknown encoding `latin1`"), "{e}");
        assert_eq!(
            resolve(TableKind::PrivateSchools, None, Some("in.xlsx"), base)
                .unwrap()
                .map(|d| d.form),
            Some(Form::Sheet {
                name: None,
                optional: true
            })
        );
        assert!(resolve(TableKind::Children, None, None, base).is_err());
        assert_eq!(
            resolve(TableKind::PrivateSchools, None, None, base).unwrap(),
            None
        );
    }
}
