//! Who a piece of service work is about, named in the request that records the work (a
//! complaint's intake, a consultation): an existing customer by `customer_id` — the agent
//! found them by the caller's number — or `new_customer`, a potential customer created in
//! the same transaction. One piece for every intake, so that each refuses the same things
//! the same way.

use hcrm_db::DbConn;
use hcrm_db::audit::Entry;
use hcrm_domain::Scope;
use hcrm_domain::api::customers::{CustomerCreate, DuplicateMatch, NewPotentialCustomer};
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::handlers::customers::form_for_create;
use crate::handlers::institution_for_new;

/// The institution of the new record: the customer's when one is named (an `institution_id`
/// that differs is 422 `customer_institution`; a customer out of reach is 422
/// `bad_reference`, the same as none), else [`institution_for_new`].
pub fn institution_for(
    c: &mut DbConn,
    scope: &Scope,
    customer_id: Option<Uuid>,
    institution_id: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    let Some(customer) = customer_id else {
        return institution_for_new(c, scope, institution_id);
    };
    let inst = match hcrm_db::customers::institution_of(c, customer) {
        Ok(i) if scope.allows(i) => i,
        Ok(_) | Err(hcrm_db::DbError::NotFound) => {
            return Err(ApiError::field(
                "customer_id",
                "bad_reference",
                "no such customer",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if institution_id.is_some_and(|i| i != inst) {
        return Err(ApiError::field(
            "institution_id",
            "customer_institution",
            "the customer belongs to another institution",
        ));
    }
    Ok(inst)
}

/// The customer the work is about: `customer_id` as given (checked by [`institution_for`]),
/// or `new_customer` created as a potential customer of `institution` and audited — 409
/// `possible_duplicate` listing the customers of that institution with that mobile, so that
/// the agent picks the one found rather than making a second record. Run inside the write
/// transaction of the work itself.
pub fn customer_for(
    c: &mut DbConn,
    caller: &Caller,
    institution: Uuid,
    customer_id: Option<Uuid>,
    new_customer: Option<&NewPotentialCustomer>,
) -> Result<Uuid, ApiError> {
    match (customer_id, new_customer) {
        (Some(id), _) => Ok(id),
        (None, Some(new)) => {
            let found = hcrm_db::customers::duplicates(
                c,
                &Scope::Institutions(vec![institution]),
                std::slice::from_ref(&new.mobile),
                None,
                None,
            )?;
            if !found.is_empty() {
                return Err(ApiError::PossibleDuplicate(
                    found
                        .into_iter()
                        .map(|(s, on)| DuplicateMatch {
                            customer: s.masked(),
                            matched_on: on,
                        })
                        .collect(),
                ));
            }
            let create: CustomerCreate = serde_json::from_value(serde_json::json!({
                "institution_id": institution,
                "kind": "individual",
                "name": new.name,
                "phones": [new.mobile],
                "lifecycle_stage": "potential",
            }))
            .map_err(|_| ApiError::Internal)?;
            let today = hcrm_db::institutions::today_of(c, institution)?;
            let form = form_for_create(&create, today);
            let id =
                hcrm_db::customers::create(c, &create, institution, form, caller.principal.id)?;
            let customer = hcrm_db::customers::get(c, &Scope::Group, id)?;
            caller.record(c, Entry::created(&customer))?;
            Ok(id)
        }
        (None, None) => Err(ApiError::field(
            "customer_id",
            "required",
            "give customer_id or new_customer",
        )),
    }
}
