//! The signed-in user's own profile: roles, institutions and permissions; two-factor sign-in
//! (X-6c), which users of some roles must set up here before anything else opens.

use hcrm_domain::Label;
use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{Me, TotpCode, TotpDisableRequest, TotpSetup, TotpSetupRequest};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::forms;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{TOTP_TOO_MANY_ATTEMPTS, field_error_text, tr};
use crate::pages::login::is_totp_code;
use crate::services::auth;

#[component]
pub fn Profile() -> Html {
    let session = use_session();
    let lang = use_lang();
    let Some(me) = session.me() else {
        return html! {};
    };
    // Users who must set up two-factor sign-in first see that part on top (CSS `order`; the
    // section stays mounted so its success notice survives the change).
    let enrolling = me.totp_required && !me.totp_enabled;
    html! {
        <section class="page">
            <h1>{ tr(lang, "profile.title") }</h1>
            <div class={classes!("profile-body", enrolling.then_some("enrolling"))}>
            <dl class="details" id="profile">
                <dt>{ tr(lang, "profile.username") }</dt>
                <dd id="profile-username">{ &me.username }</dd>
                <dt>{ tr(lang, "profile.display_name") }</dt>
                <dd>{ &me.display_name }</dd>
                <dt>{ tr(lang, "profile.roles") }</dt>
                <dd id="profile-roles">
                    { for me.roles.iter().map(|r| html! {
                        <span class="tag" data-role={r.code()}>{ r.label(lang) }</span>
                    }) }
                </dd>
                <dt>{ tr(lang, "profile.scope") }</dt>
                <dd>
                    if me.group_wide {
                        <span class="tag tag-strong">{ tr(lang, "profile.group_wide") }</span>
                    }
                    { for me.institutions.iter().map(|i| html! {
                        <span class="tag" title={i.code.clone()}>{ format!("{} {}", i.code, i.name) }</span>
                    }) }
                </dd>
                <dt>{ tr(lang, "profile.permissions") }</dt>
                <dd id="profile-permissions">
                    { for me.permissions.iter().map(|p| html! {
                        <span class="tag tag-muted" title={p.code()}>{ p.label(lang) }</span>
                    }) }
                </dd>
            </dl>
            <TotpSection />
            </div>
        </section>
    }
}

