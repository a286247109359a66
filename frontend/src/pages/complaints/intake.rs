//! 登记投诉 — the agent's intake (CMP-1, 首诉负责制), phone first: the number typed finds the
//! customer (the customer search) or leaves the name of a new potential customer to fill;
//! then channel, what happened and when, the departments and staff involved, the patient's
//! demands, and "settled on the spot" with its outcome. Saved, it shows the case number and
//! the reply time to promise the patient. Tab walks the form in order; Enter in the phone box
//! looks the number up, Enter on the button saves.

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use hcrm_domain::Label;
use hcrm_domain::api::Page;
use hcrm_domain::api::Problem;
use hcrm_domain::api::complaints::{
    Complaint, ComplaintCreate, InvolvedDepartment, InvolvedStaff, NewComplainant,
};
use hcrm_domain::api::customers::CustomerSummary;
use hcrm_domain::api::org::Department;
use hcrm_domain::complaint::{ComplaintChannel, ComplaintState};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::form::{ErrorSummary, SummaryLine, no_enter_submit, use_reveal_errors};
use crate::components::list::use_loaded;
use crate::forms::{self, FieldErrors};
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::pages::complaints::{CaseLink, state_tag};
use crate::pages::customers::zoned_time;
use crate::services::{complaints, customers, org};

const FORM_ID: &str = "complaint-form";
const SUMMARY_ID: &str = "complaint-errors";
/// The `datetime-local` input's format.
const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// What the phone lookup found.
#[derive(Clone, PartialEq)]
enum Lookup {
    NotYet,
    Searching,
    Done(Vec<CustomerSummary>),
}

#[derive(Clone, PartialEq)]
struct Draft {
    phone: String,
    new_name: String,
    channel: String,
    description: String,
    occurred: String,
    received: String,
    departments: Vec<Uuid>,
    staff: String,
    demands: String,
    major_dispute: bool,
    settled: bool,
    outcome: String,
}

fn now_local() -> String {
    Local::now().format(LOCAL_FORMAT).to_string()
}

impl Draft {
    fn new() -> Draft {
        Draft {
            phone: String::new(),
            new_name: String::new(),
            channel: ComplaintChannel::Phone.code().to_string(),
            description: String::new(),
            occurred: String::new(),
            received: now_local(),
            departments: Vec::new(),
            staff: String::new(),
            demands: String::new(),
            major_dispute: false,
            settled: false,
            outcome: String::new(),
        }
    }
}

