//! Refunds and compensation (CMP-6): the list, the new one, the approval chain's steps.

use super::*;

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
    let can_write = session.can(Permission::ComplaintWrite) && props.open;
    // A closed case takes no step either.
    let roles = if props.open {
        session.me().map(|m| m.roles.clone()).unwrap_or_default()
    } else {
        Vec::new()
    };
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
                            <div class="muted">{ trf(lang, "refund.arrival", &[&zoned_time(at, &props.zone)]) }</div>
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
