//! Relations between customers on the 360 page (CUS-7): family, employer, referrer.

use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::{Customer, CustomerSummary};
use hcrm_domain::customer::RelationKind;
use hcrm_domain::{Label, Permission};
use uuid::Uuid;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::list::use_loaded;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::search::{CustomerLink, CustomerSearch};
use crate::pages::customers::view::unavailable;
use crate::pages::customers::{Items, RelationCreate};
use crate::services::customers;

#[derive(Properties, PartialEq)]
pub struct RelationsProps {
    pub customer: Customer,
}

#[component]
pub fn RelationsSection(props: &RelationsProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let adding = use_state(|| false);
    let kind = use_state(|| RelationKind::Spouse);
    let picked = use_state(|| None::<CustomerSummary>);
    let save_problem = use_state(|| None::<Problem>);
    let id = props.customer.id;
    let relations = use_loaded::<customers::Relations>(customers::relations_path(id));
    let reload = relations.reloader();
    let toggle = {
        let adding = adding.clone();
        Callback::from(move |_| adding.set(!*adding))
    };
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |c: CustomerSummary| picked.set(Some(c)))
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(k) = RelationKind::from_code(&s.value()) {
                kind.set(k);
            }
        })
    };
    let save = {
        let (api, picked, kind, save_problem, reload, adding) = (
            session.api.clone(),
            picked.clone(),
            kind.clone(),
            save_problem.clone(),
            reload.clone(),
            adding.clone(),
        );
        Callback::from(move |_| {
            let Some(other) = (*picked).clone() else {
                return;
            };
            // The select says what the other customer is to this one; storage says what
            // this one is to the other (crates/hcrm-domain/src/api/relations.rs).
            let body = RelationCreate {
                to_id: other.id,
                kind: kind.inverse(),
                note: None,
            };
            let (api, save_problem, reload, adding, picked) = (
                api.clone(),
                save_problem.clone(),
                reload.clone(),
                adding.clone(),
                picked.clone(),
            );
            yew::platform::spawn_local(async move {
                match customers::add_relation(&api, id, &body).await {
                    Ok(_) => {
                        save_problem.set(None);
                        adding.set(false);
                        picked.set(None);
                        reload.emit(());
                    }
                    Err(p) => save_problem.set(Some(p)),
                }
            });
        })
    };
    let can_write = session.can(Permission::RelationWrite);
    let remove = |rid: Uuid| {
        let (api, reload, save_problem) =
            (session.api.clone(), reload.clone(), save_problem.clone());
        Callback::from(move |_| {
            if !crate::pages::institutions::confirm(tr(lang, "relation.remove.confirm")) {
                return;
            }
            let (api, reload, save_problem) = (api.clone(), reload.clone(), save_problem.clone());
            yew::platform::spawn_local(async move {
                match customers::remove_relation(&api, id, rid).await {
                    Ok(_) => reload.emit(()),
                    Err(p) => save_problem.set(Some(p)),
                }
            });
        })
    };
    html! {
        <div class="panel" id="relations">
            <div class="panel-head">
                <h3>{ tr(lang, "relation.title") }</h3>
                if can_write && relations.problem.is_none() {
                    <button id="relation-add" class="btn btn-small" onclick={toggle}>{ tr(lang, "relation.add") }</button>
                }
            </div>
            <ErrorBanner problem={(*save_problem).clone()} />
            if *adding {
                <div id="relation-new" class="form">
                    <select id="relation-kind" onchange={on_kind}>
                        { for RelationKind::ALL.iter().filter(|k| picked.as_ref().is_none_or(|o| k.inverse().allowed(props.customer.kind, o.kind))).map(|k| html! {
                            <option value={k.code()} selected={*kind == *k}>{ k.label(lang) }</option>
                        }) }
                    </select>
                    if let Some(o) = &*picked {
                        <p>{ trf(lang, "relation.picked", &[&o.name]) }</p>
                        <button id="relation-save" class="btn btn-primary btn-small" onclick={save}>{ tr(lang, "common.save") }</button>
                    } else {
                        <CustomerSearch id="relation-search" results_id="relation-results" {on_pick} />
                    }
                </div>
            }
            {
                match (relations.data.as_ref().map(Items::as_slice), &*relations.problem) {
                    (_, Some(p)) => unavailable(lang, p),
                    (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
                    (Some([]), _) => html! { <p class="muted">{ tr(lang, "relation.none") }</p> },
                    (Some(l), _) => html! {
                        <ul class="relation-list">
                            { for l.iter().map(|r| html! {
                                <li data-relation-id={r.id.to_string()}>
                                    <span class="tag">{ r.kind.inverse().label(lang) }</span>{ " " }
                                    <CustomerLink id={r.other_id}>{ &r.other_name }</CustomerLink>
                                    { " " }<span class="muted">{ &r.other_form_of_address }</span>
                                    if can_write {
                                        { " " }
                                        <button class="btn btn-small btn-link" onclick={remove(r.id)}>{ tr(lang, "relation.remove") }</button>
                                    }
                                </li>
                            }) }
                        </ul>
                    },
                }
            }
        </div>
    }
}
