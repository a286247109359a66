//! 咨询列表 and 每日统计 (SVC-1): the consultations of the caller's institutions, newest
//! first, filtered by state, channel or "mine", with the open ones closed from the row; and
//! the daily statistics of a day or period by agent, channel, department and day, with the
//! CSV download. Every value is worded in the reader's language.

use hcrm_domain::api::Page;
use hcrm_domain::api::consultation_stats::{ConsultationCounts, ConsultationStatistics};
use hcrm_domain::api::consultations::{
    Consultation, ConsultationChannel, ConsultationClose, ConsultationOutcome, ConsultationState,
};
use hcrm_domain::{Label, Lang};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::list::{page_head, use_loaded};
use crate::components::pager::Pager;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::list::save_file;
use crate::pages::customers::local_time;
use crate::pages::service::form::state_tag;
use crate::services::service;

const LIMIT: i64 = 50;

fn excerpt(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

/// One open consultation's close: the outcome chosen, then the button.
#[derive(Properties, PartialEq)]
struct CloseRowProps {
    consultation: Consultation,
    on_done: Callback<()>,
}

#[component]
fn CloseRow(props: &CloseRowProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let outcome = use_state(|| ConsultationOutcome::Answered.code().to_string());
    let problem = use_state(|| None::<hcrm_domain::api::Problem>);
    let c = &props.consultation;
    let onchange = {
        let outcome = outcome.clone();
        Callback::from(move |e: Event| {
            outcome.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let onclick = {
        let (api, outcome, problem, done) = (
            session.api.clone(),
            outcome.clone(),
            problem.clone(),
            props.on_done.clone(),
        );
        let (id, version) = (c.id, c.version);
        Callback::from(move |_: MouseEvent| {
            let Some(o) = ConsultationOutcome::from_code(&outcome) else {
                return;
            };
            let (api, problem, done) = (api.clone(), problem.clone(), done.clone());
            yew::platform::spawn_local(async move {
                let body = ConsultationClose {
                    outcome: o,
                    answer: None,
                    version: None,
                };
                match service::close_consultation(&api, id, version, &body).await {
                    Ok(_) => done.emit(()),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let closing: Vec<ConsultationOutcome> = ConsultationOutcome::ALL
        .into_iter()
        .filter(|o| o.closes())
        .collect();
    html! {
        <div class="row-actions">
            <select class="close-outcome" aria-label={tr(lang, "svc.outcome")} {onchange}>
                { for closing.iter().map(|o| html! {
                    <option value={o.code()} selected={o.code() == *outcome}>{ o.label(lang) }</option>
                }) }
            </select>
            <button type="button" class="btn close-consultation" {onclick}>{ tr(lang, "svc.close") }</button>
            <ErrorBanner problem={(*problem).clone()} />
        </div>
    }
}

/// `/service/consultations`.
#[component]
pub fn ConsultationsPage() -> Html {
    let lang = use_lang();
    let state = use_state(String::new);
    let channel = use_state(String::new);
    let mine = use_state(|| false);
    let offset = use_state(|| 0_i64);
    let mut filters = Vec::new();
    if !state.is_empty() {
        filters.push(format!("state={}", *state));
    }
    if !channel.is_empty() {
        filters.push(format!("channel={}", *channel));
    }
    if *mine {
        filters.push("mine=true".to_string());
    }
    let list = use_loaded::<Page<Consultation>>(service::consultations_path(
        &filters.join("&"),
        LIMIT,
        *offset,
    ));
    let pick = |s: UseStateHandle<String>| {
        let offset = offset.clone();
        Callback::from(move |e: Event| {
            s.set(e.target_unchecked_into::<HtmlSelectElement>().value());
            offset.set(0);
        })
    };
    let on_mine = {
        let (mine, offset) = (mine.clone(), offset.clone());
        Callback::from(move |e: Event| {
            mine.set(e.target_unchecked_into::<HtmlInputElement>().checked());
            offset.set(0);
        })
    };
    let reload = {
        let list = list.clone();
        Callback::from(move |_| list.reload())
    };
    let rows = match &*list.data {
        None => html! {},
        Some(p) if p.items.is_empty() => {
            html! { <p class="empty" id="consultations-empty">{ tr(lang, "svc.list.none") }</p> }
        }
        Some(p) => html! {
            <>
            <div class="grid-scroll">
            <table class="grid compact" id="consultations-table">
                <thead><tr>
                    <th>{ tr(lang, "svc.received") }</th>
                    <th>{ tr(lang, "svc.channel") }</th>
                    <th>{ tr(lang, "svc.customer") }</th>
                    <th>{ tr(lang, "svc.question") }</th>
                    <th>{ tr(lang, "svc.owner") }</th>
                    <th>{ tr(lang, "svc.state") }</th>
                    <th>{ tr(lang, "svc.outcome") }</th>
                    <th></th>
                </tr></thead>
                <tbody>
                { for p.items.iter().map(|c| html! {
                    <tr data-consultation-id={c.id.to_string()}>
                        <td class="mono">{ local_time(c.received_at) }</td>
                        <td>{ c.channel.label(lang) }</td>
                        <td>
                            <Link<Route> to={Route::Customer { id: c.customer_id.to_string() }}>{ &c.customer.form_of_address }</Link<Route>>
                            if let Some(p) = &c.customer.phone { { " " }<span class="mono muted">{ p }</span> }
                        </td>
                        <td>
                            if let Some(t) = &c.topic { <strong>{ t }</strong>{ " · " } }
                            { excerpt(&c.question, 60) }
                        </td>
                        <td>
                            { &c.owner.name }
                            if let Some(r) = c.referred_to.as_ref().or(c.referred_doctor.as_ref()) {
                                <span class="muted">{ format!(" → {}", r.name) }</span>
                            }
                        </td>
                        <td>{ state_tag(lang, c.state) }</td>
                        <td>{ c.outcome.map(|o| o.label(lang)).unwrap_or("—") }</td>
                        <td>
                            if c.state == ConsultationState::Open {
                                <CloseRow consultation={c.clone()} on_done={reload.clone()} />
                            }
                        </td>
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
            <Pager total={p.total} limit={p.limit} offset={p.offset}
                   on_offset={{ let offset = offset.clone(); Callback::from(move |o| offset.set(o)) }} />
            </>
        },
    };
    html! {
        <div class="page" id="consultations">
            <div class="page-head">
                <h1>{ tr(lang, "svc.list.title") }</h1>
                <Link<Route> to={Route::ConsultationNew} classes="btn btn-primary">
                    <span id="consultation-new-link">{ tr(lang, "svc.form.title") }</span>
                </Link<Route>>
            </div>
            <div class="filters">
                <CodeSelect id="consultations-state" label={tr(lang, "svc.state")} value={(*state).clone()}
                            onchange={pick(state.clone())}
                            options={coded_options(&ConsultationState::ALL, ConsultationState::code, lang)} />
                <CodeSelect id="consultations-channel" label={tr(lang, "svc.channel")} value={(*channel).clone()}
                            onchange={pick(channel.clone())}
                            options={coded_options(&ConsultationChannel::ALL, ConsultationChannel::code, lang)} />
                <label class="check"><input id="consultations-mine" type="checkbox" checked={*mine} onchange={on_mine} />{ tr(lang, "svc.mine") }</label>
            </div>
            { list.banner() }
            { rows }
        </div>
    }
}

fn counts_row(lang: Lang, name: String, c: &ConsultationCounts, max: i64) -> Html {
    let width = (c.received * 100 / max.max(1)).to_string();
    let _ = lang;
    html! {
        <tr>
            <td class="stats-item">
                <span>{ name }</span>
                <svg class="stats-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="bar" x="0" y="0" {width} height="6" /></svg>
            </td>
            { for c.cells().iter().map(|n| html! { <td class="num">{ n }</td> }) }
        </tr>
    }
}

fn counts_table(
    lang: Lang,
    id: &'static str,
    title: &'static str,
    rows: Vec<(String, ConsultationCounts)>,
) -> Html {
    let max = rows.iter().map(|r| r.1.received).max().unwrap_or(0);
    html! {
        <section class="stats-table" {id}>
            <h2>{ tr(lang, title) }</h2>
            <div class="grid-scroll">
            <table class="grid compact">
                <thead><tr>
                    <th>{ tr(lang, "cstats.item") }</th>
                    { for hcrm_domain::api::consultation_stats::COUNT_COLUMNS.iter().map(|(zh, en)| html! {
                        <th class="num">{ lang.pick(zh, en) }</th>
                    }) }
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|(name, c)| counts_row(lang, name.clone(), c, max)) }
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// `/service/statistics`: 每日统计.
#[component]
pub fn ConsultationStatsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let from = use_state(crate::clock::today_text);
    let to = use_state(crate::clock::today_text);
    let applied = use_state(|| (crate::clock::today_text(), crate::clock::today_text()));
    let problem = use_state(|| None::<hcrm_domain::api::Problem>);
    let stats =
        use_loaded::<ConsultationStatistics>(service::statistics_path(&applied.0, &applied.1));
    let input = |state: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let apply = {
        let (from, to, applied) = (from.clone(), to.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set(((*from).clone(), (*to).clone()));
        })
    };
    let csv = {
        let (api, applied, problem) = (session.api.clone(), applied.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, (f, t), problem) = (api.clone(), (*applied).clone(), problem.clone());
            let code = if lang == Lang::En { "en" } else { "zh" };
            yew::platform::spawn_local(async move {
                match service::statistics_csv(&api, &f, &t, code).await {
                    Ok(bytes) => save_file(
                        &bytes,
                        "text/csv;charset=utf-8",
                        "consultation-statistics.csv",
                    ),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let body = match &*stats.data {
        None => html! {},
        Some(s) => {
            let none = tr(lang, "svc.stats.no_department").to_string();
            html! {
                <>
                <p class="stats-period" id="svc-stats-period">
                    { format!("{} {} – {}", tr(lang, "cstats.period"), s.period.from, s.period.to) }
                </p>
                <p id="svc-stats-total" class="stats-total">
                    { format!("{}：{}", tr(lang, "svc.stats.total"), s.total.received) }
                </p>
                { counts_table(lang, "svc-stats-agents", "svc.stats.by_agent",
                    s.by_agent.iter().map(|a| (a.name.clone(), a.counts)).collect()) }
                { counts_table(lang, "svc-stats-channels", "svc.stats.by_channel",
                    s.by_channel.iter().map(|c| (c.channel.label(lang).to_string(), c.counts)).collect()) }
                { counts_table(lang, "svc-stats-departments", "svc.stats.by_department",
                    s.by_department.iter().map(|d| (d.name.clone().unwrap_or_else(|| none.clone()), d.counts)).collect()) }
                if s.by_day.len() > 1 {
                    { counts_table(lang, "svc-stats-days", "svc.stats.by_day",
                        s.by_day.iter().map(|d| (d.day.to_string(), d.counts)).collect()) }
                }
                </>
            }
        }
    };
    html! {
        <div class="page" id="consultation-stats">
            { page_head(lang, "svc.stats.title", None) }
            <form class="stats-filter" onsubmit={apply}>
                <label>{ tr(lang, "cstats.from") }
                    <input id="svc-stats-from" type="date" value={(*from).clone()} oninput={input(from.clone())} />
                </label>
                <label>{ tr(lang, "cstats.to") }
                    <input id="svc-stats-to" type="date" value={(*to).clone()} oninput={input(to.clone())} />
                </label>
                <button id="svc-stats-apply" class="btn btn-primary" type="submit">{ tr(lang, "cstats.apply") }</button>
                <button id="svc-stats-csv" class="btn" type="button" onclick={csv}>{ tr(lang, "cstats.csv") }</button>
            </form>
            { stats.banner() }
            <ErrorBanner problem={(*problem).clone()} />
            { body }
        </div>
    }
}
