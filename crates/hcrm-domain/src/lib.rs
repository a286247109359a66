//! HCRM domain: pure business rules and the types shared by the API server and the web app.
//!
//! Nothing here does IO, so the crate compiles to wasm for the Yew frontend. Server-only
//! derives (OpenAPI schemas) sit behind the `openapi` feature.

pub mod api;
pub mod api_scope;
pub mod appointment;
pub mod calendar;
pub mod complaint;
pub mod customer;
pub mod fhir;
pub mod i18n;
#[cfg(test)]
mod labels_test;
pub mod lifecycle;
pub mod permission;
pub mod role;
pub mod scope;
pub mod spreadsheet;
#[cfg(feature = "zones")]
pub mod time;
pub mod validation;
pub mod webhook;

pub use api_scope::ApiScope;
pub use i18n::{Label, Lang};
pub use lifecycle::Lifecycle;
pub use permission::{Permission, PermissionSet};
pub use role::Role;
pub use scope::{NewRecordInstitution, Scope};
