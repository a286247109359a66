//! the committed `openapi/openapi.json` is what the code generates.
//! Regenerate with `HCRM_UPDATE_OPENAPI=1 cargo test -p hcrm-api --test api openapi` (or `hcrm openapi`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

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

#[test]
fn every_operation_is_documented_with_security_and_errors() {
    let doc = serde_json::to_value(hcrm_api::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{}", paths.len());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let public = path.starts_with("/healthz")
                || path.starts_with("/readyz")
                || [
                    "/api/v1/auth/login",
                    "/api/v1/auth/refresh",
                    "/api/v1/auth/logout",
                ]
                .contains(&path.as_str());
            assert!(
                op["description"].is_string() || op["summary"].is_string(),
                "{method} {path} undocumented"
            );
            if !public {
                assert_eq!(
                    op["security"][0]["bearer"],
                    serde_json::json!([]),
                    "{method} {path} lacks bearer security"
                );
                assert!(
                    op["responses"]["401"].is_object(),
                    "{method} {path} lacks 401"
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
                assert_eq!(prop["minimum"], 0, "{name}.{field}: {prop}");
                assert_eq!(prop["maximum"], max, "{name}.{field}: {prop}");
                seen.push(format!("{name}.{field}"));
            }
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["Contact.money_spent_fen", "ContactCreate.money_spent_fen"]
    );
}
