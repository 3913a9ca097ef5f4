//! A large CSV table rendered in blocks side by side and written out as it goes.
//!
//! A row of the run's tables depends on the run alone, never on the rows written before it, so
//! a table's items (children, schools) can be cut into blocks, each block written by its own
//! `csv::Writer` on rayon's pool, and the blocks written out in order: the bytes are those of
//! one writer over every item, on any number of threads. The blocks are rendered a wave of
//! [`BLOCKS_PER_WAVE`] at a time, each wave written to the table's destination (a staging
//! file, a hash, memory) while the next is rendered, so a table is never held whole unless
//! its destination holds it: a province's placements are a few waves of megabytes in memory,
//! not 130 MB. What the results workbook needs of the table is kept on the way ([`Kept`]).

use std::io::{self, Write};

use rayon::prelude::*;

use super::workbook::Kept;

/// Blocks rendered side by side before they are written out: enough to keep every thread
/// busy, few enough that the two waves held at once (one rendered, one written) are a few tens
/// of megabytes at most.
const BLOCKS_PER_WAVE: usize = 8;

/// Writes into `out` the table of `items` items after the bytes `start` (a header written by
/// hand, or nothing), each item written by `write(item, writer)`, which returns the rows it
/// wrote, `per_block` items to a block (of the order of a megabyte of rows: 8,192 children, a
/// few dozen schools' waiting lists); the first block's writer writes a serde header before its
/// first row when `header` is set (as a plain `csv::Writer::from_writer` does). Returns what the
/// workbook keeps of the table: its rows, and its bytes while they are few enough for a sheet.
/// An error is `out`'s (a full disk), returned at once.
pub(super) fn in_blocks<W>(
    out: &mut (dyn Write + Send),
    start: &[u8],
    items: usize,
    per_block: usize,
    header: bool,
    write: W,
) -> io::Result<Kept>
where
    W: Fn(usize, &mut csv::Writer<Vec<u8>>) -> usize + Sync,
{
    let render = |b: usize, buffer: Vec<u8>| {
        let mut w = csv::WriterBuilder::new()
            .has_headers(header && b == 0)
            .from_writer(buffer);
        let mut rows = 0;
        for item in b * per_block..items.min((b + 1) * per_block) {
            rows += write(item, &mut w);
        }
        (w.into_inner().expect("writing to memory"), rows)
    };
    let blocks = items.div_ceil(per_block).max(1);
    let mut kept = Kept::default();
    out.write_all(start)?;
    kept.add(start, 0);
    // A block written out gives its buffer back, emptied, to a later wave: the buffers of a
    // table are allocated (and their pages touched) once, not once a block.
    let mut emit = |rendered: Vec<(Vec<u8>, usize)>| -> io::Result<Vec<Vec<u8>>> {
        let mut emptied = Vec::with_capacity(rendered.len());
        for (mut block, rows) in rendered {
            out.write_all(&block)?;
            kept.add(&block, rows);
            block.clear();
            emptied.push(block);
        }
        Ok(emptied)
    };
    // Each wave is rendered while the one before it is written (and hashed, and copied for
    // the workbook): writing takes about as long as rendering.
    let mut pending = Vec::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    for wave in (0..blocks).step_by(BLOCKS_PER_WAVE) {
        let end = blocks.min(wave + BLOCKS_PER_WAVE);
        let before = std::mem::take(&mut pending);
        let buffers: Vec<Vec<u8>> = (wave..end)
            .map(|_| spare.pop().unwrap_or_default())
            .collect();
        let (rendered, written) = rayon::join(
            || {
                (wave..end)
                    .into_par_iter()
                    .zip(buffers)
                    .map(|(b, buffer)| render(b, buffer))
                    .collect()
            },
            || emit(before),
        );
        spare.extend(written?);
        pending = rendered;
    }
    emit(pending)?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items per block in the test.
    const ITEMS_PER_BLOCK: usize = 8192;

    #[derive(serde::Serialize)]
    struct Row {
        n: usize,
        text: String,
    }

    fn row(n: usize) -> Row {
        Row {
            n,
            text: format!("row, \"{n}\""),
        }
    }

    /// Blocks give the bytes of one writer, with and without a header, at sizes around a
    /// block's edge, for an empty table, and past two waves; the rows are counted.
    #[test]
    fn blocks_write_the_bytes_of_one_writer() {
        for items in [
            0,
            1,
            ITEMS_PER_BLOCK - 1,
            ITEMS_PER_BLOCK,
            2 * ITEMS_PER_BLOCK + 5,
            2 * BLOCKS_PER_WAVE * ITEMS_PER_BLOCK + 5,
        ] {
            for header in [true, false] {
                let mut one = csv::WriterBuilder::new()
                    .has_headers(header)
                    .from_writer(Vec::new());
                for n in 0..items {
                    one.serialize(row(n)).unwrap();
                }
                let one = one.into_inner().unwrap();
                let mut started = b"a,b\n".to_vec();
                started.extend_from_slice(&one);
                for (start, expected) in [(&b""[..], &one), (&b"a,b\n"[..], &started)] {
                    let mut written = Vec::new();
                    let kept = in_blocks(
                        &mut written,
                        start,
                        items,
                        ITEMS_PER_BLOCK,
                        header,
                        |n, w| {
                            w.serialize(row(n)).unwrap();
                            1
                        },
                    )
                    .unwrap();
                    assert_eq!(
                        &written, expected,
                        "{items} items, start {start:?}, header {header}"
                    );
                    assert_eq!(kept.rows(), items);
                }
            }
        }
    }
}
