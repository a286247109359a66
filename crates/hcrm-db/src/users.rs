//! ORG-4: staff users with their roles and institutions.

use std::collections::HashMap;

use diesel::prelude::*;
use hcrm_domain::api::org::{InstitutionRef, User, UserCreate, UserUpdate};
use hcrm_domain::{Role, Scope};
use uuid::Uuid;

use crate::conn::{Db, DbConn};
use crate::error::DbError;
use crate::ids::{DepartmentId, InstitutionId, UserId};
use crate::kit::{bump_version, counted_page, decode, scope_ids, versioned_update};
use crate::schema::{institutions, user_institutions, user_roles, users};
use crate::util::{ListWindow, like_pattern, lower, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
struct Row {
    id: UserId,
    username: String,
    display_name: String,
    phone: Option<String>,
    password_hash: String,
    group_wide: bool,
    supervisor_id: Option<UserId>,
    department_id: Option<DepartmentId>,
    active: bool,
    version: i32,
    last_login_at: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    totp_secret: Option<String>,
    totp_enabled: bool,
    totp_last_step: Option<i64>,
}

/// What sign-in and every authenticated request need to know about a user.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    /// X-6c: two-factor sign-in is on for this user.
    pub totp_enabled: bool,
    pub roles: Vec<Role>,
    pub group_wide: bool,
    pub institution_ids: Vec<Uuid>,
}

impl Principal {
    pub fn scope(&self) -> Scope {
        if self.group_wide {
            Scope::Group
        } else {
            Scope::Institutions(self.institution_ids.clone())
        }
    }
}

fn roles_of(conn: &mut DbConn, ids: &[UserId]) -> Result<HashMap<UserId, Vec<Role>>, DbError> {
    let rows: Vec<(UserId, String)> = user_roles::table
        .filter(user_roles::user_id.eq_any(ids))
        .order((user_roles::user_id, user_roles::role))
        .load(conn)?;
    let mut out: HashMap<UserId, Vec<Role>> = HashMap::new();
    for (user, code) in rows {
        let role: Role = decode(&code)?;
        out.entry(user).or_default().push(role);
    }
    Ok(out)
}

fn institutions_of(
    conn: &mut DbConn,
    ids: &[UserId],
) -> Result<HashMap<UserId, Vec<InstitutionRef>>, DbError> {
    let rows: Vec<(UserId, InstitutionId, String, String)> = user_institutions::table
        .inner_join(institutions::table)
        .filter(user_institutions::user_id.eq_any(ids))
        .order((user_institutions::user_id, institutions::code))
        .select((
            user_institutions::user_id,
            institutions::id,
            institutions::code,
            institutions::name,
        ))
        .load(conn)?;
    let mut out: HashMap<UserId, Vec<InstitutionRef>> = HashMap::new();
    for (user, id, code, name) in rows {
        out.entry(user).or_default().push(InstitutionRef {
            id: id.0,
            code,
            name,
        });
    }
    Ok(out)
}

