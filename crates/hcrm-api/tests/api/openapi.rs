//! the committed `openapi/openapi.json` is what the code generates.
//! Regenerate with `HCRM_UPDATE_OPENAPI=1 cargo test -p hcrm-api --test api openapi` (or `hcrm openapi`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

#[test]
fn committed_openapi_matches_the_code() {
    let generated = serde_json::to_string_pretty(&hcrm_api::openapi()).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    if std::env::var("HCRM_UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `HCRM_UPDATE_OPENAPI=1 cargo test -p hcrm-api --test api openapi`"
    );
}

/// Every operation of the document as (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

fn is_public(path: &str) -> bool {
    path.starts_with("/healthz")
        || path.starts_with("/readyz")
        || [
            "/api/v1/auth/login",
            "/api/v1/auth/refresh",
            "/api/v1/auth/logout",
        ]
        .contains(&path)
}

fn has_header(op: &Value, name: &str) -> bool {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["in"] == "header" && p["name"] == name)
}

fn has_param_in(op: &Value, place: &str) -> bool {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["in"] == place)
}

#[test]
fn every_operation_is_documented_with_security_and_errors() {
    let doc = serde_json::to_value(hcrm_api::openapi()).unwrap();
    let ops = operations(&doc);
    assert!(ops.len() >= 64, "{}", ops.len());
    for (method, path, op) in &ops {
        let public = is_public(path);
        let statuses: Vec<&str> = op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let has = |s: &str| statuses.contains(&s);
        let missing = |wanted: &[&str]| -> Vec<String> {
            wanted
                .iter()
                .filter(|s| !has(s))
                .map(|s| s.to_string())
                .collect()
        };
        assert!(
            op["description"].is_string() || op["summary"].is_string(),
            "{method} {path} undocumented"
        );
        assert!(
            statuses.iter().any(|s| s.starts_with('2')),
            "{method} {path} has no success"
        );
        if !public {
            assert_eq!(
                op["security"][0]["bearer"],
                serde_json::json!([]),
                "{method} {path} lacks bearer security"
            );
            assert!(has("401"), "{method} {path} lacks 401");
            // The permission guard (or two-factor enrolment) answers 403 everywhere but
            // under /auth, which a signed-in user always reaches.
            if !path.starts_with("/api/v1/auth/") {
                assert!(has("403"), "{method} {path} lacks 403");
            }
        }
        if path.starts_with("/api/") {
            assert!(
                has("503"),
                "{method} {path} lacks 503 (database unavailable)"
            );
        }
        // What the extractors answer, whatever the handler does.
        if op["requestBody"]["content"]["application/json"].is_object() {
            let m = missing(&["400", "413", "415", "422"]);
            assert!(
                m.is_empty(),
                "{method} {path}: a JSON body, but lacks {m:?}"
            );
        }
        if has_param_in(op, "path") {
            assert!(has("404"), "{method} {path}: a path id, but lacks 404");
        }
        if has_param_in(op, "query") {
            assert!(has("400"), "{method} {path}: a query, but lacks 400");
        }
        // every change of a record takes the version read.
        if method == "patch" || method == "put" {
            assert!(has_header(op, "If-Match"), "{method} {path} lacks If-Match");
        }
        if has_header(op, "If-Match") {
            let m = missing(&["412", "422", "428"]);
            assert!(m.is_empty(), "{method} {path}: If-Match, but lacks {m:?}");
        }
        // every POST outside /auth reads Idempotency-Key (the middleware does).
        if method == "post" && path.starts_with("/api/v1/") && !path.starts_with("/api/v1/auth/") {
            assert!(
                has_header(op, "Idempotency-Key"),
                "{method} {path} lacks Idempotency-Key"
            );
            let m = missing(&["409", "422"]);
            assert!(
                m.is_empty(),
                "{method} {path}: Idempotency-Key, but lacks {m:?}"
            );
        }
        // Every error is a problem.
        for (status, response) in op["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
            }
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Request bodies carry examples.
    for schema in [
        "InstitutionCreate",
        "UserCreate",
        "LoginRequest",
        "DoctorCreate",
        "DepartmentCreate",
    ] {
        assert!(
            doc["components"]["schemas"][schema]["example"].is_object(),
            "{schema} lacks an example"
        );
    }
}

/// The verbs an operation id may start with; the rest of the id names what it acts on.
const VERBS: &[&str] = &[
    "approve",
    "check",
    "close",
    "create",
    "deactivate",
    "delete",
    "disable",
    "enable",
    "export",
    "generate",
    "get",
    "import",
    "leave",
    "list",
    "merge",
    "open",
    "refresh",
    "reset",
    "review",
    "revoke",
    "set",
    "sign",
    "update",
    "upsert",
];

/// What is wrong with the operation ids of `doc`: missing, not `verb_object` in snake case,
/// or used twice (OpenAPI 3.1 wants one id per operation; generators collide or rename).
fn operation_id_problems(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeMap::<String, String>::new();
    for (method, path, op) in operations(doc) {
        let Some(id) = op["operationId"].as_str() else {
            problems.push(format!("{method} {path} has no operationId"));
            continue;
        };
        let words: Vec<&str> = id.split('_').collect();
        if words.len() < 2
            || !words
                .iter()
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
            || !VERBS.contains(&words[0])
        {
            problems.push(format!("{method} {path}: `{id}` is not verb_object"));
        }
        if let Some(other) = seen.insert(id.to_string(), format!("{method} {path}")) {
            problems.push(format!("`{id}` names both {other} and {method} {path}"));
        }
    }
    problems
}

#[test]
fn operation_ids_are_unique_and_say_what_they_do() {
    let doc = serde_json::to_value(hcrm_api::openapi()).unwrap();
    assert_eq!(operation_id_problems(&doc), Vec::<String>::new());
    let ids: Vec<String> = operations(&doc)
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_string())
        .collect();
    for id in [
        "list_customers",
        "create_customer",
        "get_customer",
        "update_customer",
        "delete_customer",
        "open_break_glass",
        "import_customers",
    ] {
        assert!(ids.contains(&id.to_string()), "{id}");
    }

    // The check itself finds a duplicate, a bare verb and a missing id.
    let mut bad = doc.clone();
    bad["paths"]["/api/v1/doctors"]["get"]["operationId"] = "list_customers".into();
    bad["paths"]["/api/v1/users"]["get"]["operationId"] = "list".into();
    bad["paths"]["/api/v1/tasks"]["get"]
        .as_object_mut()
        .unwrap()
        .remove("operationId");
    let problems = operation_id_problems(&bad);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`list_customers` names both")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`list` is not verb_object")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("has no operationId")),
        "{problems:?}"
    );
}

