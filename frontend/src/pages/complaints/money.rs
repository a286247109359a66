//! The case's money and accountability (CMP-6, CMP-7) and its files (CMP-9): refunds with
//! their approval chain, responsibility with the proposed and the confirmed penalty level
//! and the penalty slip (员工过失处罚单), improvement actions, attachments (upload, download).
//! What a caller may not do is not offered; the API decides in the end.

use chrono::NaiveDate;
use hcrm_domain::api::Page;
use hcrm_domain::api::Problem;
use hcrm_domain::api::complaint_money::{
    Attachment, FollowUpWish, FollowUpWishUpdate, Improvement, ImprovementCreate,
    ImprovementUpdate, Refund, RefundCreate, RefundTransition, Responsibility,
    ResponsibilityConfirm, ResponsibilityCreate,
};
use hcrm_domain::api::org::User;
use hcrm_domain::complaint::{
    AttachmentKind, PenaltyLevel, RefundKind, RefundMethod, RefundStatus,
};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::dialog::Dialog;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::list::use_loaded;
use crate::forms;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::list::save_file;
use crate::pages::customers::local_time;
use crate::services::{Items, complaints, org};

/// "¥12,800.00".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

/// Yuan as typed ("12800", "12,800.5", "¥99.99") in fen; `None` when it is no amount.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

fn input_value(e: &InputEvent) -> String {
    e.target_dyn_into::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_else(|| e.target_unchecked_into::<HtmlInputElement>().value())
}

/// An `oninput` that keeps the value in `h`.
fn keep(h: &UseStateHandle<String>) -> Callback<InputEvent> {
    let h = h.clone();
    Callback::from(move |e: InputEvent| h.set(input_value(&e)))
}

fn keep_select(h: &UseStateHandle<String>) -> Callback<Event> {
    let h = h.clone();
    Callback::from(move |e: Event| {
        let s: HtmlSelectElement = e.target_unchecked_into();
        h.set(s.value());
    })
}

fn keep_check(h: &UseStateHandle<bool>) -> Callback<Event> {
    let h = h.clone();
    Callback::from(move |e: Event| {
        let i: HtmlInputElement = e.target_unchecked_into();
        h.set(i.checked());
    })
}

fn text_field(
    lang: Lang,
    id: &'static str,
    label: &'static str,
    value: &UseStateHandle<String>,
    area: bool,
) -> Html {
    html! {
        <div class="field">
            <label for={id}>{ tr(lang, label) }</label>
            if area {
                <textarea {id} rows="3" value={(**value).clone()} oninput={keep(value)} />
            } else {
                <input {id} type="text" value={(**value).clone()} oninput={keep(value)} />
            }
        </div>
    }
}

/// The dialog's buttons.
fn dialog_actions(lang: Lang, prefix: &str, busy: bool, on_cancel: Callback<()>) -> Html {
    html! {
        <div class="form-actions">
            <button id={format!("{prefix}-confirm")} type="submit" class="btn btn-primary" disabled={busy}>
                { tr(lang, if busy { "common.saving" } else { "complaints.action.confirm" }) }
            </button>
            <button id={format!("{prefix}-cancel")} type="button" class="btn"
                    onclick={Callback::from(move |_| on_cancel.emit(()))}>{ tr(lang, "common.cancel") }</button>
        </div>
    }
}

/// The server has no such part (an older server): the panel stays away rather than show an
/// error about a case that is there.
fn missing<T>(loaded: &crate::components::list::Loaded<T>) -> bool {
    loaded.problem.as_ref().is_some_and(|p| p.status == 404) && loaded.data.is_none()
}

