//! The written forms of numbers in the tables, stricter than Rust's parsers and the csv crate's.
//!
//! A whole number is an optional `-` and decimal digits (`24`, `-3`, `007`), or digits grouped
//! in thousands by `,` as Excel and WPS write them (`1,000`, `12,345,678`, `-1,000`; in a CSV
//! such a cell is quoted): the first group of one to three digits, every other group of exactly
//! three. A number is a whole number without grouping, optionally followed by `.` and digits
//! (`1.5`, `-2.616`, `.5`, `3.`); a decimal column takes no `,` at all, since `1,234` there could
//! be a European decimal comma (1.234) as well as a thousands separator. Nothing else: no `+`
//! sign, no hexadecimal (`0x10`, which the csv crate would read as 16), no exponent (`1e3`), no
//! `inf`, `NaN` or `infinity`, no `_` separators, no spaces inside, and no full-width digits
//! (`１２`: Excel and WPS keep such a cell as text and leave it out of their sums, so the tool
//! does not count it either). The row shapes of [`super::rows`] read their number cells through
//! these functions (`deserialize_with`), and a cell in another form is reported as
//! [`whole_problem`] or [`number_problem`] words it: `` `0x10` is not a whole number ``, with a
//! hint where the form is a known mistake (`1,00`, `1.000,5`, `１２`).

use serde::de::{self, Deserializer, Visitor};

/// The message of a cell that is not a whole number in decimal digits (turned into
/// `` `raw` is not a whole number `` where the error is reported).
pub(crate) const NOT_WHOLE: &str = "not a whole number";
/// The message of a cell that is not a decimal number.
pub(crate) const NOT_NUMBER: &str = "not a number";

/// The number columns of the scenario's tables read through this module: name, whether a whole
/// number, whether optional (a blank cell is then no value). A refused cell's error carries no
/// column index (the csv crate gives none for a visitor's own error), so the column is found
/// here: the first of these columns, in header order, whose cell holds the refused value — the
/// one the csv crate stopped at, since it reads the cells of a row in header order.
const COLUMNS: &[(&str, bool, bool)] = &[
    ("permanent_population", true, false),
    ("cohort_share", false, true),
    ("migrant_share", false, true),
    ("cohort_children", true, true),
    ("apply_share", false, true),
    ("growth_rate", false, true),
    ("entry_grade", true, false),
    ("seats", true, false),
    ("x_km", false, true),
    ("y_km", false, true),
    ("lat", false, true),
    ("lon", false, true),
    ("reserved_migrant", true, true),
    ("purchasable_seats", true, false),
    ("subsidy_yuan", true, false),
    ("fee_yuan", true, false),
    ("permit_months", true, false),
    ("insurance_months", true, false),
    ("residence_months", true, false),
    ("insurance_months_elsewhere", true, true),
    ("residence_months_elsewhere", true, true),
    ("rank", true, false),
    ("seats_per_unit", true, false),
    ("cost_per_unit_yuan", true, false),
    ("fixed_cost_yuan", true, true),
    ("min_units", true, true),
    ("max_units", true, true),
];

/// The index of the column whose cell was refused as not a whole number (`whole`) or not a
/// number, given the header and the row.
pub(crate) fn refused_column(
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
    whole: bool,
) -> Option<usize> {
    headers.iter().zip(record.iter()).position(|(h, cell)| {
        COLUMNS.iter().any(|&(name, is_whole_column, optional)| {
            name == h
                && is_whole_column == whole
                && !(optional && cell.is_empty())
                && (if whole {
                    parse_whole(cell).is_none()
                } else {
                    parse_decimal(cell).is_none()
                })
        })
    })
}

