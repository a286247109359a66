//! An uploaded CSV or XLSX file read into rows within the import's limits (CUS-13, PERF-6,
//! issue 7 item 2): at most 100,000 data rows (the spreadsheet's rows 1 to 100,001), 64
//! columns, 64 KB of text a row and 10 MB in all. A file past a limit gets 413 as soon as the
//! reader sees it.
//!
//! Rows are streamed: an XLSX sheet cell by cell (never as calamine's `Range`, which is the
//! whole bounding box of the cells, 17 billion of them for A1 + XFD1048576), a CSV record by
//! record. Only the cells of the columns the header names are kept, each row as one string, so
//! that the largest file allowed stays a few tens of MB in memory. Cells go through
//! [`spreadsheet::restore`], so an export (whose CSV cells may start with `'`) imports back.

use std::io::Cursor;

use calamine::{DataRef, Reader, XlsxError};
use hcrm_domain::api::import::{
    Column, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROW_BYTES, MAX_IMPORT_ROWS, RowError, read_header,
};
use hcrm_domain::spreadsheet;

use crate::error::ApiError;
use crate::xlsx_guard;

/// Most text a whole file may hold, the same as the largest upload: an XLSX file could
/// otherwise name one long shared string in every cell.
pub const MAX_TEXT_BYTES: usize = crate::handlers::customer_io::MAX_IMPORT_BYTES;

/// A data row: its number in the spreadsheet (1-based) and the text of the header's named
/// columns, in order.
pub struct Row {
    pub number: u64,
    /// The cells joined by [`SEPARATOR`]: one allocation a row, since a 100,000-row sheet is
    /// held whole while it is checked (PERF-6: 72 bytes a row of 21 one-letter cells, where
    /// a string and a list of offsets took 160).
    cells: Box<[u8]>,
}

/// Between two cells of a [`Row`]: a byte no UTF-8 text holds.
const SEPARATOR: u8 = 0xFF;

impl Row {
    fn new(number: u64, cells: &[String]) -> Row {
        let len = cells.iter().map(String::len).sum::<usize>() + cells.len().saturating_sub(1);
        let mut joined = Vec::with_capacity(len);
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                joined.push(SEPARATOR);
            }
            joined.extend_from_slice(cell.as_bytes());
        }
        Row {
            number,
            cells: joined.into_boxed_slice(),
        }
    }

    /// The row's cells, one for each of [`Sheet::columns`].
    pub fn cells(&self) -> Vec<&str> {
        self.cells
            .split(|&b| b == SEPARATOR)
            // Each part lies between whole characters of valid text.
            .map(|cell| std::str::from_utf8(cell).unwrap_or_default())
            .collect()
    }
}

/// A file read: the columns its header names (or the header's problems) and its data rows.
pub struct Sheet {
    /// The header's named columns, or its problems; `None` when every row is blank.
    pub columns: Option<Result<Vec<Column>, Vec<RowError>>>,
    /// The non-blank rows after the header; none are kept when the header is invalid.
    pub rows: Vec<Row>,
    /// The non-blank rows after the header, kept or not.
    pub total_rows: u64,
}

fn unreadable(code: &str, message: &str) -> ApiError {
    ApiError::field("file", code, message)
}

fn check_row_number(number: u64) -> Result<(), ApiError> {
    if number > MAX_IMPORT_ROWS + 1 {
        return Err(ApiError::too_large(
            "file",
            "too_many_rows",
            "the file goes past row 100,001: import at most 100,000 customers at a time",
        ));
    }
    Ok(())
}

fn row_too_long(number: u64) -> ApiError {
    ApiError::too_large(
        "file",
        "row_too_long",
        &format!("row {number} holds more than 64 KB of text"),
    )
}

fn check_column(index: usize) -> Result<(), ApiError> {
    if index >= MAX_IMPORT_COLUMNS {
        return Err(ApiError::too_large(
            "file",
            "too_many_columns",
            "the file has a cell beyond column BL: at most 64 columns",
        ));
    }
    Ok(())
}

