//! End-to-end tests of the `hcrm` binary (OPS-1, OPS-2, OPS-3, X-1): zero-config start,
//! commands, docs offline, the web app's routes, graceful shutdown — on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use hcrm_db::testing::{TestDb, backends};
use serde_json::json;
use support::{ADMIN_PASSWORD, Server, TempDir, run};

#[test]
fn zero_configuration_start_creates_sqlite_and_a_jwt_secret() {
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[]);
    assert!(
        dir.0.join("data/hcrm.db").is_file(),
        "default sqlite://data/hcrm.db"
    );
    let secret = std::fs::read_to_string(dir.0.join("data/jwt-secret")).unwrap();
    assert!(secret.trim().len() >= 32);
    assert!(
        server.log_text().contains("HCRM_JWT_SECRET is not set"),
        "warning logged"
    );
    assert!(
        !server.log_text().contains(secret.trim()),
        "the secret is never logged"
    );
    assert!(!server.log_text().contains(ADMIN_PASSWORD));
    assert_eq!(server.status("/healthz"), 200);
    let token = server.login("admin", ADMIN_PASSWORD);
    let status = server.terminate();
    assert!(status.success(), "graceful exit: {status}");

    // Restarted on the same folder: same secret, so the token still verifies; no new admin.
    let server = Server::start(&dir.0, &[]);
    let (status, me) = server.json("GET", "/api/v1/auth/me", Some(&token), None);
    assert_eq!((status, me["username"].as_str()), (200, Some("admin")));
}

#[test]
fn docs_work_offline_and_the_web_app_routes_fall_back_to_index() {
    let dir = TempDir::new();
    let web = dir.0.join("web");
    std::fs::create_dir_all(&web).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<!doctype html><title>HCRM test index</title>",
    )
    .unwrap();
    std::fs::write(web.join("app.js"), "console.log(1)").unwrap();
    let server = Server::start(&dir.0, &[("HCRM_WEB_DIR", web.to_str().unwrap())]);

    let (status, ct, html) = server.text("/docs/");
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"));
    // Every script and stylesheet of the viewer is served by us, none from a CDN.
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        assert!(html.contains(asset), "{asset} referenced");
        assert_eq!(
            server.status(&format!("/docs/{asset}")),
            200,
            "{asset} served"
        );
    }
    assert!(
        !html.contains("https://"),
        "no external references in /docs"
    );
    let (status, _, spec) = server.text("/api-docs/openapi.json");
    assert_eq!(status, 200);
    let committed =
        std::fs::read_to_string(support::workspace().join("openapi/openapi.json")).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&spec).unwrap(),
        serde_json::from_str::<serde_json::Value>(&committed).unwrap()
    );

    assert!(server.text("/").2.contains("HCRM test index"));
    assert!(
        server.text("/admin/users").2.contains("HCRM test index"),
        "client route falls back"
    );
    assert_eq!(server.text("/app.js").2, "console.log(1)");
    assert_eq!(
        server.status("/../Cargo.toml"),
        200,
        "path tricks get the index, not files"
    );
    assert!(!server.text("/%2e%2e/Cargo.toml").2.contains("[package]"));
    let (status, body) = server.json("GET", "/api/v1/unknown", None, None);
    assert_eq!(
        (status, body["type"].as_str()),
        (404, Some("/problems/not_found"))
    );
}

