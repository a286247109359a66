//! Unknown client-side route.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::use_lang;
use crate::i18n::tr;

#[component]
pub fn NotFound() -> Html {
    let lang = use_lang();
    html! {
        <section class="page">
            <h1>{ tr(lang, "notfound.title") }</h1>
            <Link<Route> to={Route::Home}>{ tr(lang, "notfound.back") }</Link<Route>>
        </section>
    }
}
