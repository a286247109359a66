//! The search box beyond names' starts and whole numbers (CUS-9, issue 9), through the API on
//! both backends: one character inside names (after the names starting with it), a number as
//! the app shows it masked (`186****0124`), the last 4 or 6 characters of an ID number, text
//! with `*` that is no masked number, and institution scoping on each.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::NaiveDate;
use common::world::{At, TwoInstitutions};
use common::{Srv, each_backend};
use hcrm_domain::customer::resident_id_for;
use serde_json::{Value, json};

struct World {
    agent_a: String,
    sup_a: String,
    agent_b: String,
}

fn world(srv: &Srv) -> World {
    let w = TwoInstitutions::new(
        srv,
        &[
            ("agent.a", "agent", At::A),
            ("sup.a", "supervisor", At::A),
            ("agent.b", "agent", At::B),
        ],
    );
    World {
        agent_a: w.token("agent.a"),
        sup_a: w.token("sup.a"),
        agent_b: w.token("agent.b"),
    }
}

fn create(srv: &Srv, token: &str, body: Value) -> String {
    srv.post("/api/v1/customers", token, body).ok(201)["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn person(srv: &Srv, token: &str, name: &str) -> String {
    create(srv, token, json!({"kind": "individual", "name": name}))
}

/// Percent-encodes a search text for the query string.
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

fn search(srv: &Srv, token: &str, q: &str) -> Value {
    srv.get(&format!("/api/v1/customers?q={}", encode(q)), token)
        .ok(200)
        .clone()
}

fn names(page: &Value) -> Vec<String> {
    field(page, "name")
}

fn ids(page: &Value) -> Vec<String> {
    field(page, "id")
}

fn field(page: &Value, name: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[name].as_str().unwrap().to_string())
        .collect()
}

