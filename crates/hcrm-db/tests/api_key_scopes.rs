//! X-3 (issue 12): API keys stored before scopes named permission codes; the migration maps
//! each key's stored permissions onto the scopes that grant them, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use hcrm_db::testing::{TestDb, backends, redo_migration};
use hcrm_db::{DbConn, api_keys, users};
use hcrm_domain::api::org::UserCreate;
use hcrm_domain::{ApiScope, Role};

fn set_scopes(conn: &mut DbConn, id: uuid::Uuid, text: &str) {
    let sql = format!("UPDATE api_keys SET scopes = '{text}' WHERE id = '{id}'");
    let n = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).execute(c).unwrap(),
        DbConn::Postgresql(c) => diesel::sql_query(sql).execute(c).unwrap(),
    };
    assert_eq!(n, 1);
}

#[test]
fn stored_permission_lists_become_scopes() {
    use ApiScope::*;
    for backend in backends() {
        let db = TestDb::new(backend);
        let mut conn = db.pool().get().unwrap();
        let user = hcrm_db::write_transaction(&mut conn, |c| {
            users::create(
                c,
                &UserCreate {
                    username: "his.bj01".into(),
                    display_name: "HIS".into(),
                    password: "unused1234".into(),
                    phone: None,
                    roles: vec![Role::Integration],
                    institution_ids: vec![],
                    group_wide: true,
                    supervisor_id: None,
                    department_id: None,
                },
                "hash".into(),
            )
        })
        .unwrap();
        let key = |conn: &mut DbConn, name: &str| {
            api_keys::create(
                conn,
                api_keys::NewKey {
                    user_id: user.id,
                    name,
                    prefix: "hk_x",
                    key_hash: format!("hash-{name}"),
                    expires_at: None,
                    scopes: &[PatientsRead],
                    created_by: user.id,
                },
            )
            .unwrap()
            .id
        };
        let (full, read_only, none) = (
            key(&mut conn, "full"),
            key(&mut conn, "read"),
            key(&mut conn, "none"),
        );
        redo_migration(&mut conn, "2026-12-15-000400", |c| {
            // The old default: every permission of the integration role at the time.
            set_scopes(
                c,
                full,
                r#"["institution.read","department.read","customer.read","customer.write","service.read","service.write","follow_up.read","integration.write"]"#,
            );
            set_scopes(c, read_only, r#"["customer.read"]"#);
            set_scopes(c, none, "[]");
        })
        .unwrap();
        let scopes = |conn: &mut DbConn, id| api_keys::get(conn, id).unwrap().scopes;
        assert_eq!(
            scopes(&mut conn, full),
            vec![
                OrganisationRead,
                PatientsRead,
                PatientsWrite,
                VisitsRead,
                VisitsWrite,
                AppointmentsRead,
                AppointmentsWrite,
                FollowUpsRead,
                BatchesRead
            ],
            "{backend}"
        );
        assert_eq!(
            scopes(&mut conn, read_only),
            vec![PatientsRead],
            "{backend}"
        );
        assert_eq!(scopes(&mut conn, none), vec![], "{backend}");
        // The key still authenticates, with its mapped scopes.
        let used = api_keys::authenticate(&mut conn, "hash-read")
            .unwrap()
            .unwrap();
        assert_eq!(
            (used.name.as_str(), used.scopes),
            ("read", vec![PatientsRead])
        );
    }
}
