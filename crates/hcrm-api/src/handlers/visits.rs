//! 就诊与消费 (SVC-4): visits entered by hand — outpatient, inpatient (admission and
//! discharge), surgery, treatment course, check-up — and a customer's summary for the 360
//! page. Every write raises the visit's domain events in its transaction (`hcrm_db::visits::
//! raise_events`, once per visit and kind); the HIS path (issue 12) writes through the same
//! storage. `visit.read` reads, `visit.write` records; integration clients use their own
//! endpoints.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::visits::{self as store, Filter, NewVisit};
use hcrm_db::{DbConn, DbError};
use hcrm_domain::Scope;
use hcrm_domain::api::visits::{Visit, VisitCreate, VisitKind, VisitSummary, VisitUpdate};
use hcrm_domain::api::{Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, duplicate_of};
use crate::handlers::customer_access::{customer_read, writable};
use crate::handlers::tasks::require_staff;
use crate::handlers::{created, expected_version, page, versioned, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    customer_id: Option<Uuid>,
    institution_id: Option<Uuid>,
    kind: Option<VisitKind>,
    department_id: Option<Uuid>,
    doctor_id: Option<Uuid>,
    /// Visits on or after this day (the institution's date; Beijing's across institutions).
    from: Option<NaiveDate>,
    /// Visits on or before this day.
    to: Option<NaiveDate>,
    /// The HIS's id of a visit.
    external_id: Option<String>,
    /// `visited_at` (oldest first) or `-visited_at` (default, newest first).
    sort: Option<String>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The time zone a period given as dates is read in: the institution's asked for, else the
/// only one of the caller's, else the group's home zone.
fn period_zone(
    c: &mut DbConn,
    scope: &Scope,
    institution: Option<Uuid>,
) -> Result<String, DbError> {
    let one = institution.or_else(|| match scope.institution_ids() {
        Some([only]) => Some(*only),
        _ => None,
    });
    match one {
        Some(i) => match hcrm_db::institutions::time_zone_of(c, i) {
            Err(DbError::NotFound) => Ok(hcrm_domain::time::HOME_TIME_ZONE.name().into()),
            other => other,
        },
        None => Ok(hcrm_domain::time::HOME_TIME_ZONE.name().into()),
    }
}

/// Visits of the caller's institutions, newest first.
#[utoipa::path(tag = "visits", operation_id = "list_visits", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Visit>),
        crate::contract::ListErrors<perm::VisitRead>,
    ))]
