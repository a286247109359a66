//! The sign-in page.

use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::LoginRequest;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::shell::LangSwitch;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr};

/// True for the 6 digits of an authenticator app.
pub fn is_totp_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

#[component]
pub fn Login() -> Html {
    let session = use_session();
    let lang = use_lang();
    let username = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    // Second step (X-6c): the account has two-factor sign-in, ask for the app's code.
    let need_code = use_state(|| false);
    let code = use_state(String::new);
    let code_error = use_state(|| None::<&'static str>);

    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    let on_code = {
        let (code, code_error) = (code.clone(), code_error.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            // Authenticator apps show "123 456"; keep the digits only.
            let digits: String = input.value().chars().filter(char::is_ascii_digit).collect();
            code.set(digits.chars().take(6).collect());
            code_error.set(None);
        })
    };
    let on_back = {
        let (need_code, code, code_error, password, problem) = (
            need_code.clone(),
            code.clone(),
            code_error.clone(),
            password.clone(),
            problem.clone(),
        );
        Callback::from(move |_| {
            need_code.set(false);
            code.set(String::new());
            code_error.set(None);
            password.set(String::new());
            problem.set(None);
        })
    };
    let onsubmit = {
        let (username, password, busy, problem) = (
            username.clone(),
            password.clone(),
            busy.clone(),
            problem.clone(),
        );
        let (need_code, code, code_error) = (need_code.clone(), code.clone(), code_error.clone());
        let api = session.api.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let req = LoginRequest {
                username: username.trim().to_string(),
                password: (*password).clone(),
                totp_code: need_code.then(|| (*code).clone()),
            };
            if req.username.is_empty() || req.password.is_empty() {
                return;
            }
            if *need_code && !is_totp_code(&code) {
                code_error.set(Some("totp_code"));
                return;
            }
            busy.set(true);
            problem.set(None);
            let (api, busy, problem) = (api.clone(), busy.clone(), problem.clone());
            let (need_code, code) = (need_code.clone(), code.clone());
            yew::platform::spawn_local(async move {
                // On success the session switches the whole app over; nothing left to do here.
                match api.login(&req).await {
                    Ok(()) => {}
                    Err(p) if p.code() == "totp_required" => {
                        // Password accepted; the code is the second step.
                        need_code.set(true);
                        busy.set(false);
                    }
                    Err(p) => {
                        if p.code() == "invalid_totp" {
                            code.set(String::new());
                        }
                        problem.set(Some(p));
                        busy.set(false);
                    }
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
                if *need_code {
                    <p id="login-totp-prompt" class="login-step">{ tr(lang, "login.totp.prompt") }</p>
                    <div class={classes!("field", code_error.is_some().then_some("has-error"))}>
                        <label for="login-totp">{ tr(lang, "login.totp") }</label>
                        <input id="login-totp" type="text" inputmode="numeric" maxlength="7"
                               autocomplete="one-time-code" autofocus=true required=true
                               placeholder="000000" class="code-input"
                               value={(*code).clone()} oninput={on_code}
                               aria-invalid={code_error.is_some().then_some("true")}
                               aria-describedby={code_error.is_some().then_some("login-totp-error")} />
                        if let Some(c) = *code_error {
                            <div class="field-error" id="login-totp-error">{ field_error_text(lang, c) }</div>
                        }
                    </div>
                }
                <button id="login-submit" type="submit" class="btn btn-primary btn-block"
                        disabled={*busy}>
                    { if *busy { tr(lang, "login.busy") } else { tr(lang, "login.submit") } }
                </button>
                if *need_code {
                    <button id="login-back" type="button" class="btn btn-ghost btn-block login-back"
                            onclick={on_back}>
                        { tr(lang, "login.totp.back") }
                    </button>
                }
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::is_totp_code;

    #[test]
    fn codes_are_six_digits() {
        assert!(is_totp_code("012345"));
        assert!(!is_totp_code("12345"));
        assert!(!is_totp_code("12345a"));
        assert!(!is_totp_code("1234567"));
    }
}
