//! The live checks of the customer form (CUS-4, CUS-6) in both languages, before any request.

use hcrm_domain::api::customers::consistency;
use yew::prelude::*;

use super::draft::{Draft, ExtRow, MAX_EXTERNAL_IDS, MAX_INTERESTS};
use crate::forms::{FieldErrors, opt};

/// The live checks of the form, the same rules as `CustomerCreate`'s validation but without
/// calling its derive: that would link the `validator` crate's e-mail check (regex and IDNA
/// tables, hundreds of KB of wasm; PERF-7). The server checks everything again.
pub(super) fn live_errors(d: &Draft, masked: bool) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let mut put = |field: &str, code: &str| {
        errors
            .entry(field.to_string())
            .or_insert_with(|| code.to_string());
    };
    let c = d.create();
    let chars = |s: &str| s.chars().count();
    if c.name.trim().is_empty() {
        put("name", "blank");
    } else if chars(&c.name) > 100 {
        put("name", "length");
    }
    if opt(&d.birth_date).is_some() && d.birth_date().is_none() {
        put("birth_date", "date");
    }
    if !masked {
        for (field, value) in [("phone", &d.phone), ("phone2", &d.phone2)] {
            if opt(value).is_some_and(|p| hcrm_domain::validation::mobile(&p).is_err()) {
                put(field, "mobile");
            }
        }
        if c.landline
            .as_deref()
            .is_some_and(|l| hcrm_domain::validation::phone(l).is_err())
        {
            put("landline", "phone");
        }
        if c.id_number.as_deref().is_some_and(|n| chars(n) > 30) {
            put("id_number", "length");
        }
    }
    if let Some(e) = &c.email
        && !looks_like_email(e)
    {
        put("email", "email");
    }
    if c.tags.iter().any(|t| chars(t) > 20) {
        put("tags", "tag");
    } else if c.tags.len() > 30 {
        put("tags", "length");
    }
    if c.interests.len() > MAX_INTERESTS {
        put("interests", "interests");
    }
    let ext = &c.external_ids;
    if d.external_ids.iter().any(ExtRow::is_incomplete) {
        put("external_ids", "external_id_incomplete");
    } else if ext.len() > MAX_EXTERNAL_IDS
        || ext
            .iter()
            .any(|e| chars(&e.system) > 30 || chars(&e.external_id) > 64)
    {
        put("external_ids", "length");
    } else if ext.iter().enumerate().any(|(i, e)| ext[..i].contains(e)) {
        put("external_ids", "external_id_repeated");
    }
    for (field, value, max) in [
        ("wechat", &c.wechat, 50),
        ("occupation", &c.occupation, 50),
        ("industry", &c.industry, 50),
        ("form_of_address", &c.form_of_address, 30),
        ("notes", &c.notes, 2000),
        ("card_number", &c.card_number, 30),
        ("qq", &c.qq, 20),
        ("family_situation", &c.family_situation, 500),
        ("preferred_hours", &c.preferred_hours, 50),
        ("source_detail", &c.source_detail, 200),
        ("org_size", &c.org_size, 30),
        ("province", &c.address.province, 30),
    ] {
        if value.as_deref().is_some_and(|v| chars(v) > max) {
            put(field, "length");
        }
    }
    // ID number checksum / birth date / gender, USCC (hcrm-domain's own rule).
    let id_number = if masked { None } else { c.id_number.as_deref() };
    if let Err(e) = consistency(
        c.kind,
        c.id_type,
        id_number,
        c.birth_date,
        c.gender,
        c.uscc.as_deref(),
    ) {
        let field = e
            .params
            .get("field")
            .and_then(|v| v.as_str())
            .unwrap_or("id_number")
            .to_string();
        put(&field, &e.code);
    }
    errors
}

/// `local@domain.tld`, no spaces: enough for live feedback (the server validates fully).
pub(super) fn looks_like_email(e: &str) -> bool {
    let mut parts = e.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && !e.chars().any(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        _ => false,
    }
}

/// Drops the API's error on a field once the user changes it.
pub(super) fn forget_server_error(errors: &UseStateHandle<FieldErrors>, field: &str) {
    if errors.contains_key(field) {
        let mut next = (**errors).clone();
        next.remove(field);
        errors.set(next);
    }
}

/// A row of the external id editor that the live checks object to.
pub(super) fn ext_row_bad(rows: &[ExtRow], i: usize) -> bool {
    let Some(row) = rows.get(i) else {
        return false;
    };
    let key = |r: &ExtRow| {
        (
            r.system.trim().to_string(),
            r.external_id.trim().to_string(),
        )
    };
    row.is_incomplete()
        || row.system.trim().chars().count() > 30
        || row.external_id.trim().chars().count() > 64
        || (!row.is_blank() && rows[..i].iter().any(|r| key(r) == key(row)))
}
