//! The medical profile and the private notes on the 360 page (CUS-5, X-6): shown and edited
//! with their own permission, or opened by break-glass (X-6a).

use hcrm_domain::api::Problem;
use hcrm_domain::{Lang, Permission};
use uuid::Uuid;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::forms::opt;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::view::unavailable;
use crate::services::customers::{self, Sensitive};

#[derive(Properties, PartialEq)]
pub struct SensitiveProps {
    pub customer_id: Uuid,
    pub section: Sensitive,
    pub section_id: &'static str,
    pub title_key: &'static str,
    pub on_break_glass: Callback<()>,
    /// The editable fields, in order.
    pub fields: &'static [&'static str],
    pub write: Permission,
}

/// Medical profile or private notes: shown when allowed, "restricted" with a break-glass
/// button on 403.
#[component]
pub fn SensitiveSection(props: &SensitiveProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let data = use_state(|| None::<serde_json::Value>);
    let problem = use_state(|| None::<Problem>);
    {
        let (api, data, problem) = (session.api.clone(), data.clone(), problem.clone());
        use_effect_with((props.customer_id, props.section), move |&(id, section)| {
            yew::platform::spawn_local(async move {
                match customers::sensitive(&api, id, section).await {
                    Ok(v) => data.set(Some(v)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let editing = use_state(|| None::<Vec<String>>);
    let save_problem = use_state(|| None::<Problem>);
    let fields = props.fields;
    let can_write = session.can(props.write);
    let start_edit = {
        let (editing, data) = (editing.clone(), data.clone());
        Callback::from(move |_| {
            let values = fields
                .iter()
                .map(|f| {
                    data.as_ref()
                        .and_then(|v| v.get(*f))
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            editing.set(Some(values));
        })
    };
    let save = {
        let (api, editing, data, save_problem) = (
            session.api.clone(),
            editing.clone(),
            data.clone(),
            save_problem.clone(),
        );
        let (id, section) = (props.customer_id, props.section);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(values) = (*editing).clone() else {
                return;
            };
            let version = data
                .as_ref()
                .and_then(|v| v.get("version"))
                .and_then(serde_json::Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
                .unwrap_or(0);
            let mut body = serde_json::Map::new();
            for (f, v) in fields.iter().zip(values) {
                body.insert(
                    (*f).to_string(),
                    opt(&v).map_or(serde_json::Value::Null, serde_json::Value::String),
                );
            }
            let (api, editing, data, save_problem) = (
                api.clone(),
                editing.clone(),
                data.clone(),
                save_problem.clone(),
            );
            yew::platform::spawn_local(async move {
                match customers::put_sensitive(&api, id, section, version, &body).await {
                    Ok(v) => {
                        data.set(Some(v));
                        editing.set(None);
                        save_problem.set(None);
                    }
                    Err(p) => {
                        if crate::forms::is_stale(&p)
                            && let Ok(v) = customers::sensitive(&api, id, section).await
                        {
                            data.set(Some(v));
                        }
                        save_problem.set(Some(p));
                    }
                }
            });
        })
    };
    let body = match (&*data, &*problem, &*editing) {
        (_, Some(p), _) if p.status == 403 => html! {
            <div class="restricted" data-restricted="true">
                <p><strong>{ tr(lang, "customer.restricted.title") }</strong></p>
                <p class="muted">{ tr(lang, "customer.restricted.section") }</p>
                <button class="btn btn-danger btn-small break-glass-open"
                        onclick={props.on_break_glass.reform(|_| ())}>{ tr(lang, "breakglass.open") }</button>
            </div>
        },
        (_, Some(p), _) => unavailable(lang, p),
        (None, _, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        (Some(_), _, Some(values)) => html! {
            <form class="form sensitive-form" onsubmit={save}>
                <ErrorBanner problem={(*save_problem).clone()} />
                { for fields.iter().zip(values.iter()).enumerate().map(|(i, (f, v))| {
                    let oninput = {
                        let editing = editing.clone();
                        Callback::from(move |e: InputEvent| {
                            let t: HtmlTextAreaElement = e.target_unchecked_into();
                            if let Some(mut vals) = (*editing).clone() {
                                vals[i] = t.value();
                                editing.set(Some(vals));
                            }
                        })
                    };
                    let id = format!("{}-{}", props.section_id, f.replace('_', "-"));
                    html! {
                        <div class="field">
                            <label for={id.clone()}>{ sensitive_label(lang, f) }</label>
                            <textarea id={id} rows="2" value={v.clone()} {oninput} />
                        </div>
                    }
                }) }
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary btn-small sensitive-save">{ tr(lang, "common.save") }</button>
                    <button type="button" class="btn btn-small" onclick={{ let e = editing.clone(); Callback::from(move |_| e.set(None)) }}>
                        { tr(lang, "common.cancel") }
                    </button>
                </div>
            </form>
        },
        (Some(v), _, None) => html! {
            <>
                { render_value(lang, v) }
                if can_write {
                    <button class="btn btn-small sensitive-edit" onclick={start_edit}>{ tr(lang, "common.edit") }</button>
                }
            </>
        },
    };
    html! {
        <div class="panel sensitive" id={props.section_id}>
            <h3>{ tr(lang, props.title_key) }</h3>
            { body }
        </div>
    }
}

/// Fields of a JSON object as a definition list (skipping ids and versions).
fn render_value(lang: Lang, v: &serde_json::Value) -> Html {
    let Some(obj) = v.as_object() else {
        return html! { <p>{ v.to_string() }</p> };
    };
    let rows: Vec<Html> = obj
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "id" | "customer_id" | "version" | "updated_by" | "updated_at"
            )
        })
        .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", ")),
                other => other.to_string(),
            };
            html! { <div class="kv"><dt>{ sensitive_label(lang, k) }</dt><dd>{ text }</dd></div> }
        })
        .collect();
    if rows.is_empty() {
        html! { <p class="muted">{ tr(lang, "common.empty") }</p> }
    } else {
        html! { <dl class="kv-grid">{ for rows }</dl> }
    }
}

fn sensitive_label(lang: Lang, key: &str) -> String {
    let k = match key {
        "allergies" => "medical.allergies",
        "family_history" | "genetic_history" => "medical.family_history",
        "chronic_conditions" => "medical.chronic_conditions",
        "information_needs" | "medical_information_needs" => "medical.information_needs",
        "preferences" => "private.preferences",
        "habits" => "private.habits",
        "family_background" => "private.family_background",
        "special_requirements" | "special_requests" => "private.special_requests",
        "updated_at" => "common.updated_at",
        _ => return key.to_string(),
    };
    tr(lang, k).to_string()
}
