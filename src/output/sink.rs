//! Where a run's files go as they are rendered: one file after another, each written by its
//! renderer into the writer the sink gives it.
//!
//! A province's two large tables (placements and waiting lists, a quarter of a gigabyte
//! together) are written to their destination as they are rendered, never held whole: the
//! output folder's staging files ([`crate::atomic_dir::write_dir_with`]), a hash for
//! `seatplan verify` ([`crate::manifest::Hashing`] over [`Discard`]), or memory for embedders and
//! tests that want the bytes ([`Held`]). The renderers give the same bytes to every sink.

use std::io::{self, Write};

/// A destination for files written one after another.
pub trait FileSink {
    /// Takes file `name`, whose bytes `body` writes into the writer it is given. An error of
    /// the writer (a full disk) is `body`'s error and ends the file; the sink returns it.
    fn file(
        &mut self,
        name: &'static str,
        body: &mut dyn FnMut(&mut (dyn Write + Send)) -> io::Result<()>,
    ) -> io::Result<()>;

    /// Takes file `name` whose bytes are already rendered.
    fn bytes(&mut self, name: &'static str, bytes: &[u8]) -> io::Result<()> {
        self.file(name, &mut |w| w.write_all(bytes))
    }
}

/// Every file held in memory, in the order written.
#[derive(Debug, Default)]
pub struct Held(pub Vec<(&'static str, Vec<u8>)>);

impl FileSink for Held {
    fn file(
        &mut self,
        name: &'static str,
        body: &mut dyn FnMut(&mut (dyn Write + Send)) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        body(&mut bytes)?;
        self.0.push((name, bytes));
        Ok(())
    }
}

/// Every file's bytes dropped as written (a sink under a hash that wants nothing else).
#[derive(Debug, Default)]
pub struct Discard;

impl FileSink for Discard {
    fn file(
        &mut self,
        _: &'static str,
        body: &mut dyn FnMut(&mut (dyn Write + Send)) -> io::Result<()>,
    ) -> io::Result<()> {
        body(&mut io::sink())
    }
}