/// A `datetime-local` value as an instant of the browser's time zone.
fn parse_local(text: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), LOCAL_FORMAT).ok()?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The digits of a phone number as typed (spaces and dashes dropped).
fn digits(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// The live checks; field names are the API's where it has them.
/// `customer`: the one picked from the lookup; `None` after a lookup: a new one.
fn check(d: &Draft, lookup: &Lookup, customer: Option<Uuid>) -> FieldErrors {
    let mut e = FieldErrors::new();
    let new_customer = matches!(lookup, Lookup::Done(_)) && customer.is_none();
    match lookup {
        Lookup::Done(_) if customer.is_some() => {}
        Lookup::Done(_) if hcrm_domain::validation::mobile(&digits(&d.phone)).is_err() => {
            e.insert("phone".into(), "mobile".into());
        }
        Lookup::Done(_) => {}
        _ if d.phone.trim().is_empty() => {
            e.insert("phone".into(), "required".into());
        }
        // Typed but not looked up yet: the save looks it up first.
        _ => {}
    }
    if new_customer && d.new_name.trim().is_empty() {
        e.insert("new_customer".into(), "required".into());
    }
    if ComplaintChannel::from_code(&d.channel).is_none() {
        e.insert("channel".into(), "required".into());
    }
    if d.description.trim().is_empty() {
        e.insert("description".into(), "required".into());
    }
    if !d.occurred.trim().is_empty() && parse_local(&d.occurred).is_none() {
        e.insert("occurred_at".into(), "date".into());
    }
    if parse_local(&d.received).is_none() {
        e.insert("received_at".into(), "date".into());
    }
    if d.settled && d.outcome.trim().is_empty() {
        e.insert("outcome".into(), "required".into());
    }
    e
}

fn body(d: &Draft, customer: Option<Uuid>, received_changed: bool) -> ComplaintCreate {
    let new_customer = customer.is_none().then(|| NewComplainant {
        name: d.new_name.trim().to_string(),
        mobile: digits(&d.phone),
    });
    ComplaintCreate {
        institution_id: None,
        channel: ComplaintChannel::from_code(&d.channel).unwrap_or(ComplaintChannel::Phone),
        customer_id: customer,
        new_customer,
        description: d.description.trim().to_string(),
        occurred_at: parse_local(&d.occurred),
        // Untouched, "now" is the server's now (the page may have been open a while).
        received_at: if received_changed {
            parse_local(&d.received)
        } else {
            None
        },
        departments: d
            .departments
            .iter()
            .map(|id| InvolvedDepartment {
                department_id: Some(*id),
                name: None,
            })
            .collect(),
        staff: d
            .staff
            .split([',', '，', '、', ';', '；'])
            .filter_map(forms::opt)
            .map(|name| InvolvedStaff {
                doctor_id: None,
                user_id: None,
                name: Some(name),
            })
            .collect(),
        demands: forms::opt(&d.demands),
        category: None,
        severity: None,
        major_dispute: d.major_dispute,
        settled_on_spot: d.settled,
        outcome: d.settled.then(|| forms::opt(&d.outcome)).flatten(),
    }
}

/// Which input a field's error points at, and its label key.
fn target(field: &str) -> (&'static str, &'static str) {
    match field {
        "phone" | "customer_id" => ("complainant-phone", "complaints.phone"),
        "new_customer" => ("complainant-name", "complaints.new_name"),
        "channel" => ("complaint-channel", "complaints.channel"),
        "description" => ("complaint-description", "complaints.description"),
        "occurred_at" => ("complaint-occurred", "complaints.occurred_at"),
        "received_at" => ("complaint-received", "complaints.received"),
        "departments" => ("complaint-departments", "complaints.departments"),
        "staff" => ("complaint-staff", "complaints.staff"),
        "demands" => ("complaint-demands", "complaints.demands"),
        "outcome" => ("complaint-outcome", "complaints.outcome"),
        _ => ("complaint-description", "complaints.description"),
    }
}

/// `/complaints/new`.
#[component]
pub fn IntakePage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let draft = use_state(Draft::new);
    let lookup = use_state(|| Lookup::NotYet);
    // Apart from the draft: the lookup's answer comes after more typing may have happened.
    let customer = use_state(|| None::<Uuid>);
    let received_changed = use_state(|| false);
    let submitted = use_state(|| false);
    let refusals = use_state(|| 0_u32);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let server_errors = use_state(FieldErrors::new);
    let created = use_state(|| None::<Complaint>);
    let departments =
        use_loaded::<Page<Department>>(format!("{}?active=true&limit=200", org::DEPARTMENTS));
    let phone_ref = use_node_ref();
    use_reveal_errors(FORM_ID, SUMMARY_ID, *refusals);
    {
        // The phone box takes the keyboard when the form opens (and again for the next case).
        let (phone_ref, is_created) = (phone_ref.clone(), created.is_some());
        use_effect_with(is_created, move |is_created| {
            if !is_created && let Some(i) = phone_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }

    let live = check(&draft, &lookup, *customer);
    let mut shown = if *submitted {
        live.clone()
    } else {
        FieldErrors::new()
    };
    for (f, c) in server_errors.iter() {
        shown.entry(f.clone()).or_insert_with(|| c.clone());
    }
    let err = |f: &str| shown.get(f).cloned();

    // Looks the number up: the customers it matches, the first one picked.
    let run_lookup = {
        let (api, customer, lookup) = (session.api.clone(), customer.clone(), lookup.clone());
        Callback::from(move |phone: String| {
            let q = digits(&phone);
            if q.len() < 4 {
                return;
            }
            lookup.set(Lookup::Searching);
            let (api, customer, lookup) = (api.clone(), customer.clone(), lookup.clone());
            yew::platform::spawn_local(async move {
                let found = customers::search(&api, &[("q", q), ("limit", "5".into())])
                    .await
                    .map(|p| p.items)
                    .unwrap_or_default();
                customer.set(found.first().map(|c| c.id));
                lookup.set(Lookup::Done(found));
            });
        })
    };
    let on_phone = {
        let (draft, lookup, run_lookup, customer) = (
            draft.clone(),
            lookup.clone(),
            run_lookup.clone(),
            customer.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let value = i.value();
            let mut d = (*draft).clone();
            d.phone = value.clone();
            draft.set(d);
            customer.set(None);
            lookup.set(Lookup::NotYet);
            // A whole mobile number looks itself up.
            if digits(&value).len() == 11 {
                run_lookup.emit(value);
            }
        })
    };
    let on_phone_key = {
        let (draft, run_lookup) = (draft.clone(), run_lookup.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                e.stop_propagation();
                run_lookup.emit(draft.phone.clone());
            }
        })
    };
    let on_lookup_click = {
        let (draft, run_lookup) = (draft.clone(), run_lookup.clone());
        Callback::from(move |_: MouseEvent| run_lookup.emit(draft.phone.clone()))
    };
    let pick = |id: Option<Uuid>| {
        let customer = customer.clone();
        Callback::from(move |_: Event| customer.set(id))
    };
    let text = |apply: fn(&mut Draft, String)| {
        let (draft, server_errors) = (draft.clone(), server_errors.clone());
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_else(|| e.target_unchecked_into::<HtmlInputElement>().value());
            let mut d = (*draft).clone();
            apply(&mut d, value);
            draft.set(d);
            if !server_errors.is_empty() {
                server_errors.set(FieldErrors::new());
            }
        })
    };
    let on_received = {
        let (draft, received_changed) = (draft.clone(), received_changed.clone());
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            d.received = i.value();
            draft.set(d);
            received_changed.set(true);
        })
    };
    let on_channel = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            d.channel = s.value();
            draft.set(d);
        })
    };
    let flag = |apply: fn(&mut Draft, bool)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            apply(&mut d, i.checked());
            draft.set(d);
        })
    };
    let toggle_department = |id: Uuid| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            d.departments.retain(|x| *x != id);
            if i.checked() {
                d.departments.push(id);
            }
            draft.set(d);
        })
    };

    let onsubmit = {
        let (api, draft, lookup, customer) = (
            session.api.clone(),
            draft.clone(),
            lookup.clone(),
            customer.clone(),
        );
        let (submitted, refusals, busy, problem, server_errors, created) = (
            submitted.clone(),
            refusals.clone(),
            busy.clone(),
            problem.clone(),
            server_errors.clone(),
            created.clone(),
        );
        let (received_changed, run_lookup) = (*received_changed, run_lookup.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            // A number typed but not looked up yet: look it up first, the agent then sees who.
            if matches!(*lookup, Lookup::NotYet) && !draft.phone.trim().is_empty() {
                run_lookup.emit(draft.phone.clone());
                return;
            }
            if !check(&draft, &lookup, *customer).is_empty() || !matches!(*lookup, Lookup::Done(_))
            {
                refusals.set(*refusals + 1);
                return;
            }
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let body = body(&draft, *customer, received_changed);
            let (api, busy, problem, server_errors, refusals, created) = (
                api.clone(),
                busy.clone(),
                problem.clone(),
                server_errors.clone(),
                refusals.clone(),
                created.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = complaints::create(&api, &body).await;
                busy.set(false);
                match result {
                    Ok(c) => created.set(Some(c)),
                    Err(p) => {
                        server_errors.set(forms::from_problem(&p));
                        problem.set(Some(p));
                        refusals.set(*refusals + 1);
                    }
                }
            });
        })
    };
    let another = {
        let (draft, lookup, created, submitted, received_changed, customer) = (
            draft.clone(),
            lookup.clone(),
            created.clone(),
            submitted.clone(),
            received_changed.clone(),
            customer.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            draft.set(Draft::new());
            customer.set(None);
            lookup.set(Lookup::NotYet);
            submitted.set(false);
            received_changed.set(false);
            created.set(None);
        })
    };

    if let Some(c) = &*created {
        return html! {
            <section class="page" id="complaint-intake">
                <h1>{ tr(lang, "complaints.intake.title") }</h1>
                <Created complaint={c.clone()} {another} />
            </section>
        };
    }

    let summary: Vec<SummaryLine> = shown
        .iter()
        .map(|(f, code)| {
            let (id, label) = target(f);
            SummaryLine {
                target: id.into(),
                label: tr(lang, label).into(),
                code: code.clone(),
            }
        })
        .collect();
    let found = match &*lookup {
        Lookup::NotYet => html! {},
        Lookup::Searching => html! { <p class="muted">{ tr(lang, "complaints.lookup.busy") }</p> },
        Lookup::Done(list) => {
            let new_chosen = customer.is_none();
            html! {
                <fieldset class="choices complainant-choices" id="complainant-results">
                    <legend>{ if list.is_empty() { tr(lang, "complaints.lookup.none") } else { tr(lang, "complaints.lookup.found") } }</legend>
                    { for list.iter().map(|c| {
                        let id = format!("complainant-{}", c.id);
                        html! {
                            <label class="check complainant-option" for={id.clone()} data-customer-id={c.id.to_string()}>
                                <input type="radio" name="complainant" id={id} checked={*customer == Some(c.id)}
                                       onchange={pick(Some(c.id))} />
                                <span class="c-name">{ &c.name }</span>
                                if c.form_of_address != c.name {
                                    <span class="c-address muted">{ &c.form_of_address }</span>
                                }
                                if let Some(p) = &c.phone { <span class="mono">{ p }</span> }
                                <span class="tag tag-muted">{ c.lifecycle_stage.label(lang) }</span>
                            </label>
                        }
                    }) }
                    <label class="check complainant-option" for="complainant-new">
                        <input type="radio" name="complainant" id="complainant-new" checked={new_chosen}
                               onchange={pick(None)} />
                        { tr(lang, "complaints.lookup.new") }
                    </label>
                    if new_chosen {
                        <div class={classes!("field", err("new_customer").is_some().then_some("has-error"))}>
                            <label for="complainant-name">{ tr(lang, "complaints.new_name") }<span class="req">{ "*" }</span></label>
                            <input id="complainant-name" type="text" value={draft.new_name.clone()}
                                   oninput={text(|d, v| d.new_name = v)}
                                   aria-invalid={err("new_customer").is_some().then_some("true")} />
                            if let Some(code) = err("new_customer") {
                                <div class="field-error">{ field_error_text(lang, &code) }</div>
                            } else {
                                <div class="hint">{ tr(lang, "complaints.new_name.hint") }</div>
                            }
                        </div>
                    }
                </fieldset>
            }
        }
    };
    let department_list = match &*departments.data {
        None => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        Some(p) if p.items.is_empty() => {
            html! { <p class="muted">{ tr(lang, "complaints.departments.none") }</p> }
        }
        Some(p) => html! {
            <div class="choice-list">
                { for p.items.iter().map(|dep| {
                    let id = format!("complaint-dep-{}", dep.id);
                    html! {
                        <label class="check" for={id.clone()}>
                            <input type="checkbox" id={id} checked={draft.departments.contains(&dep.id)}
                                   onchange={toggle_department(dep.id)} />
                            { &dep.name }
                        </label>
                    }
                }) }
            </div>
        },
    };
    let field_class = |f: &str| classes!("field", err(f).is_some().then_some("has-error"));
    let error_line = |f: &str| match err(f) {
        Some(code) => html! { <div class="field-error">{ field_error_text(lang, &code) }</div> },
        None => html! {},
    };
    html! {
        <section class="page" id="complaint-intake">
            <h1>{ tr(lang, "complaints.intake.title") }</h1>
            <p class="muted intake-lead">{ tr(lang, "complaints.intake.lead") }</p>
            <form id={FORM_ID} class="form panel intake-form" onsubmit={onsubmit} onkeydown={no_enter_submit()} novalidate=true>
                <ErrorSummary id={SUMMARY_ID} lines={summary} />
                // The new complainant's number is a customer's after all: say what to do.
                if problem.as_ref().is_some_and(|p| p.code() == "possible_duplicate") {
                    <div class="error-banner" role="alert" data-code="possible_duplicate">
                        { tr(lang, "complaints.possible_duplicate") }
                    </div>
                } else {
                    <ErrorBanner problem={(*problem).clone()} />
                }
                <fieldset class="form-section">
                    <legend>{ tr(lang, "complaints.section.complainant") }</legend>
                    <div class={field_class("phone")}>
                        <label for="complainant-phone">{ tr(lang, "complaints.phone") }<span class="req">{ "*" }</span></label>
                        <div class="lookup-row">
                            <input id="complainant-phone" type="tel" inputmode="tel" autocomplete="off" ref={phone_ref}
                                   value={draft.phone.clone()} oninput={on_phone} onkeydown={on_phone_key}
                                   aria-invalid={err("phone").is_some().then_some("true")}
                                   aria-describedby="complainant-phone-hint" />
                            <button id="complainant-lookup" type="button" class="btn" onclick={on_lookup_click}>
                                { tr(lang, "complaints.lookup") }
                            </button>
                        </div>
                        if err("phone").is_some() {
                            { error_line("phone") }
                        } else {
                            <div class="hint" id="complainant-phone-hint">{ tr(lang, "complaints.phone.hint") }</div>
                        }
                    </div>
                    { found }
                </fieldset>
                <fieldset class="form-section">
                    <legend>{ tr(lang, "complaints.section.what") }</legend>
                    <div class="form-grid">
                        <CodeSelect id="complaint-channel" label={tr(lang, "complaints.channel")}
                                    value={draft.channel.clone()} onchange={on_channel}
                                    options={coded_options(&ComplaintChannel::ALL, ComplaintChannel::code, lang)}
                                    error={err("channel")} />
                    </div>
                    <div class={field_class("description")}>
                        <label for="complaint-description">{ tr(lang, "complaints.description") }<span class="req">{ "*" }</span></label>
                        <textarea id="complaint-description" rows="4" value={draft.description.clone()}
                                  oninput={text(|d, v| d.description = v)}
                                  aria-invalid={err("description").is_some().then_some("true")} />
                        { error_line("description") }
                    </div>
                    <div class={field_class("demands")}>
                        <label for="complaint-demands">{ tr(lang, "complaints.demands") }</label>
                        <textarea id="complaint-demands" rows="2" value={draft.demands.clone()}
                                  oninput={text(|d, v| d.demands = v)} />
                        { error_line("demands") }
                    </div>
                    <div class="form-grid">
                        <div class={field_class("received_at")}>
                            <label for="complaint-received">{ tr(lang, "complaints.received") }</label>
                            <input id="complaint-received" type="datetime-local" value={draft.received.clone()}
                                   oninput={on_received} aria-invalid={err("received_at").is_some().then_some("true")} />
                            { error_line("received_at") }
                        </div>
                        <div class={field_class("occurred_at")}>
                            <label for="complaint-occurred">{ tr(lang, "complaints.occurred_at") }</label>
                            <input id="complaint-occurred" type="datetime-local" value={draft.occurred.clone()}
                                   oninput={text(|d, v| d.occurred = v)}
                                   aria-invalid={err("occurred_at").is_some().then_some("true")} />
                            { error_line("occurred_at") }
                        </div>
                    </div>
                </fieldset>
                <fieldset class="form-section">
                    <legend>{ tr(lang, "complaints.section.involved") }</legend>
                    <div class="field" id="complaint-departments" tabindex="-1">
                        <span class="field-label">{ tr(lang, "complaints.departments") }</span>
                        { department_list }
                        { error_line("departments") }
                    </div>
                    <div class={field_class("staff")}>
                        <label for="complaint-staff">{ tr(lang, "complaints.staff") }</label>
                        <input id="complaint-staff" type="text" value={draft.staff.clone()}
                               oninput={text(|d, v| d.staff = v)} />
                        if err("staff").is_some() { { error_line("staff") } } else {
                            <div class="hint">{ tr(lang, "complaints.staff.hint") }</div>
                        }
                    </div>
                    <label class="check">
                        <input id="complaint-major" type="checkbox" checked={draft.major_dispute}
                               onchange={flag(|d, b| d.major_dispute = b)} />
                        { tr(lang, "complaints.major_dispute.ask") }
                    </label>
                </fieldset>
                <fieldset class="form-section">
                    <legend>{ tr(lang, "complaints.section.spot") }</legend>
                    <label class="check check-strong">
                        <input id="complaint-settled" type="checkbox" checked={draft.settled}
                               onchange={flag(|d, b| d.settled = b)} />
                        { tr(lang, "complaints.settled") }
                    </label>
                    if draft.settled {
                        <div class={field_class("outcome")}>
                            <label for="complaint-outcome">{ tr(lang, "complaints.outcome") }<span class="req">{ "*" }</span></label>
                            <textarea id="complaint-outcome" rows="2" value={draft.outcome.clone()}
                                      oninput={text(|d, v| d.outcome = v)}
                                      aria-invalid={err("outcome").is_some().then_some("true")} />
                            { error_line("outcome") }
                        </div>
                    } else {
                        <p class="hint">{ tr(lang, "complaints.settled.hint") }</p>
                    }
                </fieldset>
                <div class="form-actions">
                    <button id="complaint-save" type="submit" class="btn btn-primary" disabled={*busy}>
                        { tr(lang, if *busy { "common.saving" } else { "complaints.save" }) }
                    </button>
                </div>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CreatedProps {
    complaint: Complaint,
    another: Callback<MouseEvent>,
}

/// The saved case: its number and the reply time to promise (CMP-1).
#[component]
fn Created(props: &CreatedProps) -> Html {
    let lang = use_lang();
    let c = &props.complaint;
    let promised = zoned_time(c.promised_reply_at, &c.time_zone);
    let closed = c.state == ComplaintState::Closed;
    html! {
        <div class="panel created-panel" id="complaint-created" role="status">
            <h2 class="panel-title">{ tr(lang, if closed { "complaints.created.closed" } else { "complaints.created" }) }</h2>
            <div class="created-number">
                <span class="muted">{ tr(lang, "complaints.number") }</span>
                <strong id="complaint-created-number" class="mono">{ &c.number }</strong>
                { state_tag(lang, c.state) }
            </div>
            if !closed {
                <p class="created-promise">
                    { tr(lang, "complaints.promised") }
                    <strong id="complaint-promised">{ promised.clone() }</strong>
                </p>
                <p class="created-say">{ trf(lang, "complaints.promised.say", &[&promised]) }</p>
            }
            <div class="form-actions">
                <CaseLink id={c.id} class={classes!("btn", "btn-primary")}>
                    <span id="complaint-open">{ tr(lang, "complaints.open") }</span>
                </CaseLink>
                <button id="complaint-another" type="button" class="btn" onclick={props.another.clone()}>
                    { tr(lang, "complaints.another") }
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_names_split_on_chinese_and_latin_separators() {
        let mut d = Draft::new();
        d.phone = "138 1234 5678".into();
        d.new_name = "王女士".into();
        d.description = "等候两小时".into();
        d.staff = "张护士，李医生、 王前台;".into();
        let b = body(&d, None, false);
        let names: Vec<_> = b.staff.iter().filter_map(|s| s.name.clone()).collect();
        assert_eq!(names, ["张护士", "李医生", "王前台"]);
        assert_eq!(
            b.new_customer.map(|n| n.mobile).as_deref(),
            Some("13812345678")
        );
        assert_eq!(b.received_at, None);
        assert!(!b.settled_on_spot && b.outcome.is_none());
    }

    #[test]
    fn checks_name_what_is_missing() {
        let d = Draft::new();
        let e = check(&d, &Lookup::NotYet, None);
        assert_eq!(e.get("phone").map(String::as_str), Some("required"));
        assert_eq!(e.get("description").map(String::as_str), Some("required"));
        let mut d = Draft::new();
        d.phone = "12345".into();
        d.settled = true;
        let e = check(&d, &Lookup::Done(Vec::new()), None);
        assert_eq!(e.get("phone").map(String::as_str), Some("mobile"));
        assert_eq!(e.get("new_customer").map(String::as_str), Some("required"));
        assert_eq!(e.get("outcome").map(String::as_str), Some("required"));
    }
}
