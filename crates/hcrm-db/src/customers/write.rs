//! Writes of a customer: create, update with its stage history (CUS-3), soft delete.

use super::*;
use crate::kit::insert_many;
use hcrm_domain::api::timeline::SystemStageReason;

/// The phone rows of `list`: the first is the primary one; repeats dropped.
fn phone_rows(id: CustomerId, list: &[String]) -> Vec<PhoneRow> {
    let mut rows: Vec<PhoneRow> = Vec::new();
    for raw in list {
        let row = PhoneRow::new(id, raw, rows.is_empty());
        if !rows.iter().any(|r| r.phone == row.phone) {
            rows.push(row);
        }
    }
    rows
}

fn category_rows(id: CustomerId, list: &[CustomerCategory]) -> Vec<CategoryRow> {
    let mut list = list.to_vec();
    list.sort();
    list.dedup();
    list.into_iter()
        .map(|cat| CategoryRow {
            customer_id: id,
            category: cat.code().into(),
        })
        .collect()
}

fn tag_rows(id: CustomerId, list: &[String]) -> Vec<TagRow> {
    let mut list: Vec<String> = list
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    list.sort();
    list.dedup();
    list.into_iter()
        .map(|tag| TagRow {
            customer_id: id,
            tag,
        })
        .collect()
}

fn external_id_rows(
    id: CustomerId,
    institution: InstitutionId,
    list: &[ExternalId],
) -> Vec<ExternalIdRow> {
    list.iter()
        .map(|e| ExternalIdRow {
            customer_id: id,
            institution_id: institution,
            system: e.system.trim().into(),
            external_id: e.external_id.trim().into(),
        })
        .collect()
}

