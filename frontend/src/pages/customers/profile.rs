//! The 360 page's profile card (CUS-1 … CUS-8): who the customer is, every value in the
//! reader's language, and the stage history.

use hcrm_domain::api::customers::{Customer, StageChange};
use hcrm_domain::api::timeline::SystemStageReason;
use hcrm_domain::{Label, Lang, Permission};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::local_time;
use crate::services::customers;

#[derive(Properties, PartialEq)]
pub struct ProfileCardProps {
    pub customer: Customer,
}

#[component]
pub fn ProfileCard(props: &ProfileCardProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let c = &props.customer;
    let history = use_state(|| None::<Vec<StageChange>>);
    // The account manager's name when the user may read staff records; the id otherwise.
    let show_history = {
        let (api, history, id) = (session.api.clone(), history.clone(), c.id);
        Callback::from(move |_| {
            if history.is_some() {
                history.set(None);
                return;
            }
            let (api, history) = (api.clone(), history.clone());
            yew::platform::spawn_local(async move {
                if let Ok(h) = customers::stage_history(&api, id).await {
                    history.set(Some(h));
                }
            });
        })
    };
    let row = |key: &'static str, value: Html| {
        html! { <div class="kv"><dt>{ tr(lang, key) }</dt><dd>{ value }</dd></div> }
    };
    let text = |v: &Option<String>| html! { { v.clone().unwrap_or_else(|| "—".into()) } };
    let gender_age = {
        let mut parts = Vec::new();
        if let Some(g) = c.gender {
            parts.push(g.label(lang).to_string());
        }
        if let Some(a) = c.age {
            parts.push(format!("{a}{}", tr(lang, "customer.age.unit")));
        }
        if let Some(b) = c.birth_date {
            parts.push(b.to_string());
        }
        parts.join(" · ")
    };
    let address = [
        &c.address.province,
        &c.address.city,
        &c.address.district,
        &c.address.street,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect::<Vec<_>>()
    .join(" ");
    html! {
        <div class="panel profile-card" id="customer-profile">
            <div class="profile-head">
                <div>
                    <h1 id="customer-title">
                        <span class="c-name">{ &c.name }</span>
                        <span class="c-address">{ &c.form_of_address }</span>
                    </h1>
                    <div class="profile-tags">
                        <span class="tag tag-strong" data-kind={c.kind.code()}>{ c.kind.label(lang) }</span>
                        <span class={classes!("tag", "stage", format!("stage-{}", c.lifecycle_stage.code()))}
                              id="customer-stage-label">{ c.lifecycle_stage.label(lang) }</span>
                        { for c.categories.iter().map(|cat| html! { <span class="tag" data-category={cat.code()}>{ cat.label(lang) }</span> }) }
                        { for c.tags.iter().map(|t| html! { <span class="tag tag-user">{ t }</span> }) }
                    </div>
                </div>
                <div class="actions">
                    if session.can(Permission::CustomerWrite) {
                        <Link<Route> to={Route::CustomerEdit { id: c.id.to_string() }} classes="btn">
                            <span id="customer-edit">{ tr(lang, "common.edit") }</span>
                        </Link<Route>>
                    }
                    if session.can(Permission::CustomerMerge) {
                        <Link<Route> to={Route::CustomerMerge { id: c.id.to_string() }} classes="btn">
                            <span id="customer-merge">{ tr(lang, "merge.title") }</span>
                        </Link<Route>>
                    } else if session.can(Permission::ContactWrite) {
                        // Agents may not merge: they report a suspected duplicate (issue 9 item 10).
                        <Link<Route> to={Route::CustomerMerge { id: c.id.to_string() }} classes="btn">
                            <span id="customer-report-duplicate">{ tr(lang, "merge.report.title") }</span>
                        </Link<Route>>
                    }
                </div>
            </div>
            if c.masked {
                <p class="hint" id="customer-masked">{ tr(lang, "customer.masked") }</p>
            }
            <dl class="kv-grid">
                { row("customer.gender_age", html! { { if gender_age.is_empty() { "—".to_string() } else { gender_age } } }) }
                { row("customer.phone", html! { <span class="mono" id="customer-phones">{ if c.phones.is_empty() { "—".to_string() } else { c.phones.join(lang.pick("、", ", ")) } }</span> }) }
                { row("customer.id_number", html! {
                    <span class="mono" id="customer-id-number-value">
                        { c.id_type.map(|t| format!("{} ", t.label(lang))).unwrap_or_default() }
                        { c.id_number.clone().unwrap_or_else(|| "—".into()) }
                    </span>
                }) }
                if c.kind == hcrm_domain::customer::CustomerKind::Organization {
                    { row("customer.uscc", text(&c.uscc)) }
                    { row("customer.industry", text(&c.industry)) }
                } else {
                    { row("customer.occupation", text(&c.occupation)) }
                }
                { row("customer.landline", html! { <span class="mono">{ c.landline.clone().unwrap_or_else(|| "—".into()) }</span> }) }
                { row("customer.card_number", text(&c.card_number)) }
                { row("customer.email", text(&c.email)) }
                { row("customer.qq", text(&c.qq)) }
                { row("customer.wechat", text(&c.wechat)) }
                { row("customer.address", html! { { if address.is_empty() { "—".to_string() } else { address } } }) }
                { row("customer.stage", html! {
                    <>
                        { c.lifecycle_stage.label(lang) }{ " " }
                        <button id="customer-stage-history" class="btn btn-small btn-link" onclick={show_history}>
                            { tr(lang, "customer.stage.history") }
                        </button>
                    </>
                }) }
                { row("customer.relationship_type", html! { { c.relationship_type.map(|r| r.label(lang)).unwrap_or("—") } }) }
                { row("customer.source", html! {
                    { c.source_channel.map(|s| s.label(lang).to_string()).unwrap_or_else(|| "—".into()) }
                }) }
                { row("customer.source_detail", text(&c.source_detail)) }
                { row("customer.preferred_channel", html! { { preferred_contact(lang, c) } }) }
                { row("customer.account_manager", html! {
                    if let Some(name) = &c.account_manager_name {
                        <span id="customer-manager">{ name }</span>
                    } else {
                        <span class="mono" id="customer-manager">{ c.account_manager_id.map(crate::pages::customers::break_glass::short).unwrap_or_else(|| "—".into()) }</span>
                    }
                }) }
                { row("customer.external_ids", html! {
                    if c.external_ids.is_empty() { { "—" } } else {
                        { for c.external_ids.iter().map(|e| html! { <span class="tag mono">{ format!("{}: {}", e.system, e.external_id) }</span> }) }
                    }
                }) }
                { row("customer.notes", text(&c.notes)) }
            </dl>
            if let Some(h) = &*history {
                <table id="stage-history" class="grid compact">
                    <thead><tr>
                        <th>{ tr(lang, "customer.stage.at") }</th>
                        <th>{ tr(lang, "customer.stage.from") }</th>
                        <th>{ tr(lang, "customer.stage.to") }</th>
                        <th>{ tr(lang, "customer.stage_reason") }</th>
                    </tr></thead>
                    <tbody>
                        { for h.iter().map(|s| html! {
                            <tr>
                                <td>{ local_time(s.changed_at) }</td>
                                <td>{ s.from_stage.map(|f| f.label(lang)).unwrap_or("—") }</td>
                                <td>{ s.to_stage.label(lang) }</td>
                                <td>{ s.reason.as_deref().map(|r| SystemStageReason::display(r, lang)).unwrap_or_default() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

/// The preferred channel (a contact channel) and hours.
pub fn preferred_contact(lang: Lang, c: &Customer) -> String {
    let channel = c
        .preferred_channel
        .map_or("—".to_string(), |ch| ch.label(lang).to_string());
    match c.preferred_hours.as_deref() {
        Some(hours) if !hours.is_empty() => format!("{channel} {hours}"),
        _ => channel,
    }
}
