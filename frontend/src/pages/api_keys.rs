//! API keys of an integration user: list, create with scopes chosen by label (the key is
//! shown once, with a copy button), revoke with confirmation; last use and expiry shown.
//! Shown on the staff page as a panel (`#api-keys`) for users holding the integration role.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hcrm_domain::api::auth::{ApiKey, ApiKeyCreate, ApiKeyCreated};
use hcrm_domain::api::org::User;
use hcrm_domain::{ApiScope, Label, PermissionSet};
use validator::Validate;
use yew::prelude::*;

use crate::components::banner::Notice;
use crate::components::field::{FieldErrorLine, TextField};
use crate::components::form::use_form_state;
use crate::components::list::{grid, use_loaded};
use crate::components::shown_once::ShownOnce;
use crate::forms::{self, FieldErrors};
use crate::hooks::use_lang;
use crate::i18n::{tr, trf};
use crate::pages::audit::local_time;
use crate::services::org;

#[derive(Properties, PartialEq)]
pub struct ApiKeysPanelProps {
    pub user: User,
    pub on_close: Callback<()>,
}

#[derive(Clone, Default, PartialEq)]
struct KeyDraft {
    name: String,
    /// `YYYY-MM-DD` from the date input; empty for a key that never expires.
    expires: String,
    /// What the key may reach: scopes the user's roles hold (none ticked at first: least
    /// privilege, the admin ticks what the integration needs).
    scopes: Vec<ApiScope>,
}

/// Whether a user with `user`'s roles may be given `scope`.
fn offered(user: &User, scope: ApiScope) -> bool {
    scope.within(&PermissionSet::for_roles(&user.roles))
}

impl KeyDraft {
    /// The request, with the expiry at the end of the chosen day in the browser's time zone.
    fn create(&self) -> ApiKeyCreate {
        ApiKeyCreate {
            name: self.name.trim().to_string(),
            expires_at: parse_date(&self.expires).map(|d| end_of_day(d, browser_offset(d))),
            scopes: Some(self.scopes.clone()),
        }
    }

    fn errors(&self, now: DateTime<Utc>) -> FieldErrors {
        let mut errors = forms::from_validation(self.create().validate());
        if self.scopes.is_empty() {
            errors.insert("scopes".into(), "required".into());
        }
        if !self.expires.is_empty() {
            match parse_date(&self.expires) {
                None => {
                    errors.insert("expires_at".into(), "invalid".into());
                }
                Some(d) if end_of_day(d, browser_offset(d)) <= now => {
                    errors.insert("expires_at".into(), "past".into());
                }
                Some(_) => {}
            }
        }
        errors
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// 23:59:59 local time of `day`, as UTC; `offset_minutes` as JavaScript's
/// `getTimezoneOffset()` (UTC minus local, so -480 in China).
fn end_of_day(day: NaiveDate, offset_minutes: i64) -> DateTime<Utc> {
    let local = day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc();
    local + Duration::minutes(offset_minutes)
}

/// The browser's offset on `day` (daylight saving may differ from today's).
#[cfg(target_arch = "wasm32")]
fn browser_offset(day: NaiveDate) -> i64 {
    use chrono::Datelike;
    let date = js_sys::Date::new_with_year_month_day(
        day.year().unsigned_abs(),
        day.month0() as i32,
        day.day() as i32,
    );
    date.get_timezone_offset() as i64
}

#[cfg(not(target_arch = "wasm32"))]
fn browser_offset(_day: NaiveDate) -> i64 {
    0
}

#[cfg(target_arch = "wasm32")]
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
fn now() -> DateTime<Utc> {
    Utc::now()
}

#[component]
pub fn ApiKeysPanel(props: &ApiKeysPanelProps) -> Html {
    let lang = use_lang();
    let user_id = props.user.id;
    let keys = use_loaded::<Vec<ApiKey>>(org::api_keys_path(user_id));
    let notice = use_state(|| None::<AttrValue>);
    let mut f = use_form_state(KeyDraft::default);
    // One banner for the panel: the list's problems and the form's.
    f.problem = keys.problem.clone();
    let created = use_state(|| None::<ApiKeyCreated>);

    let errors = f.draft.errors(now());
    let shown = f.shown(&errors);
    let err = |field: &str| shown.get(field).cloned();
    let toggle_scope = |scope: ApiScope| {
        f.checkbox(&["scopes"], move |f, on| {
            f.scopes.retain(|p| *p != scope);
            if on {
                f.scopes.push(scope);
                f.scopes.sort();
            }
        })
    };

    let onsubmit = {
        let (f, notice, created, keys) = (f.clone(), notice.clone(), created.clone(), keys.clone());
        let valid = errors.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !f.begin(valid) {
                return;
            }
            notice.set(None);
            let body = f.draft.create();
            let (f, created, keys) = (f.clone(), created.clone(), keys.clone());
            yew::platform::spawn_local(async move {
                let result = org::create_api_key(&keys.api, user_id, &body).await;
                f.busy.set(false);
                match result {
                    Ok(c) => {
                        f.reset(KeyDraft::default());
                        created.set(Some(c));
                        keys.reload();
                    }
                    Err(p) => f.fail(p),
                }
            });
        })
    };

