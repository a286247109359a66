//! the audit trail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One recorded action. Append-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// The acting user; absent for failed sign-ins of unknown users and for system jobs.
    pub actor_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "admin"))]
    pub actor_username: Option<String>,
    /// What happened: `create`, `update`, `deactivate`, `login`, `login_failed`, `read` …
    #[cfg_attr(feature = "openapi", schema(example = "update"))]
    pub action: String,
    #[cfg_attr(feature = "openapi", schema(example = "institution"))]
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub institution_id: Option<Uuid>,
    /// Changed fields as `{"field": {"before": …, "after": …}}`; secrets are never recorded.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"hotline": {"before": "010-1", "after": "010-2"}})))]
    pub changes: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(example = "127.0.0.1"))]
    pub remote_addr: Option<String>,
    /// Set for break-glass and other accesses a supervisor must review.
    pub flagged: bool,
}

/// Fields that change on every write and say nothing about what the user changed.
const NOISE: [&str; 2] = ["version", "updated_at"];

/// The changed top-level fields of a record as `{"field": {"before": …, "after": …}}`.
/// Pass `None` as `before` for a creation and as `after` for a deletion.
pub fn changes<T: Serialize>(before: Option<&T>, after: Option<&T>) -> serde_json::Value {
    let as_map = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(serde_json::Value::Object(m))) => m,
        _ => serde_json::Map::new(),
    };
    let (b, a) = (as_map(before), as_map(after));
    let mut out = serde_json::Map::new();
    let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    for key in keys {
        if NOISE.contains(&key.as_str()) {
            continue;
        }
        let null = serde_json::Value::Null;
        let (old, new) = (b.get(key).unwrap_or(&null), a.get(key).unwrap_or(&null));
        if old != new {
            out.insert(
                key.clone(),
                serde_json::json!({"before": old, "after": new}),
            );
        }
    }
    serde_json::Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Rec {
        name: &'static str,
        hotline: Option<&'static str>,
        version: i32,
    }

    #[test]
    fn only_changed_fields_are_recorded() {
        let before = Rec {
            name: "A",
            hotline: Some("1"),
            version: 1,
        };
        let after = Rec {
            name: "A",
            hotline: None,
            version: 2,
        };
        assert_eq!(
            changes(Some(&before), Some(&after)),
            json!({"hotline": {"before": "1", "after": null}})
        );
    }

    #[test]
    fn creation_records_every_field() {
        let rec = Rec {
            name: "A",
            hotline: None,
            version: 1,
        };
        assert_eq!(
            changes(None, Some(&rec)),
            json!({"name": {"before": null, "after": "A"}})
        );
    }
}
