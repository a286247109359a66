//! Creating staff users outside the API: the first admin, `hcrm user create`, demo staff.

use hcrm_db::{DbConn, audit, institutions, users};
use hcrm_domain::Role;
use hcrm_domain::api::org::{User, UserCreate, scope_problem};
use hcrm_domain::validation::nfc;
use validator::Validate;

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub roles: Vec<Role>,
    pub institution_codes: Vec<String>,
    pub group_wide: bool,
    pub phone: Option<String>,
}

/// Validates like the API does, hashes the password and creates the user with an audit entry
/// by the system.
pub fn create(conn: &mut DbConn, n: NewUser<'_>) -> Result<User, String> {
    let mut institution_ids = Vec::new();
    for code in &n.institution_codes {
        let inst = institutions::find_by_code(conn, code)
            .map_err(|_| format!("no institution with code {code}"))?;
        institution_ids.push(inst.id);
    }
    // NFC as every API body gets (issue 7 item 11): the password too, so that signing in
    // through the API, which composes it, finds the same hash.
    let c = UserCreate {
        username: n.username.to_string(),
        display_name: nfc(n.display_name).into_owned(),
        password: nfc(n.password).into_owned(),
        phone: n.phone,
        roles: n.roles,
        institution_ids,
        group_wide: n.group_wide,
        supervisor_id: None,
        department_id: None,
    };
    c.validate().map_err(|e| e.to_string())?;
    if let Some((field, message)) = scope_problem(&c.roles, c.group_wide, c.institution_ids.len()) {
        return Err(format!("{field}: {message}"));
    }
    let hash = hcrm_api::auth::password::hash(&c.password).map_err(|e| e.to_string())?;
    hcrm_db::write_transaction(conn, |conn| {
        let user = users::create(conn, &c, hash)?;
        audit::record(
            conn,
            audit::Entry {
                actor_username: Some("system".into()),
                ..audit::Entry::created(&user)
            },
        )?;
        Ok::<_, hcrm_db::DbError>(user)
    })
    .map_err(|e| match e {
        hcrm_db::DbError::Duplicate(_) => format!("username {} is taken", n.username),
        other => other.to_string(),
    })
}

/// On a database with no users, creates `admin` (group-wide) with `password`.
pub fn bootstrap_admin(conn: &mut DbConn, password: Option<&str>) -> Result<(), String> {
    if users::count(conn).map_err(|e| e.to_string())? > 0 {
        return Ok(());
    }
    let Some(password) = password else {
        log::warn!(
            "no users yet: set HCRM_ADMIN_PASSWORD to create `admin`, or run `hcrm user create`"
        );
        return Ok(());
    };
    create(
        conn,
        NewUser {
            username: "admin",
            display_name: "系统管理员",
            password,
            roles: vec![Role::Admin],
            institution_codes: vec![],
            group_wide: true,
            phone: None,
        },
    )?;
    log::info!("created user `admin` (group-wide administrator)");
    Ok(())
}
