//! Points as exact integers: thousandths of a point, and how they are written.
//!
//! Every score of the policy is a [`MilliPoints`] so sums and comparisons are exact and equal
//! families always tie, whatever the platform; [`format_points`] writes them back as the decimal
//! numbers a bureau uses.

/// Points are stored as thousandths of a point so sums and ties are exact.
pub type MilliPoints = i64;

/// Formats milli-points as a decimal number of points (`12500` → `12.5`).
pub fn format_points(milli: MilliPoints) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    let (whole, frac) = (m / 1000, m % 1000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let s = format!("{frac:03}");
        format!("{sign}{whole}.{}", s.trim_end_matches('0'))
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
    }
}
