//! 客户 360 (CUS-11): the profile card, the timeline, contacts with a next step (CUS-12),
//! relations (CUS-7), open tasks, and the medical and private sections that need a permission
//! or a break-glass grant (CUS-5, X-6, X-6a).

use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::{Customer, CustomerSummary, StageChange};
use hcrm_domain::api::sensitive::{MedicalProfile, PrivateNotes};
use hcrm_domain::customer::{ContactChannel, ContactParty, Direction, RelationKind};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::{ErrorBanner, Notice};
use crate::components::list::use_loaded;
use crate::forms::opt;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::break_glass::BreakGlassDialog;
use crate::pages::customers::search::{CustomerLink, CustomerSearch};
use crate::pages::customers::tasks::TaskRow;
use crate::pages::customers::timeline::TimelineSection;
use crate::pages::customers::{
    Contact, ContactCreate, Items, Relation, RelationCreate, Task, local_time,
};

#[derive(Properties, PartialEq)]
pub struct CustomerPageProps {
    pub id: Uuid,
}

#[component]
pub fn CustomerPage(props: &CustomerPageProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let location = use_location();
    let followed = location
        .as_ref()
        .is_some_and(|l| l.query_str().contains("via=link"));
    let customer = use_state(|| None::<Customer>);
    let problem = use_state(|| None::<Problem>);
    // Bumped after a break-glass grant: everything reloads.
    let reload = use_state(|| 0_u32);
    let dialog = use_state(|| false);
    // Bumped after a contact with a next step: tasks and timeline reload.
    let side_reload = use_state(|| 0_u32);
    let id = props.id;

    {
        let (api, customer, problem) = (session.api.clone(), customer.clone(), problem.clone());
        use_effect_with((id, *reload), move |(id, _)| {
            let id = *id;
            customer.set(None);
            problem.set(None);
            yew::platform::spawn_local(async move {
                match api.get::<Customer>(&format!("/customers/{id}")).await {
                    Ok(c) => customer.set(Some(c)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let open_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(true))
    };
    let on_granted = {
        let (dialog, reload) = (dialog.clone(), reload.clone());
        Callback::from(move |()| {
            dialog.set(false);
            reload.set(*reload + 1);
        })
    };
    let on_close = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(false))
    };
    let dialog_html = if *dialog {
        html! { <BreakGlassDialog customer_id={id} {on_granted} {on_close} /> }
    } else {
        html! {}
    };

    let Some(c) = &*customer else {
        let restricted = problem
            .as_ref()
            .is_some_and(|p| p.status == 403 || (p.status == 404 && followed));
        return html! {
            <section class="page" id="customer-page">
                if let Some(p) = &*problem {
                    if restricted {
                        <div id="customer-restricted" class="panel restricted">
                            <p>{ tr(lang, "customer.restricted") }</p>
                            <button id="break-glass-open" class="btn btn-danger"
                                    onclick={open_dialog.reform(|_| ())}>
                                { tr(lang, "breakglass.open") }
                            </button>
                        </div>
                    } else {
                        <ErrorBanner problem={Some(p.clone())} />
                    }
                } else {
                    <p class="muted">{ tr(lang, "loading") }</p>
                }
                { dialog_html }
            </section>
        };
    };

    let reload_key = *reload;
    let side_key = format!("{reload_key}-{}", *side_reload);
    html! {
        <section class="page" id="customer-page" data-customer-id={c.id.to_string()}>
            <ProfileCard customer={c.clone()} />
            <div class="c360-grid">
                <div class="c360-main">
                    <ContactsSection customer_id={id} key={format!("contacts-{reload_key}")}
                                     on_saved={{ let r = side_reload.clone(); Callback::from(move |()| r.set(*r + 1)) }} />
                    <TimelineSection customer_id={id} key={format!("timeline-{side_key}")} />
                </div>
                <div class="c360-side">
                    <TasksSection customer_id={id} key={format!("tasks-{side_key}")} />
                    <RelationsSection customer={c.clone()} key={format!("rel-{reload_key}")} />
                    <SensitiveSection customer_id={id} path="medical" section_id="medical"
                        title_key="customer.medical" on_break_glass={open_dialog.clone()}
                        fields={&MedicalProfile::FIELDS[..]} write={Permission::MedicalWrite}
                        key={format!("med-{reload_key}")} />
                    <SensitiveSection customer_id={id} path="private-notes" section_id="private-notes"
                        title_key="customer.private_notes" on_break_glass={open_dialog.clone()}
                        fields={&PrivateNotes::FIELDS[..]} write={Permission::PrivateNotesWrite}
                        key={format!("pn-{reload_key}")} />
                </div>
            </div>
            { dialog_html }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ProfileCardProps {
    customer: Customer,
}

#[component]
fn ProfileCard(props: &ProfileCardProps) -> Html {
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
                let path = format!("/customers/{id}/stage-history");
                if let Ok(h) = api.get::<Vec<StageChange>>(&path).await {
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
                    <h2 id="customer-title">
                        <span class="c-name">{ &c.name }</span>
                        <span class="c-address">{ &c.form_of_address }</span>
                    </h2>
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
                    }
                </div>
            </div>
            if c.masked {
                <p class="hint" id="customer-masked">{ tr(lang, "customer.masked") }</p>
            }
            <dl class="kv-grid">
                { row("customer.gender_age", html! { { if gender_age.is_empty() { "—".to_string() } else { gender_age } } }) }
                { row("customer.phone", html! { <span class="mono" id="customer-phones">{ if c.phones.is_empty() { "—".to_string() } else { c.phones.join("、") } }</span> }) }
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
                                <td>{ s.reason.clone().unwrap_or_default() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

/// The preferred channel (a contact channel's code, or the words typed in) and hours.
pub fn preferred_contact(lang: Lang, c: &Customer) -> String {
    let channel = match c.preferred_channel.as_deref() {
        None | Some("") => "—".to_string(),
        Some(text) => ContactChannel::from_code(text)
            .map_or(text.to_string(), |ch| ch.label(lang).to_string()),
    };
    match c.preferred_hours.as_deref() {
        Some(hours) if !hours.is_empty() => format!("{channel} {hours}"),
        _ => channel,
    }
}

#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub customer_id: Uuid,
}

/// A section's load state: not yet, loaded, or a problem (404 = the endpoint is not there yet).
pub fn unavailable(lang: Lang, p: &Problem) -> Html {
    if p.status == 404 || p.status == 405 {
        html! { <p class="muted">{ tr(lang, "customer.section.unavailable") }</p> }
    } else {
        html! { <ErrorBanner problem={Some(p.clone())} /> }
    }
}

#[derive(Properties, PartialEq)]
struct ContactsProps {
    customer_id: Uuid,
    on_saved: Callback<()>,
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
fn ContactsSection(props: &ContactsProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let contacts = use_state(|| None::<Vec<Contact>>);
    let problem = use_state(|| None::<Problem>);
    let save_problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
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
    {
        let (api, contacts, problem) = (session.api.clone(), contacts.clone(), problem.clone());
        use_effect_with(id, move |id| {
            let id = *id;
            yew::platform::spawn_local(async move {
                match api
                    .get::<Items<Contact>>(&format!("/customers/{id}/contacts?limit=50"))
                    .await
                {
                    Ok(list) => contacts.set(Some(list.into_vec())),
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
    if date.is_some_and(|d| d < chrono::Local::now().date_naive()) {
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
        let (draft, tried, busy, save_problem, notice, contacts) = (
            draft.clone(),
            tried.clone(),
            busy.clone(),
            save_problem.clone(),
            notice.clone(),
            contacts.clone(),
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
            let (draft, tried, busy, save_problem, notice, contacts, api, on_saved) = (
                draft.clone(),
                tried.clone(),
                busy.clone(),
                save_problem.clone(),
                notice.clone(),
                contacts.clone(),
                api.clone(),
                on_saved.clone(),
            );
            yew::platform::spawn_local(async move {
                match api
                    .post::<Contact, _>(&format!("/customers/{id}/contacts"), &body)
                    .await
                {
                    Ok(c) => {
                        let mut list = (*contacts).clone().unwrap_or_default();
                        list.insert(0, c);
                        contacts.set(Some(list));
                        save_problem.set(None);
                        tried.set(false);
                        let with_task = body.next_step_on.is_some();
                        notice.set(Some(
                            tr(
                                lang,
                                if with_task {
                                    "contact.saved.task"
                                } else {
                                    "contact.saved"
                                },
                            )
                            .into(),
                        ));
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
                        if let Some(t) = &c.feedback { <div class="muted">{ tr(lang, "contact.feedback") }{ "：" }{ t }</div> }
                        if let Some(t) = &c.next_step {
                            <div class="next-step">{ tr(lang, "contact.next_step") }{ "：" }{ t }
                                { c.next_step_on.map(|d| format!(" ({d})")).unwrap_or_default() }</div>
                        }
                    </li>
                }) }
            </ul>
        },
    };
    let can_write = session.can(Permission::CustomerWrite) || session.can(Permission::CustomerRead);
    html! {
        <div class="panel" id="contacts">
            <h3>{ tr(lang, "contact.title") }</h3>
            <Notice text={(*notice).clone()} />
            if can_write && !matches!(&*problem, Some(p) if p.status == 404) {
                <form id="contact-new" class="form contact-form" {onsubmit} novalidate=true>
                    <ErrorBanner problem={(*save_problem).clone()} />
                    <div class="form-grid">
                        <div class="field">
                            <label for="contact-channel">{ tr(lang, "contact.channel") }</label>
                            <select id="contact-channel" onchange={set(|d, v| d.channel = v)}>
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

#[component]
fn TasksSection(props: &SectionProps) -> Html {
    let lang = use_lang();
    let tasks = use_loaded::<Items<Task>>(format!(
        "/tasks?customer_id={}&status=open&limit=50",
        props.customer_id
    ));
    let on_done = tasks.reloader();
    html! {
        <div class="panel" id="customer-tasks">
            <h3>{ tr(lang, "tasks.of_customer") }</h3>
            {
                match (tasks.data.as_ref().map(Items::as_slice), &*tasks.problem) {
                    (_, Some(p)) => unavailable(lang, p),
                    (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
                    (Some([]), _) => html! { <p class="muted">{ tr(lang, "tasks.none") }</p> },
                    (Some(l), _) => html! {
                        <ul class="task-list">
                            { for l.iter().map(|t| html! { <TaskRow task={t.clone()} on_done={on_done.clone()} show_customer=false /> }) }
                        </ul>
                    },
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RelationsProps {
    customer: Customer,
}

#[component]
fn RelationsSection(props: &RelationsProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let adding = use_state(|| false);
    let kind = use_state(|| RelationKind::Spouse);
    let picked = use_state(|| None::<CustomerSummary>);
    let save_problem = use_state(|| None::<Problem>);
    let id = props.customer.id;
    let relations = use_loaded::<Items<Relation>>(format!("/customers/{id}/relations"));
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
                match api
                    .post::<serde_json::Value, _>(&format!("/customers/{id}/relations"), &body)
                    .await
                {
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
    let can_write = session.can(Permission::CustomerWrite);
    let remove = |rid: Uuid| {
        let (api, reload, save_problem) =
            (session.api.clone(), reload.clone(), save_problem.clone());
        Callback::from(move |_| {
            if !crate::pages::institutions::confirm(tr(lang, "relation.remove.confirm")) {
                return;
            }
            let (api, reload, save_problem) = (api.clone(), reload.clone(), save_problem.clone());
            yew::platform::spawn_local(async move {
                let path = format!("/customers/{id}/relations/{rid}");
                match api
                    .request::<serde_json::Value, ()>(
                        gloo_net::http::Method::DELETE,
                        &path,
                        None,
                        None,
                    )
                    .await
                {
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

#[derive(Properties, PartialEq)]
struct SensitiveProps {
    customer_id: Uuid,
    path: &'static str,
    section_id: &'static str,
    title_key: &'static str,
    on_break_glass: Callback<()>,
    /// The editable fields, in order.
    fields: &'static [&'static str],
    write: Permission,
}

/// Medical profile or private notes: shown when allowed, "restricted" with a break-glass
/// button on 403.
#[component]
fn SensitiveSection(props: &SensitiveProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let data = use_state(|| None::<serde_json::Value>);
    let problem = use_state(|| None::<Problem>);
    {
        let (api, data, problem) = (session.api.clone(), data.clone(), problem.clone());
        let path = format!("/customers/{}/{}", props.customer_id, props.path);
        use_effect_with(path, move |path| {
            let path = path.clone();
            yew::platform::spawn_local(async move {
                match api.get::<serde_json::Value>(&path).await {
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
        let path = format!("/customers/{}/{}", props.customer_id, props.path);
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
            let (api, editing, data, save_problem, path) = (
                api.clone(),
                editing.clone(),
                data.clone(),
                save_problem.clone(),
                path.clone(),
            );
            yew::platform::spawn_local(async move {
                match api.put::<serde_json::Value, _>(&path, version, &body).await {
                    Ok(v) => {
                        data.set(Some(v));
                        editing.set(None);
                        save_problem.set(None);
                    }
                    Err(p) => {
                        if crate::forms::is_stale(&p)
                            && let Ok(v) = api.get::<serde_json::Value>(&path).await
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
                    .join("、"),
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
