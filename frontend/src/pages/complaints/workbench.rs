//! 投诉工作台 — the supervisor's queue (CMP-5): open cases by urgency, each with a colour
//! countdown of its most urgent clock and, apart, the national feedback clock (CMP-5a);
//! filters by state, classification, breached and "mine" live in the URL.

use hcrm_domain::api::Page;
use hcrm_domain::api::complaints::ComplaintListItem;
use hcrm_domain::complaint::{ClockKind, ClockState, ComplaintCategory, ComplaintState};
use hcrm_domain::{Label, Permission};
use serde::{Deserialize, Serialize};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::countdown::Countdown;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::list::use_loaded;
use crate::components::pager::Pager;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::complaints::{CaseLink, kind_is_working, seconds, state_tag};
use crate::pages::customers::zoned_time;
use crate::services::complaints;

const PAGE_SIZE: i64 = 20;

/// The workbench's filters as they stand in the URL (`/complaints?state=…&breached=true`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub breached: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mine: bool,
    /// Closed cases too (the queue is of open ones).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offset: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl QueueQuery {
    /// The API's query: a chosen state speaks for itself; otherwise open cases unless `all`.
    fn api_path(&self) -> String {
        let flag = |b: bool| if b { "true".to_string() } else { String::new() };
        let open = if self.state.is_empty() && !self.all {
            "true".to_string()
        } else {
            String::new()
        };
        complaints::list_path(&[
            ("state", self.state.clone()),
            ("category", self.category.clone()),
            ("breached", flag(self.breached)),
            ("mine", flag(self.mine)),
            ("open", open),
            ("limit", PAGE_SIZE.to_string()),
            ("offset", self.offset.to_string()),
        ])
    }
}

/// `/complaints`.
#[component]
pub fn WorkbenchPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let location = use_location();
    let query: QueueQuery = location
        .as_ref()
        .and_then(|l| l.query::<QueueQuery>().ok())
        .unwrap_or_default();
    let loaded = use_loaded::<Page<ComplaintListItem>>(query.api_path());

    let push = {
        let navigator = navigator.clone();
        Callback::from(move |q: QueueQuery| {
            if let Some(n) = &navigator {
                let _ = n.push_with_query(&Route::Complaints, &q);
            }
        })
    };
    let select = |apply: fn(&mut QueueQuery, String)| {
        let (push, query) = (push.clone(), query.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let mut q = query.clone();
            apply(&mut q, s.value());
            q.offset = 0;
            push.emit(q);
        })
    };
    let check = |apply: fn(&mut QueueQuery, bool)| {
        let (push, query) = (push.clone(), query.clone());
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut q = query.clone();
            apply(&mut q, i.checked());
            q.offset = 0;
            push.emit(q);
        })
    };
    let on_offset = {
        let (push, query) = (push.clone(), query.clone());
        Callback::from(move |offset: i64| {
            push.emit(QueueQuery {
                offset,
                ..query.clone()
            })
        })
    };
    let new_case = {
        let navigator = navigator.clone();
        Callback::from(move |e: MouseEvent| {
            if crate::components::shell::opens_elsewhere(&e) {
                return;
            }
            e.prevent_default();
            if let Some(n) = &navigator {
                n.push(&Route::ComplaintNew);
            }
        })
    };

    let rows = match &*loaded.data {
        None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
        Some(p) if p.items.is_empty() => {
            html! { <li class="muted queue-empty">{ tr(lang, "complaints.queue.empty") }</li> }
        }
        Some(p) => p.items.iter().map(|c| queue_row(lang, c)).collect(),
    };
    html! {
        <section class="page" id="complaints-page">
            <div class="page-head">
                <h1>{ tr(lang, "complaints.title") }</h1>
                if session.can(Permission::ComplaintWrite) {
                    <a id="complaint-new" class="btn btn-primary" href={Route::ComplaintNew.to_path()}
                       onclick={new_case}>{ tr(lang, "complaints.new") }</a>
                }
            </div>
            <div class="toolbar queue-filters" id="complaint-filters">
                <CodeSelect id="filter-state" label={tr(lang, "complaints.filter.state")}
                            value={query.state.clone()}
                            onchange={select(|q, v| q.state = v)}
                            options={coded_options(&ComplaintState::ALL, ComplaintState::code, lang)} />
                <CodeSelect id="filter-category" label={tr(lang, "complaints.filter.category")}
                            value={query.category.clone()}
                            onchange={select(|q, v| q.category = v)}
                            options={coded_options(&ComplaintCategory::ALL, ComplaintCategory::code, lang)} />
                <label class="check">
                    <input id="filter-breached" type="checkbox" checked={query.breached}
                           onchange={check(|q, b| q.breached = b)} />
                    { tr(lang, "complaints.filter.breached") }
                </label>
                <label class="check">
                    <input id="filter-mine" type="checkbox" checked={query.mine}
                           onchange={check(|q, b| q.mine = b)} />
                    { tr(lang, "complaints.filter.mine") }
                </label>
                <label class="check">
                    <input id="filter-all" type="checkbox" checked={query.all}
                           onchange={check(|q, b| q.all = b)} />
                    { tr(lang, "complaints.filter.all") }
                </label>
            </div>
            { loaded.banner() }
            <ul id="complaint-queue" class="queue">{ rows }</ul>
            if let Some(p) = &*loaded.data {
                <Pager total={p.total} limit={PAGE_SIZE} offset={query.offset} {on_offset} />
            }
        </section>
    }
}

