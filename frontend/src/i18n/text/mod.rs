//! One table of `(key, 中文, English)` per area of the app; [`super::tr`] looks in all of them.
//! A new module adds its own file here and one line to [`TABLES`].

mod account;
mod admin;
mod audit;
mod break_glass;
mod calendars;
mod complaint_stats;
mod complaints;
mod customer_form;
mod customers;
mod import;
mod integration;
mod merge;
mod problems;
mod service;
mod shell;
mod tasks;
mod visits;
mod webhooks;

/// Every table, searched in order.
pub const TABLES: &[&[(&str, &str, &str)]] = &[
    account::TEXT,
    admin::TEXT,
    audit::TEXT,
    break_glass::TEXT,
    complaint_stats::TEXT,
    calendars::TEXT,
    complaints::TEXT,
    customer_form::TEXT,
    customers::TEXT,
    import::TEXT,
    integration::TEXT,
    merge::TEXT,
    problems::TEXT,
    service::TEXT,
    shell::TEXT,
    tasks::TEXT,
    visits::TEXT,
    webhooks::TEXT,
];
