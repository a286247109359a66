//! HCRM storage: one diesel code base over SQLite and PostgreSQL.
//!
//! The backend is chosen by the URL (`postgres://`/`postgresql://` → PostgreSQL, anything else
//! an SQLite file). Query functions take `&mut DbConn` so they work alike inside and outside a
//! transaction; they never see the API's types of request, only domain types.

pub mod api_keys;
pub mod appointments;
pub mod audit;
pub mod auth;
pub mod break_glass;
pub mod calendars;
pub mod complaint_money;
pub mod complaint_stats;
pub mod complaints;
pub mod conn;
pub mod consultations;
pub mod contacts;
pub mod customers;
pub mod departments;
pub mod doctors;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod ids;
pub mod in_visit;
pub mod institutions;
pub mod integration;
pub mod kit;
pub mod merge;
pub mod notifications;
pub mod relations;
pub mod schema;
pub mod sensitive;
pub mod service_times;
pub mod settings;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timeline;
pub mod users;
mod util;
pub mod visits;
pub mod webhooks;

pub use conn::{Backend, Checked, DbConn, Pool, connect, run_migrations, write_transaction};
pub use error::DbError;
pub use util::{ListWindow, now};
