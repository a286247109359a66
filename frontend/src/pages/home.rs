//! The landing page after sign-in: a greeting and the modules the user may open.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{Route, nav_items};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::search::CustomerSearch;

#[component]
pub fn Home() -> Html {
    let session = use_session();
    let lang = use_lang();
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
    html! {
        <section class="page">
            <h2>{ tr(lang, "home.welcome") }{ &me.display_name }</h2>
            if me.can(hcrm_domain::Permission::CustomerRead) {
                <div class="home-search panel">
                    <h3>{ tr(lang, "customer.search.title") }</h3>
                    <CustomerSearch autofocus=true />
                </div>
            }
            <p class="muted">{ tr(lang, "home.hint") }</p>
            <div class="tiles">{ tiles }</div>
        </section>
    }
}
