//! What an identifier may hold, and when two identifiers are the same.
//!
//! Ids (of children, schools, private schools, districts, sibling groups) are compared exactly
//! once read, so two ids that look alike but differ in invisible or variant characters would be
//! two entities: `C1` and `C\u{200B}1` (a zero-width space), or `C1` and `Ｃ1` (a full-width
//! letter, as Chinese input methods type). So an id may hold no control character (Unicode
//! category Cc: NUL, ESC, DEL, …) and no format character (Cf: zero-width spaces and joiners, the
//! byte-order mark inside a cell, bidirectional overrides), nor a line or paragraph separator;
//! and two ids equal after Unicode compatibility folding ([NFKC]: full-width and half-width
//! forms, ligatures, circled digits, … count as the same character) are duplicates.
//!
//! [NFKC]: https://unicode.org/reports/tr15/

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use unicode_normalization::UnicodeNormalization;

use crate::error::is_hidden_char;

/// A map keyed by ids, hashed with FxHash: the loader looks up every child and school id of a
/// million rows, and SipHash's protection against chosen collisions buys nothing for a local
/// file. Nothing iterates such a map in an order that is shown.
pub(crate) type IdMap<V> = HashMap<String, V, BuildHasherDefault<rustc_hash::FxHasher>>;

/// A set of ids, hashed as [`IdMap`].
pub(crate) type IdSet = HashSet<String, BuildHasherDefault<rustc_hash::FxHasher>>;

/// Why `id` cannot be an id (it holds a hidden character), in words; `None` if it can.
pub fn id_problem(id: &str) -> Option<String> {
    // Printable ASCII holds no hidden character (no ASCII character is a format character or a
    // separator; its control characters are refused below): no category lookup per character.
    if id.bytes().all(|b| b.is_ascii() && !b.is_ascii_control()) {
        return None;
    }
    let (at, c) = id.chars().enumerate().find(|&(_, c)| is_hidden_char(c))?;
    let what = if c.is_control() {
        "a control character"
    } else {
        "an invisible format character"
    };
    Some(format!(
        "`{id}` holds {what} (U+{:04X}, character {}): ids may hold no control, zero-width or format characters",
        c as u32,
        at + 1
    ))
}

/// The id as compared for duplicates: its NFKC form (the id itself when it is ASCII, or already
/// in that form).
pub fn folded(id: &str) -> Cow<'_, str> {
    if id.is_ascii()
        || unicode_normalization::is_nfkc_quick(id.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return id.into();
    }
    let f: String = id.nfkc().collect();
    if f == id {
        id.into()
    } else {
        f.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_refused() {
        assert!(id_problem("C0001").is_none());
        assert!(id_problem("学生-01").is_none());
        for bad in [
            "C\u{0}1",
            "C\u{1b}[2J",
            "C\u{200b}1",
            "\u{feff}C1",
            "C\u{202e}1",
            "C\u{7f}",
        ] {
            assert!(id_problem(bad).is_some(), "{bad:?}");
        }
        assert!(id_problem("C\u{200b}1")
            .unwrap()
            .contains("U+200B, character 2"));
    }

    #[test]
    fn full_width_forms_fold_to_ascii() {
        assert_eq!(folded("Ｃ１"), "C1");
        assert!(matches!(folded("C1"), Cow::Borrowed(_)));
        assert!(matches!(folded("学生"), Cow::Borrowed(_)));
        assert_eq!(folded("①"), "1");
    }
}
