//! Calendar dates, parsed strictly from `YYYY-MM-DD`: four, two and two ASCII digits, a real day
//! of the Gregorian calendar, in the years [`Date::MIN_YEAR`]–[`Date::MAX_YEAR`] (a plausible
//! range for birth and intake dates; year 0000 or 9999 is a typo or a placeholder).

use std::fmt;

/// A calendar date, stored as (year, month, day) so it orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, written with four digits.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1 to the month's length (leap years counted).
    pub day: u8,
}

impl Date {
    /// The earliest year a date may have.
    pub const MIN_YEAR: u16 = 1900;
    /// The latest year a date may have.
    pub const MAX_YEAR: u16 = 2100;

    /// Parses `YYYY-MM-DD` (ASCII digits only), rejecting impossible days and years outside
    /// [`Date::MIN_YEAR`]–[`Date::MAX_YEAR`].
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if parts.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        let year: u16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        let day: u8 = d.parse().ok()?;
        if !(Date::MIN_YEAR..=Date::MAX_YEAR).contains(&year) {
            return None;
        }
        let days = Date::days_in_month(year, month)?;
        (day >= 1 && day <= days).then_some(Date { year, month, day })
    }

    /// Days in a month of the Gregorian calendar; `None` for a month outside 1–12.
    pub fn days_in_month(year: u16, month: u8) -> Option<u8> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
            4 | 6 | 9 | 11 => Some(30),
            2 if leap => Some(29),
            2 => Some(28),
            _ => None,
        }
    }

    /// Why `s` is not a date, in words.
    pub fn problem(s: &str) -> String {
        let parts: Vec<&str> = s.split('-').collect();
        if let [y, m, d] = parts[..] {
            let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
            if digits(y, 4) && digits(m, 2) && digits(d, 2) {
                let (year, month): (u16, u8) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0));
                if !(Date::MIN_YEAR..=Date::MAX_YEAR).contains(&year) {
                    return format!(
                        "`{s}` is not a plausible date (years run from {} to {})",
                        Date::MIN_YEAR,
                        Date::MAX_YEAR
                    );
                }
                return match Date::days_in_month(year, month) {
                    Some(days) => format!("`{s}` is not a real date ({y}-{m} has {days} days)"),
                    None => format!("`{s}` is not a real date (months run from 01 to 12)"),
                };
            }
        }
        format!("`{s}` is not a date written YYYY-MM-DD")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_order() {
        let a = Date::parse("2017-02-28").unwrap();
        let b = Date::parse("2017-03-01").unwrap();
        assert!(a < b);
        assert_eq!(a.to_string(), "2017-02-28");
        assert!(Date::parse("2017-02-29").is_none());
        assert!(Date::parse("2016-02-29").is_some());
        assert!(Date::parse("2017-13-01").is_none());
        assert!(Date::parse("2017/01/01").is_none());
        assert!(Date::parse("17-01-01").is_none());
        assert!(Date::parse("+201-01-01").is_none());
        assert!(Date::parse("0000-01-01").is_none());
        assert!(Date::parse("2101-01-01").is_none());
        assert!(Date::parse("1900-01-01").is_some());
        assert_eq!(
            Date::problem("0000-01-01"),
            "`0000-01-01` is not a plausible date (years run from 1900 to 2100)"
        );
    }
}