/// The shared pieces are used, not restated: one `If-Match` and one `Idempotency-Key`
/// description, and the import takes a form as generated clients send it.
#[test]
fn shared_parameters_and_the_import_form() {
    let doc = serde_json::to_value(hcrm_api::openapi()).unwrap();
    for name in ["If-Match", "Idempotency-Key"] {
        let mut shapes = std::collections::BTreeSet::new();
        for (_, _, op) in operations(&doc) {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["name"] == name {
                    shapes.insert(p.to_string());
                }
            }
        }
        assert_eq!(shapes.len(), 1, "{name}: {shapes:#?}");
    }
    let content = &doc["paths"]["/api/v1/customers/import"]["post"]["requestBody"]["content"];
    let form = &content["multipart/form-data"]["schema"]["$ref"];
    assert_eq!(form, "#/components/schemas/FileUpload");
    let file = &doc["components"]["schemas"]["FileUpload"]["properties"]["file"];
    assert_eq!(file["format"], "binary");
    assert!(
        content["text/csv"].is_object() && content[XLSX].is_object(),
        "{content}"
    );
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Issue 7 item 13: every money field (`…_fen`) of every schema states its bounds, 0 to
/// ¥100,000,000 in fen, so that clients know JavaScript reads each amount exactly.
#[test]
fn money_fields_declare_their_bounds() {
    let doc = serde_json::to_value(hcrm_api::openapi()).unwrap();
    let max = hcrm_domain::validation::MAX_MONEY_FEN;
    assert!(max < 1 << 53, "beyond JavaScript's exact integers");
    let mut seen = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let Some(props) = schema["properties"].as_object() else {
            continue;
        };
        for (field, prop) in props {
            if field.ends_with("_fen") {
                // A report's sums (CMP-8, SVC-4's summary, SVC-5's funnel) add many
                // amounts: bounded by JavaScript's exact integers instead.
                let bound = if matches!(name.as_str(), "StatsRow" | "VisitSummary" | "FunnelRow") {
                    (1i64 << 53) - 1
                } else {
                    max
                };
                assert_eq!(prop["minimum"], 0, "{name}.{field}: {prop}");
                assert_eq!(prop["maximum"], bound, "{name}.{field}: {prop}");
                seen.push(format!("{name}.{field}"));
            }
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "ChargeItem.amount_fen",
            "ChargeItem.insurance_fen",
            "Contact.money_spent_fen",
            "ContactCreate.money_spent_fen",
            "Fines.leader_fen",
            "Fines.staff_fen",
            "Fines.supervisor_fen",
            "FunnelRow.amount_fen",
            "Refund.amount_fen",
            "RefundCreate.amount_fen",
            "Responsibility.loss_fen",
            "ResponsibilityCreate.loss_fen",
            "StatsRow.refund_fen",
            "StatsRow.refund_paid_fen",
            "TimelineEntry.amount_fen",
            "Visit.amount_fen",
            "Visit.arrears_fen",
            "Visit.insurance_fen",
            "Visit.paid_fen",
            "VisitCreate.amount_fen",
            "VisitCreate.insurance_fen",
            "VisitCreate.paid_fen",
            "VisitItem.amount_fen",
            "VisitItem.insurance_fen",
            "VisitItem.paid_fen",
            "VisitSummary.amount_fen",
            "VisitSummary.arrears_fen",
            "VisitSummary.insurance_fen",
            "VisitSummary.paid_fen",
            "VisitUpdate.amount_fen",
            "VisitUpdate.insurance_fen",
            "VisitUpdate.paid_fen",
        ]
    );
}
