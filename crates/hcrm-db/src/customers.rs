//! CUS-1 … CUS-11: the customer archive. One row in `customers` (what lists and searches
//! need) and one in `customer_profiles` (the rest), with phones, categories, tags, external
//! ids and the stage history beside them. Merged and deleted customers stay for history but
//! never appear in reads.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use hcrm_domain::Scope;
use hcrm_domain::api::customers::{
    Address, Customer, CustomerCreate, CustomerSummary, CustomerUpdate, ExternalId, StageChange,
};
use hcrm_domain::customer::{
    CustomerCategory, CustomerKind, Gender, IdType, LifecycleStage, RelationshipType,
    SourceChannel, age_on, phone_last4,
};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::schema::{
    customer_categories as cats, customer_external_ids as ext, customer_phones as phones,
    customer_profiles as profiles, customer_stage_history as stages, customer_tags as tags,
    customers as c,
};
use crate::util::{ListWindow, like_pattern, new_id, now, parse_id, parse_opt_id, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = c)]
struct Row {
    id: String,
    institution_id: String,
    kind: String,
    name: String,
    name_pinyin: String,
    name_initials: String,
    gender: Option<String>,
    birth_date: Option<NaiveDate>,
    birth_month: Option<i32>,
    id_type: Option<String>,
    id_number: Option<String>,
    card_number: Option<String>,
    form_of_address: String,
    form_of_address_custom: bool,
    lifecycle_stage: String,
    relationship_type: Option<String>,
    source_channel: Option<String>,
    account_manager_id: Option<String>,
    uscc: Option<String>,
    employer_id: Option<String>,
    merged_into_id: Option<String>,
    deleted_at: Option<NaiveDateTime>,
    version: i32,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = profiles, treat_none_as_null = true)]
struct ProfileRow {
    customer_id: String,
    landline: Option<String>,
    wechat: Option<String>,
    qq: Option<String>,
    email: Option<String>,
    province: Option<String>,
    city: Option<String>,
    district: Option<String>,
    street: Option<String>,
    occupation: Option<String>,
    education: Option<String>,
    marital_status: Option<String>,
    family_situation: Option<String>,
    preferred_language: Option<String>,
    preferred_channel: Option<String>,
    preferred_hours: Option<String>,
    source_detail: Option<String>,
    referred_by_id: Option<String>,
    interests: String,
    notes: Option<String>,
    industry: Option<String>,
    org_size: Option<String>,
}

fn corrupt(what: &str, v: &str) -> DbError {
    DbError::Corrupt(format!("{what} {v:?}"))
}

fn code<T>(what: &str, v: &str, parse: fn(&str) -> Option<T>) -> Result<T, DbError> {
    parse(v).ok_or_else(|| corrupt(what, v))
}

fn opt_code<T>(
    what: &str,
    v: Option<&str>,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, DbError> {
    v.map(|v| code(what, v, parse)).transpose()
}

use hcrm_domain::customer::search_keys::pinyin_keys;

/// Today's date where the group works (Beijing time), for ages and birthdays.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn summary(
    r: &Row,
    phone: Option<String>,
    tags: Vec<String>,
    today: NaiveDate,
) -> Result<CustomerSummary, DbError> {
    Ok(CustomerSummary {
        id: parse_id(&r.id)?,
        institution_id: parse_id(&r.institution_id)?,
        kind: code("kind", &r.kind, CustomerKind::from_code)?,
        name: r.name.clone(),
        gender: opt_code("gender", r.gender.as_deref(), Gender::from_code)?,
        age: r.birth_date.map(|b| age_on(b, today)),
        phone,
        id_number: r.id_number.clone(),
        card_number: r.card_number.clone(),
        form_of_address: r.form_of_address.clone(),
        lifecycle_stage: code("stage", &r.lifecycle_stage, LifecycleStage::from_code)?,
        tags,
        account_manager_id: parse_opt_id(r.account_manager_id.as_deref())?,
    })
}

fn grouped(rows: Vec<(String, String)>) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in rows {
        out.entry(k).or_default().push(v);
    }
    out
}

fn phones_of(conn: &mut DbConn, ids: &[String]) -> Result<HashMap<String, Vec<String>>, DbError> {
    let rows: Vec<(String, String)> = phones::table
        .filter(phones::customer_id.eq_any(ids))
        .order((
            phones::customer_id,
            phones::is_primary.desc(),
            phones::phone,
        ))
        .select((phones::customer_id, phones::phone))
        .load(conn)?;
    Ok(grouped(rows))
}

fn tags_of(conn: &mut DbConn, ids: &[String]) -> Result<HashMap<String, Vec<String>>, DbError> {
    let rows: Vec<(String, String)> = tags::table
        .filter(tags::customer_id.eq_any(ids))
        .order((tags::customer_id, tags::tag))
        .select((tags::customer_id, tags::tag))
        .load(conn)?;
    Ok(grouped(rows))
}

/// The live customer row (not merged, not deleted) if it is in `scope`.
fn live_row(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Row, DbError> {
    let row: Row = c::table
        .find(id.to_string())
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .select(Row::as_select())
        .first(conn)?;
    if scope.allows(parse_id(&row.institution_id)?) {
        Ok(row)
    } else {
        Err(DbError::NotFound)
    }
}

/// The institution of a live customer, whatever the caller's scope (for break-glass).
pub fn institution_of(conn: &mut DbConn, id: Uuid) -> Result<Uuid, DbError> {
    let inst: String = c::table
        .find(id.to_string())
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .select(c::institution_id)
        .first(conn)?;
    parse_id(&inst)
}

/// One customer with everything on the profile, unmasked; `NotFound` outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Customer, DbError> {
    let row = live_row(conn, scope, id)?;
    full(conn, row)
}

