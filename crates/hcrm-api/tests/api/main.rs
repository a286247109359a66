//! The API's integration tests, in one test binary so that the workspace links (and stores)
//! it once rather than once per file; each module covers one area and runs on both backends.

mod common;

mod api_key_scopes;
mod appointments;
mod audit_review;
mod auth;
mod calendars;
mod complaint_edit;
mod complaint_money;
mod complaint_stats;
mod complaints;
mod consultations;
mod contacts_tasks;
mod contract;
mod crafted;
mod customers;
mod duplicates_merge;
mod fhir;
mod headers;
mod his_batch;
mod idempotency;
mod import_export;
mod in_visit;
mod input;
mod my_tasks;
mod notifications;
mod openapi;
mod org;
mod refresh_cookie;
mod relations_sensitive;
mod search_box;
mod security;
mod totp_reauth;
mod visits;
mod web_app;
mod webhooks;
mod write_path;
