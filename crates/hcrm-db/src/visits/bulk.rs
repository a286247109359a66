//! Visits written set-based (OPS-2): the generator's millions and the demo's year, in
//! multi-row INSERTs. They are history loaded at once, not visits happening now: they raise
//! no domain events (nothing subscribed when they happened), so no task is made for a stay
//! that ended months ago.

use diesel::prelude::*;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::kit::insert_many;
use crate::schema::visits as v;

use super::VisitRow;

/// Visits to write; rows made by the caller (ids new, `version` 1).
#[derive(Debug, Default)]
pub struct NewVisits {
    pub rows: Vec<VisitRow>,
}

impl NewVisits {
    /// Writes every row in multi-row INSERTs; run inside a transaction. Returns the rows
    /// written.
    pub fn write(&self, conn: &mut DbConn) -> Result<usize, DbError> {
        insert_many!(conn, v::table, &self.rows, 19)
    }

    pub fn clear(&mut self) {
        self.rows.clear();
    }
}
