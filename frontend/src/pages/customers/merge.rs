//! Merge a duplicate into this customer (CUS-10): pick it by search, compare side by side,
//! confirm; the counts of moved records are shown.

use std::collections::BTreeMap;

use hcrm_domain::Label;
use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::{Customer, CustomerSummary, MergeRequest};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::search::CustomerSearch;
use crate::services::customers;

#[derive(Properties, PartialEq)]
pub struct MergePageProps {
    pub id: Uuid,
}

#[component]
pub fn MergePage(props: &MergePageProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let keep = use_state(|| None::<Customer>);
    let other = use_state(|| None::<Customer>);
    let problem = use_state(|| None::<Problem>);
    let moved = use_state(|| None::<BTreeMap<String, usize>>);
    let busy = use_state(|| false);
    let id = props.id;
    {
        let (api, keep, problem) = (session.api.clone(), keep.clone(), problem.clone());
        use_effect_with(id, move |id| {
            let id = *id;
            yew::platform::spawn_local(async move {
                match customers::get(&api, id).await {
                    Ok(c) => keep.set(Some(c)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let on_pick = {
        let (api, other, problem) = (session.api.clone(), other.clone(), problem.clone());
        Callback::from(move |c: CustomerSummary| {
            let (api, other, problem) = (api.clone(), other.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match customers::get(&api, c.id).await {
                    Ok(c) => {
                        problem.set(None);
                        other.set(Some(c));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let confirm = {
        let (api, other, problem, moved, busy, keep) = (
            session.api.clone(),
            other.clone(),
            problem.clone(),
            moved.clone(),
            busy.clone(),
            keep.clone(),
        );
        Callback::from(move |_| {
            let Some(from) = other.as_ref().map(|o| o.id) else {
                return;
            };
            if from == id {
                return;
            }
            if !crate::pages::institutions::confirm(tr(lang, "merge.confirm.question")) {
                return;
            }
            busy.set(true);
            let (api, problem, moved, busy, keep) = (
                api.clone(),
                problem.clone(),
                moved.clone(),
                busy.clone(),
                keep.clone(),
            );
            yew::platform::spawn_local(async move {
                match customers::merge(&api, id, &MergeRequest { from_id: from }).await {
                    Ok(r) => {
                        keep.set(Some(r.customer));
                        moved.set(Some(r.moved));
                        problem.set(None);
                    }
                    Err(p) => problem.set(Some(p)),
                }
                busy.set(false);
            });
        })
    };
    let column = |c: Option<&Customer>, heading: &'static str| {
        let cell = |f: &dyn Fn(&Customer) -> String| c.map(f).unwrap_or_default();
        html! {
            <div class="merge-col">
                <h3>{ tr(lang, heading) }</h3>
                <dl class="kv-grid">
                    <div class="kv"><dt>{ tr(lang, "customer.name") }</dt><dd>{ cell(&|c| format!("{} ({})", c.name, c.form_of_address)) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.kind") }</dt><dd>{ cell(&|c| c.kind.label(lang).to_string()) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.gender_age") }</dt><dd>{ cell(&|c| format!("{} {}", c.gender.map(|g| g.label(lang)).unwrap_or(""), c.age.map(|a| a.to_string()).unwrap_or_default())) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.phone") }</dt><dd class="mono">{ cell(&|c| c.phones.join("、")) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.id_number") }</dt><dd class="mono">{ cell(&|c| c.id_number.clone().unwrap_or_default()) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.stage") }</dt><dd>{ cell(&|c| c.lifecycle_stage.label(lang).to_string()) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.tags") }</dt><dd>{ cell(&|c| c.tags.join("、")) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.created_at") }</dt><dd>{ cell(&|c| crate::pages::customers::local_time(c.created_at)) }</dd></div>
                </dl>
            </div>
        }
    };
    html! {
        <section class="page" id="merge-page">
            <div class="page-head">
                <h1>{ tr(lang, "merge.title") }</h1>
                <Link<Route> to={Route::Customer { id: id.to_string() }} classes="btn">{ tr(lang, "merge.back") }</Link<Route>>
            </div>
            <p class="muted">{ tr(lang, "merge.explain") }</p>
            <ErrorBanner problem={(*problem).clone()} />
            if let Some(m) = &*moved {
                <div id="merge-result" class="notice" role="status">
                    <p>{ tr(lang, "merge.done") }</p>
                    <ul>
                        { for m.iter().filter(|(_, n)| **n > 0).map(|(k, n)| html! {
                            <li data-module={k.clone()}>{ trf(lang, "merge.moved", &[module_label(lang, k), &n.to_string()]) }</li>
                        }) }
                    </ul>
                </div>
            } else {
                <CustomerSearch id="merge-search" results_id="merge-results" {on_pick} />
                <div class="merge-compare" id="merge-compare">
                    { column(keep.as_ref(), "merge.keep") }
                    { column(other.as_ref(), "merge.duplicate") }
                </div>
                <button id="merge-confirm" class="btn btn-danger" onclick={confirm}
                        disabled={other.is_none() || *busy || other.as_ref().is_some_and(|o| o.id == id)}>
                    { tr(lang, "merge.confirm") }
                </button>
            }
        </section>
    }
}

fn module_label(lang: hcrm_domain::Lang, module: &str) -> &str {
    match module {
        "contacts" => tr(lang, "contact.title"),
        "relations" => tr(lang, "relation.title"),
        "tasks" => tr(lang, "tasks.of_customer"),
        "tags" => tr(lang, "customer.tags"),
        "categories" => tr(lang, "customer.categories"),
        "phones" => tr(lang, "customer.phone"),
        "external_ids" => tr(lang, "customer.external_ids"),
        "stage_history" => tr(lang, "customer.stage.history"),
        "medical" => tr(lang, "customer.medical"),
        "private_notes" => tr(lang, "customer.private_notes"),
        "profile" => tr(lang, "merge.module.profile"),
        "break_glass" => tr(lang, "breakglass.reviews"),
        other => other,
    }
}
