//! The module registry: every module of the API adds itself here once with its routes. Its
//! part of the customer archive — the columns of its tables that reference customers and how a
//! merge moves them, and its entries on the 360 timeline — is registered in
//! `hcrm_db::merge::MODULES` (a schema test checks that list against the database's foreign
//! keys). README, "adding a module".

use utoipa_actix_web::service_config::ServiceConfig;

use crate::handlers::*;

/// One module of the API.
pub struct Module {
    pub name: &'static str,
    pub routes: fn(&mut ServiceConfig),
}

/// Every module, in the order their routes are matched: a literal path (`/customers/export`)
/// must come before a pattern that would take it (`/customers/{id}`).
pub const MODULES: &[Module] = &[
    Module {
        name: "auth",
        routes: auth::routes,
    },
    Module {
        name: "totp",
        routes: totp::routes,
    },
    Module {
        name: "institutions",
        routes: institutions::routes,
    },
    Module {
        name: "departments",
        routes: departments::routes,
    },
    Module {
        name: "calendars",
        routes: calendars::routes,
    },
    Module {
        name: "doctors",
        routes: doctors::routes,
    },
    Module {
        name: "clinic_resources",
        routes: clinic_resources::routes,
    },
    Module {
        name: "clinic_sessions",
        routes: clinic_sessions::routes,
    },
    Module {
        name: "waitlist",
        routes: waitlist::routes,
    },
    Module {
        name: "appointments",
        routes: appointments::routes,
    },
    Module {
        name: "users",
        routes: users::routes,
    },
    Module {
        name: "api_keys",
        routes: api_keys::routes,
    },
    Module {
        name: "settings",
        routes: settings::routes,
    },
    Module {
        name: "complaint_stats",
        routes: complaint_stats::routes,
    },
    Module {
        name: "complaints",
        routes: complaints::routes,
    },
    Module {
        name: "audit",
        routes: audit::routes,
    },
    Module {
        name: "notifications",
        routes: notifications::routes,
    },
    Module {
        name: "customer_io",
        routes: customer_io::routes,
    },
    Module {
        name: "divisions",
        routes: divisions::routes,
    },
    Module {
        name: "customer_merge",
        routes: customer_merge::routes,
    },
    Module {
        name: "customers",
        routes: customers::routes,
    },
    Module {
        name: "contacts",
        routes: contacts::routes,
    },
    Module {
        name: "timeline",
        routes: timeline::routes,
    },
    Module {
        name: "tasks",
        routes: tasks::routes,
    },
    Module {
        name: "break_glass",
        routes: break_glass::routes,
    },
    Module {
        name: "relations",
        routes: relations::routes,
    },
    Module {
        name: "sensitive",
        routes: sensitive::routes,
    },
    Module {
        name: "complaint_attachments",
        routes: complaint_attachments::routes,
    },
    Module {
        name: "complaint_refunds",
        routes: complaint_refunds::routes,
    },
    Module {
        name: "complaint_accountability",
        routes: complaint_accountability::routes,
    },
    Module {
        name: "visits",
        routes: visits::routes,
    },
    Module {
        name: "integration",
        routes: integration::routes,
    },
    Module {
        name: "funnel",
        routes: funnel::routes,
    },
    Module {
        name: "consultations",
        routes: consultations::routes,
    },
    Module {
        name: "in_visit",
        routes: in_visit::routes,
    },
    Module {
        name: "service_times",
        routes: service_times::routes,
    },
];