fn to_dtos(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<User>, DbError> {
    let ids: Vec<UserId> = rows.iter().map(|r| r.id).collect();
    let mut roles = roles_of(conn, &ids)?;
    let mut insts = institutions_of(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            Ok(User {
                id: r.id.0,
                roles: roles.remove(&r.id).unwrap_or_default(),
                institutions: insts.remove(&r.id).unwrap_or_default(),
                username: r.username,
                display_name: r.display_name,
                phone: r.phone,
                group_wide: r.group_wide,
                supervisor_id: r.supervisor_id.map(Uuid::from),
                department_id: r.department_id.map(Uuid::from),
                active: r.active,
                version: r.version,
                last_login_at: r.last_login_at.map(utc),
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Fragment of the username or display name.
    pub q: Option<String>,
    pub role: Option<Role>,
    pub institution_id: Option<Uuid>,
    pub active: Option<bool>,
}

fn filtered<'a>(scope: &Scope, f: &'a Filter) -> users::BoxedQuery<'a, Db> {
    let mut q = users::table.into_boxed();
    // A user is in scope through a membership in one of the scope's institutions.
    if let Some(ids) = scope_ids(scope) {
        q = q.filter(
            users::id.eq_any(
                user_institutions::table
                    .filter(user_institutions::institution_id.eq_any(ids))
                    .select(user_institutions::user_id),
            ),
        );
    }
    if let Some(inst) = f.institution_id {
        q = q.filter(
            users::id.eq_any(
                user_institutions::table
                    .filter(user_institutions::institution_id.eq(InstitutionId::from(inst)))
                    .select(user_institutions::user_id),
            ),
        );
    }
    if let Some(role) = f.role {
        q = q.filter(
            users::id.eq_any(
                user_roles::table
                    .filter(user_roles::role.eq(role.code()))
                    .select(user_roles::user_id),
            ),
        );
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = like_pattern(text.trim());
        q = q.filter(
            lower(users::username)
                .like(p.clone())
                .escape('\\')
                .or(lower(users::display_name).like(p).escape('\\')),
        );
    }
    if let Some(active) = f.active {
        q = q.filter(users::active.eq(active));
    }
    q
}

pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &Filter,
    window: ListWindow,
) -> Result<(Vec<User>, i64), DbError> {
    let (rows, total) = counted_page!(
        conn,
        filtered(scope, f),
        |q| q.order(users::username.asc()),
        Row,
        window
    );
    Ok((to_dtos(conn, rows)?, total))
}

/// Whether a user with these scope facts is visible in `scope`: group-wide users only to the
/// group, others when one of their institutions is in scope.
fn visible(scope: &Scope, user: &User) -> bool {
    match scope {
        Scope::Group => true,
        Scope::Institutions(_) => {
            !user.group_wide && user.institutions.iter().any(|i| scope.allows(i.id))
        }
    }
}

pub fn get(conn: &mut DbConn, scope: &Scope, id: Uuid) -> Result<User, DbError> {
    let row = users::table
        .find(UserId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)?;
    let user = to_dtos(conn, vec![row])?.pop().ok_or(DbError::NotFound)?;
    if visible(scope, &user) {
        Ok(user)
    } else {
        Err(DbError::NotFound)
    }
}

pub fn count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(users::table.count().get_result(conn)?)
}

/// The id and password hash of an active or inactive user, for sign-in.
pub fn credentials(
    conn: &mut DbConn,
    username: &str,
) -> Result<Option<(Uuid, String, bool)>, DbError> {
    let found: Option<(UserId, String, bool)> = users::table
        .filter(users::username.eq(username))
        .select((users::id, users::password_hash, users::active))
        .first(conn)
        .optional()?;
    Ok(found.map(|(id, hash, active)| (id.0, hash, active)))
}

/// The roles of user `id`.
pub fn roles(conn: &mut DbConn, id: Uuid) -> Result<Vec<Role>, DbError> {
    let id = UserId::from(id);
    Ok(roles_of(conn, std::slice::from_ref(&id))?
        .remove(&id)
        .unwrap_or_default())
}

