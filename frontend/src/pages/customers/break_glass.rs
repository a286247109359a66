//! Break-glass (X-6a): state a category and a reason to open a record outside one's access
//! for a short time; over the daily cap a supervisor approves first; a second person reviews
//! every grant afterwards.

use hcrm_domain::api::Problem;
use hcrm_domain::api::sensitive::{BreakGlassCategory, ReviewRequest, reason_of_substance};
use hcrm_domain::{Label, Permission};
use uuid::Uuid;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::search::CustomerLink;
use crate::pages::customers::{BreakGlassGrant, BreakGlassRequest, local_time};
use crate::services::{break_glass, customers};

#[derive(Properties, PartialEq)]
pub struct BreakGlassDialogProps {
    pub customer_id: Uuid,
    /// Called once access was granted (the page reloads what it shows).
    pub on_granted: Callback<()>,
    pub on_close: Callback<()>,
}

/// `#break-glass-dialog`: a category, a reason of substance (8–500 characters) and a confirm
/// button. Over the daily cap the request waits for a supervisor: the dialog says so.
#[component]
pub fn BreakGlassDialog(props: &BreakGlassDialogProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let category = use_state(|| None::<BreakGlassCategory>);
    let reason = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let tried = use_state(|| false);
    let waiting = use_state(|| false);
    let reason_ok =
        reason.trim().chars().count() <= 500 && reason_of_substance(reason.trim()).is_ok();
    let valid = reason_ok && category.is_some();

    let onchange = {
        let category = category.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            category.set(BreakGlassCategory::from_code(&s.value()));
        })
    };

    let oninput = {
        let reason = reason.clone();
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            reason.set(t.value());
        })
    };
    let confirm = {
        let (reason, busy, problem, tried, waiting) = (
            reason.clone(),
            busy.clone(),
            problem.clone(),
            tried.clone(),
            waiting.clone(),
        );
        let chosen = *category;
        let (api, id, on_granted) = (
            session.api.clone(),
            props.customer_id,
            props.on_granted.clone(),
        );
        Callback::from(move |_| {
            tried.set(true);
            let Some(category) = chosen.filter(|_| valid && !*busy) else {
                return;
            };
            busy.set(true);
            let (reason, busy, problem, api, on_granted, waiting) = (
                reason.trim().to_string(),
                busy.clone(),
                problem.clone(),
                api.clone(),
                on_granted.clone(),
                waiting.clone(),
            );
            yew::platform::spawn_local(async move {
                let body = BreakGlassRequest { category, reason };
                match customers::break_glass(&api, id, &body).await {
                    Ok(grant) if grant.needs_approval => waiting.set(true),
                    Ok(_) => on_granted.emit(()),
                    Err(p) => problem.set(Some(p)),
                }
                busy.set(false);
            });
        })
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <div class="modal-backdrop">
            <div id="break-glass-dialog" class="panel modal" role="dialog" aria-modal="true"
                 aria-labelledby="break-glass-title">
                <h3 id="break-glass-title">{ tr(lang, "breakglass.title") }</h3>
                if *waiting {
                    <p id="break-glass-waiting" class="notice" role="status">{ tr(lang, "breakglass.waiting") }</p>
                    <div class="form-actions">
                        <button class="btn" onclick={close}>{ tr(lang, "common.close") }</button>
                    </div>
                } else {
                <p class="warning-text">{ tr(lang, "breakglass.explain") }</p>
                <ErrorBanner problem={(*problem).clone()} />
                <div class={classes!("field", (*tried && category.is_none()).then_some("has-error"))}>
                    <label for="break-glass-category">{ tr(lang, "breakglass.category") }<span class="req">{ "*" }</span></label>
                    <select id="break-glass-category" {onchange}>
                        <option value="" selected={category.is_none()}>{ tr(lang, "common.choose") }</option>
                        { for BreakGlassCategory::ALL.iter().map(|c| html! {
                            <option value={c.code()} selected={*category == Some(*c)}>{ c.label(lang) }</option>
                        }) }
                    </select>
                    if *tried && category.is_none() {
                        <div class="field-error">{ tr(lang, "field.required") }</div>
                    }
                </div>
                <div class={classes!("field", (*tried && !reason_ok).then_some("has-error"))}>
                    <label for="break-glass-reason">{ tr(lang, "breakglass.reason") }<span class="req">{ "*" }</span></label>
                    <textarea id="break-glass-reason" rows="3" value={(*reason).clone()} {oninput}
                              placeholder={tr(lang, "breakglass.reason.hint")} />
                    if *tried && !reason_ok {
                        <div class="field-error">{ tr(lang, "breakglass.reason.error") }</div>
                    }
                </div>
                <div class="form-actions">
                    <button id="break-glass-confirm" class="btn btn-danger" onclick={confirm} disabled={*busy}>
                        { tr(lang, "breakglass.confirm") }
                    </button>
                    <button class="btn" onclick={close}>{ tr(lang, "common.cancel") }</button>
                </div>
                }
            </div>
        </div>
    }
}

