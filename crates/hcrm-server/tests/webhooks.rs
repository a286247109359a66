//! The webhook worker (INT-3) against a receiver that verifies Standard Webhooks signatures
//! with the `standardwebhooks` crate, on both backends: signed messages, the back-off and
//! `Retry-After`, giving up after the last attempt, 410 turning the subscription off, the
//! 15 s timeout (shortened), the private-address guard, a rotated secret signing twice, and
//! several workers on one database sending each message exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use hcrm_db::events::{self, NewEvent};
use hcrm_db::testing::{TestDb, backends};
use hcrm_db::webhooks::{self, NewSubscription};
use hcrm_db::{DbError, Pool};
use hcrm_domain::Scope;
use hcrm_domain::api::events::DomainEventKind;
use hcrm_domain::api::org::InstitutionCreate;
use hcrm_domain::api::webhooks::WebhookDeliveryStatus;
use hcrm_server::webhooks::receiver::{Receiver, Reply};
use hcrm_server::webhooks::{Worker, run_once};
use uuid::Uuid;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Scene {
    db: TestDb,
    pool: Pool,
    institution: Uuid,
}

fn scene(backend: &'static str) -> Scene {
    let db = TestDb::new(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let institution = hcrm_db::institutions::create(
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
    .unwrap()
    .id;
    Scene {
        db,
        pool,
        institution,
    }
}

impl Scene {
    fn subscribe(&self, url: &str, secret: &str) -> Uuid {
        let mut conn = self.pool.get().unwrap();
        webhooks::create(
            &mut conn,
            NewSubscription {
                institution_id: self.institution,
                url: url.into(),
                description: None,
                event_types: vec![DomainEventKind::VisitRecorded],
                active: true,
                secret: secret.into(),
                created_by: None,
            },
        )
        .unwrap()
        .id
    }

    /// Raises `n` visit events in one transaction; returns their `webhook-id`s.
    fn raise(&self, n: usize) -> Vec<String> {
        let mut conn = self.pool.get().unwrap();
        hcrm_db::write_transaction(&mut conn, |c| {
            let mut ids = Vec::new();
            for i in 0..n {
                let e = events::raise(
                    c,
                    NewEvent {
                        kind: DomainEventKind::VisitRecorded,
                        subject_type: "visit",
                        subject_id: Uuid::now_v7(),
                        institution_id: self.institution,
                        customer_id: None,
                        occurred_at: hcrm_db::now(),
                        payload: serde_json::json!({"n": i, "amount_fen": 12800}),
                    },
                )?
                .unwrap();
                ids.push(webhooks::outbox::webhook_id(e.id));
            }
            Ok::<_, DbError>(ids)
        })
        .unwrap()
    }

    /// The messages of subscription `sub`, newest first.
    fn deliveries(&self, sub: Uuid) -> Vec<hcrm_domain::api::webhooks::WebhookDelivery> {
        let mut conn = self.pool.get().unwrap();
        webhooks::deliveries(
            &mut conn,
            &Scope::Group,
            sub,
            None,
            hcrm_db::ListWindow {
                limit: 200,
                offset: 0,
            },
        )
        .unwrap()
        .0
    }

    /// Makes every pending message due now (as if its wait had passed).
    fn fast_forward(&self) {
        use hcrm_db::schema::webhook_deliveries as d;
        let mut conn = self.pool.get().unwrap();
        diesel::update(d::table.filter(d::status.eq("pending")))
            .set(d::next_attempt_at.eq(Some(hcrm_db::now() - chrono::Duration::seconds(1))))
            .execute(&mut **conn)
            .unwrap();
    }
}

fn worker(timeout: Duration) -> Worker {
    Worker::new(timeout, true)
}

#[test]
fn messages_are_signed_retried_given_up_and_a_gone_receiver_turns_off() {
    for backend in backends() {
        let sc = scene(backend);
        let receiver = Receiver::start(SECRET).unwrap();
        let sub = sc.subscribe(&receiver.url, SECRET);
        let w = worker(Duration::from_secs(2));
        let agent = w.agent();

        // Delivered: headers, signature and body as Standard Webhooks has them.
        let ids = sc.raise(1);
        assert_eq!(run_once(&sc.pool, &w, &agent).unwrap(), 1);
        let got = receiver.received();
        assert_eq!(got.len(), 1);
        assert!(got[0].verified, "{backend}: signature {}", got[0].signature);
        assert_eq!(got[0].webhook_id, ids[0]);
        assert!(got[0].signature.starts_with("v1,"));
        let ts: i64 = got[0].timestamp.parse().unwrap();
        assert!((Utc::now().timestamp() - ts).abs() < 10);
        let body = got[0].json();
        assert_eq!(body["type"], "visit_recorded");
        assert_eq!(body["data"]["record"]["amount_fen"], 12800);
        let d = &sc.deliveries(sub)[0];
        assert_eq!(d.status, WebhookDeliveryStatus::Delivered);
        assert_eq!(d.attempts, 1);
        assert_eq!(run_once(&sc.pool, &w, &agent).unwrap(), 0, "nothing due");

        // A failure waits 5 s; a Retry-After of 2 minutes is honoured.
        receiver.answer(|_, _| Reply::Status(500, Vec::new()));
        sc.raise(1);
        assert_eq!(run_once(&sc.pool, &w, &agent).unwrap(), 1);
        let d = sc.deliveries(sub)[0].clone();
        assert_eq!(
            (d.status, d.attempts, d.last_status_code),
            (WebhookDeliveryStatus::Pending, 1, Some(500))
        );
        let wait = d.next_attempt_at.unwrap() - Utc::now();
        assert!(
            wait > chrono::Duration::seconds(3) && wait <= chrono::Duration::seconds(5),
            "{wait}"
        );
        assert_eq!(run_once(&sc.pool, &w, &agent).unwrap(), 0, "not due yet");
        receiver.answer(|_, _| Reply::Status(429, vec![("Retry-After".into(), "120".into())]));
        sc.fast_forward();
        assert_eq!(run_once(&sc.pool, &w, &agent).unwrap(), 1);
        let d = sc.deliveries(sub)[0].clone();
        let wait = d.next_attempt_at.unwrap() - Utc::now();
        assert!(wait > chrono::Duration::seconds(110), "{wait}");
        // Eight attempts in all, then it is given up; every attempt is logged.
        receiver.answer(|_, _| Reply::Status(503, Vec::new()));
        for _ in 0..10 {
            sc.fast_forward();
            run_once(&sc.pool, &w, &agent).unwrap();
        }
        let d = sc.deliveries(sub)[0].clone();
        assert_eq!((d.status, d.attempts), (WebhookDeliveryStatus::Failed, 8));
        let log = webhooks::attempts(&mut sc.pool.get().unwrap(), d.id).unwrap();
        assert_eq!(log.len(), 8);
        assert!(log.iter().all(|a| !a.success && a.status_code.is_some()));
        assert_eq!(log[0].response_excerpt.as_deref(), Some("answer 500"));

        // Too slow: the timeout ends the attempt.
        receiver.answer(|_, _| Reply::Slow(Duration::from_secs(4)));
        sc.raise(1);
        run_once(&sc.pool, &w, &agent).unwrap();
        let d = sc.deliveries(sub)[0].clone();
        let log = webhooks::attempts(&mut sc.pool.get().unwrap(), d.id).unwrap();
        assert_eq!(log[0].status_code, None);
        assert!(
            log[0]
                .error
                .as_deref()
                .unwrap_or_default()
                .contains("timed out"),
            "{log:?}"
        );
        assert!(
            log[0].duration_ms >= 1_900 && log[0].duration_ms < 3_900,
            "{log:?}"
        );

        // 410: given up, the subscription off; new events make no messages for it.
        receiver.answer(|_, _| Reply::Status(410, Vec::new()));
        sc.fast_forward();
        run_once(&sc.pool, &w, &agent).unwrap();
        let s = webhooks::get(&mut sc.pool.get().unwrap(), &Scope::Group, sub).unwrap();
        assert!(!s.active);
        assert_eq!(s.disabled_reason.map(|r| r.code()), Some("gone"));
        assert_eq!(sc.deliveries(sub)[0].status, WebhookDeliveryStatus::Failed);
        let before = sc.deliveries(sub).len();
        sc.raise(2);
        assert_eq!(sc.deliveries(sub).len(), before);
        drop(sc.db);
    }
}

#[test]
fn private_addresses_are_refused_and_a_rotated_secret_signs_twice() {
    for backend in backends() {
        let sc = scene(backend);
        let receiver = Receiver::start(SECRET).unwrap();
        let sub = sc.subscribe(&receiver.url, SECRET);
        sc.raise(1);
        // The server's default: no loopback, private or link-local receivers.
        let strict = Worker::new(Duration::from_secs(2), false);
        run_once(&sc.pool, &strict, &strict.agent()).unwrap();
        assert!(receiver.received().is_empty());
        let d = sc.deliveries(sub)[0].clone();
        let log = webhooks::attempts(&mut sc.pool.get().unwrap(), d.id).unwrap();
        assert!(
            log[0]
                .error
                .as_deref()
                .unwrap_or_default()
                .contains("address not allowed"),
            "{log:?}"
        );

        // Rotated: the new and the old secret both sign for a day; a receiver holding either
        // verifies.
        let fresh = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk";
        webhooks::rotate_secret(
            &mut sc.pool.get().unwrap(),
            &Scope::Group,
            sub,
            fresh.into(),
            hcrm_db::now() + chrono::Duration::hours(24),
        )
        .unwrap();
        sc.fast_forward();
        let w = worker(Duration::from_secs(2));
        run_once(&sc.pool, &w, &w.agent()).unwrap();
        let got = receiver.received();
        assert_eq!(got.len(), 1);
        assert!(got[0].verified, "the old secret still verifies");
        assert_eq!(got[0].signature.split(' ').count(), 2);
        receiver.set_secret(fresh);
        sc.raise(1);
        run_once(&sc.pool, &w, &w.agent()).unwrap();
        assert!(receiver.received()[1].verified, "the new secret verifies");
        drop(sc.db);
    }
}

/// four workers with their own pools on one database, each claiming in a loop, send
/// 300 messages; each arrives exactly once.
#[test]
fn several_workers_send_each_message_exactly_once() {
    for backend in backends() {
        let sc = scene(backend);
        let receiver = Receiver::start(SECRET).unwrap();
        sc.subscribe(&receiver.url, SECRET);
        let ids: HashSet<String> = sc.raise(300).into_iter().collect();
        std::thread::scope(|s| {
            for _ in 0..4 {
                let url = sc.db.url.clone();
                s.spawn(move || {
                    let pool = hcrm_db::connect(&url, 4).unwrap();
                    let w = worker(Duration::from_secs(5));
                    let agent = w.agent();
                    let end = std::time::Instant::now() + Duration::from_secs(60);
                    while std::time::Instant::now() < end {
                        if run_once(&pool, &w, &agent).unwrap() == 0 {
                            let (pending, _, _) =
                                webhooks::outbox::counts(&mut pool.get().unwrap()).unwrap();
                            if pending == 0 {
                                break;
                            }
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                });
            }
        });
        let counts = receiver.counts();
        assert_eq!(counts.len(), 300, "{backend}");
        assert!(counts.values().all(|n| *n == 1), "{backend}: {counts:?}");
        assert!(counts.keys().all(|k| ids.contains(k)));
        assert!(receiver.received().iter().all(|r| r.verified));
        let (pending, delivered, failed) =
            webhooks::outbox::counts(&mut sc.pool.get().unwrap()).unwrap();
        assert_eq!((pending, delivered, failed), (0, 300, 0));
        // Messages went out from more than one server.
        use hcrm_db::schema::webhook_attempts as a;
        let servers: Vec<String> = a::table
            .select(a::server)
            .distinct()
            .load(&mut **sc.pool.get().unwrap())
            .unwrap();
        assert!(servers.len() > 1, "{servers:?}");
        drop(sc.db);
    }
}

/// Runs `program args` with `stdin`; (success, stdout + stderr).
fn run(
    program: &std::path::Path,
    args: &[&str],
    cwd: &std::path::Path,
    stdin: &str,
) -> (bool, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The README's receiver snippets (`docs/webhooks/verify.py` and `verify.mjs`, shown in the
/// README verbatim) verify a message the worker sent, with the Standard Webhooks libraries
/// from PyPI and npm (installed into the target folder when missing), and reject it altered.
#[test]
fn the_readme_snippets_verify_a_real_message_with_the_published_libraries() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/webhooks");
    let readme = std::fs::read_to_string(docs.join("../../README.md")).unwrap();
    for file in ["verify.py", "verify.mjs"] {
        let text = std::fs::read_to_string(docs.join(file)).unwrap();
        assert!(readme.contains(text.trim()), "README shows {file} as it is");
    }
    let sc = scene("sqlite");
    let receiver = Receiver::start(SECRET).unwrap();
    sc.subscribe(&receiver.url, SECRET);
    sc.raise(1);
    let w = worker(Duration::from_secs(5));
    run_once(&sc.pool, &w, &w.agent()).unwrap();
    let got = receiver.received()[0].clone();
    use base64::Engine;
    let message = |body: &[u8]| {
        serde_json::json!({
            "secret": SECRET,
            "headers": {"webhook-id": got.webhook_id, "webhook-timestamp": got.timestamp,
                        "webhook-signature": got.signature, "content-type": "application/json"},
            "body": base64::engine::general_purpose::STANDARD.encode(body),
        })
        .to_string()
    };
    let mut altered = got.body.clone();
    altered.extend_from_slice(b" ");
    let tools = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("webhook-tools");
    std::fs::create_dir_all(&tools).unwrap();

    // Python: the system's python3 if it has the library, else a virtual environment.
    let system = std::path::PathBuf::from("python3");
    let python = if run(&system, &["-c", "import standardwebhooks"], &tools, "").0 {
        system
    } else {
        let venv = tools.join("py");
        let python = venv.join("bin/python");
        if !python.exists() {
            assert!(run(&system, &["-m", "venv", venv.to_str().unwrap()], &tools, "").0);
        }
        let (ok, out) = run(
            &python,
            &["-m", "pip", "install", "-q", "standardwebhooks==1.3.0"],
            &tools,
            "",
        );
        assert!(ok, "pip install standardwebhooks: {out}");
        python
    };
    let script = docs.join("verify.py");
    let (ok, out) = run(
        &python,
        &[script.to_str().unwrap()],
        &tools,
        &message(&got.body),
    );
    assert!(ok && out.starts_with("verified visit_recorded"), "{out}");
    let (ok, out) = run(
        &python,
        &[script.to_str().unwrap()],
        &tools,
        &message(&altered),
    );
    assert!(!ok && out.starts_with("rejected"), "{out}");

    // JavaScript: npm's standardwebhooks beside a copy of the snippet (ES modules resolve
    // packages from the script's folder).
    let js = tools.join("js");
    std::fs::create_dir_all(&js).unwrap();
    if !js.join("node_modules/standardwebhooks").exists() {
        let (ok, out) = run(
            std::path::Path::new("npm"),
            &[
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "standardwebhooks@1.0.0",
            ],
            &js,
            "",
        );
        assert!(ok, "npm install standardwebhooks: {out}");
    }
    std::fs::copy(docs.join("verify.mjs"), js.join("verify.mjs")).unwrap();
    let node = std::path::Path::new("node");
    let (ok, out) = run(node, &["verify.mjs"], &js, &message(&got.body));
    assert!(ok && out.starts_with("verified visit_recorded"), "{out}");
    let (ok, out) = run(node, &["verify.mjs"], &js, &message(&altered));
    assert!(!ok && out.starts_with("rejected"), "{out}");
    drop(sc.db);
}