pub fn principal(conn: &mut DbConn, id: Uuid) -> Result<Principal, DbError> {
    let row = users::table
        .find(UserId::from(id))
        .select(Row::as_select())
        .first::<Row>(conn)?;
    let roles = roles_of(conn, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let institution_ids: Vec<Uuid> = user_institutions::table
        .filter(user_institutions::user_id.eq(row.id))
        .select(user_institutions::institution_id)
        .load::<InstitutionId>(conn)?
        .into_iter()
        .map(Uuid::from)
        .collect();
    Ok(Principal {
        id: row.id.0,
        username: row.username,
        display_name: row.display_name,
        active: row.active,
        totp_enabled: row.totp_enabled,
        roles,
        group_wide: row.group_wide,
        institution_ids,
    })
}

/// Display names of users by id (the account managers a customer record names).
pub fn display_names(
    conn: &mut DbConn,
    ids: &[crate::ids::UserId],
) -> Result<std::collections::HashMap<crate::ids::UserId, String>, DbError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(crate::ids::UserId, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn record_login(conn: &mut DbConn, id: Uuid) -> Result<(), DbError> {
    diesel::update(users::table.find(UserId::from(id)))
        .set(users::last_login_at.eq(Some(now())))
        .execute(conn)?;
    Ok(())
}

fn set_roles(conn: &mut DbConn, user_id: UserId, roles: &[Role]) -> Result<(), DbError> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user_id))).execute(conn)?;
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    for role in roles {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(user_id),
                user_roles::role.eq(role.code()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn set_institutions(conn: &mut DbConn, user_id: UserId, ids: &[Uuid]) -> Result<(), DbError> {
    diesel::delete(user_institutions::table.filter(user_institutions::user_id.eq(user_id)))
        .execute(conn)?;
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    for inst in ids {
        diesel::insert_into(user_institutions::table)
            .values((
                user_institutions::user_id.eq(user_id),
                user_institutions::institution_id.eq(InstitutionId::from(inst)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a user; run inside a write transaction. The caller validated scope and references.
pub fn create(conn: &mut DbConn, c: &UserCreate, password_hash: String) -> Result<User, DbError> {
    let t = now();
    let row = Row {
        id: UserId::new(),
        username: c.username.clone(),
        display_name: c.display_name.trim().to_string(),
        phone: c
            .phone
            .as_deref()
            .map(hcrm_domain::validation::normalize_mobile),
        password_hash,
        group_wide: c.group_wide,
        supervisor_id: c.supervisor_id.map(UserId::from),
        department_id: c.department_id.map(DepartmentId::from),
        active: true,
        version: 1,
        last_login_at: None,
        created_at: t,
        updated_at: t,
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)?;
    set_roles(conn, row.id, &c.roles)?;
    set_institutions(conn, row.id, &c.institution_ids)?;
    get(conn, &Scope::Group, row.id.0)
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct Changes {
    display_name: Option<String>,
    password_hash: Option<String>,
    phone: Option<Option<String>>,
    group_wide: Option<bool>,
    supervisor_id: Option<Option<UserId>>,
    department_id: Option<Option<DepartmentId>>,
    active: Option<bool>,
    updated_at: chrono::NaiveDateTime,
}

/// Applies `u` at `expected_version`; run inside a write transaction.
pub fn update(
    conn: &mut DbConn,
    scope: &Scope,
    id: Uuid,
    expected_version: i32,
    u: &UserUpdate,
    password_hash: Option<String>,
) -> Result<(User, User), DbError> {
    let before = versioned_update(
        conn,
        expected_version,
        |c| get(c, scope, id),
        |r| r.version,
        |conn, _| {
            let changes = Changes {
                display_name: u.display_name.as_ref().map(|s| s.trim().to_string()),
                password_hash,
                phone: u
                    .phone
                    .as_ref()
                    .map(|p| p.as_deref().map(hcrm_domain::validation::normalize_mobile)),
                group_wide: u.group_wide,
                supervisor_id: u.supervisor_id.map(|s| s.map(UserId::from)),
                department_id: u.department_id.map(|s| s.map(DepartmentId::from)),
                active: u.active,
                updated_at: now(),
            };
            bump_version!(conn, users, UserId::from(id), expected_version, changes)
        },
    )?;
    let key = UserId::from(id);
    if let Some(roles) = &u.roles {
        set_roles(conn, key, roles)?;
    }
    if let Some(ids) = &u.institution_ids {
        set_institutions(conn, key, ids)?;
    }
    let after = get(conn, &Scope::Group, id)?;
    Ok((before, after))
}

/// X-6c: the TOTP state of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totp {
    pub secret: Option<String>,
    pub enabled: bool,
    pub last_step: Option<i64>,
}

pub fn totp(conn: &mut DbConn, id: Uuid) -> Result<Totp, DbError> {
    let (secret, enabled, last_step) = users::table
        .find(UserId::from(id))
        .select((
            users::totp_secret,
            users::totp_enabled,
            users::totp_last_step,
        ))
        .first(conn)?;
    Ok(Totp {
        secret,
        enabled,
        last_step,
    })
}

/// Stores a new (not yet confirmed) secret; two-factor stays as it was until confirmed.
pub fn set_totp_secret(
    conn: &mut DbConn,
    id: Uuid,
    secret: Option<&str>,
    enabled: bool,
) -> Result<(), DbError> {
    diesel::update(users::table.find(UserId::from(id)))
        .set((
            users::totp_secret.eq(secret),
            users::totp_enabled.eq(enabled),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that the code of `step` was used, if no later or equal step was; false when the
/// code was already used (replay).
pub fn use_totp_step(conn: &mut DbConn, id: Uuid, step: i64) -> Result<bool, DbError> {
    let n = diesel::update(
        users::table.find(UserId::from(id)).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(Some(step)))
    .execute(conn)?;
    Ok(n == 1)
}
