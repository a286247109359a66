//! The rows a customer is stored in, and how new customers are written: one customer's
//! create, the demo's families and the generator's batches of 10,000 (OPS-2) build the same
//! rows and write them with [`NewCustomers::write`], in multi-row INSERTs (issue 8 item 7).

use super::*;
use crate::kit::insert_many;
use crate::schema::customer_search_keys as keys;
use hcrm_domain::customer::search_keys::{id_suffixes, inner_chars};

/// A row of `customers`: what lists and searches read.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = c, treat_none_as_default_value = false)]
pub struct CustomerRow {
    pub id: CustomerId,
    pub institution_id: InstitutionId,
    pub kind: String,
    pub name: String,
    pub name_pinyin: String,
    pub name_initials: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_month: Option<i32>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub card_number: Option<String>,
    pub form_of_address: String,
    pub form_of_address_custom: bool,
    pub lifecycle_stage: String,
    pub relationship_type: Option<String>,
    pub source_channel: Option<String>,
    pub account_manager_id: Option<UserId>,
    pub uscc: Option<String>,
    pub employer_id: Option<CustomerId>,
    pub merged_into_id: Option<CustomerId>,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A row of `customer_profiles`: the rest of the record (CUS-4, CUS-6).
#[derive(Debug, Clone, Default, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(
    table_name = profiles,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct ProfileRow {
    pub customer_id: CustomerId,
    pub landline: Option<String>,
    pub wechat: Option<String>,
    pub qq: Option<String>,
    pub email: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub street: Option<String>,
    pub occupation: Option<String>,
    pub education: Option<String>,
    pub marital_status: Option<String>,
    pub family_situation: Option<String>,
    pub preferred_language: Option<String>,
    pub preferred_channel: Option<String>,
    pub preferred_hours: Option<String>,
    pub source_detail: Option<String>,
    pub referred_by_id: Option<CustomerId>,
    pub interests: String,
    pub notes: Option<String>,
    pub industry: Option<String>,
    pub org_size: Option<String>,
}

/// A phone of a customer, with the last 4 digits it is searched by.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = phones)]
pub struct PhoneRow {
    pub customer_id: CustomerId,
    pub phone: String,
    pub last4: String,
    pub is_primary: bool,
}

impl PhoneRow {
    /// `raw` as stored (a mobile normalized) with its last 4 digits.
    pub fn new(customer_id: CustomerId, raw: &str, is_primary: bool) -> PhoneRow {
        let phone = hcrm_domain::validation::normalize_mobile(raw);
        PhoneRow {
            customer_id,
            last4: phone_last4(&phone).unwrap_or_default(),
            phone,
            is_primary,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub customer_id: CustomerId,
    pub tag: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cats)]
pub struct CategoryRow {
    pub customer_id: CustomerId,
    /// A [`CustomerCategory`] code.
    pub category: String,
}

/// An id of the customer in another system (HIS), unique per institution and system.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ext)]
pub struct ExternalIdRow {
    pub customer_id: CustomerId,
    pub institution_id: InstitutionId,
    pub system: String,
    pub external_id: String,
}

/// A change of lifecycle stage (CUS-3); the first is the stage a customer was created in.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = stages, treat_none_as_default_value = false)]
pub struct StageRow {
    pub id: crate::ids::StageChangeId,
    pub customer_id: CustomerId,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub reason: Option<String>,
    pub changed_by: Option<UserId>,
    pub changed_at: NaiveDateTime,
}

/// `customer_search_keys.kind` of a character inside the name (`婷` finds 白婷佳, CUS-9).
pub const NAME_CHAR: &str = "name_char";
/// `customer_search_keys.kind` of the last 4 or 6 characters of the ID number (CUS-9).
pub const ID_SUFFIX: &str = "id_suffix";

/// A key a customer is found by beyond the name's start and pinyin (CUS-9): derived from the
/// name and the ID number whenever they are written, never given. It carries the customer's
/// pinyin, the list order, so that an arm served by keys walks them in that order and stops
/// after a page (PERF-1).
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = keys)]
pub struct SearchKeyRow {
    pub customer_id: CustomerId,
    pub kind: String,
    pub term: String,
    pub name_pinyin: String,
}

