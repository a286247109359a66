//! Improvement actions (防范改善): owner, due date, done.

use super::*;

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
    let can_write = session.can(Permission::ComplaintWrite) && props.open;
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
    let week = (crate::clock::today() + chrono::Days::new(7)).to_string();
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
