//! CUS-1 … CUS-10: the customer archive — search, create with duplicate warning, 360 profile
//! (masked ), update with stage history, soft delete, merge.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use hcrm_db::DbConn;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::customers::{self as store, Filter, Sort};
use hcrm_domain::api::customers::{
    COUNT_CAP, Customer, CustomerCreate, CustomerSummary, CustomerUpdate, DuplicateMatch,
    StageChange,
};
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::customer::update::{
    UpdateRefused, check_update, create_from_id, derived_address, form_of_address_after,
    update_from_id,
};
use hcrm_domain::customer::{CustomerCategory, CustomerKind, LifecycleStage, SourceChannel};
use hcrm_domain::{Permission, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm};
use crate::body::JsonBody;
use crate::error::{ApiError, field_errors};
use crate::handlers::assignee::check_assignee;
use crate::handlers::customer_access::{audit_read, customer_read, writable};
use crate::handlers::{expected_version, institution_for_new, page, sort, versioned, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One search box, read by its shape: digits are a full mobile number or its last 4
    /// digits, an ID number or its last 4 or 6 characters, a card number or an external (HIS)
    /// id; a number as lists show it masked (`186****0124`, `110***********1234`) finds it by
    /// the digits shown, other text with `*` finds nothing; letters are pinyin initials (`zs`)
    /// or the beginning of the full pinyin (`zhangsan`) or of a Latin name; anything else is
    /// a name: names starting with it first (`张`), then names containing it (`婷` finds
    /// 白婷佳, `王伟` finds 张王伟).
    #[param(example = "zs")]
    q: Option<String>,
    kind: Option<CustomerKind>,
    category: Option<CustomerCategory>,
    lifecycle_stage: Option<LifecycleStage>,
    tag: Option<String>,
    source_channel: Option<SourceChannel>,
    account_manager_id: Option<Uuid>,
    institution_id: Option<Uuid>,
    /// Customers born in this month (1–12), for birthday care.
    birth_month: Option<u32>,
    /// Default: the best matches first. A search by letters lists initials matches (in
    /// initials order: 张欣 `zx` before 张晓明 `zxm`) before full-pinyin ones; a name fragment
    /// lists names starting with it before names containing it; each group in pinyin order.
    /// Without `q` this is pinyin order. Or `name` (pinyin order), `created_at`,
    /// `updated_at`; prefix `-` for descending.
    sort: Option<String>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
    /// Count every match. By default the count stops at 200 and the page says
    /// `total_capped: true` (shown as "200+"), so that a broad search stays fast (PERF-1).
    /// The export always counts up to its own limit.
    exact_total: Option<bool>,
}

/// Search and list customers of the caller's institutions; numbers are always masked here.
#[utoipa::path(tag = "customers", operation_id = "list_customers", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<CustomerSummary>),
        crate::contract::ListErrors<perm::CustomerRead>,
    ))]
#[get("/customers")]
pub async fn list(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let count = if query.exact_total == Some(true) {
        store::Count::Exact
    } else {
        store::Count::UpTo(COUNT_CAP)
    };
    let (filter, sort, desc, w) = list_params(query)?;
    let scope = auth.caller.scope();
    let listed = state
        .db(move |c| Ok(store::list(c, &scope, &filter, sort, desc, w, count)?))
        .await?;
    let items = listed
        .items
        .into_iter()
        .map(CustomerSummary::masked)
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        total_capped: listed.capped,
        ..page((items, listed.total), w)
    }))
}

/// The list query checked: filters, sort and window (shared with the export, CUS-13).
pub(crate) fn list_params(
    q: ListQuery,
) -> Result<(Filter, Sort, bool, hcrm_db::ListWindow), ApiError> {
    let w = window(q.limit, q.offset)?;
    let (sort, desc) = sort(
        q.sort.as_deref(),
        &[
            ("name", Sort::Name),
            ("created_at", Sort::CreatedAt),
            ("updated_at", Sort::UpdatedAt),
        ],
        Sort::Relevance,
    )?;
    if q.birth_month.is_some_and(|m| !(1..=12).contains(&m)) {
        return Err(ApiError::field(
            "birth_month",
            "range",
            "must be between 1 and 12",
        ));
    }
    if q.q.as_deref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::field("q", "length", "at most 100 characters"));
    }
    let filter = Filter {
        // Stored text is NFC (issue 7 item 11): a search typed decomposed finds it too.
        q: q.q.map(|t| hcrm_domain::validation::nfc(&t).into_owned()),
        kind: q.kind,
        category: q.category,
        stage: q.lifecycle_stage,
        tag: q.tag.map(|t| hcrm_domain::validation::nfc(&t).into_owned()),
        source_channel: q.source_channel,
        account_manager_id: q.account_manager_id,
        institution_id: q.institution_id,
        birth_month: q.birth_month,
    };
    Ok((filter, sort, desc, w))
}

/// The customer as this caller may see it: numbers masked without `pii.read`.
pub(crate) fn shown(caller: &Caller, customer: Customer) -> Customer {
    if caller.can(Permission::PiiRead) {
        customer
    } else {
        customer.masked()
    }
}

