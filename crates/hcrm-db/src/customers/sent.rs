//! PERF-1: the statements a search's first page sends, as PostgreSQL receives them. The
//! benchmark's pgbench side (`hcrm bench search --pgbench`) builds its scripts from these, so
//! that pgbench runs what the API runs rather than SQL written out again by hand.

use std::sync::{Arc, Mutex};

use diesel::connection::InstrumentationEvent;

use super::page::rows_of;
use super::search::{arm_ids, arms_of, first_fetch};
use super::*;

/// A statement as sent: its SQL with `$1 … $n`, and diesel's print of the values bound to
/// them (`[…]`, each value's `Debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub sql: String,
    pub binds: String,
}

impl Sent {
    fn parse(printed: &str) -> Sent {
        let (sql, binds) = printed
            .rsplit_once(" -- binds: ")
            .unwrap_or((printed, "[]"));
        Sent {
            sql: sql.to_string(),
            binds: binds.to_string(),
        }
    }
}

/// Runs `f` on `conn` and returns, besides its result, every statement it sent, in order.
/// PostgreSQL only.
pub fn statements_sent<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, DbError>,
) -> Result<(T, Vec<Sent>), DbError> {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let DbConn::Postgresql(pg) = conn else {
        return Err(DbError::Other(diesel::result::Error::QueryBuilderError(
            "statements are recorded on PostgreSQL only".into(),
        )));
    };
    let sink = Arc::clone(&seen);
    pg.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event
            && let Ok(mut list) = sink.lock()
        {
            list.push(query.to_string());
        }
    });
    let out = f(conn);
    if let DbConn::Postgresql(pg) = conn {
        pg.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    }
    let sent = seen
        .lock()
        .map(|list| list.iter().map(|s| Sent::parse(s)).collect())
        .unwrap_or_default();
    Ok((out?, sent))
}

/// The statements [`list`] sends for the first page of `text` — `page` rows by relevance,
/// the count stopping at `cap`, for a group-wide caller: the first arm's walk, which reads
/// from the arm's start as far as the count needs, and the page's rows. `None` when the text
/// has nothing to look for. The rows' statement is the same whatever the ids (one array).
pub fn first_page_statements(
    conn: &mut DbConn,
    text: &str,
    page: i64,
    cap: i64,
) -> Result<Option<[Sent; 2]>, DbError> {
    let f = Filter {
        q: Some(text.to_string()),
        ..Default::default()
    };
    let pg = matches!(conn, DbConn::Postgresql(_));
    let Some(Some(arm)) = arms_of(&f, pg)().into_iter().next() else {
        return Ok(None);
    };
    let window = ListWindow {
        limit: first_fetch(page, cap),
        offset: 0,
    };
    let (ids, walk) = statements_sent(conn, |c| {
        arm_ids(
            c,
            &Scope::Group,
            &f,
            Some(arm),
            (Sort::Relevance, false),
            window,
        )
    })?;
    let mut shown: Vec<CustomerId> = ids
        .into_iter()
        .take(usize::try_from(page).unwrap_or(0))
        .collect();
    if shown.is_empty() {
        shown.push(CustomerId::new());
    }
    let (_, rows) = statements_sent(conn, |c| rows_of(c, &shown))?;
    match (walk.as_slice(), rows.as_slice()) {
        ([walk], [rows]) => Ok(Some([walk.clone(), rows.clone()])),
        _ => Err(DbError::Corrupt(format!(
            "a first page sent {} + {} statements, not 1 + 1",
            walk.len(),
            rows.len()
        ))),
    }
}
