//! ORG-1: institutions.

use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::org::{Institution, InstitutionCreate, InstitutionRef, InstitutionUpdate};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::InstitutionId;
use crate::kit::{InScope, bump_version, counted_page, versioned_update};
use crate::schema::institutions;
use crate::util::{ListWindow, like_pattern, lower, now, utc};

pub const DEFAULT_TIME_ZONE: &str = hcrm_domain::api::org::HOME_TIME_ZONE;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = institutions)]
struct Row {
    id: InstitutionId,
    code: String,
    name: String,
    city: String,
    local: bool,
    time_zone: String,
    address: Option<String>,
    hotline: Option<String>,
    active: bool,
    version: i32,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    /// JSON array of role codes; NULL for the default set.
    break_glass_roles: Option<String>,
}

impl Row {
    fn into_dto(self) -> Result<Institution, DbError> {
        Ok(Institution {
            id: self.id.0,
            code: self.code,
            name: self.name,
            city: self.city,
            local: self.local,
            time_zone: self.time_zone,
            address: self.address,
            hotline: self.hotline,
            active: self.active,
            break_glass_roles: match &self.break_glass_roles {
                None => hcrm_domain::api::sensitive::default_break_glass_roles(),
                Some(text) => serde_json::from_str(text).map_err(|_| {
                    DbError::Corrupt(format!("institution break_glass_roles {text:?}"))
                })?,
            },
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// List filters; every one optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Fragment of the name, code or city.
    pub q: Option<String>,
    pub local: Option<bool>,
    pub active: Option<bool>,
}

/// Sort keys for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Code,
    Name,
    CreatedAt,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> institutions::BoxedQuery<'a, Db> {
    let mut q = institutions::table.into_boxed();
    q = q.in_scope(institutions::id, scope);
    if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = like_pattern(text.trim());
        q = q.filter(
            lower(institutions::name)
                .like(p.clone())
                .escape('\\')
                .or(lower(institutions::code).like(p.clone()).escape('\\'))
                .or(lower(institutions::city).like(p).escape('\\')),
        );
    }
    if let Some(local) = f.local {
        q = q.filter(institutions::local.eq(local));
    }
    if let Some(active) = f.active {
        q = q.filter(institutions::active.eq(active));
    }
    q
}

/// A page of the institutions in `scope` matching `f`, and the total.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    descending: bool,
    window: ListWindow,
) -> Result<(Vec<Institution>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| match (sort, descending) {
            (Sort::Code, false) => q.order(institutions::code.asc()),
            (Sort::Code, true) => q.order(institutions::code.desc()),
            (Sort::Name, false) => q.order((institutions::name.asc(), institutions::id.asc())),
            (Sort::Name, true) => q.order((institutions::name.desc(), institutions::id.asc())),
            (Sort::CreatedAt, false) => q.order(institutions::id.asc()),
            (Sort::CreatedAt, true) => q.order(institutions::id.desc()),
        },
        Row,
        window
    );
    let items = rows
        .into_iter()
        .map(Row::into_dto)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// One institution; `NotFound` when it is outside `scope` (X-4: 404, not 403).
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Institution, DbError> {
    if !scope.allows(id) {
        return Err(DbError::NotFound);
    }
    institutions::table
        .find(InstitutionId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into_dto()
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> Result<Institution, DbError> {
    institutions::table
        .filter(institutions::code.eq(code))
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into_dto()
}

/// Short references for a set of ids, in code order.
pub fn refs(conn: &mut DbConn, ids: Option<&[Uuid]>) -> Result<Vec<InstitutionRef>, DbError> {
    let mut q = institutions::table
        .select((institutions::id, institutions::code, institutions::name))
        .order(institutions::code.asc())
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(
            institutions::id.eq_any(
                ids.iter()
                    .copied()
                    .map(InstitutionId::from)
                    .collect::<Vec<_>>(),
            ),
        );
    }
    Ok(q.load::<(InstitutionId, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, name)| InstitutionRef {
            id: id.0,
            code,
            name,
        })
        .collect())
}

