//! 审计日志 — the audit trail, read-only, newest first.

use chrono::{DateTime, Duration, Utc};
use hcrm_domain::Lang;
use hcrm_domain::api::audit::AuditEvent;
use yew::prelude::*;

use crate::components::list::{page_head, use_paged_list, use_search_text};
use crate::hooks::use_lang;
use crate::i18n::tr;
use crate::services::org;

const PAGE_SIZE: i64 = 50;

#[component]
pub fn AuditPage() -> Html {
    let lang = use_lang();
    let entity = use_search_text();
    let action = use_search_text();
    let list = use_paged_list::<AuditEvent>(
        org::AUDIT_EVENTS,
        vec![("entity_type", entity.value()), ("action", action.value())],
        PAGE_SIZE,
    );
    let row = |ev: &AuditEvent| {
        let changes = changes_text(&ev.changes);
        let entity_id = ev.entity_id.clone().unwrap_or_default();
        html! {
            <tr class={classes!(ev.flagged.then_some("flagged"))}>
                <td class="mono nowrap">{ local_time(ev.at) }</td>
                <td>{ ev.actor_username.clone().unwrap_or_default() }</td>
                <td>
                    { action_label(lang, &ev.action) }
                    if ev.flagged {
                        { " " }<span class="badge badge-warn">{ tr(lang, "audit.flagged") }</span>
                    }
                </td>
                <td title={entity_id.clone()}>
                    { &ev.entity_type }{ " " }
                    <span class="mono muted">{ entity_id.chars().take(8).collect::<String>() }</span>
                </td>
                <td class="changes" title={changes.clone()}>{ changes }</td>
                <td class="mono">{ ev.remote_addr.clone().unwrap_or_default() }</td>
            </tr>
        }
    };
    html! {
        <section class="page">
            { page_head(lang, "audit.title", None) }
            { list.banner() }
            <form class="toolbar" onsubmit={list.on_search(&[&entity, &action])}>
                { entity.input("audit-entity", tr(lang, "audit.entity_type")) }
                { action.input("audit-action", tr(lang, "audit.action")) }
                <button type="submit" class="btn">{ tr(lang, "common.search") }</button>
            </form>
            { list.table("audit-table", &[
                "audit.at", "audit.actor", "audit.action", "audit.entity", "audit.changes",
                "audit.address",
            ], row) }
            { list.pager() }
        </section>
    }
}

/// The instant in the browser's time zone (staff read times as their wall clock).
pub(crate) fn local_time(at: DateTime<Utc>) -> String {
    let offset_minutes = js_sys::Date::new_0().get_timezone_offset();
    let local = at - Duration::minutes(offset_minutes as i64);
    local.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn action_label(lang: Lang, action: &str) -> String {
    let key = match action {
        "create" => "audit.do.create",
        "update" => "audit.do.update",
        "deactivate" => "audit.do.deactivate",
        "delete" => "audit.do.delete",
        "login" => "audit.do.login",
        "login_failed" => "audit.do.login_failed",
        "logout" => "audit.do.logout",
        "revoke" => "audit.do.revoke",
        "read" => "audit.do.read",
        "totp_enable" => "audit.do.totp_enable",
        "totp_disable" => "audit.do.totp_disable",
        "totp_reset" => "audit.do.totp_reset",
        "totp_failed" => "audit.do.totp_failed",
        other => return other.to_string(),
    };
    tr(lang, key).to_string()
}

/// `{"name": {"before": "A", "after": "B"}}` as `name: A → B; …`, without bookkeeping fields;
/// a plain value as `name: value`.
fn changes_text(changes: &serde_json::Value) -> String {
    let serde_json::Value::Object(map) = changes else {
        return String::new();
    };
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "∅".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    map.iter()
        .filter(|(k, _)| !matches!(k.as_str(), "id" | "created_at" | "updated_at" | "version"))
        .map(|(k, v)| {
            if v.get("before").is_some() || v.get("after").is_some() {
                format!("{k}: {} → {}", show(v.get("before")), show(v.get("after")))
            } else {
                // A fact rather than a change (`{"step": "disable", "reason": "password"}`).
                format!("{k}: {}", show(Some(v)))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
