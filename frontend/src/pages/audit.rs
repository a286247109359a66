//! 审计日志 — the audit trail, read-only, newest first: filtered by day range, user,
//! action and kind of record; every entry worded in the reader's language, with the
//! record's whole id and a button to copy it.

use chrono::{DateTime, Duration, Utc};
use hcrm_domain::Label;
use hcrm_domain::api::Page;
use hcrm_domain::api::audit::{AuditAction, AuditEntity, AuditEvent};
use hcrm_domain::api::org::User;
use wasm_bindgen::JsValue;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::list::{page_head, use_loaded, use_paged_list};
use crate::components::shown_once::copy_to_clipboard;
use crate::hooks::use_lang;
use crate::i18n::tr;
use crate::pages::audit_details::{detail_lines, details_text};
use crate::services::org;

const PAGE_SIZE: i64 = 50;

/// The start of the local day `date` (`YYYY-MM-DD`), plus `days`, as an RFC 3339 instant in UTC.
fn local_day_start(date: &str, days: u32) -> String {
    if date.is_empty() {
        return String::new();
    }
    let d = js_sys::Date::new(&JsValue::from_str(&format!("{date}T00:00:00")));
    if d.get_time().is_nan() {
        return String::new();
    }
    if days > 0 {
        d.set_date(d.get_date() + days);
    }
    String::from(d.to_iso_string())
}

#[component]
pub fn AuditPage() -> Html {
    let lang = use_lang();
    let from = use_state(String::new);
    let to = use_state(String::new);
    let actor = use_state(String::new);
    let action = use_state(String::new);
    let entity = use_state(String::new);
    let copied = use_state(|| None::<String>);
    let list = use_paged_list::<AuditEvent>(
        org::AUDIT_EVENTS,
        vec![
            ("from", local_day_start(&from, 0)),
            // Up to and including the last day chosen.
            ("to", local_day_start(&to, 1)),
            ("actor_id", (*actor).clone()),
            ("action", (*action).clone()),
            ("entity_type", (*entity).clone()),
        ],
        PAGE_SIZE,
    );
    let users = use_loaded::<Page<User>>(format!("{}?limit=200", org::USERS));
    let on_date = |state: &UseStateHandle<String>| {
        let (state, offset) = (state.clone(), list.offset.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
            offset.set(0);
        })
    };
    let on_select = |state: &UseStateHandle<String>| {
        let (state, offset) = (state.clone(), list.offset.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            state.set(select.value());
            offset.set(0);
        })
    };
    let clear = {
        let states = [
            from.clone(),
            to.clone(),
            actor.clone(),
            action.clone(),
            entity.clone(),
        ];
        let offset = list.offset.clone();
        Callback::from(move |_: MouseEvent| {
            states.iter().for_each(|s| s.set(String::new()));
            offset.set(0);
        })
    };
    let row = |ev: &AuditEvent| {
        let lines = detail_lines(lang, &ev.changes);
        let title = details_text(lang, &ev.changes);
        let entity_id = ev.entity_id.clone().unwrap_or_default();
        let copy = {
            let (id, copied) = (entity_id.clone(), copied.clone());
            Callback::from(move |_: MouseEvent| {
                copy_to_clipboard(&id);
                copied.set(Some(id.clone()));
            })
        };
        let was_copied = copied.as_deref() == Some(entity_id.as_str()) && !entity_id.is_empty();
        html! {
            <tr class={classes!(ev.flagged.then_some("flagged"))} data-action={ev.action.code()}
                data-entity-type={ev.entity_type.code()}>
                <td class="mono nowrap">{ local_time(ev.at) }</td>
                <td title={ev.actor_id.map(|a| a.to_string()).unwrap_or_default()}>
                    { ev.actor_username.clone().unwrap_or_else(|| tr(lang, "audit.system").into()) }
                    if let Some(name) = &ev.api_key_name {
                        <div class="audit-key muted" data-api-key-id={ev.api_key_id.map(|k| k.to_string()).unwrap_or_default()}>
                            { tr(lang, "audit.via_key") }{ " " }<span class="tag tag-muted">{ name }</span>
                        </div>
                    }
                </td>
                <td>
                    { ev.action.label(lang) }
                    if ev.flagged {
                        { " " }<span class="badge badge-warn">{ tr(lang, "audit.flagged") }</span>
                    }
                </td>
                <td class="audit-entity">
                    <div>{ ev.entity_type.label(lang) }</div>
                    if !entity_id.is_empty() {
                        <div class="entity-id">
                            <span class="mono">{ &entity_id }</span>
                            <button type="button" class="btn btn-small btn-link copy-id" data-copy={entity_id.clone()}
                                    onclick={copy} aria-label={tr(lang, "audit.copy_id")} title={tr(lang, "audit.copy_id")}>
                                { tr(lang, if was_copied { "audit.copied" } else { "audit.copy" }) }
                            </button>
                        </div>
                    }
                </td>
                <td class="changes" {title}>
                    if lines.is_empty() {
                        <span class="muted">{ "—" }</span>
                    } else {
                        <dl class="audit-details">
                            { for lines.into_iter().map(|(k, v)| html! {
                                <div class="kv"><dt>{ k }</dt><dd>{ v }</dd></div>
                            }) }
                        </dl>
                    }
                </td>
                <td class="mono">{ ev.remote_addr.clone().unwrap_or_default() }</td>
            </tr>
        }
    };
    let user_options: Html = match users.data.as_ref() {
        Some(page) => page
            .items
            .iter()
            .map(|u| {
                let id = u.id.to_string();
                html! {
                    <option value={id.clone()} selected={*actor == id}>
                        { format!("{} ({})", u.display_name, u.username) }
                    </option>
                }
            })
            .collect(),
        None => html! {},
    };
    html! {
        <section class="page">
            { page_head(lang, "audit.title", None) }
            { list.banner() }
            <div class="toolbar audit-filters" id="audit-filters">
                <label class="filter">
                    <span>{ tr(lang, "audit.from") }</span>
                    <input id="audit-from" type="date" value={(*from).clone()} onchange={on_date(&from)} />
                </label>
                <label class="filter">
                    <span>{ tr(lang, "audit.to") }</span>
                    <input id="audit-to" type="date" value={(*to).clone()} onchange={on_date(&to)} />
                </label>
                <label class="filter">
                    <span>{ tr(lang, "audit.actor") }</span>
                    <select id="audit-actor" onchange={on_select(&actor)}>
                        <option value="" selected={actor.is_empty()}>{ tr(lang, "audit.any_user") }</option>
                        { user_options }
                    </select>
                </label>
                <label class="filter">
                    <span>{ tr(lang, "audit.action") }</span>
                    <select id="audit-action" onchange={on_select(&action)}>
                        <option value="" selected={action.is_empty()}>{ tr(lang, "audit.any_action") }</option>
                        { for AuditAction::ALL.iter().map(|a| html! {
                            <option value={a.code()} selected={*action == a.code()}>{ a.label(lang) }</option>
                        }) }
                    </select>
                </label>
                <label class="filter">
                    <span>{ tr(lang, "audit.entity_type") }</span>
                    <select id="audit-entity" onchange={on_select(&entity)}>
                        <option value="" selected={entity.is_empty()}>{ tr(lang, "audit.any_entity") }</option>
                        { for AuditEntity::ALL.iter().map(|e| html! {
                            <option value={e.code()} selected={*entity == e.code()}>{ e.label(lang) }</option>
                        }) }
                    </select>
                </label>
                <button type="button" id="audit-clear" class="btn" onclick={clear}>{ tr(lang, "audit.clear") }</button>
            </div>
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
