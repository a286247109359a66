//! The landing page after sign-in: the customer search box (with the keyboard's focus), the
//! counts of my tasks (overdue, today — issue 9 item 5) and the modules the user may open.

use hcrm_domain::Permission;
use hcrm_domain::api::tasks::MyTaskCounts;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{Route, nav_items};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::search::CustomerSearch;
use crate::services::tasks;

#[component]
pub fn Home() -> Html {
    let session = use_session();
    let lang = use_lang();
    let counts = use_state(|| None::<MyTaskCounts>);
    let with_tasks = session.can(Permission::ContactRead);
    {
        let (api, counts) = (session.api.clone(), counts.clone());
        use_effect_with(with_tasks, move |with_tasks| {
            if *with_tasks {
                yew::platform::spawn_local(async move {
                    // The counts are a convenience: without them the page still works.
                    if let Ok(c) = tasks::my_counts(&api).await {
                        counts.set(Some(c));
                    }
                });
            }
        });
    }
    let Some(me) = session.me() else {
        return html! {};
    };
    let tiles: Html = nav_items()
        .into_iter()
        .filter(|i| i.key != "profile" && i.permission.is_some_and(|p| me.can(p)))
        .map(|i| {
            html! {
                <Link<Route> to={i.route} classes={classes!("tile", i.admin.then_some("tile-admin"))}>
                    { tr(lang, i.label) }
                </Link<Route>>
            }
        })
        .collect();
    let count = |id: &'static str, label: &'static str, n: i64, alert: bool| {
        html! {
            <Link<Route> to={Route::Tasks}
                         classes={classes!("count-tile", (alert && n > 0).then_some("count-alert"))}>
                <span {id} class="count-number">{ n }</span>
                <span class="count-label">{ tr(lang, label) }</span>
            </Link<Route>>
        }
    };
    html! {
        <section class="page">
            <h1>{ tr(lang, "home.welcome") }{ &me.display_name }</h1>
            <div class="home-grid">
                if me.can(Permission::CustomerRead) {
                    <div class="home-search panel">
                        <h2 class="panel-title">{ tr(lang, "customer.search.title") }</h2>
                        <CustomerSearch autofocus=true />
                    </div>
                }
                if let Some(c) = &*counts {
                    <div class="home-tasks panel" id="home-task-counts">
                        <h2 class="panel-title">{ tr(lang, "tasks.title") }</h2>
                        <div class="counts">
                            { count("home-overdue-count", "tasks.overdue", c.overdue, true) }
                            { count("home-today-count", "tasks.today", c.today, false) }
                            { count("home-upcoming-count", "tasks.upcoming.title", c.upcoming, false) }
                        </div>
                    </div>
                }
            </div>
            <p class="muted">{ tr(lang, "home.hint") }</p>
            <nav class="tiles" aria-label={tr(lang, "home.modules")}>{ tiles }</nav>
        </section>
    }
}
