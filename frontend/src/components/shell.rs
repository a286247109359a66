//! The app shell: a skip link to the page, the header (menu button on narrow screens, user,
//! language switch, sign-out) and the permission-filtered menu (issue 9 items 16, 17).

use hcrm_domain::Lang;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{NavItem, Route, nav_items};
use crate::components::notifications::NotificationBell;
use crate::hooks::{use_lang, use_lang_context, use_session};
use crate::i18n::tr;

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    pub children: Html,
}

#[component]
pub fn Shell(props: &ShellProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let navigator = use_navigator();
    let current = use_route::<Route>();
    // Phones: the menu folds away behind `#menu-toggle`; any move closes it again.
    let menu_open = use_state(|| false);
    {
        let menu_open = menu_open.clone();
        use_effect_with(current.clone(), move |_| menu_open.set(false));
    }
    let main_ref = use_node_ref();
    let Some(me) = session.me() else {
        return html! {};
    };

    // X-6c: a role requires two-factor sign-in and it is not on yet. Until it is, only the
    // profile (where it is set up) opens; the API refuses everything else anyway.
    let enrolling = me.totp_required && !me.totp_enabled;
    if enrolling && current.as_ref() != Some(&Route::Profile) {
        return html! { <Redirect<Route> to={Route::Profile} /> };
    }

    let visible: Vec<NavItem> = nav_items()
        .into_iter()
        .filter(|i| i.permission.is_none_or(|p| me.can(p)))
        .collect();
    let link = |item: &NavItem| {
        if enrolling && item.key != "profile" {
            return html! {
                <li>
                    <span class="nav-locked" data-nav={item.key} aria-disabled="true"
                          title={tr(lang, "nav.locked")}>
                        { tr(lang, item.label) }
                    </span>
                </li>
            };
        }
        let route = item.route.clone();
        let onclick = {
            let (navigator, route, menu_open) =
                (navigator.clone(), route.clone(), menu_open.clone());
            Callback::from(move |e: MouseEvent| {
                if opens_elsewhere(&e) {
                    return; // a new tab or window: the browser's own doing
                }
                e.prevent_default();
                menu_open.set(false);
                if let Some(n) = &navigator {
                    n.push(&route);
                }
            })
        };
        let active = current.as_ref() == Some(&route);
        html! {
            <li>
                <a href={route.to_path()} data-nav={item.key} {onclick}
                   class={classes!(active.then_some("active"))}
                   aria-current={active.then_some("page")}>
                    { tr(lang, item.label) }
                </a>
            </li>
        }
    };
    let work: Html = visible
        .iter()
        .filter(|i| !i.admin && i.key != "profile")
        .map(link)
        .collect();
    let admin: Vec<Html> = visible.iter().filter(|i| i.admin).map(link).collect();
    let profile: Html = visible
        .iter()
        .filter(|i| i.key == "profile")
        .map(link)
        .collect();

    let on_logout = {
        let api = session.api.clone();
        let navigator = navigator.clone();
        Callback::from(move |_| {
            let api = api.clone();
            // Land the next user on the home page, not on whatever this user had open.
            if let Some(n) = &navigator {
                n.push(&Route::Home);
            }
            yew::platform::spawn_local(async move { api.logout().await });
        })
    };
    let home = {
        let navigator = navigator.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if let Some(n) = &navigator {
                n.push(&Route::Home);
            }
        })
    };

    let toggle_menu = {
        let menu_open = menu_open.clone();
        Callback::from(move |_| menu_open.set(!*menu_open))
    };
    // The skip link moves the focus into the page without touching the route.
    let skip = {
        let main_ref = main_ref.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if let Some(main) = main_ref.cast::<web_sys::HtmlElement>() {
                let _ = main.focus();
            }
        })
    };

    html! {
        <div class={classes!("shell", menu_open.then_some("menu-open"))}>
            <a id="skip-link" class="skip-link" href="#main" onclick={skip}>{ tr(lang, "nav.skip") }</a>
            <header class="topbar">
                <button id="menu-toggle" class="btn btn-ghost menu-toggle" type="button"
                        aria-controls="nav" aria-expanded={menu_open.to_string()}
                        onclick={toggle_menu}>
                    <span class="menu-icon" aria-hidden="true"></span>
                    <span class="menu-label">{ tr(lang, "nav.menu") }</span>
                </button>
                <a class="brand" href="/" onclick={home}>
                    <span class="brand-mark">{ tr(lang, "app.short") }</span>
                    <span class="brand-name">{ tr(lang, "app.name") }</span>
                </a>
                <div class="topbar-right">
                    if !enrolling {
                        <NotificationBell />
                    }
                    <span id="current-user" class="current-user" title={me.username.clone()}>
                        { &me.display_name }
                    </span>
                    <LangSwitch />
                    <button id="logout" class="btn btn-ghost" onclick={on_logout}>
                        { tr(lang, "logout") }
                    </button>
                </div>
            </header>
            <div class="body">
                <nav id="nav" class="sidenav" aria-label={tr(lang, "nav.label")}>
                    <div class="nav-group">{ tr(lang, "nav.group.work") }</div>
                    <ul>{ work }</ul>
                    if !admin.is_empty() {
                        <div class="nav-group">{ tr(lang, "nav.group.admin") }</div>
                        <ul>{ for admin }</ul>
                    }
                    <ul class="nav-bottom">{ profile }</ul>
                </nav>
                <main id="main" class="content" tabindex="-1" ref={main_ref}>
                    if enrolling {
                        <div id="totp-enroll-banner" class="enroll-banner" role="alert">
                            <strong>{ tr(lang, "totp.enroll.title") }</strong>
                            { tr(lang, "totp.enroll.text") }
                        </div>
                    }
                    { props.children.clone() }
                </main>
            </div>
        </div>
    }
}

/// Whether a click on a link asks for a new tab or window (Ctrl/⌘/Shift, the middle button),
/// which the browser does itself: the app only handles plain clicks.
pub fn opens_elsewhere(e: &MouseEvent) -> bool {
    e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0
}

/// `#lang-switch`: toggles 简体中文 / English; the choice is remembered in localStorage.
#[component]
pub fn LangSwitch() -> Html {
    let Some(ctx) = use_lang_context() else {
        return html! {};
    };
    let lang = ctx.lang;
    let onclick = {
        let set = ctx.set.clone();
        Callback::from(move |_| {
            set.emit(match lang {
                Lang::Zh => Lang::En,
                Lang::En => Lang::Zh,
            })
        })
    };
    html! {
        <button id="lang-switch" class="btn btn-ghost" {onclick}
                title={tr(lang, "lang.switch.title")}
                lang={match lang { Lang::Zh => "en", Lang::En => "zh-CN" }}>
            { tr(lang, "lang.switch") }
        </button>
    }
}
