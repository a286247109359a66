//! Placeholder for modules that are not built yet.

use yew::prelude::*;

use crate::hooks::use_lang;
use crate::i18n::tr;

#[derive(Properties, PartialEq)]
pub struct ComingSoonProps {
    /// i18n key of the module's name.
    pub title_key: &'static str,
}

#[component]
pub fn ComingSoon(props: &ComingSoonProps) -> Html {
    let lang = use_lang();
    html! {
        <section class="page coming-soon">
            <h1>{ tr(lang, props.title_key) }</h1>
            <div class="empty-state">
                <div class="empty-title">{ tr(lang, "soon.title") }</div>
                <p class="muted">{ tr(lang, "soon.text") }</p>
            </div>
        </section>
    }
}
