//! One module per screen.

pub mod api_keys;
pub mod audit;
pub mod audit_details;
pub mod calendars;
pub mod coming_soon;
pub mod complaint_limits;
pub mod complaint_stats;
pub mod complaints;
pub mod customers;
pub mod departments;
pub mod funnel;
pub mod home;
pub mod institutions;
pub mod integration;
pub mod login;
pub mod not_found;
pub mod profile;
pub mod security;
pub mod service;
pub mod users;
pub mod webhooks;
