//! 诊中服务看板 (SVC-3): a day's in-visit services by service — accompaniment, admission,
//! proxy discharge, mailed reports, result calls — each card with its customer, due time,
//! steps to tick, delivery and tracking; late ones first and marked; done from the card
//! once its steps are.

use hcrm_domain::Label;
use hcrm_domain::api::in_visit::{InVisitBoard, InVisitTask, InVisitUpdate, shown_title};
use hcrm_domain::api::tasks::TaskUpdate;
use hcrm_domain::customer::TaskStatus;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::list::{page_head, use_loaded};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::local_time;
use crate::services::{service, tasks};

#[derive(Properties, PartialEq)]
struct CardProps {
    item: InVisitTask,
    on_change: Callback<()>,
}

#[component]
fn Card(props: &CardProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let problem = use_state(|| None::<hcrm_domain::api::Problem>);
    let tracking = use_state(|| {
        props
            .item
            .detail
            .tracking_number
            .clone()
            .unwrap_or_default()
    });
    let t = &props.item.task;
    let d = &props.item.detail;
    let open = t.status == TaskStatus::Open;
    let toggle = |step: hcrm_domain::api::in_visit::InVisitStep| {
        let (api, problem, done) = (
            session.api.clone(),
            problem.clone(),
            props.on_change.clone(),
        );
        let (id, version) = (t.id, t.version);
        let steps: Vec<_> = d.steps.iter().filter(|s| s.done).map(|s| s.step).collect();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let mut steps = steps.clone();
            steps.retain(|s| *s != step);
            if on {
                steps.push(step);
            }
            let body = InVisitUpdate {
                steps_done: Some(steps),
                ..InVisitUpdate::default()
            };
            let (api, problem, done) = (api.clone(), problem.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match service::update_in_visit(&api, id, version, &body).await {
                    Ok(_) => done.emit(()),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let save_tracking = {
        let (api, problem, done, tracking) = (
            session.api.clone(),
            problem.clone(),
            props.on_change.clone(),
            tracking.clone(),
        );
        let (id, version) = (t.id, t.version);
        Callback::from(move |_: MouseEvent| {
            let value = tracking.trim().to_string();
            let body = InVisitUpdate {
                tracking_number: Some((!value.is_empty()).then_some(value)),
                ..InVisitUpdate::default()
            };
            let (api, problem, done) = (api.clone(), problem.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match service::update_in_visit(&api, id, version, &body).await {
                    Ok(_) => done.emit(()),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let finish = {
        let (api, problem, done) = (
            session.api.clone(),
            problem.clone(),
            props.on_change.clone(),
        );
        let (id, version) = (t.id, t.version);
        Callback::from(move |_: MouseEvent| {
            let body = TaskUpdate {
                status: Some(TaskStatus::Done),
                ..TaskUpdate::default()
            };
            let (api, problem, done) = (api.clone(), problem.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match tasks::update(&api, id, version, &body).await {
                    Ok(_) => done.emit(()),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    html! {
        <article class={classes!("card", "in-visit-card", props.item.late.then_some("late"))}
                 data-task-id={t.id.to_string()} data-late={props.item.late.to_string()}>
            <h3 class="card-title">{ shown_title(&t.title, Some(d.service), lang) }</h3>
            <p class="muted">
                if let Some(c) = &t.customer { { &c.form_of_address }{ " " } }
                if let Some(due) = t.due_at { <span class="mono">{ local_time(due) }</span> }
                { " · " }<span class="tag">{ t.status.label(lang) }</span>
                if props.item.late { { " " }<span class="tag tag-danger">{ tr(lang, "svc.late") }</span> }
            </p>
            if let Some(l) = &d.location { <p>{ l }</p> }
            <ul class="steps">
                { for d.steps.iter().map(|s| html! {
                    <li><label class="check">
                        <input type="checkbox" class="in-visit-step" data-step={s.step.code()}
                               checked={s.done} disabled={!open} onchange={toggle(s.step)} />
                        { s.step.label(lang) }
                    </label></li>
                }) }
            </ul>
            if let Some(way) = d.delivery {
                <p>
                    { way.label(lang) }
                    if let Some(a) = &d.address { { " · " }{ a } }
                </p>
            }
            if d.service.delivers() && open {
                <div class="lookup-row">
                    <input class="tracking" type="text" placeholder={tr(lang, "svc.tracking")}
                           value={(*tracking).clone()}
                           oninput={{ let tracking = tracking.clone(); Callback::from(move |e: InputEvent| tracking.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    <button type="button" class="btn" onclick={save_tracking}>{ tr(lang, "svc.tracking.save") }</button>
                </div>
            } else if let Some(n) = &d.tracking_number {
                <p class="mono">{ n }</p>
            }
            if open {
                <button type="button" class="btn btn-primary in-visit-done" onclick={finish}>{ tr(lang, "svc.done") }</button>
            } else if let Some(o) = &t.outcome {
                <p class="muted">{ o }</p>
            }
            <ErrorBanner problem={(*problem).clone()} />
        </article>
    }
}

/// `/service/in-visit`: the day's board.
#[component]
pub fn InVisitBoardPage() -> Html {
    let lang = use_lang();
    let date = use_state(crate::clock::today_text);
    let board = use_loaded::<InVisitBoard>(service::board_path(&date));
    let on_date = {
        let date = date.clone();
        Callback::from(move |e: Event| {
            date.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let reload = {
        let board = board.clone();
        Callback::from(move |_| board.reload())
    };
    let body = match &*board.data {
        None => html! {},
        Some(b) => html! {
            <>
            <p id="in-visit-total" class="stats-total">
                { format!("{} {} · {} {} · {} {}",
                    tr(lang, "svc.board.open"), b.total.open,
                    tr(lang, "svc.board.done"), b.total.done,
                    tr(lang, "svc.late"), b.total.late) }
            </p>
            <div class="board">
                { for b.columns.iter().map(|c| html! {
                    <section class="board-column" data-service={c.service.code()}>
                        <h2>{ c.service.label(lang) }
                            <span class="muted">{ format!(" {}", c.items.len()) }</span>
                            if c.counts.late > 0 { { " " }<span class="tag tag-danger">{ c.counts.late }</span> }
                        </h2>
                        { for c.items.iter().map(|i| html! {
                            <Card key={i.task.id.to_string()} item={i.clone()} on_change={reload.clone()} />
                        }) }
                    </section>
                }) }
            </div>
            </>
        },
    };
    html! {
        <div class="page" id="in-visit-board">
            { page_head(lang, "svc.board.title", None) }
            <div class="filters">
                <label>{ tr(lang, "svc.board.date") }
                    <input id="in-visit-date" type="date" value={(*date).clone()} onchange={on_date} />
                </label>
            </div>
            { board.banner() }
            { body }
        </div>
    }
}
