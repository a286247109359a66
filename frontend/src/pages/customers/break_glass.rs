//! Break-glass (X-6a): state a category and a reason to open a record outside one's access
//! for a short time; over the daily cap a supervisor approves first; a second person reviews
//! every grant afterwards.

use chrono::Utc;
use gloo_timers::callback::Interval;
use hcrm_domain::api::Problem;
use hcrm_domain::api::sensitive::{
    BreakGlassCategory, ReviewOutcome, ReviewRequest, reason_of_substance,
};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::dialog::Dialog;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::search::CustomerLink;
use crate::pages::customers::{BreakGlassGrant, BreakGlassRequest, local_time};
use crate::services::break_glass::Show;
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
        <Dialog id="break-glass-dialog" title={tr(lang, "breakglass.title")} on_close={props.on_close.clone()}>
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
                <button id="break-glass-cancel" class="btn" onclick={close}>{ tr(lang, "common.cancel") }</button>
            </div>
            }
        </Dialog>
    }
}

#[derive(Properties, PartialEq)]
pub struct TemporaryAccessProps {
    pub customer_id: Uuid,
}

/// Minutes left until `until`, rounded up (a grant with 10 seconds left has "1 min").
pub fn minutes_left(until: chrono::DateTime<Utc>, now: chrono::DateTime<Utc>) -> i64 {
    let seconds = (until - now).num_seconds();
    if seconds <= 0 { 0 } else { (seconds + 59) / 60 }
}

/// `#temporary-access`: while the caller's break-glass grant for this customer is open, the
/// record says so and how many minutes are left (X-6a); it counts down each 15 seconds.
#[component]
pub fn TemporaryAccess(props: &TemporaryAccessProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let grant = use_state(|| None::<BreakGlassGrant>);
    let now = use_state(Utc::now);
    {
        let (api, grant) = (session.api.clone(), grant.clone());
        use_effect_with(props.customer_id, move |id| {
            let id = *id;
            yew::platform::spawn_local(async move {
                grant.set(customers::open_grant(&api, id).await.ok());
            });
        });
    }
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = Interval::new(15_000, move || now.set(Utc::now()));
            move || drop(tick)
        });
    }
    let Some(g) = &*grant else {
        return html! {};
    };
    let left = minutes_left(g.expires_at, *now);
    html! {
        <div id="temporary-access" class={classes!("notice", (left == 0).then_some("expired"))} role="status"
             data-minutes-left={left.to_string()}>
            if left > 0 {
                { trf(lang, "breakglass.temporary", &[&left.to_string()]) }
            } else {
                { tr(lang, "breakglass.temporary.over") }
            }
            { " " }<span class="muted">{ trf(lang, "breakglass.temporary.until", &[&local_time(g.expires_at)]) }</span>
        </div>
    }
}

/// A reviewer's unsaved finding and note for one grant.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    outcome: Option<ReviewOutcome>,
    note: String,
    tried: bool,
}

impl Draft {
    /// The request, when the draft makes one: a finding, and a note for `inappropriate`.
    fn request(&self) -> Option<ReviewRequest> {
        let outcome = self.outcome?;
        let note = crate::forms::opt(&self.note);
        (outcome != ReviewOutcome::Inappropriate || note.is_some())
            .then_some(ReviewRequest { outcome, note })
    }
}

/// The list filter as a `<select>` value.
fn show_code(show: Show) -> String {
    match show {
        Show::ToReview => "to_review".into(),
        Show::Reviewed(None) => "reviewed".into(),
        Show::Reviewed(Some(o)) => o.code().into(),
    }
}

fn show_of(code: &str) -> Show {
    match code {
        "reviewed" => Show::Reviewed(None),
        other => {
            ReviewOutcome::from_code(other).map_or(Show::ToReview, |o| Show::Reviewed(Some(o)))
        }
    }
}

