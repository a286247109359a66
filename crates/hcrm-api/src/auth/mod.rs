//! who is calling, and what they may do.

pub mod cache;
pub mod cookie;
pub mod extract;
pub mod password;
pub mod tokens;
pub mod totp;

pub use extract::{Authz, Caller, perm};
