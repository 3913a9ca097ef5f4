//! A large CSV table rendered in blocks side by side.
//!
//! A row of the run's tables depends on the run alone, never on the rows written before it, so
//! a table's items (children, schools) can be cut into blocks, each block written by its own
//! `csv::Writer` on rayon's pool, and the blocks joined in order: the bytes are those of one
//! writer over every item, on any number of threads. The blocks are rendered a wave of
//! [`BLOCKS_PER_WAVE`] at a time and each wave appended to the table before the next is rendered,
//! so that the blocks and the joined table are never held whole at once (a province's 158 MB
//! twice). The table is reserved once, from the first wave's bytes per item with an eighth to
//! spare: capacity never written costs no memory, and a table longer than that grows as usual.

use rayon::prelude::*;

/// Blocks rendered side by side before they are appended to the table: enough to keep every
/// thread busy, few enough that a wave's blocks are a few tens of megabytes at most.
const BLOCKS_PER_WAVE: usize = 16;

/// The table of `items` items after the bytes `start` (a header written by hand, or nothing),
/// each item written by `write(item, writer)`, `per_block` items to a block (of the order of a
/// megabyte of rows: 8,192 children, a few dozen schools' waiting lists); the first block's
/// writer writes a serde header before its first row when `header` is set (as a plain
/// `csv::Writer::from_writer` does).
pub(super) fn in_blocks<W>(
    start: &[u8],
    items: usize,
    per_block: usize,
    header: bool,
    write: W,
) -> Vec<u8>
where
    W: Fn(usize, &mut csv::Writer<Vec<u8>>) + Sync,
{
    let render = |b: usize| {
        let mut w = csv::WriterBuilder::new()
            .has_headers(header && b == 0)
            .from_writer(Vec::new());
        for item in b * per_block..items.min((b + 1) * per_block) {
            write(item, &mut w);
        }
        w.into_inner().expect("writing to memory")
    };
    let blocks = items.div_ceil(per_block).max(1);
    let mut table = start.to_vec();
    for wave in (0..blocks).step_by(BLOCKS_PER_WAVE) {
        let end = blocks.min(wave + BLOCKS_PER_WAVE);
        let rendered: Vec<Vec<u8>> = (wave..end).into_par_iter().map(render).collect();
        let bytes: usize = rendered.iter().map(Vec::len).sum();
        if wave == 0 && end < blocks {
            // The whole table at the first wave's bytes per item, with an eighth to spare.
            let per_item = bytes as f64 / (end * per_block) as f64;
            table.reserve_exact((per_item * items as f64 * 1.125) as usize);
        }
        table.reserve(bytes);
        for block in rendered {
            table.extend_from_slice(&block);
        }
    }
    table
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
    /// block's edge, for an empty table, and past two waves (whose rows grow longer than the
    /// first wave's, so the table outgrows what it reserved).
    #[test]
    fn blocks_join_to_the_bytes_of_one_writer() {
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
                let joined = in_blocks(b"", items, ITEMS_PER_BLOCK, header, |n, w| {
                    w.serialize(row(n)).unwrap()
                });
                assert_eq!(joined, one, "{items} items, header {header}");
                let mut started = b"a,b\n".to_vec();
                started.extend_from_slice(&one);
                let joined = in_blocks(b"a,b\n", items, ITEMS_PER_BLOCK, header, |n, w| {
                    w.serialize(row(n)).unwrap()
                });
                assert_eq!(
                    joined, started,
                    "{items} items after a start, header {header}"
                );
            }
        }
    }
}
