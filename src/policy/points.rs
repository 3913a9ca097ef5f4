//! Points as exact integers: thousandths of a point, and how they are written.
//!
//! Every score of the policy is a [`MilliPoints`] so sums and comparisons are exact and equal
//! families always tie, whatever the platform; [`format_points`] writes them back as the decimal
//! numbers a bureau uses.

/// Points are stored as thousandths of a point so sums and ties are exact.
pub type MilliPoints = i64;

/// Formats milli-points as a decimal number of points (`12500` → `12.5`).
pub fn format_points(milli: MilliPoints) -> String {
    PointsText::new(milli).as_str().to_owned()
}

/// [`format_points`]'s text held on the stack, for tables of a million rows that write it
/// and need no `String` of it.
#[derive(Debug, Clone, Copy)]
pub struct PointsText {
    /// The text's bytes: at most 21 (`-9223372036854775.808`).
    bytes: [u8; 24],
    /// How many of `bytes` are the text.
    len: u8,
}

impl PointsText {
    /// The decimal text of `milli` thousandths of a point, without trailing zeros.
    pub fn new(milli: MilliPoints) -> PointsText {
        use std::fmt::Write as _;
        let mut text = PointsText {
            bytes: [0; 24],
            len: 0,
        };
        let sign = if milli < 0 { "-" } else { "" };
        let m = milli.unsigned_abs();
        let (whole, frac) = (m / 1000, m % 1000);
        let written = if frac == 0 {
            write!(text, "{sign}{whole}")
        } else if frac % 100 == 0 {
            write!(text, "{sign}{whole}.{}", frac / 100)
        } else if frac % 10 == 0 {
            write!(text, "{sign}{whole}.{:02}", frac / 10)
        } else {
            write!(text, "{sign}{whole}.{frac:03}")
        };
        written.expect("an i64's points fit in 24 bytes");
        text
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("written as text")
    }
}

impl std::fmt::Write for PointsText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let at = usize::from(self.len);
        let end = at + s.len();
        self.bytes
            .get_mut(at..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end as u8;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_format_without_trailing_zeros() {
        assert_eq!(format_points(12_500), "12.5");
        assert_eq!(format_points(7_000), "7");
        assert_eq!(format_points(-250), "-0.25");
        assert_eq!(format_points(1), "0.001");
        assert_eq!(format_points(-40), "-0.04");
        assert_eq!(format_points(2_010), "2.01");
        assert_eq!(format_points(0), "0");
        assert_eq!(format_points(i64::MIN), "-9223372036854775.808");
        assert_eq!(format_points(i64::MAX), "9223372036854775.807");
    }

    /// The text is that of the plain rule (three decimals, trailing zeros cut) for every
    /// thousandth between -3 and 3 points and around the extremes.
    #[test]
    fn points_text_is_the_three_decimals_without_trailing_zeros() {
        let plain = |milli: MilliPoints| {
            let sign = if milli < 0 { "-" } else { "" };
            let m = milli.unsigned_abs();
            let (whole, frac) = (m / 1000, m % 1000);
            let s = format!("{sign}{whole}.{frac:03}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        };
        let extremes = (0..2000).flat_map(|k| [i64::MIN + k, i64::MAX - k]);
        for milli in (-3000..=3000).chain(extremes) {
            assert_eq!(PointsText::new(milli).as_str(), plain(milli), "{milli}");
        }
    }
}
