//! 客服工作台 — the agent's console (SVC-1, SVC-2): the phone box first. A number typed or
//! pasted finds the caller (the customer search); one match opens their card with their open
//! complaints and tasks, several are offered to pick from, none offers a new potential
//! customer with the number filled in. Enter in the phone box looks the number up; Tab walks
//! on to what was found.
//!
//! The rest of the service centre (SVC-1, SVC-3, SVC-6) lives beside it: the consultation
//! form (a component the console embeds), the consultations and their daily statistics, the
//! in-visit board and the service time limits.

mod arrivals;
mod booking;
mod caller;
pub mod consultations;
pub mod form;
pub mod in_visit;
pub mod time_limits;

use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::{CustomerCreate, CustomerSummary};
use hcrm_domain::{Label, Permission};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::services::customers;
use booking::Caller;

/// The digits of a number as typed or pasted (spaces, dashes, `+86` … dropped).
pub fn digits(phone: &str) -> String {
    let d: String = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    // A mainland mobile pasted with the country code.
    match d.strip_prefix("86") {
        Some(rest) if rest.len() == 11 && rest.starts_with('1') => rest.to_string(),
        _ => d,
    }
}

/// What the phone box found.
#[derive(Clone, PartialEq)]
enum Lookup {
    NotYet,
    Searching,
    Done(String, Vec<CustomerSummary>),
    Failed(Problem),
}

