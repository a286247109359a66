//! ORG-2: departments (科室) of one institution.

use diesel::prelude::*;
use hcrm_domain::Scope;
use hcrm_domain::api::org::{Department, DepartmentCreate, DepartmentUpdate};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{DepartmentId, InstitutionId};
use crate::kit::{InScope, bump_version, counted_page, versioned_update};
use crate::schema::departments;
use crate::util::{ListWindow, like_pattern, lower, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = departments)]
struct Row {
    id: DepartmentId,
    institution_id: InstitutionId,
    name: String,
    code: Option<String>,
    phone: Option<String>,
    active: bool,
    version: i32,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

impl Row {
    fn into_dto(self) -> Result<Department, DbError> {
        Ok(Department {
            id: self.id.0,
            institution_id: self.institution_id.0,
            name: self.name,
            code: self.code,
            phone: self.phone,
            active: self.active,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub institution_id: Option<Uuid>,
    /// Fragment of the name or code.
    pub q: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    CreatedAt,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> departments::BoxedQuery<'a, Db> {
    let mut q = departments::table.into_boxed();
    q = q.in_scope(departments::institution_id, scope);
    if let Some(inst) = f.institution_id {
        q = q.filter(departments::institution_id.eq(InstitutionId::from(inst)));
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = like_pattern(text.trim());
        q = q.filter(
            lower(departments::name)
                .like(p.clone())
                .escape('\\')
                .or(lower(departments::code.assume_not_null())
                    .like(p)
                    .escape('\\')),
        );
    }
    if let Some(active) = f.active {
        q = q.filter(departments::active.eq(active));
    }
    q
}

pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    descending: bool,
    window: ListWindow,
) -> Result<(Vec<Department>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| match (sort, descending) {
            (Sort::Name, false) => q.order((departments::name.asc(), departments::id.asc())),
            (Sort::Name, true) => q.order((departments::name.desc(), departments::id.asc())),
            (Sort::CreatedAt, false) => q.order(departments::id.asc()),
            (Sort::CreatedAt, true) => q.order(departments::id.desc()),
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

/// One department; `NotFound` when its institution is outside `scope`.
pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<Department, DbError> {
    let d = departments::table
        .find(DepartmentId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)?
        .into_dto()?;
    if scope.allows(d.institution_id) {
        Ok(d)
    } else {
        Err(DbError::NotFound)
    }
}

/// Creates a department; the caller has checked that its institution is in scope.
pub fn create(conn: &mut DbConn, c: &DepartmentCreate) -> Result<Department, DbError> {
    let t = now();
    let row = Row {
        id: DepartmentId::new(),
        institution_id: c.institution_id.into(),
        name: c.name.trim().to_string(),
        code: c.code.clone(),
        phone: c.phone.clone(),
        active: true,
        version: 1,
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(departments::table)
        .values(&row)
        .execute(conn)?;
    row.into_dto()
}

#[derive(AsChangeset)]
#[diesel(table_name = departments)]
struct Changes {
    name: Option<String>,
    code: Option<Option<String>>,
    phone: Option<Option<String>>,
    active: Option<bool>,
    updated_at: chrono::NaiveDateTime,
}

pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    u: &DepartmentUpdate,
) -> Result<(Department, Department), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, _| {
            let changes = Changes {
                name: u.name.as_ref().map(|s| s.trim().to_string()),
                code: u.code.clone(),
                phone: u.phone.clone(),
                active: u.active,
                updated_at: now(),
            };
            bump_version!(
                conn,
                departments,
                DepartmentId::from(id),
                expected_version,
                changes
            )
        },
    )?;
    let after = get(conn, scope, id)?;
    Ok((before, after))
}
