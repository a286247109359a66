//! 投诉案件 — one case (CMP-1 … CMP-5a): the flow with the current step, the actions this
//! caller may take now (the API's `allowed_actions`) as buttons that ask for a comment — and
//! what the action needs (classification, the solution, the outcome) — the group's clocks and,
//! apart, the national feedback clock, the details and the history.

use hcrm_domain::api::Problem;
use hcrm_domain::api::complaints::{
    Complaint, ComplaintClock, ComplaintHistoryEntry, ComplaintTransition,
};
use hcrm_domain::complaint::{
    ClockKind, ClockState, ComplaintAction, ComplaintCategory, ComplaintSeverity, ComplaintState,
};
use hcrm_domain::{Label, Lang};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::countdown::Countdown;
use crate::components::dialog::Dialog;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::flow::{Flow, FlowStep, StepStatus};
use crate::components::list::use_loaded;
use crate::forms::{self, FieldErrors};
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::pages::complaints::money::{
    AttachmentsPanel, FollowUpWishPanel, ImprovementsPanel, RefundsPanel, ResponsibilityPanel,
};
use crate::pages::complaints::{is_working, seconds, state_tag};
use crate::pages::customers::search::CustomerLink;
use crate::pages::customers::zoned_time;
use crate::services::{Items, complaints};

/// The main path of CMP-4, in order.
const MAIN: [ComplaintState; 13] = {
    use ComplaintState::*;
    [
        Received,
        HandedOver,
        Accepted,
        Investigating,
        Analysed,
        Proposed,
        Approved,
        Negotiating,
        Procedures,
        Archiving,
        InternalHandling,
        Improvement,
        Closed,
    ]
};

/// The disagreement branch for a quality complaint or another.
fn branch_states(quality: bool) -> &'static [ComplaintState] {
    use ComplaintState::*;
    if quality {
        &[PresidentReview, ExpertConsultation, Agreement, Legal]
    } else {
        &[PresidentReview, Legal]
    }
}

/// The steps of the case: those behind the current one done (or skipped when the case never
/// was in them), the current one, those ahead; the branch when the case has been in it.
pub fn flow_steps(
    lang: Lang,
    state: ComplaintState,
    quality: bool,
    visited: &[ComplaintState],
) -> (Vec<FlowStep>, Vec<FlowStep>) {
    let branch = branch_states(quality);
    let in_branch = branch.contains(&state);
    let been = |s: ComplaintState| s == ComplaintState::Received || visited.contains(&s);
    // Where the current state sits on the main path (a branch state sits after negotiating).
    let position = |s: ComplaintState| {
        MAIN.iter().position(|m| *m == s).unwrap_or_else(|| {
            MAIN.iter()
                .position(|m| *m == ComplaintState::Negotiating)
                .unwrap_or(0)
        })
    };
    let here = position(state);
    let mk = |s: ComplaintState, status| FlowStep {
        code: s.code().into(),
        label: s.label(lang).into(),
        status,
    };
    let main = MAIN
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let status = if *s == state {
                StepStatus::Current
            } else if i < here || (in_branch && i == here) {
                if been(*s) {
                    StepStatus::Done
                } else {
                    StepStatus::Skipped
                }
            } else {
                StepStatus::Ahead
            };
            mk(*s, status)
        })
        .collect();
    let entered = in_branch || branch.iter().any(|s| visited.contains(s));
    let side = if entered {
        let at = branch.iter().position(|s| *s == state);
        branch
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let status = match at {
                    Some(a) if i == a => StepStatus::Current,
                    _ if visited.contains(s) => StepStatus::Done,
                    Some(a) if i > a => StepStatus::Ahead,
                    None if here > position(ComplaintState::Negotiating) => StepStatus::Skipped,
                    _ => StepStatus::Ahead,
                };
                mk(*s, status)
            })
            .collect()
    } else {
        Vec::new()
    };
    (main, side)
}

/// From closing and archiving (结案备档) on.
fn closing(state: ComplaintState) -> bool {
    use ComplaintState::*;
    matches!(state, Archiving | InternalHandling | Improvement | Closed)
}

/// What an action asks for besides a comment.
#[derive(Clone, Copy, PartialEq)]
enum Needs {
    Nothing,
    Classification,
    Solution,
    Outcome,
}

