//! The landing page after sign-in.

use yew::prelude::*;

use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;

#[component]
pub fn Home() -> Html {
    let session = use_session();
    let lang = use_lang();
    let name = session
        .me()
        .map(|m| m.display_name.clone())
        .unwrap_or_default();
    html! {
        <section class="page">
            <h2>{ tr(lang, "home.welcome") }{ name }</h2>
            <p class="muted">{ tr(lang, "home.hint") }</p>
        </section>
    }
}
