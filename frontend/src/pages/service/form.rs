//! 咨询登记 (SVC-1) — the consultation form as a component the agent console embeds with the
//! caller prefilled (`customer_id`, or an unknown `phone`), and as its own page. Phone first
//! when no one is given: the number finds the customer or leaves a new potential customer's
//! name to fill; then channel, department, topic, question, answer and the outcome (a call
//! back owed becomes a task; a complaint raised links to the complaint intake).

use hcrm_domain::Label;
use hcrm_domain::api::Page;
use hcrm_domain::api::Problem;
use hcrm_domain::api::consultations::{
    Consultation, ConsultationChannel, ConsultationCreate, ConsultationOutcome, ConsultationState,
};
use hcrm_domain::api::customers::{CustomerSummary, NewPotentialCustomer};
use hcrm_domain::api::org::Department;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::form::no_enter_submit;
use crate::components::list::use_loaded;
use crate::forms::{self, FieldErrors};
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr};
use crate::services::{customers, org, service};

#[derive(Properties, PartialEq, Clone)]
pub struct ConsultationFormProps {
    /// The caller, found already (the console's phone box): no number is asked.
    #[prop_or_default]
    pub customer_id: Option<Uuid>,
    /// How the found caller is named at the top of the form.
    #[prop_or_default]
    pub customer_name: Option<AttrValue>,
    /// An unknown caller's number (the console's phone box): only the name is asked.
    #[prop_or_default]
    pub phone: Option<AttrValue>,
    /// The channel chosen at first.
    #[prop_or(ConsultationChannel::Hotline)]
    pub channel: ConsultationChannel,
    /// Told the consultation saved (the console books an appointment next, say).
    #[prop_or_default]
    pub on_saved: Callback<Consultation>,
}

#[derive(Clone, PartialEq, Default)]
struct Draft {
    phone: String,
    new_name: String,
    channel: String,
    department: String,
    topic: String,
    question: String,
    answer: String,
    outcome: String,
}