impl SearchKeyRow {
    /// The keys of a customer stored with `name` (whose pinyin is `name_pinyin`) and
    /// `id_number`.
    pub fn of(
        customer_id: CustomerId,
        name: &str,
        name_pinyin: &str,
        id_number: Option<&str>,
    ) -> Vec<SearchKeyRow> {
        let key = |kind: &str, term| SearchKeyRow {
            customer_id,
            kind: kind.to_string(),
            term,
            name_pinyin: name_pinyin.to_string(),
        };
        let mut out: Vec<SearchKeyRow> = inner_chars(name)
            .into_iter()
            .map(|t| key(NAME_CHAR, t))
            .collect();
        out.extend(
            id_number
                .into_iter()
                .flat_map(id_suffixes)
                .map(|t| key(ID_SUFFIX, t)),
        );
        out
    }
}

/// Writes the search keys of one customer afresh (its name or ID number changed), with the
/// pinyin stored for it.
pub(super) fn rekey(
    conn: &mut DbConn,
    id: CustomerId,
    name: &str,
    id_number: Option<&str>,
) -> Result<(), DbError> {
    let pinyin: String = c::table.find(id).select(c::name_pinyin).first(conn)?;
    diesel::delete(keys::table.filter(keys::customer_id.eq(id))).execute(conn)?;
    let rows = SearchKeyRow::of(id, name, &pinyin, id_number);
    insert_many!(conn, keys::table, &rows, 4)?;
    Ok(())
}

/// New customers with every row they are stored in. Their search keys are derived from the
/// customers' names and ID numbers as they are written.
#[derive(Debug, Default)]
pub struct NewCustomers {
    /// Employers before their employees: foreign keys are checked per statement.
    pub customers: Vec<CustomerRow>,
    pub profiles: Vec<ProfileRow>,
    pub phones: Vec<PhoneRow>,
    pub tags: Vec<TagRow>,
    pub categories: Vec<CategoryRow>,
    pub external_ids: Vec<ExternalIdRow>,
    pub stages: Vec<StageRow>,
}

impl NewCustomers {
    /// Writes every row, table by table, in multi-row INSERTs; run inside a transaction.
    pub fn write(&self, conn: &mut DbConn) -> Result<(), DbError> {
        let search_keys: Vec<SearchKeyRow> = self
            .customers
            .iter()
            .flat_map(|r| SearchKeyRow::of(r.id, &r.name, &r.name_pinyin, r.id_number.as_deref()))
            .collect();
        insert_many!(conn, c::table, &self.customers, 26)?;
        insert_many!(conn, profiles::table, &self.profiles, 22)?;
        insert_many!(conn, phones::table, &self.phones, 4)?;
        insert_many!(conn, tags::table, &self.tags, 2)?;
        insert_many!(conn, cats::table, &self.categories, 2)?;
        insert_many!(conn, ext::table, &self.external_ids, 4)?;
        insert_many!(conn, stages::table, &self.stages, 7)?;
        insert_many!(conn, keys::table, &search_keys, 4)?;
        Ok(())
    }

    pub fn clear(&mut self) {
        *self = NewCustomers::default();
    }

    /// Adds `other`'s rows to these.
    pub fn append(&mut self, mut other: NewCustomers) {
        self.customers.append(&mut other.customers);
        self.profiles.append(&mut other.profiles);
        self.phones.append(&mut other.phones);
        self.tags.append(&mut other.tags);
        self.categories.append(&mut other.categories);
        self.external_ids.append(&mut other.external_ids);
        self.stages.append(&mut other.stages);
    }
}