    let on_dismiss = {
        let created = created.clone();
        Callback::from(move |()| created.set(None))
    };
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };

    let current = now();
    let row = |k: &ApiKey| {
        let expired = k.expires_at.is_some_and(|t| t <= current);
        let status = if let Some(at) = k.revoked_at {
            html! {
                <span class="badge badge-off" title={local_time(at)}>
                    { tr(lang, "apikey.revoked") }{ " " }{ local_time(at) }
                </span>
            }
        } else if expired {
            html! { <span class="badge badge-warn">{ tr(lang, "apikey.expired") }</span> }
        } else {
            html! { <span class="badge badge-ok">{ tr(lang, "apikey.valid") }</span> }
        };
        let on_revoke = {
            let (notice, id) = (notice.clone(), k.id);
            keys.action("apikey.revoke.confirm", move |api| {
                let notice = notice.clone();
                async move {
                    org::revoke_api_key(&api, id).await?;
                    notice.set(Some(tr(lang, "apikey.revoked.notice").into()));
                    Ok(())
                }
            })
        };
        html! {
            <tr data-key-id={k.id.to_string()}
                class={classes!((k.revoked_at.is_some() || expired).then_some("inactive"))}>
                <td>{ &k.name }</td>
                <td class="mono">{ format!("{}…", k.prefix) }</td>
                <td class="scopes">
                    { for k.scopes.iter().map(|s| html! {
                        <span class="tag" data-scope={s.code()} title={s.description(lang)}>{ s.label(lang) }</span>
                    }) }
                </td>
                <td class="mono nowrap">{ local_time(k.created_at) }</td>
                <td class="mono nowrap">
                    { k.expires_at.map(local_time).unwrap_or_else(|| tr(lang, "apikey.never").to_string()) }
                </td>
                <td class="mono nowrap">
                    { k.last_used_at.map(local_time).unwrap_or_else(|| tr(lang, "apikey.unused").to_string()) }
                </td>
                <td>{ status }</td>
                <td class="actions">
                    if k.revoked_at.is_none() {
                        <button type="button" class="btn btn-small btn-danger"
                                data-revoke={k.id.to_string()} onclick={on_revoke}>
                            { tr(lang, "apikey.revoke") }
                        </button>
                    }
                </td>
            </tr>
        }
    };
    let columns = [
        "apikey.name",
        "apikey.prefix",
        "apikey.scopes",
        "apikey.created",
        "apikey.expires",
        "apikey.last_used",
        "common.status",
        "common.actions",
    ];

    let title = trf(lang, "apikey.title.of", &[&props.user.display_name]);
    let form = &*f.draft;
    html! {
        <section class="panel api-keys" id="api-keys" data-user-id={user_id.to_string()}>
            <div class="page-head">
                <h3>{ title }{ " " }<span class="mono muted">{ &props.user.username }</span></h3>
                <button type="button" id="api-keys-close" class="btn btn-small" onclick={on_close}>
                    { tr(lang, "apikey.close") }
                </button>
            </div>
            <p class="hint">{ tr(lang, "apikey.usage") }</p>
            { keys.banner() }
            <Notice text={(*notice).clone()} />
            if let Some(c) = &*created {
                <ShownOnce key={c.key.clone()}
                    ids={["api-key-created", "api-key-secret", "api-key-copy", "api-key-dismiss"]}
                    title={html! { { trf(lang, "apikey.new.title", &[&c.api_key.name]) } }}
                    warning={tr(lang, "apikey.new.warning")} secret={c.key.clone()}
                    copy={tr(lang, "apikey.copy")} copied={tr(lang, "apikey.copied")}
                    done={tr(lang, "apikey.done")} on_done={on_dismiss} />
            }
            { grid(lang, "api-keys-table", &columns, keys.data.as_deref(), "apikey.none", row) }
            <form class="form api-key-form" id="api-key-form" {onsubmit} novalidate=true autocomplete="off">
                <h4>{ tr(lang, "apikey.new") }</h4>
                <div class="form-grid">
                    <TextField id="api-key-name" label={tr(lang, "apikey.name")} value={form.name.clone()}
                        oninput={f.input("name", |f, v| f.name = v)} error={err("name")}
                        hint={tr(lang, "apikey.name.hint")} required=true autocomplete="off" />
                    <TextField id="api-key-expires" label={tr(lang, "apikey.expires")} kind="date"
                        value={form.expires.clone()} oninput={f.input("expires_at", |f, v| f.expires = v)}
                        error={err("expires_at")} hint={tr(lang, "apikey.expires.hint")} />
                </div>
                <fieldset class="choices" id="api-key-scopes">
                    <legend>{ tr(lang, "apikey.scopes") }<span class="req">{ "*" }</span></legend>
                    <p class="hint">{ tr(lang, "apikey.scopes.hint") }</p>
                    <div class="scope-choices">
                    { for ApiScope::ALL.into_iter().map(|scope| {
                        let allowed = offered(&props.user, scope);
                        html! {
                            <label class={classes!("check", "scope-choice", (!allowed).then_some("disabled"))}>
                                <input type="checkbox" data-scope={scope.code()} disabled={!allowed}
                                       checked={form.scopes.contains(&scope)}
                                       onchange={toggle_scope(scope)} />
                                <span class="scope-text">
                                    <span class="scope-label">{ scope.label(lang) }</span>
                                    <span class="scope-code mono muted">{ scope.code() }</span>
                                    <span class="scope-desc muted">
                                        { scope.description(lang) }
                                        if !allowed {
                                            { " " }{ tr(lang, "apikey.scope.beyond") }
                                        }
                                    </span>
                                </span>
                            </label>
                        }
                    }) }
                    </div>
                    <FieldErrorLine error={err("scopes")} />
                </fieldset>
                <FieldErrorLine error={err("user")} />
                <div class="form-actions">
                    { f.submit("api-key-create", "apikey.create", "apikey.creating") }
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_the_end_of_the_local_day() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        // China: UTC+8, getTimezoneOffset() = -480.
        assert_eq!(
            end_of_day(day, -480).to_rfc3339(),
            "2027-03-01T15:59:59+00:00"
        );
        assert_eq!(end_of_day(day, 0).to_rfc3339(), "2027-03-01T23:59:59+00:00");
    }

    #[test]
    fn draft_checks_name_and_expiry() {
        let now = DateTime::parse_from_rfc3339("2027-03-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let blank = KeyDraft {
            name: " ".into(),
            ..KeyDraft::default()
        };
        assert_eq!(
            blank.errors(now).get("name").map(String::as_str),
            Some("blank")
        );
        let past = KeyDraft {
            name: "HIS".into(),
            expires: "2027-02-28".into(),
            ..KeyDraft::default()
        };
        assert_eq!(
            past.errors(now).get("expires_at").map(String::as_str),
            Some("past")
        );
        let ok = KeyDraft {
            name: "HIS".into(),
            expires: "2027-03-01".into(),
            scopes: vec![ApiScope::PatientsWrite],
        };
        assert!(ok.errors(now).is_empty());
        assert!(ok.create().expires_at.is_some());
        let never = KeyDraft {
            name: "HIS".into(),
            ..KeyDraft::default()
        };
        assert_eq!(never.create().expires_at, None);
        // Nothing ticked at first (least privilege): the admin must choose.
        assert_eq!(never.create().scopes, Some(vec![]));
        let none = KeyDraft {
            name: "HIS".into(),
            ..KeyDraft::default()
        };
        assert_eq!(
            none.errors(now).get("scopes").map(String::as_str),
            Some("required")
        );
    }
}