#[test]
fn commands_migrate_openapi_user_create_and_demo_on_every_backend() {
    for backend in backends() {
        let dir = TempDir::new();
        let db = TestDb::new(backend);
        let env = [("DATABASE_URL", db.url.as_str())];

        let out = run(&dir.0, &env, &["migrate"], "");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        let out = run(&dir.0, &env, &["openapi"], "");
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(printed["info"]["title"], "HCRM API");

        let out = run(&dir.0, &env, &["demo"], "");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("BJ01") && text.contains("agent.bj01"),
            "{text}"
        );
        let password_of = |user: &str| {
            text.lines()
                .find(|l| l.split_whitespace().next() == Some(user))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap()
                .to_string()
        };
        let agent_pw = password_of("agent.bj01");
        let director_pw = password_of("director");
        assert!(text.contains("Customers: "), "{text}");
        // SVC-2: sessions, appointments past and future, a waitlist, a rebooking queue.
        let appointments = text
            .lines()
            .find(|l| l.starts_with("Appointments: "))
            .unwrap_or_default();
        let counts: Vec<u64> = appointments
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        assert!(
            counts.len() >= 5 && counts.iter().all(|n| *n > 0),
            "{appointments}"
        );
        // A second run refuses rather than duplicating.
        assert!(!run(&dir.0, &env, &["demo"], "").status.success());

        let out = run(
            &dir.0,
            &env,
            &[
                "user",
                "create",
                "--username",
                "zhao.lei",
                "--role",
                "supervisor",
                "--institution",
                "SH01",
                "--password-stdin",
            ],
            "Sup3rvisor!\n",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bad = run(
            &dir.0,
            &env,
            &[
                "user",
                "create",
                "--username",
                "x1x",
                "--role",
                "wizard",
                "--institution",
                "SH01",
                "--password-stdin",
            ],
            "Passw0rd-x",
        );
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role"));

        let server = Server::start(&dir.0, &env);
        let sup = server.login("zhao.lei", "Sup3rvisor!");
        let (_, me) = server.json("GET", "/api/v1/auth/me", Some(&sup), None);
        assert_eq!(me["institutions"], json!([me["institutions"][0].clone()]));
        assert_eq!(me["institutions"][0]["code"], "SH01", "{backend}");
        let (_, doctors) = server.json("GET", "/api/v1/doctors?limit=1", Some(&sup), None);
        assert_eq!(doctors["total"], 14, "SH01's doctors only ({backend})");
        let agent = server.login("agent.bj01", &agent_pw);
        let (status, _) = server.json("GET", "/api/v1/users", Some(&agent), None);
        assert_eq!(status, 403);
        // The HIS client gets an API key, not a password (issue 7: least privilege).
        let his_key = password_of("his.bj01");
        assert!(his_key.starts_with("hk_"), "{his_key}");
        let (status, his_page) =
            server.json("GET", "/api/v1/customers?limit=1", Some(&his_key), None);
        assert_eq!(status, 200, "{his_page}");
        // OPS-2: about 2,000 customers over the three hospitals; the agent sees BJ01's only.
        let director = server.login("director", &director_pw);
        let (status, all) = server.json(
            "GET",
            "/api/v1/customers?limit=1&exact_total=true",
            Some(&director),
            None,
        );
        assert_eq!(status, 200, "{all}");
        let total = all["total"].as_i64().unwrap();
        assert!((1900..2500).contains(&total), "{total} ({backend})");
        let (_, orgs) = server.json(
            "GET",
            "/api/v1/customers?limit=1&kind=organization&exact_total=true",
            Some(&director),
            None,
        );
        assert!(orgs["total"].as_i64().unwrap() >= 10, "{orgs}");
        let (_, own) = server.json(
            "GET",
            "/api/v1/customers?limit=1&exact_total=true",
            Some(&agent),
            None,
        );
        let own = own["total"].as_i64().unwrap();
        assert!(own > 500 && own < total, "{own} of {total}");
        // Complaints (issue 10): a case in every state of the flow, some late (a breached
        // clock), some waiting on the patient; the statistics count them.
        assert!(text.contains("Complaints: "), "{text}");
        for state in [
            "received",
            "handed_over",
            "accepted",
            "investigating",
            "analysed",
            "proposed",
            "approved",
            "negotiating",
            "president_review",
            "expert_consultation",
            "agreement",
            "legal",
            "procedures",
            "archiving",
            "internal_handling",
            "improvement",
            "closed",
        ] {
            let (status, page) = server.json(
                "GET",
                &format!("/api/v1/complaints?limit=100&state={state}"),
                Some(&director),
                None,
            );
            assert_eq!(status, 200, "{page}");
            assert!(page["total"].as_i64().unwrap() >= 1, "{state} ({backend})");
        }
        let (_, late) = server.json(
            "GET",
            "/api/v1/complaints?limit=1&breached=true",
            Some(&director),
            None,
        );
        assert!(late["total"].as_i64().unwrap() >= 3, "{late}");
        let (_, open) = server.json(
            "GET",
            "/api/v1/complaints?limit=100&open=true",
            Some(&director),
            None,
        );
        assert!(
            open["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["waiting_on_patient"] == true),
            "{open}"
        );
        let today = chrono::Utc::now().date_naive();
        let (status, stats) = server.json(
            "GET",
            &format!(
                "/api/v1/complaints/statistics?from={}&to={}",
                today - chrono::Duration::days(60),
                today + chrono::Duration::days(1)
            ),
            Some(&director),
            None,
        );
        assert_eq!(status, 200, "{stats}");
        let summary = &stats["total"]["summary"];
        assert!(summary["received"].as_i64().unwrap() >= 20, "{summary}");
        assert!(
            summary["group_breached"].as_i64().unwrap() >= 1,
            "{summary}"
        );
        assert!(summary["refunds"].as_i64().unwrap() >= 1, "{summary}");
        assert!(
            summary["penalties"]["written_warning"].as_i64().unwrap() >= 1,
            "{summary}"
        );
        // The demo created staff, so no `admin` was bootstrapped over them.
        let (status, _) = server.json(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
        );
        assert_eq!(status, 401, "{backend}");
    }
}

/// A server on a fresh PostgreSQL database with `pool` connections, the database's name and
/// an administrator's connection to the test cluster (to cut the server off).
fn on_postgres(dir: &TempDir, pool: u32) -> (TestDb, String, Server, diesel::PgConnection) {
    use diesel::Connection;
    let db = TestDb::new("postgres");
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let admin_url = std::env::var("HCRM_TEST_DATABASE_URL").unwrap();
    let pool = pool.to_string();
    let server = Server::start(
        &dir.0,
        &[
            ("DATABASE_URL", db.url.as_str()),
            ("HCRM_DB_POOL", pool.as_str()),
        ],
    );
    let admin = diesel::PgConnection::establish(&admin_url).unwrap();
    (db, name, server, admin)
}

/// REL-2 / OPS-3: when PostgreSQL refuses connections `/readyz` reports 503 problem+json and
/// requests fail fast with 503; when it is back the server recovers by itself.
#[test]
fn database_outage_is_503_and_the_server_recovers() {
    if !backends().contains(&"postgres") {
        return; // needs a database server that can be made unreachable
    }
    use diesel::connection::SimpleConnection;
    let dir = TempDir::new();
    // Two connections, so that the concurrent requests below queue for them.
    let (_db, name, server, mut admin) = on_postgres(&dir, 2);
    let token = server.login("admin", ADMIN_PASSWORD);

    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
        ))
        .unwrap();
    let started = std::time::Instant::now();
    let (status, _, body) = server.text("/readyz");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("/problems/unavailable"), "{body}");
    let (status, problem) = server.json("GET", "/api/v1/auth/me", Some(&token), None);
    assert_eq!(
        (status, problem["type"].as_str()),
        (503, Some("/problems/unavailable"))
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "fails fast enough"
    );
    assert!(
        !problem.to_string().contains(&name),
        "no connection details leak"
    );
    // Ten at once on two connections: each fails within the pool's 3 s wait, however long
    // the queue (one after the other, two at a time, the last would wait 15 s).
    let waits: Vec<(u16, std::time::Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..10)
            .map(|_| {
                s.spawn(|| {
                    let t = std::time::Instant::now();
                    let (status, _) = server.json("GET", "/api/v1/auth/me", Some(&token), None);
                    (status, t.elapsed())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (status, waited) in &waits {
        assert_eq!(*status, 503);
        assert!(
            *waited < std::time::Duration::from_secs(6),
            "waited {waited:?}"
        );
    }

    admin
        .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while server.status("/readyz") != 200 {
        assert!(std::time::Instant::now() < deadline, "did not recover");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (status, _) = server.json("GET", "/api/v1/auth/me", Some(&token), None);
    assert_eq!(status, 200);
}

/// REL-2 / PERF-2: a connection handed back a moment ago goes out again without a `SELECT 1`;
/// when the database has dropped it meanwhile, the request on it fails with 503 and the pool
/// drops it, so the next request gets a new connection instead of the same dead one.
#[test]
fn a_connection_the_database_dropped_fails_one_request_at_most() {
    if !backends().contains(&"postgres") {
        return;
    }
    use diesel::connection::SimpleConnection;
    let dir = TempDir::new();
    let (_db, name, server, mut admin) = on_postgres(&dir, 1);
    let token = server.login("admin", ADMIN_PASSWORD);
    for round in 0..3 {
        let (status, _) = server.json("GET", "/api/v1/institutions", Some(&token), None);
        assert_eq!(status, 200, "round {round}: before");
        admin
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
            ))
            .unwrap();
        // Back to back, well inside the second a returned connection is trusted for.
        let statuses: Vec<u16> = (0..4)
            .map(|_| {
                server
                    .json("GET", "/api/v1/institutions", Some(&token), None)
                    .0
            })
            .collect();
        assert!(
            statuses[0] == 200 || statuses[0] == 503,
            "round {round}: {statuses:?}"
        );
        assert_eq!(
            statuses[1..],
            [200, 200, 200],
            "round {round}: {statuses:?}"
        );
    }
}

/// Issue 7 item 14 (PIPL): the request log names the parameters of a search but not what was
/// searched for — a mobile or a name typed into the search box never reaches the log.
#[test]
fn the_request_log_keeps_no_search_terms() {
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[]);
    let token = server.login("admin", ADMIN_PASSWORD);
    for query in [
        "q=13812345678&limit=20",
        "q=%E5%BC%A0%E4%B8%89&sort=name&offset=40",
        "13900001111",
        "q=zhangsan&limit=13700002222",
    ] {
        let (status, body) = server.json(
            "GET",
            &format!("/api/v1/customers?{query}"),
            Some(&token),
            None,
        );
        assert!(matches!(status, 200 | 400 | 422), "{status} {body}");
    }
    // The logger writes a line once the answer is sent: wait for all four.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let log = loop {
        let log = server.log_text();
        if log.matches("/api/v1/customers").count() >= 4 || std::time::Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    for secret in [
        "13812345678",
        "%E5%BC%A0",
        "张三",
        "13900001111",
        "zhangsan",
        "13700002222",
    ] {
        assert!(!log.contains(secret), "{secret} logged:\n{log}");
    }
    // Names stay, values go; paging and sorting values stay (they identify no one).
    for line in [
        "\"GET /api/v1/customers?q=***&limit=20 HTTP/1.1\" 200",
        "\"GET /api/v1/customers?q=***&sort=name&offset=40 HTTP/1.1\" 200",
        "\"GET /api/v1/customers?*** HTTP/1.1\"",
        "\"GET /api/v1/customers?q=***&limit=*** HTTP/1.1\"",
    ] {
        assert!(log.contains(line), "{line} not in:\n{log}");
    }
}

/// Issue 7 item 14: the SQLite database (with its WAL and shared-memory files) and the data
/// folder are created readable by their owner only, like the JWT secret.
#[cfg(unix)]
#[test]
fn a_fresh_data_folder_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = TempDir::new();
    let server = Server::start(&dir.0, &[]);
    server.login("admin", ADMIN_PASSWORD);
    let data = dir.0.join("data");
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&data.join("hcrm.db")), 0o600, "hcrm.db");
    assert_eq!(mode(&data.join("jwt-secret")), 0o600, "jwt-secret");
    for side in ["hcrm.db-wal", "hcrm.db-shm"] {
        let path = data.join(side);
        assert!(path.is_file(), "{side} (WAL mode)");
        assert_eq!(mode(&path), 0o600, "{side}");
    }
    drop(server);

    // `hcrm migrate` on a new database file in a new folder: the same.
    let other = dir.0.join("elsewhere/db");
    let url = format!("sqlite://{}/hcrm.db", other.display());
    let out = run(&dir.0, &[("DATABASE_URL", url.as_str())], &["migrate"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&other.join("hcrm.db")), 0o600);
    assert_eq!(mode(&other), 0o700);
}