fn full(conn: &mut DbConn, row: Row) -> Result<Customer, DbError> {
    full_many(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// The names of customers by id (merged and deleted ones too: history names them).
pub fn names_of(conn: &mut DbConn, ids: &[String]) -> Result<HashMap<String, String>, DbError> {
    Ok(c::table
        .filter(c::id.eq_any(ids))
        .select((c::id, c::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

fn full_many(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<Customer>, DbError> {
    let keys: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut profiles: HashMap<String, ProfileRow> = profiles::table
        .filter(profiles::customer_id.eq_any(&keys))
        .select(ProfileRow::as_select())
        .load::<ProfileRow>(conn)?
        .into_iter()
        .map(|p| (p.customer_id.clone(), p))
        .collect();
    let mut phones = phones_of(conn, &keys)?;
    let mut tags = tags_of(conn, &keys)?;
    let mut categories = grouped(
        cats::table
            .filter(cats::customer_id.eq_any(&keys))
            .order((cats::customer_id, cats::category))
            .select((cats::customer_id, cats::category))
            .load::<(String, String)>(conn)?,
    );
    let managers: Vec<String> = rows
        .iter()
        .filter_map(|r| r.account_manager_id.clone())
        .collect();
    let manager_names = crate::users::display_names(conn, &managers)?;
    // The customers linked from these (employer, referrer), by name.
    let linked: Vec<String> = rows
        .iter()
        .filter_map(|r| r.employer_id.clone())
        .chain(profiles.values().filter_map(|p| p.referred_by_id.clone()))
        .collect();
    let linked_names = if linked.is_empty() {
        HashMap::new()
    } else {
        names_of(conn, &linked)?
    };
    let mut external: HashMap<String, Vec<ExternalId>> = HashMap::new();
    for (customer_id, system, external_id) in ext::table
        .filter(ext::customer_id.eq_any(&keys))
        .order((ext::customer_id, ext::system, ext::external_id))
        .select((ext::customer_id, ext::system, ext::external_id))
        .load::<(String, String, String)>(conn)?
    {
        external.entry(customer_id).or_default().push(ExternalId {
            system,
            external_id,
        });
    }
    let today = today();
    rows.into_iter()
        .map(|row| {
            let key = row.id.clone();
            let categories = categories
                .remove(&key)
                .unwrap_or_default()
                .iter()
                .map(|v| code("category", v, CustomerCategory::from_code))
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
    linked: &'a HashMap<String, String>,
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    row: Row,
    names: Names<'_>,
    p: ProfileRow,
    phones: Vec<String>,
    tags: Vec<String>,
    categories: Vec<CustomerCategory>,
    external_ids: Vec<ExternalId>,
    today: NaiveDate,
) -> Result<Customer, DbError> {
    Ok(Customer {
        id: parse_id(&row.id)?,
        institution_id: parse_id(&row.institution_id)?,
        kind: code("kind", &row.kind, CustomerKind::from_code)?,
        name: row.name,
        gender: opt_code("gender", row.gender.as_deref(), Gender::from_code)?,
        birth_date: row.birth_date,
        age: row.birth_date.map(|b| age_on(b, today)),
        id_type: opt_code("id type", row.id_type.as_deref(), IdType::from_code)?,
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
        employer_id: parse_opt_id(row.employer_id.as_deref())?,
        employer_name: row
            .employer_id
            .as_ref()
            .and_then(|id| names.linked.get(id).cloned()),
        education: p.education,
        marital_status: p.marital_status,
        family_situation: p.family_situation,
        form_of_address: row.form_of_address,
        form_of_address_custom: row.form_of_address_custom,
        preferred_language: p.preferred_language,
        preferred_channel: p.preferred_channel,
        preferred_hours: p.preferred_hours,
        source_channel: opt_code(
            "source",
            row.source_channel.as_deref(),
            SourceChannel::from_code,
        )?,
        source_detail: p.source_detail,
        referred_by_id: parse_opt_id(p.referred_by_id.as_deref())?,
        referred_by_name: p
            .referred_by_id
            .as_ref()
            .and_then(|id| names.linked.get(id).cloned()),
        interests: serde_json::from_str(&p.interests).unwrap_or_default(),
        categories,
        tags,
        lifecycle_stage: code("stage", &row.lifecycle_stage, LifecycleStage::from_code)?,
        relationship_type: opt_code(
            "relationship",
            row.relationship_type.as_deref(),
            RelationshipType::from_code,
        )?,
        account_manager_id: parse_opt_id(row.account_manager_id.as_deref())?,
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

fn set_phones(conn: &mut DbConn, id: &str, list: &[String]) -> Result<(), DbError> {
    diesel::delete(phones::table.filter(phones::customer_id.eq(id))).execute(conn)?;
    let mut seen = Vec::new();
    for (i, raw) in list.iter().enumerate() {
        let phone = hcrm_domain::validation::normalize_mobile(raw);
        if seen.contains(&phone) {
            continue;
        }
        diesel::insert_into(phones::table)
            .values((
                phones::customer_id.eq(id),
                phones::phone.eq(&phone),
                phones::last4.eq(phone_last4(&phone).unwrap_or_default()),
                phones::is_primary.eq(i == 0),
            ))
            .execute(conn)?;
        seen.push(phone);
    }
    Ok(())
}

fn set_categories(conn: &mut DbConn, id: &str, list: &[CustomerCategory]) -> Result<(), DbError> {
    diesel::delete(cats::table.filter(cats::customer_id.eq(id))).execute(conn)?;
    let mut list = list.to_vec();
    list.sort();
    list.dedup();
    for cat in list {
        diesel::insert_into(cats::table)
            .values((cats::customer_id.eq(id), cats::category.eq(cat.code())))
            .execute(conn)?;
    }
    Ok(())
}

fn set_tags(conn: &mut DbConn, id: &str, list: &[String]) -> Result<(), DbError> {
    diesel::delete(tags::table.filter(tags::customer_id.eq(id))).execute(conn)?;
    let mut list: Vec<String> = list
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    list.sort();
    list.dedup();
    for tag in list {
        diesel::insert_into(tags::table)
            .values((tags::customer_id.eq(id), tags::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

fn set_external_ids(
    conn: &mut DbConn,
    id: &str,
    institution: &str,
    list: &[ExternalId],
) -> Result<(), DbError> {
    diesel::delete(ext::table.filter(ext::customer_id.eq(id))).execute(conn)?;
    for e in list {
        diesel::insert_into(ext::table)
            .values((
                ext::customer_id.eq(id),
                ext::institution_id.eq(institution),
                ext::system.eq(e.system.trim()),
                ext::external_id.eq(e.external_id.trim()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn record_stage(
    conn: &mut DbConn,
    id: &str,
    from: Option<LifecycleStage>,
    to: LifecycleStage,
    reason: Option<&str>,
    by: Uuid,
) -> Result<(), DbError> {
    diesel::insert_into(stages::table)
        .values((
            stages::id.eq(new_id()),
            stages::customer_id.eq(id),
            stages::from_stage.eq(from.map(|s| s.code())),
            stages::to_stage.eq(to.code()),
            stages::reason.eq(reason),
            stages::changed_by.eq(by.to_string()),
            stages::changed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

use hcrm_domain::customer::id_number::normalize_id_number;

/// Creates a customer in `institution`; run inside a write transaction. `form_of_address`
/// is the derived or given form. Returns the new id.
pub fn create(
    conn: &mut DbConn,
    x: &CustomerCreate,
    institution: Uuid,
    form_of_address: String,
    by: Uuid,
) -> Result<Uuid, DbError> {
    let t = now();
    let id = new_id();
    let (full_py, initials) = pinyin_keys(&x.name);
    let stage = x.lifecycle_stage.unwrap_or(LifecycleStage::Potential);
    let row = Row {
        id: id.clone(),
        institution_id: institution.to_string(),
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
        account_manager_id: x.account_manager_id.map(|u| u.to_string()),
        uscc: x.uscc.as_deref().map(normalize_id_number),
        employer_id: x.employer_id.map(|u| u.to_string()),
        merged_into_id: None,
        deleted_at: None,
        version: 1,
        created_by: Some(by.to_string()),
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(c::table).values(&row).execute(conn)?;
    let profile = ProfileRow {
        customer_id: id.clone(),
        landline: trimmed(&x.landline),
        wechat: trimmed(&x.wechat),
        qq: trimmed(&x.qq),
        email: trimmed(&x.email),
        province: trimmed(&x.address.province),
        city: trimmed(&x.address.city),
        district: trimmed(&x.address.district),
        street: trimmed(&x.address.street),
        occupation: trimmed(&x.occupation),
        education: trimmed(&x.education),
        marital_status: trimmed(&x.marital_status),
        family_situation: trimmed(&x.family_situation),
        preferred_language: trimmed(&x.preferred_language),
        preferred_channel: trimmed(&x.preferred_channel),
        preferred_hours: trimmed(&x.preferred_hours),
        source_detail: trimmed(&x.source_detail),
        referred_by_id: x.referred_by_id.map(|u| u.to_string()),
        interests: serde_json::Value::from(x.interests.clone()).to_string(),
        notes: trimmed(&x.notes),
        industry: trimmed(&x.industry),
        org_size: trimmed(&x.org_size),
    };
    diesel::insert_into(profiles::table)
        .values(&profile)
        .execute(conn)?;
    set_phones(conn, &id, &x.phones)?;
    set_categories(conn, &id, &x.categories)?;
    set_tags(conn, &id, &x.tags)?;
    set_external_ids(conn, &id, &row.institution_id, &x.external_ids)?;
    record_stage(conn, &id, None, stage, Some("created"), by)?;
    parse_id(&id)
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
    let by_phone: Vec<String> = phones::table
        .filter(phones::phone.eq_any(&normalized))
        .select(phones::customer_id)
        .load(conn)?;
    let by_id: Vec<String> = match id_number {
        Some(n) => c::table
            .filter(c::id_number.eq(normalize_id_number(n)))
            .select(c::id)
            .load(conn)?,
        None => vec![],
    };
    let mut ids: Vec<String> = by_phone.iter().chain(by_id.iter()).cloned().collect();
    ids.sort();
    ids.dedup();
    if let Some(e) = except {
        ids.retain(|i| *i != e.to_string());
    }
    let mut q = c::table
        .filter(c::id.eq_any(&ids))
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .into_boxed();
    if let Some(insts) = scope.institution_ids() {
        q = q.filter(
            c::institution_id.eq_any(insts.iter().map(Uuid::to_string).collect::<Vec<_>>()),
        );
    }
    let keys: Vec<String> = q.order(c::created_at).limit(20).select(c::id).load(conn)?;
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

/// List filters (CUS-9): every one optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// One box: name fragment, full phone or last 4 digits, ID number, card number, external
    /// id, pinyin initials or full pinyin.
    pub q: Option<String>,
    pub kind: Option<CustomerKind>,
    pub category: Option<CustomerCategory>,
    pub stage: Option<LifecycleStage>,
    pub tag: Option<String>,
    pub source_channel: Option<SourceChannel>,
    pub account_manager_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    /// 1–12.
    pub birth_month: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The best matches first (the default): a search lists its arms one after the other
    /// (`search_arms`), each in its own order; without a search it is pinyin order.
    #[default]
    Relevance,
    /// By pinyin, so 张 sorts under Z.
    Name,
    CreatedAt,
    UpdatedAt,
}

type Cond = Box<dyn BoxableExpression<c::table, Db, SqlType = diesel::sql_types::Bool>>;

/// One way the search text matches, and the order it lists its matches in by relevance.
struct Arm {
    cond: Cond,
    order: ArmOrder,
}

#[derive(Clone, Copy)]
enum ArmOrder {
    /// Pinyin, then id (the index of live customers by pinyin).
    Pinyin,
    /// Initials, then pinyin, then id (the index of live customers by initials).
    Initials,
}

impl Arm {
    fn pinyin(cond: Cond) -> Arm {
        Arm {
            cond,
            order: ArmOrder::Pinyin,
        }
    }
}

/// How far a list counts its matches (CUS-9, PERF-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Every match, however many: exports and reports.
    Exact,
    /// Up to this many; beyond it the total is this figure and flagged as a lower bound, so a
    /// broad search (`zs` matches ~2 % of a million customers) costs what its page costs.
    UpTo(i64),
}

/// A page of customers and how many match.
#[derive(Debug, Clone)]
pub struct Listed {
    pub items: Vec<CustomerSummary>,
    pub total: i64,
    /// `total` is a lower bound: more match than were counted.
    pub capped: bool,
}

/// A subquery giving customer ids: one place an exact lookup looks in.
type IdSource = Box<dyn QueryFragment<Db> + Send>;

/// `customers.id IN (a UNION b UNION …)`: an exact lookup in several places (phones, ID and
/// card numbers, HIS ids) as one set of ids, which each backend gathers by the places' own
/// indexes before it reads the customers by id — on PostgreSQL an index-only scan of live
/// customers (`customers_live_id`). An OR of `IN (…)`s instead made PostgreSQL filter every
/// customer (PERF-1). Unlike a SQL literal the statement is the same text for every value,
/// so each connection prepares it once.
struct IdAmong(Vec<IdSource>);

impl Expression for IdAmong {
    type SqlType = diesel::sql_types::Bool;
}

impl AppearsOnTable<c::table> for IdAmong {}

impl SelectableExpression<c::table> for IdAmong {}

impl diesel::expression::ValidGrouping<()> for IdAmong {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl QueryId for IdAmong {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Db> for IdAmong {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Db>) -> QueryResult<()> {
        out.push_sql("\"customers\".\"id\" IN (");
        for (i, source) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ");
            }
            source.walk_ast(out.reborrow())?;
        }
        out.push_sql(")");
        Ok(())
    }
}

/// The smallest string above every string that starts with `prefix`, for a range scan; `None`
/// when there is none (`z…`). Pinyin keys hold only `a-z` and `0-9`, which every collation
/// orders alike.
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if matches!(last, 'a'..='y' | '0'..='8') {
            chars.push((last as u8 + 1) as char);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// `name_pinyin` in the range of strings starting with `prefix` (served, in list order, by the
/// index of live customers by pinyin).
fn pinyin_range(prefix: &str) -> Cond {
    let from: Cond = Box::new(c::name_pinyin.ge(prefix.to_string()));
    match prefix_upper_bound(prefix) {
        Some(to) => Box::new(from.and(c::name_pinyin.lt(to))),
        None => from,
    }
}

/// `text%` for LIKE, wildcards escaped (use with `ESCAPE '\'`).
pub fn prefix_pattern(text: &str) -> String {
    let mut p = like_pattern(text);
    p.remove(0);
    p
}

/// What the search box text stands for (CUS-9), as arms that never overlap: each is served by
/// one index and, where it can be broad, walks it in its order, so a page costs what it shows
/// (PERF-1, PERF-8). By relevance, a list shows the arms one after the other. The text is read
/// by its shape:
/// - digits (and ID-like text with a digit): full mobile, last 4 digits of a phone, ID number,
///   card number, external (HIS) id — one arm of exact lookups;
/// - letters only: pinyin initials (`zs`), then the beginning of the full pinyin
///   (`zhangsan`), which is also how a Latin name is found by its beginning;
/// - anything else is a name fragment: one character finds names that start with it (a
///   surname); two or more also find, after those, names that contain it further in.
fn search_arms(text: &str, pg: bool) -> Vec<Arm> {
    let q = text.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let squeezed: String = q.chars().filter(|ch| !ch.is_whitespace()).collect();
    if squeezed.chars().all(|ch| ch.is_ascii_alphabetic()) {
        // Initials first (`zx`: 张欣, then 张晓明 …), in initials order so that the index of
        // initials serves them however the matches lie in pinyin order; then the rest whose
        // full pinyin starts so (`zhangx…`), in pinyin order.
        let lower = squeezed.to_ascii_lowercase();
        let by_initials = || -> Cond {
            let from: Cond = Box::new(c::name_initials.ge(lower.clone()));
            match prefix_upper_bound(&lower) {
                Some(to) => Box::new(from.and(c::name_initials.lt(to))),
                None => from,
            }
        };
        return vec![
            Arm {
                cond: by_initials(),
                order: ArmOrder::Initials,
            },
            Arm {
                cond: Box::new(pinyin_range(&lower).and(diesel::dsl::not(by_initials()))),
                order: ArmOrder::Pinyin,
            },
        ];
    }
    if q.chars().any(|ch| ch.is_ascii_digit()) {
        let compact: String = q.chars().filter(|ch| !matches!(ch, ' ' | '-')).collect();
        let digits = compact.chars().all(|ch| ch.is_ascii_digit());
        let mut among: Vec<IdSource> = Vec::new();
        if hcrm_domain::validation::mobile(q).is_ok() {
            let phone = hcrm_domain::validation::normalize_mobile(q);
            among.push(Box::new(
                phones::table
                    .filter(phones::phone.eq(phone))
                    .select(phones::customer_id)
                    .into_boxed(),
            ));
        }
        if digits && compact.len() == 4 {
            among.push(Box::new(
                phones::table
                    .filter(phones::last4.eq(compact.clone()))
                    .select(phones::customer_id)
                    .into_boxed(),
            ));
        }
        if (15..=18).contains(&compact.len())
            && compact.chars().all(|ch| ch.is_ascii_alphanumeric())
        {
            among.push(Box::new(
                c::table
                    .filter(c::id_number.eq(compact.to_uppercase()))
                    .select(c::id)
                    .into_boxed(),
            ));
        }
        if q.len() <= 64 {
            among.push(Box::new(
                c::table
                    .filter(c::card_number.eq(q.to_string()))
                    .select(c::id)
                    .into_boxed(),
            ));
            among.push(Box::new(
                ext::table
                    .filter(ext::external_id.eq(q.to_string()))
                    .select(ext::customer_id)
                    .into_boxed(),
            ));
        }
        if among.is_empty() {
            return Vec::new();
        }
        return vec![Arm::pinyin(Box::new(IdAmong(among)))];
    }
    let start = prefix_pattern(q);
    let (pinyin, _) = pinyin_keys(q);
    let mut arms = vec![Arm::pinyin(Box::new(
        pinyin_range(&pinyin).and(c::name.like(start.clone()).escape('\\')),
    ))];
    let chars = q.chars().count();
    if chars >= 2 {
        // Inside the name, not at its start (that is the first arm): the arms never overlap,
        // so their counts add up.
        let not_start = c::name.not_like(start).escape('\\');
        let inside: Cond = if pg {
            // Two characters: the index of inner pairs; more: the trigram index. Computed as
            // an array first, so that the planner never walks the list order filtering every
            // customer through the function.
            const LIVE: &str = "customers.id = ANY(ARRAY(SELECT id FROM customers \
                                WHERE merged_into_id IS NULL AND deleted_at IS NULL AND ";
            if chars == 2 {
                Box::new(
                    diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                        "{LIVE}hcrm_inner_pairs(name) @> ARRAY["
                    ))
                    .bind::<diesel::sql_types::Text, _>(q.to_lowercase())
                    .sql("]::text[]))"),
                )
            } else {
                Box::new(
                    diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("{LIVE}name LIKE "))
                        .bind::<diesel::sql_types::Text, _>(like_pattern(q))
                        .sql(" ESCAPE '\\'))"),
                )
            }
        } else {
            Box::new(c::name.like(like_pattern(q)).escape('\\'))
        };
        arms.push(Arm::pinyin(Box::new(inside.and(not_start))));
    }
    arms
}

/// Live customers in `scope` matching the filters other than the search text.
fn filtered<'a>(scope: &Scope, f: &'a Filter) -> c::BoxedQuery<'a, Db> {
    let mut q = c::table
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .into_boxed();
    if let Some(ids) = scope.institution_ids() {
        q = q.filter(c::institution_id.eq_any(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()));
    }
    if let Some(v) = f.kind {
        q = q.filter(c::kind.eq(v.code()));
    }
    if let Some(v) = f.category {
        q = q.filter(
            c::id.eq_any(
                cats::table
                    .filter(cats::category.eq(v.code()))
                    .select(cats::customer_id),
            ),
        );
    }
    if let Some(v) = f.stage {
        q = q.filter(c::lifecycle_stage.eq(v.code()));
    }
    if let Some(v) = &f.tag {
        q = q.filter(
            c::id.eq_any(
                tags::table
                    .filter(tags::tag.eq(v.trim().to_string()))
                    .select(tags::customer_id),
            ),
        );
    }
    if let Some(v) = f.source_channel {
        q = q.filter(c::source_channel.eq(v.code()));
    }
    if let Some(v) = f.account_manager_id {
        q = q.filter(c::account_manager_id.eq(v.to_string()));
    }
    if let Some(v) = f.institution_id {
        q = q.filter(c::institution_id.eq(v.to_string()));
    }
    if let Some(m) = f.birth_month {
        q = q.filter(c::birth_month.eq(m as i32));
    }
    q
}

fn ordered<'a>(q: c::BoxedQuery<'a, Db>, sort: Sort, descending: bool) -> c::BoxedQuery<'a, Db> {
    match (sort, descending) {
        (Sort::Relevance, _) | (Sort::Name, false) => q.order((c::name_pinyin.asc(), c::id.asc())),
        (Sort::Name, true) => q.order((c::name_pinyin.desc(), c::id.desc())),
        (Sort::CreatedAt, false) => q.order(c::id.asc()),
        (Sort::CreatedAt, true) => q.order(c::id.desc()),
        (Sort::UpdatedAt, false) => q.order((c::updated_at.asc(), c::id.asc())),
        (Sort::UpdatedAt, true) => q.order((c::updated_at.desc(), c::id.desc())),
    }
}

/// The order `ordered` gives, for merging the arms' pages.
fn list_order(sort: Sort, descending: bool, a: &Row, b: &Row) -> std::cmp::Ordering {
    let asc = match sort {
        Sort::Relevance | Sort::Name => (&a.name_pinyin, &a.id).cmp(&(&b.name_pinyin, &b.id)),
        Sort::CreatedAt => a.id.cmp(&b.id),
        Sort::UpdatedAt => (a.updated_at, &a.id).cmp(&(b.updated_at, &b.id)),
    };
    if descending { asc.reverse() } else { asc }
}

/// `q` in the order an arm lists by: its own by relevance, else the sort asked for.
fn arm_ordered<'a>(
    q: c::BoxedQuery<'a, Db>,
    arm: Option<ArmOrder>,
    order: (Sort, bool),
) -> c::BoxedQuery<'a, Db> {
    match (order.0, arm) {
        (Sort::Relevance, Some(ArmOrder::Initials)) => {
            q.order((c::name_initials.asc(), c::name_pinyin.asc(), c::id.asc()))
        }
        _ => ordered(q, order.0, order.1),
    }
}

/// Live customers in `scope` matching the filters and the arm.
fn arm_query<'a>(
    scope: &Scope,
    f: &'a Filter,
    arm: Option<Arm>,
    order: (Sort, bool),
) -> c::BoxedQuery<'a, Db> {
    match arm {
        None => arm_ordered(filtered(scope, f), None, order),
        Some(arm) => arm_ordered(filtered(scope, f).filter(arm.cond), Some(arm.order), order),
    }
}

/// The ids of one arm's window in its order: the indexes of live customers by pinyin and by
/// initials answer this without visiting the table (PERF-1).
fn arm_ids(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    arm: Option<Arm>,
    order: (Sort, bool),
    window: ListWindow,
) -> Result<Vec<String>, DbError> {
    Ok(arm_query(scope, f, arm, order)
        .select(c::id)
        .limit(window.limit)
        .offset(window.offset)
        .load(conn)?)
}

/// How many match one arm, counting at most `count`'s cap (+1, to know it was passed).
fn arm_count(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    arm: Option<Arm>,
    order: (Sort, bool),
    count: Count,
) -> Result<i64, DbError> {
    Ok(match count {
        Count::Exact => match arm {
            None => filtered(scope, f).count().get_result(conn)?,
            Some(arm) => filtered(scope, f)
                .filter(arm.cond)
                .count()
                .get_result(conn)?,
        },
        // In the arm's order, so that a broad arm walks the same index as its page and stops
        // early; the ids, not a constant, so that the statement is prepared once.
        Count::UpTo(cap) => arm_query(scope, f, arm, order)
            .select(c::id)
            .limit(cap + 1)
            .load::<String>(conn)?
            .len() as i64,
    })
}

/// A customer row read for a page, with its first phone (the primary one first) and its tags
/// joined by [`TAG_SEPARATOR`].
type PagedRow = (Row, Option<String>, Option<String>);

/// Joins a customer's tags in [`rows_of`]; tags cannot hold it (`valid_tags` refuses control
/// characters).
const TAG_SEPARATOR: &str = "\u{1f}";

diesel::define_sql_function!(
    /// SQL `string_agg(value, separator)`: PostgreSQL, and SQLite from 3.44 (bundled).
    #[aggregate]
    fn string_agg(
        value: diesel::sql_types::Text,
        separator: diesel::sql_types::Text,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>
);

/// The rows of `ids`, in that order, each with its first phone and its tags: one statement
/// for the whole page (PERF-1).
fn rows_of(conn: &mut DbConn, ids: &[String]) -> Result<Vec<PagedRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let first_phone = phones::table
        .filter(phones::customer_id.eq(c::id))
        .order((phones::is_primary.desc(), phones::phone))
        .select(phones::phone)
        .limit(1)
        .single_value();
    let all_tags = tags::table
        .filter(tags::customer_id.eq(c::id))
        .select(string_agg(tags::tag, TAG_SEPARATOR))
        .single_value();
    let rows: Vec<PagedRow> = c::table
        .filter(c::id.eq_any(ids))
        .select((Row::as_select(), first_phone, all_tags))
        .load(conn)?;
    let mut by_id: HashMap<String, PagedRow> =
        rows.into_iter().map(|r| (r.0.id.clone(), r)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The rows of a window of live customers in `scope` matching `f` (CUS-9), and what each arm
/// was found to hold on the way (so that it need not be counted again).
///
/// A search runs each arm (`search_arms`; they never overlap) as its own query. By relevance
/// the arms follow one another: the window is taken from the first, then the next, and so on;
/// from an arm's start the same walk reads as far as `count`'s cap, which gives the count too.
/// In an asked-for order each arm gives its first `offset + limit` and they are merged. With
/// indexes in the arms' orders (migration 000007) the cost follows the page, not the number
/// of matches (PERF-1, PERF-8).
fn page_rows(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    arms: &dyn Fn() -> Vec<Option<Arm>>,
    order: (Sort, bool),
    window: ListWindow,
    count: Count,
) -> Result<(Vec<PagedRow>, Vec<Option<i64>>), DbError> {
    let mut known: Vec<Option<i64>> = Vec::new();
    if order.0 != Sort::Relevance {
        let head = ListWindow {
            limit: window.offset + window.limit,
            offset: 0,
        };
        let mut ids = Vec::new();
        for arm in arms() {
            ids.extend(arm_ids(conn, scope, f, arm, order, head)?);
        }
        let mut rows = rows_of(conn, &ids)?;
        rows.sort_by(|(a, ..), (b, ..)| list_order(order.0, order.1, a, b));
        let rows = rows
            .into_iter()
            .skip(usize::try_from(window.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(window.limit).unwrap_or(0))
            .collect();
        return Ok((rows, known));
    }
    let mut ids: Vec<String> = Vec::new();
    let mut skip = window.offset;
    for (i, arm) in arms().into_iter().enumerate() {
        let need = window.limit - ids.len() as i64;
        if need <= 0 {
            known.push(None);
            continue;
        }
        let fetch = match count {
            Count::UpTo(cap) if skip == 0 => need.max(cap + 1),
            _ => need,
        };
        let got = arm_ids(
            conn,
            scope,
            f,
            arm,
            order,
            ListWindow {
                limit: fetch,
                offset: skip,
            },
        )?;
        let n = got.len() as i64;
        ids.extend(got.into_iter().take(usize::try_from(need).unwrap_or(0)));
        let held = if n == fetch {
            // Read all it was asked for: past the cap when read for counting, else unknown.
            (fetch > need).then_some(n)
        } else if n > 0 || skip == 0 {
            Some(skip + n) // the arm ends in what was read
        } else {
            // The window starts past this arm: how far past is its count.
            let arm = arms().into_iter().nth(i).flatten();
            Some(arm_count(conn, scope, f, arm, order, Count::Exact)?)
        };
        known.push(held);
        if let (true, Some(held)) = (n < need, held) {
            skip = (skip - held).max(0);
        }
    }
    Ok((rows_of(conn, &ids)?, known))
}

/// The search arms of `f` (one, with no condition, without a search text), made afresh for
/// each query: conditions are boxed, not clonable.
fn arms_of<'a>(f: &'a Filter, pg: bool) -> impl Fn() -> Vec<Option<Arm>> + 'a {
    let text = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    move || match text {
        None => vec![None],
        Some(t) => search_arms(t, pg).into_iter().map(Some).collect(),
    }
}

/// A page of live customers in `scope` matching `f` (CUS-9), and how many match:
/// counting runs only when the page is full, and stops at `count`'s cap.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    descending: bool,
    window: ListWindow,
    count: Count,
) -> Result<Listed, DbError> {
    let order = (sort, descending);
    let arms = arms_of(f, matches!(conn, DbConn::Postgresql(_)));
    let (rows, known) = page_rows(conn, scope, f, &arms, order, window, count)?;
    let shown = rows.len() as i64;
    let (total, capped) = if shown < window.limit && (shown > 0 || window.offset == 0) {
        // The page is the last one: nothing to count.
        (window.offset + shown, false)
    } else {
        let mut total = 0;
        for (i, arm) in arms().into_iter().enumerate() {
            if matches!(count, Count::UpTo(cap) if total > cap) {
                break; // already past the cap: the rest need no counting
            }
            total += match known.get(i).copied().flatten() {
                Some(t) => t,
                None => arm_count(conn, scope, f, arm, order, count)?,
            };
        }
        match count {
            Count::UpTo(cap) if total > cap => (cap, true),
            _ => (total, false),
        }
    };
    Ok(Listed {
        items: summarize(rows)?,
        total,
        capped,
    })
}

/// A window of `list`, full records, uncounted (the export, CUS-13).
pub fn list_full(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    descending: bool,
    window: ListWindow,
) -> Result<Vec<Customer>, DbError> {
    let arms = arms_of(f, matches!(conn, DbConn::Postgresql(_)));
    let (rows, _) = page_rows(
        conn,
        scope,
        f,
        &arms,
        (sort, descending),
        window,
        Count::Exact,
    )?;
    full_many(conn, rows.into_iter().map(|(r, ..)| r).collect())
}

/// Summaries of rows read with their first phone and tags (`rows_of`).
fn summarize(rows: Vec<PagedRow>) -> Result<Vec<CustomerSummary>, DbError> {
    let today = today();
    rows.into_iter()
        .map(|(r, phone, joined)| {
            let mut tags: Vec<String> = joined
                .iter()
                .flat_map(|t| t.split(TAG_SEPARATOR))
                .map(str::to_string)
                .collect();
            tags.sort_unstable();
            summary(&r, phone, tags, today)
        })
        .collect()
}

/// from, to, reason, by, at.
type StageRow = (
    Option<String>,
    String,
    Option<String>,
    Option<String>,
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
        .filter(stages::customer_id.eq(id.to_string()))
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
                from_stage: opt_code("stage", from.as_deref(), LifecycleStage::from_code)?,
                to_stage: code("stage", &to, LifecycleStage::from_code)?,
                reason,
                changed_by: parse_opt_id(by.as_deref())?,
                changed_at: utc(at),
            })
        })
        .collect()
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
    account_manager_id: Option<Option<String>>,
    uscc: Option<Option<String>>,
    employer_id: Option<Option<String>>,
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
    let before = get(conn, scope, id)?;
    if before.version != expected_version {
        return Err(DbError::Stale {
            current: before.version,
        });
    }
    let key = id.to_string();
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
        account_manager_id: u.account_manager_id.map(|a| a.map(|a| a.to_string())),
        uscc: u
            .uscc
            .as_ref()
            .map(|v| v.as_deref().map(normalize_id_number)),
        employer_id: u.employer_id.map(|e| e.map(|e| e.to_string())),
        updated_at: now(),
    };
    let n = diesel::update(
        c::table
            .filter(c::id.eq(&key))
            .filter(c::version.eq(expected_version)),
    )
    .set((changes, c::version.eq(c::version + 1)))
    .execute(conn)?;
    if n == 0 {
        let current = get(conn, scope, id)?.version;
        return Err(DbError::Stale { current });
    }
    let address = u.address.clone().unwrap_or_else(|| before.address.clone());
    let profile = ProfileRow {
        customer_id: key.clone(),
        landline: pick(&u.landline, before.landline.clone()),
        wechat: pick(&u.wechat, before.wechat.clone()),
        qq: pick(&u.qq, before.qq.clone()),
        email: pick(&u.email, before.email.clone()),
        province: trimmed(&address.province),
        city: trimmed(&address.city),
        district: trimmed(&address.district),
        street: trimmed(&address.street),
        occupation: pick(&u.occupation, before.occupation.clone()),
        education: pick(&u.education, before.education.clone()),
        marital_status: pick(&u.marital_status, before.marital_status.clone()),
        family_situation: pick(&u.family_situation, before.family_situation.clone()),
        preferred_language: pick(&u.preferred_language, before.preferred_language.clone()),
        preferred_channel: pick(&u.preferred_channel, before.preferred_channel.clone()),
        preferred_hours: pick(&u.preferred_hours, before.preferred_hours.clone()),
        source_detail: pick(&u.source_detail, before.source_detail.clone()),
        referred_by_id: pick(&u.referred_by_id, before.referred_by_id).map(|r| r.to_string()),
        interests: serde_json::Value::from(u.interests.clone().unwrap_or(before.interests.clone()))
            .to_string(),
        notes: pick(&u.notes, before.notes.clone()),
        industry: pick(&u.industry, before.industry.clone()),
        org_size: pick(&u.org_size, before.org_size.clone()),
    };
    diesel::update(profiles::table.find(&key))
        .set(&profile)
        .execute(conn)?;
    if let Some(list) = &u.phones {
        set_phones(conn, &key, list)?;
    }
    if let Some(list) = &u.categories {
        set_categories(conn, &key, list)?;
    }
    if let Some(list) = &u.tags {
        set_tags(conn, &key, list)?;
    }
    if let Some(list) = &u.external_ids {
        set_external_ids(conn, &key, &before.institution_id.to_string(), list)?;
    }
    if let Some(stage) = u.lifecycle_stage.filter(|s| *s != before.lifecycle_stage) {
        record_stage(
            conn,
            &key,
            Some(before.lifecycle_stage),
            stage,
            u.stage_reason.as_deref(),
            by,
        )?;
    }
    let after = get(conn, scope, id)?;
    Ok((before, after))
}

/// Soft delete: the customer leaves every read; its history stays.
pub fn soft_delete(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
) -> Result<Customer, DbError> {
    let before = get(conn, scope, id)?;
    if before.version != expected_version {
        return Err(DbError::Stale {
            current: before.version,
        });
    }
    let n = diesel::update(
        c::table
            .filter(c::id.eq(id.to_string()))
            .filter(c::version.eq(expected_version)),
    )
    .set((
        c::deleted_at.eq(Some(now())),
        c::version.eq(c::version + 1),
        c::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(DbError::Stale {
            current: expected_version + 1,
        });
    }
    Ok(before)
}

/// The customer a HIS external id names in `institution`, if live.
pub fn by_external_id(
    conn: &mut DbConn,
    institution: Uuid,
    system: &str,
    external_id: &str,
) -> Result<Option<Uuid>, DbError> {
    let id: Option<String> = ext::table
        .inner_join(c::table)
        .filter(ext::institution_id.eq(institution.to_string()))
        .filter(ext::system.eq(system))
        .filter(ext::external_id.eq(external_id))
        .filter(c::merged_into_id.is_null())
        .filter(c::deleted_at.is_null())
        .select(ext::customer_id)
        .first(conn)
        .optional()?;
    parse_opt_id(id.as_deref())
}

/// Whether the external id is on any customer of `institution`, live, merged or deleted (the
/// ids stay unique per institution and system for the history's sake).
pub fn external_id_taken(
    conn: &mut DbConn,
    institution: Uuid,
    system: &str,
    external_id: &str,
) -> Result<bool, DbError> {
    let n: i64 = ext::table
        .filter(ext::institution_id.eq(institution.to_string()))
        .filter(ext::system.eq(system))
        .filter(ext::external_id.eq(external_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn the_upper_bound_of_a_prefix_range_carries_past_z_and_9() {
        assert_eq!(prefix_upper_bound("l").as_deref(), Some("m"));
        assert_eq!(prefix_upper_bound("wangwei").as_deref(), Some("wangwej"));
        assert_eq!(prefix_upper_bound("wangz").as_deref(), Some("wanh"));
        assert_eq!(prefix_upper_bound("ab9").as_deref(), Some("ac"));
        assert_eq!(prefix_upper_bound("a8").as_deref(), Some("a9"));
        assert_eq!(prefix_upper_bound("z"), None);
        assert_eq!(prefix_upper_bound("zz9"), None);
        assert_eq!(prefix_upper_bound(""), None);
    }
}
