//! ORG-3: each institution's business calendar.

use hcrm_domain::calendar::Calendar;
use uuid::Uuid;

use crate::conn::DbConn;
use crate::error::DbError;

/// Institution `id`'s business calendar: its time zone, working hours, weekly rest days,
/// holidays and make-up working days. Every deadline of the institution is computed on it.
pub fn calendar_of(conn: &mut DbConn, id: Uuid) -> Result<Calendar, DbError> {
    let zone = crate::institutions::time_zone_of(conn, id)?;
    Ok(Calendar::mainland(hcrm_domain::time::zone(&zone)))
}
