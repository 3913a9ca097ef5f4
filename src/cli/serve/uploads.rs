//! Uploaded scenarios: the names a browser sends are checked so that no file can land outside
//! the upload's own folder, the scenario is validated from memory (so a scenario file naming
//! `../anything` finds nothing), and only a valid upload is written — into a new folder.

use std::path::{Path, PathBuf};

/// Why an upload is refused before it is validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A file name that could leave the folder or is not a plain name.
    BadName(String),
    /// Two files of the same name.
    Duplicate(String),
    /// No file at all.
    Empty,
    /// No scenario file among the files.
    NoScenario,
}

impl Refused {
    /// The reason in Chinese and English.
    pub fn message(&self) -> String {
        match self {
            Refused::BadName(n) => format!(
                "文件名 `{n}` 不被接受：只能是不含 / \\ 且不以 . 开头的文件名 — \
                 the file name `{n}` is refused: a plain name without / or \\, not starting with ."
            ),
            Refused::Duplicate(n) => {
                format!("文件 `{n}` 上传了两次 — the file `{n}` was uploaded twice")
            }
            Refused::Empty => "没有选择文件 — no file was uploaded".to_string(),
            Refused::NoScenario => {
                "没有情景文件：需要 scenario.toml，或唯一一个含 [tables] 的 .toml 文件 — \
                 no scenario file: upload scenario.toml, or one .toml file with a [tables] section"
                    .to_string()
            }
        }
    }
}

/// Whether `name` is a plain file name that stays inside a folder: not empty, at most 200
/// bytes, no path separator, no NUL or control character, not `.`/`..`, not starting with `.`.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c == ':' || c.is_control())
}

/// Checks the names of an upload and finds its scenario file: `scenario.toml`, else the one
/// `.toml` file with a `[tables]` section.
pub fn check(files: &[(String, Vec<u8>)]) -> Result<String, Refused> {
    if files.is_empty() {
        return Err(Refused::Empty);
    }
    let mut seen = std::collections::BTreeSet::new();
    for (name, _) in files {
        if !plain_name(name) {
            return Err(Refused::BadName(name.clone()));
        }
        if !seen.insert(name.as_str()) {
            return Err(Refused::Duplicate(name.clone()));
        }
    }
    if seen.contains("scenario.toml") {
        return Ok("scenario.toml".to_string());
    }
    let candidates: Vec<&String> = files
        .iter()
        .filter(|(n, bytes)| {
            n.ends_with(".toml") && String::from_utf8_lossy(bytes).contains("[tables]")
        })
        .map(|(n, _)| n)
        .collect();
    match candidates.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Err(Refused::NoScenario),
    }
}

/// The files under the paths the loader reads them from: `dir/name`.
pub fn in_folder(dir: &Path, files: &[(String, Vec<u8>)]) -> Vec<(PathBuf, Vec<u8>)> {
    files
        .iter()
        .map(|(n, b)| (dir.join(n), b.clone()))
        .collect()
}

/// Writes every file into `dir` (which the caller has just made), never over an existing file.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    use std::io::Write;
    for (name, bytes) in files {
        debug_assert!(plain_name(name));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        for bad in [
            "../x.csv", "..", ".", ".hidden", "a/b.csv", "a\\b.csv", "C:x", "", "a\0b",
        ] {
            assert!(!plain_name(bad), "{bad:?}");
        }
        for good in ["children.csv", "学校.csv", "scenario v2.toml", "a..b.csv"] {
            assert!(plain_name(good), "{good:?}");
        }
    }

    #[test]
    fn the_scenario_file_is_found_or_the_upload_refused() {
        let f = |n: &str, t: &str| (n.to_string(), t.as_bytes().to_vec());
        assert_eq!(
            check(&[f("a.csv", ""), f("scenario.toml", "")]),
            Ok("scenario.toml".into())
        );
        assert_eq!(
            check(&[f("policy.toml", "x"), f("city.toml", "[tables]\n")]),
            Ok("city.toml".into())
        );
        assert_eq!(check(&[f("a.csv", "")]), Err(Refused::NoScenario));
        assert_eq!(check(&[]), Err(Refused::Empty));
        assert_eq!(
            check(&[f("a.csv", ""), f("a.csv", "")]),
            Err(Refused::Duplicate("a.csv".into()))
        );
        assert_eq!(
            check(&[f("../a.csv", "")]),
            Err(Refused::BadName("../a.csv".into()))
        );
    }
}
