//! ORG-3: one year of special days as a CSV file — what an institution imports from the State
//! Council's notice and exports again. Pure: the API reads the bytes and bounds their size.
//!
//! The format is the shipped table's (`data/cn-official-holidays-2025-2026.csv`): UTF-8 (a
//! byte-order mark is fine), lines starting with `#` and blank lines ignored, a header
//! `date,kind,name` (or `日期,类型,名称`), then one line a day: the date (`2027-02-06`, or
//! `2027/2/6` as a spreadsheet re-saves it), the kind (`holiday` / `makeup_workday`, or
//! `法定节假日` / `休`, `调休上班` / `班`) and the holiday it belongs to (`春节`). Cells may be
//! quoted as CSV quotes them. Every problem is reported with its line number; a file with one
//! is refused whole.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};

use super::{DayKind, SpecialDay};
use crate::i18n::{Label, Lang};

/// The header the export writes.
pub const HEADER: [&str; 3] = ["date", "kind", "name"];
/// The header in Chinese, also accepted.
const HEADER_ZH: [&str; 3] = ["日期", "类型", "名称"];
/// Longest holiday name, in characters.
pub const MAX_NAME_CHARS: usize = 50;
/// Problems reported at most; the rest are counted in the last one.
pub const MAX_PROBLEMS: usize = 100;

/// One problem of the file, by line (1-based, as an editor numbers them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: usize,
    /// `date`, `kind`, `name`, or `line` for the line as a whole (its cells, the header).
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl LineProblem {
    fn new(line: usize, field: &'static str, code: &'static str, message: String) -> LineProblem {
        LineProblem {
            line,
            field,
            code,
            message,
        }
    }
}

/// The cells of one CSV line: `,` separated, a cell in `"…"` may hold `,` and `""`.
fn cells(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut cell = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    Some('"') => break,
                    Some(c) => cell.push(c),
                    None => return None,
                }
            }
            match chars.next() {
                Some(',') => out.push(cell),
                None => {
                    out.push(cell);
                    return Some(out);
                }
                Some(_) => return None,
            }
        } else {
            loop {
                match chars.next() {
                    Some(',') => break,
                    Some('"') => return None,
                    Some(c) => cell.push(c),
                    None => {
                        out.push(cell);
                        return Some(out);
                    }
                }
            }
            out.push(cell);
        }
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    // A four-digit year first: `%Y` alone would read `27-02-06` as the year 27.
    let year_digits = text.split(['-', '/']).next().map_or(0, str::len);
    if year_digits != 4 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .ok()
}

fn parse_kind(text: &str) -> Option<DayKind> {
    let lower = text.to_ascii_lowercase();
    DayKind::ALL
        .into_iter()
        .find(|k| {
            lower == k.code()
                || text == k.label(Lang::Zh)
                || lower == k.label(Lang::En).to_lowercase()
        })
        .or(match text {
            "休" | "假" => Some(DayKind::Holiday),
            "班" => Some(DayKind::MakeupWorkday),
            _ => None,
        })
}

