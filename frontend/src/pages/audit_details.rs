//! What an audit entry says, in the reader's language (X-5, X-12, issue 9 item 12): a change
//! as "field: before → after" (a creation as the value set, pairs where nothing was set left
//! out), an act — a break-glass access, an export, an import, a read, a review — as its
//! facts, each field and each coded value by its label.

use hcrm_domain::api::import::{Column, ExportFormat, ImportMode};
use hcrm_domain::api::sensitive::{BreakGlassCategory, ReviewOutcome};
use hcrm_domain::customer::{
    ContactChannel, CustomerCategory, CustomerKind, Direction, Gender, IdType, LifecycleStage,
    RelationKind, SourceChannel, TaskKind, TaskStatus,
};
use hcrm_domain::{Label, Lang, Permission, Role};
use serde_json::Value;

use crate::i18n::{tr, tr_dyn};

/// Bookkeeping fields that say nothing about what the user did.
const NOISE: [&str; 5] = ["id", "created_at", "updated_at", "version", "updated_by"];

/// A field's name: its `audit.field.<name>` text, a spreadsheet column's label, else the
/// name with spaces (a field added since, still readable).
pub fn field_label(lang: Lang, name: &str) -> String {
    if let Some(text) = tr_dyn(lang, &format!("audit.field.{name}")) {
        return text.to_string();
    }
    if let Some(column) = Column::from_code(name) {
        return column.label(lang).to_string();
    }
    name.replace('_', " ")
}

/// The label of a coded value of `field`, when the field holds one of a vocabulary.
fn coded_label(lang: Lang, field: &str, code: &str) -> Option<&'static str> {
    fn of<T: Label>(v: Option<T>, lang: Lang) -> Option<&'static str> {
        v.map(|v| v.label(lang))
    }
    match field {
        "category" => of(BreakGlassCategory::from_code(code), lang)
            .or_else(|| of(CustomerCategory::from_code(code), lang)),
        "categories" => of(CustomerCategory::from_code(code), lang),
        "outcome" => of(ReviewOutcome::from_code(code), lang),
        "mode" => of(ImportMode::ALL.into_iter().find(|m| m.code() == code), lang),
        "format" => of(
            ExportFormat::ALL.into_iter().find(|f| f.code() == code),
            lang,
        ),
        "lifecycle_stage" | "from_stage" | "to_stage" => of(LifecycleStage::from_code(code), lang),
        "gender" => of(Gender::from_code(code), lang),
        "kind" => of(CustomerKind::from_code(code), lang)
            .or_else(|| of(RelationKind::from_code(code), lang))
            .or_else(|| of(TaskKind::from_code(code), lang)),
        "id_type" => of(IdType::from_code(code), lang),
        "source_channel" => of(SourceChannel::from_code(code), lang),
        "channel" | "preferred_channel" => of(ContactChannel::from_code(code), lang),
        "direction" => of(Direction::from_code(code), lang),
        "status" => of(TaskStatus::from_code(code), lang),
        "roles" | "totp_roles" | "break_glass_roles" => of(Role::from_code(code), lang),
        "scopes" | "permissions" => of(Permission::all().find(|p| p.code() == code), lang),
        "rest_days" => of(hcrm_domain::calendar::DayOfWeek::from_code(code), lang),
        "via" => match code {
            "break_glass" => Some(tr(lang, "audit.via.break_glass")),
            "scope" => Some(tr(lang, "audit.via.scope")),
            "import" => Some(tr(lang, "audit.via.import")),
            _ => None,
        },
        _ => None,
    }
}

/// A value of `field` as text: codes by their labels, yes/no, lists joined, nested objects
/// (an export's filters) as "field value" pairs.
pub fn value_text(lang: Lang, field: &str, v: &Value) -> String {
    let separator = lang.pick("、", ", ");
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => tr(lang, if *b { "common.yes" } else { "common.no" }).into(),
        Value::String(s) if field == "fields" => field_label(lang, s),
        Value::String(s) => coded_label(lang, field, s).map_or_else(|| s.clone(), str::to_string),
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| value_text(lang, field, i))
            .collect::<Vec<_>>()
            .join(separator),
        Value::Object(map) if map.is_empty() => "—".into(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}{}{}",
                    field_label(lang, k),
                    colon(lang),
                    value_text(lang, k, v)
                )
            })
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; ")),
        other => other.to_string(),
    }
}

