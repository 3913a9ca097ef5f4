//! Calendar dates: a real day of the Gregorian calendar, in the years
//! [`Date::MIN_YEAR`]–[`Date::MAX_YEAR`] (a plausible range for birth and intake dates; year 0000
//! or 9999 is a typo or a placeholder).
//!
//! [`Date::parse`] reads the strict `YYYY-MM-DD` of the scenario file (four, two and two ASCII
//! digits). [`Date::parse_written`] reads a table cell as Excel, WPS and bureaus write dates, always
//! year first: `2017-01-10`, `2017-1-10`, `2017/1/10`, `2017.1.10`, `2017年1月10日` (one separator
//! throughout, month and day of one or two digits), optionally followed by a midnight time
//! (`2017/1/10 0:00`, as Excel writes a date cell saved as CSV). A date written day-first or
//! month-first (`10/1/2017`, `1/10/2017`) is never guessed: it is refused with a hint to write
//! `YYYY-MM-DD`, and so are two-digit years and bare numbers (an Excel serial date).

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

/// Whether `t` is one to `max` ASCII digits.
fn digits_upto(t: &str, max: usize) -> bool {
    (1..=max).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// The date part of a cell and whether a time part after it is a midnight time (`0:00`,
/// `00:00:00`); `None` if there is a time part that is not midnight.
fn without_midnight(s: &str) -> Option<&str> {
    match s.split_once(' ') {
        None => Some(s),
        Some((date, time)) => {
            let parts: Vec<&str> = time.split(':').collect();
            let midnight = (2..=3).contains(&parts.len())
                && parts
                    .iter()
                    .all(|p| digits_upto(p, 2) && p.bytes().all(|b| b == b'0'));
            midnight.then_some(date)
        }
    }
}

/// The (year, month, day) digit groups of a year-first date in one of the written forms, or
/// `None`.
fn year_first(s: &str) -> Option<(&str, &str, &str)> {
    if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        return Some((y, m, d));
    }
    let sep = ['-', '/', '.'].into_iter().find(|&c| s.contains(c))?;
    let mut parts = s.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((y, m, d))
}

impl Date {
    /// Reads a date cell of a table in any of the written forms of the module doc; the error
    /// says why it is not a date, in words, with a hint to write `YYYY-MM-DD` where the form is
    /// ambiguous or unknown.
    pub fn parse_written(s: &str) -> Result<Date, String> {
        let hint = "write dates year first, as YYYY-MM-DD (2017-01-10), 2017/1/10 or 2017年1月10日";
        let Some(date) = without_midnight(s) else {
            return Err(format!("`{s}` is not a date: it has a time of day; {hint}"));
        };
        if let Some((y, m, d)) = year_first(date) {
            if y.len() == 4 && digits_upto(y, 4) && digits_upto(m, 2) && digits_upto(d, 2) {
                let padded = format!("{y}-{m:0>2}-{d:0>2}");
                return Date::parse(&padded).ok_or_else(|| {
                    Date::problem(&padded).replacen(&format!("`{padded}`"), &format!("`{s}`"), 1)
                });
            }
            let all_digits = [y, m, d].iter().all(|t| digits_upto(t, 4));
            if all_digits && d.len() == 4 && y.len() <= 2 && m.len() <= 2 {
                return Err(format!(
                    "`{s}` is written day-first or month-first, which cannot be told apart; {hint}"
                ));
            }
            if all_digits && y.len() == 2 {
                return Err(format!(
                    "`{s}` has a two-digit year, which is not guessed; {hint}"
                ));
            }
        }
        if digits_upto(s, 6) {
            return Err(format!(
                "`{s}` is a bare number, not a date (an Excel serial date? format the column as a date, or write it as text); {hint}"
            ));
        }
        Err(format!("`{s}` is not a date; {hint}"))
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

    #[test]
    fn written_forms_are_read_year_first() {
        let jan10 = Date {
            year: 2017,
            month: 1,
            day: 10,
        };
        for ok in [
            "2017-01-10",
            "2017-1-10",
            "2017/1/10",
            "2017/01/10",
            "2017.1.10",
            "2017年1月10日",
            "2017年01月10日",
            "2017/1/10 0:00",
            "2017-01-10 00:00:00",
        ] {
            assert_eq!(Date::parse_written(ok), Ok(jan10), "{ok}");
        }
        let problem = |s: &str| Date::parse_written(s).unwrap_err();
        let hint = "write dates year first, as YYYY-MM-DD (2017-01-10), 2017/1/10 or 2017年1月10日";
        for ambiguous in ["10/1/2017", "1/10/2017", "10-01-2017", "10.1.2017"] {
            assert_eq!(
                problem(ambiguous),
                format!("`{ambiguous}` is written day-first or month-first, which cannot be told apart; {hint}")
            );
        }
        assert_eq!(
            problem("17/1/10"),
            format!("`17/1/10` has a two-digit year, which is not guessed; {hint}")
        );
        assert_eq!(
            problem("2017/2/29"),
            "`2017/2/29` is not a real date (2017-02 has 28 days)"
        );
        assert_eq!(
            problem("2017年13月1日"),
            "`2017年13月1日` is not a real date (months run from 01 to 12)"
        );
        assert_eq!(
            problem("1899/1/1"),
            "`1899/1/1` is not a plausible date (years run from 1900 to 2100)"
        );
        assert_eq!(
            problem("2017/1/10 9:30"),
            format!("`2017/1/10 9:30` is not a date: it has a time of day; {hint}")
        );
        assert_eq!(
            problem("42745"),
            format!("`42745` is a bare number, not a date (an Excel serial date? format the column as a date, or write it as text); {hint}")
        );
        for bad in [
            "2017-1/10",
            "2017/001/10",
            "２０１７-01-10",
            "2017年1月10",
            "",
            "soon",
        ] {
            assert_eq!(
                problem(bad),
                format!("`{bad}` is not a date; {hint}"),
                "{bad}"
            );
        }
    }

    proptest::proptest! {
        /// Every real day reads back from each written form; the same day written day-first is
        /// refused, never read as another day.
        #[test]
        fn every_written_form_reads_back(year in 1900u16..=2100, month in 1u8..=12, day in 1u8..=31) {
            let Some(days) = Date::days_in_month(year, month) else { unreachable!() };
            let real = day <= days;
            let date = Date { year, month, day };
            for form in [
                format!("{year}-{month:02}-{day:02}"),
                format!("{year}-{month}-{day}"),
                format!("{year}/{month}/{day}"),
                format!("{year}.{month}.{day}"),
                format!("{year}年{month}月{day}日"),
                format!("{year}年{month:02}月{day:02}日"),
                format!("{year}/{month}/{day} 00:00"),
            ] {
                let read = Date::parse_written(&form);
                proptest::prop_assert_eq!(read.is_ok(), real, "{}", form);
                if real {
                    proptest::prop_assert_eq!(read, Ok(date));
                }
            }
            let day_first = format!("{day}/{month}/{year}");
            proptest::prop_assert!(Date::parse_written(&day_first).is_err(), "{}", day_first);
        }
    }
}