fn digits(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// What is missing before the form can be sent; field names are the API's.
fn check(
    d: &Draft,
    known: Option<Uuid>,
    found: &Option<Vec<CustomerSummary>>,
    picked: Option<Uuid>,
) -> FieldErrors {
    let mut e = FieldErrors::new();
    if known.is_none() && picked.is_none() {
        if hcrm_domain::validation::mobile(&digits(&d.phone)).is_err() {
            e.insert("phone".into(), "mobile".into());
        }
        if found.is_some() && d.new_name.trim().is_empty() {
            e.insert("new_customer".into(), "required".into());
        }
    }
    if ConsultationChannel::from_code(&d.channel).is_none() {
        e.insert("channel".into(), "required".into());
    }
    if d.question.trim().is_empty() {
        e.insert("question".into(), "required".into());
    }
    e
}

fn body(d: &Draft, customer: Option<Uuid>) -> ConsultationCreate {
    let outcome = ConsultationOutcome::from_code(&d.outcome);
    ConsultationCreate {
        institution_id: None,
        channel: ConsultationChannel::from_code(&d.channel).unwrap_or(ConsultationChannel::Hotline),
        customer_id: customer,
        new_customer: customer.is_none().then(|| NewPotentialCustomer {
            name: d.new_name.trim().to_string(),
            mobile: digits(&d.phone),
        }),
        department_id: d.department.parse().ok(),
        topic: forms::opt(&d.topic),
        question: d.question.trim().to_string(),
        answer: forms::opt(&d.answer),
        referred_to_id: None,
        referred_doctor_id: None,
        referral_note: None,
        outcome,
        callback_due_at: None,
        // An outcome that settles the call closes it at once (首问负责制: the agent saw it
        // through); a call back owed keeps it open with its task.
        close: outcome.is_some_and(|o| o.closes()),
        received_at: None,
    }
}

/// The consultation form (SVC-1).
#[component]
pub fn ConsultationForm(props: &ConsultationFormProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let draft = use_state(|| Draft {
        phone: props
            .phone
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        channel: props.channel.code().to_string(),
        ..Draft::default()
    });
    // The lookup's answer: `None` until the number was looked up.
    let found = use_state(|| None::<Vec<CustomerSummary>>);
    let picked = use_state(|| None::<Uuid>);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let server_errors = use_state(FieldErrors::new);
    let saved = use_state(|| None::<Consultation>);
    let departments =
        use_loaded::<Page<Department>>(format!("{}?active=true&limit=200", org::DEPARTMENTS));
    let known = props.customer_id;
    {
        // An unknown number handed in by the console is looked up once.
        let (api, found, picked) = (session.api.clone(), found.clone(), picked.clone());
        let phone = props.phone.clone();
        use_effect_with(phone, move |phone| {
            if let Some(p) = phone.as_ref().map(|p| digits(p)).filter(|p| p.len() >= 4) {
                yew::platform::spawn_local(async move {
                    let list = customers::search(&api, &[("q", p), ("limit", "5".into())])
                        .await
                        .map(|p| p.items)
                        .unwrap_or_default();
                    picked.set(list.first().map(|c| c.id));
                    found.set(Some(list));
                });
            }
        });
    }

    let live = check(&draft, known, &found, *picked);
    let mut shown = if *submitted {
        live.clone()
    } else {
        FieldErrors::new()
    };
    for (f, c) in server_errors.iter() {
        shown.entry(f.clone()).or_insert_with(|| c.clone());
    }
    let err = |f: &str| shown.get(f).cloned();
    let error_line = |f: &str| match err(f) {
        Some(code) => html! { <div class="field-error">{ field_error_text(lang, &code) }</div> },
        None => html! {},
    };
    let field_class = |f: &str| classes!("field", err(f).is_some().then_some("has-error"));

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
    let select = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            apply(&mut d, s.value());
            draft.set(d);
        })
    };
    let lookup = {
        let (api, draft, found, picked) = (
            session.api.clone(),
            draft.clone(),
            found.clone(),
            picked.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let q = digits(&draft.phone);
            if q.len() < 4 {
                return;
            }
            let (api, found, picked) = (api.clone(), found.clone(), picked.clone());
            yew::platform::spawn_local(async move {
                let list = customers::search(&api, &[("q", q), ("limit", "5".into())])
                    .await
                    .map(|p| p.items)
                    .unwrap_or_default();
                picked.set(list.first().map(|c| c.id));
                found.set(Some(list));
            });
        })
    };
    let pick = |id: Option<Uuid>| {
        let picked = picked.clone();
        Callback::from(move |_: Event| picked.set(id))
    };

    let onsubmit = {
        let (api, draft, found, picked) = (
            session.api.clone(),
            draft.clone(),
            found.clone(),
            picked.clone(),
        );
        let (submitted, busy, problem, server_errors, saved) = (
            submitted.clone(),
            busy.clone(),
            problem.clone(),
            server_errors.clone(),
            saved.clone(),
        );
        let on_saved = props.on_saved.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            if !check(&draft, known, &found, *picked).is_empty() || *busy {
                return;
            }
            // A number not looked up yet: look first, the agent then sees who it is.
            if known.is_none() && found.is_none() {
                let (api, found, picked) = (api.clone(), found.clone(), picked.clone());
                let q = digits(&draft.phone);
                yew::platform::spawn_local(async move {
                    let list = customers::search(&api, &[("q", q), ("limit", "5".into())])
                        .await
                        .map(|p| p.items)
                        .unwrap_or_default();
                    picked.set(list.first().map(|c| c.id));
                    found.set(Some(list));
                });
                return;
            }
            busy.set(true);
            problem.set(None);
            let body = body(&draft, known.or(*picked));
            let (api, busy, problem, server_errors, saved, on_saved) = (
                api.clone(),
                busy.clone(),
                problem.clone(),
                server_errors.clone(),
                saved.clone(),
                on_saved.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = service::create_consultation(&api, &body).await;
                busy.set(false);
                match result {
                    Ok(c) => {
                        on_saved.emit(c.clone());
                        saved.set(Some(c));
                    }
                    Err(p) => {
                        server_errors.set(forms::from_problem(&p));
                        problem.set(Some(p));
                    }
                }
            });
        })
    };
    let another = {
        let (draft, saved, submitted, found, picked) = (
            draft.clone(),
            saved.clone(),
            submitted.clone(),
            found.clone(),
            picked.clone(),
        );
        let channel = props.channel;
        Callback::from(move |_: MouseEvent| {
            let keep_phone = draft.phone.clone();
            draft.set(Draft {
                phone: keep_phone,
                channel: channel.code().to_string(),
                ..Draft::default()
            });
            saved.set(None);
            submitted.set(false);
            found.set(None);
            picked.set(None);
        })
    };

    if let Some(c) = &*saved {
        return html! {
            <div class="panel created-panel" id="consultation-saved" role="status"
                 data-consultation-id={c.id.to_string()}>
                <h2 class="panel-title">{ tr(lang, "svc.saved") }</h2>
                <p>
                    <strong>{ &c.customer.form_of_address }</strong>{ " · " }
                    <span class="tag">{ c.state.label(lang) }</span>
                    if let Some(o) = c.outcome { { " · " }<span class="tag">{ o.label(lang) }</span> }
                </p>
                if c.callback_task_id.is_some() {
                    <p id="consultation-callback">{ tr(lang, "svc.callback.made") }</p>
                }
                if c.complaint_prefill.is_some() {
                    <p><Link<Route> to={Route::ComplaintNew} classes="btn">{ tr(lang, "svc.complaint.go") }</Link<Route>></p>
                }
                <div class="form-actions">
                    <button id="consultation-another" type="button" class="btn" onclick={another}>
                        { tr(lang, "svc.another") }
                    </button>
                </div>
            </div>
        };
    }

    let who = if let Some(name) = &props.customer_name {
        html! { <p class="consultation-who" id="consultation-customer"><strong>{ name.clone() }</strong></p> }
    } else if known.is_some() {
        html! {}
    } else {
        let choices = match &*found {
            None => html! {},
            Some(list) => html! {
                <fieldset class="choices" id="consultation-results">
                    <legend>{ tr(lang, if list.is_empty() { "complaints.lookup.none" } else { "complaints.lookup.found" }) }</legend>
                    { for list.iter().map(|c| {
                        let id = format!("consultation-customer-{}", c.id);
                        html! {
                            <label class="check" for={id.clone()}>
                                <input type="radio" name="consultation-customer" id={id}
                                       checked={*picked == Some(c.id)} onchange={pick(Some(c.id))} />
                                <span>{ &c.name }</span>
                                if let Some(p) = &c.phone { { " " }<span class="mono">{ p }</span> }
                            </label>
                        }
                    }) }
                    <label class="check" for="consultation-new">
                        <input type="radio" name="consultation-customer" id="consultation-new"
                               checked={picked.is_none()} onchange={pick(None)} />
                        { tr(lang, "complaints.lookup.new") }
                    </label>
                    if picked.is_none() {
                        <div class={field_class("new_customer")}>
                            <label for="consultation-new-name">{ tr(lang, "complaints.new_name") }<span class="req">{ "*" }</span></label>
                            <input id="consultation-new-name" type="text" value={draft.new_name.clone()}
                                   oninput={text(|d, v| d.new_name = v)} />
                            { error_line("new_customer") }
                        </div>
                    }
                </fieldset>
            },
        };
        html! {
            <>
                <div class={field_class("phone")}>
                    <label for="consultation-phone">{ tr(lang, "complaints.phone") }<span class="req">{ "*" }</span></label>
                    <div class="lookup-row">
                        <input id="consultation-phone" type="tel" inputmode="tel" autocomplete="off"
                               value={draft.phone.clone()} oninput={text(|d, v| d.phone = v)} />
                        <button id="consultation-lookup" type="button" class="btn" onclick={lookup}>
                            { tr(lang, "complaints.lookup") }
                        </button>
                    </div>
                    { error_line("phone") }
                </div>
                { choices }
            </>
        }
    };
    let department_options: Vec<(AttrValue, AttrValue)> = departments
        .data
        .as_ref()
        .map(|p| {
            p.items
                .iter()
                .map(|d| {
                    (
                        AttrValue::from(d.id.to_string()),
                        AttrValue::from(d.name.clone()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        <form id="consultation-form" class="form panel consultation-form" onsubmit={onsubmit}
              onkeydown={no_enter_submit()} novalidate=true>
            <ErrorBanner problem={(*problem).clone()} />
            { who }
            <div class="form-grid">
                <CodeSelect id="consultation-channel" label={tr(lang, "svc.channel")}
                            value={draft.channel.clone()} onchange={select(|d, v| d.channel = v)}
                            options={coded_options(&ConsultationChannel::ALL, ConsultationChannel::code, lang)}
                            error={err("channel")} />
                <CodeSelect id="consultation-department" label={tr(lang, "svc.department")}
                            value={draft.department.clone()} onchange={select(|d, v| d.department = v)}
                            options={department_options} error={err("department_id")} />
                <div class={field_class("topic")}>
                    <label for="consultation-topic">{ tr(lang, "svc.topic") }</label>
                    <input id="consultation-topic" type="text" value={draft.topic.clone()}
                           oninput={text(|d, v| d.topic = v)} />
                    { error_line("topic") }
                </div>
            </div>
            <div class={field_class("question")}>
                <label for="consultation-question">{ tr(lang, "svc.question") }<span class="req">{ "*" }</span></label>
                <textarea id="consultation-question" rows="3" value={draft.question.clone()}
                          oninput={text(|d, v| d.question = v)} />
                { error_line("question") }
            </div>
            <div class={field_class("answer")}>
                <label for="consultation-answer">{ tr(lang, "svc.answer") }</label>
                <textarea id="consultation-answer" rows="3" value={draft.answer.clone()}
                          oninput={text(|d, v| d.answer = v)} />
                { error_line("answer") }
            </div>
            <CodeSelect id="consultation-outcome" label={tr(lang, "svc.outcome")}
                        value={draft.outcome.clone()} onchange={select(|d, v| d.outcome = v)}
                        options={coded_options(&ConsultationOutcome::ALL, ConsultationOutcome::code, lang)}
                        error={err("outcome")} />
            <p class="hint">{ tr(lang, "svc.outcome.hint") }</p>
            <div class="form-actions">
                <button id="consultation-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { tr(lang, if *busy { "common.saving" } else { "svc.save" }) }
                </button>
            </div>
        </form>
    }
}

/// `/service/consultations/new`: the form on its own page.
#[component]
pub fn ConsultationFormPage() -> Html {
    let lang = use_lang();
    html! {
        <section class="page" id="consultation-page">
            <h1>{ tr(lang, "svc.form.title") }</h1>
            <ConsultationForm />
        </section>
    }
}

/// A consultation's state as a tag.
pub fn state_tag(lang: hcrm_domain::Lang, s: ConsultationState) -> Html {
    let class = match s {
        ConsultationState::Open => "tag tag-warn",
        ConsultationState::Closed => "tag tag-muted",
    };
    html! { <span class={class}>{ s.label(lang) }</span> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settling_outcome_closes_and_a_new_caller_is_named() {
        let d = Draft {
            phone: "139 0013 9000".into(),
            new_name: "赵女士".into(),
            channel: "wechat".into(),
            question: "体检需要空腹吗".into(),
            outcome: "answered".into(),
            ..Draft::default()
        };
        let b = body(&d, None);
        assert!(b.close);
        assert_eq!(b.new_customer.unwrap().mobile, "13900139000");
        let cb = body(
            &Draft {
                outcome: "callback_needed".into(),
                ..d.clone()
            },
            Some(Uuid::nil()),
        );
        assert!(!cb.close && cb.new_customer.is_none());
        let e = check(&Draft::default(), None, &Some(vec![]), None);
        assert!(
            e.contains_key("phone") && e.contains_key("new_customer") && e.contains_key("question")
        );
        assert!(check(&d, Some(Uuid::nil()), &None, None).is_empty());
    }
}