/// Runs a save: busy while it runs, its problem shown, `done` after.
fn save<T: 'static>(
    busy: &UseStateHandle<bool>,
    problem: &UseStateHandle<Option<Problem>>,
    done: Callback<()>,
    request: impl std::future::Future<Output = Result<T, Problem>> + 'static,
) {
    if **busy {
        return;
    }
    busy.set(true);
    let (busy, problem) = (busy.clone(), problem.clone());
    yew::platform::spawn_local(async move {
        let result = request.await;
        busy.set(false);
        match result {
            Ok(_) => {
                problem.set(None);
                done.emit(());
            }
            Err(p) => problem.set(Some(p)),
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct PartProps {
    pub id: Uuid,
    /// Counts the case's changes: the parts read again with it.
    #[prop_or_default]
    pub generation: u32,
}

// ---------------------------------------------------------------------------------------
// Refunds (CMP-6)
// ---------------------------------------------------------------------------------------

/// The button of a refund's next step.
fn refund_step_key(to: RefundStatus) -> &'static str {
    match to {
        RefundStatus::Countersigned => "refund.countersign",
        RefundStatus::Approved => "refund.approve",
        RefundStatus::Rejected => "refund.reject",
        RefundStatus::Paid => "refund.pay",
        RefundStatus::Requested => "refund.new",
    }
}

#[component]
pub fn RefundsPanel(props: &PartProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_loaded::<Items<Refund>>(complaints::part_path(props.id, "refunds"));
    let attachments =
        use_loaded::<Items<Attachment>>(complaints::part_path(props.id, "attachments"));
    let creating = use_state(|| false);
    let moving = use_state(|| None::<(Refund, RefundStatus)>);
    let id = props.id;
    {
        let (loaded, attachments) = (loaded.clone(), attachments.clone());
        use_effect_with(props.generation, move |g| {
            if *g > 0 {
                loaded.reload();
                attachments.reload();
            }
        });
    }
    let can_write = session.can(Permission::ComplaintWrite);
    let roles = session.me().map(|m| m.roles.clone()).unwrap_or_default();
    let close = {
        let (creating, moving) = (creating.clone(), moving.clone());
        Callback::from(move |()| {
            creating.set(false);
            moving.set(None);
        })
    };
    let done = {
        let (close, loaded) = (close.clone(), loaded.clone());
        Callback::from(move |()| {
            close.emit(());
            loaded.reload();
        })
    };
    let rows: Html = match &*loaded.data {
        None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
        Some(list) if list.as_slice().is_empty() => html! { <li class="muted">{ tr(lang, "refund.none") }</li> },
        Some(list) => list
            .as_slice()
            .iter()
            .map(|r| {
                let steps: Html = r
                    .next
                    .iter()
                    .filter(|to| to.may_be_made_by(&roles) || (**to == RefundStatus::Paid && can_write))
                    .map(|to| {
                        let (moving, r2, to) = (moving.clone(), r.clone(), *to);
                        html! {
                            <button type="button" class={classes!("btn", "btn-small", (to == RefundStatus::Rejected).then_some("btn-danger"))}
                                    data-to={to.code()}
                                    onclick={Callback::from(move |_| moving.set(Some((r2.clone(), to))))}>
                                { tr(lang, refund_step_key(to)) }
                            </button>
                        }
                    })
                    .collect();
                html! {
                    <li class="money-row" data-refund-id={r.id.to_string()} data-status={r.status.code()}>
                        <div class="money-head">
                            <span class="tag tag-muted">{ r.kind.label(lang) }</span>
                            <strong class="money-amount">{ yuan(r.amount_fen) }</strong>
                            <span class="muted">{ r.method.label(lang) }</span>
                            <span class={classes!("tag", match r.status {
                                RefundStatus::Paid => "badge-ok",
                                RefundStatus::Rejected => "tag-danger",
                                _ => "badge-warn",
                            })}>{ r.status.label(lang) }</span>
                        </div>
                        <div class="pre-line">{ &r.reason }</div>
                        if let Some(at) = r.expected_arrival_at {
                            <div class="muted">{ trf(lang, "refund.arrival", &[&local_time(at)]) }</div>
                        }
                        if let Some(why) = &r.rejection_reason {
                            <div class="muted">{ trf(lang, "refund.rejected_because", &[why]) }</div>
                        }
                        <div class="actions">{ steps }</div>
                    </li>
                }
            })
            .collect(),
    };
    if missing(&loaded) {
        return html! {};
    }
    html! {
        <div class="panel" id="complaint-refunds">
            <div class="panel-head">
                <h2 class="panel-title">{ tr(lang, "refund.title") }</h2>
                if can_write {
                    <button id="refund-new" type="button" class="btn btn-small"
                            onclick={{ let c = creating.clone(); Callback::from(move |_| c.set(true)) }}>
                        { tr(lang, "refund.new") }
                    </button>
                }
            </div>
            { loaded.banner() }
            <ul class="money-list">{ rows }</ul>
            if *creating {
                <RefundCreateDialog {id} on_close={close.clone()} on_done={done.clone()} />
            }
            if let Some((r, to)) = &*moving {
                <RefundMoveDialog {id} refund={r.clone()} to={*to}
                                  attachments={attachments.data.as_ref().map(|a| a.as_slice().to_vec()).unwrap_or_default()}
                                  on_close={close} on_done={done} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DialogProps {
    id: Uuid,
    on_close: Callback<()>,
    on_done: Callback<()>,
}

#[component]
fn RefundCreateDialog(props: &DialogProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let kind = use_state(|| RefundKind::Refund.code().to_string());
    let method = use_state(|| RefundMethod::Cash.code().to_string());
    let amount = use_state(String::new);
    let reason = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let invalid = use_state(|| false);
    let onsubmit = {
        let (api, id) = (session.api.clone(), props.id);
        let (kind, method, amount, reason, busy, problem, invalid, done) = (
            kind.clone(),
            method.clone(),
            amount.clone(),
            reason.clone(),
            busy.clone(),
            problem.clone(),
            invalid.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(fen), Some(method_v)) = (
                parse_yuan(&amount).filter(|f| *f > 0),
                RefundMethod::from_code(&method),
            ) else {
                invalid.set(true);
                return;
            };
            let body = RefundCreate {
                kind: RefundKind::from_code(&kind),
                amount_fen: fen,
                method: method_v,
                reason: reason.trim().to_string(),
                signed_document_id: None,
            };
            let api = api.clone();
            save(&busy, &problem, done.clone(), async move {
                complaints::create_refund(&api, id, &body).await
            });
        })
    };
    html! {
        <Dialog id="refund-dialog" title={tr(lang, "refund.new")} on_close={props.on_close.clone()}>
            <form class="form" {onsubmit}>
                <ErrorBanner problem={(*problem).clone()} />
                <CodeSelect id="refund-kind" label={tr(lang, "refund.kind")} value={(*kind).clone()}
                            onchange={keep_select(&kind)} options={coded_options(&RefundKind::ALL, RefundKind::code, lang)} />
                <div class={classes!("field", invalid.then_some("has-error"))}>
                    <label for="refund-amount">{ tr(lang, "refund.amount") }</label>
                    <input id="refund-amount" type="text" inputmode="decimal" value={(*amount).clone()} oninput={keep(&amount)}
                           aria-invalid={invalid.then_some("true")} />
                    if *invalid { <div class="field-error">{ tr(lang, "refund.amount.invalid") }</div> }
                </div>
                <CodeSelect id="refund-method" label={tr(lang, "refund.method")} value={(*method).clone()}
                            onchange={keep_select(&method)} options={coded_options(&RefundMethod::ALL, RefundMethod::code, lang)} />
                { text_field(lang, "refund-reason", "refund.reason", &reason, true) }
                { dialog_actions(lang, "refund", *busy, props.on_close.clone()) }
            </form>
        </Dialog>
    }
}

#[derive(Properties, PartialEq)]
struct RefundMoveProps {
    id: Uuid,
    refund: Refund,
    to: RefundStatus,
    attachments: Vec<Attachment>,
    on_close: Callback<()>,
    on_done: Callback<()>,
}

#[component]
fn RefundMoveDialog(props: &RefundMoveProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let comment = use_state(String::new);
    let document = use_state(|| {
        props
            .refund
            .signed_document_id
            .map(|d| d.to_string())
            .unwrap_or_default()
    });
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let paying = props.to == RefundStatus::Paid;
    let onsubmit = {
        let (api, id, refund, to) = (
            session.api.clone(),
            props.id,
            props.refund.clone(),
            props.to,
        );
        let (comment, document, busy, problem, done) = (
            comment.clone(),
            document.clone(),
            busy.clone(),
            problem.clone(),
            props.on_done.clone(),
        );
        let already = props.refund.signed_document_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let doc = document.parse::<Uuid>().ok();
            let body = RefundTransition {
                to,
                comment: forms::opt(&comment),
                signed_document_id: if paying && doc != already { doc } else { None },
                paid_at: None,
                version: Some(refund.version),
            };
            let (api, refund) = (api.clone(), refund.clone());
            save(&busy, &problem, done.clone(), async move {
                complaints::move_refund(&api, id, &refund, &body).await
            });
        })
    };
    let documents: Vec<(AttrValue, AttrValue)> = props
        .attachments
        .iter()
        .map(|a| {
            (
                AttrValue::from(a.id.to_string()),
                AttrValue::from(format!("{} · {}", a.kind.label(lang), a.file_name)),
            )
        })
        .collect();
    html! {
        <Dialog id="refund-move-dialog" title={tr(lang, refund_step_key(props.to))} on_close={props.on_close.clone()}>
            <form class="form" {onsubmit}>
                <p class="muted">{ format!("{} · {}", yuan(props.refund.amount_fen), props.refund.status.label(lang)) }</p>
                <ErrorBanner problem={(*problem).clone()} />
                if paying {
                    <CodeSelect id="refund-document" label={tr(lang, "refund.signed_document")} value={(*document).clone()}
                                onchange={keep_select(&document)} options={documents} />
                }
                { text_field(lang, "refund-comment", "complaints.comment", &comment, true) }
                { dialog_actions(lang, "refund-move", *busy, props.on_close.clone()) }
            </form>
        </Dialog>
    }
}

// ---------------------------------------------------------------------------------------
// Responsibility and penalties (CMP-7)
// ---------------------------------------------------------------------------------------

#[component]
pub fn ResponsibilityPanel(props: &PartProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded =
        use_loaded::<Items<Responsibility>>(complaints::part_path(props.id, "responsibilities"));
    let creating = use_state(|| false);
    let confirming = use_state(|| None::<Responsibility>);
    let slip_problem = use_state(|| None::<Problem>);
    let id = props.id;
    {
        let loaded = loaded.clone();
        use_effect_with(props.generation, move |g| {
            if *g > 0 {
                loaded.reload();
            }
        });
    }
    let can_write = session.can(Permission::ComplaintWrite);
    let can_approve = session.can(Permission::ComplaintApprove);
    let close = {
        let (creating, confirming) = (creating.clone(), confirming.clone());
        Callback::from(move |()| {
            creating.set(false);
            confirming.set(None);
        })
    };
    let done = {
        let (close, loaded) = (close.clone(), loaded.clone());
        Callback::from(move |()| {
            close.emit(());
            loaded.reload();
        })
    };
    let slip = |r: &Responsibility| {
        let (api, rid, number, slip_problem) = (
            session.api.clone(),
            r.id,
            r.complaint_number.clone().unwrap_or_default(),
            slip_problem.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, number, slip_problem) = (api.clone(), number.clone(), slip_problem.clone());
            yew::platform::spawn_local(async move {
                match complaints::penalty_slip(&api, id, rid, lang).await {
                    Ok(bytes) => {
                        slip_problem.set(None);
                        let name = format!("{}-{number}.html", tr(lang, "penalty.slip.file"));
                        save_file(&bytes, "text/html", &name);
                    }
                    Err(p) => slip_problem.set(Some(p)),
                }
            });
        })
    };
    let rows: Html = match &*loaded.data {
        None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
        Some(list) if list.as_slice().is_empty() => html! { <li class="muted">{ tr(lang, "penalty.none") }</li> },
        Some(list) => list
            .as_slice()
            .iter()
            .map(|r| {
                let people = [
                    Some(r.staff_name.clone()),
                    r.department_name.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                html! {
                    <li class="money-row" data-responsibility-id={r.id.to_string()}>
                        <div class="money-head">
                            <strong>{ people }</strong>
                            if let Some(s) = &r.supervisor_name { <span class="muted">{ trf(lang, "penalty.supervisor_is", &[s]) }</span> }
                            if let Some(l) = &r.leader_name { <span class="muted">{ trf(lang, "penalty.leader_is", &[l]) }</span> }
                        </div>
                        <div class="pre-line">{ &r.description }</div>
                        <dl class="kv-grid penalty-levels">
                            <div class="kv"><dt>{ tr(lang, "penalty.loss") }</dt><dd>{ yuan(r.loss_fen) }</dd></div>
                            <div class="kv"><dt>{ tr(lang, "penalty.proposed") }</dt>
                                <dd class="penalty-proposed" data-level={r.proposed_level.code()}>{ r.proposed_level.label(lang) }</dd></div>
                            <div class="kv"><dt>{ tr(lang, "penalty.confirmed") }</dt>
                                <dd class="penalty-confirmed">
                                    { match r.confirmed_level {
                                        Some(l) => html! { <span class="tag badge-ok" data-level={l.code()}>{ l.label(lang) }</span> },
                                        None => html! { <span class="tag badge-warn">{ tr(lang, "penalty.unconfirmed") }</span> },
                                    } }
                                    if let Some(by) = &r.confirmed_by_name { { " " }<span class="muted">{ by }</span> }
                                </dd></div>
                            if let Some(f) = r.fines {
                                <div class="kv"><dt>{ tr(lang, "penalty.fines") }</dt>
                                    <dd>{ trf(lang, "penalty.fines.each", &[&yuan(f.staff_fen), &yuan(f.supervisor_fen), &yuan(f.leader_fen)]) }</dd></div>
                            }
                        </dl>
                        <div class="actions">
                            if can_approve && r.confirmed_level.is_none() {
                                <button type="button" class="btn btn-small btn-primary penalty-confirm-open"
                                        onclick={{ let (c, r2) = (confirming.clone(), r.clone()); Callback::from(move |_| c.set(Some(r2.clone()))) }}>
                                    { tr(lang, "penalty.confirm") }
                                </button>
                            }
                            if r.confirmed_level.is_some() {
                                <button type="button" class="btn btn-small penalty-slip" onclick={slip(r)}>
                                    { tr(lang, "penalty.slip") }
                                </button>
                            }
                        </div>
                    </li>
                }
            })
            .collect(),
    };
    if missing(&loaded) {
        return html! {};
    }
    html! {
        <div class="panel" id="complaint-responsibility">
            <div class="panel-head">
                <h2 class="panel-title">{ tr(lang, "penalty.title") }</h2>
                if can_write {
                    <button id="responsibility-new" type="button" class="btn btn-small"
                            onclick={{ let c = creating.clone(); Callback::from(move |_| c.set(true)) }}>
                        { tr(lang, "penalty.new") }
                    </button>
                }
            </div>
            { loaded.banner() }
            <ErrorBanner problem={(*slip_problem).clone()} />
            <ul class="money-list">{ rows }</ul>
            if *creating {
                <ResponsibilityDialog {id} on_close={close.clone()} on_done={done.clone()} />
            }
            if let Some(r) = &*confirming {
                <ConfirmDialog {id} responsibility={r.clone()} on_close={close} on_done={done} />
            }
        </div>
    }
}

#[component]
fn ResponsibilityDialog(props: &DialogProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let staff = use_state(String::new);
    let supervisor = use_state(String::new);
    let leader = use_state(String::new);
    let description = use_state(String::new);
    let loss = use_state(String::new);
    let serious = use_state(|| false);
    let reputation = use_state(|| false);
    let dissatisfied = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let onsubmit = {
        let (api, id) = (session.api.clone(), props.id);
        let (staff, supervisor, leader, description, loss, serious, reputation, dissatisfied) = (
            staff.clone(),
            supervisor.clone(),
            leader.clone(),
            description.clone(),
            loss.clone(),
            serious.clone(),
            reputation.clone(),
            dissatisfied.clone(),
        );
        let (busy, problem, done) = (busy.clone(), problem.clone(), props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = ResponsibilityCreate {
                staff_name: forms::opt(&staff),
                supervisor_name: forms::opt(&supervisor),
                leader_name: forms::opt(&leader),
                description: description.trim().to_string(),
                // Empty: the case's refunds that were not turned down.
                loss_fen: parse_yuan(&loss),
                serious_accident: *serious,
                reputation_damage: *reputation,
                patient_dissatisfied: *dissatisfied,
                ..ResponsibilityCreate::default()
            };
            let api = api.clone();
            save(&busy, &problem, done.clone(), async move {
                complaints::create_responsibility(&api, id, &body).await
            });
        })
    };
    html! {
        <Dialog id="responsibility-dialog" title={tr(lang, "penalty.new")} on_close={props.on_close.clone()}>
            <form class="form" {onsubmit}>
                <ErrorBanner problem={(*problem).clone()} />
                { text_field(lang, "responsibility-staff", "penalty.staff", &staff, false) }
                { text_field(lang, "responsibility-supervisor", "penalty.supervisor", &supervisor, false) }
                { text_field(lang, "responsibility-leader", "penalty.leader", &leader, false) }
                { text_field(lang, "responsibility-description", "penalty.description", &description, true) }
                <div class="field">
                    <label for="responsibility-loss">{ tr(lang, "penalty.loss") }</label>
                    <input id="responsibility-loss" type="text" inputmode="decimal" value={(*loss).clone()} oninput={keep(&loss)} />
                    <div class="hint">{ tr(lang, "penalty.loss.hint") }</div>
                </div>
                <label class="check"><input id="responsibility-serious" type="checkbox" checked={*serious} onchange={keep_check(&serious)} />{ tr(lang, "penalty.serious") }</label>
                <label class="check"><input id="responsibility-reputation" type="checkbox" checked={*reputation} onchange={keep_check(&reputation)} />{ tr(lang, "penalty.reputation") }</label>
                <label class="check"><input id="responsibility-dissatisfied" type="checkbox" checked={*dissatisfied} onchange={keep_check(&dissatisfied)} />{ tr(lang, "penalty.dissatisfied") }</label>
                { dialog_actions(lang, "responsibility", *busy, props.on_close.clone()) }
            </form>
        </Dialog>
    }
}

