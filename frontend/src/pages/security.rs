//! 安全设置 — the sign-in policy (X-6c): which roles must use two-factor sign-in.

use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{SecuritySettings, SecuritySettingsUpdate};
use hcrm_domain::{Label, Role};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::forms::is_stale;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::services::org;

#[component]
pub fn SecurityPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    // The settings as last read: their version goes into If-Match.
    let base = use_state(|| None::<SecuritySettings>);
    let roles = use_state(Vec::<Role>::new);
    let problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
    let busy = use_state(|| false);

    {
        let (api, base, roles, problem) = (
            session.api.clone(),
            base.clone(),
            roles.clone(),
            problem.clone(),
        );
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                match org::security(&api).await {
                    Ok(s) => {
                        roles.set(s.totp_required_roles.clone());
                        base.set(Some(s));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }

    let toggle = |role: Role| {
        let (roles, notice) = (roles.clone(), notice.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*roles).clone();
            next.retain(|r| *r != role);
            if input.checked() {
                next.push(role);
                next.sort();
            }
            roles.set(next);
            notice.set(None);
        })
    };
    let onsubmit = {
        let (api, base, roles, problem, notice, busy) = (
            session.api.clone(),
            base.clone(),
            roles.clone(),
            problem.clone(),
            notice.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = (*base).clone() else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            notice.set(None);
            let body = SecuritySettingsUpdate {
                totp_required_roles: (*roles).clone(),
                version: None,
            };
            let (api, base, roles, problem, notice, busy) = (
                api.clone(),
                base.clone(),
                roles.clone(),
                problem.clone(),
                notice.clone(),
                busy.clone(),
            );
            yew::platform::spawn_local(async move {
                match org::put_security(&api, current.version, &body).await {
                    Ok(saved) => {
                        roles.set(saved.totp_required_roles.clone());
                        base.set(Some(saved));
                        notice.set(Some(tr(lang, "common.saved").into()));
                        // The admin's own roles may now require two-factor sign-in.
                        api.load_me().await;
                    }
                    Err(p) => {
                        if is_stale(&p) {
                            // Someone saved first: show their settings so the user can redo it.
                            if let Ok(latest) = org::security(&api).await {
                                roles.set(latest.totp_required_roles.clone());
                                base.set(Some(latest));
                            }
                        }
                        problem.set(Some(p));
                    }
                }
                busy.set(false);
            });
        })
    };

    let me = session.me();
    let locks_me = me
        .as_ref()
        .is_some_and(|me| !me.totp_enabled && me.roles.iter().any(|r| roles.contains(r)));

    html! {
        <section class="page">
            <div class="page-head">
                <h1>{ tr(lang, "security.title") }</h1>
            </div>
            <ErrorBanner problem={(*problem).clone()} />
            <Notice text={(*notice).clone()} />
            <form class="panel form" id="security-form" {onsubmit} novalidate=true>
                <h3>{ tr(lang, "totp.title") }</h3>
                <fieldset class="choices" id="security-totp-roles">
                    <legend>{ tr(lang, "security.totp_roles") }</legend>
                    { for Role::ALL.iter().map(|r| html! {
                        <label class="check">
                            <input type="checkbox" data-totp-role={r.code()}
                                   checked={roles.contains(r)} disabled={base.is_none()}
                                   onchange={toggle(*r)} />
                            { r.label(lang) }
                        </label>
                    }) }
                </fieldset>
                <p class="hint">{ tr(lang, "security.totp_roles.hint") }</p>
                if locks_me {
                    <div id="security-self-warning" class="secret-warning">
                        { tr(lang, "security.self_warning") }
                    </div>
                }
                <div class="form-actions">
                    <button id="security-save" type="submit" class="btn btn-primary"
                            disabled={*busy || base.is_none()}>
                        { if *busy { tr(lang, "common.saving") } else { tr(lang, "common.save") } }
                    </button>
                </div>
            </form>
        </section>
    }
}
