//! 我的待办 — "my tasks": today's and overdue tasks, done with an outcome; reminders made from
//! a contact's next step land here (CUS-12).

use hcrm_domain::Label;
use hcrm_domain::api::Problem;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::search::CustomerLink;
use crate::pages::customers::{MyTasks, Task, TaskUpdate, due_text};
use crate::services::tasks;
use hcrm_domain::customer::TaskStatus;

#[derive(Properties, PartialEq)]
pub struct TaskRowProps {
    pub task: Task,
    pub on_done: Callback<()>,
    #[prop_or(true)]
    pub show_customer: bool,
}

/// One task (`[data-task-id]`) with "done" and an outcome.
#[component]
pub fn TaskRow(props: &TaskRowProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let t = &props.task;
    let closing = use_state(|| false);
    let outcome = use_state(String::new);
    let problem = use_state(|| None::<Problem>);
    let open = {
        let closing = closing.clone();
        Callback::from(move |_| closing.set(true))
    };
    let oninput = {
        let outcome = outcome.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            outcome.set(i.value());
        })
    };
    let done = {
        let (api, outcome, problem, on_done) = (
            session.api.clone(),
            outcome.clone(),
            problem.clone(),
            props.on_done.clone(),
        );
        let (id, version) = (t.id, t.version);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = TaskUpdate {
                status: Some(TaskStatus::Done),
                outcome: Some(crate::forms::opt(&outcome)),
                ..TaskUpdate::default()
            };
            let (api, problem, on_done) = (api.clone(), problem.clone(), on_done.clone());
            yew::platform::spawn_local(async move {
                match tasks::update(&api, id, version, &body).await {
                    Ok(_) => on_done.emit(()),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    html! {
        <li class="task-row" data-task-id={t.id.to_string()}>
            <div class="task-head">
                <span class="tag">{ t.kind.label(lang) }</span>
                if t.overdue { <span class="tag tag-danger">{ tr(lang, "tasks.overdue") }</span> }
                <strong class="task-title">{ &t.title }</strong>
                <span class="muted task-due">{ due_text(t) }</span>
                if props.show_customer {
                    if let Some(cid) = t.customer_id {
                        { " · " }
                        <CustomerLink id={cid}>{ tr(lang, "tasks.customer") }</CustomerLink>
                    }
                }
            </div>
            if let Some(n) = &t.description { <div class="muted">{ description(lang, t, n) }</div> }
            <ErrorBanner problem={(*problem).clone()} />
            if *closing {
                <form class="task-done-form" onsubmit={done}>
                    <input class="task-outcome" placeholder={tr(lang, "tasks.outcome")} value={(*outcome).clone()} {oninput} />
                    <button type="submit" class="btn btn-primary btn-small task-done-confirm">{ tr(lang, "tasks.done.confirm") }</button>
                </form>
            } else {
                <button class="btn btn-small task-done" onclick={open}>{ tr(lang, "tasks.done") }</button>
            }
        </li>
    }
}

/// `/tasks`.
#[component]
pub fn TasksPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let mine = use_state(|| None::<MyTasks>);
    let problem = use_state(|| None::<Problem>);
    let reload = use_state(|| 0_u32);
    {
        let (api, mine, problem) = (session.api.clone(), mine.clone(), problem.clone());
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                match tasks::mine(&api).await {
                    Ok(m) => {
                        problem.set(None);
                        mine.set(Some(m));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let on_done = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let list = |id: &'static str, tasks: &[Task], empty: &'static str| {
        html! {
            <ul id={id} class="task-list">
                if tasks.is_empty() {
                    <li class="muted">{ tr(lang, empty) }</li>
                }
                { for tasks.iter().map(|t| html! { <TaskRow key={t.id.to_string()} task={t.clone()} on_done={on_done.clone()} /> }) }
            </ul>
        }
    };
    html! {
        <section class="page" id="tasks-page">
            <div class="page-head"><h2>{ tr(lang, "tasks.title") }</h2></div>
            <ErrorBanner problem={(*problem).clone()} />
            if let Some(m) = &*mine {
                <div class="panel">
                    <h3>{ tr(lang, "tasks.overdue") }{ format!(" ({})", m.overdue.len()) }</h3>
                    { list("tasks-overdue", &m.overdue, "tasks.none.overdue") }
                </div>
                <div class="panel">
                    <h3>{ tr(lang, "tasks.today") }{ format!(" ({})", m.today.len()) }</h3>
                    { list("tasks-today", &m.today, "tasks.none.today") }
                </div>
                <p class="muted" id="tasks-upcoming">{ trf(lang, "tasks.upcoming", &[&m.upcoming_count.to_string()]) }</p>
            } else if problem.is_none() {
                <p class="muted">{ tr(lang, "loading") }</p>
            }
        </section>
    }
}

/// A task's description; a contact's reminder names the contact it came from.
fn description(lang: hcrm_domain::Lang, t: &Task, text: &str) -> String {
    if t.source_type.as_deref() == Some("contact") {
        // Reminders made before issue 8 stored the Chinese prefix with the subject.
        let subject = text.strip_prefix("联系记录：").unwrap_or(text);
        trf(lang, "tasks.from_contact", &[subject])
    } else {
        text.to_string()
    }
}
