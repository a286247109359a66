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

const TABLES: [&str; 62] = [
    "api_keys",
    "appointments",
    "audit_events",
    "break_glass_grants",
    "calendar_days",
    "calendar_settings",
    "calendar_years",
    "clinic_resources",
    "clinic_sessions",
    "complaint_attachment_contents",
    "complaint_attachments",
    "complaint_clocks",
    "complaint_counters",
    "complaint_escalations",
    "complaint_follow_up_wishes",
    "complaint_history",
    "complaint_improvements",
    "complaint_involved",
    "complaint_refunds",
    "complaint_responsibilities",
    "complaints",
    "consultations",
    "contacts",
    "customer_categories",
    "customer_contracts",
    "customer_external_ids",
    "customer_medical",
    "customer_phones",
    "customer_private_notes",
    "customer_profiles",
    "customer_relations",
    "customer_search_keys",
    "customer_stage_history",
    "customer_tags",
    "customers",
    "departments",
    "doctor_schedules",
    "doctors",
    "domain_events",
    "idempotency_keys",
    "institutions",
    "integration_batches",
    "login_attempts",
    "notifications",
    "refresh_tokens",
    "resource_schedules",
    "schedule_exceptions",
    "service_times",
    "settings",
    "task_in_visit",
    "tasks",
    "user_institutions",
    "user_roles",
    "users",
    "visit_charges",
    "visits",
    "waitlist_entries",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_subscription_events",
    "webhook_subscriptions",
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
        // Issue 10: a notification made, listed, counted and read, for its user only.
        {
            use hcrm_db::notifications as n;
            use hcrm_domain::api::notifications::NotificationKind;
            let what = n::NewNotification {
                institution_id: inst.id,
                kind: NotificationKind::ComplaintBreach,
                title_zh: "投诉已超时".into(),
                title_en: "Complaint breached".into(),
                source_type: Some("complaint".into()),
                source_id: Some(uuid::Uuid::now_v7().to_string()),
            };
            let to = [hcrm_db::ids::UserId::from(user.id)];
            assert_eq!(
                n::notify(&mut conn, &to, &what, chrono::Utc::now()).unwrap(),
                1
            );
            assert_eq!(n::unread_count(&mut conn, user.id).unwrap(), 1);
            let window = ListWindow {
                limit: 10,
                offset: 0,
            };
            let (items, total) = n::list(&mut conn, user.id, Some(true), window).unwrap();
            assert_eq!(total, 1);
            assert_eq!(items[0].kind, NotificationKind::ComplaintBreach);
            assert_eq!(items[0].title_zh, "投诉已超时");
            let other = uuid::Uuid::now_v7();
            assert!(matches!(
                n::mark_read(&mut conn, other, items[0].id, chrono::Utc::now()),
                Err(DbError::NotFound)
            ));
            let read = n::mark_read(&mut conn, user.id, items[0].id, chrono::Utc::now()).unwrap();
            assert!(read.read_at.is_some(), "{backend}");
            assert_eq!(n::unread_count(&mut conn, user.id).unwrap(), 0);
            assert_eq!(
                n::mark_all_read(&mut conn, user.id, chrono::Utc::now()).unwrap(),
                0
            );
        }
        assert_eq!(user.institutions[0].code, "BJ01");
        auth::insert_refresh(&mut conn, user.id, "fam", "h1".into(), hcrm_db::now()).unwrap();
        let token = auth::find_refresh(&mut conn, "h1").unwrap().unwrap();
        assert!(auth::consume_refresh(&mut conn, token.id).unwrap());
        assert!(!auth::consume_refresh(&mut conn, token.id).unwrap());
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
            .execute(&mut **conn);
        assert!(r.is_err(), "{backend}: audit update must fail");
        let r = diesel::delete(hcrm_db::schema::audit_events::table).execute(&mut **conn);
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

#[derive(QueryableByName, Debug)]
struct Reference {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
}

/// The columns of the database that reference `customers`, read from its foreign keys.
fn references_to_customers(conn: &mut DbConn) -> Vec<(String, String)> {
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "SELECT m.name AS table_name, p.\"from\" AS column_name FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table' AND p.\"table\" = 'customers'"
        }
        DbConn::Postgresql(_) => {
            "SELECT cl.relname::text AS table_name, att.attname::text AS column_name \
             FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid \
             JOIN pg_class ref ON ref.oid = con.confrelid \
             JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY (con.conkey) \
             WHERE con.contype = 'f' AND ref.relname = 'customers'"
        }
    };
    let mut found: Vec<(String, String)> = diesel::sql_query(sql)
        .load::<Reference>(conn)
        .unwrap()
        .into_iter()
        .map(|r| (r.table_name, r.column_name))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Issue 8 item 3 (CUS-10): every column that references a customer belongs to a module of
