//! A CSV table's bytes as text: UTF-8 with or without a byte-order mark, GB18030/GBK (the
//! default of Excel and WPS on a Chinese Windows), or UTF-16 (with a byte-order mark, or declared
//! `utf-16le`/`utf-16be` without one), declared per table or detected.
//!
//! Detection never guesses between two readings: a byte-order mark decides; else bytes that are
//! valid UTF-8 are UTF-8; else bytes that decode as GB18030 without a single malformed sequence
//! are GB18030 (GBK is a subset of it); anything else is refused with a hint. Line breaks are
//! kept as they are, so every physical line number stays right.

use super::{Chosen, Encoding};

/// The text of a table and the encoding it was read in.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding it was read in.
    pub encoding: Encoding,
    /// Whether the encoding was declared or detected.
    pub chosen: Chosen,
}

/// How a file that is UTF-8 throughout (scanned as a stream, [`crate::input::table_text`]) reads
/// under `declared`, when [`decode`] would read it as UTF-8 and say nothing: declared UTF-8, or
/// detected (a UTF-8 byte-order mark, or no sign of UTF-16 in its `head`). `None` when `decode`
/// must judge it (a declaration it does not meet, or a message to give).
pub(crate) fn streams_as_utf8(head: &[u8], bom: bool, declared: Encoding) -> Option<Chosen> {
    match declared {
        Encoding::Utf8 => Some(Chosen::Declared),
        Encoding::Auto if bom || utf16_hint(head).is_none() => Some(Chosen::Detected),
        _ => None,
    }
}

/// Decodes `bytes` as `declared` says (`Encoding::Auto`: detected); the error is the message
/// for the file.
pub(crate) fn decode(bytes: Vec<u8>, declared: Encoding) -> Result<Decoded, String> {
    let bom = encoding_rs::Encoding::for_bom(&bytes);
    if let Some((found, len)) = bom {
        let encoding = if found == encoding_rs::UTF_8 {
            Encoding::Utf8
        } else if found == encoding_rs::UTF_16LE {
            Encoding::Utf16Le
        } else {
            Encoding::Utf16Be
        };
        if declared != Encoding::Auto && !declared.same_as(encoding) {
            return Err(format!(
                "the file starts with a {} byte-order mark but its encoding is declared `{}`; \
                 remove the declaration or save the file in {}",
                encoding.name(),
                declared.key(),
                declared.name()
            ));
        }
        let chosen = if declared == Encoding::Auto {
            Chosen::Detected
        } else {
            Chosen::Declared
        };
        if encoding == Encoding::Utf8 {
            let mut bytes = bytes;
            bytes.drain(..len);
            return utf8(bytes, chosen);
        }
        let (text, malformed) = found.decode_without_bom_handling(&bytes[len..]);
        if malformed {
            return Err(format!(
                "the file is not valid {} text (it starts with a {} byte-order mark)",
                encoding.name(),
                encoding.name()
            ));
        }
        return Ok(Decoded {
            text: text.into_owned(),
            encoding,
            chosen,
        });
    }
    match declared {
        Encoding::Auto => {
            if let Some(key) = utf16_hint(&bytes) {
                return Err(format!(
                    "the file looks like UTF-16 text without a byte-order mark (it has NUL \
                     bytes); declare its encoding (`encoding = \"{key}\"`) or save it as \"CSV UTF-8\""
                ));
            }
            if std::str::from_utf8(&bytes).is_ok() {
                return utf8(bytes, Chosen::Detected);
            }
            match gb18030(&bytes) {
                Some(text) => Ok(Decoded {
                    text,
                    encoding: Encoding::Gb18030,
                    chosen: Chosen::Detected,
                }),
                None => Err(format!(
                    "the file is neither UTF-8 nor GB18030/GBK text (line {} is neither); save it \
                     as \"CSV UTF-8\", or declare its encoding (`encoding = \"gbk\"`)",
                    first_bad_line(&bytes)
                )),
            }
        }
        Encoding::Utf8 => utf8(bytes, Chosen::Declared),
        Encoding::Gb18030 | Encoding::Gbk => match gb18030(&bytes) {
            Some(text) => Ok(Decoded {
                text,
                encoding: declared,
                chosen: Chosen::Declared,
            }),
            None => Err(format!(
                "the file is declared `{}` but line {} is not {} text",
                declared.key(),
                first_bad_gb18030_line(&bytes),
                declared.name()
            )),
        },
        Encoding::Utf16Le | Encoding::Utf16Be => utf16_without_bom(&bytes, declared),
    }
}

/// Bytes declared UTF-16LE or UTF-16BE that carry no byte-order mark (as some exports write
/// them): decoded as declared, refused at the first line that is not in it.
fn utf16_without_bom(bytes: &[u8], declared: Encoding) -> Result<Decoded, String> {
    let codec = if declared == Encoding::Utf16Le {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::UTF_16BE
    };
    let (text, malformed) = codec.decode_without_bom_handling(bytes);
    if malformed {
        let line = 1 + text
            .split('\u{FFFD}')
            .next()
            .map_or(0, |before| before.matches('\n').count());
        return Err(format!(
            "the file is declared `{}` but line {line} is not {} text",
            declared.key(),
            declared.name()
        ));
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: declared,
        chosen: Chosen::Declared,
    })
}

