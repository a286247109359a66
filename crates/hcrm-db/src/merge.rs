//! CUS-10: merging a duplicate customer into another. Every module that keeps records of a
//! customer registers in [`MODULES`] the columns that reference customers and a step that moves (or, where one row per customer is
//! allowed, combines) its records from the duplicate to the kept customer so that nothing of
//! either is lost. The duplicate itself stays, marked `merged_into_id`, for history and for
//! links that still name it.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::conn::DbConn;
use crate::error::DbError;
use crate::ids::CustomerId;
use crate::schema::{
    break_glass_grants, complaints, contacts, customer_contracts, customer_external_ids,
    customer_profiles, customer_stage_history, customers, tasks,
};
use crate::timeline;
use crate::util::now;

/// The customer merged away: its records move to the [`Kept`] one. Its own type, so that a
/// step cannot be handed the two customers the wrong way round (issue 8 item 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate(pub CustomerId);

/// The customer that stays and receives the [`Duplicate`]'s records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept(pub CustomerId);

/// How a merge moves one module's records: `(conn, duplicate, kept)` → how many moved.
pub type MergeFn = fn(&mut DbConn, Duplicate, Kept) -> Result<usize, DbError>;

/// A column of a module's table that references `customers(id)`.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    pub table: &'static str,
    pub column: &'static str,
}

const fn r(table: &'static str, column: &'static str) -> Reference {
    Reference { table, column }
}

/// A module that keeps records of a customer: the columns of its tables that reference
/// customers — a schema test compares them with the database's foreign keys on both backends,
/// so a new table cannot be left out — and how a merge moves its records (`None`: the merge
/// itself sets the column).
pub struct CustomerModule {
    pub name: &'static str,
    pub references: &'static [Reference],
    pub merge: Option<MergeFn>,
    /// Its entries on the customer's 360 timeline (CUS-11), if it has any.
    pub timeline: Option<timeline::LoadFn>,
}

/// The registry: every module that hangs records on a customer adds itself here (README,
/// "adding a module").
pub const MODULES: &[CustomerModule] = &[
    CustomerModule {
        name: "archive",
        references: &[r("customers", "merged_into_id")],
        merge: None,
        timeline: Some(timeline::customer_source),
    },
    CustomerModule {
        name: "phones",
        references: &[r("customer_phones", "customer_id")],
        merge: Some(phones),
        timeline: None,
    },
    CustomerModule {
        // The keys a search finds a customer by (CUS-9): the duplicate keeps its own, as it
        // leaves every search once merged; the kept customer's stay as they are.
        name: "search_keys",
        references: &[r("customer_search_keys", "customer_id")],
        merge: None,
        timeline: None,
    },
    CustomerModule {
        name: "categories",
        references: &[r("customer_categories", "customer_id")],
        merge: Some(categories),
        timeline: None,
    },
    CustomerModule {
        name: "tags",
        references: &[r("customer_tags", "customer_id")],
        merge: Some(tags),
        timeline: None,
    },
    CustomerModule {
        name: "external_ids",
        references: &[r("customer_external_ids", "customer_id")],
        merge: Some(external_ids),
        timeline: None,
    },
    CustomerModule {
        name: "stage_history",
        references: &[r("customer_stage_history", "customer_id")],
        merge: Some(stage_history),
        timeline: Some(timeline::stage_source),
    },
    CustomerModule {
        name: "contracts",
        references: &[r("customer_contracts", "customer_id")],
        merge: Some(contracts),
        timeline: None,
    },
    CustomerModule {
        name: "profile",
        references: &[r("customer_profiles", "customer_id")],
        merge: Some(profile),
        timeline: None,
    },
    CustomerModule {
        name: "referrals",
        references: &[r("customer_profiles", "referred_by_id")],
        merge: Some(referrals),
        timeline: None,
    },
    CustomerModule {
        name: "medical",
        references: &[r("customer_medical", "customer_id")],
        merge: Some(medical),
        timeline: None,
    },
    CustomerModule {
        name: "private_notes",
        references: &[r("customer_private_notes", "customer_id")],
        merge: Some(private_notes),
        timeline: None,
    },
    CustomerModule {
        name: "relations",
        references: &[
            r("customer_relations", "from_id"),
            r("customer_relations", "to_id"),
        ],
        merge: Some(relations),
        timeline: None,
    },
    CustomerModule {
        name: "employees",
        references: &[r("customers", "employer_id")],
        merge: Some(employees),
        timeline: None,
    },
    CustomerModule {
        name: "contacts",
        references: &[
            r("contacts", "customer_id"),
            r("contacts", "party_customer_id"),
        ],
        merge: Some(contacts_step),
        timeline: Some(timeline::contact_source),
    },
    CustomerModule {
        name: "tasks",
        references: &[r("tasks", "customer_id")],
        merge: Some(tasks_step),
        timeline: Some(timeline::task_source),
    },
    CustomerModule {
        // CMP-1: a complaint follows its complainant to the kept record.
        name: "complaints",
        references: &[r("complaints", "customer_id")],
        merge: Some(complaints_step),
        timeline: Some(crate::complaints::timeline_source),
    },
    CustomerModule {
        // SVC-4: visits and spending follow the patient to the kept record.
        name: "visits",
        references: &[r("visits", "customer_id")],
        merge: Some(crate::visits::merge_step),
        timeline: Some(crate::visits::timeline_source),
    },
    CustomerModule {
        // INT-2: an event names the customer it happened to at the time, like an audit entry;
        // it is history and stays as raised (a webhook already sent named that id). Nothing
        // moves.
        name: "domain_events",
        references: &[r("domain_events", "customer_id")],
        merge: None,
        timeline: None,
    },
    CustomerModule {
        // SVC-2: a patient's appointments follow them to the kept record.
        name: "appointments",
        references: &[r("appointments", "customer_id")],
        merge: Some(crate::appointments::merge_step),
        timeline: Some(crate::appointments::timeline_source),
    },
    CustomerModule {
        // SVC-2a: and their places on waitlists.
        name: "waitlist",
        references: &[r("waitlist_entries", "customer_id")],
        merge: Some(crate::appointments::waitlist_merge_step),
        timeline: None,
    },
    CustomerModule {
        // SVC-1: a consultation follows its customer to the kept record.
        name: "consultations",
        references: &[r("consultations", "customer_id")],
        merge: Some(crate::consultations::merge_step),
        timeline: Some(crate::consultations::timeline_source),
    },
    CustomerModule {
        // SVC-6: a measured service time follows its customer.
        name: "service_times",
        references: &[r("service_times", "customer_id")],
        merge: Some(crate::service_times::merge_step),
        timeline: None,
    },
    CustomerModule {
        name: "break_glass",
        references: &[r("break_glass_grants", "customer_id")],
        merge: Some(break_glass),
        timeline: None,
    },
];