/// Whether `s` is one or more ASCII digits.
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` is ASCII digits grouped in thousands by `,`: one to three digits, then one or
/// more groups of `,` and exactly three digits.
fn is_grouped(s: &str) -> bool {
    let mut groups = s.split(',');
    let first = groups.next().unwrap_or("");
    let mut rest = groups.peekable();
    rest.peek().is_some()
        && all_digits(first)
        && first.len() <= 3
        && rest.all(|g| g.len() == 3 && all_digits(g))
}

/// Whether `s` is an optional `-` followed by one or more ASCII digits, ungrouped or grouped in
/// thousands by `,` (`12,345`).
pub fn is_whole(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    all_digits(digits) || is_grouped(digits)
}

/// The message of a cell refused as a whole number: `` `raw` is not a whole number ``, with a
/// hint for a known mistake.
pub fn whole_problem(raw: &str) -> String {
    let hint = if raw.chars().any(|c| ('０'..='９').contains(&c)) {
        ": full-width digits are text to Excel and WPS; write ASCII digits (`12`, not `１２`)"
    } else if raw.contains(',') && raw.contains('.') {
        ": a whole number has no `.`; thousands are grouped by `,` (`1,000`), never by `.`"
    } else if raw.contains(',') {
        ": thousands are grouped by `,` in threes (`1,000`, `12,345,678`)"
    } else if raw.contains('.')
        && raw
            .trim_start_matches('-')
            .split('.')
            .skip(1)
            .all(|g| g.len() == 3 && all_digits(g))
    {
        ": `.` is not read as a thousands separator; write `1000` or `1,000`"
    } else {
        ""
    };
    format!("`{raw}` is not a whole number{hint}")
}

/// The message of a cell refused as a decimal number: `` `raw` is not a number ``, with a hint
/// for a known mistake.
pub fn number_problem(raw: &str) -> String {
    let hint = if raw.chars().any(|c| ('０'..='９').contains(&c)) {
        ": full-width digits are text to Excel and WPS; write ASCII digits (`1.5`, not `１.５`)"
    } else if raw.contains(',') {
        ": a decimal number takes no `,` (a decimal comma or a thousands separator cannot be told apart); write `1234.5` or `1.2345`"
    } else {
        ""
    };
    format!("`{raw}` is not a number{hint}")
}

/// Whether `s` is a whole number without grouping, optionally followed by `.` and digits, or
/// `-.5`/`.5`: at least one digit in all.
pub fn is_decimal(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac)
}

/// A whole number parsed from its decimal form (grouped or not), or `None`.
pub fn parse_whole(s: &str) -> Option<i64> {
    // Most cells are a few plain digits: read in one pass (18 digits cannot overflow).
    let (negative, digits) = match s.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, s),
    };
    if (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        let v = digits
            .bytes()
            .fold(0i64, |v, b| v * 10 + i64::from(b - b'0'));
        return Some(if negative { -v } else { v });
    }
    if !is_whole(s) {
        return None;
    }
    if s.contains(',') {
        s.replace(',', "").parse().ok()
    } else {
        s.parse().ok()
    }
}

/// A decimal number parsed from its decimal form, or `None` (always finite).
pub fn parse_decimal(s: &str) -> Option<f64> {
    is_decimal(s)
        .then(|| s.parse().ok())
        .flatten()
        .filter(|v: &f64| v.is_finite())
}

#[derive(Clone, Copy)]
struct Whole;

impl Visitor<'_> for Whole {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number in decimal digits")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        parse_whole(v).ok_or_else(|| E::custom(NOT_WHOLE))
    }
}

#[derive(Clone, Copy)]
struct Decimal;

impl Visitor<'_> for Decimal {
    type Value = f64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a decimal number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        parse_decimal(v).ok_or_else(|| E::custom(NOT_NUMBER))
    }
}

/// An optional cell: `None` when blank, else read by the inner visitor.
struct Optional<V>(V);

impl<'de, V: Visitor<'de> + Copy> Visitor<'de> for Optional<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self.0).map(Some)
    }
}

/// Reads a whole-number cell (`deserialize_with`).
pub(crate) fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_str(Whole)
}

/// Reads an optional whole-number cell (`deserialize_with`, with `default`).
pub(crate) fn opt_whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_option(Optional(Whole))
}

/// Reads an optional decimal-number cell (`deserialize_with`, with `default`).
pub(crate) fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_option(Optional(Decimal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_decimal_forms_are_numbers() {
        for ok in ["0", "24", "-3", "007"] {
            assert!(is_whole(ok), "{ok}");
        }
        for bad in ["", "-", "+5", "0x10", "1e3", "24.0", "1_000", " 1", "١٢"] {
            assert!(!is_whole(bad), "{bad}");
        }
        for ok in ["1.5", "-2.616", ".5", "3.", "-0", "12"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in [
            "", ".", "-.", "+1", "1e3", "inf", "NaN", "infinity", "0x10", "1.2.3",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
        assert_eq!(parse_whole("99999999999999999999"), None);
        assert_eq!(parse_whole("99,999,999,999,999,999,999"), None);
        assert_eq!(parse_decimal("-2.5"), Some(-2.5));
    }

    #[test]
    fn thousands_are_grouped_by_three() {
        for (text, value) in [
            ("1,000", 1000),
            ("12,345,678", 12_345_678),
            ("-1,000", -1000),
            ("999,999", 999_999),
            ("0,000", 0),
        ] {
            assert_eq!(parse_whole(text), Some(value), "{text}");
        }
        for bad in [
            "1,00", "1,0000", ",100", "1,", "1000,000", "1,,000", "1,000.5", "1.000", "1.000,5",
            "+1,000",
        ] {
            assert_eq!(parse_whole(bad), None, "{bad}");
        }
        for bad in ["1,5", "1,000.5", "1,234"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn known_mistakes_get_a_hint() {
        assert_eq!(
            whole_problem("1,00"),
            "`1,00` is not a whole number: thousands are grouped by `,` in threes (`1,000`, `12,345,678`)"
        );
        assert_eq!(
            whole_problem("1.000,5"),
            "`1.000,5` is not a whole number: a whole number has no `.`; thousands are grouped by `,` (`1,000`), never by `.`"
        );
        assert_eq!(
            whole_problem("1.000"),
            "`1.000` is not a whole number: `.` is not read as a thousands separator; write `1000` or `1,000`"
        );
        assert_eq!(whole_problem("2.5"), "`2.5` is not a whole number");
        assert_eq!(whole_problem("0x10"), "`0x10` is not a whole number");
        assert_eq!(
            whole_problem("１２"),
            "`１２` is not a whole number: full-width digits are text to Excel and WPS; write ASCII digits (`12`, not `１２`)"
        );
        assert_eq!(
            number_problem("1,5"),
            "`1,5` is not a number: a decimal number takes no `,` (a decimal comma or a thousands separator cannot be told apart); write `1234.5` or `1.2345`"
        );
        assert_eq!(number_problem("NaN"), "`NaN` is not a number");
    }

    /// `n` written with its thousands grouped by `,`.
    fn grouped(n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0 {
            out.insert(0, '-');
        }
        out
    }

    proptest::proptest! {
        /// Every whole number reads back the same, grouped or not; a comma moved by one digit
        /// is refused.
        #[test]
        fn grouped_numbers_read_back(n in proptest::num::i64::ANY) {
            proptest::prop_assert_eq!(parse_whole(&n.to_string()), Some(n));
            let g = grouped(n);
            proptest::prop_assert_eq!(parse_whole(&g), Some(n));
            if let Some(comma) = g.find(',') {
                let mut moved = g.clone();
                moved.remove(comma);
                moved.insert(comma + 1, ',');
                proptest::prop_assert_eq!(parse_whole(&moved), None, "{}", moved);
            }
        }
    }
}