/// The form of address of a new customer: the one given, or derived on `today`.
/// A valid resident ID number gives a blank gender and birth date first (issue 9 item 6).
pub(crate) fn form_for_create(x: &CustomerCreate, today: chrono::NaiveDate) -> String {
    let x = &create_from_id(x, today);
    x.form_of_address.clone().unwrap_or_else(|| {
        derived_address(
            x.kind,
            &x.name,
            x.gender,
            x.birth_date,
            x.occupation.as_deref(),
            today,
        )
    })
}

/// Checks that linked customers exist where the caller can reach them (the account manager
/// is checked by `check_assignee`).
fn check_links(
    c: &mut DbConn,
    scope: &Scope,
    employer: Option<Uuid>,
    referred_by: Option<Uuid>,
) -> Result<(), ApiError> {
    if let Some(e) = employer {
        let org = store::get(c, scope, e)
            .map_err(|_| ApiError::field("employer_id", "bad_reference", "no such customer"))?;
        if org.kind != CustomerKind::Organization {
            return Err(ApiError::field(
                "employer_id",
                "not_organization",
                "the employer must be an organization customer",
            ));
        }
    }
    if let Some(r) = referred_by {
        store::get(c, scope, r)
            .map_err(|_| ApiError::field("referred_by_id", "bad_reference", "no such customer"))?;
    }
    Ok(())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreateQuery {
    /// Create even though the phone or ID number matches existing customers (CUS-10).
    #[serde(default)]
    confirm_duplicate: bool,
}

/// Create a customer. When its phone or ID number matches existing customers the answer is
/// 409 `possible_duplicate` listing them, unless `confirm_duplicate=true`.
#[utoipa::path(tag = "customers", operation_id = "create_customer", security(("bearer" = [])),
    params(CreateQuery, crate::contract::IdempotencyKey),
    request_body = CustomerCreate,
    responses(
        (status = 201, body = Customer),
        crate::contract::CreateErrors<perm::CustomerWrite>,
        (status = 400, description = "malformed JSON (`malformed_json`) or query string (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "possible duplicate (see `duplicates`), or an external id already used", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/customers")]
pub async fn create(
    auth: Authz<perm::CustomerWrite>,
    state: web::Data<AppState>,
    query: web::Query<CreateQuery>,
    body: JsonBody<CustomerCreate>,
) -> Result<HttpResponse, ApiError> {
    let x = body.valid()?;
    let caller = auth.caller;
    let confirm = query.confirm_duplicate;
    let customer = state
        .write(move |c| {
            let scope = caller.scope();
            let institution = institution_for_new(c, &scope, x.institution_id)?;
            check_links(c, &scope, x.employer_id, x.referred_by_id)?;
            if let Some(m) = x.account_manager_id {
                check_assignee(c, &caller, "account_manager_id", Some(m), institution)?;
            }
            if !confirm {
                let found = store::duplicates(c, &scope, &x.phones, x.id_number.as_deref(), None)?;
                if !found.is_empty() {
                    let matches = found
                        .into_iter()
                        .map(|(s, on)| DuplicateMatch {
                            customer: s.masked(),
                            matched_on: on,
                        })
                        .collect();
                    return Err(ApiError::PossibleDuplicate(matches));
                }
            }
            let today = hcrm_db::institutions::today_of(c, institution)?;
            let form = form_for_create(&x, today);
            let id = store::create(c, &x, institution, form, caller.principal.id)?;
            let created = store::get(c, &scope, id)?;
            caller.record(c, Entry::created(&created))?;
            Ok(shown(&caller, created))
        })
        .await
        .map_err(crate::error::duplicate_of(
            "external_ids",
            "this external id already names another customer",
        ))?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::ETAG,
            format!("\"{}\"", customer.version),
        ))
        .json(customer))
}

/// The customer's profile (CUS-11 card). Unmasked reads (`pii.read`) and break-glass reads are
/// audited; break-glass ones are flagged. A customer merged into another answers 404 with
/// `type` `/problems/merged` and `merged_into`, the id to open instead (a redirect would be
/// followed by generated clients without their knowing, to a record of another id).
#[utoipa::path(tag = "customers", operation_id = "get_customer", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Customer, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::CustomerRead>,
        (status = 404, description = "no such customer for this caller (`not_found`), or one merged into another (`merged`, with `merged_into`: open that id instead)", body = Problem, content_type = "application/problem+json",
            examples(
                ("not_found" = (value = json!({"type": "/problems/not_found", "title": "Not found", "status": 404, "detail": "not found"}))),
                ("merged" = (value = json!({"type": "/problems/merged", "title": "Merged into another customer", "status": 404, "detail": "this customer was merged into 0193a1d2-7c4e-7b10-8000-00000000000f; open that one", "merged_into": "0193a1d2-7c4e-7b10-8000-00000000000f"}))),
            )),
    ))]
