//! A page of the customer list: its rows read in one statement with their first phones and
//! tags (PERF-1), and the summaries made of them.

use super::*;

/// A customer row read for a page, with its first phone (the primary one first) and its tags
/// joined by [`TAG_SEPARATOR`].
pub(super) type PagedRow = (CustomerRow, Option<String>, Option<String>);

/// Joins a customer's tags in [`rows_of`]; tags cannot hold it (`valid_tags` refuses control
/// characters).
const TAG_SEPARATOR: &str = "\u{1f}";

diesel::define_sql_function!(
    /// SQL `string_agg(value, separator)`: PostgreSQL, and SQLite from 3.44 (bundled).
    #[aggregate]
    fn string_agg(
        value: diesel::sql_types::Text,
        separator: diesel::sql_types::Text,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>
);

/// The rows of `ids`, in that order, each with its first phone and its tags: one statement
/// for the whole page (PERF-1).
pub(super) fn rows_of(conn: &mut DbConn, ids: &[CustomerId]) -> Result<Vec<PagedRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let first_phone = phones::table
        .filter(phones::customer_id.eq(c::id))
        .order((phones::is_primary.desc(), phones::phone))
        .select(phones::phone)
        .limit(1)
        .single_value();
    let all_tags = tags::table
        .filter(tags::customer_id.eq(c::id))
        .select(string_agg(tags::tag, TAG_SEPARATOR))
        .single_value();
    let rows: Vec<PagedRow> = c::table
        .filter(c::id.eq_any(ids))
        .select((CustomerRow::as_select(), first_phone, all_tags))
        .load(conn)?;
    let mut by_id: HashMap<CustomerId, PagedRow> = rows.into_iter().map(|r| (r.0.id, r)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Summaries of rows read with their first phone and tags (`rows_of`).
pub(super) fn summarize(rows: Vec<PagedRow>) -> Result<Vec<CustomerSummary>, DbError> {
    let today = today();
    rows.into_iter()
        .map(|(r, phone, joined)| {
            let mut tags: Vec<String> = joined
                .iter()
                .flat_map(|t| t.split(TAG_SEPARATOR))
                .map(str::to_string)
                .collect();
            tags.sort_unstable();
            summary(&r, phone, tags, today)
        })
        .collect()
}
