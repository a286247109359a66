//! Reads of one customer and what it links to: the full record, names, duplicates (CUS-10),
//! the stage history (CUS-3) and HIS external ids.

use super::*;

/// One customer with everything on the profile, unmasked; `NotFound` outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Customer, DbError> {
    let row = live_row(conn, scope, id)?;
    full(conn, row)
}

fn full(conn: &mut DbConn, row: CustomerRow) -> Result<Customer, DbError> {
    full_many(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// The names of customers by id (merged and deleted ones too: history names them).
pub fn names_of(
    conn: &mut DbConn,
    ids: &[CustomerId],
) -> Result<HashMap<CustomerId, String>, DbError> {
    Ok(c::table
        .filter(c::id.eq_any(ids))
        .select((c::id, c::name))
        .load::<(CustomerId, String)>(conn)?
        .into_iter()
        .collect())
}

pub(super) fn full_many(
    conn: &mut DbConn,
    rows: Vec<CustomerRow>,
) -> Result<Vec<Customer>, DbError> {
    let keys: Vec<CustomerId> = rows.iter().map(|r| r.id).collect();
    let mut profiles: HashMap<CustomerId, ProfileRow> = profiles::table
        .filter(profiles::customer_id.eq_any(&keys))
        .select(ProfileRow::as_select())
        .load::<ProfileRow>(conn)?
        .into_iter()
        .map(|p| (p.customer_id, p))
        .collect();
    let mut phones = phones_of(conn, &keys)?;
    let mut tags = tags_of(conn, &keys)?;
    let mut categories = grouped(
        cats::table
            .filter(cats::customer_id.eq_any(&keys))
            .order((cats::customer_id, cats::category))
            .select((cats::customer_id, cats::category))
            .load::<(CustomerId, String)>(conn)?,
    );
    let managers: Vec<UserId> = rows.iter().filter_map(|r| r.account_manager_id).collect();
    let manager_names = crate::users::display_names(conn, &managers)?;
    // The customers linked from these (employer, referrer), by name.
    let linked: Vec<CustomerId> = rows
        .iter()
        .filter_map(|r| r.employer_id)
        .chain(profiles.values().filter_map(|p| p.referred_by_id))
        .collect();
    let linked_names = if linked.is_empty() {
        HashMap::new()
    } else {
        names_of(conn, &linked)?
    };
    let mut external: HashMap<CustomerId, Vec<ExternalId>> = HashMap::new();
    for (customer_id, system, external_id) in ext::table
        .filter(ext::customer_id.eq_any(&keys))
        .order((ext::customer_id, ext::system, ext::external_id))
        .select((ext::customer_id, ext::system, ext::external_id))
        .load::<(CustomerId, String, String)>(conn)?
    {
        external.entry(customer_id).or_default().push(ExternalId {
            system,
            external_id,
        });
    }
    let today = today();
    rows.into_iter()
        .map(|row| {
            let key = row.id;
            let categories = categories
                .remove(&key)
                .unwrap_or_default()
                .iter()
                .map(|v| decode::<CustomerCategory>(v))
                .collect::<Result<Vec<_>, _>>()?;
            let names = Names {
                account_manager: row
                    .account_manager_id
                    .as_ref()
                    .and_then(|m| manager_names.get(m).cloned()),
                linked: &linked_names,
            };
            assemble(
                row,
                names,
                profiles.remove(&key).unwrap_or_default(),
                phones.remove(&key).unwrap_or_default(),
                tags.remove(&key).unwrap_or_default(),
                categories,
                external.remove(&key).unwrap_or_default(),
                today,
            )
        })
        .collect()
}

/// The names a customer record shows beside the ids it links to.
struct Names<'a> {
    account_manager: Option<String>,
    /// Customers by id.
    linked: &'a HashMap<CustomerId, String>,
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    row: CustomerRow,
    names: Names<'_>,
    p: ProfileRow,
    phones: Vec<String>,
    tags: Vec<String>,
    categories: Vec<CustomerCategory>,
    external_ids: Vec<ExternalId>,
    today: NaiveDate,
) -> Result<Customer, DbError> {
    Ok(Customer {
        id: row.id.0,
        institution_id: row.institution_id.0,
        kind: decode::<CustomerKind>(&row.kind)?,
        name: row.name,
        gender: decode_opt(row.gender.as_deref())?,
        birth_date: row.birth_date,
        age: row.birth_date.map(|b| age_on(b, today)),
        id_type: decode_opt(row.id_type.as_deref())?,
        id_number: row.id_number,
        card_number: row.card_number,
        phones,
        landline: p.landline,
        wechat: p.wechat,
        qq: p.qq,
        email: p.email,
        address: Address {
            province: p.province,
            city: p.city,
            district: p.district,
            street: p.street,
        },
        occupation: p.occupation,
        employer_id: row.employer_id.map(Uuid::from),
        employer_name: row
            .employer_id
            .as_ref()
            .and_then(|id| names.linked.get(id).cloned()),
        education: decode_opt(p.education.as_deref())?,
        marital_status: decode_opt(p.marital_status.as_deref())?,
        family_situation: p.family_situation,
        form_of_address: row.form_of_address,
        form_of_address_custom: row.form_of_address_custom,
        preferred_language: decode_opt(p.preferred_language.as_deref())?,
        preferred_channel: decode_opt(p.preferred_channel.as_deref())?,
        preferred_hours: p.preferred_hours,
        source_channel: decode_opt(row.source_channel.as_deref())?,
        source_detail: p.source_detail,
        referred_by_id: p.referred_by_id.map(Uuid::from),
        referred_by_name: p
            .referred_by_id
            .as_ref()
            .and_then(|id| names.linked.get(id).cloned()),
        interests: serde_json::from_str(&p.interests).unwrap_or_default(),
        categories,
        tags,
        lifecycle_stage: decode::<LifecycleStage>(&row.lifecycle_stage)?,
        relationship_type: decode_opt(row.relationship_type.as_deref())?,
        account_manager_id: row.account_manager_id.map(Uuid::from),
        account_manager_name: names.account_manager,
        notes: p.notes,
        uscc: row.uscc,
        industry: p.industry,
        org_size: p.org_size,
        external_ids,
        masked: false,
        version: row.version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// Live customers in `scope` (other than `except`) sharing a phone or the ID number (CUS-10),
/// each with what matched.
pub fn duplicates(
    conn: &mut DbConn,
    scope: &Scope,
    phone_list: &[String],
    id_number: Option<&str>,
    except: Option<Uuid>,
) -> Result<Vec<(CustomerSummary, Vec<String>)>, DbError> {
    let normalized: Vec<String> = phone_list
        .iter()
        .map(|p| hcrm_domain::validation::normalize_mobile(p))
        .collect();
    let by_phone: Vec<CustomerId> = phones::table
        .filter(phones::phone.eq_any(&normalized))
        .select(phones::customer_id)
        .load(conn)?;
    let by_id: Vec<CustomerId> = match id_number {
        Some(n) => c::table
            .filter(c::id_number.eq(normalize_id_number(n)))
            .select(c::id)
            .load(conn)?,
        None => vec![],
    };
    let mut ids: Vec<CustomerId> = by_phone.iter().chain(by_id.iter()).copied().collect();
    ids.sort();
    ids.dedup();
    if let Some(e) = except {
        ids.retain(|i| i.0 != e);
    }
    let mut q = c::table
        .filter(c::id.eq_any(&ids))
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .into_boxed();
    q = q.in_scope(c::institution_id, scope);
    let keys: Vec<CustomerId> = q.order(c::created_at).limit(20).select(c::id).load(conn)?;
    let rows = rows_of(conn, &keys)?;
    let list = summarize(rows)?;
    Ok(list
        .into_iter()
        .zip(keys)
        .map(|(s, key)| {
            let mut on = Vec::new();
            if by_phone.contains(&key) {
                on.push("phone".to_string());
            }
            if by_id.contains(&key) {
                on.push("id_number".to_string());
            }
            (s, on)
        })
        .collect())
}

/// Of `phones` (normalized) and `id_numbers` (normalized), those a live customer in `scope`
/// already has: the duplicate check of [`duplicates`] for many rows at once (CUS-13 imports
/// check a chunk of rows in two queries instead of two per row).
pub fn known_contacts(
    conn: &mut DbConn,
    scope: &Scope,
    phone_list: &[String],
    id_numbers: &[String],
) -> Result<(HashSet<String>, HashSet<String>), DbError> {
    let mut on_phone = HashSet::new();
    for part in phone_list.chunks(crate::util::IN_LIST_MAX) {
        let q = phones::table
            .inner_join(c::table)
            .filter(phones::phone.eq_any(part))
            .filter(c::merged_into_id.is_null())
            .filter(c::deleted_at.is_null())
            .select(phones::phone)
            .into_boxed();
        on_phone.extend(q.in_scope(c::institution_id, scope).load::<String>(conn)?);
    }
    let mut on_id = HashSet::new();
    for part in id_numbers.chunks(crate::util::IN_LIST_MAX) {
        let q = c::table
            .filter(c::id_number.eq_any(part))
            .filter(c::merged_into_id.is_null())
            .filter(c::deleted_at.is_null())
            .select(c::id_number.assume_not_null())
            .into_boxed();
        on_id.extend(q.in_scope(c::institution_id, scope).load::<String>(conn)?);
    }
    Ok((on_phone, on_id))
}

/// What each of `external_ids` of `system` names in `institution`: `Some(id)` for a live
/// customer, `None` for a merged or deleted one (the ids stay unique per institution and
/// system for the history's sake); absent when unused.
pub fn external_ids_of(
    conn: &mut DbConn,
    institution: Uuid,
    system: &str,
    external_ids: &[String],
) -> Result<HashMap<String, Option<Uuid>>, DbError> {
    let mut found = HashMap::new();
    for part in external_ids.chunks(crate::util::IN_LIST_MAX) {
        let rows: Vec<(String, CustomerId, bool)> = ext::table
            .inner_join(c::table)
            .filter(ext::institution_id.eq(InstitutionId::from(institution)))
            .filter(ext::system.eq(system))
            .filter(ext::external_id.eq_any(part))
            .select((
                ext::external_id,
                ext::customer_id,
                c::merged_into_id.is_null().and(c::deleted_at.is_null()),
            ))
            .load(conn)?;
        for (e, id, live) in rows {
            let entry = found.entry(e).or_insert(None);
            if live {
                *entry = Some(Uuid::from(id));
            }
        }
    }
    Ok(found)
}

/// from, to, reason, by, at.
type StageRow = (
    Option<String>,
    String,
    Option<String>,
    Option<UserId>,
    NaiveDateTime,
);

/// The stage history, oldest first (CUS-3).
pub fn stage_history(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
) -> Result<Vec<StageChange>, DbError> {
    live_row(conn, scope, id)?;
    let rows: Vec<StageRow> = stages::table
        .filter(stages::customer_id.eq(CustomerId::from(id)))
        .order((stages::changed_at, stages::id))
        .select((
            stages::from_stage,
            stages::to_stage,
            stages::reason,
            stages::changed_by,
            stages::changed_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(from, to, reason, by, at)| {
            Ok(StageChange {
                from_stage: decode_opt(from.as_deref())?,
                to_stage: decode::<LifecycleStage>(&to)?,
                reason,
                changed_by: by.map(Uuid::from),
                changed_at: utc(at),
            })
        })
        .collect()
}