pub fn create(conn: &mut DbConn, c: &InstitutionCreate) -> Result<Institution, DbError> {
    let t = now();
    let row = Row {
        id: InstitutionId::new(),
        code: c.code.clone(),
        name: c.name.trim().to_string(),
        city: c.city.trim().to_string(),
        local: c.local,
        time_zone: c
            .time_zone
            .clone()
            .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_string()),
        address: c.address.clone(),
        hotline: c.hotline.clone(),
        active: true,
        version: 1,
        created_at: t,
        updated_at: t,
        break_glass_roles: None,
    };
    diesel::insert_into(institutions::table)
        .values(&row)
        .execute(conn)?;
    row.into_dto()
}

#[derive(AsChangeset)]
#[diesel(table_name = institutions)]
struct Changes {
    name: Option<String>,
    city: Option<String>,
    local: Option<bool>,
    time_zone: Option<String>,
    address: Option<Option<String>>,
    hotline: Option<Option<String>>,
    active: Option<bool>,
    break_glass_roles: Option<Option<String>>,
    updated_at: chrono::NaiveDateTime,
}

/// Applies `u` if the record is still at `expected_version`; returns (before, after).
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    u: &InstitutionUpdate,
) -> Result<(Institution, Institution), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, _| {
            let changes = Changes {
                name: u.name.as_ref().map(|s| s.trim().to_string()),
                city: u.city.as_ref().map(|s| s.trim().to_string()),
                local: u.local,
                time_zone: u.time_zone.clone(),
                address: u.address.clone(),
                hotline: u.hotline.clone(),
                active: u.active,
                break_glass_roles: match &u.break_glass_roles {
                    Some(roles) => Some(Some(
                        serde_json::to_string(roles)
                            .map_err(|e| DbError::Corrupt(e.to_string()))?,
                    )),
                    None => None,
                },
                updated_at: now(),
            };
            bump_version!(
                conn,
                institutions,
                InstitutionId::from(id),
                expected_version,
                changes
            )
        },
    )?;
    let after = get(conn, scope, id)?;
    Ok((before, after))
}

/// The roles whose users may break the glass into institution `id`'s records (X-6a).
pub fn break_glass_roles(conn: &mut DbConn, id: Uuid) -> Result<Vec<hcrm_domain::Role>, DbError> {
    Ok(get(conn, &Scope::Group, id)?.break_glass_roles)
}

/// Institution `id`'s time zone (IANA name).
pub fn time_zone_of(conn: &mut DbConn, id: Uuid) -> Result<String, DbError> {
    Ok(institutions::table
        .find(InstitutionId::from(id))
        .select(institutions::time_zone)
        .first(conn)?)
}

/// Today in institution `id`'s time zone.
pub fn today_of(conn: &mut DbConn, id: Uuid) -> Result<chrono::NaiveDate, DbError> {
    Ok(hcrm_domain::time::today_in(&time_zone_of(conn, id)?))
}

/// Today in every institution's time zone, for the dates of records of several.
#[derive(Debug, Clone)]
pub struct Todays {
    by_institution: std::collections::HashMap<Uuid, chrono::NaiveDate>,
    home: chrono::NaiveDate,
}

impl Todays {
    /// Today where institution `id` is (the group's home zone for an unknown one).
    pub fn of(&self, id: Uuid) -> chrono::NaiveDate {
        self.by_institution.get(&id).copied().unwrap_or(self.home)
    }

    /// Today for a list over `scope`: the date its institutions share. When their zones
    /// disagree on the date (a few hours a day, for a group-wide user of hospitals in zones
    /// hours apart), the group's home date — each record still reports its own `overdue`.
    pub fn date_for(&self, scope: &Scope) -> chrono::NaiveDate {
        let mut dates = self
            .by_institution
            .iter()
            .filter(|(id, _)| scope.allows(**id))
            .map(|(_, d)| *d);
        match dates.next() {
            Some(first) if dates.all(|d| d == first) => first,
            _ => self.home,
        }
    }
}

/// Today in each institution's time zone.
pub fn todays(conn: &mut DbConn) -> Result<Todays, DbError> {
    let zones: Vec<(InstitutionId, String)> = institutions::table
        .select((institutions::id, institutions::time_zone))
        .load(conn)?;
    let by_institution = zones
        .into_iter()
        .map(|(id, zone)| (id.0, hcrm_domain::time::today_in(&zone)))
        .collect();
    Ok(Todays {
        by_institution,
        home: hcrm_domain::time::today_at_home(),
    })
}
