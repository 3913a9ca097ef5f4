//! A large table's rows read on every core: the children table of a province is a million
//! rows, and reading them one after another kept one core busy for a second while the other
//! waited.
//!
//! [`read_cells_par`] reads the text as a stream, a few MiB at a time, and splits each block at
//! line ends into pieces that are read on any thread: each row of a piece becomes a value
//! (`map`, which sees the row alone) or a refusal. The values are then handed, in file order,
//! to `fold`, which keeps what depends on the rows before (ids seen, for instance); the fold of
//! one block runs while the next block's pieces are read. A line end splits records only
//! outside quotes: from the first block that holds a quote character on, the rest of the text
//! is read by one reader, as [`super::rows::read_cells_with`] reads it. Either way every row,
//! refusal and physical line number is the one a single reader gives, in the same order.

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::rows::{
    each_record, read_header, records_of, records_reader, table_text, Cell, CellReader, Header,
    Number, Record, RowCells, TableInfo, READ_BUFFER,
};
use super::table_text::{newlines, Lines};
use crate::error::InputError;

/// How a text is cut: the bytes read at a time (a block), and about the bytes of one piece
/// (it ends at the first line end after this many).
#[derive(Debug, Clone, Copy)]
struct Cut {
    block: usize,
    piece: usize,
}

/// A few MiB at a time, in pieces of a quarter MiB: a province's children table is some twenty
/// blocks, each in sixteen pieces, for two cores to share.
const CUT: Cut = Cut {
    block: 4 << 20,
    piece: 256 << 10,
};

/// What reading a piece made of one record.
enum Item<M> {
    /// A row's value, with its line.
    Row(u64, M),
    /// A refused row, with the value of its key column (`id`, else `child`) if it has one.
    Refused(InputError, Option<String>),
    /// The text itself could not be read: reading stops.
    Fatal(InputError),
}