/// Rows in, a [`Sheet`] out, with the limits on text.
#[derive(Default)]
struct Builder {
    columns: Option<Result<Vec<Column>, Vec<RowError>>>,
    /// For each column of the file, the place of its cell in a kept row.
    slots: Vec<Option<usize>>,
    rows: Vec<Row>,
    total_rows: u64,
    text_bytes: usize,
}

impl Builder {
    /// Whether the text of column `index` is needed: every cell until the header is read,
    /// then the cells of the columns it names (none when it is invalid).
    fn wants(&self, index: usize) -> bool {
        match &self.columns {
            None => true,
            Some(_) => self.slots.get(index).copied().flatten().is_some(),
        }
    }

    /// Adds a row: its `number`, whether all its cells are blank, its bytes of text, and the
    /// text of the cells [`Builder::wants`] (column, text).
    fn add(
        &mut self,
        number: u64,
        blank: bool,
        bytes: usize,
        cells: Vec<(usize, String)>,
    ) -> Result<(), ApiError> {
        if bytes > MAX_IMPORT_ROW_BYTES {
            return Err(row_too_long(number));
        }
        self.text_bytes += bytes;
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(ApiError::too_large(
                "file",
                "too_much_text",
                "the file holds more than 10 MB of text",
            ));
        }
        if blank {
            return Ok(());
        }
        if self.columns.is_none() {
            let width = cells.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
            let mut header = vec![String::new(); width];
            for (i, text) in cells {
                header[i] = text;
            }
            self.columns = Some(match read_header(&header) {
                Ok(columns) => {
                    let mut next = 0;
                    self.slots = columns
                        .iter()
                        .map(|c| {
                            c.map(|_| {
                                next += 1;
                                next - 1
                            })
                        })
                        .collect();
                    Ok(columns.into_iter().flatten().collect())
                }
                Err(errors) => Err(errors),
            });
            return Ok(());
        }
        self.total_rows += 1;
        let Some(Ok(columns)) = &self.columns else {
            return Ok(());
        };
        let mut kept = vec![String::new(); columns.len()];
        for (i, text) in cells {
            if let Some(Some(slot)) = self.slots.get(i) {
                kept[*slot] = text;
            }
        }
        self.rows.push(Row::new(number, &kept));
        Ok(())
    }

    fn finish(self) -> Sheet {
        Sheet {
            columns: self.columns,
            rows: self.rows,
            total_rows: self.total_rows,
        }
    }
}

/// Most fields a CSV record may have before it is refused, empty ones included (empty
/// fields past column BL are no content: Excel writes as many commas as the widest row).
const MAX_CSV_FIELDS: usize = 1024;

/// A CSV file: UTF-8, with or without a byte-order mark. Read with `csv_core` into buffers of
/// fixed size, so that a 10 MB line is refused without being held (the `csv` crate's reader
/// grows its record to hold the whole line first).
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, ApiError> {
    use csv_core::ReadRecordResult as R;
    let mut input = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The `csv` crate's defaults: comma, double quotes, `""` inside quotes, empty lines skipped.
    let mut core = csv_core::Reader::new();
    let mut fields = vec![0u8; MAX_IMPORT_ROW_BYTES + 1];
    let mut ends = vec![0usize; MAX_CSV_FIELDS];
    let (mut out_len, mut ends_len) = (0, 0);
    let mut builder = Builder::default();
    let mut number = 0;
    loop {
        let (result, read, written, ended) =
            core.read_record(input, &mut fields[out_len..], &mut ends[ends_len..]);
        input = &input[read..];
        out_len += written;
        ends_len += ended;
        match result {
            R::InputEmpty => continue,
            R::OutputFull => return Err(row_too_long(number + 1)),
            R::OutputEndsFull => {
                return Err(ApiError::too_large(
                    "file",
                    "too_many_columns",
                    "a line of the file has more than 1,024 fields: at most 64 columns",
                ));
            }
            R::End => break,
            R::Record => {}
        }
        number += 1;
        check_row_number(number)?;
        let bytes = out_len;
        let (mut blank, mut cells, mut start) = (true, Vec::new(), 0);
        for (i, &end) in ends[..ends_len].iter().enumerate() {
            let raw = fields.get(start..end).unwrap_or_default();
            start = end;
            let field = std::str::from_utf8(raw).map_err(|_| {
                unreadable(
                    "encoding",
                    "the file is not UTF-8 text; save it as \"CSV UTF-8\"",
                )
            })?;
            let field = spreadsheet::restore(field);
            if field.is_empty() {
                continue;
            }
            check_column(i)?;
            blank &= field.trim().is_empty();
            if builder.wants(i) {
                cells.push((i, field.to_string()));
            }
        }
        (out_len, ends_len) = (0, 0);
        builder.add(number, blank, bytes, cells)?;
    }
    Ok(builder.finish())
}

