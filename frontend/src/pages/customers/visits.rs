//! 就诊与消费 on the 360 page (SVC-4): the customer's summary (visits, spending, insurance,
//! arrears, the last visit), the recent visits, and a form to record one by hand.

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use hcrm_domain::api::Problem;
use hcrm_domain::api::org::Department;
use hcrm_domain::api::visits::{Visit, VisitCreate, VisitKind, VisitSequence, VisitSummary};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::form::{no_enter_submit, reveal, use_reveal_errors};
use crate::components::list::use_loaded;
use crate::forms::opt;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::complaints::money::{parse_yuan, yuan};
use crate::pages::customers::local_time;
use crate::pages::customers::view::unavailable;
use crate::services::{Items, org, visits};

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";
const FORM_ID: &str = "visit-new";

/// A `datetime-local` value as an instant of the browser's time zone.
fn parse_local(text: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), LOCAL_FORMAT).ok()?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[derive(Properties, PartialEq)]
pub struct VisitsProps {
    pub customer_id: Uuid,
    /// The customer's institution: its departments are offered.
    pub institution_id: Uuid,
    pub on_saved: Callback<()>,
}

#[derive(Clone, PartialEq)]
struct Draft {
    kind: String,
    sequence: String,
    department: String,
    diagnosis: String,
    visited_at: String,
    ended_at: String,
    amount: String,
    insurance: String,
    paid: String,
    external_id: String,
}

impl Draft {
    fn new() -> Draft {
        Draft {
            kind: VisitKind::Outpatient.code().into(),
            sequence: String::new(),
            department: String::new(),
            diagnosis: String::new(),
            visited_at: Local::now().format(LOCAL_FORMAT).to_string(),
            ended_at: String::new(),
            amount: String::new(),
            insurance: String::new(),
            paid: String::new(),
            external_id: String::new(),
        }
    }

    /// The request, or the fields that are not right (translation keys).
    fn body(&self, customer_id: Uuid) -> Result<VisitCreate, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let kind = VisitKind::from_code(&self.kind).unwrap_or(VisitKind::Outpatient);
        let visited_at = parse_local(&self.visited_at);
        if visited_at.is_none() {
            errors.push(("visited_at", "visit.error.time"));
        }
        let ended_at = match opt(&self.ended_at) {
            Some(t) if kind.has_end() => match parse_local(&t) {
                Some(t) => Some(t),
                None => {
                    errors.push(("ended_at", "visit.error.time"));
                    None
                }
            },
            _ => None,
        };
        let money = |text: &str, field, errors: &mut Vec<_>| match opt(text) {
            None => 0,
            Some(t) => parse_yuan(&t).unwrap_or_else(|| {
                errors.push((field, "visit.error.amount"));
                0
            }),
        };
        if opt(&self.amount).is_none() {
            errors.push(("amount", "visit.error.amount"));
        }
        let amount_fen = money(&self.amount, "amount", &mut errors);
        let insurance_fen = money(&self.insurance, "insurance", &mut errors);
        let paid_fen = money(&self.paid, "paid", &mut errors);
        if insurance_fen + paid_fen > amount_fen {
            errors.push(("paid", "visit.error.exceeds"));
        }
        match (errors.is_empty(), visited_at) {
            (true, Some(visited_at)) => Ok(VisitCreate {
                customer_id,
                kind,
                sequence: VisitSequence::from_code(&self.sequence),
                department_id: self.department.parse().ok(),
                doctor_id: None,
                diagnosis_category: opt(&self.diagnosis),
                visited_at,
                ended_at,
                amount_fen,
                insurance_fen,
                paid_fen,
                external_id: opt(&self.external_id),
                note: None,
            }),
            _ => Err(errors),
        }
    }
}