fn one(id: &str) -> Vec<String> {
    vec![id.to_string()]
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn one_character_finds_names_holding_it_after_names_starting_with_it() {
    each_backend(|srv| {
        let w = world(srv);
        for name in ["白婷佳", "王婷", "婷婷", "李佳", "佳琪", "张三", "欧阳娜娜"]
        {
            person(srv, &w.agent_a, name);
        }
        let b = person(srv, &w.agent_b, "赵婷");

        // Names starting with the character first, then those holding it further in; each
        // group in pinyin order (bai before wang).
        let ting = search(srv, &w.agent_a, "婷");
        assert_eq!(names(&ting), ["婷婷", "白婷佳", "王婷"], "{ting}");
        assert_eq!(ting["total"], 3);
        assert_eq!(
            names(&search(srv, &w.agent_a, "佳")),
            ["佳琪", "白婷佳", "李佳"]
        );
        assert_eq!(names(&search(srv, &w.agent_a, "阳")), ["欧阳娜娜"]);
        assert_eq!(names(&search(srv, &w.agent_a, "娜")), ["欧阳娜娜"]);
        assert_eq!(search(srv, &w.agent_a, "丽")["total"], 0);
        // Pages go across the two groups and know the total.
        let second = srv
            .get(
                &format!("/api/v1/customers?q={}&limit=1&offset=1", encode("婷")),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert_eq!(
            (names(&second), second["total"].clone()),
            (vec!["白婷佳".to_string()], json!(3))
        );
        let third = srv
            .get(
                &format!("/api/v1/customers?q={}&limit=2&offset=2", encode("婷")),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert_eq!(names(&third), ["王婷"]);
        assert_eq!(third["total"], 3);
        // A plain order mixes the groups.
        let by_name = srv
            .get(
                &format!("/api/v1/customers?q={}&sort=name", encode("婷")),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert_eq!(names(&by_name), ["白婷佳", "婷婷", "王婷"]);

        // Another institution's customer is never found; theirs find only theirs.
        assert!(!ids(&ting).contains(&b));
        assert_eq!(names(&search(srv, &w.agent_b, "婷")), ["赵婷"]);
        assert_eq!(search(srv, &w.agent_b, "佳")["total"], 0);

        // A renamed customer is found by its new name's characters only; a deleted one by none.
        let zhang = ids(&search(srv, &w.agent_a, "张三"))[0].clone();
        let path = format!("/api/v1/customers/{zhang}");
        srv.patch(&path, &w.agent_a, 1, json!({"name": "张婷"}))
            .ok(200);
        assert_eq!(
            names(&search(srv, &w.agent_a, "婷")),
            ["婷婷", "白婷佳", "王婷", "张婷"]
        );
        assert_eq!(search(srv, &w.agent_a, "三")["total"], 0);
        let wang = ids(&search(srv, &w.agent_a, "王婷"))[0].clone();
        let status = srv
            .raw(
                "DELETE",
                &format!("/api/v1/customers/{wang}"),
                Some(&w.sup_a),
                &[("If-Match", "\"1\"")],
                None,
            )
            .status;
        assert_eq!(status, 204);
        assert_eq!(
            names(&search(srv, &w.agent_a, "婷")),
            ["婷婷", "白婷佳", "张婷"]
        );

        // The names holding it further in are listed from its keys in pinyin order (PERF-1):
        // a rename moves the customer to its new name's place (bai → zou, after zhang).
        let bai = ids(&search(srv, &w.agent_a, "白婷佳"))[0].clone();
        srv.patch(
            &format!("/api/v1/customers/{bai}"),
            &w.agent_a,
            1,
            json!({"name": "邹婷佳"}),
        )
        .ok(200);
        assert_eq!(
            names(&search(srv, &w.agent_a, "婷")),
            ["婷婷", "张婷", "邹婷佳"]
        );
        let after_first = srv
            .get(
                &format!("/api/v1/customers?q={}&limit=1&offset=2", encode("婷")),
                &w.agent_a,
            )
            .ok(200)
            .clone();
        assert_eq!(names(&after_first), ["邹婷佳"]);
        assert_eq!(after_first["total"], 3);
        // By name both ways, the groups mixed.
        let by_name = |sort: &str| {
            let page = srv
                .get(
                    &format!("/api/v1/customers?q={}&sort={sort}", encode("婷")),
                    &w.agent_a,
                )
                .ok(200)
                .clone();
            names(&page)
        };
        assert_eq!(by_name("name"), ["婷婷", "张婷", "邹婷佳"]);
        assert_eq!(by_name("-name"), ["邹婷佳", "张婷", "婷婷"]);
    });
}

/// A valid resident ID number (checksum, birth date) whose last character is a digit.
fn id_number(seq: u16) -> String {
    let born = NaiveDate::from_ymd_opt(1980, 3, 14).unwrap();
    (seq..)
        .map(|s| resident_id_for("110105", born, s))
        .find(|n| !n.ends_with('X'))
        .unwrap()
}

#[test]
fn masked_numbers_and_id_number_endings_find_customers() {
    each_backend(|srv| {
        let w = world(srv);
        let id_a = id_number(101);
        let last4 = id_a[14..].to_string();
        let last6 = id_a[12..].to_string();
        let with_id = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "白婷佳", "id_number": id_a,
                   "phones": ["13500001111"]}),
        );
        // A phone ending in the same 4 digits as the ID number.
        let phone = format!("1861234{last4}");
        let with_phone = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "王伟", "phones": [phone]}),
        );
        let other_prefix = create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "李强", "phones": [format!("1391234{last4}")]}),
        );
        // Another institution's customer with the same numbers' ends.
        let id_b = id_number(301);
        let b = create(
            srv,
            &w.agent_b,
            json!({"kind": "individual", "name": "赵敏", "id_number": id_b,
                   "phones": [format!("1868888{last4}")]}),
        );

        // The number as the list shows it: its first 3 and last 4 digits.
        let listed = search(srv, &w.agent_a, &phone);
        let masked = listed["items"][0]["phone"].as_str().unwrap().to_string();
        assert_eq!(masked, format!("186****{last4}"));
        for q in [
            masked.clone(),
            format!("+86 {masked}"),
            format!(" {masked} "),
        ] {
            assert_eq!(ids(&search(srv, &w.agent_a, &q)), one(&with_phone), "{q}");
        }
        assert_eq!(
            ids(&search(srv, &w.agent_a, &format!("139****{last4}"))),
            one(&other_prefix)
        );
        assert_eq!(search(srv, &w.agent_a, "186****0000")["total"], 0);
        assert_eq!(ids(&search(srv, &w.agent_b, &masked)), one(&b));

        // Four digits are a phone's end and an ID number's end: both customers, counted once.
        let four = search(srv, &w.agent_a, &last4);
        assert_eq!(
            sorted(ids(&four)),
            sorted(vec![
                with_id.clone(),
                with_phone.clone(),
                other_prefix.clone()
            ]),
            "{four}"
        );
        assert_eq!(four["total"], 3);
        assert!(!ids(&four).contains(&b));
        // Lists stay masked: the ID number shows only what was typed.
        let row = four["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == json!(with_id))
            .unwrap();
        assert_eq!(row["id_number"], json!(format!("110***********{last4}")));
        // Six: the ID number's end alone (no phone is searched by 6 digits).
        assert_eq!(ids(&search(srv, &w.agent_a, &last6)), one(&with_id));
        // The ID number as the list shows it.
        assert_eq!(
            ids(&search(srv, &w.agent_a, &format!("110***********{last4}"))),
            one(&with_id)
        );
        assert_eq!(
            search(srv, &w.agent_a, &format!("310***********{last4}"))["total"],
            0
        );
        // The other institution finds its own only.
        assert_eq!(ids(&search(srv, &w.agent_b, &id_b[12..])), one(&b));
        assert_eq!(search(srv, &w.agent_b, &last6)["total"], 0);

        // A changed ID number is found by its new end, not the old one. The new number is of
        // the same sex as the old: the gender the old one filled in must agree with it.
        let sex = |n: &str| (n.as_bytes()[16] - b'0') % 2;
        let id_new = (555..)
            .map(id_number)
            .find(|n| sex(n) == sex(&id_a))
            .unwrap();
        srv.patch(
            &format!("/api/v1/customers/{with_id}"),
            &w.agent_a,
            1,
            json!({"id_number": id_new}),
        )
        .ok(200);
        assert_eq!(search(srv, &w.agent_a, &last6)["total"], 0);
        assert_eq!(ids(&search(srv, &w.agent_a, &id_new[12..])), one(&with_id));
    });
}

#[test]
fn text_with_a_star_that_is_no_masked_number_finds_nothing() {
    each_backend(|srv| {
        let w = world(srv);
        person(srv, &w.agent_a, "白婷佳");
        create(
            srv,
            &w.agent_a,
            json!({"kind": "individual", "name": "王伟", "phones": ["18612340124"]}),
        );
        let flood = "*".repeat(100);
        for q in [
            "186****",
            "****0124",
            "*",
            "****",
            "**婷",
            "1*3",
            "186***0124",
            "186*****0124",
            flood.as_str(),
        ] {
            let page = search(srv, &w.agent_a, q);
            assert_eq!(
                (page["total"].clone(), page["items"].clone()),
                (json!(0), json!([])),
                "{q}"
            );
        }
        // Past the box's length: 422, as for any text.
        srv.get(
            &format!("/api/v1/customers?q={}", encode(&"*".repeat(101))),
            &w.agent_a,
        )
        .problem(422, "validation");
    });
}