/// `/admin/break-glass`: grants not reviewed yet, each reviewed with a note.
#[component]
pub fn BreakGlassReviewPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let grants = use_state(|| None::<Vec<BreakGlassGrant>>);
    let problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
    let notes = use_state(std::collections::HashMap::<Uuid, String>::new);
    let reload = use_state(|| 0_u32);
    {
        let (api, grants, problem) = (session.api.clone(), grants.clone(), problem.clone());
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                match break_glass::pending(&api).await {
                    Ok(p) => grants.set(Some(p.items)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let can = session.can(Permission::BreakGlassReview);
    let rows: Html = match &*grants {
        None => html! { <tr><td colspan="7" class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(g) if g.is_empty() => {
            html! { <tr><td colspan="7" class="muted">{ tr(lang, "breakglass.none") }</td></tr> }
        }
        Some(g) => g
            .iter()
            .map(|grant| {
                let id = grant.id;
                let oninput = {
                    let notes = notes.clone();
                    Callback::from(move |e: InputEvent| {
                        let t: web_sys::HtmlInputElement = e.target_unchecked_into();
                        let mut next = (*notes).clone();
                        next.insert(id, t.value());
                        notes.set(next);
                    })
                };
                let pending = grant.needs_approval && grant.approved_at.is_none();
                let approve = {
                    let (api, problem, notice, reload) = (
                        session.api.clone(),
                        problem.clone(),
                        notice.clone(),
                        reload.clone(),
                    );
                    Callback::from(move |_| {
                        let (api, problem, notice, reload) =
                            (api.clone(), problem.clone(), notice.clone(), reload.clone());
                        yew::platform::spawn_local(async move {
                            match break_glass::approve(&api, id).await {
                                Ok(_) => {
                                    problem.set(None);
                                    notice.set(Some(tr(lang, "breakglass.approved").into()));
                                    reload.set(*reload + 1);
                                }
                                Err(p) => problem.set(Some(p)),
                            }
                        });
                    })
                };
                let review = {
                    let (api, notes, problem, notice, reload) = (
                        session.api.clone(),
                        notes.clone(),
                        problem.clone(),
                        notice.clone(),
                        reload.clone(),
                    );
                    Callback::from(move |_| {
                        let note = notes.get(&id).cloned().unwrap_or_default();
                        let (api, problem, notice, reload) =
                            (api.clone(), problem.clone(), notice.clone(), reload.clone());
                        yew::platform::spawn_local(async move {
                            let body = ReviewRequest { note: crate::forms::opt(&note) };
                            match break_glass::review(&api, id, &body).await {
                                Ok(_) => {
                                    problem.set(None);
                                    notice.set(Some(tr(lang, "breakglass.reviewed").into()));
                                    reload.set(*reload + 1);
                                }
                                Err(p) => problem.set(Some(p)),
                            }
                        });
                    })
                };
                html! {
                    <tr data-grant-id={id.to_string()}>
                        <td>{ local_time(grant.granted_at) }</td>
                        <td title={grant.user_id.to_string()}>{ if grant.user_name.is_empty() { short(grant.user_id) } else { grant.user_name.clone() } }</td>
                        <td title={grant.customer_id.to_string()}><CustomerLink id={grant.customer_id}>{
                            if grant.customer_name.is_empty() { short(grant.customer_id) } else { grant.customer_name.clone() }
                        }</CustomerLink></td>
                        <td>{ grant.category.label(lang) }</td>
                        <td>{ &grant.reason }</td>
                        <td>
                            if pending {
                                <span class="badge badge-warn">{ tr(lang, "breakglass.pending") }</span>
                            } else {
                                { local_time(grant.expires_at) }
                            }
                        </td>
                        <td class="actions">
                            if can && pending {
                                <button class="btn btn-small btn-danger" data-approve={id.to_string()} onclick={approve}>
                                    { tr(lang, "breakglass.approve") }
                                </button>
                            }
                            if can {
                                <input type="text" class="review-note" placeholder={tr(lang, "breakglass.note")}
                                       value={notes.get(&id).cloned().unwrap_or_default()} {oninput} />
                                <button class="btn btn-small" data-review={id.to_string()} onclick={review}>
                                    { tr(lang, "breakglass.review") }
                                </button>
                            }
                        </td>
                    </tr>
                }
            })
            .collect(),
    };
    html! {
        <section class="page">
            <div class="page-head"><h1>{ tr(lang, "breakglass.reviews") }</h1></div>
            <ErrorBanner problem={(*problem).clone()} />
            <Notice text={(*notice).clone()} />
            <table id="break-glass-table" class="grid">
                <thead><tr>
                    <th>{ tr(lang, "breakglass.granted_at") }</th>
                    <th>{ tr(lang, "breakglass.user") }</th>
                    <th>{ tr(lang, "breakglass.customer") }</th>
                    <th>{ tr(lang, "breakglass.category") }</th>
                    <th>{ tr(lang, "breakglass.reason") }</th>
                    <th>{ tr(lang, "breakglass.expires_at") }</th>
                    <th>{ tr(lang, "common.actions") }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
        </section>
    }
}

/// The first block of a uuid, enough to tell records apart on screen.
pub fn short(id: Uuid) -> String {
    id.to_string().chars().take(8).collect()
}
