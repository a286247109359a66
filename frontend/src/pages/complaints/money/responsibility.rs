//! Responsibility and penalties (CMP-7): findings, the proposed and confirmed level, the slip.

use super::*;

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
    let can_write = session.can(Permission::ComplaintWrite) && props.open;
    let can_approve = session.can(Permission::ComplaintApprove) && props.open;
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