const WEEKDAY_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// Reads the special days of `year` from `text`, for an institution whose weekly rest days
/// are `rest_days`: every line's problems, or the days in date order. A make-up working day
/// must fall on a rest day (it makes a rest day a working one); a holiday may fall on any day.
pub fn parse(
    text: &str,
    year: i32,
    rest_days: &[Weekday],
) -> Result<Vec<SpecialDay>, Vec<LineProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems = Vec::new();
    let mut days = Vec::new();
    let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
    let mut header_read = false;
    for (index, raw) in text.split('\n').enumerate() {
        let n = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some(cells) = cells(line) else {
            problems.push(LineProblem::new(
                n,
                "line",
                "unbalanced_quote",
                format!("line {n}: a quote (\") is not closed or is inside a cell"),
            ));
            continue;
        };
        let cells: Vec<String> = cells
            .iter()
            .map(|c| crate::validation::nfc(crate::spreadsheet::restore(c.trim())).into_owned())
            .collect();
        if !header_read {
            header_read = true;
            let names: Vec<String> = cells.iter().map(|c| c.to_ascii_lowercase()).collect();
            if names != HEADER && names != HEADER_ZH {
                problems.push(LineProblem::new(
                    n,
                    "line",
                    "header",
                    format!("line {n}: the first line must be the header date,kind,name"),
                ));
            }
            continue;
        }
        if cells.len() != 3 {
            problems.push(LineProblem::new(
                n,
                "line",
                "columns",
                format!("line {n}: {} cells; a line is date,kind,name", cells.len()),
            ));
            continue;
        }
        let (date_text, kind_text, name) = (&cells[0], &cells[1], &cells[2]);
        let date = match parse_date(date_text) {
            None => {
                problems.push(LineProblem::new(
                    n,
                    "date",
                    "invalid_date",
                    format!("line {n}: {date_text:?} is not a date (YYYY-MM-DD)"),
                ));
                None
            }
            Some(d) if d.year() != year => {
                problems.push(LineProblem::new(
                    n,
                    "date",
                    "outside_year",
                    format!("line {n}: {d} is not in {year}"),
                ));
                None
            }
            Some(d) => match seen.insert(d, n) {
                Some(first) => {
                    problems.push(LineProblem::new(
                        n,
                        "date",
                        "repeated_date",
                        format!("line {n}: {d} is already on line {first}"),
                    ));
                    None
                }
                None => Some(d),
            },
        };
        let kind = parse_kind(kind_text);
        if kind.is_none() {
            problems.push(LineProblem::new(
                n,
                "kind",
                "unknown_kind",
                format!("line {n}: {kind_text:?} is no kind: holiday or makeup_workday"),
            ));
        }
        let name_ok = if crate::validation::is_blank(name) {
            problems.push(LineProblem::new(
                n,
                "name",
                "required",
                format!("line {n}: name the holiday (春节, 国庆节 …)"),
            ));
            false
        } else if name.chars().count() > MAX_NAME_CHARS {
            problems.push(LineProblem::new(
                n,
                "name",
                "too_long",
                format!("line {n}: a name has at most {MAX_NAME_CHARS} characters"),
            ));
            false
        } else if crate::validation::line(name).is_err() {
            problems.push(LineProblem::new(
                n,
                "name",
                "control_character",
                format!("line {n}: the name holds a control or invisible character"),
            ));
            false
        } else {
            true
        };
        if let (Some(date), Some(DayKind::MakeupWorkday)) = (date, kind)
            && !rest_days.contains(&date.weekday())
        {
            let weekday = WEEKDAY_ZH[date.weekday().num_days_from_monday() as usize];
            problems.push(LineProblem::new(
                n,
                "kind",
                "makeup_on_working_weekday",
                format!(
                    "line {n}: {date} (星期{weekday}) is a working day anyway; a make-up working day falls on a rest day"
                ),
            ));
            continue;
        }
        if let (Some(date), Some(kind), true) = (date, kind, name_ok) {
            days.push(SpecialDay {
                date,
                kind,
                name: name.clone(),
            });
        }
    }
    if !header_read {
        problems.push(LineProblem::new(
            1,
            "line",
            "empty",
            "the file has no header line date,kind,name and no days".into(),
        ));
    } else if problems.is_empty() && days.is_empty() {
        problems.push(LineProblem::new(
            1,
            "line",
            "empty",
            format!("the file lists no day of {year}"),
        ));
    }
    if !problems.is_empty() {
        if problems.len() > MAX_PROBLEMS {
            let more = problems.len() - (MAX_PROBLEMS - 1);
            problems.truncate(MAX_PROBLEMS - 1);
            let line = problems.last().map_or(1, |p| p.line);
            problems.push(LineProblem::new(
                line,
                "line",
                "too_many_problems",
                format!("{more} more problems after line {line}"),
            ));
        }
        return Err(problems);
    }
    days.sort_by_key(|d| d.date);
    Ok(days)
}

