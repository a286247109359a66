//! Both migration sets create the same tables with the columns the one schema expects: every
//! table is written and read back through the typed queries on each backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use hcrm_db::testing::{TestDb, backends};
use hcrm_db::{
    DbConn, DbError, ListWindow, audit, auth, departments, doctors, institutions, users,
};
use hcrm_domain::api::org::{
    DepartmentCreate, DoctorCreate, HalfDay, InstitutionCreate, ScheduleSlot, UserCreate,
};
use hcrm_domain::{Role, Scope};

const TABLES: [&str; 28] = [
    "api_keys",
    "audit_events",
    "break_glass_grants",
    "contacts",
    "customer_categories",
    "customer_contracts",
    "customer_external_ids",
    "customer_medical",
    "customer_phones",
    "customer_private_notes",
    "customer_profiles",
    "customer_relations",
    "customer_stage_history",
    "customer_tags",
    "customers",
    "departments",
    "doctor_schedules",
    "doctors",
    "idempotency_keys",
    "institutions",
    "login_attempts",
    "refresh_tokens",
    "settings",
    "tasks",
    "user_institutions",
    "user_roles",
    "users",
    "write_lock",
];

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

fn table_names(conn: &mut DbConn) -> Vec<String> {
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name"
        }
        DbConn::Postgresql(_) => {
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' ORDER BY name"
        }
    };
    let rows: Vec<Name> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c).unwrap(),
        DbConn::Postgresql(c) => diesel::sql_query(sql).load(c).unwrap(),
    };
    rows.into_iter().map(|n| n.name).collect()
}

#[test]
fn every_table_round_trips_on_every_backend() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let mut conn = db.pool().get().unwrap();
        assert_eq!(table_names(&mut conn), TABLES, "{backend}");

        let inst = institutions::create(
            &mut conn,
            &InstitutionCreate {
                code: "BJ01".into(),
                name: "北京和睦医院".into(),
                city: "北京".into(),
                local: true,
                time_zone: None,
                address: Some("朝阳区".into()),
                hotline: Some("010-65432100".into()),
            },
        )
        .unwrap();
        let dept = departments::create(
            &mut conn,
            &DepartmentCreate {
                institution_id: inst.id,
                name: "心内科".into(),
                code: Some("CARD".into()),
                phone: None,
            },
        )
        .unwrap();
        let doctor_id = doctors::create(
            &mut conn,
            inst.id,
            &DoctorCreate {
                department_id: dept.id,
                name: "李建国".into(),
                title: "主任医师".into(),
                specialties: vec!["冠心病".into()],
                schedule: vec![ScheduleSlot {
                    weekday: None,
                    date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
                    half_day: HalfDay::Evening,
                    capacity: 5,
                }],
            },
        )
        .unwrap();
        let doctor = doctors::get(&mut conn, &Scope::Group, doctor_id).unwrap();
        assert_eq!(doctor.schedule[0].half_day, HalfDay::Evening);
        let user = hcrm_db::write_transaction(&mut conn, |c| {
            users::create(
                c,
                &UserCreate {
                    username: "zhang.min".into(),
                    display_name: "张敏".into(),
                    password: "unused1234".into(),
                    phone: Some("+86 138 1234 5678".into()),
                    roles: vec![Role::Agent, Role::FollowUpAgent],
                    institution_ids: vec![inst.id],
                    group_wide: false,
                    supervisor_id: None,
                    department_id: Some(dept.id),
                },
                "hash".into(),
            )
        })
        .unwrap();
        assert_eq!(user.phone.as_deref(), Some("13812345678"));
        assert_eq!(user.institutions[0].code, "BJ01");
        auth::insert_refresh(&mut conn, user.id, "fam", "h1".into(), hcrm_db::now()).unwrap();
        let token = auth::find_refresh(&mut conn, "h1").unwrap().unwrap();
        assert!(auth::consume_refresh(&mut conn, &token.id).unwrap());
        assert!(!auth::consume_refresh(&mut conn, &token.id).unwrap());
        let limits = auth::Limits {
            window_secs: 900,
            per_username: 1,
            per_address: 10,
        };
        let first = auth::reserve_attempt(&mut conn, "zhang.min", Some("127.0.0.1"), limits);
        assert!(matches!(first.unwrap(), auth::Reservation::Reserved(_)));
        let second = auth::reserve_attempt(&mut conn, "zhang.min", Some("127.0.0.1"), limits);
        assert!(matches!(
            second.unwrap(),
            auth::Reservation::Throttled { .. }
        ));
        let since = hcrm_db::now() - chrono::Duration::minutes(15);
        assert_eq!(
            auth::recent_failures(&mut conn, "zhang.min", since)
                .unwrap()
                .len(),
            1
        );
        audit::record(
            &mut conn,
            audit::Entry::of(
                audit::Action::Create,
                "user",
                None,
                None,
                serde_json::json!({"a": 1}),
            ),
        )
        .unwrap();
        let (events, total) = audit::list(
            &mut conn,
            &Scope::Group,
            &audit::Filter::default(),
            ListWindow {
                limit: 10,
                offset: 0,
            },
        )
        .unwrap();
        assert_eq!((total, events[0].changes["a"].as_i64()), (1, Some(1)));

        // the audit trail refuses changes on both backends.
        let r = diesel::update(hcrm_db::schema::audit_events::table)
            .set(hcrm_db::schema::audit_events::action.eq("tampered"))
            .execute(&mut conn);
        assert!(r.is_err(), "{backend}: audit update must fail");
        let r = diesel::delete(hcrm_db::schema::audit_events::table).execute(&mut conn);
        assert!(r.is_err(), "{backend}: audit delete must fail");

        // Scope: another institution's user sees none of these.
        let other = Scope::Institutions(vec![uuid::Uuid::now_v7()]);
        assert!(matches!(
            users::get(&mut conn, &other, user.id),
            Err(DbError::NotFound)
        ));
        assert!(matches!(
            doctors::get(&mut conn, &other, doctor_id),
            Err(DbError::NotFound)
        ));
        assert!(matches!(
            departments::get(&mut conn, &other, dept.id),
            Err(DbError::NotFound)
        ));
        assert!(matches!(
            institutions::get(&mut conn, &other, inst.id),
            Err(DbError::NotFound)
        ));
    }
}
