//! The header's bell (issue 10): how many notifications the signed-in user has not read,
//! and, opened, the newest ones — each leads to what it is about (a complaint) and is then
//! read; "all read" clears the badge. The count is read again on every move in the app, each
//! minute, and after each reading.

use hcrm_domain::api::notifications::Notification;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::local_time;
use crate::services::{Items, notifications};

#[component]
pub fn NotificationBell() -> Html {
    let session = use_session();
    let lang = use_lang();
    let navigator = use_navigator();
    let route = use_route::<Route>();
    let unread = use_state(|| 0_i64);
    let open = use_state(|| false);
    let items = use_state(|| None::<Vec<Notification>>);
    // Bumped to read the count (and the open list) again.
    let tick = use_state(|| 0_u32);
    {
        // Each minute the count is read again, whatever the page does.
        let (api, unread) = (session.api.clone(), unread.clone());
        use_effect_with((), move |_| {
            let interval = gloo_timers::callback::Interval::new(60_000, move || {
                let (api, unread) = (api.clone(), unread.clone());
                yew::platform::spawn_local(async move {
                    if let Ok(c) = notifications::counts(&api).await {
                        unread.set(c.unread);
                    }
                });
            });
            move || drop(interval)
        });
    }
    {
        let (api, unread, items, open) = (
            session.api.clone(),
            unread.clone(),
            items.clone(),
            open.clone(),
        );
        use_effect_with((route.clone(), *tick, *open), move |_| {
            let show = *open;
            yew::platform::spawn_local(async move {
                if let Ok(c) = notifications::counts(&api).await {
                    unread.set(c.unread);
                }
                if show
                    && let Ok(list) = api
                        .get::<Items<Notification>>(notifications::RECENT_PATH)
                        .await
                {
                    items.set(Some(list.into_vec()));
                }
            });
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let read_all = {
        let (api, tick) = (session.api.clone(), tick.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, tick) = (api.clone(), tick.clone());
            yew::platform::spawn_local(async move {
                let _ = notifications::mark_all_read(&api).await;
                tick.set(*tick + 1);
            });
        })
    };
    let item = |n: &Notification| {
        let onclick = {
            let (api, tick, open, navigator) = (
                session.api.clone(),
                tick.clone(),
                open.clone(),
                navigator.clone(),
            );
            let (id, unread_now) = (n.id, n.read_at.is_none());
            let target = (n.source_type.as_deref() == Some("complaint"))
                .then(|| n.source_id.as_deref().and_then(|s| s.parse::<Uuid>().ok()))
                .flatten();
            Callback::from(move |_: MouseEvent| {
                open.set(false);
                if let (Some(nav), Some(c)) = (&navigator, target) {
                    nav.push(&Route::Complaint { id: c.to_string() });
                }
                if unread_now {
                    let (api, tick) = (api.clone(), tick.clone());
                    yew::platform::spawn_local(async move {
                        let _ = notifications::mark_read(&api, id).await;
                        tick.set(*tick + 1);
                    });
                }
            })
        };
        html! {
            <li>
                <button type="button" data-kind={n.kind.code()} {onclick}
                        class={classes!("notif-item", n.read_at.is_none().then_some("notif-unread"))}>
                    <span class="notif-title">{ n.title(lang) }</span>
                    <time class="muted">{ local_time(n.created_at) }</time>
                </button>
            </li>
        }
    };
    let count = *unread;
    html! {
        <div class="notif">
            <button id="notif-bell" type="button" class="btn btn-ghost notif-bell" onclick={toggle}
                    aria-expanded={open.to_string()} aria-controls="notif-panel"
                    title={trf(lang, "notif.unread", &[&count.to_string()])}>
                // Drawn, not the 🔔 character: a machine without an emoji font showed a box.
                <svg class="notif-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                    <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 16h15.4L18 12.6V9a6 6 0 0 0-6-6z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
                    <path d="M9.5 19a2.5 2.5 0 0 0 5 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                </svg>
                <span class="sr-only">{ tr(lang, "notif.title") }</span>
                if count > 0 {
                    <span id="notif-count" class="notif-count">{ if count > 99 { "99+".to_string() } else { count.to_string() } }</span>
                }
            </button>
            if *open {
                <div id="notif-panel" class="notif-panel" role="dialog" aria-label={tr(lang, "notif.title")}>
                    <div class="notif-head">
                        <strong>{ tr(lang, "notif.title") }</strong>
                        if count > 0 {
                            <button id="notif-read-all" type="button" class="btn btn-small" onclick={read_all}>
                                { tr(lang, "notif.read_all") }
                            </button>
                        }
                    </div>
                    <ul class="notif-list">
                        { match &*items {
                            None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
                            Some(list) if list.is_empty() => html! { <li class="muted" id="notif-none">{ tr(lang, "notif.none") }</li> },
                            Some(list) => list.iter().map(item).collect(),
                        } }
                    </ul>
                </div>
            }
        </div>
    }
}