/// `#totp`: set up (password → secret, URI, confirm with a code) or turn off (password and a
/// code) two-factor sign-in. Both changes ask for the password again (issue 7 item 14).
#[component]
fn TotpSection() -> Html {
    let session = use_session();
    let lang = use_lang();
    let setup = use_state(|| None::<TotpSetup>);
    let code = use_state(String::new);
    let code_error = use_state(|| None::<String>);
    let password = use_state(String::new);
    let password_error = use_state(|| None::<String>);
    let problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
    let busy = use_state(|| false);
    let Some(me) = session.me() else {
        return html! {};
    };

    let on_code = {
        let (code, code_error) = (code.clone(), code_error.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let digits: String = input.value().chars().filter(char::is_ascii_digit).collect();
            code.set(digits.chars().take(6).collect());
            code_error.set(None);
        })
    };
    let on_password = {
        let (password, password_error) = (password.clone(), password_error.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            password.set(input.value());
            password_error.set(None);
        })
    };
    // A wrong password or code is shown at its field; too many attempts as a banner.
    let show_problem = {
        let (problem, code_error, password_error) =
            (problem.clone(), code_error.clone(), password_error.clone());
        move |p: Problem| {
            let mut fields = forms::from_problem(&p);
            if p.status == 429 {
                problem.set(Some(too_many_attempts(&p)));
                return;
            }
            let (c, pw) = (fields.remove("code"), fields.remove("password"));
            if c.is_none() && pw.is_none() {
                problem.set(Some(p));
            }
            code_error.set(c);
            password_error.set(pw);
        }
    };
    let on_setup = {
        let (api, setup, problem, notice, busy, code, code_error, password, password_error) = (
            session.api.clone(),
            setup.clone(),
            problem.clone(),
            notice.clone(),
            busy.clone(),
            code.clone(),
            code_error.clone(),
            password.clone(),
            password_error.clone(),
        );
        let show_problem = show_problem.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if password.is_empty() {
                password_error.set(Some("required".into()));
                return;
            }
            busy.set(true);
            problem.set(None);
            notice.set(None);
            code.set(String::new());
            code_error.set(None);
            let body = TotpSetupRequest {
                password: (*password).clone(),
            };
            // The password is not kept once sent.
            password.set(String::new());
            let (api, setup, busy, show_problem) = (
                api.clone(),
                setup.clone(),
                busy.clone(),
                show_problem.clone(),
            );
            yew::platform::spawn_local(async move {
                match auth::totp_setup(&api, &body).await {
                    Ok(s) => setup.set(Some(s)),
                    // 409: it is on already (another tab); show the current state.
                    Err(p) if p.status == 409 => api.load_me().await,
                    Err(p) => show_problem(p),
                }
                busy.set(false);
            });
        })
    };
    // Enable sends the app's current code, disable the password and the code; both get the new
    // profile back.
    let submit = |path: &'static str, done: &'static str, with_password: bool| {
        let (api, setup, problem, notice, busy, code, code_error, password, password_error) = (
            session.api.clone(),
            setup.clone(),
            problem.clone(),
            notice.clone(),
            busy.clone(),
            code.clone(),
            code_error.clone(),
            password.clone(),
            password_error.clone(),
        );
        let show_problem = show_problem.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let password_missing = with_password && password.is_empty();
            if password_missing {
                password_error.set(Some("required".into()));
            }
            if !is_totp_code(&code) {
                code_error.set(Some("totp_code".into()));
                return;
            }
            if password_missing {
                return;
            }
            busy.set(true);
            problem.set(None);
            notice.set(None);
            let (code_now, password_now) = ((*code).clone(), (*password).clone());
            password.set(String::new());
            let (api, setup, notice, busy, code, show_problem) = (
                api.clone(),
                setup.clone(),
                notice.clone(),
                busy.clone(),
                code.clone(),
                show_problem.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = if with_password {
                    let body = TotpDisableRequest {
                        password: password_now,
                        code: code_now,
                    };
                    api.post::<Me, _>(path, &body).await
                } else {
                    api.post::<Me, _>(path, &TotpCode { code: code_now }).await
                };
                match result {
                    Ok(me) => {
                        setup.set(None);
                        code.set(String::new());
                        notice.set(Some(tr(lang, done).into()));
                        api.set_me(me);
                    }
                    Err(p) => {
                        let field = forms::from_problem(&p).remove("code");
                        code.set(String::new());
                        if field.as_deref() == Some("totp_not_started") {
                            setup.set(None);
                        }
                        if field.as_deref() == Some("totp_required_by_role")
                            || field.as_deref() == Some("totp_not_enabled")
                        {
                            // The policy or the state changed meanwhile: show the current one.
                            api.load_me().await;
                        }
                        show_problem(p);
                    }
                }
                busy.set(false);
            });
        })
    };

    let code_field = |hint: &'static str| {
        html! {
            <div class={classes!("field", code_error.is_some().then_some("has-error"))}>
                <label for="totp-code">{ tr(lang, "totp.code") }</label>
                <input id="totp-code" type="text" inputmode="numeric" maxlength="7"
                       autocomplete="one-time-code" placeholder="000000" class="code-input"
                       value={(*code).clone()} oninput={on_code.clone()}
                       aria-invalid={code_error.is_some().then_some("true")}
                       aria-describedby={code_error.is_some().then_some("totp-code-error")} />
                if let Some(c) = &*code_error {
                    <div class="field-error" id="totp-code-error">{ field_error_text(lang, c) }</div>
                } else {
                    <div class="hint">{ tr(lang, hint) }</div>
                }
            </div>
        }
    };
    let password_field = html! {
        <div class={classes!("field", password_error.is_some().then_some("has-error"))}>
            <label for="totp-password">{ tr(lang, "totp.password") }</label>
            <input id="totp-password" type="password" autocomplete="current-password"
                   value={(*password).clone()} oninput={on_password.clone()}
                   aria-invalid={password_error.is_some().then_some("true")}
                   aria-describedby={password_error.is_some().then_some("totp-password-error")} />
            if let Some(c) = &*password_error {
                <div class="field-error" id="totp-password-error">{ field_error_text(lang, c) }</div>
            } else {
                <div class="hint">{ tr(lang, "totp.password.hint") }</div>
            }
        </div>
    };

    let body = if me.totp_enabled {
        html! {
            <>
                if me.totp_required {
                    <p id="totp-required-note" class="muted">{ tr(lang, "totp.required_by_role") }</p>
                } else {
                    <form id="totp-disable-form" class="totp-form" novalidate=true
                          onsubmit={submit(auth::TOTP_DISABLE, "totp.disabled", true)}>
                        { password_field.clone() }
                        { code_field("totp.disable.hint") }
                        <div class="form-actions">
                            <button id="totp-disable" type="submit" class="btn btn-danger" disabled={*busy}>
                                { tr(lang, "totp.disable") }
                            </button>
                        </div>
                    </form>
                    <p class="muted">{ tr(lang, "totp.lost") }</p>
                }
            </>
        }
    } else if let Some(s) = &*setup {
        html! {
            <form id="totp-enable-form" class="totp-form" novalidate=true
                  onsubmit={submit(auth::TOTP_ENABLE, "totp.enabled", false)}>
                <ol class="totp-steps">
                    <li>{ tr(lang, "totp.step1") }</li>
                    <li>
                        { tr(lang, "totp.step2") }
                        <div class="secret-box">
                            <div class="secret-title">{ tr(lang, "totp.secret") }</div>
                            <div class="secret-row">
                                <code id="totp-secret" class="secret mono">{ &s.secret }</code>
                            </div>
                            <div class="secret-title">{ tr(lang, "totp.uri") }</div>
                            <div class="secret-row">
                                <code id="totp-uri" class="secret mono">{ &s.otpauth_uri }</code>
                            </div>
                            <div class="secret-warning">{ tr(lang, "totp.secret.warning") }</div>
                        </div>
                    </li>
                    <li>{ tr(lang, "totp.step3") }</li>
                </ol>
                { code_field("totp.step3") }
                <div class="form-actions">
                    <button id="totp-enable" type="submit" class="btn btn-primary" disabled={*busy}>
                        { tr(lang, "totp.enable") }
                    </button>
                </div>
            </form>
        }
    } else {
        html! {
            <form id="totp-setup-form" class="totp-form" novalidate=true onsubmit={on_setup}>
                { password_field.clone() }
                <div class="form-actions">
                    <button id="totp-setup" type="submit" class="btn btn-primary" disabled={*busy}>
                        { if *busy { tr(lang, "totp.setup.busy") } else { tr(lang, "totp.setup") } }
                    </button>
                </div>
            </form>
        }
    };

    html! {
        <section id="totp" class="panel totp" data-enabled={me.totp_enabled.to_string()}>
            <h3>{ tr(lang, "totp.title") }</h3>
            <p class="muted">{ tr(lang, "totp.about") }</p>
            <p>
                { tr(lang, "totp.status") }{ lang.pick("：", ": ") }
                if me.totp_enabled {
                    <span id="totp-status" class="badge badge-ok">{ tr(lang, "totp.on") }</span>
                } else {
                    <span id="totp-status" class="badge badge-off">{ tr(lang, "totp.off") }</span>
                }
            </p>
            <ErrorBanner problem={(*problem).clone()} />
            <Notice text={(*notice).clone()} />
            { body }
        </section>
    }
}

/// The 429 of a two-factor change, told apart from too many failed sign-ins (the wait, from
/// `Retry-After`, stays in `detail`).
fn too_many_attempts(p: &Problem) -> Problem {
    let mut out = crate::services::local_problem(TOTP_TOO_MANY_ATTEMPTS, 429, "");
    out.detail = p.detail.clone();
    out
}