/// Reads the table at `path` as [`super::rows::read_cells_with`] does, on every core: each
/// readable row is given to `map` with the names of the table's extra columns (on any thread,
/// rows of different pieces at once), and its value to `fold` with its line and what the table
/// has said so far, in file order. Refused rows are reported in `errors` in file order, their
/// keys noted as unreadable before `fold` sees the rows after them. `None` if the text or the
/// header is unusable, or the text could not be read to its end (after some rows were folded:
/// the caller drops what it built, as for `read_cells_with`).
pub(crate) fn read_cells_par<M: Send>(
    path: &Path,
    required: &[&str],
    optional: &[&str],
    fields: &[(&str, Cell)],
    errors: &mut Vec<InputError>,
    map: impl Fn(u64, &RowCells<'_>, &[String]) -> M + Sync,
    fold: impl FnMut(u64, M, &TableInfo) + Send,
) -> Option<TableInfo> {
    let columns = (required, optional);
    read_cut(path, columns, fields, CUT, errors, map, fold)
}

/// [`read_cells_par`], the text cut as `cut` says.
fn read_cut<M: Send>(
    path: &Path,
    (required, optional): (&[&str], &[&str]),
    fields: &[(&str, Cell)],
    cut: Cut,
    errors: &mut Vec<InputError>,
    map: impl Fn(u64, &RowCells<'_>, &[String]) -> M + Sync,
    mut fold: impl FnMut(u64, M, &TableInfo) + Send,
) -> Option<TableInfo> {
    let (text, format) = table_text(path, errors)?;
    let (header, mut info, start) = {
        let (mut reader, _, lines_hint) = records_reader(path, &text, format, required, errors)?;
        let (header, info) = read_header(
            path,
            &mut reader,
            format,
            required,
            optional,
            lines_hint,
            errors,
        )?;
        (header, info, reader.position().byte())
    };
    let cells = CellReader::new(path, &header, fields);
    let extra = info.extra_columns.clone();
    let unreadable =
        |e: &dyn std::fmt::Display| InputError::file(path, format!("cannot read the file: {e}"));
    // The text again, from the first record after the header.
    let mut source = match text.reader() {
        Ok(r) => r,
        Err(e) => {
            errors.push(unreadable(&e));
            return None;
        }
    };
    let mut head = Vec::new();
    if let Err(e) = (&mut source).take(start).read_to_end(&mut head) {
        errors.push(unreadable(&e));
        return None;
    }
    // Lines before the block's start.
    let mut before = newlines(&head) as u64;
    let mut block: Vec<u8> = Vec::new();
    let mut want = cut.block;
    let mut eof = false;
    // What the pieces of the block read last made, and the vectors of the block folded before
    // (emptied, kept for their room: fresh ones a block cost more in page faults than the
    // reading saved).
    let mut read: Vec<Vec<Item<M>>> = Vec::new();
    let mut spare: Vec<Vec<Item<M>>> = Vec::new();
    let quoted = loop {
        while !eof && block.len() < want {
            match fill(&mut source, &mut block, want) {
                Ok(0) => eof = true,
                Ok(_) => {}
                Err(e) => {
                    // The rows before are folded (the caller drops what it built of them).
                    if fold_items(&mut read, &mut info, errors, &mut fold) {
                        let line = before + 1 + newlines(&block) as u64;
                        errors.push(InputError {
                            line: Some(line),
                            ..unreadable(&e)
                        });
                    }
                    return None;
                }
            }
        }
        if block.contains(&b'"') {
            break true;
        }
        let end = if eof {
            block.len()
        } else {
            match block.iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => {
                    // One line longer than a block: read on until it ends.
                    want = block.len() * 2;
                    continue;
                }
            }
        };
        want = cut.block;
        let pieces = pieces(&block[..end], before, cut.piece);
        let mut next = std::mem::take(&mut spare);
        next.resize_with(pieces.len(), Vec::new);
        let (ok, ()) = rayon::join(
            || fold_items(&mut read, &mut info, errors, &mut fold),
            || {
                pieces
                    .par_iter()
                    .zip(next.par_iter_mut())
                    .for_each(|(&(bytes, before), items)| {
                        read_piece(
                            path,
                            bytes,
                            before,
                            format.delimiter,
                            &header,
                            &cells,
                            &extra,
                            &map,
                            items,
                        )
                    })
            },
        );
        if !ok {
            return None;
        }
        spare = std::mem::replace(&mut read, next);
        before += newlines(&block[..end]) as u64;
        block.drain(..end);
        if eof && block.is_empty() {
            break false;
        }
    };
    if !fold_items(&mut read, &mut info, errors, &mut fold) {
        return None;
    }
    if quoted {
        // The rest by one reader: a line end inside quotes is no record's end.
        let rest = std::io::Cursor::new(block).chain(source);
        let (rest, mut lines) = Lines::tap(rest);
        let mut reader = records_of(format.delimiter, READ_BUFFER, rest);
        let mut numbers = cells.numbers();
        let ended = each_record(
            path,
            &mut reader,
            &mut lines,
            before,
            &header,
            |r, record| {
                let item = item(r, record, &header, &cells, &mut numbers, &extra, &map);
                fold_item(item, &mut info, errors, &mut fold);
            },
        );
        if let Err(e) = ended {
            errors.push(e);
            return None;
        }
    }
    Some(info)
}

/// Reads from `source` into `block` until it holds `want` bytes or the text ends; how many
/// bytes were read (0 at the end).
fn fill(source: &mut impl Read, block: &mut Vec<u8>, want: usize) -> std::io::Result<usize> {
    let from = block.len();
    block.resize(want.max(from + 1), 0);
    let n = loop {
        match source.read(&mut block[from..]) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                block.truncate(from);
                return Err(e);
            }
        }
    };
    block.truncate(from + n);
    Ok(n)
}

/// `bytes` (whole lines) split after a line end every `size` bytes or so, each piece with the
/// lines before it (`before` before the first).
fn pieces(bytes: &[u8], mut before: u64, size: usize) -> Vec<(&[u8], u64)> {
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let mut cut = (at + size).min(bytes.len());
        if let Some(i) = bytes[cut..].iter().position(|&b| b == b'\n') {
            cut += i + 1;
        } else {
            cut = bytes.len();
        }
        pieces.push((&bytes[at..cut], before));
        before += newlines(&bytes[at..cut]) as u64;
        at = cut;
    }
    pieces
}

