//! The app shell: header (user, language switch, sign-out) and the permission-filtered menu.

use hcrm_domain::Lang;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{NavItem, Route, nav_items};
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
            let navigator = navigator.clone();
            let route = route.clone();
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
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

    html! {
        <div class="shell">
            <header class="topbar">
                <a class="brand" href="/" onclick={home}>
                    <span class="brand-mark">{ tr(lang, "app.short") }</span>
                    <span class="brand-name">{ tr(lang, "app.name") }</span>
                </a>
                <div class="topbar-right">
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
                <main class="content">
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