/// The encoding key to suggest when undeclared bytes look like UTF-16 without a byte-order
/// mark: among the first 512 bytes, NULs at one parity of offset make up at least a sixteenth
/// of them (every ASCII comma, digit and line break of UTF-16 text brings one), at even offsets
/// for `utf-16be`, odd ones for `utf-16le`. A stray NUL in a UTF-8 table is not taken for
/// UTF-16: the cell holding it is refused by the rules for ids and values instead.
fn utf16_hint(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(512)];
    let at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|&(i, &b)| b == 0 && i % 2 == parity)
            .count()
    };
    let (even, odd) = (at(0), at(1));
    let enough = (head.len() / 16).max(2);
    if even.max(odd) < enough {
        return None;
    }
    Some(if even >= odd { "utf-16be" } else { "utf-16le" })
}

/// UTF-8 bytes as text, without a copy.
fn utf8(bytes: Vec<u8>, chosen: Chosen) -> Result<Decoded, String> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text,
            encoding: Encoding::Utf8,
            chosen,
        }),
        Err(e) => {
            let line = first_bad_line(e.as_bytes());
            Err(format!(
                "the file is not UTF-8 text (line {line}; an Excel export in GBK? declare \
                 `encoding = \"gbk\"` or save it as \"CSV UTF-8\")"
            ))
        }
    }
}

/// The bytes decoded as GB18030, or `None` if any sequence is malformed.
fn gb18030(bytes: &[u8]) -> Option<String> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}

/// The 1-based line of the first byte that is not UTF-8.
fn first_bad_line(bytes: &[u8]) -> u64 {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    line_of(bytes, valid)
}

/// The 1-based line of the first line that is not GB18030.
fn first_bad_gb18030_line(bytes: &[u8]) -> u64 {
    let mut line = 1;
    for chunk in bytes.split(|&b| b == b'\n') {
        if gb18030(chunk).is_none() {
            return line;
        }
        line += 1;
    }
    line
}

/// The 1-based line of byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "上城区" in GBK.
    const GBK: &[u8] = b"id,name\nD1,\xc9\xcf\xb3\xc7\xc7\xf8\n";

    #[test]
    fn utf8_gbk_and_utf16_are_told_apart() {
        let d = decode(b"\xEF\xBB\xBFid\n".to_vec(), Encoding::Auto).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("id\n", Encoding::Utf8));
        let d = decode(GBK.to_vec(), Encoding::Auto).unwrap();
        assert_eq!(d.text, "id,name\nD1,上城区\n");
        assert_eq!(
            (d.encoding, d.chosen),
            (Encoding::Gb18030, Chosen::Detected)
        );
        let d = decode(GBK.to_vec(), Encoding::Gbk).unwrap();
        assert_eq!((d.encoding, d.chosen), (Encoding::Gbk, Chosen::Declared));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "id,名\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let d = decode(utf16, Encoding::Auto).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("id,名\n", Encoding::Utf16Le)
        );
    }

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_read_when_declared_and_hinted_otherwise() {
        for (le, declared, key) in [
            (true, Encoding::Utf16Le, "utf-16le"),
            (false, Encoding::Utf16Be, "utf-16be"),
        ] {
            let d = decode(utf16("id,名\nD1,上城区\n", le), declared).unwrap();
            assert_eq!(
                (d.text.as_str(), d.encoding, d.chosen),
                ("id,名\nD1,上城区\n", declared, Chosen::Declared)
            );
            let e = decode(utf16("id\nD1\n", le), Encoding::Auto).unwrap_err();
            assert!(e.contains(&format!("`encoding = \"{key}\"`")), "{e}");
        }
        // A stray NUL in a UTF-8 table is read as UTF-8 (its cell is refused later).
        let stray = b"id,name\nD1,Shang\0cheng\nD2,Xihu\nD3,Gongshu\nD4,Binjiang\n".to_vec();
        assert_eq!(
            decode(stray, Encoding::Auto).unwrap().encoding,
            Encoding::Utf8
        );
        // A lone surrogate on line 2 is not UTF-16.
        let mut bad = utf16("id\n", true);
        bad.extend([0x00, 0xD8, b'x', 0x00]);
        let e = decode(bad, Encoding::Utf16Le).unwrap_err();
        assert!(e.contains("declared `utf-16le` but line 2"), "{e}");
    }

    #[test]
    fn what_is_neither_is_refused_at_its_line() {
        let e = decode(b"id\nok\n\xff\xff\n".to_vec(), Encoding::Auto).unwrap_err();
        assert!(
            e.contains("neither UTF-8 nor GB18030/GBK text (line 3"),
            "{e}"
        );
        let e = decode(GBK.to_vec(), Encoding::Utf8).unwrap_err();
        assert!(e.contains("not UTF-8 text (line 2"), "{e}");
        let e = decode(b"\xEF\xBB\xBFid\n".to_vec(), Encoding::Gbk).unwrap_err();
        assert!(e.contains("UTF-8 byte-order mark"), "{e}");
    }
}
