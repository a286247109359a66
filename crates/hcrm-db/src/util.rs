use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use uuid::Uuid;

/// The current instant in UTC, to the microsecond both backends keep.
pub fn now() -> NaiveDateTime {
    let n = Utc::now().naive_utc();
    n.with_nanosecond(n.nanosecond() / 1000 * 1000).unwrap_or(n)
}

pub(crate) fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub(crate) fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Most values bound in one `IN (…)` list: SQLite takes at most 32,766 bound values a
/// statement; longer lists are read in parts of this size.
pub(crate) const IN_LIST_MAX: usize = 5000;

/// The window of a list request, already clamped by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListWindow {
    pub limit: i64,
    pub offset: i64,
}

/// `%text%` for LIKE, with the wildcards in `text` escaped (use with `ESCAPE '\'`).
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

diesel::define_sql_function!(
    /// SQL `lower(text)`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);