#[get("/visits")]
pub async fn list(
    auth: Authz<perm::VisitRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let oldest_first = match q.sort.as_deref() {
        None | Some("-visited_at") => false,
        Some("visited_at") => true,
        Some(_) => {
            return Err(ApiError::field(
                "sort",
                "sort",
                "sort by visited_at or -visited_at",
            ));
        }
    };
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from > to
    {
        return Err(ApiError::field("to", "range", "must not be before from"));
    }
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| {
            let zone = period_zone(c, &scope, q.institution_id)?;
            let start = |d: NaiveDate| hcrm_domain::time::day_start(d, &zone).naive_utc();
            let filter = Filter {
                customer_id: q.customer_id,
                institution_id: q.institution_id,
                kind: q.kind,
                department_id: q.department_id,
                doctor_id: q.doctor_id,
                from: q.from.map(start),
                before: q.to.and_then(|d| d.succ_opt()).map(start),
                external_id: q.external_id,
            };
            Ok(store::list(c, &scope, &filter, oldest_first, w)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// The department and doctor of a visit must be the institution's; another institution's
/// and unknown ids are one `bad_reference`.
fn check_links(
    c: &mut DbConn,
    institution: Uuid,
    department: Option<Uuid>,
    doctor: Option<Uuid>,
) -> Result<(), ApiError> {
    let there = Scope::Institutions(vec![institution]);
    let bad = |field: &'static str, what: &'static str| {
        move |e: DbError| match e {
            DbError::NotFound => ApiError::field(field, "bad_reference", what),
            other => other.into(),
        }
    };
    if let Some(d) = department {
        hcrm_db::departments::get(c, &there, d).map_err(bad(
            "department_id",
            "no such department in the customer's institution",
        ))?;
    }
    if let Some(d) = doctor {
        hcrm_db::doctors::get(c, &there, d).map_err(bad(
            "doctor_id",
            "no such doctor in the customer's institution",
        ))?;
    }
    Ok(())
}

/// Record a visit of a customer of the caller's institutions (the visit's institution is the
/// customer's). Raises its domain events — visit recorded; admitted, discharged, surgery,
/// course ended as the kind and end say — in the same transaction; an admission puts the
/// admission-assistance task in the service team's queue. A second visit with the same
/// `external_id` in the institution is 409.
#[utoipa::path(tag = "visits", operation_id = "create_visit", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = VisitCreate,
    responses(
        (status = 201, body = Visit, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::VisitWrite>,
        (status = 409, description = "the institution already has a visit with this `external_id` (`duplicate`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/visits")]
pub async fn create(
    auth: Authz<perm::VisitWrite>,
    state: web::Data<AppState>,
    body: JsonBody<VisitCreate>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    require_staff(&caller)?;
    let x = body.valid()?;
    crate::error::check_fields(x.facts().errors(chrono::Utc::now()))?;
    let visit = state
        .write(move |c| {
            let access = writable(c, &caller, x.customer_id).map_err(|e| match e {
                ApiError::NotFound => {
                    ApiError::field("customer_id", "bad_reference", "no such customer")
                }
                other => other,
            })?;
            check_links(c, access.institution_id, x.department_id, x.doctor_id)?;
            let visit = store::create(
                c,
                NewVisit {
                    institution_id: access.institution_id,
                    customer_id: x.customer_id,
                    kind: x.kind,
                    sequence: x.sequence,
                    department_id: x.department_id,
                    doctor_id: x.doctor_id,
                    diagnosis_category: x.diagnosis_category,
                    visited_at: x.visited_at,
                    ended_at: x.ended_at,
                    amount_fen: x.amount_fen,
                    insurance_fen: x.insurance_fen,
                    paid_fen: x.paid_fen,
                    external_id: x.external_id,
                    note: x.note,
                    created_by: Some(caller.principal.id),
                },
            )
            .map_err(ApiError::from)
            .map_err(duplicate_of(
                "external_id",
                "the institution already has a visit with this external id",
            ))?;
            caller.record(c, Entry::created(&visit))?;
            Ok(visit)
        })
        .await?;
    Ok(created(&visit, visit.version))
}

/// One visit of the caller's institutions.
#[utoipa::path(tag = "visits", operation_id = "get_visit", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Visit, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::VisitRead>,
    ))]
#[get("/visits/{id}")]
pub async fn get(
    auth: Authz<perm::VisitRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let visit = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&visit, visit.version))
}

/// Change a visit: a discharge or a course's end, the money, the department … (the customer
/// and the kind stay). Raises the events the change calls for (a discharge once). Send the
/// version in `If-Match` (or as `version`).
#[utoipa::path(tag = "visits", operation_id = "update_visit", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = VisitUpdate,
    responses(
        (status = 200, body = Visit, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::VisitWrite>,
        (status = 409, description = "the institution already has a visit with this `external_id` (`duplicate`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/visits/{id}")]
pub async fn update(
    auth: Authz<perm::VisitWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<VisitUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let visit = state
        .write(move |c| {
            let scope = caller.scope();
            let current = store::get(c, &scope, id)?;
            if current.version != version {
                return Err(ApiError::Stale {
                    current: current.version,
                });
            }
            crate::error::check_fields(current.facts_after(&u).errors(chrono::Utc::now()))?;
            check_links(
                c,
                current.institution_id,
                u.department_id.flatten(),
                u.doctor_id.flatten(),
            )?;
            let (before, after) = store::update(c, &scope, id, version, &u)
                .map_err(ApiError::from)
                .map_err(duplicate_of(
                    "external_id",
                    "the institution already has a visit with this external id",
                ))?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&visit, visit.version))
}

/// The customer's visits and spending for the 360 page: how many, the amount, the
/// insurance's share, paid, arrears, the first and last visit — over the caller's
/// institutions (the customer's under a break-glass grant, audited and flagged).
#[utoipa::path(tag = "visits", operation_id = "get_customer_visit_summary", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = VisitSummary),
        crate::contract::ReadErrors<perm::VisitRead>,
    ))]
#[get("/customers/{id}/visit-summary")]
pub async fn summary(
    auth: Authz<perm::VisitRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let summary = state
        .db(move |c| {
            let access = customer_read(c, &caller, id, "customer_visits", &["visit_summary"])?;
            Ok(store::summary(c, &access.scope(&caller), id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(summary);
}