#[derive(Properties, PartialEq)]
struct ConfirmProps {
    id: Uuid,
    responsibility: Responsibility,
    on_close: Callback<()>,
    on_done: Callback<()>,
}

#[component]
fn ConfirmDialog(props: &ConfirmProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let proposed = props.responsibility.proposed_level;
    let level = use_state(|| proposed.code().to_string());
    let note = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let onsubmit = {
        let (api, id, r) = (session.api.clone(), props.id, props.responsibility.clone());
        let (level, note, busy, problem, done) = (
            level.clone(),
            note.clone(),
            busy.clone(),
            problem.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(l) = PenaltyLevel::from_code(&level) else {
                return;
            };
            let body = ResponsibilityConfirm {
                level: l,
                note: forms::opt(&note),
                version: Some(r.version),
            };
            let (api, r) = (api.clone(), r.clone());
            save(&busy, &problem, done.clone(), async move {
                complaints::confirm_responsibility(&api, id, &r, &body).await
            });
        })
    };
    html! {
        <Dialog id="penalty-dialog" title={tr(lang, "penalty.confirm")} on_close={props.on_close.clone()}>
            <form class="form" {onsubmit}>
                <p>{ tr(lang, "penalty.proposed") }{ lang.pick("：", ": ") }<strong>{ proposed.label(lang) }</strong></p>
                <ErrorBanner problem={(*problem).clone()} />
                <CodeSelect id="penalty-level" label={tr(lang, "penalty.confirmed")} value={(*level).clone()}
                            onchange={keep_select(&level)} options={coded_options(&PenaltyLevel::ALL, PenaltyLevel::code, lang)} />
                if *level != proposed.code() {
                    <p class="hint warning-text">{ tr(lang, "penalty.other_level") }</p>
                }
                { text_field(lang, "penalty-note", "penalty.note", &note, true) }
                { dialog_actions(lang, "penalty", *busy, props.on_close.clone()) }
            </form>
        </Dialog>
    }
}