fn stage_row(
    id: CustomerId,
    from: Option<LifecycleStage>,
    to: LifecycleStage,
    reason: Option<&str>,
    by: UserId,
) -> StageRow {
    StageRow {
        id: crate::ids::StageChangeId::new(),
        customer_id: id,
        from_stage: from.map(|s| s.code().into()),
        to_stage: to.code().into(),
        reason: reason.map(str::to_string),
        changed_by: Some(by),
        changed_at: now(),
    }
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Creates a customer in `institution`; run inside a write transaction. `form_of_address`
/// is the derived or given form. Returns the new id.
pub fn create(
    conn: &mut DbConn,
    x: &CustomerCreate,
    institution: Uuid,
    form_of_address: String,
    by: Uuid,
) -> Result<Uuid, DbError> {
    let today = crate::institutions::today_of(conn, institution)?;
    let (id, new) = new_rows(x, institution, today, form_of_address, by);
    new.write(conn)?;
    Ok(id.0)
}

/// Every row of a new customer of `institution` (`today` its date), as [`create`] writes
/// them; a HIS batch (issue 12) gathers those of many and writes them at once.
pub fn new_rows(
    x: &CustomerCreate,
    institution: Uuid,
    today: NaiveDate,
    form_of_address: String,
    by: Uuid,
) -> (CustomerId, NewCustomers) {
    let t = now();
    let id = CustomerId::new();
    let by = UserId::from(by);
    // A valid resident ID number gives a blank gender and birth date (issue 9 item 6).
    let x = &hcrm_domain::customer::update::create_from_id(x, today);
    let (full_py, initials) = pinyin_keys(&x.name);
    let stage = x.lifecycle_stage.unwrap_or(LifecycleStage::Potential);
    let row = CustomerRow {
        id,
        institution_id: institution.into(),
        kind: x.kind.code().into(),
        name: x.name.trim().into(),
        name_pinyin: full_py,
        name_initials: initials,
        gender: x.gender.map(|g| g.code().into()),
        birth_date: x.birth_date,
        birth_month: x.birth_date.map(|b| b.month() as i32),
        id_type: x
            .id_type
            .or(x.id_number.as_ref().map(|_| IdType::ResidentId))
            .map(|t| t.code().into()),
        id_number: x.id_number.as_deref().map(normalize_id_number),
        card_number: trimmed(&x.card_number),
        form_of_address,
        form_of_address_custom: x.form_of_address.is_some(),
        lifecycle_stage: stage.code().into(),
        relationship_type: x.relationship_type.map(|r| r.code().into()),
        source_channel: x.source_channel.map(|s| s.code().into()),
        account_manager_id: x.account_manager_id.map(UserId::from),
        uscc: x.uscc.as_deref().map(normalize_id_number),
        employer_id: x.employer_id.map(CustomerId::from),
        merged_into_id: None,
        deleted_at: None,
        version: 1,
        created_by: Some(by),
        created_at: t,
        updated_at: t,
    };
    let profile = ProfileRow {
        customer_id: id,
        landline: trimmed(&x.landline),
        wechat: trimmed(&x.wechat),
        qq: trimmed(&x.qq),
        email: trimmed(&x.email),
        province: trimmed(&x.address.province),
        city: trimmed(&x.address.city),
        district: trimmed(&x.address.district),
        street: trimmed(&x.address.street),
        occupation: trimmed(&x.occupation),
        education: x.education.map(|v| v.code().to_string()),
        marital_status: x.marital_status.map(|v| v.code().to_string()),
        family_situation: trimmed(&x.family_situation),
        preferred_language: x.preferred_language.map(|v| v.code().to_string()),
        preferred_channel: x.preferred_channel.map(|v| v.code().to_string()),
        preferred_hours: trimmed(&x.preferred_hours),
        source_detail: trimmed(&x.source_detail),
        referred_by_id: x.referred_by_id.map(CustomerId::from),
        interests: serde_json::Value::from(x.interests.clone()).to_string(),
        notes: trimmed(&x.notes),
        industry: trimmed(&x.industry),
        org_size: trimmed(&x.org_size),
    };
    let new = NewCustomers {
        phones: phone_rows(id, &x.phones),
        categories: category_rows(id, &x.categories),
        tags: tag_rows(id, &x.tags),
        external_ids: external_id_rows(id, row.institution_id, &x.external_ids),
        stages: vec![stage_row(
            id,
            None,
            stage,
            Some(SystemStageReason::Created.code()),
            by,
        )],
        customers: vec![row],
        profiles: vec![profile],
    };
    (id, new)
}

#[derive(AsChangeset)]
#[diesel(table_name = c)]
struct Changes {
    name: Option<String>,
    name_pinyin: Option<String>,
    name_initials: Option<String>,
    gender: Option<Option<String>>,
    birth_date: Option<Option<NaiveDate>>,
    birth_month: Option<Option<i32>>,
    id_type: Option<Option<String>>,
    id_number: Option<Option<String>>,
    card_number: Option<Option<String>>,
    form_of_address: Option<String>,
    form_of_address_custom: Option<bool>,
    lifecycle_stage: Option<String>,
    relationship_type: Option<Option<String>>,
    source_channel: Option<Option<String>>,
    account_manager_id: Option<Option<UserId>>,
    uscc: Option<Option<String>>,
    employer_id: Option<Option<CustomerId>>,
    updated_at: NaiveDateTime,
}

fn pick<T: Clone>(patch: &Option<Option<T>>, current: Option<T>) -> Option<T> {
    match patch {
        Some(v) => v.clone(),
        None => current,
    }
}

/// Applies `u` at `expected_version` with the form of address the API worked out; records a
/// stage change in the history. Returns (before, after). Run inside a write transaction.
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    u: &CustomerUpdate,
    form_of_address: (String, bool),
    by: Uuid,
) -> Result<(Customer, Customer), DbError> {
    let key = CustomerId::from(id);
    let by = UserId::from(by);
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, before| {
            let names = u
                .name
                .as_ref()
                .map(|n| (n.trim().to_string(), pinyin_keys(n)));
            let birth = pick(&u.birth_date, before.birth_date);
            let changes = Changes {
                name: names.as_ref().map(|(n, _)| n.clone()),
                name_pinyin: names.as_ref().map(|(_, (full, _))| full.clone()),
                name_initials: names.as_ref().map(|(_, (_, i))| i.clone()),
                gender: u.gender.map(|g| g.map(|g| g.code().to_string())),
                birth_date: u.birth_date,
                birth_month: u.birth_date.map(|_| birth.map(|b| b.month() as i32)),
                id_type: u.id_type.map(|t| t.map(|t| t.code().to_string())),
                id_number: u
                    .id_number
                    .as_ref()
                    .map(|n| n.as_deref().map(normalize_id_number)),
                card_number: u.card_number.as_ref().map(trimmed),
                form_of_address: Some(form_of_address.0),
                form_of_address_custom: Some(form_of_address.1),
                lifecycle_stage: u.lifecycle_stage.map(|s| s.code().to_string()),
                relationship_type: u.relationship_type.map(|r| r.map(|r| r.code().to_string())),
                source_channel: u.source_channel.map(|s| s.map(|s| s.code().to_string())),
                account_manager_id: u.account_manager_id.map(|a| a.map(UserId::from)),
                uscc: u
                    .uscc
                    .as_ref()
                    .map(|v| v.as_deref().map(normalize_id_number)),
                employer_id: u.employer_id.map(|e| e.map(CustomerId::from)),
                updated_at: now(),
            };
            bump_version!(conn, c, key, expected_version, changes)
        },
    )?;
    let address = u.address.clone().unwrap_or_else(|| before.address.clone());
    let profile = ProfileRow {
        customer_id: key,
        landline: pick(&u.landline, before.landline.clone()),
        wechat: pick(&u.wechat, before.wechat.clone()),
        qq: pick(&u.qq, before.qq.clone()),
        email: pick(&u.email, before.email.clone()),
        province: trimmed(&address.province),
        city: trimmed(&address.city),
        district: trimmed(&address.district),
        street: trimmed(&address.street),
        occupation: pick(&u.occupation, before.occupation.clone()),
        education: pick(&u.education, before.education).map(|v| v.code().to_string()),
        marital_status: pick(&u.marital_status, before.marital_status)
            .map(|v| v.code().to_string()),
        family_situation: pick(&u.family_situation, before.family_situation.clone()),
        preferred_language: pick(&u.preferred_language, before.preferred_language)
            .map(|v| v.code().to_string()),
        preferred_channel: pick(&u.preferred_channel, before.preferred_channel)
            .map(|v| v.code().to_string()),
        preferred_hours: pick(&u.preferred_hours, before.preferred_hours.clone()),
        source_detail: pick(&u.source_detail, before.source_detail.clone()),
        referred_by_id: pick(&u.referred_by_id, before.referred_by_id).map(CustomerId::from),
        interests: serde_json::Value::from(u.interests.clone().unwrap_or(before.interests.clone()))
            .to_string(),
        notes: pick(&u.notes, before.notes.clone()),
        industry: pick(&u.industry, before.industry.clone()),
        org_size: pick(&u.org_size, before.org_size.clone()),
    };
    diesel::update(profiles::table.find(key))
        .set(&profile)
        .execute(conn)?;
    if let Some(list) = &u.phones {
        diesel::delete(phones::table.filter(phones::customer_id.eq(key))).execute(conn)?;
        insert_many!(conn, phones::table, &phone_rows(key, list), 4)?;
    }
    if let Some(list) = &u.categories {
        diesel::delete(cats::table.filter(cats::customer_id.eq(key))).execute(conn)?;
        insert_many!(conn, cats::table, &category_rows(key, list), 2)?;
    }
    if let Some(list) = &u.tags {
        diesel::delete(tags::table.filter(tags::customer_id.eq(key))).execute(conn)?;
        insert_many!(conn, tags::table, &tag_rows(key, list), 2)?;
    }
    if let Some(list) = &u.external_ids {
        diesel::delete(ext::table.filter(ext::customer_id.eq(key))).execute(conn)?;
        let rows = external_id_rows(key, before.institution_id.into(), list);
        insert_many!(conn, ext::table, &rows, 4)?;
    }
    if let Some(stage) = u.lifecycle_stage.filter(|s| *s != before.lifecycle_stage) {
        let row = stage_row(
            key,
            Some(before.lifecycle_stage),
            stage,
            u.stage_reason.as_deref(),
            by,
        );
        diesel::insert_into(stages::table)
            .values(&row)
            .execute(conn)?;
    }
    let after = get(conn, scope, id)?;
    if u.name.is_some() || u.id_number.is_some() {
        // The keys a search finds it by (CUS-9) follow the stored name and ID number.
        rekey(conn, key, &after.name, after.id_number.as_deref())?;
    }
    Ok((before, after))
}

/// Soft delete: the customer leaves every read; its history stays.
pub fn soft_delete(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
) -> Result<Customer, DbError> {
    // Deleted by someone else meanwhile: the re-read finds nothing (404).
    versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, _| {
            bump_version!(
                conn,
                c,
                CustomerId::from(id),
                expected_version,
                (c::deleted_at.eq(Some(now())), c::updated_at.eq(now()))
            )
        },
    )
}