/// The summary's cards are `visit-summary-<figure>`: the form's fields are `visit-<field>`, and
/// a card sharing a field's id (`visit-amount`, `visit-insurance`) took that field's label
/// (`<label for>` names the first element with the id) and its `#id` look-ups.
fn summary_html(lang: Lang, s: &VisitSummary) -> Html {
    let item = |key: &'static str, value: String, id: &'static str| {
        html! { <div class="stats-card" id={id}><span class="stats-card-label">{ tr(lang, key) }</span><strong>{ value }</strong></div> }
    };
    html! {
        <div class="stats-cards visit-summary" id="visit-summary">
            { item("visit.summary.count", s.visits.to_string(), "visit-summary-count") }
            { item("visit.summary.amount", yuan(s.amount_fen), "visit-summary-amount") }
            { item("visit.summary.insurance", yuan(s.insurance_fen), "visit-summary-insurance") }
            { item("visit.summary.arrears", yuan(s.arrears_fen), "visit-summary-arrears") }
            { item("visit.summary.last", s.last_visit_at.map(local_time).unwrap_or_else(|| "—".into()), "visit-summary-last") }
        </div>
    }
}

#[component]
pub fn VisitsSection(props: &VisitsProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let id = props.customer_id;
    let summary = use_loaded::<VisitSummary>(visits::summary_path(id));
    let list = use_state(|| None::<Vec<Visit>>);
    let problem = use_state(|| None::<Problem>);
    let departments =
        use_loaded::<Items<Department>>(org::active_departments_path(props.institution_id));
    let draft = use_state(Draft::new);
    let open = use_state(|| false);
    let tried = use_state(|| false);
    // Refused saves so far: after each, the first field in error takes the focus.
    let refusals = use_state(|| 0_u32);
    use_reveal_errors(FORM_ID, FORM_ID, *refusals);
    {
        // The form takes the keyboard when it opens (its first field).
        use_effect_with(*open, |open| {
            if *open {
                reveal("visit-kind");
            }
        });
    }
    let busy = use_state(|| false);
    let save_problem = use_state(|| None::<Problem>);
    let notice = use_state(|| false);
    let generation = use_state(|| 0_u32);
    {
        let (api, list, problem) = (session.api.clone(), list.clone(), problem.clone());
        use_effect_with((id, *generation), move |(id, _)| {
            let id = *id;
            yew::platform::spawn_local(async move {
                match visits::of_customer(&api, id).await {
                    Ok(l) => list.set(Some(l)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let set = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let v = if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                i.value()
            } else if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                s.value()
            } else {
                return;
            };
            let mut next = (*draft).clone();
            apply(&mut next, v);
            draft.set(next);
        })
    };
    let input = |apply: fn(&mut Draft, String)| {
        let s = set(apply);
        Callback::from(move |e: InputEvent| s.emit(e.into()))
    };
    let checked = draft.body(id);
    let error_of = |f: &str| match &checked {
        Err(errors) if *tried => errors.iter().find(|(k, _)| *k == f).map(|(_, key)| *key),
        _ => None,
    };
    // A field's error under it, `visit-<field>-error`, which the field names as its
    // description; empty (and hidden by `.field-error:empty`) without an error.
    let err = |f: &str, id: &str| {
        html! { <div class="field-error" id={format!("{id}-error")}>{ error_of(f).map(|key| tr(lang, key)) }</div> }
    };
    let invalid = |f: &str| error_of(f).map(|_| AttrValue::from("true"));
    let described = |f: &str, id: &str| error_of(f).map(|_| AttrValue::from(format!("{id}-error")));
    let onsubmit = {
        let (draft, open, tried, refusals, busy, save_problem, notice, generation, summary) = (
            draft.clone(),
            open.clone(),
            tried.clone(),
            refusals.clone(),
            busy.clone(),
            save_problem.clone(),
            notice.clone(),
            generation.clone(),
            summary.reloader(),
        );
        let (api, on_saved, body) = (session.api.clone(), props.on_saved.clone(), checked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            let Ok(body) = body.clone() else {
                refusals.set(*refusals + 1);
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let (
                draft,
                open,
                tried,
                busy,
                save_problem,
                notice,
                generation,
                summary,
                api,
                on_saved,
            ) = (
                draft.clone(),
                open.clone(),
                tried.clone(),
                busy.clone(),
                save_problem.clone(),
                notice.clone(),
                generation.clone(),
                summary.clone(),
                api.clone(),
                on_saved.clone(),
            );
            yew::platform::spawn_local(async move {
                match visits::create(&api, &body).await {
                    Ok(_) => {
                        save_problem.set(None);
                        tried.set(false);
                        notice.set(true);
                        draft.set(Draft::new());
                        // Closed again, the keyboard back on the button that opened it.
                        open.set(false);
                        reveal("visit-new-open");
                        generation.set(*generation + 1);
                        summary.emit(());
                        on_saved.emit(());
                    }
                    Err(p) => save_problem.set(Some(p)),
                }
                busy.set(false);
            });
        })
    };
    let kind = VisitKind::from_code(&draft.kind).unwrap_or(VisitKind::Outpatient);
    let dept_options = departments
        .data
        .as_ref()
        .map(|d| d.as_slice().to_vec())
        .unwrap_or_default();
    let dept_name = |d: Option<Uuid>| {
        d.and_then(|d| dept_options.iter().find(|x| x.id == d))
            .map(|x| x.name.clone())
    };
    let rows = match (&*list, &*problem) {
        (_, Some(p)) => unavailable(lang, p),
        (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        (Some(l), _) if l.is_empty() => html! { <p class="muted">{ tr(lang, "visit.none") }</p> },
        (Some(l), _) => html! {
            <div class="grid-scroll">
            <table class="grid compact" id="visit-list">
                <thead><tr>
                    <th>{ tr(lang, "visit.visited_at") }</th>
                    <th>{ tr(lang, "visit.kind") }</th>
                    <th>{ tr(lang, "visit.department") }</th>
                    <th>{ tr(lang, "visit.diagnosis") }</th>
                    <th class="num">{ tr(lang, "visit.amount") }</th>
                    <th class="num">{ tr(lang, "visit.arrears") }</th>
                </tr></thead>
                <tbody>
                { for l.iter().map(|v| html! {
                    <tr data-visit-id={v.id.to_string()}>
                        <td>{ local_time(v.visited_at) }
                            if let Some(end) = v.ended_at { <div class="muted">{ "→ " }{ local_time(end) }</div> }
                        </td>
                        <td>{ v.kind.label(lang) }<div class="muted">{ v.sequence.label(lang) }</div></td>
                        <td>{ dept_name(v.department_id).unwrap_or_default() }</td>
                        <td>{ v.diagnosis_category.clone().unwrap_or_default() }</td>
                        <td class="num">{ yuan(v.amount_fen) }</td>
                        <td class="num">{ if v.arrears_fen > 0 { yuan(v.arrears_fen) } else { String::new() } }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
        },
    };
    let summary_block = match (summary.data.as_ref(), &*summary.problem) {
        (_, Some(p)) => unavailable(lang, p),
        (Some(s), _) => summary_html(lang, s),
        (None, _) => html! {},
    };
    let can_write = session.can(Permission::VisitWrite);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <div class="panel" id="customer-visits">
            <h3>{ tr(lang, "visit.title") }</h3>
            { summary_block }
            <Notice text={notice.then(|| AttrValue::from(tr(lang, "visit.saved")))} />
            if can_write {
                <button id="visit-new-open" type="button" class="btn btn-small" onclick={toggle}
                        aria-expanded={if *open { "true" } else { "false" }} aria-controls={FORM_ID}>
                    { tr(lang, "visit.new") }
                </button>
            }
            if can_write && *open {
                <form id={FORM_ID} class="form" {onsubmit} novalidate=true onkeydown={no_enter_submit()}>
                    <ErrorBanner problem={(*save_problem).clone()} />
                    <div class="form-grid">
                        <div class="field">
                            <label for="visit-kind">{ tr(lang, "visit.kind") }</label>
                            <select id="visit-kind" onchange={set(|d, v| d.kind = v)}>
                                { for VisitKind::ALL.iter().map(|k| html! {
                                    <option value={k.code()} selected={draft.kind == k.code()}>{ k.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="visit-sequence">{ tr(lang, "visit.sequence") }</label>
                            <select id="visit-sequence" onchange={set(|d, v| d.sequence = v)}>
                                <option value="" selected={draft.sequence.is_empty()}>{ tr(lang, "visit.sequence.auto") }</option>
                                { for VisitSequence::ALL.iter().map(|k| html! {
                                    <option value={k.code()} selected={draft.sequence == k.code()}>{ k.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="visit-department">{ tr(lang, "visit.department") }</label>
                            <select id="visit-department" onchange={set(|d, v| d.department = v)}>
                                <option value="" selected={draft.department.is_empty()}>{ "—" }</option>
                                { for dept_options.iter().map(|x| html! {
                                    <option value={x.id.to_string()} selected={draft.department == x.id.to_string()}>{ &x.name }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="visit-diagnosis">{ tr(lang, "visit.diagnosis") }</label>
                            <input id="visit-diagnosis" value={draft.diagnosis.clone()} oninput={input(|d, v| d.diagnosis = v)} />
                        </div>
                        <div class="field">
                            <label for="visit-visited-at">{ tr(lang, if kind == VisitKind::Inpatient { "visit.admitted_at" } else { "visit.visited_at" }) }</label>
                            <input id="visit-visited-at" type="datetime-local" value={draft.visited_at.clone()}
                                   aria-invalid={invalid("visited_at")} aria-describedby={described("visited_at", "visit-visited-at")}
                                   onchange={set(|d, v| d.visited_at = v)} oninput={input(|d, v| d.visited_at = v)} />
                            { err("visited_at", "visit-visited-at") }
                        </div>
                        if kind.has_end() {
                            <div class="field">
                                <label for="visit-ended-at">{ tr(lang, if kind == VisitKind::Inpatient { "visit.discharged_at" } else { "visit.ended_at" }) }</label>
                                <input id="visit-ended-at" type="datetime-local" value={draft.ended_at.clone()}
                                       aria-invalid={invalid("ended_at")} aria-describedby={described("ended_at", "visit-ended-at")}
                                       onchange={set(|d, v| d.ended_at = v)} oninput={input(|d, v| d.ended_at = v)} />
                                { err("ended_at", "visit-ended-at") }
                            </div>
                        }
                        <div class="field">
                            <label for="visit-amount">{ tr(lang, "visit.amount") }</label>
                            <input id="visit-amount" inputmode="decimal" value={draft.amount.clone()}
                                   aria-invalid={invalid("amount")} aria-describedby={described("amount", "visit-amount")} oninput={input(|d, v| d.amount = v)} />
                            { err("amount", "visit-amount") }
                        </div>
                        <div class="field">
                            <label for="visit-insurance">{ tr(lang, "visit.insurance") }</label>
                            <input id="visit-insurance" inputmode="decimal" value={draft.insurance.clone()}
                                   aria-invalid={invalid("insurance")} aria-describedby={described("insurance", "visit-insurance")} oninput={input(|d, v| d.insurance = v)} />
                            { err("insurance", "visit-insurance") }
                        </div>
                        <div class="field">
                            <label for="visit-paid">{ tr(lang, "visit.paid") }</label>
                            <input id="visit-paid" inputmode="decimal" value={draft.paid.clone()}
                                   aria-invalid={invalid("paid")} aria-describedby={described("paid", "visit-paid")} oninput={input(|d, v| d.paid = v)} />
                            { err("paid", "visit-paid") }
                        </div>
                        <div class="field">
                            <label for="visit-external-id">{ tr(lang, "visit.external_id") }</label>
                            <input id="visit-external-id" value={draft.external_id.clone()} oninput={input(|d, v| d.external_id = v)} />
                        </div>
                    </div>
                    <button id="visit-save" type="submit" class="btn btn-primary" disabled={*busy}>
                        { if *busy { tr(lang, "common.saving") } else { tr(lang, "visit.save") } }
                    </button>
                </form>
            }
            { rows }
        </div>
    }
}