/// A cell as the text a CSV would hold: whole numbers without `.0` (phones, ID numbers typed
/// as numbers), dates as `YYYY-MM-DD`.
fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::String(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => {
            let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
            base.checked_add_signed(chrono::Duration::days(d.as_f64().floor() as i64))
                .map_or(String::new(), |day| day.format("%Y-%m-%d").to_string())
        }
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// The text of a cell held by the sheet (numbers and dates are short), without copying it.
fn cell_str<'c>(cell: &'c DataRef<'_>) -> Option<&'c str> {
    match cell {
        DataRef::String(s) | DataRef::DurationIso(s) | DataRef::DateTimeIso(s) => Some(s),
        DataRef::SharedString(s) => Some(s),
        _ => None,
    }
}

/// An .xlsx workbook's first sheet. The archive is checked first ([`xlsx_guard::inspect`]),
/// then the sheet's declared dimension, then every cell as it streams by.
pub fn read_xlsx(bytes: Vec<u8>) -> Result<Sheet, ApiError> {
    let bad = || unreadable("xlsx", "not a readable .xlsx workbook");
    xlsx_guard::inspect(&bytes)?;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| bad())?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Ok(Builder::default().finish());
    };
    let mut reader = match book.worksheet_cells_reader(&name) {
        Ok(r) => r,
        // A chart sheet first: no rows.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Builder::default().finish()),
        Err(_) => return Err(bad()),
    };
    // The dimension is what the sheet says of itself: enough to refuse A1:XFD1048576 at once;
    // the cells are checked too, since a crafted file may say A1 and hold more.
    let dimensions = reader.dimensions();
    check_row_number(u64::from(dimensions.end.0) + 1)?;
    check_column(dimensions.end.1 as usize)?;

    let mut builder = Builder::default();
    let mut row: Vec<(usize, DataRef<'_>)> = Vec::new();
    let (mut number, mut row_bytes) = (0, 0);
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(_) => return Err(bad()),
        };
        let (r, c) = cell.get_position();
        let at = u64::from(r) + 1;
        check_row_number(at)?;
        if *cell.get_value() == DataRef::Empty {
            continue;
        }
        check_column(c as usize)?;
        if at != number {
            // Rows come in order in a sheet's XML; a row seen again is malformed.
            if at < number {
                return Err(bad());
            }
            add_row(&mut builder, number, &mut row)?;
            (number, row_bytes) = (at, 0);
        }
        // Refused as soon as the row is too long, before its cells are held.
        row_bytes += cell_str(cell.get_value()).map_or(24, str::len);
        if row_bytes > MAX_IMPORT_ROW_BYTES {
            return Err(row_too_long(number));
        }
        row.push((c as usize, cell.get_value().clone()));
    }
    add_row(&mut builder, number, &mut row)?;
    Ok(builder.finish())
}