/// Runs every step and marks `from` as merged into `into`; run inside a write transaction.
/// Returns the records moved per module.
pub fn merge(
    conn: &mut DbConn,
    duplicate: Duplicate,
    kept: Kept,
) -> Result<Vec<(&'static str, usize)>, DbError> {
    let mut moved = Vec::new();
    for module in MODULES {
        if let Some(run) = module.merge {
            moved.push((module.name, run(conn, duplicate, kept)?));
        }
    }
    let (Duplicate(from), Kept(into)) = (duplicate, kept);
    diesel::update(customers::table.find(from))
        .set((
            customers::merged_into_id.eq(Some(into)),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    diesel::update(customers::table.find(into))
        .set((
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    raise_merged(conn, duplicate, kept)?;
    Ok(moved)
}

/// `customer_merged` (INT-3), once per duplicate: the subject is the customer merged away,
/// the event's customer and institution the kept one's.
fn raise_merged(conn: &mut DbConn, duplicate: Duplicate, kept: Kept) -> Result<(), DbError> {
    let (Duplicate(from), Kept(into)) = (duplicate, kept);
    let institution = |c: &mut DbConn, id: CustomerId| {
        customers::table
            .find(id)
            .select(customers::institution_id)
            .first::<crate::ids::InstitutionId>(c)
    };
    let (kept_at, dup_at) = (institution(conn, into)?, institution(conn, from)?);
    crate::events::raise(
        conn,
        crate::events::NewEvent {
            kind: hcrm_domain::api::events::DomainEventKind::CustomerMerged,
            subject_type: "customer",
            subject_id: from.0,
            institution_id: kept_at.0,
            customer_id: Some(into.0),
            occurred_at: now(),
            payload: serde_json::json!({
                "merged_from": from.0,
                "merged_into": into.0,
                "merged_from_institution_id": dup_at.0,
            }),
        },
    )?;
    Ok(())
}

/// The live customer that customer `id` was merged into, following merges of merges (issue 9
/// item 11: a link to a merged-away record leads to the kept one). `None` when `id` was not
/// merged, when the chain leaves `scope` (another institution's ids stay plain 404s, X-4), or
/// when the kept customer was deleted since.
pub fn merged_into(
    conn: &mut DbConn,
    scope: &hcrm_domain::Scope,
    id: uuid::Uuid,
) -> Result<Option<uuid::Uuid>, DbError> {
    let mut at = CustomerId::from(id);
    // A chain is as long as the merges made one after the other; 32 ends a cycle, which the
    // merge itself never makes.
    for _ in 0..32 {
        let row = customers::table
            .find(at)
            .select((
                customers::merged_into_id,
                customers::institution_id,
                customers::deleted_at.is_null(),
            ))
            .first::<(Option<CustomerId>, crate::ids::InstitutionId, bool)>(conn)
            .optional()?;
        let Some((next, institution, live)) = row else {
            return Ok(None);
        };
        if !scope.allows(institution.0) {
            return Ok(None);
        }
        match next {
            Some(next) => at = next,
            None => return Ok((at.0 != id && live).then_some(at.0)),
        }
    }
    Ok(None)
}

/// Raw SQL with `$1`, `$2` placeholders, as each backend numbers them (SQLite: `?1`, `?2`,
/// so that a placeholder may come before a lower-numbered one).
pub(crate) fn sql(conn: &DbConn, text: impl AsRef<str>) -> diesel::query_builder::SqlQuery {
    let text = text.as_ref();
    match conn {
        DbConn::Sqlite(_) => diesel::sql_query(text.replace('$', "?")),
        DbConn::Postgresql(_) => diesel::sql_query(text),
    }
}

/// Copies the rows of a (customer_id, value) table that `into` lacks, then drops `from`'s.
fn union_rows(
    conn: &mut DbConn,
    table: &str,
    cols: &str,
    from: CustomerId,
    into: CustomerId,
) -> Result<usize, DbError> {
    // Table and column names are ours (constants above), never input.
    let n = sql(conn, format!(
        "INSERT INTO {table} (customer_id, {cols}) SELECT $1, {cols} FROM {table} f \
         WHERE f.customer_id = $2 AND NOT EXISTS (SELECT 1 FROM {table} i WHERE i.customer_id = $1 AND {})",
        cols.split(", ").map(|col| format!("i.{col} = f.{col}")).collect::<Vec<_>>().join(" AND ")
    ))
    .bind::<Text, _>(into)
    .bind::<Text, _>(from)
    .execute(conn)?;
    sql(conn, format!("DELETE FROM {table} WHERE customer_id = $1"))
        .bind::<Text, _>(from)
        .execute(conn)?;
    Ok(n)
}

fn phones(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    sql(
        conn,
        "INSERT INTO customer_phones (customer_id, phone, last4, is_primary) \
         SELECT $1, f.phone, f.last4, FALSE FROM customer_phones f WHERE f.customer_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM customer_phones i WHERE i.customer_id = $1 AND i.phone = f.phone)",
    )
    .bind::<Text, _>(into)
    .bind::<Text, _>(from)
    .execute(conn)
    .map_err(DbError::from)
    .and_then(|n| {
        sql(conn, "DELETE FROM customer_phones WHERE customer_id = $1").bind::<Text, _>(from).execute(conn)?;
        Ok(n)
    })
}

fn categories(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    union_rows(conn, "customer_categories", "category", from, into)
}

fn tags(conn: &mut DbConn, Duplicate(from): Duplicate, Kept(into): Kept) -> Result<usize, DbError> {
    union_rows(conn, "customer_tags", "tag", from, into)
}

fn external_ids(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        customer_external_ids::table.filter(customer_external_ids::customer_id.eq(from)),
    )
    .set(customer_external_ids::customer_id.eq(into))
    .execute(conn)?)
}

fn stage_history(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        customer_stage_history::table.filter(customer_stage_history::customer_id.eq(from)),
    )
    .set(customer_stage_history::customer_id.eq(into))
    .execute(conn)?)
}