/// `/admin/break-glass`: grants to review, each with a finding (appropriate, inappropriate —
/// with a required note —, needs follow-up); reviewed grants stay listed, by finding.
#[component]
pub fn BreakGlassReviewPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let grants = use_state(|| None::<Vec<BreakGlassGrant>>);
    let problem = use_state(|| None::<Problem>);
    // A key, worded at each render: the notice follows a change of language.
    let notice = use_state(|| None::<&'static str>);
    let drafts = use_state(std::collections::HashMap::<Uuid, Draft>::new);
    let show = use_state(Show::default);
    let reload = use_state(|| 0_u32);
    {
        let (api, grants, problem) = (session.api.clone(), grants.clone(), problem.clone());
        use_effect_with((*show, *reload), move |(show, _)| {
            let show = *show;
            grants.set(None);
            yew::platform::spawn_local(async move {
                match break_glass::list(&api, show).await {
                    Ok(p) => grants.set(Some(p.items)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let on_show = {
        let show = show.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            show.set(show_of(&s.value()));
        })
    };
    let can = session.can(Permission::BreakGlassReview);
    let reviewing = *show == Show::ToReview;
    let rows: Html = match &*grants {
        None => html! { <tr><td colspan="7" class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(g) if g.is_empty() => html! {
            <tr><td colspan="7" class="muted">{
                tr(lang, if reviewing { "breakglass.none" } else { "breakglass.none_reviewed" })
            }</td></tr>
        },
        Some(g) => g
            .iter()
            .map(|grant| {
                let id = grant.id;
                let draft = drafts.get(&id).cloned().unwrap_or_default();
                let edit = |change: fn(&mut Draft, String)| {
                    let drafts = drafts.clone();
                    move |value: String| {
                        let mut next = (*drafts).clone();
                        change(next.entry(id).or_default(), value);
                        drafts.set(next);
                    }
                };
                let on_outcome = {
                    let set = edit(|d, v| d.outcome = ReviewOutcome::from_code(&v));
                    Callback::from(move |e: Event| {
                        let s: HtmlSelectElement = e.target_unchecked_into();
                        set(s.value());
                    })
                };
                let on_note = {
                    let set = edit(|d, v| d.note = v);
                    Callback::from(move |e: InputEvent| {
                        let t: web_sys::HtmlInputElement = e.target_unchecked_into();
                        set(t.value());
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
                                    notice.set(Some("breakglass.approved"));
                                    reload.set(*reload + 1);
                                }
                                Err(p) => problem.set(Some(p)),
                            }
                        });
                    })
                };
                let review = {
                    let (api, drafts, problem, notice, reload) = (
                        session.api.clone(),
                        drafts.clone(),
                        problem.clone(),
                        notice.clone(),
                        reload.clone(),
                    );
                    Callback::from(move |_| {
                        let draft = drafts.get(&id).cloned().unwrap_or_default();
                        let Some(body) = draft.request() else {
                            let mut next = (*drafts).clone();
                            next.entry(id).or_default().tried = true;
                            drafts.set(next);
                            return;
                        };
                        let (api, problem, notice, reload) =
                            (api.clone(), problem.clone(), notice.clone(), reload.clone());
                        yew::platform::spawn_local(async move {
                            match break_glass::review(&api, id, &body).await {
                                Ok(_) => {
                                    problem.set(None);
                                    notice.set(Some("breakglass.reviewed"));
                                    reload.set(*reload + 1);
                                }
                                Err(p) => problem.set(Some(p)),
                            }
                        });
                    })
                };
                let outcome_missing = draft.tried && draft.outcome.is_none();
                let note_missing = draft.tried
                    && draft.outcome == Some(ReviewOutcome::Inappropriate)
                    && crate::forms::opt(&draft.note).is_none();
                let note_required = draft.outcome == Some(ReviewOutcome::Inappropriate);
                html! {
                    <tr data-grant-id={id.to_string()}>
                        <td>{ local_time(grant.granted_at) }</td>
                        <td title={grant.user_id.to_string()}>{ if grant.user_name.is_empty() { grant.user_id.to_string() } else { grant.user_name.clone() } }</td>
                        <td title={grant.customer_id.to_string()}><CustomerLink id={grant.customer_id}>{
                            if grant.customer_name.is_empty() { grant.customer_id.to_string() } else { grant.customer_name.clone() }
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
                        <td class="actions review-cell">
                            if grant.reviewed_at.is_some() {
                                { finding(lang, grant) }
                            } else if can {
                                if pending {
                                    <button class="btn btn-small btn-danger" data-approve={id.to_string()} onclick={approve}>
                                        { tr(lang, "breakglass.approve") }
                                    </button>
                                }
                                <div class={classes!("field", "inline", outcome_missing.then_some("has-error"))}>
                                    <label for={format!("review-outcome-{id}")}>{ tr(lang, "breakglass.outcome") }<span class="req">{ "*" }</span></label>
                                    <select id={format!("review-outcome-{id}")} class="review-outcome" onchange={on_outcome}>
                                        <option value="" selected={draft.outcome.is_none()}>{ tr(lang, "common.choose") }</option>
                                        { for ReviewOutcome::ALL.iter().map(|o| html! {
                                            <option value={o.code()} selected={draft.outcome == Some(*o)}>{ o.label(lang) }</option>
                                        }) }
                                    </select>
                                    if outcome_missing {
                                        <div class="field-error">{ tr(lang, "field.required") }</div>
                                    }
                                </div>
                                <div class={classes!("field", "inline", note_missing.then_some("has-error"))}>
                                    <label for={format!("review-note-{id}")}>
                                        { tr(lang, "breakglass.note") }
                                        if note_required { <span class="req">{ "*" }</span> }
                                    </label>
                                    <input id={format!("review-note-{id}")} type="text" class="review-note"
                                           value={draft.note.clone()} oninput={on_note} />
                                    if note_missing {
                                        <div class="field-error">{ tr(lang, "breakglass.note.required") }</div>
                                    }
                                </div>
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
            <Notice text={notice.map(|key| AttrValue::from(tr(lang, key)))} />
            <div class="toolbar">
                <label for="break-glass-show">{ tr(lang, "breakglass.show") }</label>
                <select id="break-glass-show" onchange={on_show}>
                    <option value="to_review" selected={*show == Show::ToReview}>{ tr(lang, "breakglass.show.to_review") }</option>
                    <option value="reviewed" selected={*show == Show::Reviewed(None)}>{ tr(lang, "breakglass.show.reviewed") }</option>
                    { for ReviewOutcome::ALL.iter().map(|o| html! {
                        <option value={o.code()} selected={*show == Show::Reviewed(Some(*o))}>
                            { trf(lang, "breakglass.show.outcome", &[o.label(lang)]) }
                        </option>
                    }) }
                </select>
            </div>
            <table id="break-glass-table" class="grid" data-show={show_code(*show)}>
                <thead><tr>
                    <th>{ tr(lang, "breakglass.granted_at") }</th>
                    <th>{ tr(lang, "breakglass.user") }</th>
                    <th>{ tr(lang, "breakglass.customer") }</th>
                    <th>{ tr(lang, "breakglass.category") }</th>
                    <th>{ tr(lang, "breakglass.reason") }</th>
                    <th>{ tr(lang, "breakglass.expires_at") }</th>
                    <th>{ tr(lang, if reviewing { "breakglass.review" } else { "breakglass.outcome" }) }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
        </section>
    }
}

/// A reviewed grant's finding, note and time.
fn finding(lang: Lang, grant: &BreakGlassGrant) -> Html {
    let badge = match grant.review_outcome {
        Some(ReviewOutcome::Appropriate) => "badge-ok",
        Some(_) => "badge-warn",
        None => "badge-none",
    };
    let code = grant.review_outcome.map(|o| o.code()).unwrap_or_default();
    html! {
        <div class="review-finding">
            <span class={classes!("badge", badge)} data-outcome={code}>
                { grant.review_outcome.map_or(tr(lang, "breakglass.reviewed"), |o| o.label(lang)) }
            </span>
            if let Some(note) = &grant.review_note {
                { " " }<span class="review-note-text">{ note }</span>
            }
            if let Some(at) = grant.reviewed_at {
                <div class="muted">{ local_time(at) }</div>
            }
        </div>
    }
}

/// The first block of a uuid, enough to tell records apart on screen.
pub fn short(id: Uuid) -> String {
    id.to_string().chars().take(8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_left_round_up_and_stop_at_zero() {
        let now = Utc::now();
        let at = |s: i64| now + chrono::Duration::seconds(s);
        assert_eq!(minutes_left(at(23 * 60), now), 23);
        assert_eq!(minutes_left(at(22 * 60 + 1), now), 23);
        assert_eq!(minutes_left(at(10), now), 1);
        assert_eq!(minutes_left(at(0), now), 0);
        assert_eq!(minutes_left(at(-90), now), 0);
    }

    #[test]
    fn a_review_needs_a_finding_and_a_note_when_inappropriate() {
        let draft = |outcome, note: &str| Draft {
            outcome,
            note: note.into(),
            tried: false,
        };
        assert!(draft(None, "好").request().is_none());
        assert!(
            draft(Some(ReviewOutcome::Inappropriate), "  ")
                .request()
                .is_none()
        );
        assert!(
            draft(Some(ReviewOutcome::Appropriate), "")
                .request()
                .is_some()
        );
        assert_eq!(
            draft(Some(ReviewOutcome::Inappropriate), " 未见来电 ").request(),
            Some(ReviewRequest {
                outcome: ReviewOutcome::Inappropriate,
                note: Some("未见来电".into())
            })
        );
        for show in [
            Show::ToReview,
            Show::Reviewed(None),
            Show::Reviewed(Some(ReviewOutcome::NeedsFollowUp)),
        ] {
            assert_eq!(show_of(&show_code(show)), show);
        }
    }
}