/// the merge registry, so that a merge moves (or deliberately keeps) its rows; a new module's
/// table that is not registered fails here, on both backends.
#[test]
fn every_reference_to_a_customer_is_in_the_merge_registry() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let mut conn = db.pool().get().unwrap();
        let in_database = references_to_customers(&mut conn);
        assert!(in_database.len() >= 18, "{backend}: {in_database:?}");
        let mut registered: Vec<(String, String)> = hcrm_db::merge::MODULES
            .iter()
            .flat_map(|m| m.references)
            .map(|r| (r.table.to_string(), r.column.to_string()))
            .collect();
        registered.sort();
        registered.dedup();
        let missing: Vec<_> = in_database
            .iter()
            .filter(|r| !registered.contains(r))
            .collect();
        assert!(
            missing.is_empty(),
            "{backend}: not in the merge registry: {missing:?}"
        );
        let stale: Vec<_> = registered
            .iter()
            .filter(|r| !in_database.contains(r))
            .collect();
        assert!(
            stale.is_empty(),
            "{backend}: registered but no such reference: {stale:?}"
        );
    }
}

/// Issue 9 item 7: the migration `2026-12-06-000030_coded_preferences` maps the words stored
/// before to codes on both backends (run here again over rows written with the old words; the
/// statements only map, so a second run is what the first did to older data).
#[test]
fn old_preference_words_become_codes() {
    use hcrm_domain::api::customers::CustomerCreate;
    for backend in backends() {
        let db = TestDb::new(backend);
        let mut conn = db.pool().get().unwrap();
        let inst = institutions::create(
            &mut conn,
            &InstitutionCreate {
                code: "BJ01".into(),
                name: "北京和睦医院".into(),
                city: "北京".into(),
                local: true,
                time_zone: None,
                address: None,
                hotline: None,
            },
        )
        .unwrap();
        // (education, marital status, language, channel) as typed before → as coded after.
        let rows = [
            (
                ["本科", "已婚", "中文", "微信"],
                [
                    Some("bachelor"),
                    Some("married"),
                    Some("zh"),
                    Some("wechat"),
                ],
            ),
            (
                ["高中", "离异", "粤语", "电话"],
                [
                    Some("senior_high"),
                    Some("divorced"),
                    Some("yue"),
                    Some("phone"),
                ],
            ),
            (
                ["master", "single", "en", "email"],
                [Some("master"), Some("single"), Some("en"), Some("email")],
            ),
            (
                ["自学成才", "保密", "手语", "飞鸽传书"],
                [Some("other"), Some("other"), Some("other"), None],
            ),
            (["", " ", "", ""], [None, None, None, None]),
        ];
        let mut ids = Vec::new();
        for (old, _) in &rows {
            let x: CustomerCreate =
                serde_json::from_value(serde_json::json!({"kind": "individual", "name": "王芳"}))
                    .unwrap();
            let id = hcrm_db::customers::create(&mut conn, &x, inst.id, "王女士".into(), inst.id)
                .unwrap();
            let sql = format!(
                "UPDATE customer_profiles SET education = '{}', marital_status = '{}', \
                 preferred_language = '{}', preferred_channel = '{}' WHERE customer_id = '{id}'",
                old[0], old[1], old[2], old[3]
            );
            diesel::sql_query(sql).execute(&mut **conn).unwrap();
            ids.push(id);
        }
        let up =
            include_str!("../../../migrations/sqlite/2026-12-06-000030_coded_preferences/up.sql");
        assert_eq!(
            up,
            include_str!("../../../migrations/postgres/2026-12-06-000030_coded_preferences/up.sql")
        );
        let statements: String = up
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for statement in statements.split(';').filter(|s| !s.trim().is_empty()) {
            diesel::sql_query(statement).execute(&mut **conn).unwrap();
        }
        for ((_, coded), id) in rows.iter().zip(&ids) {
            let c = hcrm_db::customers::get(&mut conn, &Scope::Group, *id).unwrap();
            let got = [
                c.education.map(|v| v.code()),
                c.marital_status.map(|v| v.code()),
                c.preferred_language.map(|v| v.code()),
                c.preferred_channel.map(|v| v.code()),
            ];
            assert_eq!(&got, coded, "{backend}");
        }
    }
}
