//! Contact records on the 360 page (CUS-12): the list and the form of a new contact, whose
//! next step with a date becomes a reminder task. Enter in a one-line field does not save
//! (issue 9 item 9: a record with only a subject was saved by accident); after a save the
//! focus is back on the form's first field for the next call.

use hcrm_domain::api::Problem;
use hcrm_domain::customer::{ContactChannel, ContactParty, Direction};
use hcrm_domain::{Label, Permission};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::form::no_enter_submit;
use crate::forms::opt;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::view::unavailable;
use crate::pages::customers::{Contact, ContactCreate, local_time};
use crate::services::customers;

#[derive(Properties, PartialEq)]
pub struct ContactsProps {
    pub customer_id: Uuid,
    pub on_saved: Callback<()>,
}

#[derive(Clone, PartialEq)]
struct ContactDraft {
    channel: String,
    direction: String,
    subject: String,
    content: String,
    feedback: String,
    next_step: String,
    next_step_on: String,
}

#[component]
pub fn ContactsSection(props: &ContactsProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let contacts = use_state(|| None::<Vec<Contact>>);
    let problem = use_state(|| None::<Problem>);
    let save_problem = use_state(|| None::<Problem>);
    // The key of the notice, worded at render so it follows the language switch.
    let notice = use_state(|| None::<&'static str>);
    let tried = use_state(|| false);
    let busy = use_state(|| false);
    let draft = use_state(|| ContactDraft {
        channel: "phone".into(),
        direction: "inbound".into(),
        subject: String::new(),
        content: String::new(),
        feedback: String::new(),
        next_step: String::new(),
        next_step_on: String::new(),
    });
    let id = props.customer_id;
    let first_field = use_node_ref();
    {
        let (api, contacts, problem) = (session.api.clone(), contacts.clone(), problem.clone());
        use_effect_with(id, move |id| {
            let id = *id;
            yew::platform::spawn_local(async move {
                match customers::contacts(&api, id).await {
                    Ok(list) => contacts.set(Some(list)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let set = |apply: fn(&mut ContactDraft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let v = if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                i.value()
            } else if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                s.value()
            } else if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                t.value()
            } else {
                return;
            };
            let mut next = (*draft).clone();
            apply(&mut next, v);
            draft.set(next);
        })
    };
    // Live checks: content or subject needed; a next step's date needs the step, and not past.
    let mut errors: Vec<(&str, &'static str)> = Vec::new();
    if opt(&draft.subject).is_none() {
        errors.push(("subject", "contact.error.subject"));
    }
    let date = opt(&draft.next_step_on).and_then(|d| d.parse::<chrono::NaiveDate>().ok());
    if date.is_some() && opt(&draft.next_step).is_none() {
        errors.push(("next_step", "contact.error.next_step"));
    }
    if date.is_some_and(|d| d < crate::clock::today()) {
        errors.push(("next_step_on", "contact.error.past"));
    }
    let err = |f: &str| {
        errors
            .iter()
            .find(|(k, _)| *k == f)
            .filter(|_| *tried)
            .map(|(_, key)| html! { <div class="field-error">{ tr(lang, key) }</div> })
    };
    let onsubmit = {
        let (draft, tried, busy, save_problem, notice, contacts, first_field) = (
            draft.clone(),
            tried.clone(),
            busy.clone(),
            save_problem.clone(),
            notice.clone(),
            contacts.clone(),
            first_field.clone(),
        );
        let (api, on_saved) = (session.api.clone(), props.on_saved.clone());
        let valid = errors.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            if !valid || *busy {
                return;
            }
            let d = (*draft).clone();
            let body = ContactCreate {
                channel: ContactChannel::from_code(&d.channel).unwrap_or(ContactChannel::Phone),
                direction: Direction::from_code(&d.direction).unwrap_or(Direction::Inbound),
                party: ContactParty::Customer,
                party_customer_id: None,
                subject: d.subject.trim().to_string(),
                content: opt(&d.content),
                feedback: opt(&d.feedback),
                agreement: None,
                next_step: opt(&d.next_step),
                next_step_on: opt(&d.next_step_on).and_then(|x| x.parse().ok()),
                minutes_spent: None,
                money_spent_fen: None,
                occurred_at: None,
            };
            busy.set(true);
            let (draft, tried, busy, save_problem, notice, contacts, api, on_saved, first_field) = (
                draft.clone(),
                tried.clone(),
                busy.clone(),
                save_problem.clone(),
                notice.clone(),
                contacts.clone(),
                api.clone(),
                on_saved.clone(),
                first_field.clone(),
            );
            yew::platform::spawn_local(async move {
                match customers::add_contact(&api, id, &body).await {
                    Ok(c) => {
                        let mut list = (*contacts).clone().unwrap_or_default();
                        list.insert(0, c);
                        contacts.set(Some(list));
                        save_problem.set(None);
                        tried.set(false);
                        let with_task = body.next_step_on.is_some();
                        notice.set(Some(if with_task {
                            "contact.saved.task"
                        } else {
                            "contact.saved"
                        }));
                        draft.set(ContactDraft {
                            channel: d.channel,
                            direction: d.direction,
                            subject: String::new(),
                            content: String::new(),
                            feedback: String::new(),
                            next_step: String::new(),
                            next_step_on: String::new(),
                        });
                        on_saved.emit(());
                        // Ready for the next contact: the focus on the first field.
                        if let Some(el) = first_field.cast::<web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                    Err(p) => save_problem.set(Some(p)),
                }
                busy.set(false);
            });
        })
    };
    let list = match (&*contacts, &*problem) {
        (_, Some(p)) => unavailable(lang, p),
        (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        (Some(l), _) if l.is_empty() => html! { <p class="muted">{ tr(lang, "contact.none") }</p> },
        (Some(l), _) => html! {
            <ul class="contact-list">
                { for l.iter().map(|c| html! {
                    <li data-contact-id={c.id.to_string()}>
                        <div class="contact-head">
                            <span class="tag">{ c.channel.label(lang) }</span>
                            <span class="tag">{ c.direction.label(lang) }</span>
                            if c.party != ContactParty::Customer { <span class="tag">{ c.party.label(lang) }</span> }
                            <strong>{ &c.subject }</strong>
                            <time class="muted">{ local_time(c.occurred_at) }</time>
                        </div>
                        if let Some(t) = &c.content { <div>{ t }</div> }
                        if let Some(t) = &c.feedback { <div class="muted">{ tr(lang, "contact.feedback") }{ lang.pick("：", ": ") }{ t }</div> }
                        if let Some(t) = &c.next_step {
                            <div class="next-step">{ tr(lang, "contact.next_step") }{ lang.pick("：", ": ") }{ t }
                                { c.next_step_on.map(|d| format!(" ({d})")).unwrap_or_default() }</div>
                        }
                    </li>
                }) }
            </ul>
        },
    };
    let can_write = session.can(Permission::ContactWrite);
    html! {
        <div class="panel" id="contacts">
            <h3>{ tr(lang, "contact.title") }</h3>
            <Notice text={notice.map(|key| AttrValue::from(tr(lang, key)))} />
            if can_write && !matches!(&*problem, Some(p) if p.status == 404) {
                <form id="contact-new" class="form contact-form" {onsubmit} novalidate=true
                      onkeydown={no_enter_submit()}>
                    <ErrorBanner problem={(*save_problem).clone()} />
                    <div class="form-grid">
                        <div class="field">
                            <label for="contact-channel">{ tr(lang, "contact.channel") }</label>
                            <select id="contact-channel" ref={first_field.clone()} onchange={set(|d, v| d.channel = v)}>
                                { for ContactChannel::ALL.iter().map(|c| html! {
                                    <option value={c.code()} selected={draft.channel == c.code()}>{ c.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="contact-direction">{ tr(lang, "contact.direction") }</label>
                            <select id="contact-direction" onchange={set(|d, v| d.direction = v)}>
                                { for Direction::ALL.iter().map(|c| html! {
                                    <option value={c.code()} selected={draft.direction == c.code()}>{ c.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="contact-subject">{ tr(lang, "contact.subject") }</label>
                            <input id="contact-subject" value={draft.subject.clone()} onchange={set(|d, v| d.subject = v)}
                                   oninput={{ let s = set(|d, v| d.subject = v); Callback::from(move |e: InputEvent| s.emit(e.into())) }} />
                            { err("subject") }
                        </div>
                        <div class="field wide">
                            <label for="contact-content">{ tr(lang, "contact.content") }</label>
                            <textarea id="contact-content" rows="2" value={draft.content.clone()}
                                      oninput={{ let s = set(|d, v| d.content = v); Callback::from(move |e: InputEvent| s.emit(e.into())) }} />
                        </div>
                        <div class="field">
                            <label for="contact-feedback">{ tr(lang, "contact.feedback") }</label>
                            <input id="contact-feedback" value={draft.feedback.clone()}
                                   oninput={{ let s = set(|d, v| d.feedback = v); Callback::from(move |e: InputEvent| s.emit(e.into())) }} />
                        </div>
                        <div class="field">
                            <label for="contact-next-step">{ tr(lang, "contact.next_step") }</label>
                            <input id="contact-next-step" value={draft.next_step.clone()}
                                   oninput={{ let s = set(|d, v| d.next_step = v); Callback::from(move |e: InputEvent| s.emit(e.into())) }} />
                            { err("next_step") }
                        </div>
                        <div class="field">
                            <label for="contact-next-step-on">{ tr(lang, "contact.next_step_on") }</label>
                            <input id="contact-next-step-on" type="date" value={draft.next_step_on.clone()}
                                   onchange={set(|d, v| d.next_step_on = v)}
                                   oninput={{ let s = set(|d, v| d.next_step_on = v); Callback::from(move |e: InputEvent| s.emit(e.into())) }} />
                            { err("next_step_on") }
                            <div class="hint">{ tr(lang, "contact.next_step_on.hint") }</div>
                        </div>
                    </div>
                    <button id="contact-save" type="submit" class="btn btn-primary" disabled={*busy}>
                        { if *busy { tr(lang, "common.saving") } else { tr(lang, "contact.save") } }
                    </button>
                </form>
            }
            { list }
        </div>
    }
}
