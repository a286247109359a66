//! `.error-banner`: a problem from the API, in the user's language.

use hcrm_domain::api::Problem;
use yew::prelude::*;

use crate::hooks::use_lang;
use crate::i18n::problem_text;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub problem: Option<Problem>,
}

#[component]
pub fn ErrorBanner(props: &ErrorBannerProps) -> Html {
    let lang = use_lang();
    match &props.problem {
        Some(p) => html! {
            <div class="error-banner" role="alert" data-code={p.code().to_string()}>
                { problem_text(lang, p) }
            </div>
        },
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub text: Option<AttrValue>,
}

/// A short success message (`.notice`).
#[component]
pub fn Notice(props: &NoticeProps) -> Html {
    match &props.text {
        Some(t) => html! { <div class="notice" role="status">{ t.clone() }</div> },
        None => html! {},
    }
}
