//! 审计日志 — the audit trail, read-only, newest first.

use chrono::{DateTime, Duration, Utc};
use hcrm_domain::Lang;
use hcrm_domain::api::audit::AuditEvent;
use hcrm_domain::api::{Page, Problem};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::pager::Pager;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::services::query;

const PAGE_SIZE: i64 = 50;

#[component]
pub fn AuditPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let entity = use_state(String::new);
    let action = use_state(String::new);
    let applied = use_state(|| (String::new(), String::new()));
    let offset = use_state(|| 0_i64);
    let page = use_state(|| None::<Page<AuditEvent>>);
    let problem = use_state(|| None::<Problem>);

    {
        let (api, page, problem) = (session.api.clone(), page.clone(), problem.clone());
        let deps = ((*applied).clone(), *offset);
        use_effect_with(deps, move |((entity, action), offset)| {
            let path = format!(
                "/audit-events{}",
                query(&[
                    ("entity_type", entity.clone()),
                    ("action", action.clone()),
                    ("limit", PAGE_SIZE.to_string()),
                    ("offset", offset.to_string()),
                ])
            );
            yew::platform::spawn_local(async move {
                match api.get::<Page<AuditEvent>>(&path).await {
                    Ok(p) => page.set(Some(p)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    let on_search = {
        let (entity, action, applied, offset) = (
            entity.clone(),
            action.clone(),
            applied.clone(),
            offset.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set((entity.trim().to_string(), action.trim().to_string()));
            offset.set(0);
        })
    };
    let on_offset = {
        let offset = offset.clone();
        Callback::from(move |o| offset.set(o))
    };
    let rows: Html = match &*page {
        None => html! { <tr><td colspan="6" class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(p) if p.items.is_empty() => {
            html! { <tr><td colspan="6" class="muted">{ tr(lang, "common.empty") }</td></tr> }
        }
        Some(p) => p
            .items
            .iter()
            .map(|ev| {
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
            })
            .collect(),
    };
    html! {
        <section class="page">
            <div class="page-head"><h2>{ tr(lang, "audit.title") }</h2></div>
            <ErrorBanner problem={(*problem).clone()} />
            <form class="toolbar" onsubmit={on_search}>
                <input id="audit-entity" type="search" value={(*entity).clone()}
                       placeholder={tr(lang, "audit.entity_type")} oninput={bind(&entity)} />
                <input id="audit-action" type="search" value={(*action).clone()}
                       placeholder={tr(lang, "audit.action")} oninput={bind(&action)} />
                <button type="submit" class="btn">{ tr(lang, "common.search") }</button>
            </form>
            <table id="audit-table" class="grid">
                <thead><tr>
                    <th>{ tr(lang, "audit.at") }</th>
                    <th>{ tr(lang, "audit.actor") }</th>
                    <th>{ tr(lang, "audit.action") }</th>
                    <th>{ tr(lang, "audit.entity") }</th>
                    <th>{ tr(lang, "audit.changes") }</th>
                    <th>{ tr(lang, "audit.address") }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
            if let Some(p) = &*page {
                <Pager total={p.total} limit={PAGE_SIZE} offset={*offset} {on_offset} />
            }
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
        other => return other.to_string(),
    };
    tr(lang, key).to_string()
}

/// `{"name": {"before": "A", "after": "B"}}` as `name: A → B; …`, without bookkeeping fields.
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
        .map(|(k, v)| format!("{k}: {} → {}", show(v.get("before")), show(v.get("after"))))
        .collect::<Vec<_>>()
        .join("; ")
}