#[component]
pub fn ConsolePage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let phone = use_state(String::new);
    // The phone box has the focus when the console opens (autofocus only works on a page
    // load, not on a route change).
    let phone_box = use_node_ref();
    {
        let phone_box = phone_box.clone();
        use_effect_with((), move |_| {
            if let Some(i) = phone_box.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }
    let lookup = use_state(|| Lookup::NotYet);
    let chosen = use_state(|| None::<Uuid>);
    // The chosen caller once their record is read (the calendar books for them).
    let caller = use_state(|| None::<Caller>);
    // Counts the bookings made here: what shows appointments reads again.
    let bookings = use_state(|| 0_u32);
    let on_caller = {
        let caller = caller.clone();
        Callback::from(move |c: Caller| caller.set(Some(c)))
    };
    let on_booked = {
        let bookings = bookings.clone();
        Callback::from(move |()| bookings.set(*bookings + 1))
    };
    let caller_now = (*caller).clone().filter(|c| Some(c.id) == *chosen);

    let on_input = {
        let phone = phone.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            phone.set(i.value());
        })
    };
    let on_lookup = {
        let (api, phone, lookup, chosen) = (
            session.api.clone(),
            phone.clone(),
            lookup.clone(),
            chosen.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let number = digits(&phone);
            if number.len() < 4 {
                return;
            }
            lookup.set(Lookup::Searching);
            chosen.set(None);
            let (api, lookup, chosen) = (api.clone(), lookup.clone(), chosen.clone());
            yew::platform::spawn_local(async move {
                let params = [("q", number.clone()), ("limit", "5".into())];
                match customers::search(&api, &params).await {
                    Ok(page) => {
                        if let [only] = page.items.as_slice() {
                            chosen.set(Some(only.id));
                        }
                        lookup.set(Lookup::Done(number, page.items));
                    }
                    Err(p) => lookup.set(Lookup::Failed(p)),
                }
            });
        })
    };
    let pick = |id: Uuid| {
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| chosen.set(Some(id)))
    };
    let on_created = {
        let (chosen, lookup) = (chosen.clone(), lookup.clone());
        Callback::from(move |id: Uuid| {
            lookup.set(Lookup::NotYet);
            chosen.set(Some(id));
        })
    };

    let short = !phone.is_empty() && digits(&phone).len() < 4;
    let found = match &*lookup {
        Lookup::NotYet => html! {},
        Lookup::Searching => html! { <p class="muted">{ tr(lang, "console.searching") }</p> },
        Lookup::Failed(p) => html! { <ErrorBanner problem={Some(p.clone())} /> },
        Lookup::Done(number, list) if list.is_empty() => html! {
            <NewCaller number={number.clone()} on_created={on_created.clone()} />
        },
        Lookup::Done(_, list) if list.len() == 1 => html! {},
        Lookup::Done(_, list) => html! {
            <div class="panel" id="console-matches">
                <h2>{ trf(lang, "console.matches", &[&list.len().to_string()]) }</h2>
                <ul class="pick-list">
                    { for list.iter().map(|c| html! {
                        <li>
                            <button type="button" class={classes!("btn", (*chosen == Some(c.id)).then_some("selected"))}
                                    data-customer-id={c.id.to_string()} onclick={pick(c.id)}>
                                <span class="c-name">{ &c.name }</span>
                                if c.form_of_address != c.name {
                                    { " " }<span class="muted">{ &c.form_of_address }</span>
                                }
                                if let Some(p) = &c.phone { { " " }<span class="mono">{ p }</span> }
                                { " " }<span class="tag tag-muted">{ c.lifecycle_stage.label(lang) }</span>
                            </button>
                        </li>
                    }) }
                </ul>
            </div>
        },
    };

    html! {
        <section class="page console" id="console-page">
            <h1>{ tr(lang, "console.title") }</h1>
            <form class="panel phone-box" id="console-lookup" onsubmit={on_lookup} role="search">
                <label for="console-phone">{ tr(lang, "console.phone") }</label>
                <div class="phone-row">
                    <input id="console-phone" ref={phone_box} type="tel" inputmode="tel" autocomplete="off"
                           value={(*phone).clone()} oninput={on_input}
                           aria-invalid={short.to_string()} aria-describedby="console-phone-hint" />
                    <button id="console-find" type="submit" class="btn btn-primary">{ tr(lang, "console.find") }</button>
                </div>
                <p id="console-phone-hint" class={classes!("hint", short.then_some("field-error"))}>
                    { if short { field_error_text(lang, "phone") } else { tr(lang, "console.phone.hint") } }
                </p>
            </form>
            { found }
            if let Some(id) = *chosen {
                <caller::CallerPanel key={id.to_string()} {id} on_caller={on_caller}
                    bookings={*bookings} />
            }
            <booking::AppointmentCalendar caller={caller_now} {on_booked} />
            <arrivals::TodaysArrivals key={format!("arrivals-{}", *bookings)} />
            <arrivals::DoctorDirectory />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NewCallerProps {
    number: String,
    on_created: Callback<Uuid>,
}

/// Nobody has the number: a new potential customer with it (CUS-3), named by the agent.
#[component]
fn NewCaller(props: &NewCallerProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let can_create = session.can(Permission::CustomerWrite);
    let name = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let tried = use_state(|| false);
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            name.set(i.value());
        })
    };
    let blank = name.trim().is_empty();
    let on_submit = {
        let (api, name, busy, problem, tried) = (
            session.api.clone(),
            name.clone(),
            busy.clone(),
            problem.clone(),
            tried.clone(),
        );
        let (number, on_created) = (props.number.clone(), props.on_created.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            if *busy || name.trim().is_empty() {
                return;
            }
            busy.set(true);
            let body = CustomerCreate::potential(name.trim().to_string(), number.clone());
            let (api, busy, problem, on_created) = (
                api.clone(),
                busy.clone(),
                problem.clone(),
                on_created.clone(),
            );
            yew::platform::spawn_local(async move {
                // A caller who already is a customer under another number is a duplicate the
                // agent confirms on the customer page; here the number is new.
                let result = customers::create(&api, &body, false).await;
                busy.set(false);
                match result {
                    Ok(c) => on_created.emit(c.id),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let show_blank = *tried && blank;
    html! {
        <form class="panel" id="console-new" onsubmit={on_submit}>
            <h2>{ trf(lang, "console.unknown", &[&props.number]) }</h2>
            if can_create {
                <div class="field">
                    <label for="console-new-name">{ tr(lang, "console.new.name") }</label>
                    <input id="console-new-name" type="text" maxlength="100" value={(*name).clone()}
                           oninput={on_name} aria-invalid={show_blank.to_string()}
                           aria-describedby="console-new-name-error" />
                    if show_blank {
                        <p id="console-new-name-error" class="field-error">{ field_error_text(lang, "required") }</p>
                    }
                </div>
                <p class="hint">{ tr(lang, "console.new.hint") }</p>
                <ErrorBanner problem={(*problem).clone()} />
                <button id="console-create" type="submit" class="btn btn-primary" disabled={*busy}>
                    { tr(lang, if *busy { "common.saving" } else { "console.new.create" }) }
                </button>
            } else {
                <p class="muted">{ tr(lang, "console.new.not_allowed") }</p>
            }
        </form>
    }
}
