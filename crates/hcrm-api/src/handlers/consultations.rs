//! 咨询 — SVC-1: record a consultation from any channel with the customer found by the
//! caller's number or created in the same request, refer it to a colleague or a specialist
//! doctor while the first receiver stays its owner (首问负责制), and close it with its outcome;
//! a call back owed becomes a task on the shared queue, a complaint raised answers the
//! complaint intake's fields. The storage is `hcrm_db::consultations`, the rules
//! `hcrm_domain::api::consultations`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use hcrm_db::DbConn;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::consultations::{self as store, Changes, Filter, NewConsultation};
use hcrm_db::ids::{DepartmentId, DoctorId, UserId};
use hcrm_db::tasks::NewTask;
use hcrm_domain::api::consultations::{
    CALLBACK_DEFAULT_MINUTES, Consultation, ConsultationChannel, ConsultationClose,
    ConsultationCreate, ConsultationOutcome, ConsultationState, ConsultationUpdate, callback_title,
};
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::customer::TaskKind;
use hcrm_domain::{Role, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, check_fields};
use crate::handlers::tasks::require_staff;
use crate::handlers::{created, expected_version, page, party, versioned, window};
use crate::state::AppState;

/// The department named must be one of the consultation's institution (else 422
/// `bad_reference`, the same for none and another institution's).
fn check_department(
    c: &mut DbConn,
    scope: &Scope,
    institution: Uuid,
    department: Option<Uuid>,
) -> Result<(), ApiError> {
    let Some(id) = department else {
        return Ok(());
    };
    match hcrm_db::departments::get(c, scope, id) {
        Ok(d) if d.institution_id == institution => Ok(()),
        Ok(_) | Err(hcrm_db::DbError::NotFound) => Err(ApiError::field(
            "department_id",
            "bad_reference",
            "no such department in the consultation's institution",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The specialist doctor named must be one of the institution's.
fn check_doctor(
    c: &mut DbConn,
    scope: &Scope,
    institution: Uuid,
    doctor: Option<Uuid>,
) -> Result<(), ApiError> {
    let Some(id) = doctor else {
        return Ok(());
    };
    match hcrm_db::doctors::get(c, scope, id) {
        Ok(d) if d.institution_id == institution => Ok(()),
        Ok(_) | Err(hcrm_db::DbError::NotFound) => Err(ApiError::field(
            "referred_doctor_id",
            "bad_reference",
            "no such doctor in the consultation's institution",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The colleague a consultation is referred to: an active staff member of its institution
/// (the rule every hand-over follows; naming someone needs no more than recording the
/// consultation, as the owner stays the owner).
fn check_colleague(c: &mut DbConn, institution: Uuid, user: Option<Uuid>) -> Result<(), ApiError> {
    let Some(user) = user else {
        return Ok(());
    };
    let no_such = || ApiError::field("referred_to_id", "bad_reference", "no such user");
    let found = match hcrm_db::users::principal(c, user) {
        Err(hcrm_db::DbError::NotFound) => return Err(no_such()),
        other => other?,
    };
    if !hcrm_domain::scope::may_look_after(&found.roles, &found.scope(), institution) {
        return Err(no_such());
    }
    if !found.active {
        return Err(ApiError::field(
            "referred_to_id",
            "inactive",
            "the user is deactivated",
        ));
    }
    Ok(())
}

/// The instant a consultation came in: not in the future (a minute's clock difference
/// allowed) nor more than 30 days back.
fn check_received(
    received: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<DateTime<Utc>, ApiError> {
    match received {
        None => Ok(at),
        Some(r) if r > at + TimeDelta::minutes(1) => Err(ApiError::field(
            "received_at",
            "future",
            "must not be in the future",
        )),
        Some(r) if r < at - TimeDelta::days(30) => Err(ApiError::field(
            "received_at",
            "range",
            "must be within the last 30 days",
        )),
        Some(r) => Ok(r.min(at)),
    }
}

/// The call-back time: given (not in the past by more than a minute, within 30 days) or in
/// two hours.
fn callback_due(due: Option<DateTime<Utc>>, at: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    match due {
        None => Ok(at + TimeDelta::minutes(CALLBACK_DEFAULT_MINUTES)),
        Some(d) if d < at - TimeDelta::minutes(1) || d > at + TimeDelta::days(30) => {
            Err(ApiError::field(
                "callback_due_at",
                "range",
                "must be from now to 30 days ahead",
            ))
        }
        Some(d) => Ok(d),
    }
}

/// Makes the call-back task for the consultation's owner and links it (once: a
/// consultation that has one keeps it).
fn make_callback(
    c: &mut DbConn,
    caller: &Caller,
    consultation: &Consultation,
    due: DateTime<Utc>,
) -> Result<(), ApiError> {
    if consultation.callback_task_id.is_some() {
        return Ok(());
    }
    let task = hcrm_db::tasks::create(
        c,
        NewTask {
            institution_id: consultation.institution_id,
            kind: TaskKind::Callback,
            title: callback_title(
                &consultation.customer.form_of_address,
                consultation.topic.as_deref(),
            ),
            description: Some(consultation.question.clone()),
            owner_id: Some(consultation.owner.id),
            team: None,
            due_on: None,
            due_at: Some(due),
            customer_id: Some(consultation.customer_id),
            source_type: Some("consultation".into()),
            source_id: Some(consultation.id.to_string()),
            created_by: Some(caller.principal.id),
        },
    )?;
    let stored = hcrm_db::tasks::get(c, &Scope::Group, task)?;
    caller.record(c, Entry::created(&stored))?;
    store::link_callback(c, consultation.id, task)?;
    Ok(())
}

/// 登记咨询 (SVC-1): the caller is the owner (首问负责制). The customer is `customer_id` —
/// found by the caller's number with `GET /customers?q=` — or `new_customer` (name and
/// mobile), created as a potential customer in the same transaction (409
/// `possible_duplicate` when that mobile is a customer's already). `outcome`
/// `callback_needed` makes a call-back task for the owner due `callback_due_at` (default in
/// two hours); `close: true` with another outcome closes it at once; `complaint_raised`
/// answers `complaint_prefill` for `POST /complaints`.
#[utoipa::path(tag = "consultations", operation_id = "create_consultation", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = ConsultationCreate,
    responses(
        (status = 201, body = Consultation, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::ServiceWrite>,
        (status = 409, description = "`new_customer`'s mobile is an existing customer's (`possible_duplicate`, see `duplicates`): send `customer_id` instead", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/consultations")]
pub async fn create(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    body: JsonBody<ConsultationCreate>,
) -> Result<HttpResponse, ApiError> {
    let caller = auth.caller;
    require_staff(&caller)?;
    let x = body.valid()?;
    let at = Utc::now();
    let received = check_received(x.received_at, at)?;
    let due = (x.outcome == Some(ConsultationOutcome::CallbackNeeded))
        .then(|| callback_due(x.callback_due_at, at))
        .transpose()?;
    let consultation = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = party::institution_for(c, &scope, x.customer_id, x.institution_id)?;
            check_department(c, &scope, institution, x.department_id)?;
            check_doctor(c, &scope, institution, x.referred_doctor_id)?;
            check_colleague(c, institution, x.referred_to_id)?;
            let customer = party::customer_for(
                c,
                &caller,
                institution,
                x.customer_id,
                x.new_customer.as_ref(),
            )?;
            let id = store::create(
                c,
                NewConsultation {
                    institution_id: institution,
                    channel: x.channel,
                    customer_id: customer,
                    owner_id: caller.principal.id,
                    referred_to_id: x.referred_to_id,
                    referred_doctor_id: x.referred_doctor_id,
                    referral_note: x.referral_note,
                    department_id: x.department_id,
                    topic: x.topic,
                    question: x.question,
                    answer: x.answer,
                    outcome: x.outcome,
                    received_at: received,
                    closed_at: x.close.then_some(at),
                },
            )?;
            let stored = store::get(c, &Scope::Group, id)?;
            if let Some(due) = due {
                make_callback(c, &caller, &stored, due)?;
            }
            let stored = store::get(c, &Scope::Group, id)?;
            caller.record(c, Entry::created(&stored))?;
            Ok(stored)
        })
        .await?;
    Ok(created(&consultation, consultation.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    customer_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    /// Those the caller owns or was referred.
    mine: Option<bool>,
    state: Option<ConsultationState>,
    outcome: Option<ConsultationOutcome>,
    channel: Option<ConsultationChannel>,
    department_id: Option<Uuid>,
    /// First day received, `2026-12-01`, in the institution's time zone.
    from: Option<NaiveDate>,
    /// Last day received, included.
    to: Option<NaiveDate>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The consultations of the caller's institutions, the newest first.
#[utoipa::path(tag = "consultations", operation_id = "list_consultations", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Consultation>),
        crate::contract::ListErrors<perm::ServiceRead>,
    ))]
#[get("/consultations")]
pub async fn list(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let caller = auth.caller;
    let w = window(q.limit, q.offset)?;
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from > to
    {
        return Err(ApiError::field("to", "range", "must not be before from"));
    }
    let (from, to, asked) = (q.from, q.to, q.institution_id);
    let mut filter = Filter {
        institution_id: q.institution_id,
        customer_id: q.customer_id,
        owner_id: q.owner_id,
        involving: q.mine.unwrap_or(false).then_some(caller.principal.id),
        referred_to_id: None,
        state: q.state,
        outcome: q.outcome,
        channel: q.channel,
        department_id: q.department_id,
        received_from: None,
        received_before: None,
    };
    let scope = caller.scope();
    let result = state
        .db(move |c| {
            if from.is_some() || to.is_some() {
                let zone = zone_of(c, &scope, asked)?;
                let bound = |d: NaiveDate| {
                    hcrm_domain::api::complaint_stats::day_start(d, &zone).naive_utc()
                };
                filter.received_from = from.map(bound);
                filter.received_before = to.and_then(|t| t.succ_opt()).map(bound);
            }
            Ok(store::list(c, &scope, &filter, w)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// The time zone days are counted in: the institution asked for, else the caller's first
/// institution's (the group's home zone for a group-wide caller).
pub(crate) fn zone_of(
    c: &mut DbConn,
    scope: &Scope,
    asked: Option<Uuid>,
) -> Result<String, ApiError> {
    let first = asked.or_else(|| scope.institution_ids().and_then(|ids| ids.first().copied()));
    match first {
        Some(i) if scope.allows(i) => match hcrm_db::institutions::time_zone_of(c, i) {
            Ok(z) => Ok(z),
            Err(hcrm_db::DbError::NotFound) => {
                Ok(hcrm_domain::time::HOME_TIME_ZONE.name().to_string())
            }
            Err(e) => Err(e.into()),
        },
        _ => Ok(hcrm_domain::time::HOME_TIME_ZONE.name().to_string()),
    }
}

/// One consultation of the caller's institutions.
#[utoipa::path(tag = "consultations", operation_id = "get_consultation", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Consultation, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::ServiceRead>,
    ))]
#[get("/consultations/{id}")]
pub async fn get(
    auth: Authz<perm::ServiceRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let consultation = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&consultation, consultation.version))
}

/// Who may change a consultation: its owner, the colleague it was referred to, or a
/// supervisor (客服主任) for them.
fn may_change(caller: &Caller, c: &Consultation) -> bool {
    c.owner.id == caller.principal.id
        || c.referred_to
            .as_ref()
            .is_some_and(|r| r.id == caller.principal.id)
        || caller.principal.roles.contains(&Role::Supervisor)
}

/// Change an open consultation: the department, topic, question, answer, a referral (to a
/// colleague or a specialist doctor; the owner stays) or the outcome — `callback_needed`
/// makes the call-back task. The owner, the colleague it was referred to or a supervisor
/// may. A closed one is 409 `closed`. Send the version in `If-Match`.
#[utoipa::path(tag = "consultations", operation_id = "update_consultation", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = ConsultationUpdate,
    responses(
        (status = 200, body = Consultation, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ServiceWrite>,
        (status = 409, description = "the consultation is closed (`closed`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/consultations/{id}")]
pub async fn update(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<ConsultationUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let at = Utc::now();
    if u.callback_due_at.is_some() && u.outcome != Some(ConsultationOutcome::CallbackNeeded) {
        return Err(ApiError::field(
            "callback_due_at",
            "callback_not_needed",
            "a call-back time goes with the outcome callback_needed",
        ));
    }
    let due = (u.outcome == Some(ConsultationOutcome::CallbackNeeded))
        .then(|| callback_due(u.callback_due_at, at))
        .transpose()?;
    let consultation = state
        .write(move |c| {
            let scope = caller.scope();
            let current = store::get(c, &scope, id)?;
            if !may_change(&caller, &current) {
                return Err(ApiError::Forbidden);
            }
            if current.version != version {
                return Err(ApiError::Stale {
                    current: current.version,
                });
            }
            if current.state == ConsultationState::Closed {
                return Err(closed());
            }
            let institution = current.institution_id;
            if let Some(d) = u.department_id {
                check_department(c, &scope, institution, d)?;
            }
            if let Some(d) = u.referred_doctor_id {
                check_doctor(c, &scope, institution, d)?;
            }
            if let Some(user) = u.referred_to_id {
                check_colleague(c, institution, user)?;
            }
            let changes = Changes {
                department_id: u.department_id.map(|d| d.map(DepartmentId::from)),
                topic: u.topic.clone(),
                question: u.question.clone(),
                answer: u.answer.clone(),
                referred_to_id: u.referred_to_id.map(|d| d.map(UserId::from)),
                referred_doctor_id: u.referred_doctor_id.map(|d| d.map(DoctorId::from)),
                referral_note: u.referral_note.clone(),
                outcome: u.outcome.map(|o| Some(o.code().to_string())),
                ..Changes::default()
            };
            let (before, after) = store::update(c, &scope, id, version, changes)?;
            if let Some(due) = due {
                make_callback(c, &caller, &after, due)?;
            }
            let after = store::get(c, &scope, id)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&consultation, consultation.version))
}

fn closed() -> ApiError {
    ApiError::WrongState(hcrm_domain::api::FieldError {
        field: "state".into(),
        code: "closed".into(),
        message: "the consultation is closed".into(),
    })
}

/// 结束咨询: close with the outcome (not `callback_needed`) and the answer if not given
/// before. The owner closes (首问负责制: the one who took the question sees it through), or a
/// supervisor for them; the colleague it was referred to may not. An open call-back task
/// stays the owner's. A closed one is 409 `closed`.
#[utoipa::path(tag = "consultations", operation_id = "close_consultation", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch, crate::contract::IdempotencyKey),
    request_body = ConsultationClose,
    responses(
        (status = 200, body = Consultation, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::ServiceWrite>,
        (status = 409, description = "the consultation is closed already (`closed`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/consultations/{id}/close")]
pub async fn close(
    auth: Authz<perm::ServiceWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<ConsultationClose>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    require_staff(&caller)?;
    let x = body.valid()?;
    check_fields(x.cross_field_errors())?;
    let version = expected_version(&req, x.version)?;
    let consultation = state
        .write(move |c| {
            let scope = caller.scope();
            let current = store::get(c, &scope, id)?;
            if current.owner.id != caller.principal.id
                && !caller.principal.roles.contains(&Role::Supervisor)
            {
                return Err(ApiError::Forbidden);
            }
            if current.version != version {
                return Err(ApiError::Stale {
                    current: current.version,
                });
            }
            if current.state == ConsultationState::Closed {
                return Err(closed());
            }
            let mut changes = Changes::close(x.outcome, caller.principal.id);
            if let Some(answer) = x.answer.clone().filter(|a| !a.trim().is_empty()) {
                changes.answer = Some(Some(answer.trim().to_string()));
            }
            let (before, after) = store::update(c, &scope, id, version, changes)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&consultation, consultation.version))
}

/// This module's routes (registered in [`crate::modules::MODULES`]); the statistics'
/// literal path comes before `{id}`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(crate::handlers::consultation_stats::statistics)
        .service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_and_callback_times_are_bounded() {
        let at: DateTime<Utc> = "2026-12-08T02:00:00Z".parse().unwrap();
        assert_eq!(check_received(None, at).ok(), Some(at));
        assert!(check_received(Some(at + TimeDelta::minutes(5)), at).is_err());
        assert!(check_received(Some(at - TimeDelta::days(31)), at).is_err());
        assert_eq!(callback_due(None, at).ok(), Some(at + TimeDelta::hours(2)));
        assert!(callback_due(Some(at - TimeDelta::hours(1)), at).is_err());
    }
}
