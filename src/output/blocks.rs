//! A large CSV table rendered in blocks side by side.
//!
//! A row of the run's tables depends on the run alone, never on the rows written before it, so
//! a table's items (children, schools) can be cut into blocks, each block written by its own
//! `csv::Writer` on rayon's pool, and the blocks joined in order: the bytes are those of one
//! writer over every item, on any number of threads. The joined table is allocated once at its
//! exact size, where one growing buffer would double its way up to a province's 158 MB (briefly
//! holding the old and the new buffer at each step).

use rayon::prelude::*;

/// Items per block.
const ITEMS_PER_BLOCK: usize = 8192;

/// The table of `items` items after the bytes `start` (a header written by hand, or nothing),
/// each item written by `write(item, writer)`; the first block's writer writes a serde header
/// before its first row when `header` is set (as a plain `csv::Writer::from_writer` does).
pub(super) fn in_blocks<W>(start: &[u8], items: usize, header: bool, write: W) -> Vec<u8>
where
    W: Fn(usize, &mut csv::Writer<Vec<u8>>) + Sync,
{
    let blocks: Vec<Vec<u8>> = (0..items.div_ceil(ITEMS_PER_BLOCK).max(1))
        .into_par_iter()
        .map(|b| {
            let mut w = csv::WriterBuilder::new()
                .has_headers(header && b == 0)
                .from_writer(Vec::new());
            for item in b * ITEMS_PER_BLOCK..items.min((b + 1) * ITEMS_PER_BLOCK) {
                write(item, &mut w);
            }
            w.into_inner().expect("writing to memory")
        })
        .collect();
    let mut table = Vec::with_capacity(start.len() + blocks.iter().map(Vec::len).sum::<usize>());
    table.extend_from_slice(start);
    for block in blocks {
        table.extend_from_slice(&block);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

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
    /// block's edge and for an empty table.
    #[test]
    fn blocks_join_to_the_bytes_of_one_writer() {
        for items in [
            0,
            1,
            ITEMS_PER_BLOCK - 1,
            ITEMS_PER_BLOCK,
            2 * ITEMS_PER_BLOCK + 5,
        ] {
            for header in [true, false] {
                let mut one = csv::WriterBuilder::new()
                    .has_headers(header)
                    .from_writer(Vec::new());
                for n in 0..items {
                    one.serialize(row(n)).unwrap();
                }
                let one = one.into_inner().unwrap();
                let joined = in_blocks(b"", items, header, |n, w| w.serialize(row(n)).unwrap());
                assert_eq!(joined, one, "{items} items, header {header}");
                let mut started = b"a,b\n".to_vec();
                started.extend_from_slice(&one);
                let joined =
                    in_blocks(b"a,b\n", items, header, |n, w| w.serialize(row(n)).unwrap());
                assert_eq!(
                    joined, started,
                    "{items} items after a start, header {header}"
                );
            }
        }
    }
}
