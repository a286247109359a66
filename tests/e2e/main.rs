//! End-to-end tests of the `hcrm` binary and of the web app in headless Chromium, in one test
//! binary so that it is linked (and stored) once.

mod support;

mod appointments;
mod binary;
mod complaints;
mod generate;
mod his_batch_flood;
mod his_batch_kill;
mod import_bombs;
mod security;
mod web;
mod web_audit;
mod web_calendar;
mod web_complaint_gaps;
mod web_complaint_stats;
mod web_complaints;
mod web_console;
mod web_customers;
mod web_forms;
mod web_integration;
mod web_layout;
mod web_payload;
mod web_service;
mod web_visits;
mod web_webhooks;
mod webhooks;
