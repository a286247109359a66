//! The rows the generator writes, in multi-row batches (issue 8 item 7 will have it write
//! hcrm-db's own rows instead of these copies).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use hcrm_db::DbConn;
use hcrm_db::schema::{
    customer_categories, customer_external_ids, customer_phones, customer_profiles,
    customer_stage_history, customer_tags, customers,
};

/// A row of `customers`, every column given (NULLs written as NULL).
#[derive(Insertable, Clone)]
#[diesel(table_name = customers, treat_none_as_default_value = false)]
pub struct CustomerRow {
    pub id: String,
    pub institution_id: String,
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
    pub account_manager_id: Option<String>,
    pub uscc: Option<String>,
    pub employer_id: Option<String>,
    pub version: i32,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Default)]
#[diesel(table_name = customer_profiles, treat_none_as_default_value = false)]
pub struct ProfileRow {
    pub customer_id: String,
    pub landline: Option<String>,
    pub wechat: Option<String>,
    pub email: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub street: Option<String>,
    pub occupation: Option<String>,
    pub education: Option<String>,
    pub marital_status: Option<String>,
    pub preferred_language: Option<String>,
    pub preferred_channel: Option<String>,
    pub source_detail: Option<String>,
    pub interests: String,
    pub notes: Option<String>,
    pub industry: Option<String>,
    pub org_size: Option<String>,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = customer_phones)]
pub struct PhoneRow {
    pub customer_id: String,
    pub phone: String,
    pub last4: String,
    pub is_primary: bool,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = customer_tags)]
pub struct TagRow {
    pub customer_id: String,
    pub tag: String,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = customer_categories)]
pub struct CategoryRow {
    pub customer_id: String,
    pub category: String,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = customer_external_ids)]
pub struct ExternalRow {
    pub customer_id: String,
    pub institution_id: String,
    pub system: String,
    pub external_id: String,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = customer_stage_history, treat_none_as_default_value = false)]
pub struct StageRow {
    pub id: String,
    pub customer_id: String,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub reason: Option<String>,
    pub changed_by: Option<String>,
    pub changed_at: NaiveDateTime,
}

/// Every row of a set of customers, ready to be written.
#[derive(Default)]
pub struct Batch {
    pub customers: Vec<CustomerRow>,
    pub profiles: Vec<ProfileRow>,
    pub phones: Vec<PhoneRow>,
    pub tags: Vec<TagRow>,
    pub categories: Vec<CategoryRow>,
    pub externals: Vec<ExternalRow>,
    pub stages: Vec<StageRow>,
}

/// Writes `rows` in multi-row INSERTs on the concrete connection (the multi-backend wrapper
/// has no batch insert); at most 30,000 parameters per statement (SQLite's limit is 32,766).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let per = (30_000 / $columns).max(1);
        let mut n = 0usize;
        for chunk in $rows.chunks(per) {
            n += match &mut *$conn {
                DbConn::Postgresql(c) => diesel::insert_into($table).values(chunk).execute(c),
                DbConn::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c),
            }?;
        }
        Ok::<usize, diesel::result::Error>(n)
    }};
}
pub(crate) use insert_rows;

impl Batch {
    pub fn write(&self, conn: &mut DbConn) -> Result<(), diesel::result::Error> {
        insert_rows!(conn, customers::table, &self.customers, 24)?;
        insert_rows!(conn, customer_profiles::table, &self.profiles, 18)?;
        insert_rows!(conn, customer_phones::table, &self.phones, 4)?;
        insert_rows!(conn, customer_tags::table, &self.tags, 2)?;
        insert_rows!(conn, customer_categories::table, &self.categories, 2)?;
        insert_rows!(conn, customer_external_ids::table, &self.externals, 4)?;
        insert_rows!(conn, customer_stage_history::table, &self.stages, 7)?;
        Ok(())
    }

    pub fn clear(&mut self) {
        *self = Batch::default();
    }
}
