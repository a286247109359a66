//! 投诉时限设置 — the complaint limits (CMP-5, CMP-5a; admin): each step's limit, the whole
//! case's (local and other institutions), the national rule's, the promised reply, and when
//! warnings and the president's escalation go out. Clocks already running keep their limit.

use hcrm_domain::api::Problem;
use hcrm_domain::api::complaints::ComplaintSettings;
use serde_json::{Value, json};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::list::use_loaded;
use crate::forms::is_stale;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::services::complaints;

/// The limits in the form's order, each with its label key.
const LIMITS: [&str; 13] = [
    "hand_over",
    "investigation",
    "analysis",
    "approval",
    "procedures",
    "archive",
    "internal_handling",
    "improvement",
    "case_local",
    "case_other",
    "national",
    "national_several_departments",
    "promised_reply",
];

const UNITS: [&str; 4] = [
    "working_days",
    "working_hours",
    "calendar_hours",
    "calendar_days",
];

/// The minutes settings (warning before a deadline, the president after it).
const MINUTES: [&str; 2] = ["warn_before_minutes", "president_after_minutes"];

/// `/admin/complaint-limits`.
#[component]
pub fn ComplaintLimitsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_loaded::<ComplaintSettings>(complaints::SETTINGS_PATH.to_string());
    // The limits as edited, as their JSON (`{unit, amount}` per limit).
    let draft = use_state(|| None::<Value>);
    let problem = use_state(|| None::<Problem>);
    let saved = use_state(|| false);
    let busy = use_state(|| false);
    {
        let (draft, data) = (draft.clone(), (*loaded.data).clone());
        use_effect_with(data, move |data| {
            if let Some(s) = data {
                draft.set(serde_json::to_value(&s.limits).ok());
            }
        });
    }
    // One shape whether read or not: the page's head stays, the form comes when read.
    let empty = Value::Null;
    let ready = draft.is_some();
    let current = draft.as_ref().unwrap_or(&empty);
    let set = |path: (&'static str, Option<&'static str>)| {
        let (draft, saved) = (draft.clone(), saved.clone());
        move |v: Value| {
            let mut next = (*draft).clone().unwrap_or(Value::Null);
            match path {
                (k, Some(inner)) => next[k][inner] = v,
                (k, None) => next[k] = v,
            }
            draft.set(Some(next));
            saved.set(false);
        }
    };
    let number = |e: &Event| {
        let i: HtmlInputElement = e.target_unchecked_into();
        json!(i.value().trim().parse::<u32>().unwrap_or(0))
    };
    let row = |key: &'static str| {
        let amount = current[key]["amount"].as_u64().unwrap_or(0);
        let unit = current[key]["unit"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let (on_amount, on_unit) = (set((key, Some("amount"))), set((key, Some("unit"))));
        html! {
            <tr data-limit={key}>
                <th scope="row"><label for={format!("limit-{key}")}>{ tr(lang, limit_key(key)) }</label></th>
                <td>
                    <input id={format!("limit-{key}")} class="num" type="number" min="1" value={amount.to_string()}
                           onchange={Callback::from(move |e: Event| on_amount(number(&e)))} />
                </td>
                <td>
                    <select id={format!("limit-{key}-unit")} aria-label={tr(lang, "limits.unit")}
                            onchange={Callback::from(move |e: Event| {
                                let s: HtmlSelectElement = e.target_unchecked_into();
                                on_unit(json!(s.value()));
                            })}>
                        { for UNITS.iter().map(|u| html! {
                            <option value={*u} selected={*u == unit}>{ tr(lang, unit_key(u)) }</option>
                        }) }
                    </select>
                </td>
            </tr>
        }
    };
    let minutes = |key: &'static str| {
        let value = current[key].as_u64().unwrap_or(0);
        let on = set((key, None));
        html! {
            <tr data-limit={key}>
                <th scope="row"><label for={format!("limit-{key}")}>{ tr(lang, limit_key(key)) }</label></th>
                <td>
                    <input id={format!("limit-{key}")} class="num" type="number" min="1" value={value.to_string()}
                           onchange={Callback::from(move |e: Event| on(number(&e)))} />
                </td>
                <td>{ tr(lang, "limits.minutes") }</td>
            </tr>
        }
    };
    let onsubmit = {
        let (api, loaded, draft, problem, saved, busy) = (
            session.api.clone(),
            loaded.clone(),
            draft.clone(),
            problem.clone(),
            saved.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(base), Some(value)) = ((*loaded.data).clone(), (*draft).clone()) else {
                return;
            };
            if *busy {
                return;
            }
            let Ok(limits) = serde_json::from_value(value) else {
                return;
            };
            busy.set(true);
            let body = ComplaintSettings {
                limits,
                version: base.version,
            };
            let (api, loaded, problem, saved, busy) = (
                api.clone(),
                loaded.clone(),
                problem.clone(),
                saved.clone(),
                busy.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = complaints::put_settings(&api, &body).await;
                busy.set(false);
                match result {
                    Ok(s) => {
                        problem.set(None);
                        saved.set(true);
                        loaded.data.set(Some(s));
                    }
                    Err(p) => {
                        if is_stale(&p) {
                            loaded.reload();
                        }
                        problem.set(Some(p));
                    }
                }
            });
        })
    };
    html! {
        <section class="page" id="complaint-limits-page">
            <div class="page-head"><h1>{ tr(lang, "limits.title") }</h1></div>
            <p class="hint">{ tr(lang, "limits.hint") }</p>
            <Notice text={saved.then(|| AttrValue::from(tr(lang, "limits.saved")))} />
            <ErrorBanner problem={(*problem).clone()} />
            { loaded.banner() }
            if !ready && loaded.problem.is_none() {
                <p class="muted">{ tr(lang, "loading") }</p>
            }
            <form class="form" {onsubmit} hidden={!ready}>
                <div class="table-scroll stats-table">
                    <table class="list" id="limits-table">
                        <tbody>
                            { for LIMITS.iter().copied().map(row) }
                            { for MINUTES.iter().copied().map(minutes) }
                        </tbody>
                    </table>
                </div>
                <div class="form-actions">
                    <button id="limits-save" type="submit" class="btn btn-primary" disabled={*busy}>
                        { tr(lang, if *busy { "common.saving" } else { "common.save" }) }
                    </button>
                </div>
            </form>
        </section>
    }
}

fn limit_key(key: &str) -> &'static str {
    match key {
        "hand_over" => "limits.hand_over",
        "investigation" => "limits.investigation",
        "analysis" => "limits.analysis",
        "approval" => "limits.approval",
        "procedures" => "limits.procedures",
        "archive" => "limits.archive",
        "internal_handling" => "limits.internal_handling",
        "improvement" => "limits.improvement",
        "case_local" => "limits.case_local",
        "case_other" => "limits.case_other",
        "national" => "limits.national",
        "national_several_departments" => "limits.national_several",
        "promised_reply" => "limits.promised_reply",
        "warn_before_minutes" => "limits.warn_before",
        _ => "limits.president_after",
    }
}

fn unit_key(unit: &str) -> &'static str {
    match unit {
        "working_days" => "limits.unit.working_days",
        "working_hours" => "limits.unit.working_hours",
        "calendar_hours" => "limits.unit.calendar_hours",
        _ => "limits.unit.calendar_days",
    }
}