fn contracts(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(
        diesel::update(customer_contracts::table.filter(customer_contracts::customer_id.eq(from)))
            .set(customer_contracts::customer_id.eq(into))
            .execute(conn)?,
    )
}

/// One row per customer: the kept customer's values win, the duplicate's fill the gaps.
fn fill_gaps(
    conn: &mut DbConn,
    table: &str,
    cols: &[&str],
    from: CustomerId,
    into: CustomerId,
) -> Result<usize, DbError> {
    let exists = sql(
        conn,
        format!("SELECT customer_id AS name FROM {table} WHERE customer_id = $1"),
    )
    .bind::<Text, _>(into)
    .load::<Named>(conn)?;
    if exists.is_empty() {
        return Ok(sql(
            conn,
            format!("UPDATE {table} SET customer_id = $1 WHERE customer_id = $2"),
        )
        .bind::<Text, _>(into)
        .bind::<Text, _>(from)
        .execute(conn)?);
    }
    let sets = cols
        .iter()
        .map(|col| {
            format!(
                "{col} = COALESCE({col}, (SELECT f.{col} FROM {table} f WHERE f.customer_id = $2))"
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    Ok(sql(
        conn,
        format!("UPDATE {table} SET {sets} WHERE customer_id = $1"),
    )
    .bind::<Text, _>(into)
    .bind::<Text, _>(from)
    .execute(conn)?)
}

#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    name: String,
}

fn profile(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    fill_gaps(
        conn,
        "customer_profiles",
        &[
            "landline",
            "wechat",
            "qq",
            "email",
            "province",
            "city",
            "district",
            "street",
            "occupation",
            "education",
            "marital_status",
            "family_situation",
            "preferred_language",
            "preferred_channel",
            "preferred_hours",
            "source_detail",
            "referred_by_id",
            "notes",
            "industry",
            "org_size",
        ],
        from,
        into,
    )
}

fn medical(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    fill_gaps(
        conn,
        "customer_medical",
        &[
            "allergies",
            "family_history",
            "chronic_conditions",
            "information_needs",
        ],
        from,
        into,
    )
}

fn private_notes(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    fill_gaps(
        conn,
        "customer_private_notes",
        &[
            "preferences",
            "habits",
            "family_background",
            "special_requirements",
        ],
        from,
        into,
    )
}

/// Relations move to the kept customer; links between the two and repeats are dropped.
fn relations(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    let mut n = 0;
    for (this, other) in [("from_id", "to_id"), ("to_id", "from_id")] {
        n += sql(
            conn,
            format!(
                "UPDATE customer_relations SET {this} = $1 WHERE {this} = $2 AND {other} <> $1 \
             AND NOT EXISTS (SELECT 1 FROM customer_relations d WHERE d.{this} = $1 \
                 AND d.{other} = customer_relations.{other} AND d.kind = customer_relations.kind)"
            ),
        )
        .bind::<Text, _>(into)
        .bind::<Text, _>(from)
        .execute(conn)?;
    }
    sql(
        conn,
        "DELETE FROM customer_relations WHERE from_id = $1 OR to_id = $1",
    )
    .bind::<Text, _>(from)
    .execute(conn)?;
    Ok(n)
}

/// Customers the duplicate referred were referred by the kept one.
fn referrals(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(
        diesel::update(customer_profiles::table.filter(customer_profiles::referred_by_id.eq(from)))
            .set(customer_profiles::referred_by_id.eq(Some(into)))
            .execute(conn)?,
    )
}

/// People employed by a merged organization now work for the kept one.
fn employees(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(
        diesel::update(customers::table.filter(customers::employer_id.eq(from)))
            .set(customers::employer_id.eq(Some(into)))
            .execute(conn)?,
    )
}

fn contacts_step(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    let n = diesel::update(contacts::table.filter(contacts::customer_id.eq(from)))
        .set(contacts::customer_id.eq(into))
        .execute(conn)?;
    diesel::update(contacts::table.filter(contacts::party_customer_id.eq(from)))
        .set(contacts::party_customer_id.eq(Some(into)))
        .execute(conn)?;
    Ok(n)
}

fn tasks_step(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(
        diesel::update(tasks::table.filter(tasks::customer_id.eq(from)))
            .set(tasks::customer_id.eq(Some(into)))
            .execute(conn)?,
    )
}

fn complaints_step(
    conn: &mut DbConn,
    Duplicate(from): Duplicate,
    Kept(into): Kept,
) -> Result<usize, DbError> {
    Ok(
        diesel::update(complaints::table.filter(complaints::customer_id.eq(from)))
            .set(complaints::customer_id.eq(into))
            .execute(conn)?,
    )
}

/// Break-glass grants stay bound to the record they were given for: a grant on the duplicate
/// must not become one on the kept customer (X-6a). Its live grants end now; the history of
/// them stays with the duplicate. Nothing moves.
fn break_glass(conn: &mut DbConn, Duplicate(from): Duplicate, _: Kept) -> Result<usize, DbError> {
    let t = now();
    diesel::update(
        break_glass_grants::table
            .filter(break_glass_grants::customer_id.eq(from))
            .filter(break_glass_grants::expires_at.gt(t)),
    )
    .set(break_glass_grants::expires_at.eq(t))
    .execute(conn)?;
    Ok(0)
}
