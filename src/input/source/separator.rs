//! The separator of a CSV table — comma, tab or semicolon — declared or detected from its header
//! line: the one that splits the header into columns the table knows.
//!
//! Each candidate splits the header; the one that yields the most known columns (English or
//! Chinese names, or the table's `fact_*` columns) wins. When two candidates each give two or
//! more known columns and neither gives more, the file is refused with a hint naming them; when
//! none gives two, the comma is kept and the header's own problems are reported as usual.

use super::{Chosen, Separator};
use crate::input::dictionary::{canonical_column, TableKind};

/// The candidates, in the order they are preferred when nothing tells them apart.
const CANDIDATES: [Separator; 3] = [Separator::Comma, Separator::Tab, Separator::Semicolon];

/// The separator of a table whose text is `text`: `declared`, or detected from its first line.
pub(crate) fn separator(
    text: &str,
    kind: TableKind,
    declared: Separator,
) -> Result<(Separator, Chosen), String> {
    if declared != Separator::Auto {
        return Ok((declared, Chosen::Declared));
    }
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let scores: Vec<(Separator, usize)> = CANDIDATES
        .iter()
        .map(|&s| (s, known_columns(header, s, kind)))
        .collect();
    let best = scores.iter().map(|&(_, n)| n).max().unwrap_or(0);
    if best < 2 {
        return Ok((Separator::Comma, Chosen::Detected));
    }
    let winners: Vec<Separator> = scores
        .iter()
        .filter(|&&(_, n)| n == best)
        .map(|&(s, _)| s)
        .collect();
    match winners[..] {
        [one] => Ok((one, Chosen::Detected)),
        _ => Err(format!(
            "the header line splits into {best} known columns with {}; declare the separator \
             (`separator = \"{}\"`, …)",
            winners
                .iter()
                .map(|s| s.words())
                .collect::<Vec<_>>()
                .join(" and with "),
            winners[0].key_escaped()
        )),
    }
}

/// How many fields of `header`, split at `separator`, name a column of `kind`; 0 when it does
/// not split at all.
fn known_columns(header: &str, separator: Separator, kind: TableKind) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(separator.byte())
        .trim(csv::Trim::All)
        .from_reader(header.as_bytes());
    let Some(Ok(record)) = reader.records().next() else {
        return 0;
    };
    if record.len() < 2 {
        return 0;
    }
    record
        .iter()
        .filter(|h| {
            canonical_column(kind, h).is_some()
                || (kind == TableKind::Children && h.len() > 5 && h.starts_with("fact_"))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_that_finds_the_columns_wins() {
        let sep = |t| separator(t, TableKind::Choices, Separator::Auto);
        assert_eq!(
            sep("child,school,rank\n").unwrap(),
            (Separator::Comma, Chosen::Detected)
        );
        assert_eq!(
            sep("儿童编号\t学校编号\t志愿序号\n").unwrap().0,
            Separator::Tab
        );
        assert_eq!(sep("child;school;rank\n").unwrap().0, Separator::Semicolon);
        // Nothing known: the comma, and the header's problems are reported as usual.
        assert_eq!(sep("a b c\n").unwrap().0, Separator::Comma);
        let e = sep("child,school,x;rank;school\n").unwrap_err();
        assert!(e.contains("with commas and with semicolons"), "{e}");
        assert_eq!(
            separator("x", TableKind::Choices, Separator::Tab).unwrap(),
            (Separator::Tab, Chosen::Declared)
        );
    }
}
