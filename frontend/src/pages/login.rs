//! The sign-in page.

use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::LoginRequest;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::shell::LangSwitch;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;

#[component]
pub fn Login() -> Html {
    let session = use_session();
    let lang = use_lang();
    let username = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);

    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    let onsubmit = {
        let (username, password, busy, problem) = (
            username.clone(),
            password.clone(),
            busy.clone(),
            problem.clone(),
        );
        let api = session.api.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let req = LoginRequest {
                username: username.trim().to_string(),
                password: (*password).clone(),
                totp_code: None,
            };
            if req.username.is_empty() || req.password.is_empty() {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (api, busy, problem) = (api.clone(), busy.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                // On success the session switches the whole app over; nothing left to do here.
                if let Err(p) = api.login(&req).await {
                    problem.set(Some(p));
                    busy.set(false);
                }
            });
        })
    };

    html! {
        <div class="login-page">
            <div class="login-lang"><LangSwitch /></div>
            <form class="login-card" {onsubmit} novalidate=true>
                <div class="login-brand">
                    <span class="brand-mark">{ tr(lang, "app.short") }</span>
                    <div>
                        <h1>{ tr(lang, "app.name") }</h1>
                        <p class="muted">{ tr(lang, "login.subtitle") }</p>
                    </div>
                </div>
                <ErrorBanner problem={(*problem).clone()} />
                <div class="field">
                    <label for="login-username">{ tr(lang, "login.username") }</label>
                    <input id="login-username" type="text" autocomplete="username" autofocus=true
                           required=true value={(*username).clone()} oninput={bind(&username)} />
                </div>
                <div class="field">
                    <label for="login-password">{ tr(lang, "login.password") }</label>
                    <input id="login-password" type="password" autocomplete="current-password"
                           required=true value={(*password).clone()} oninput={bind(&password)} />
                </div>
                <button id="login-submit" type="submit" class="btn btn-primary btn-block"
                        disabled={*busy}>
                    { if *busy { tr(lang, "login.busy") } else { tr(lang, "login.submit") } }
                </button>
            </form>
        </div>
    }
}
