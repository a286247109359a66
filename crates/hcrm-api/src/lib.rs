//! HCRM HTTP API: actix-web handlers with utoipa documentation, JWT auth, the permission
//! guard, problem+json errors, the docs viewer and the web app's files.

pub mod auth;
pub mod body;
pub mod compress;
pub mod contract;
pub mod csv_file;
pub mod error;
pub mod fhir;
pub mod handlers;
pub mod headers;
mod his;
pub mod idempotency;
pub mod modules;
pub mod multipart;
pub mod opinion_form;
pub mod request_log;
pub mod sheet;
pub mod slip;
pub mod state;
pub mod web_app;
pub mod xlsx_guard;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, web};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

pub use state::{AppState, Settings};

/// Largest JSON body accepted (X-2: larger gets 413 problem+json).
pub const MAX_JSON_BYTES: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "HCRM API",
        description = "Hospital customer-relationship management for a hospital group's customer-service centre.\n\n\
            Sign in with `POST /api/v1/auth/login`, then send `Authorization: Bearer <access_token>`. \
            Errors are `application/problem+json` (RFC 9457). Lists take `limit` (≤ 200) and `offset` \
            and return `total`. Updates need the version read, in `If-Match` or as `version`.",
        license(name = "Apache-2.0")
    ),
    components(schemas(hcrm_domain::api::Problem, contract::FileUpload, hcrm_domain::fhir::OperationOutcome)),
    tags(
        (name = "auth", description = "Sign-in, tokens, the signed-in user (X-3)"),
        (name = "institutions", description = "Hospitals of the group (ORG-1)"),
        (name = "departments", description = "Departments of an institution (ORG-2)"),
        (name = "calendars", description = "Business calendars: working hours, rest days, holidays and make-up working days (ORG-3)"),
        (name = "doctors", description = "Doctors and their consultation schedules (ORG-2)"),
        (name = "users", description = "Staff users, roles and institutions (ORG-4)"),
        (name = "audit", description = "The audit trail (X-5)"),
        (name = "customers", description = "The customer archive (CUS-1 … CUS-13), break-glass (X-6a)"),
        (name = "tasks", description = "The work queue: reminders, follow-ups, care; my tasks today and overdue"),
        (name = "notifications", description = "The signed-in user's in-app notifications (complaint escalations …)"),
        (name = "visits", description = "Visits and spending: outpatient, inpatient, surgery, treatment courses, check-ups (SVC-4)"),
        (name = "integration", description = "HIS batch upserts of patients, visits, charges and payments, keyed by the HIS's ids, all or nothing, replayable (INT-1, INT-2, X-8)"),
        (name = "consultations", description = "Consultations from every channel, 首问负责制, daily statistics (SVC-1)"),
        (name = "in_visit", description = "In-visit services as tasks of the shared queue, the day's board (SVC-3)"),
        (name = "service_times", description = "Service times recorded against the time limits, met and missed (SVC-6)"),
        (name = "webhooks", description = "Outgoing webhooks: subscriptions, Standard Webhooks signatures, the delivery log, redelivery (INT-3)"),
        (name = "settings", description = "Settings edited by administrators"),
        (name = "operations", description = "Liveness and readiness (OPS-3)"),
        (name = "fhir", description = "HL7 FHIR R4 at /fhir/r4: Patient and Appointment, errors as OperationOutcome (INT-4)"),
    )
)]
pub struct ApiDoc;

/// Every documented route; the OpenAPI document is collected from these registrations.
pub fn configure(cfg: &mut ServiceConfig) {
    use handlers::*;
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(utoipa_actix_web::scope("/api/v1").configure(|cfg| {
            for module in modules::MODULES {
                (module.routes)(cfg);
            }
        }))
        .service(
            utoipa_actix_web::scope(crate::fhir::BASE_PATH)
                .app_data(web::PayloadConfig::new(crate::fhir::MAX_BODY))
                .configure(handlers::fhir::routes)
                .default_service(web::to(handlers::fhir::unknown)),
        );
}

/// Where the OpenAPI document is served.
const OPENAPI_JSON: &str = "/api-docs/openapi.json";

/// The OpenAPI document the code describes (served at `/api-docs/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(configure)
        .split_for_parts();
    completed(doc)
}

/// `doc` with the contract's document-wide parts, added once every path is collected.
fn completed(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    contract::Contract.modify(&mut doc);
    doc
}

/// The whole application: API, docs at `/docs`, and the web app at `/` from the first of
/// `web_dirs` that holds a build when a request comes (`None`/empty: none).
pub fn app(
    state: AppState,
    web_dirs: impl IntoIterator<Item = std::path::PathBuf>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(web::Data::new(state))
        .app_data(
            web::JsonConfig::default()
                .limit(MAX_JSON_BYTES)
                .error_handler(error::json_error),
        )
        // Raw bodies (the idempotency layer reads every keyed POST's body before its handler):
        // as large as the largest body an endpoint takes — a complaint's attachment or an
        // import in a multipart form. Each endpoint checks its own, smaller, limit.
        .app_data(web::PayloadConfig::new(
            handlers::customer_io::MAX_IMPORT_BYTES
                .max(hcrm_domain::complaint::attachment::MAX_ATTACHMENT_BYTES)
                + multipart::ENVELOPE_BYTES,
        ))
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .configure(configure)
        .split_for_parts();
    // The document is serialised once for the process and served as those bytes: each worker
    // holding its own (and Swagger UI serialising it at every request) kept two copies of a
    // ~700 KB document's structures resident, which grows with every module (PERF-6).
    static DOC_JSON: std::sync::OnceLock<web::Bytes> = std::sync::OnceLock::new();
    let doc_json = DOC_JSON
        .get_or_init(|| {
            serde_json::to_vec(&completed(doc))
                .unwrap_or_default()
                .into()
        })
        .clone();
    app.route(
        OPENAPI_JSON,
        web::get().to(move || {
            let doc_json = doc_json.clone();
            async move {
                actix_web::HttpResponse::Ok()
                    .content_type("application/json")
                    .body(doc_json)
            }
        }),
    )
    .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::new([OPENAPI_JSON])))
    .service(web::redirect("/docs", "/docs/"))
    .app_data(web::Data::new(web_app::WebDir(
        web_dirs.into_iter().collect(),
    )))
    .default_service(web::to(web_app::fallback))
    .wrap(actix_web::middleware::from_fn(idempotency::middleware))
    .wrap(actix_web::middleware::from_fn(compress::middleware))
    .wrap(
        DefaultHeaders::new()
            .add(("X-Content-Type-Options", "nosniff"))
            .add(("Referrer-Policy", "no-referrer"))
            .add(("X-Frame-Options", "DENY")),
    )
    .wrap(actix_web::middleware::from_fn(headers::middleware))
    .wrap(request_log::logger())
}