/// Adds the cells of a sheet's row (emptying `row`), the text of the wanted ones only.
fn add_row(
    builder: &mut Builder,
    number: u64,
    row: &mut Vec<(usize, DataRef<'_>)>,
) -> Result<(), ApiError> {
    if row.is_empty() {
        return Ok(());
    }
    let (mut blank, mut bytes) = (true, 0);
    let mut cells = Vec::new();
    for (i, cell) in row.drain(..) {
        let text = match cell_str(&cell) {
            Some(s) => {
                let s = spreadsheet::restore(s);
                bytes += s.len();
                blank &= s.trim().is_empty();
                builder.wants(i).then(|| s.to_string())
            }
            None => {
                let s = cell_text(&cell);
                bytes += s.len();
                blank &= s.trim().is_empty();
                builder.wants(i).then_some(s)
            }
        };
        if let Some(text) = text {
            cells.push((i, text));
        }
    }
    builder.add(number, blank, bytes, cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> Sheet {
        read_csv(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn only_the_named_columns_are_kept_and_blank_rows_skipped() {
        let s = sheet("\n姓名,,备注,\n王五,x,笔记,y\n\n,,,\n李四,,,\n,only here\n");
        assert_eq!(
            s.columns.as_ref().unwrap().as_ref().unwrap(),
            &vec![Column::Name, Column::Notes]
        );
        assert_eq!(s.total_rows, 3);
        // Rows are numbered as records: empty lines are not records (`,,,` is one).
        let rows: Vec<(u64, Vec<&str>)> = s.rows.iter().map(|r| (r.number, r.cells())).collect();
        assert_eq!(
            rows,
            vec![
                (2, vec!["王五", "笔记"]),
                (4, vec!["李四", ""]),
                (5, vec!["", ""])
            ]
        );
    }

    #[test]
    fn a_row_gives_back_each_cell_as_read_whatever_it_holds() {
        let cells: Vec<String> = ["", "王五", "a,b;c", "\u{0}\t\"", "😀é", "", ""]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let row = Row::new(7, &cells);
        assert_eq!(row.number, 7);
        assert_eq!(
            row.cells(),
            cells.iter().map(String::as_str).collect::<Vec<_>>()
        );
        let one = vec!["only".to_string()];
        assert_eq!(Row::new(2, &one).cells(), vec!["only"]);
    }

    #[test]
    fn an_invalid_header_keeps_no_rows_but_counts_them() {
        let s = sheet("血型\nA\nB\n");
        assert!(s.columns.unwrap().is_err());
        assert_eq!((s.total_rows, s.rows.len()), (2, 0));
        assert!(sheet("\n ,\n").columns.is_none());
    }

    #[test]
    fn neutralised_cells_read_back() {
        let s = sheet("姓名,备注\n'=1+1,'-2\n");
        assert_eq!(s.rows[0].cells(), vec!["=1+1", "-2"]);
    }

    #[test]
    fn limits_give_413_with_the_limit() {
        let code = |text: String| match read_csv(text.as_bytes()) {
            Err(ApiError::TooLarge(e)) => e.code,
            Err(other) => format!("{other:?}"),
            Ok(_) => "ok".into(),
        };
        let rows = |n: usize| format!("姓名\n{}", "王五\n".repeat(n));
        assert_eq!(code(rows(100_000)), "ok");
        assert_eq!(code(rows(100_001)), "too_many_rows");
        let wide = |n: usize| format!("{}\n", vec!["x"; n].join(","));
        assert_eq!(code(wide(64)), "ok");
        assert_eq!(code(wide(65)), "too_many_columns");
        // Empty trailing fields past BL are no content.
        assert_eq!(code(format!("姓名{}\n", ",".repeat(100))), "ok");
        let line = |n: usize| format!("姓名\n{}\n", "a".repeat(n));
        assert_eq!(code(line(64 * 1024)), "ok");
        assert_eq!(code(line(64 * 1024 + 1)), "row_too_long");
    }
}