/// The lines of the file that [`parse`] reads back: the header, then each day.
pub fn lines(days: &[SpecialDay]) -> Vec<[String; 3]> {
    std::iter::once(HEADER.map(str::to_string))
        .chain(days.iter().map(|d| {
            [
                d.date.format("%Y-%m-%d").to_string(),
                d.kind.code().to_string(),
                d.name.clone(),
            ]
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{WEEKEND, official};

    fn codes(
        r: Result<Vec<SpecialDay>, Vec<LineProblem>>,
    ) -> Vec<(usize, &'static str, &'static str)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.line, p.field, p.code))
            .collect()
    }

    #[test]
    fn the_shipped_table_reads_as_each_of_its_years() {
        let text = include_str!("../../data/cn-official-holidays-2025-2026.csv");
        // The shipped file holds two years; each year's lines alone are a file of that year.
        for year in [2025, 2026] {
            let mut file = String::from("\u{feff}# notice\r\ndate,kind,name\r\n");
            for l in text.lines().filter(|l| l.starts_with(&year.to_string())) {
                file.push_str(l);
                file.push_str("\r\n");
            }
            assert_eq!(parse(&file, year, &WEEKEND), Ok(official::year(year)));
        }
    }

    #[test]
    fn an_export_reads_back() {
        let days = official::year(2026);
        let mut file = String::new();
        for [a, b, c] in lines(&days) {
            file.push_str(&format!("{a},{b},\"{}\"\n", c.replace('"', "\"\"")));
        }
        assert_eq!(parse(&file, 2026, &WEEKEND), Ok(days));
    }

    #[test]
    fn chinese_headers_kinds_and_spreadsheet_dates() {
        let file = "日期,类型,名称\n2027/2/6,休,春节\n2027-02-14,调休上班,\"春节, 调休\"\n";
        let days = parse(file, 2027, &WEEKEND).unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].kind, DayKind::Holiday);
        assert_eq!(days[1].kind, DayKind::MakeupWorkday);
        assert_eq!(days[1].name, "春节, 调休");
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let file = "date,kind,name\n\
                    2027-02-06,holiday,春节\n\
                    2027-13-01,holiday,春节\n\
                    2027-02-07,vacation,春节\n\
                    2026-10-01,holiday,国庆节\n\
                    2027-02-06,holiday,春节\n\
                    2027-02-10,makeup_workday,春节\n\
                    2027-02-08,holiday,\n\
                    2027-02-09,holiday\n\
                    \"2027-02-11,holiday,春节\n\
                    27-02-12,holiday,春节\n\
                    2027-02-13,holiday,春\u{202e}节\n";
        assert_eq!(
            codes(parse(file, 2027, &WEEKEND)),
            vec![
                (3, "date", "invalid_date"),
                (4, "kind", "unknown_kind"),
                (5, "date", "outside_year"),
                (6, "date", "repeated_date"),
                (7, "kind", "makeup_on_working_weekday"),
                (8, "name", "required"),
                (9, "line", "columns"),
                (10, "line", "unbalanced_quote"),
                (11, "date", "invalid_date"),
                (12, "name", "control_character"),
            ]
        );
        // Wednesday 10 Feb 2027 is a rest day where Wednesdays are.
        assert!(
            parse(
                "date,kind,name\n2027-02-10,makeup_workday,春节\n",
                2027,
                &[Weekday::Wed, Weekday::Sun]
            )
            .is_ok()
        );
    }

    #[test]
    fn header_empty_and_many_problems() {
        assert_eq!(codes(parse("", 2027, &WEEKEND)), vec![(1, "line", "empty")]);
        assert_eq!(
            codes(parse("date,kind,name\n# none\n", 2027, &WEEKEND)),
            vec![(1, "line", "empty")]
        );
        assert_eq!(
            codes(parse("2027-01-01,holiday,元旦\n", 2027, &WEEKEND)),
            vec![(1, "line", "header")]
        );
        let many: String = std::iter::once("date,kind,name\n".to_string())
            .chain((0..300).map(|_| "x,y,z\n".to_string()))
            .collect();
        let problems = parse(&many, 2027, &WEEKEND).unwrap_err();
        assert_eq!(problems.len(), MAX_PROBLEMS);
        assert_eq!(problems.last().map(|p| p.code), Some("too_many_problems"));
    }
}
