//! The written forms of numbers in the tool's TOML files (scenario, policy, sweep, appeal),
//! stricter than TOML's.
//!
//! TOML reads `0x10`, `0o20` and `0b10000` as 16, `+16` as 16, and `inf` and `nan` as floats, so a
//! policy could say `seats = 0x10` or `weight = nan` and be taken at its word. The tool's files
//! take numbers only in their decimal forms, as the tables do ([`crate::input::forms`]): an
//! optional `-`, decimal digits (TOML's `_` between digits allowed, `1_000`), and for a decimal
//! number a fraction and an exponent (`0.5`, `2.5e3`). Hexadecimal, octal and binary integers, a
//! leading `+`, and `inf`/`nan` are refused with the line and key, before the file is read into
//! its shape. The check reads the file with `toml_edit` (the parser under `toml`), whose values
//! keep their spans in the text.

use toml_edit::{ImDocument, Item, Value};

/// A number written in a form the tool refuses: its text, the key it is the value of, and the
/// byte offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    /// The number as written.
    pub raw: String,
    /// The dotted key of the value (`priority.tie_break`, `indicators[2].weight`).
    pub key: String,
    /// Byte offset of the value in the text.
    pub offset: usize,
    /// Why the form is refused.
    pub why: &'static str,
}

/// The first number of `text` written in a refused form, if any; `None` also when the text is
/// not valid TOML (the caller's `toml` parse then reports that).
pub(crate) fn first_refused(text: &str) -> Option<Refused> {
    let doc = ImDocument::parse(text).ok()?;
    let mut found = None;
    walk_table_items(doc.as_table().iter(), "", text, &mut found);
    found
}

fn walk_table_items<'a>(
    items: impl Iterator<Item = (&'a str, &'a Item)>,
    prefix: &str,
    text: &str,
    found: &mut Option<Refused>,
) {
    for (key, item) in items {
        if found.is_some() {
            return;
        }
        let key = join(prefix, key);
        match item {
            Item::None => {}
            Item::Value(v) => walk_value(v, &key, text, found),
            Item::Table(t) => walk_table_items(t.iter(), &key, text, found),
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    walk_table_items(t.iter(), &format!("{key}[{}]", i + 1), text, found);
                }
            }
        }
    }
}

fn walk_value(value: &Value, key: &str, text: &str, found: &mut Option<Refused>) {
    if found.is_some() {
        return;
    }
    let (span, integer) = match value {
        Value::Integer(f) => (f.span(), true),
        Value::Float(f) => (f.span(), false),
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk_value(v, &format!("{key}[{}]", i + 1), text, found);
            }
            return;
        }
        Value::InlineTable(t) => {
            for (k, v) in t.iter() {
                walk_value(v, &join(key, k), text, found);
            }
            return;
        }
        Value::String(_) | Value::Boolean(_) | Value::Datetime(_) => return,
    };
    let Some(span) = span else { return };
    let Some(raw) = text.get(span.clone()) else {
        return;
    };
    if let Some(why) = refusal(raw.trim(), integer) {
        *found = Some(Refused {
            raw: raw.trim().to_string(),
            key: key.to_string(),
            offset: span.start,
            why,
        });
    }
}

/// Why a number written `raw` is refused, or `None` when its form is decimal.
fn refusal(raw: &str, integer: bool) -> Option<&'static str> {
    let unsigned = raw.strip_prefix('-').unwrap_or(raw);
    if raw.starts_with('+') {
        Some("a number takes no `+` sign")
    } else if integer
        && ["0x", "0o", "0b"]
            .iter()
            .any(|p| unsigned.len() > 2 && unsigned[..2].eq_ignore_ascii_case(p))
    {
        Some("numbers are read in decimal only (no hexadecimal, octal or binary)")
    } else if !integer && (unsigned.contains("inf") || unsigned.contains("nan")) {
        Some("a number must be finite (no `inf` or `nan`)")
    } else {
        None
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_forms_pass() {
        let text = "a = 12\nb = -3\nc = 1_000\nd = 0.5\ne = -2.5e3\nf = [1, 2]\n[g]\nh = { i = 7 }\n[[j]]\nk = 0\n";
        assert_eq!(first_refused(text), None);
    }

    #[test]
    fn other_forms_are_refused_with_their_key() {
        for (text, raw, key) in [
            ("seats = 0x10\n", "0x10", "seats"),
            ("[a]\nb = 0o20\n", "0o20", "a.b"),
            ("a = { b = [1, 0b10] }\n", "0b10", "a.b[2]"),
            ("a = +16\n", "+16", "a"),
            ("a = +1.5\n", "+1.5", "a"),
            ("[[ind]]\nw = 1\n[[ind]]\nw = nan\n", "nan", "ind[2].w"),
            ("w = -inf\n", "-inf", "w"),
        ] {
            let r = first_refused(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((r.raw.as_str(), r.key.as_str()), (raw, key), "{text}");
            assert_eq!(&text[r.offset..r.offset + raw.len()], raw);
        }
    }

    #[test]
    fn strings_and_invalid_toml_are_left_alone() {
        assert_eq!(first_refused("a = \"0x10\"\nb = '+1'\n"), None);
        assert_eq!(first_refused("a = = 1"), None);
    }
}
