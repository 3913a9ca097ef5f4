//! A table read on another thread than the loader's. What the loader's thread has set for the
//! files it reads — the size limits ([`super::read::with_input_limits`]), files served from
//! memory ([`super::rows::with_files_in_memory`]) and the registered tables of workbooks and
//! decoded CSV files ([`super::source::with_tables`]) — is kept per thread, so that loads on
//! different threads never see each other's. [`lend`] takes what one table needs from the
//! loader's thread, [`Lent::run`] sets it on whichever thread reads that table, and
//! [`give_back`] returns what the reading recorded (how the table was read, for the run's
//! report) to the loader's thread.

use std::path::Path;

use super::read::InputLimits;
use super::{rows, source};

/// What reading one table needs from the loader's thread.
pub(crate) struct Lent {
    limits: Option<InputLimits>,
    in_memory: Option<rows::InMemory>,
    tables: Option<source::LentTable>,
}

/// Takes from this thread what reading the table at `path` needs: its registered table is
/// then this [`Lent`]'s until [`give_back`].
pub(crate) fn lend(path: &Path) -> Lent {
    Lent {
        limits: InputLimits::set_here(),
        in_memory: rows::held_here(path),
        tables: source::lend_table(path),
    }
}

impl Lent {
    /// Runs `f` on this thread with what was lent set (what this thread had set is put back
    /// afterwards, also if `f` panics); returns its result and what the reading recorded.
    pub(crate) fn run<R>(self, f: impl FnOnce() -> R) -> (R, Recorded) {
        let Lent {
            limits,
            in_memory,
            tables,
        } = self;
        // Each setting is set as lent, `None` included: a rayon thread that takes this table
        // while it waits inside a load of its own must not read it with that load's settings.
        let (out, tables) = super::read::with_limits_set(limits, || {
            rows::with_held(in_memory, || source::with_lent_table(tables, f))
        });
        (out, Recorded { tables })
    }
}

/// What reading a lent table recorded, for [`give_back`]: how it was read (and the table, if
/// it was not read). The bytes served from memory were a copy; nothing of them comes back.
pub(crate) struct Recorded {
    tables: Option<source::LentTable>,
}

/// Gives back to this thread (the loader's) what the reading recorded.
pub(crate) fn give_back(recorded: Recorded) {
    source::give_back_table(recorded.tables);
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::input::read::{with_input_limits, FileKind, MIB};

    /// A table lent by a thread that set nothing is read with nothing set, even on a thread
    /// that is itself inside a load with limits and files in memory (as a rayon thread waiting
    /// in its own load may take another load's table); that thread's settings come back after.
    #[test]
    fn a_table_is_read_with_what_was_lent_and_nothing_else() {
        let path = Path::new("choices.csv");
        let lent = lend(path);
        let files = [(PathBuf::from(path), b"child,school,rank\n".to_vec())].into();
        let limits = InputLimits {
            table_bytes: MIB,
            text_bytes: MIB,
        };
        rows::with_files_in_memory(files, || {
            with_input_limits(limits, || {
                let ((), recorded) = lent.run(|| {
                    assert!(rows::held_file(path, FileKind::Table).is_none());
                    assert_eq!(InputLimits::set_here(), None);
                });
                give_back(recorded);
                assert!(rows::held_file(path, FileKind::Table).is_some());
                assert_eq!(InputLimits::set_here(), Some(limits));
            })
        });
    }
}