// ---------------------------------------------------------------------------------------
// Improvement actions
// ---------------------------------------------------------------------------------------

#[component]
pub fn ImprovementsPanel(props: &PartProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_loaded::<Items<Improvement>>(complaints::part_path(props.id, "improvements"));
    // Who may own one: the staff the caller can see (supervisors and up); else the caller.
    let users = use_loaded::<Page<User>>(format!("{}?active=true&limit=200", org::USERS));
    let creating = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let id = props.id;
    {
        let loaded = loaded.clone();
        use_effect_with(props.generation, move |g| {
            if *g > 0 {
                loaded.reload();
            }
        });
    }
    let can_write = session.can(Permission::ComplaintWrite);
    let me = session.me();
    let name_of = |owner: Uuid| -> String {
        if let Some(u) = users
            .data
            .as_ref()
            .and_then(|p| p.items.iter().find(|u| u.id == owner))
        {
            return u.display_name.clone();
        }
        match &me {
            Some(m) if m.id == owner => m.display_name.clone(),
            _ => String::from("—"),
        }
    };
    let close = {
        let creating = creating.clone();
        Callback::from(move |()| creating.set(false))
    };
    let done = {
        let (close, loaded) = (close.clone(), loaded.clone());
        Callback::from(move |()| {
            close.emit(());
            loaded.reload();
        })
    };
    let mark = |i: &Improvement| {
        let (api, i, problem, loaded) = (
            session.api.clone(),
            i.clone(),
            problem.clone(),
            loaded.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let body = ImprovementUpdate {
                done: Some(!i.done),
                ..ImprovementUpdate::default()
            };
            let (api, i, problem, loaded) =
                (api.clone(), i.clone(), problem.clone(), loaded.clone());
            yew::platform::spawn_local(async move {
                match complaints::update_improvement(&api, id, &i, &body).await {
                    Ok(_) => {
                        problem.set(None);
                        loaded.reload();
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let owners: Vec<(Uuid, String)> = match (&*users.data, &me) {
        (Some(p), _) if !p.items.is_empty() => p
            .items
            .iter()
            .map(|u| (u.id, u.display_name.clone()))
            .collect(),
        (_, Some(m)) => vec![(m.id, m.display_name.clone())],
        _ => Vec::new(),
    };
    let rows: Html = match &*loaded.data {
        None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
        Some(list) if list.as_slice().is_empty() => html! { <li class="muted">{ tr(lang, "improvement.none") }</li> },
        Some(list) => list
            .as_slice()
            .iter()
            .map(|i| html! {
                <li class="money-row" data-improvement-id={i.id.to_string()} data-done={i.done.to_string()}>
                    <div class="money-head">
                        <span class="pre-line">{ &i.text }</span>
                        if i.done { <span class="tag badge-ok">{ tr(lang, "improvement.done") }</span> }
                        if i.overdue { <span class="tag tag-danger">{ tr(lang, "tasks.overdue") }</span> }
                    </div>
                    <div class="muted">{ trf(lang, "improvement.owner_due", &[&name_of(i.owner_id), &i.due_on.to_string()]) }</div>
                    if can_write {
                        <button type="button" class="btn btn-small improvement-toggle" onclick={mark(i)}>
                            { tr(lang, if i.done { "improvement.reopen" } else { "improvement.mark_done" }) }
                        </button>
                    }
                </li>
            })
            .collect(),
    };
    if missing(&loaded) {
        return html! {};
    }
    html! {
        <div class="panel" id="complaint-improvements">
            <div class="panel-head">
                <h2 class="panel-title">{ tr(lang, "improvement.title") }</h2>
                if can_write {
                    <button id="improvement-new" type="button" class="btn btn-small"
                            onclick={{ let c = creating.clone(); Callback::from(move |_| c.set(true)) }}>
                        { tr(lang, "improvement.new") }
                    </button>
                }
            </div>
            { loaded.banner() }
            <ErrorBanner problem={(*problem).clone()} />
            <ul class="money-list">{ rows }</ul>
            if *creating {
                <ImprovementDialog {id} {owners} on_close={close} on_done={done} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ImprovementDialogProps {
    id: Uuid,
    owners: Vec<(Uuid, String)>,
    on_close: Callback<()>,
    on_done: Callback<()>,
}

#[component]
fn ImprovementDialog(props: &ImprovementDialogProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let me = session.me().map(|m| m.id.to_string()).unwrap_or_default();
    let text = use_state(String::new);
    let owner = use_state(|| me);
    let week = (chrono::Local::now().date_naive() + chrono::Days::new(7)).to_string();
    let due = use_state(|| week);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let onsubmit = {
        let (api, id) = (session.api.clone(), props.id);
        let (text, owner, due, busy, problem, done) = (
            text.clone(),
            owner.clone(),
            due.clone(),
            busy.clone(),
            problem.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Ok(owner_id), Ok(due_on)) = (
                owner.parse::<Uuid>(),
                NaiveDate::parse_from_str(&due, "%Y-%m-%d"),
            ) else {
                return;
            };
            let body = ImprovementCreate {
                text: text.trim().to_string(),
                owner_id,
                due_on,
            };
            let api = api.clone();
            save(&busy, &problem, done.clone(), async move {
                complaints::create_improvement(&api, id, &body).await
            });
        })
    };
    let options: Vec<(AttrValue, AttrValue)> = props
        .owners
        .iter()
        .map(|(id, name)| {
            (
                AttrValue::from(id.to_string()),
                AttrValue::from(name.clone()),
            )
        })
        .collect();
    html! {
        <Dialog id="improvement-dialog" title={tr(lang, "improvement.new")} on_close={props.on_close.clone()}>
            <form class="form" {onsubmit}>
                <ErrorBanner problem={(*problem).clone()} />
                { text_field(lang, "improvement-text", "improvement.text", &text, true) }
                <CodeSelect id="improvement-owner" label={tr(lang, "improvement.owner")} value={(*owner).clone()}
                            onchange={keep_select(&owner)} {options} />
                <div class="field">
                    <label for="improvement-due">{ tr(lang, "improvement.due") }</label>
                    <input id="improvement-due" type="date" value={(*due).clone()} oninput={keep(&due)} />
                </div>
                { dialog_actions(lang, "improvement", *busy, props.on_close.clone()) }
            </form>
        </Dialog>
    }
}

// ---------------------------------------------------------------------------------------
// Attachments (CMP-9)
// ---------------------------------------------------------------------------------------

fn size_text(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", (b + 1023) / 1024),
        b => format!("{b} B"),
    }
}

#[component]
pub fn AttachmentsPanel(props: &PartProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_loaded::<Items<Attachment>>(complaints::part_path(props.id, "attachments"));
    let file = use_state(|| None::<web_sys::File>);
    let kind = use_state(|| AttachmentKind::Other.code().to_string());
    let description = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let file_ref = use_node_ref();
    let id = props.id;
    {
        let loaded = loaded.clone();
        use_effect_with(props.generation, move |g| {
            if *g > 0 {
                loaded.reload();
            }
        });
    }
    let can_write = session.can(Permission::ComplaintWrite);
    let on_file = {
        let file = file.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            file.set(i.files().and_then(|f| f.get(0)));
        })
    };
    let upload = {
        let (api, file, kind, description, busy, problem, loaded, file_ref) = (
            session.api.clone(),
            file.clone(),
            kind.clone(),
            description.clone(),
            busy.clone(),
            problem.clone(),
            loaded.clone(),
            file_ref.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = (*file).clone() else { return };
            let params = [
                ("kind", (*kind).clone()),
                ("file_name", f.name()),
                ("description", description.trim().to_string()),
            ];
            let (api, file, description, file_ref, loaded) = (
                api.clone(),
                file.clone(),
                description.clone(),
                file_ref.clone(),
                loaded.clone(),
            );
            let done = Callback::from(move |()| {
                file.set(None);
                description.set(String::new());
                if let Some(i) = file_ref.cast::<HtmlInputElement>() {
                    i.set_value("");
                }
                loaded.reload();
            });
            save(&busy, &problem, done, async move {
                let body: JsValue = f.into();
                complaints::upload_attachment(&api, id, &params, &body).await
            });
        })
    };
    let download = |a: &Attachment| {
        let (api, a, problem) = (session.api.clone(), a.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, a, problem) = (api.clone(), a.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match complaints::download_attachment(&api, id, &a).await {
                    Ok(bytes) => save_file(&bytes, &a.content_type, &a.file_name),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let rows: Html = match &*loaded.data {
        None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
        Some(list) if list.as_slice().is_empty() => html! { <li class="muted">{ tr(lang, "attachment.none") }</li> },
        Some(list) => list
            .as_slice()
            .iter()
            .map(|a| html! {
                <li class="money-row" data-attachment-id={a.id.to_string()}>
                    <div class="money-head">
                        <span class="tag tag-muted">{ a.kind.label(lang) }</span>
                        <button type="button" class="btn-link attachment-download" onclick={download(a)}>{ &a.file_name }</button>
                        <span class="muted">{ format!("{} · {}", a.format.label(lang), size_text(a.size_bytes)) }</span>
                    </div>
                    if let Some(d) = &a.description { <div>{ d }</div> }
                    <div class="muted mono sha" title={a.sha256.clone()}>{ format!("SHA-256 {}…", &a.sha256[..a.sha256.len().min(16)]) }</div>
                </li>
            })
            .collect(),
    };
    if missing(&loaded) {
        return html! {};
    }
    html! {
        <div class="panel" id="complaint-attachments">
            <h2 class="panel-title">{ tr(lang, "attachment.title") }</h2>
            { loaded.banner() }
            <ErrorBanner problem={(*problem).clone()} />
            <ul class="money-list">{ rows }</ul>
            if can_write {
                <form class="form attachment-form" onsubmit={upload}>
                    <div class="field">
                        <label for="attachment-file">{ tr(lang, "attachment.file") }</label>
                        <input id="attachment-file" type="file" ref={file_ref} accept=".jpg,.jpeg,.png,.pdf,.docx" onchange={on_file} />
                        <div class="hint">{ tr(lang, "attachment.limits") }</div>
                    </div>
                    <CodeSelect id="attachment-kind" label={tr(lang, "attachment.kind")} value={(*kind).clone()}
                                onchange={keep_select(&kind)} options={coded_options(&AttachmentKind::ALL, AttachmentKind::code, lang)} />
                    { text_field(lang, "attachment-description", "attachment.description", &description, false) }
                    <div class="form-actions">
                        <button id="attachment-upload" type="submit" class="btn" disabled={*busy || file.is_none()}>
                            { tr(lang, if *busy { "attachment.uploading" } else { "attachment.upload" }) }
                        </button>
                    </div>
                </form>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_and_parses_as_yuan() {
        assert_eq!(yuan(1_280_000), "¥12,800.00");
        assert_eq!(yuan(1_999_999), "¥19,999.99");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(10_000_000_000), "¥100,000,000.00");
        assert_eq!(parse_yuan("12800"), Some(1_280_000));
        assert_eq!(parse_yuan("¥12,800.5"), Some(1_280_050));
        assert_eq!(parse_yuan(" 0.05 "), Some(5));
        assert_eq!(parse_yuan("12.345"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(parse_yuan(""), None);
        assert_eq!(parse_yuan("-5"), None);
    }
}

// ---------------------------------------------------------------------------------------
// The follow-up wish (CMP-4 closing, FUP-1)
// ---------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct WishProps {
    pub id: Uuid,
}

/// Whether the complainant wants a follow-up call on the handling, recorded when the case
/// is closed (from closing and archiving on); the follow-up plans read it.
#[component]
pub fn FollowUpWishPanel(props: &WishProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let loaded = use_loaded::<FollowUpWish>(complaints::part_path(props.id, "follow-up-wish"));
    let wanted = use_state(|| None::<bool>);
    let note = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let saved = use_state(|| false);
    {
        // The form starts from what is recorded.
        let (wanted, note) = (wanted.clone(), note.clone());
        let recorded = loaded.data.as_ref().map(|w| (w.wanted, w.note.clone()));
        use_effect_with(recorded, move |r| {
            if let Some((w, n)) = r {
                wanted.set(*w);
                note.set(n.clone().unwrap_or_default());
            }
        });
    }
    if missing(&loaded) {
        return html! {};
    }
    let can_write = session.can(Permission::ComplaintWrite);
    let choose = |value: bool| {
        let (wanted, saved) = (wanted.clone(), saved.clone());
        Callback::from(move |_: Event| {
            wanted.set(Some(value));
            saved.set(false);
        })
    };
    let onsubmit = {
        let (api, id) = (session.api.clone(), props.id);
        let (wanted, note, busy, problem, saved, loaded) = (
            wanted.clone(),
            note.clone(),
            busy.clone(),
            problem.clone(),
            saved.clone(),
            loaded.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(w) = *wanted else { return };
            let version = loaded.data.as_ref().map(|x| x.version).unwrap_or(0);
            let body = FollowUpWishUpdate {
                wanted: w,
                note: forms::opt(&note),
                version: Some(version),
            };
            let (api, saved, loaded) = (api.clone(), saved.clone(), loaded.clone());
            let done = Callback::from(move |()| {
                saved.set(true);
                loaded.reload();
            });
            save(&busy, &problem, done, async move {
                api.put::<FollowUpWish, _>(
                    &complaints::part_path(id, "follow-up-wish"),
                    version,
                    &body,
                )
                .await
            });
        })
    };
    html! {
        <div class="panel" id="complaint-follow-up-wish">
            <h2 class="panel-title">{ tr(lang, "wish.title") }</h2>
            { loaded.banner() }
            <ErrorBanner problem={(*problem).clone()} />
            <form class="form" {onsubmit}>
                <fieldset class="choices">
                    <legend>{ tr(lang, "wish.question") }</legend>
                    <label class="check"><input type="radio" name="wish" id="wish-yes" checked={*wanted == Some(true)}
                        disabled={!can_write} onchange={choose(true)} />{ tr(lang, "wish.yes") }</label>
                    <label class="check"><input type="radio" name="wish" id="wish-no" checked={*wanted == Some(false)}
                        disabled={!can_write} onchange={choose(false)} />{ tr(lang, "wish.no") }</label>
                </fieldset>
                { text_field(lang, "wish-note", "wish.note", &note, false) }
                if can_write {
                    <div class="form-actions">
                        <button id="wish-save" type="submit" class="btn" disabled={*busy || wanted.is_none()}>
                            { tr(lang, if *busy { "common.saving" } else { "common.save" }) }
                        </button>
                        if *saved { <span class="muted" role="status">{ tr(lang, "wish.saved") }</span> }
                    </div>
                }
            </form>
        </div>
    }
}