fn needs(action: ComplaintAction) -> Needs {
    use ComplaintAction::*;
    match action {
        Analyse => Needs::Classification,
        Propose => Needs::Solution,
        Agree | SignAgreement | Conclude => Needs::Outcome,
        _ => Needs::Nothing,
    }
}

/// Actions the API takes only with a comment saying why.
fn comment_required(action: ComplaintAction) -> bool {
    use ComplaintAction::*;
    matches!(action, Pause | Reject | Escalate | ReferToLegal)
}

/// Buttons that turn the case away from the main path, or stop its clocks, look different.
fn action_class(action: ComplaintAction) -> &'static str {
    use ComplaintAction::*;
    match action {
        Escalate | ReferToLegal | Reject => "btn-danger",
        Pause | Resume => "",
        _ => "btn-primary",
    }
}

#[derive(Properties, PartialEq)]
pub struct ComplaintPageProps {
    pub id: Uuid,
}

/// `/complaints/:id`.
#[component]
pub fn ComplaintPage(props: &ComplaintPageProps) -> Html {
    let lang = use_lang();
    let case = use_loaded::<Complaint>(complaints::one_path(props.id));
    let history = use_loaded::<Items<ComplaintHistoryEntry>>(complaints::history_path(props.id));
    let acting = use_state(|| None::<ComplaintAction>);
    // The last action taken here and the state it led to, worded at each render (the
    // language may change after).
    let notice = use_state(|| None::<(ComplaintAction, ComplaintState)>);
    // Counts the actions taken here: the money panels read again after each.
    let changes = use_state(|| 0_u32);
    let editing = use_state(|| false);
    let session = use_session();

    let Some(c) = &*case.data else {
        return html! {
            <section class="page" id="complaint-page">
                <h1>{ tr(lang, "complaints.case") }</h1>
                { case.banner() }
                if case.problem.is_none() { <p class="muted">{ tr(lang, "loading") }</p> }
            </section>
        };
    };
    let entries: Vec<ComplaintHistoryEntry> = history
        .data
        .as_ref()
        .map(|h| h.as_slice().to_vec())
        .unwrap_or_default();
    let visited: Vec<ComplaintState> = entries.iter().map(|e| e.to_state).collect();
    let quality = c.quality.unwrap_or(false);
    let open = c.state.is_open();
    // Every instant of the case in its institution's time zone, not the browser's.
    let zone = AttrValue::from(c.time_zone.clone());
    let at = |t: chrono::DateTime<chrono::Utc>| zoned_time(t, &c.time_zone);
    let (main, branch) = flow_steps(lang, c.state, quality, &visited);

    let open_action = |a: ComplaintAction| {
        let (acting, notice) = (acting.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.set(None);
            acting.set(Some(a));
        })
    };
    let close = {
        let acting = acting.clone();
        Callback::from(move |()| acting.set(None))
    };
    let done = {
        let (acting, notice, case, history, changes) = (
            acting.clone(),
            notice.clone(),
            case.clone(),
            history.clone(),
            changes.clone(),
        );
        Callback::from(move |(action, saved): (ComplaintAction, Complaint)| {
            acting.set(None);
            changes.set(*changes + 1);
            notice.set(Some((action, saved.state)));
            case.data.set(Some(saved));
            history.reload();
        })
    };
    let edited = {
        let (editing, case, notice) = (editing.clone(), case.clone(), notice.clone());
        Callback::from(move |saved: Complaint| {
            editing.set(false);
            notice.set(None);
            case.data.set(Some(saved));
        })
    };
    let close_edit = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(false))
    };
    let me = session.me();
    let edit_fields = crate::pages::complaints::edit::fields_for(
        me.as_ref().map(|m| m.roles.as_slice()).unwrap_or_default(),
        me.as_ref().map(|m| m.id),
        c,
    );
    let refused = {
        let case = case.clone();
        // The case moved under us (another user, a stale version): read it again so the
        // buttons are the ones allowed now.
        Callback::from(move |()| case.reload())
    };

    let (national, mut group): (Vec<&ComplaintClock>, Vec<&ComplaintClock>) = c
        .clocks
        .iter()
        .partition(|k| k.national || k.kind == ClockKind::National);
    // Those still counting first, then in the order of the flow.
    group.sort_by_key(|k| {
        let done = matches!(k.state, ClockState::Met);
        (done, ClockKind::ALL.iter().position(|x| *x == k.kind))
    });
    let clock = |k: &ComplaintClock| {
        html! {
            <li class="clock-row" data-clock={k.kind.code()} data-state={k.state.code()}>
                <span class="clock-kind">{ k.kind.label(lang) }</span>
                <Countdown state={k.state} left={seconds(k.seconds_left)} working={is_working(k.limit)}
                           deadline={Some(k.deadline)} zone={zone.clone()} />
            </li>
        }
    };
    let actions: Html = if c.allowed_actions.is_empty() {
        html! { <p class="muted" id="complaint-no-actions">{ tr(lang, "complaints.actions.none") }</p> }
    } else {
        c.allowed_actions
            .iter()
            .map(|a| {
                html! {
                    <button type="button" id={format!("action-{}", a.code())} data-action={a.code()}
                            class={classes!("btn", action_class(*a))} onclick={open_action(*a)}>
                        { a.label(lang) }
                    </button>
                }
            })
            .collect()
    };
    let kv = |label: &'static str, value: Html| {
        html! { <div class="kv"><dt>{ tr(lang, label) }</dt><dd>{ value }</dd></div> }
    };
    let opt_text = |t: &Option<String>| match t {
        Some(t) => html! { <span class="pre-line">{ t }</span> },
        None => html! { <span class="muted">{ "—" }</span> },
    };
    let departments = c
        .departments
        .iter()
        .filter_map(|d| d.name.clone())
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "));
    let staff = c
        .staff
        .iter()
        .filter_map(|s| s.name.clone())
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "));
    html! {
        <section class="page" id="complaint-page" data-state={c.state.code()}>
            <div class="page-head case-head">
                <h1>
                    <span class="muted case-h1-label">{ tr(lang, "complaints.case") }</span>
                    <span id="complaint-number" class="mono">{ &c.number }</span>
                </h1>
                <div class="actions">
                    { state_tag(lang, c.state) }
                    if let Some(cat) = c.category {
                        <span class="tag tag-muted" id="complaint-category">{ cat.label(lang) }</span>
                    }
                    if let Some(q) = c.quality {
                        <span class="tag tag-muted">{ tr(lang, if q { "complaints.quality" } else { "complaints.non_quality" }) }</span>
                    }
                    if let Some(s) = c.severity { <span class="tag tag-muted">{ s.label(lang) }</span> }
                    if c.major_dispute { <span class="tag tag-danger">{ tr(lang, "complaints.major_dispute") }</span> }
                    if c.waiting_on_patient { <span class="tag badge-warn" id="complaint-waiting">{ tr(lang, "complaints.waiting") }</span> }
                </div>
            </div>
            { case.banner() }
            <Notice text={notice.map(|(action, state)| AttrValue::from(
                trf(lang, "complaints.action.done", &[action.label(lang), state.label(lang)]),
            ))} />
            <div class="panel">
                <h2 class="panel-title">{ tr(lang, "flow.title") }</h2>
                <Flow id="complaint-flow" steps={main} {branch} />
            </div>
            <div class="panel" id="complaint-actions">
                <h2 class="panel-title">{ tr(lang, "complaints.actions") }</h2>
                <div class="actions">{ actions }</div>
            </div>
            <div class="case-grid">
                <div class="panel" id="clocks-group">
                    <h2 class="panel-title">{ tr(lang, "complaints.clocks.group") }</h2>
                    if group.is_empty() {
                        <p class="muted">{ tr(lang, "complaints.clocks.none") }</p>
                    }
                    <ul class="clock-list">{ for group.into_iter().map(clock) }</ul>
                </div>
                <div class="panel" id="clocks-national">
                    <h2 class="panel-title">{ tr(lang, "complaints.clocks.national") }</h2>
                    <p class="hint">{ tr(lang, "complaints.clocks.national.rule") }</p>
                    if national.is_empty() {
                        <p class="muted">{ tr(lang, "complaints.clocks.none") }</p>
                    }
                    <ul class="clock-list">{ for national.into_iter().map(clock) }</ul>
                </div>
            </div>
            <div class="panel" id="complaint-details">
                <div class="panel-head">
                    <h2 class="panel-title">{ tr(lang, "complaints.details") }</h2>
                    if !edit_fields.is_empty() {
                        <button id="complaint-edit" type="button" class="btn btn-small"
                                onclick={{ let e = editing.clone(); Callback::from(move |_| e.set(true)) }}>
                            { tr(lang, "complaints.edit") }
                        </button>
                    }
                </div>
                <dl class="kv-grid">
                    { kv("complaints.complainant", html! {
                        <>
                            <CustomerLink id={c.customer_id}>{ &c.complainant.name }</CustomerLink>
                            if c.complainant.form_of_address != c.complainant.name {
                                { " " }<span class="muted">{ &c.complainant.form_of_address }</span>
                            }
                        </>
                    }) }
                    { kv("complaints.phone", opt_text(&c.complainant.phone)) }
                    { kv("complaints.channel", html! { c.channel.label(lang) }) }
                    { kv("complaints.received", html! { <span id="complaint-received">{ at(c.received_at) }</span> }) }
                    { kv("complaints.occurred_at", opt_text(&c.occurred_at.map(at))) }
                    { kv("complaints.promised", html! { <span id="complaint-promised">{ at(c.promised_reply_at) }</span> }) }
                    { kv("complaints.receiver", html! { &c.receiver.name }) }
                    { kv("complaints.handler", opt_text(&c.handler.as_ref().map(|h| h.name.clone()))) }
                    { kv("complaints.departments", opt_text(&(!departments.is_empty()).then_some(departments))) }
                    { kv("complaints.staff", opt_text(&(!staff.is_empty()).then_some(staff))) }
                    if c.settled_on_spot { { kv("complaints.settled", html! { tr(lang, "common.yes") }) } }
                </dl>
                <dl class="kv-grid kv-wide">
                    { kv("complaints.description", html! { <span class="pre-line">{ &c.description }</span> }) }
                    { kv("complaints.demands", opt_text(&c.demands)) }
                    { kv("complaints.solution", opt_text(&c.solution)) }
                    { kv("complaints.outcome", opt_text(&c.outcome)) }
                </dl>
            </div>
            <div class="case-grid">
                <RefundsPanel id={c.id} generation={*changes} {open} zone={zone.clone()} />
                <ResponsibilityPanel id={c.id} generation={*changes} {open} zone={zone.clone()} />
                <ImprovementsPanel id={c.id} generation={*changes} {open} zone={zone.clone()} />
                <AttachmentsPanel id={c.id} generation={*changes} {open} zone={zone.clone()} />
            </div>
            // Recorded when the case closes: from closing and archiving on.
            if closing(c.state) {
                <FollowUpWishPanel id={c.id} />
            }
            <div class="panel" id="complaint-history-panel">
                <h2 class="panel-title">{ tr(lang, "complaints.history") }</h2>
                { history.banner() }
                <ol id="complaint-history" class="timeline history">
                    { for entries.iter().map(|e| history_row(lang, &c.time_zone, e)) }
                </ol>
            </div>
            if *editing {
                <crate::pages::complaints::edit::EditDialog complaint={c.clone()} fields={edit_fields.clone()}
                    on_close={close_edit} on_done={edited} on_refused={refused.clone()} />
            }
            if let Some(action) = *acting {
                <ActionDialog complaint={c.clone()} {action} on_close={close} on_done={done} on_refused={refused} />
            }
        </section>
    }
}