fn colon(lang: Lang) -> &'static str {
    lang.pick("：", ": ")
}

/// Whether `v` is a recorded change `{"before": …, "after": …}`.
fn as_change(v: &Value) -> Option<(&Value, &Value)> {
    let map = v.as_object()?;
    (map.len() == 2 && map.contains_key("before") && map.contains_key("after"))
        .then(|| (&map["before"], &map["after"]))
}

/// Nothing set: null, an empty list, or an object of such (an address without any part).
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(is_empty),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// The lines of an entry's details, `(field label, what)`, in the order recorded.
pub fn detail_lines(lang: Lang, changes: &Value) -> Vec<(String, String)> {
    let Value::Object(map) = changes else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, _)| !NOISE.contains(&k.as_str()))
        .filter_map(|(k, v)| {
            let text = match as_change(v) {
                // Nothing before and nothing after: no line (a creation's empty fields).
                Some((before, after)) if is_empty(before) && is_empty(after) => return None,
                Some((before, after)) if is_empty(before) => value_text(lang, k, after),
                Some((before, after)) => format!(
                    "{} → {}",
                    value_text(lang, k, before),
                    value_text(lang, k, after)
                ),
                None => value_text(lang, k, v),
            };
            Some((field_label(lang, k), text))
        })
        .collect()
}

/// The details as one line of text (the cell's tooltip, and for tests).
pub fn details_text(lang: Lang, changes: &Value) -> String {
    detail_lines(lang, changes)
        .into_iter()
        .map(|(k, v)| format!("{k}{}{v}", colon(lang)))
        .collect::<Vec<_>>()
        .join(lang.pick("；", "; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn has_cjk(s: &str) -> bool {
        s.chars()
            .any(|c| matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}'))
    }

    /// The three kinds of entry the issue named: none shows "∅ → ∅", a code or a field name.
    #[test]
    fn break_glass_export_and_import_entries_read_as_words() {
        let entries = [
            json!({"category": "patient_on_phone", "reason": "患者来电，需要核对",
                   "minutes": 30, "needs_approval": false}),
            json!({"count": 12, "format": "xlsx", "filters": {"lifecycle_stage": "current"},
                   "masked": true}),
            json!({"format": "csv", "mode": "all_or_nothing", "total_rows": 4, "created": 1,
                   "updated": 0, "skipped": 3, "errors": 3}),
            json!({"fields": ["allergies", "family_history"], "via": "break_glass"}),
            json!({"outcome": "needs_follow_up", "note": null}),
        ];
        for lang in [Lang::Zh, Lang::En] {
            for e in &entries {
                let text = details_text(lang, e);
                assert!(!text.contains('∅'), "{text}");
                for code in [
                    "_",
                    "patient",
                    "xlsx",
                    "current",
                    "all_or",
                    "allergies",
                    "break_glass",
                    "true",
                    "false",
                ] {
                    assert!(!text.contains(code), "{lang:?}: {text}");
                }
                if lang == Lang::En {
                    // Only what the user typed is Chinese in English.
                    assert!(!has_cjk(&text.replace("患者来电，需要核对", "")), "{text}");
                }
            }
        }
        let text = details_text(Lang::En, &entries[0]);
        for part in [
            "Category: Patient on the phone",
            "Reason: 患者来电，需要核对",
            "Minutes: 30",
            "Needs approval: No",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }

    #[test]
    fn changes_show_before_and_after_and_skip_what_was_never_set() {
        let created = json!({"name": {"before": null, "after": "心内科"},
                             "phone": {"before": null, "after": null},
                             "tags": {"before": null, "after": []},
                             "address": {"before": null, "after": {"city": null}},
                             "version": {"before": null, "after": 1}});
        assert_eq!(details_text(Lang::En, &created), "Name: 心内科");
        let changed = json!({"lifecycle_stage": {"before": "potential", "after": "current"},
                             "hotline": {"before": "010-1", "after": null}});
        let text = details_text(Lang::En, &changed);
        assert!(text.contains("Hotline: 010-1 → —"), "{text}");
        assert!(
            text.contains("Lifecycle stage: Potential → Current"),
            "{text}"
        );
        assert!(details_text(Lang::Zh, &json!({})).is_empty());
    }
}
