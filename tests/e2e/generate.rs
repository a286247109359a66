//! `hcrm generate` (OPS-2) on SQLite and PostgreSQL: generated customers are found by the
//! search box by pinyin initials, phone suffix and name fragment (CUS-9), per institution.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use hcrm_db::testing::{TestDb, backends};
use hcrm_domain::customer::search_keys::pinyin_keys;
use serde_json::{Value, json};
use support::{ADMIN_PASSWORD, Server, TempDir, run};

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn generated_customers_are_found_by_initials_phone_suffix_and_name() {
    for backend in backends() {
        let dir = TempDir::new();
        let db = TestDb::new(backend);
        let env = [("DATABASE_URL", db.url.as_str())];

        // Without institutions there is nothing to generate for.
        let out = run(&dir.0, &env, &["generate", "--customers", "10"], "");
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no institutions"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        let server = Server::start(&dir.0, &env);
        let admin = server.login("admin", ADMIN_PASSWORD);
        let mut inst = Vec::new();
        for (code, city) in [("BJ01", "北京"), ("SH01", "上海")] {
            let (status, body) = server.json(
                "POST",
                "/api/v1/institutions",
                Some(&admin),
                Some(json!({"code": code, "name": format!("{city}和睦家医院"), "city": city, "local": true})),
            );
            assert_eq!(status, 201, "{body}");
            inst.push(body["id"].as_str().unwrap().to_string());
        }

        let out = run(
            &dir.0,
            &env,
            &["generate", "--customers", "2000", "--seed", "7"],
            "",
        );
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("generated 2000 customers"), "{text}");
        let out = run(
            &dir.0,
            &env,
            &["generate", "--customers", "15", "--institution", "SH01"],
            "",
        );
        assert!(out.status.success());
        let bad = run(
            &dir.0,
            &env,
            &["generate", "--customers", "5", "--institution", "XX99"],
            "",
        );
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("XX99"));

        let (_, all) = server.json(
            "GET",
            "/api/v1/customers?limit=1&exact_total=true",
            Some(&admin),
            None,
        );
        assert_eq!(all["total"], 2015, "{backend}");
        let (_, bj) = server.json(
            "GET",
            &format!(
                "/api/v1/customers?limit=1&institution_id={}&exact_total=true",
                inst[0]
            ),
            Some(&admin),
            None,
        );
        let (_, sh) = server.json(
            "GET",
            &format!(
                "/api/v1/customers?limit=1&institution_id={}&exact_total=true",
                inst[1]
            ),
            Some(&admin),
            None,
        );
        assert_eq!(
            (bj["total"].clone(), sh["total"].clone()),
            (json!(1000), json!(1015))
        );

        let (_, sample) = server.json(
            "GET",
            "/api/v1/customers?limit=30&sort=-created_at",
            Some(&admin),
            None,
        );
        for c in sample["items"].as_array().unwrap().iter().take(10) {
            let id = c["id"].as_str().unwrap().to_string();
            let name = c["name"].as_str().unwrap();
            let (full, initials) = pinyin_keys(name);

            // Pinyin initials: the customer is among the matches, and every match fits.
            let q = &initials[..2.min(initials.len())];
            let (status, found) = server.json(
                "GET",
                &format!("/api/v1/customers?q={q}&limit=200"),
                Some(&admin),
                None,
            );
            assert_eq!(status, 200);
            let total = found["total"].as_i64().unwrap() as usize;
            if total <= 200 {
                assert!(ids(&found).contains(&id), "{name} by {q} ({backend})");
            }
            for m in found["items"].as_array().unwrap() {
                let (f, i) = pinyin_keys(m["name"].as_str().unwrap());
                assert!(i.starts_with(q) || f.starts_with(q), "{m} for {q}");
            }
            // Full pinyin finds the same person.
            let (_, found) = server.json(
                "GET",
                &format!("/api/v1/customers?q={full}&limit=200"),
                Some(&admin),
                None,
            );
            assert!(ids(&found).contains(&id), "{name} by {full} ({backend})");

            // Phone suffix (lists mask the phone but keep its last four digits).
            let phone = c["phone"].as_str().unwrap();
            assert!(phone.contains("****"), "masked: {phone}");
            let last4 = &phone[phone.len() - 4..];
            let (_, found) = server.json(
                "GET",
                &format!("/api/v1/customers?q={last4}&limit=200"),
                Some(&admin),
                None,
            );
            assert!(ids(&found).contains(&id), "{name} by {last4} ({backend})");
            for m in found["items"].as_array().unwrap() {
                // Four digits end a phone or an ID number (issue 9), or are a card number.
                assert!(
                    m["phone"].as_str().unwrap().ends_with(last4)
                        || m["id_number"].as_str().is_some_and(|n| n.ends_with(last4))
                        || m["card_number"].as_str() == Some(last4),
                    "{m} for {last4}"
                );
            }

            // A name fragment of two characters (surname and the first given character).
            let frag: String = name.chars().take(2).collect();
            let (_, found) = server.json(
                "GET",
                &format!("/api/v1/customers?q={}&limit=200", encode(&frag)),
                Some(&admin),
                None,
            );
            let total = found["total"].as_i64().unwrap() as usize;
            assert!(total >= 1, "{frag} ({backend})");
            if total <= 200 {
                assert!(ids(&found).contains(&id), "{name} by {frag} ({backend})");
            }
            for m in found["items"].as_array().unwrap() {
                assert!(
                    m["name"].as_str().unwrap().contains(&frag),
                    "{m} for {frag}"
                );
            }

            // Its last character alone (a given name's, issue 9): names holding it, those
            // starting with it first. The generator wrote the keys this reads.
            let given = name.chars().last().unwrap().to_string();
            let (_, found) = server.json(
                "GET",
                &format!("/api/v1/customers?q={}&limit=200", encode(&given)),
                Some(&admin),
                None,
            );
            let total = found["total"].as_i64().unwrap() as usize;
            if total <= 200 {
                assert!(ids(&found).contains(&id), "{name} by {given} ({backend})");
            }
            let starts: Vec<bool> = found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    let n = m["name"].as_str().unwrap();
                    assert!(n.contains(&given), "{m} for {given}");
                    n.starts_with(&given)
                })
                .collect();
            assert!(
                starts.windows(2).all(|p| p[0] >= p[1]),
                "{given}: {starts:?}"
            );

            // The phone and the ID number as the list shows them masked.
            for masked in [phone, c["id_number"].as_str().unwrap()] {
                let (_, found) = server.json(
                    "GET",
                    &format!("/api/v1/customers?q={}&limit=200", encode(masked)),
                    Some(&admin),
                    None,
                );
                assert!(ids(&found).contains(&id), "{name} by {masked} ({backend})");
            }
        }

        // PERF-1's pgbench side runs the search's statements as written out for pgbench; it
        // first checks on its queries that they find the application's pages.
        let has_pgbench = std::process::Command::new("pgbench")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if backend == "postgres" && has_pgbench {
            let out = run(
                &dir.0,
                &env,
                &[
                    "bench",
                    "search",
                    "--sql-only",
                    "--pgbench",
                    "--clients",
                    "2",
                    "--duration",
                    "1s",
                    "--warmup",
                    "0",
                    "--password",
                    "unused",
                ],
                "",
            );
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(text.contains("pgbench  the same statements"), "{text}");
        }
    }
}