fn history_row(lang: Lang, zone: &str, e: &ComplaintHistoryEntry) -> Html {
    html! {
        <li data-action={e.action.code()}>
            <time>{ zoned_time(e.at, zone) }</time>
            <strong>{ e.action.label(lang) }</strong>
            { " · " }{ &e.actor.name }
            <span class="muted history-states">
                { match e.from_state {
                    Some(from) if from != e.to_state => format!(" · {} → {}", from.label(lang), e.to_state.label(lang)),
                    Some(_) => String::new(),
                    None => format!(" · {}", e.to_state.label(lang)),
                } }
            </span>
            if let Some(comment) = &e.comment {
                <div class="history-comment pre-line">{ comment }</div>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ActionDialogProps {
    complaint: Complaint,
    action: ComplaintAction,
    on_close: Callback<()>,
    on_done: Callback<(ComplaintAction, Complaint)>,
    on_refused: Callback<()>,
}

/// One action of the flow: its comment and whatever it needs, then the transition.
#[component]
fn ActionDialog(props: &ActionDialogProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let c = &props.complaint;
    let action = props.action;
    let need = needs(action);
    let comment = use_state(String::new);
    let text = use_state(String::new);
    let category = use_state(|| c.category.map(|x| x.code().to_string()).unwrap_or_default());
    let severity = use_state(|| c.severity.map(|x| x.code().to_string()).unwrap_or_default());
    let major = use_state(|| c.major_dispute);
    let errors = use_state(FieldErrors::new);
    let problem = use_state(|| None::<Problem>);
    let busy = use_state(|| false);

    let on_text = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            h.set(t.value());
        })
    };
    let on_select = |h: UseStateHandle<String>| {
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            h.set(s.value());
        })
    };
    let on_major = {
        let major = major.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            major.set(i.checked());
        })
    };
    let cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let onsubmit = {
        let (api, id, version) = (session.api.clone(), c.id, c.version);
        let (comment, text, category, severity, major) = (
            comment.clone(),
            text.clone(),
            category.clone(),
            severity.clone(),
            major.clone(),
        );
        let (errors, problem, busy) = (errors.clone(), problem.clone(), busy.clone());
        let (on_done, on_refused) = (props.on_done.clone(), props.on_refused.clone());
        let had_major = c.major_dispute;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut live = FieldErrors::new();
            let category_value = ComplaintCategory::from_code(&category);
            match need {
                Needs::Classification if category_value.is_none() => {
                    live.insert("category".into(), "required".into());
                }
                Needs::Solution | Needs::Outcome if text.trim().is_empty() => {
                    let field = if need == Needs::Solution {
                        "solution"
                    } else {
                        "outcome"
                    };
                    live.insert(field.into(), "required".into());
                }
                _ => {}
            }
            if comment_required(action) && comment.trim().is_empty() {
                live.insert("comment".into(), "required".into());
            }
            if !live.is_empty() {
                errors.set(live);
                return;
            }
            if *busy {
                return;
            }
            busy.set(true);
            let classify = need == Needs::Classification;
            let body = ComplaintTransition {
                action,
                comment: forms::opt(&comment),
                version: Some(version),
                category: if classify { category_value } else { None },
                severity: if classify {
                    ComplaintSeverity::from_code(&severity)
                } else {
                    None
                },
                major_dispute: (classify && *major != had_major).then_some(*major),
                solution: (need == Needs::Solution)
                    .then(|| forms::opt(&text))
                    .flatten(),
                outcome: (need == Needs::Outcome)
                    .then(|| forms::opt(&text))
                    .flatten(),
            };
            let (api, errors, problem, busy, on_done, on_refused) = (
                api.clone(),
                errors.clone(),
                problem.clone(),
                busy.clone(),
                on_done.clone(),
                on_refused.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = complaints::transition(&api, id, &body).await;
                busy.set(false);
                match result {
                    Ok(saved) => on_done.emit((action, saved)),
                    Err(p) => {
                        if matches!(p.status, 409 | 412) {
                            on_refused.emit(());
                        }
                        errors.set(forms::from_problem(&p));
                        problem.set(Some(p));
                    }
                }
            });
        })
    };
    let err = |f: &str| errors.get(f).cloned();
    let big_text = |id: &'static str, label: &'static str, field: &'static str| {
        html! {
            <div class={classes!("field", err(field).is_some().then_some("has-error"))}>
                <label for={id}>{ tr(lang, label) }<span class="req">{ "*" }</span></label>
                <textarea {id} rows="3" value={(*text).clone()} oninput={on_text(text.clone())}
                          aria-invalid={err(field).is_some().then_some("true")} />
                if let Some(code) = err(field) {
                    <div class="field-error">{ field_error_text(lang, &code) }</div>
                }
            </div>
        }
    };
    let extra = match need {
        Needs::Nothing => html! {},
        Needs::Classification => html! {
            <>
                <CodeSelect id="action-category" label={tr(lang, "complaints.category")}
                            value={(*category).clone()} onchange={on_select(category.clone())}
                            options={category_options(lang)} error={err("category")} />
                <CodeSelect id="action-severity" label={tr(lang, "complaints.severity")}
                            value={(*severity).clone()} onchange={on_select(severity.clone())}
                            options={coded_options(&ComplaintSeverity::ALL, ComplaintSeverity::code, lang)}
                            error={err("severity")} />
                <label class="check">
                    <input id="action-major" type="checkbox" checked={*major} onchange={on_major} />
                    { tr(lang, "complaints.major_dispute.ask") }
                </label>
            </>
        },
        Needs::Solution => big_text("action-solution", "complaints.solution", "solution"),
        Needs::Outcome => big_text("action-outcome", "complaints.outcome", "outcome"),
    };
    html! {
        <Dialog id="action-dialog" title={AttrValue::from(action.label(lang))} on_close={props.on_close.clone()}>
            <form class="form" {onsubmit}>
                <p class="muted">{ trf(lang, "complaints.action.from", &[&c.number, c.state.label(lang)]) }</p>
                <ErrorBanner problem={(*problem).clone()} />
                { extra }
                <div class={classes!("field", err("comment").is_some().then_some("has-error"))}>
                    <label for="action-comment">
                        { tr(lang, "complaints.comment") }
                        if comment_required(action) { <span class="req">{ "*" }</span> }
                    </label>
                    <textarea id="action-comment" rows="3" value={(*comment).clone()}
                              oninput={on_text(comment.clone())}
                              aria-invalid={err("comment").is_some().then_some("true")} />
                    if let Some(code) = err("comment") {
                        <div class="field-error">{ field_error_text(lang, &code) }</div>
                    }
                </div>
                <div class="form-actions">
                    <button id="action-confirm" type="submit" class={classes!("btn", "btn-primary")} disabled={*busy}>
                        { tr(lang, if *busy { "common.saving" } else { "complaints.action.confirm" }) }
                    </button>
                    <button id="action-cancel" type="button" class="btn" onclick={cancel}>{ tr(lang, "common.cancel") }</button>
                </div>
            </form>
        </Dialog>
    }
}

