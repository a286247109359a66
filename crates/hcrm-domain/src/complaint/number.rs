//! CMP-2: a complaint's number — institution code, year, month and the serial within that
//! month, e.g. `BJ01-2026-11-0007`. The seed (投诉管理制度 四(二)) uses two serial digits; we
//! use at least four so a busy month never overflows, and more when a month passes 9,999.
//! The serial itself is taken in the insert's transaction by the storage layer.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A complaint number's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintNumber {
    pub institution_code: String,
    pub year: i32,
    pub month: u32,
    /// 1-based serial within the institution and month.
    pub serial: u32,
}

impl ComplaintNumber {
    /// The number of the `serial`-th complaint received by `institution_code` in the month of
    /// `received` (the institution's local date).
    pub fn new(institution_code: &str, received: NaiveDate, serial: u32) -> ComplaintNumber {
        ComplaintNumber {
            institution_code: institution_code.to_string(),
            year: received.year(),
            month: received.month(),
            serial,
        }
    }

    /// The month key the serial counts within: `BJ01-2026-11`.
    pub fn period(&self) -> String {
        format!(
            "{}-{:04}-{:02}",
            self.institution_code, self.year, self.month
        )
    }

    /// Reads `CODE-YYYY-MM-NNNN` (the code may itself hold hyphens; the last three parts are
    /// the year, month and serial).
    pub fn parse(text: &str) -> Option<ComplaintNumber> {
        let mut parts = text.rsplitn(4, '-');
        let serial = parts.next()?;
        let month = parts.next()?;
        let year = parts.next()?;
        let code = parts.next()?;
        let digits = |s: &str, min: usize, max: usize| {
            (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if code.is_empty() || !digits(year, 4, 4) || !digits(month, 2, 2) || !digits(serial, 4, 9) {
            return None;
        }
        let number = ComplaintNumber {
            institution_code: code.to_string(),
            year: year.parse().ok()?,
            month: month.parse().ok()?,
            serial: serial.parse().ok()?,
        };
        ((1..=12).contains(&number.month) && number.serial > 0).then_some(number)
    }
}

impl fmt::Display for ComplaintNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.period(), self.serial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn numbers_are_code_year_month_and_a_serial_of_at_least_four_digits() {
        for (code, date, serial, text) in [
            ("BJ01", "2026-11-03", 7, "BJ01-2026-11-0007"),
            ("BJ01", "2026-01-31", 1, "BJ01-2026-01-0001"),
            ("SH-PD", "2026-12-06", 9999, "SH-PD-2026-12-9999"),
            ("BJ01", "2026-12-06", 10000, "BJ01-2026-12-10000"),
        ] {
            let number = ComplaintNumber::new(code, d(date), serial);
            assert_eq!(number.to_string(), text);
            assert_eq!(ComplaintNumber::parse(text), Some(number));
        }
        assert_eq!(
            ComplaintNumber::new("BJ01", d("2026-11-30"), 3).period(),
            "BJ01-2026-11"
        );
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        for text in [
            "",
            "BJ01",
            "BJ01-2026-11",
            "BJ01-2026-11-07",
            "BJ01-2026-13-0001",
            "BJ01-2026-00-0001",
            "BJ01-2026-11-0000",
            "-2026-11-0001",
            "BJ01-26-11-0001",
            "BJ01-2026-1-0001",
            "BJ01-2026-11-00a1",
            "BJ01-2026-11-+001",
            "BJ01-2026-11-1234567890",
        ] {
            assert_eq!(ComplaintNumber::parse(text), None, "{text}");
        }
    }
}