/// One case of the queue: number, state, classification, complainant, both clocks.
fn queue_row(lang: hcrm_domain::Lang, c: &ComplaintListItem) -> Html {
    let group = match (c.urgent_clock, c.urgent_seconds_left) {
        (Some(kind), Some(left)) if kind != ClockKind::National => html! {
            <Countdown state={ClockState::Running} left={seconds(left)} working={kind_is_working(kind)}
                       deadline={c.urgent_deadline} compact=true label={AttrValue::from(kind.label(lang))}
                       zone={AttrValue::from(c.time_zone.clone())} />
        },
        _ => html! {},
    };
    let national = match c.national_seconds_left {
        Some(left) => html! {
            <Countdown state={if c.waiting_on_patient { ClockState::Paused } else { ClockState::Running }}
                       left={seconds(left)} working=true compact=true
                       label={AttrValue::from(ClockKind::National.label(lang))} />
        },
        None => html! {},
    };
    html! {
        <li class={classes!("queue-row", c.breached.then_some("queue-breached"))} key={c.id.to_string()}
            data-complaint-id={c.id.to_string()} data-number={c.number.clone()}>
            <div class="queue-head">
                <CaseLink id={c.id} class={classes!("queue-number", "mono")}>{ &c.number }</CaseLink>
                { state_tag(lang, c.state) }
                if let Some(cat) = c.category {
                    <span class="tag tag-muted">{ cat.label(lang) }</span>
                }
                if let Some(sev) = c.severity {
                    <span class="tag tag-muted">{ sev.label(lang) }</span>
                }
                if c.major_dispute {
                    <span class="tag tag-danger">{ tr(lang, "complaints.major_dispute") }</span>
                }
                if c.waiting_on_patient {
                    <span class="tag badge-warn">{ tr(lang, "complaints.waiting") }</span>
                }
                if c.breached {
                    <span class="tag tag-danger">{ tr(lang, "complaints.breached") }</span>
                }
            </div>
            <div class="queue-meta">
                <span class="c-name">{ &c.complainant }</span>
                <span class="muted">{ c.channel.label(lang) }</span>
                <span class="muted">{ trf(lang, "complaints.received_at", &[&zoned_time(c.received_at, &c.time_zone)]) }</span>
            </div>
            <div class="queue-clocks">{ group }{ national }</div>
        </li>
    }
}