#[get("/customers/{id}")]
pub async fn get(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    // An audited read, not a write: the entry is one autocommit INSERT (issue 8 item 4).
    let customer = state
        .db(move |c| {
            let fields = ["id_number", "phones"];
            let access = match customer_read(c, &caller, id, "customer", &fields) {
                // A merged-away customer names the one it lives on in (issue 9 item 11).
                Err(ApiError::NotFound) => {
                    return Err(match hcrm_db::merge::merged_into(c, &caller.scope(), id)? {
                        Some(kept) => ApiError::Merged(kept),
                        None => ApiError::NotFound,
                    });
                }
                other => other?,
            };
            let customer = store::get(c, &access.scope(&caller), id)?;
            if caller.can(Permission::PiiRead) && !access.flagged() {
                audit_read(c, &caller, &access, "customer", &fields)?;
            }
            Ok(shown(&caller, customer))
        })
        .await?;
    Ok(versioned(&customer, customer.version))
}

/// Change a customer. Send the version in `If-Match` (or as `version`). A new lifecycle stage
/// is recorded in the stage history with `stage_reason` (CUS-3).
#[utoipa::path(tag = "customers", operation_id = "update_customer", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = CustomerUpdate,
    responses(
        (status = 200, body = Customer),
        crate::contract::UpdateErrors<perm::CustomerWrite>,
        (status = 409, description = "an external id already names another customer", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/customers/{id}")]
pub async fn update(
    auth: Authz<perm::CustomerWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<CustomerUpdate>,
) -> Result<HttpResponse, ApiError> {
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    let customer = state
        .write(move |c| {
            writable(c, &caller, id)?;
            let after = apply_update(c, &caller, id, version, &u)?;
            Ok(shown(&caller, after))
        })
        .await
        .map_err(crate::error::duplicate_of(
            "external_ids",
            "this external id already names another customer",
        ))?;
    Ok(versioned(&customer, customer.version))
}

/// The checks of an update against the record as it is and as it will be, without writing
/// (the import runs them for its dry run and its all-or-nothing decision). Returns the form of
/// address, whether it was set by hand, and the change to write: `u` with the gender
/// and birth date a resident ID number gives a record that lacks them (issue 9 item 6).
pub(crate) fn prepare_update(
    c: &mut DbConn,
    caller: &Caller,
    scope: &Scope,
    id: Uuid,
    current: &Customer,
    u: &CustomerUpdate,
) -> Result<((String, bool), CustomerUpdate), ApiError> {
    check_update(id, current, u, &caller.permissions).map_err(|e| match e {
        UpdateRefused::Consistency(errors) => ApiError::Validation(field_errors(&errors)),
        UpdateRefused::Fields(errors) => ApiError::Validation(errors),
    })?;
    check_links(
        c,
        scope,
        u.employer_id.flatten(),
        u.referred_by_id.flatten(),
    )?;
    if let Some(Some(m)) = u.account_manager_id
        && Some(m) != current.account_manager_id
    {
        check_assignee(
            c,
            caller,
            "account_manager_id",
            Some(m),
            current.institution_id,
        )?;
    }
    let today = hcrm_db::institutions::today_of(c, current.institution_id)?;
    let u = update_from_id(current, u, today);
    Ok((form_of_address_after(current, &u, today), u))
}

/// Applies a checked update to customer `id` of the caller's institutions at `version`: the
/// rules that span fields on the record as it will be, the stage transition (CUS-3), the
/// links, the form of address, and the audit entry. Returns the record after.
/// Shared by `PATCH /customers/{id}` and the import (CUS-13). Run inside a write transaction.
pub(crate) fn apply_update(
    c: &mut DbConn,
    caller: &Caller,
    id: Uuid,
    version: i32,
    u: &CustomerUpdate,
) -> Result<Customer, ApiError> {
    let scope = caller.scope();
    let current = store::get(c, &scope, id)?;
    let (form, u) = prepare_update(c, caller, &scope, id, &current, u)?;
    let (before, after) = store::update(c, &scope, id, version, &u, form, caller.principal.id)?;
    caller.record(c, Entry::changed(Action::Update, &before, &after))?;
    Ok(after)
}

/// Delete a customer (soft): it leaves every list and search; its history is kept.
#[utoipa::path(tag = "customers", operation_id = "delete_customer", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    responses(
        (status = 204, description = "deleted"),
        crate::contract::DeleteErrors<perm::CustomerDelete>,
    ))]
#[delete("/customers/{id}")]
pub async fn remove(
    auth: Authz<perm::CustomerDelete>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let version = expected_version(&req, None)?;
    let (id, caller) = (id.into_inner(), auth.caller);
    state
        .write(move |c| {
            writable(c, &caller, id)?;
            let before = store::soft_delete(c, &caller.scope(), id, version)?;
            caller.record(c, Entry::deleted(&before))?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The lifecycle stage history, oldest first (CUS-3).
#[utoipa::path(tag = "customers", operation_id = "list_customer_stage_history", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<StageChange>),
        crate::contract::ReadErrors<perm::CustomerRead>,
    ))]
#[get("/customers/{id}/stage-history")]
pub async fn stage_history(
    auth: Authz<perm::CustomerRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let history = state
        .db(move |c| {
            let access = customer_read(c, &caller, id, "customer", &["stage_history"])?;
            Ok(store::stage_history(c, &access.scope(&caller), id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(history))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(remove)
        .service(stage_history);
}
