//! 我的待办 — "my tasks" (CUS-12, issue 9 item 5): overdue, today and the coming week by date,
//! each naming its customer (form of address, masked phone) with a link to the 360 page; the
//! rest of my open tasks a page away (`/tasks?view=all`). "Done" asks for the outcome with the
//! cursor already in its box. Reminders made from a contact's next step land here.

use chrono::{Datelike, NaiveDate, Weekday};
use hcrm_domain::api::tasks::MyTaskCounts;
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::{Label, Lang};
use serde::{Deserialize, Serialize};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::list::use_loaded;
use crate::components::pager::Pager;
use crate::components::shell::opens_elsewhere;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::search::CustomerLink;
use crate::pages::customers::{MyTasks, Task, TaskUpdate, due_text};
use crate::services::tasks;
use hcrm_domain::api::in_visit::shown_title;
use hcrm_domain::customer::{TaskKind, TaskStatus};

const ALL_PAGE_SIZE: i64 = 20;

#[derive(Properties, PartialEq)]
pub struct TaskRowProps {
    pub task: Task,
    pub on_done: Callback<()>,
    #[prop_or(true)]
    pub show_customer: bool,
}

/// One task (`[data-task-id]`) with its customer, "done" and an outcome.
#[component]
pub fn TaskRow(props: &TaskRowProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let t = &props.task;
    let closing = use_state(|| false);
    let outcome = use_state(String::new);
    let problem = use_state(|| None::<Problem>);
    let outcome_ref = use_node_ref();
    {
        // "Done" opens the outcome box with the cursor in it.
        let outcome_ref = outcome_ref.clone();
        use_effect_with(*closing, move |closing| {
            if *closing && let Some(input) = outcome_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }
    let open = {
        let closing = closing.clone();
        Callback::from(move |_| closing.set(true))
    };
    let cancel = {
        let closing = closing.clone();
        Callback::from(move |_| closing.set(false))
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
    let customer = match (&t.customer, t.customer_id) {
        _ if !props.show_customer => html! {},
        (Some(c), _) => html! {
            <div class="task-customer">
                <CustomerLink id={c.id}>
                    <span class="c-name">{ &c.name }</span>
                    if c.form_of_address != c.name {
                        { " " }<span class="c-address">{ &c.form_of_address }</span>
                    }
                </CustomerLink>
                if let Some(phone) = &c.phone { <span class="c-phone mono">{ phone }</span> }
            </div>
        },
        (None, Some(cid)) => html! {
            <div class="task-customer">
                <CustomerLink id={cid}>{ tr(lang, "tasks.customer") }</CustomerLink>
            </div>
        },
        (None, None) => html! {},
    };
    let outcome_id = format!("task-outcome-{}", t.id);
    html! {
        <li class="task-row" data-task-id={t.id.to_string()}>
            <div class="task-head">
                <span class="tag">{ t.kind.label(lang) }</span>
                if t.overdue { <span class="tag tag-danger">{ tr(lang, "tasks.overdue") }</span> }
                <strong class="task-title">{ title(lang, t) }</strong>
                <span class="muted task-due">{ due_text(t) }</span>
            </div>
            { customer }
            if let Some(n) = &t.description { <div class="muted">{ description(lang, t, n) }</div> }
            <ErrorBanner problem={(*problem).clone()} />
            if *closing {
                <form class="task-done-form" onsubmit={done}>
                    <label class="sr-only" for={outcome_id.clone()}>{ tr(lang, "tasks.outcome") }</label>
                    <input id={outcome_id} class="task-outcome" ref={outcome_ref}
                           placeholder={tr(lang, "tasks.outcome")} value={(*outcome).clone()} {oninput} />
                    <button type="submit" class="btn btn-primary btn-small task-done-confirm">{ tr(lang, "tasks.done.confirm") }</button>
                    <button type="button" class="btn btn-small task-done-cancel" onclick={cancel}>{ tr(lang, "common.cancel") }</button>
                </form>
            } else {
                <button class="btn btn-small task-done" onclick={open}>{ tr(lang, "tasks.done") }</button>
            }
        </li>
    }
}

/// `/tasks` (`?view=all` for every open task of mine, a page at a time).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct TasksQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    view: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    offset: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// `/tasks`.
#[component]
pub fn TasksPage() -> Html {
    let lang = use_lang();
    let location = use_location();
    let query: TasksQuery = location
        .as_ref()
        .and_then(|l| l.query::<TasksQuery>().ok())
        .unwrap_or_default();
    let all = query.view == "all";
    html! {
        <section class="page" id="tasks-page">
            <div class="page-head">
                <h1>{ tr(lang, "tasks.title") }</h1>
                <nav class="view-switch" aria-label={tr(lang, "tasks.views")}>
                    { view_link(lang, "tasks-view-week", "tasks.view.week", None, !all) }
                    { view_link(lang, "tasks-view-all", "tasks.view.all", Some("all"), all) }
                </nav>
            </div>
            if all {
                <AllOpenTasks offset={query.offset.max(0)} />
            } else {
                <MyWeek />
            }
        </section>
    }
}

/// A link to one view of `/tasks`; the current one is marked.
fn view_link(
    lang: Lang,
    id: &'static str,
    label: &'static str,
    view: Option<&'static str>,
    current: bool,
) -> Html {
    html! {
        <TasksLink {id} {view} class={classes!("btn", "btn-small", current.then_some("active"))}
                   current={current}>
            { tr(lang, label) }
        </TasksLink>
    }
}

#[derive(Properties, PartialEq)]
struct TasksLinkProps {
    id: &'static str,
    view: Option<&'static str>,
    #[prop_or_default]
    class: Classes,
    #[prop_or_default]
    current: bool,
    children: Html,
}

/// A real link to `/tasks` or `/tasks?view=…` (new tab works), followed in the app.
#[component]
fn TasksLink(props: &TasksLinkProps) -> Html {
    let navigator = use_navigator();
    let href = match props.view {
        Some(v) => format!("/tasks?view={v}"),
        None => "/tasks".to_string(),
    };
    let onclick = {
        let view = props.view;
        Callback::from(move |e: MouseEvent| {
            if opens_elsewhere(&e) {
                return;
            }
            e.prevent_default();
            if let Some(n) = &navigator {
                let q = TasksQuery {
                    view: view.unwrap_or_default().to_string(),
                    offset: 0,
                };
                let _ = n.push_with_query(&Route::Tasks, &q);
            }
        })
    };
    html! {
        <a id={props.id} {href} {onclick} class={props.class.clone()}
           aria-current={props.current.then_some("page")}>
            { props.children.clone() }
        </a>
    }
}

/// Overdue, today and the coming week by date, with the counts.
#[component]
fn MyWeek() -> Html {
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
    let rows = |tasks: &[Task]| -> Html {
        tasks
            .iter()
            .map(|t| html! { <TaskRow key={t.id.to_string()} task={t.clone()} on_done={on_done.clone()} /> })
            .collect()
    };
    let list = |id: &'static str, tasks: &[Task], empty: &'static str| {
        html! {
            <ul id={id} class="task-list">
                if tasks.is_empty() {
                    <li class="muted">{ tr(lang, empty) }</li>
                }
                { rows(tasks) }
            </ul>
        }
    };
    let Some(m) = &*mine else {
        return html! {
            <>
                <ErrorBanner problem={(*problem).clone()} />
                if problem.is_none() { <p class="muted">{ tr(lang, "loading") }</p> }
            </>
        };
    };
    let MyTaskCounts {
        overdue,
        today,
        upcoming,
        later,
    } = m.counts;
    // The coming week, one group per day.
    let mut days: Vec<(Option<NaiveDate>, Vec<Task>)> = Vec::new();
    for t in &m.upcoming {
        let same_day = days.last().is_some_and(|(d, _)| *d == t.due_on);
        match days.last_mut() {
            Some((_, list)) if same_day => list.push(t.clone()),
            _ => days.push((t.due_on, vec![t.clone()])),
        }
    }
    html! {
        <>
            <ErrorBanner problem={(*problem).clone()} />
            <div class="panel">
                <h2 class="panel-title">{ tr(lang, "tasks.overdue") }{ format!(" ({overdue})") }</h2>
                { list("tasks-overdue", &m.overdue, "tasks.none.overdue") }
            </div>
            <div class="panel">
                <h2 class="panel-title">{ tr(lang, "tasks.today") }{ format!(" ({today})") }</h2>
                { list("tasks-today", &m.today, "tasks.none.today") }
            </div>
            <div class="panel" id="tasks-week">
                <h2 class="panel-title">{ tr(lang, "tasks.upcoming.title") }{ format!(" ({upcoming})") }</h2>
                if days.is_empty() {
                    <p class="muted">{ tr(lang, "tasks.none.upcoming") }</p>
                }
                { for days.iter().map(|(day, tasks)| html! {
                    <div class="task-day" data-day={day.map(|d| d.to_string()).unwrap_or_default()}>
                        <h3 class="task-day-head">{ day.map(|d| day_label(lang, d)).unwrap_or_default() }</h3>
                        <ul class="task-list">{ rows(tasks) }</ul>
                    </div>
                }) }
            </div>
            if later > 0 {
                <p id="tasks-upcoming">
                    <TasksLink id="tasks-later" view={Some("all")}>
                        { trf(lang, "tasks.later", &[&later.to_string()]) }
                    </TasksLink>
                </p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct AllOpenTasksProps {
    offset: i64,
}

/// Every open task of mine by due date (undated last), a page at a time.
#[component]
fn AllOpenTasks(props: &AllOpenTasksProps) -> Html {
    let lang = use_lang();
    let navigator = use_navigator();
    let loaded = use_loaded::<Page<Task>>(tasks::all_mine_open_path(ALL_PAGE_SIZE, props.offset));
    let on_done = loaded.reloader();
    let on_offset = Callback::from(move |offset: i64| {
        if let Some(n) = &navigator {
            let q = TasksQuery {
                view: "all".into(),
                offset,
            };
            let _ = n.push_with_query(&Route::Tasks, &q);
        }
    });
    html! {
        <div class="panel">
            { loaded.banner() }
            <ul id="tasks-all" class="task-list">
                { match &*loaded.data {
                    None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
                    Some(p) if p.items.is_empty() => html! { <li class="muted">{ tr(lang, "tasks.none") }</li> },
                    Some(p) => p.items.iter().map(|t| html! {
                        <TaskRow key={t.id.to_string()} task={t.clone()} on_done={on_done.clone()} />
                    }).collect(),
                } }
            </ul>
            if let Some(p) = &*loaded.data {
                <Pager total={p.total} limit={ALL_PAGE_SIZE} offset={props.offset} {on_offset} />
            }
        </div>
    }
}

/// "12-08 周二" / "Tue 12-08".
fn day_label(lang: Lang, d: NaiveDate) -> String {
    let key = match d.weekday() {
        Weekday::Mon => "weekday.mon",
        Weekday::Tue => "weekday.tue",
        Weekday::Wed => "weekday.wed",
        Weekday::Thu => "weekday.thu",
        Weekday::Fri => "weekday.fri",
        Weekday::Sat => "weekday.sat",
        Weekday::Sun => "weekday.sun",
    };
    let (date, weekday) = (d.format("%m-%d"), tr(lang, key));
    match lang {
        Lang::Zh => format!("{date} {weekday}"),
        Lang::En => format!("{weekday} {date}"),
    }
}

/// A task's title in `lang`: an in-visit service's title the system made is put in the
/// reader's language (hcrm-domain's rule); others are shown as typed.
fn title(lang: Lang, t: &Task) -> String {
    if t.kind == TaskKind::InVisit {
        shown_title(&t.title, None, lang)
    } else {
        t.title.clone()
    }
}

/// A task's description; a contact's reminder names the contact it came from.
fn description(lang: Lang, t: &Task, text: &str) -> String {
    if t.source_type.as_deref() == Some("contact") {
        // Reminders made before issue 8 stored the Chinese prefix with the subject.
        let subject = text.strip_prefix("联系记录：").unwrap_or(text);
        trf(lang, "tasks.from_contact", &[subject])
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_named_with_its_weekday_in_both_languages() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        assert_eq!(day_label(Lang::Zh, d), "12-08 周二");
        assert_eq!(day_label(Lang::En, d), "Tue 12-08");
    }
}