/// The classification grouped as the seed has it: quality first, then non-quality.
fn category_options(lang: Lang) -> Vec<(AttrValue, AttrValue)> {
    ComplaintCategory::ALL
        .iter()
        .map(|c| {
            let group = tr(
                lang,
                if c.is_quality() {
                    "complaints.quality"
                } else {
                    "complaints.non_quality"
                },
            );
            (
                AttrValue::from(c.code()),
                AttrValue::from(format!("{group}{}{}", lang.pick("：", ": "), c.label(lang))),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintState as S;

    fn statuses(steps: &[FlowStep]) -> Vec<(String, StepStatus)> {
        steps
            .iter()
            .map(|s| (s.code.to_string(), s.status))
            .collect()
    }

    #[test]
    fn the_flow_marks_done_skipped_current_and_ahead() {
        // Accepted straight from received: hand-over skipped.
        let (main, branch) = flow_steps(
            Lang::Zh,
            S::Investigating,
            false,
            &[S::Accepted, S::Investigating],
        );
        let m = statuses(&main);
        assert_eq!(m[0], ("received".into(), StepStatus::Done));
        assert_eq!(m[1], ("handed_over".into(), StepStatus::Skipped));
        assert_eq!(m[2], ("accepted".into(), StepStatus::Done));
        assert_eq!(m[3], ("investigating".into(), StepStatus::Current));
        assert_eq!(m[4].1, StepStatus::Ahead);
        assert!(branch.is_empty());
        // In the branch: the main path up to negotiating is behind, the branch shows.
        let visited = [
            S::HandedOver,
            S::Accepted,
            S::Investigating,
            S::Analysed,
            S::Proposed,
            S::Approved,
            S::Negotiating,
            S::PresidentReview,
            S::ExpertConsultation,
        ];
        let (main, branch) = flow_steps(Lang::En, S::ExpertConsultation, true, &visited);
        assert!(main.iter().take(8).all(|s| s.status == StepStatus::Done));
        assert!(main.iter().skip(8).all(|s| s.status == StepStatus::Ahead));
        assert_eq!(
            statuses(&branch),
            vec![
                ("president_review".into(), StepStatus::Done),
                ("expert_consultation".into(), StepStatus::Current),
                ("agreement".into(), StepStatus::Ahead),
                ("legal".into(), StepStatus::Ahead),
            ]
        );
        assert_eq!(branch[1].label, "Group expert consultation");
        // Settled on the spot: received then closed, the rest skipped.
        let (main, _) = flow_steps(Lang::Zh, S::Closed, false, &[S::Closed]);
        assert!(main[1..12].iter().all(|s| s.status == StepStatus::Skipped));
        assert_eq!(main[12].status, StepStatus::Current);
    }
}