/// Reads the records of one piece (whole lines, `before` lines before it) into `items`.
#[allow(clippy::too_many_arguments)]
fn read_piece<M>(
    path: &Path,
    bytes: &[u8],
    before: u64,
    delimiter: u8,
    header: &Header,
    cells: &CellReader<'_>,
    extra: &[String],
    map: &(impl Fn(u64, &RowCells<'_>, &[String]) -> M + Sync),
    items: &mut Vec<Item<M>>,
) {
    let (source, mut lines) = Lines::tap(bytes);
    let mut reader = records_of(delimiter, 64 << 10, source);
    let mut numbers = cells.numbers();
    let ended = each_record(
        path,
        &mut reader,
        &mut lines,
        before,
        header,
        |r, record| {
            items.push(item(r, record, header, cells, &mut numbers, extra, map));
        },
    );
    if let Err(e) = ended {
        items.push(Item::Fatal(e));
    }
}

/// Hands the items of a block's pieces to `fold` (values) and `errors` (refusals), in order,
/// leaving the pieces' vectors empty; `false` if reading stopped at a fatal error (reported).
fn fold_items<M>(
    pieces: &mut [Vec<Item<M>>],
    info: &mut TableInfo,
    errors: &mut Vec<InputError>,
    fold: &mut impl FnMut(u64, M, &TableInfo),
) -> bool {
    pieces
        .iter_mut()
        .flat_map(|items| items.drain(..))
        .all(|item| fold_item(item, info, errors, fold))
}

/// What a record read is: its row's value (`map`'s), or a refusal with the row's key (`id`,
/// else `child`) if the table has one.
fn item<M>(
    read: Record,
    record: &csv::StringRecord,
    header: &Header,
    cells: &CellReader<'_>,
    numbers: &mut [Number],
    extra: &[String],
    map: &impl Fn(u64, &RowCells<'_>, &[String]) -> M,
) -> Item<M> {
    let refused = match read {
        Record::Row(line) => match cells.read(line, record, numbers) {
            Ok(c) => return Item::Row(line, map(line, &c, extra)),
            Err(e) => e,
        },
        Record::Refused(e) => e,
    };
    let id = header.key().and_then(|k| record.get(k)).map(str::to_string);
    Item::Refused(refused, id)
}

/// Hands an item to `fold` (a value) or `errors` (a refusal, its key noted as unreadable);
/// `false` if reading stops at it (a fatal error, reported).
fn fold_item<M>(
    item: Item<M>,
    info: &mut TableInfo,
    errors: &mut Vec<InputError>,
    fold: &mut impl FnMut(u64, M, &TableInfo),
) -> bool {
    match item {
        Item::Row(line, value) => fold(line, value, info),
        Item::Refused(e, id) => {
            errors.push(e);
            if let Some(id) = id {
                info.unreadable_ids.insert(id);
            }
        }
        Item::Fatal(e) => {
            errors.push(e);
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::rows::read_cells_with;

    const FIELDS: &[(&str, Cell)] = &[
        ("id", Cell::Text),
        ("n", Cell::Whole),
        ("x", Cell::OptDecimal),
    ];
    const COLUMNS: (&[&str], &[&str]) = (&["id", "n"], &["x", "fact_*"]);

    /// A row as both readers see it: line, id, number, decimal, extra cells.
    type Seen = (u64, String, Option<i64>, Option<f64>, Vec<String>);

    fn seen(line: u64, c: &RowCells<'_>) -> Seen {
        (
            line,
            c.text(0).to_string(),
            c.whole(1),
            c.decimal(2),
            c.extras().map(str::to_string).collect(),
        )
    }

    /// What a reader made of a file: rows, errors shown, unreadable ids sorted.
    fn outcome(
        rows: Vec<Seen>,
        errors: &[InputError],
        info: Option<TableInfo>,
    ) -> (Vec<Seen>, Vec<String>, Option<Vec<String>>) {
        let errors = errors.iter().map(|e| e.to_string()).collect();
        let ids = info.map(|i| {
            let mut ids: Vec<String> = i.unreadable_ids.into_iter().collect();
            ids.sort();
            ids
        });
        (rows, errors, ids)
    }

    fn one_by_one(path: &Path) -> (Vec<Seen>, Vec<String>, Option<Vec<String>>) {
        let (mut rows, mut errors) = (Vec::new(), Vec::new());
        let info = read_cells_with(
            path,
            COLUMNS.0,
            COLUMNS.1,
            FIELDS,
            &mut errors,
            |line, c, _| rows.push(seen(line, c)),
        );
        outcome(rows, &errors, info)
    }

    fn in_pieces(path: &Path, cut: Cut) -> (Vec<Seen>, Vec<String>, Option<Vec<String>>) {
        let (mut rows, mut errors) = (Vec::new(), Vec::new());
        let info = read_cut(
            path,
            COLUMNS,
            FIELDS,
            cut,
            &mut errors,
            |line, c, extra| {
                assert!(extra == ["a"] || extra.is_empty(), "{extra:?}");
                seen(line, c)
            },
            |_, row, _| rows.push(row),
        );
        outcome(rows, &errors, info)
    }

    /// A table with every kind of row the reader meets: good ones, bad numbers, too few or too
    /// many fields, blank lines and rows of empty cells, padded cells, Chinese ids, a line
    /// longer than a block; from `quote_at` on, quoted cells (a line end among them).
    fn table(rows: usize, quote_at: Option<usize>, crlf: bool) -> String {
        let mut text = String::from("\u{feff} id ,n,x,fact_a\n");
        for i in 0..rows {
            let row = match i % 11 {
                _ if i == rows / 2 => format!("L{},1,,{}", i, "长".repeat(3000)),
                _ if quote_at.is_some_and(|q| i >= q) && i % 5 == 0 => {
                    format!("\"Q{i}\",\"1,00{}\",,\"two\nlines\"", i % 10)
                }
                0 => format!("B{i},one,,0"),
                1 => format!("S{i},2"),
                2 => ",,,".to_string(),
                3 => String::new(),
                4 => format!(" 儿童{i}\t,{},{}.5,yes", i % 7, i % 3),
                5 => format!("D{i},3,east,0"),
                6 => format!("W{i},4,1.25,2,extra"),
                _ => format!("C{i},{},{},{}", i % 9, i as f64 / 8.0, i % 2),
            };
            text.push_str(&row);
            text.push('\n');
        }
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        text
    }

    #[test]
    fn rows_read_in_pieces_are_the_rows_read_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let cuts = [
            Cut {
                block: 64,
                piece: 8,
            },
            Cut {
                block: 1000,
                piece: 100,
            },
            Cut {
                block: 5000,
                piece: 5000,
            },
            CUT,
        ];
        for (quote_at, crlf) in [
            (None, false),
            (None, true),
            (Some(700), false),
            (Some(0), true),
        ] {
            let text = table(2000, quote_at, crlf);
            std::fs::write(&path, &text).unwrap();
            let want = one_by_one(&path);
            assert!(
                want.0.len() > 900 && want.1.len() > 500,
                "{:?}",
                want.1.len()
            );
            for cut in cuts {
                assert_eq!(in_pieces(&path, cut), want, "{cut:?} {quote_at:?} {crlf}");
            }
        }
    }

    #[test]
    fn a_table_without_rows_or_without_a_header_reads_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        for text in [
            "id,n,x,fact_a\n",
            "id,n,x,fact_a",
            "",
            " \n",
            "id,x\nC1,2\n",
            "id,n\nC1,2",
        ] {
            std::fs::write(&path, text).unwrap();
            let cut = Cut { block: 4, piece: 2 };
            assert_eq!(in_pieces(&path, cut), one_by_one(&path), "{text:?}");
        }
    }
}
