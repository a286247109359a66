//! 员工 — staff users: list, search, create, edit (If-Match), deactivate (ORG-4); the API keys
//! of integration users.

use hcrm_domain::api::org::{Institution, User, UserCreate, UserUpdate, scope_problem};
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::{Label, Permission, Role};
use uuid::Uuid;
use validator::Validate;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::field::{FieldErrorLine, TextField};
use crate::components::pager::Pager;
use crate::forms::{self, FieldErrors, is_stale};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::api_keys::ApiKeysPanel;
use crate::pages::institutions::{active_label, confirm};
use crate::services::query;

const PAGE_SIZE: i64 = 20;

#[derive(Clone, PartialEq)]
enum Editing {
    None,
    New,
    Edit(User),
}

#[component]
pub fn UsersPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let search = use_state(String::new);
    let applied = use_state(String::new);
    let role = use_state(String::new);
    let inactive = use_state(|| false);
    let offset = use_state(|| 0_i64);
    let reload = use_state(|| 0_u32);
    let page = use_state(|| None::<Page<User>>);
    let problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
    let editing = use_state(|| Editing::None);
    // The integration user whose API keys are shown.
    let keys_of = use_state(|| None::<User>);
    let institutions = use_state(Vec::<Institution>::new);
    let can_write = session.can(Permission::UserWrite);
    let my_id = session.me().map(|m| m.id);

    {
        let (api, page, problem) = (session.api.clone(), page.clone(), problem.clone());
        let deps = (
            (*applied).clone(),
            (*role).clone(),
            *inactive,
            *offset,
            *reload,
        );
        use_effect_with(deps, move |(q, role, inactive, offset, _)| {
            let path = format!(
                "/users{}",
                query(&[
                    ("q", q.clone()),
                    ("role", role.clone()),
                    (
                        "active",
                        if *inactive {
                            String::new()
                        } else {
                            "true".into()
                        }
                    ),
                    ("limit", PAGE_SIZE.to_string()),
                    ("offset", offset.to_string()),
                ])
            );
            yew::platform::spawn_local(async move {
                match api.get::<Page<User>>(&path).await {
                    Ok(p) => page.set(Some(p)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    {
        // The institutions a user may be given (the form's checkboxes).
        let (api, institutions) = (session.api.clone(), institutions.clone());
        use_effect_with((can_write, *reload), move |(can_write, _)| {
            if *can_write {
                yew::platform::spawn_local(async move {
                    let path = "/institutions?active=true&sort=code&limit=200";
                    if let Ok(p) = api.get::<Page<Institution>>(path).await {
                        institutions.set(p.items);
                    }
                });
            }
        });
    }

    let on_search_input = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            search.set(input.value());
        })
    };
    let on_search = {
        let (search, applied, offset) = (search.clone(), applied.clone(), offset.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set(search.trim().to_string());
            offset.set(0);
        })
    };
    let on_role = {
        let (role, offset) = (role.clone(), offset.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            role.set(select.value());
            offset.set(0);
        })
    };
    let on_inactive = {
        let (inactive, offset) = (inactive.clone(), offset.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            inactive.set(input.checked());
            offset.set(0);
        })
    };
    let on_new = {
        let (editing, notice, keys_of) = (editing.clone(), notice.clone(), keys_of.clone());
        Callback::from(move |_| {
            notice.set(None);
            keys_of.set(None);
            editing.set(Editing::New);
        })
    };
    let on_done = {
        let (editing, reload, notice) = (editing.clone(), reload.clone(), notice.clone());
        let api = session.api.clone();
        Callback::from(move |saved: Option<Uuid>| {
            editing.set(Editing::None);
            if let Some(id) = saved {
                notice.set(Some(tr(lang, "common.saved").into()));
                reload.set(*reload + 1);
                if Some(id) == my_id {
                    // The user changed their own record: refresh roles and permissions.
                    let api = api.clone();
                    yew::platform::spawn_local(async move { api.load_me().await });
                }
            }
        })
    };
    let on_close_keys = {
        let keys_of = keys_of.clone();
        Callback::from(move |()| keys_of.set(None))
    };
    let on_offset = {
        let offset = offset.clone();
        Callback::from(move |o| offset.set(o))
    };

    let rows: Html = match &*page {
        None => html! { <tr><td colspan="7" class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(p) if p.items.is_empty() => {
            html! { <tr><td colspan="7" class="muted">{ tr(lang, "common.empty") }</td></tr> }
        }
        Some(p) => p
            .items
            .iter()
            .map(|u| {
                let on_edit = {
                    let (editing, notice, keys_of, u) =
                        (editing.clone(), notice.clone(), keys_of.clone(), u.clone());
                    Callback::from(move |_| {
                        notice.set(None);
                        keys_of.set(None);
                        editing.set(Editing::Edit(u.clone()));
                    })
                };
                let on_keys = {
                    let (editing, notice, keys_of, u) =
                        (editing.clone(), notice.clone(), keys_of.clone(), u.clone());
                    Callback::from(move |_| {
                        notice.set(None);
                        editing.set(Editing::None);
                        keys_of.set(Some(u.clone()));
                    })
                };
                let integration = u.roles.contains(&Role::Integration);
                let on_deactivate = {
                    let (api, reload, problem) =
                        (session.api.clone(), reload.clone(), problem.clone());
                    let (id, version) = (u.id, u.version);
                    Callback::from(move |_| {
                        if !confirm(tr(lang, "common.deactivate.confirm")) {
                            return;
                        }
                        let (api, reload, problem) = (api.clone(), reload.clone(), problem.clone());
                        yew::platform::spawn_local(async move {
                            let path = format!("/users/{id}/deactivate");
                            match api.post_empty::<serde_json::Value>(&path, Some(version)).await {
                                Ok(_) => {
                                    problem.set(None);
                                    reload.set(*reload + 1);
                                }
                                Err(p) => problem.set(Some(p)),
                            }
                        });
                    })
                };
                // X-6c: a lost or new phone; the user sets two-factor sign-in up again.
                let on_totp_reset = {
                    let (api, problem, notice) =
                        (session.api.clone(), problem.clone(), notice.clone());
                    let id = u.id;
                    Callback::from(move |_| {
                        if !confirm(tr(lang, "totp.reset.confirm")) {
                            return;
                        }
                        let (api, problem, notice) = (api.clone(), problem.clone(), notice.clone());
                        yew::platform::spawn_local(async move {
                            let path = format!("/users/{id}/totp/reset");
                            match api.post_empty::<()>(&path, None).await {
                                Ok(()) => {
                                    problem.set(None);
                                    notice.set(Some(tr(lang, "totp.reset.done").into()));
                                }
                                Err(p) => {
                                    notice.set(None);
                                    problem.set(Some(p));
                                }
                            }
                        });
                    })
                };
                let scope: Html = if u.group_wide {
                    html! { <span class="tag tag-strong">{ tr(lang, "user.group_wide.short") }</span> }
                } else {
                    u.institutions
                        .iter()
                        .map(|i| html! { <span class="tag" title={i.name.clone()}>{ &i.code }</span> })
                        .collect()
                };
                html! {
                    <tr data-id={u.id.to_string()} data-username={u.username.clone()}
                        class={classes!((!u.active).then_some("inactive"))}>
                        <td class="mono">{ &u.username }</td>
                        <td>{ &u.display_name }</td>
                        <td>{ u.phone.clone().unwrap_or_default() }</td>
                        <td>{ for u.roles.iter().map(|r| html! {
                            <span class="tag" data-role={r.code()}>{ r.label(lang) }</span>
                        }) }</td>
                        <td>{ scope }</td>
                        <td>{ active_label(lang, u.active) }</td>
                        <td class="actions">
                            if can_write {
                                <button class="btn btn-small" onclick={on_edit}>{ tr(lang, "common.edit") }</button>
                                if integration {
                                    <button class="btn btn-small" data-api-keys={u.id.to_string()}
                                            onclick={on_keys}>
                                        { tr(lang, "apikey.title") }
                                    </button>
                                }
                                if Some(u.id) != my_id {
                                    <button class="btn btn-small" data-totp-reset={u.id.to_string()}
                                            onclick={on_totp_reset}>
                                        { tr(lang, "totp.reset") }
                                    </button>
                                }
                                if u.active && Some(u.id) != my_id {
                                    <button class="btn btn-small btn-danger" onclick={on_deactivate}>
                                        { tr(lang, "common.deactivate") }
                                    </button>
                                }
                            }
                        </td>
                    </tr>
                }
            })
            .collect(),
    };

    html! {
        <section class="page">
            <div class="page-head">
                <h2>{ tr(lang, "user.title") }</h2>
                if can_write {
                    <button id="user-new" class="btn btn-primary" onclick={on_new}>
                        { tr(lang, "user.new") }
                    </button>
                }
            </div>
            <ErrorBanner problem={(*problem).clone()} />
            <Notice text={(*notice).clone()} />
            {
                match &*editing {
                    Editing::None => html! {},
                    Editing::New => html! {
                        <UserForm existing={None::<User>} institutions={(*institutions).clone()}
                                  on_done={on_done.clone()} />
                    },
                    Editing::Edit(u) => html! {
                        <UserForm key={u.id.to_string()} existing={Some(u.clone())}
                                  institutions={(*institutions).clone()} on_done={on_done.clone()} />
                    },
                }
            }
            if let Some(u) = &*keys_of {
                <ApiKeysPanel key={u.id.to_string()} user={u.clone()} on_close={on_close_keys} />
            }
            <form class="toolbar" onsubmit={on_search}>
                <input id="user-search" type="search" value={(*search).clone()}
                       placeholder={tr(lang, "common.search.placeholder")} oninput={on_search_input} />
                <button type="submit" class="btn">{ tr(lang, "common.search") }</button>
                <select id="user-role-filter" onchange={on_role} title={tr(lang, "user.role_filter")}>
                    <option value="" selected={role.is_empty()}>{ tr(lang, "common.all") }</option>
                    { for Role::ALL.iter().map(|r| html! {
                        <option value={r.code()} selected={*role == r.code()}>{ r.label(lang) }</option>
                    }) }
                </select>
                <label class="check">
                    <input type="checkbox" checked={*inactive} onchange={on_inactive} />
                    { tr(lang, "common.show_inactive") }
                </label>
            </form>
            <table id="users-table" class="grid">
                <thead><tr>
                    <th>{ tr(lang, "user.username") }</th>
                    <th>{ tr(lang, "user.display_name") }</th>
                    <th>{ tr(lang, "user.phone") }</th>
                    <th>{ tr(lang, "user.roles") }</th>
                    <th>{ tr(lang, "user.institutions") }</th>
                    <th>{ tr(lang, "common.status") }</th>
                    <th>{ tr(lang, "common.actions") }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
            if let Some(p) = &*page {
                <Pager total={p.total} limit={PAGE_SIZE} offset={*offset} {on_offset} />
            }
        </section>
    }
}

#[derive(Clone, PartialEq, Default)]
struct UserDraft {
    username: String,
    display_name: String,
    password: String,
    phone: String,
    roles: Vec<Role>,
    institution_ids: Vec<Uuid>,
    group_wide: bool,
}

impl UserDraft {
    fn from(u: &User) -> UserDraft {
        UserDraft {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            password: String::new(),
            phone: u.phone.clone().unwrap_or_default(),
            roles: u.roles.clone(),
            institution_ids: u.institutions.iter().map(|i| i.id).collect(),
            group_wide: u.group_wide,
        }
    }

    fn create(&self) -> UserCreate {
        UserCreate {
            username: self.username.trim().to_string(),
            display_name: self.display_name.trim().to_string(),
            password: self.password.clone(),
            phone: forms::opt(&self.phone),
            roles: self.roles.clone(),
            institution_ids: self.institution_ids.clone(),
            group_wide: self.group_wide,
            supervisor_id: None,
            department_id: None,
        }
    }

    fn update(&self, old: &User) -> UserUpdate {
        let c = self.create();
        let old_institutions: Vec<Uuid> = old.institutions.iter().map(|i| i.id).collect();
        UserUpdate {
            display_name: (c.display_name != old.display_name).then_some(c.display_name),
            password: (!c.password.is_empty()).then_some(c.password),
            phone: (c.phone != old.phone).then_some(c.phone),
            roles: (c.roles != old.roles).then_some(c.roles),
            institution_ids: (c.institution_ids != old_institutions).then_some(c.institution_ids),
            group_wide: (c.group_wide != old.group_wide).then_some(c.group_wide),
            ..UserUpdate::default()
        }
    }

    /// Live checks: the derive's rules plus the role/scope combination.
    fn errors(&self, editing: bool) -> FieldErrors {
        let mut errors = forms::from_validation(self.create().validate());
        if editing {
            errors.remove("username");
            if self.password.is_empty() {
                errors.remove("password");
            }
        }
        if self.roles.is_empty() {
            errors.insert("roles".into(), "required".into());
        }
        if let Some((field, _)) =
            scope_problem(&self.roles, self.group_wide, self.institution_ids.len())
        {
            errors.insert(field.into(), field.into());
        }
        errors
    }
}

#[derive(Properties, PartialEq)]
struct UserFormProps {
    existing: Option<User>,
    institutions: Vec<Institution>,
    /// The saved user's id, or `None` on cancel.
    on_done: Callback<Option<Uuid>>,
}

#[component]
fn UserForm(props: &UserFormProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    // The record as last read: its version goes into If-Match; replaced after a stale write.
    let base = use_state(|| props.existing.clone());
    let existing = (*base).clone();
    let form = use_state(|| existing.as_ref().map(UserDraft::from).unwrap_or_default());
    let touched = use_state(Vec::<&'static str>::new);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let server_errors = use_state(FieldErrors::new);

    let errors = form.errors(existing.is_some());
    let mut shown = forms::visible(&errors, &touched, *submitted);
    for (f, c) in server_errors.iter() {
        shown.entry(f.clone()).or_insert_with(|| c.clone());
    }
    let err = |f: &str| shown.get(f).cloned();

    let input = |field: &'static str, apply: fn(&mut UserDraft, String)| {
        let server_errors = server_errors.clone();
        let cb = forms::text_input(form.clone(), touched.clone(), field, apply);
        Callback::from(move |e: InputEvent| {
            if server_errors.contains_key(field) {
                let mut s = (*server_errors).clone();
                s.remove(field);
                server_errors.set(s);
            }
            cb.emit(e)
        })
    };
    let toggle_role = |role: Role| {
        let (form, touched) = (form.clone(), touched.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.roles.retain(|r| *r != role);
            if input.checked() {
                next.roles.push(role);
                next.roles.sort();
            }
            form.set(next);
            forms::touch(&touched, "roles");
            forms::touch(&touched, "group_wide");
        })
    };
    let toggle_institution = |id: Uuid| {
        let (form, touched) = (form.clone(), touched.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.institution_ids.retain(|i| *i != id);
            if input.checked() {
                next.institution_ids.push(id);
            }
            form.set(next);
            forms::touch(&touched, "institution_ids");
        })
    };
    let on_group_wide = {
        let (form, touched) = (form.clone(), touched.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.group_wide = input.checked();
            form.set(next);
            forms::touch(&touched, "group_wide");
            forms::touch(&touched, "institution_ids");
        })
    };

    let onsubmit = {
        let (form, submitted, busy, problem, server_errors) = (
            form.clone(),
            submitted.clone(),
            busy.clone(),
            problem.clone(),
            server_errors.clone(),
        );
        let (api, on_done, existing) =
            (session.api.clone(), props.on_done.clone(), existing.clone());
        let base = base.clone();
        let valid = errors.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            if !valid || *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (form_handle, base) = (form.clone(), base.clone());
            let (form, busy, problem, server_errors, api, on_done, existing) = (
                (*form).clone(),
                busy.clone(),
                problem.clone(),
                server_errors.clone(),
                api.clone(),
                on_done.clone(),
                existing.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = match &existing {
                    None => api.post::<User, _>("/users", &form.create()).await,
                    Some(old) => {
                        let path = format!("/users/{}", old.id);
                        api.patch::<User, _>(&path, old.version, &form.update(old))
                            .await
                    }
                };
                busy.set(false);
                match result {
                    Ok(u) => on_done.emit(Some(u.id)),
                    Err(p) => {
                        if let (true, Some(old)) = (is_stale(&p), &existing) {
                            // Someone saved first: show their version so the user can redo the edit.
                            let path = format!("/users/{}", old.id);
                            if let Ok(latest) = api.get::<User>(&path).await {
                                form_handle.set(UserDraft::from(&latest));
                                base.set(Some(latest));
                            }
                        }
                        // Duplicates (409) and validation problems name their fields.
                        server_errors.set(forms::from_problem(&p));
                        problem.set(Some(p));
                    }
                }
            });
        })
    };
    let on_cancel = {
        let on_done = props.on_done.clone();
        Callback::from(move |_| on_done.emit(None))
    };
    let editing = existing.is_some();
    let title = if editing { "user.edit" } else { "user.new" };

    html! {
        <form class="panel form" id="user-form" {onsubmit} novalidate=true autocomplete="off">
            <h3>{ tr(lang, title) }</h3>
            <ErrorBanner problem={(*problem).clone()} />
            <div class="form-grid">
                <TextField id="user-username" label={tr(lang, "user.username")} value={form.username.clone()}
                    oninput={input("username", |f, v| f.username = v.to_ascii_lowercase())} error={err("username")}
                    hint={tr(lang, "user.username.hint")} required=true disabled={editing}
                    autocomplete="off" />
                <TextField id="user-display-name" label={tr(lang, "user.display_name")}
                    value={form.display_name.clone()} oninput={input("display_name", |f, v| f.display_name = v)}
                    error={err("display_name")} required=true />
                <TextField id="user-password" label={tr(lang, "user.password")} value={form.password.clone()}
                    oninput={input("password", |f, v| f.password = v)} error={err("password")} kind="password"
                    hint={tr(lang, if editing { "user.password.keep" } else { "user.password.hint" })}
                    required={!editing} autocomplete="new-password" />
                <TextField id="user-phone" label={tr(lang, "user.phone")} value={form.phone.clone()}
                    oninput={input("phone", |f, v| f.phone = v)} error={err("phone")} kind="tel" />
            </div>
            <fieldset class="choices" id="user-roles">
                <legend>{ tr(lang, "user.roles") }<span class="req">{ "*" }</span></legend>
                { for Role::ALL.iter().map(|r| html! {
                    <label class="check">
                        <input type="checkbox" data-role={r.code()} checked={form.roles.contains(r)}
                               onchange={toggle_role(*r)} />
                        { r.label(lang) }
                    </label>
                }) }
                <FieldErrorLine error={err("roles")} />
            </fieldset>
            <fieldset class="choices" id="user-institutions">
                <legend>{ tr(lang, "user.institutions") }</legend>
                <label class="check check-strong">
                    <input id="user-group-wide" type="checkbox" checked={form.group_wide}
                           onchange={on_group_wide} />
                    { tr(lang, "user.group_wide") }
                </label>
                <FieldErrorLine error={err("group_wide")} />
                <div class="choice-list">
                    { for props.institutions.iter().map(|i| html! {
                        <label class="check">
                            <input type="checkbox" data-institution={i.code.clone()}
                                   checked={form.institution_ids.contains(&i.id)}
                                   onchange={toggle_institution(i.id)} />
                            <span class="mono">{ &i.code }</span>{ " " }{ &i.name }
                        </label>
                    }) }
                </div>
                <FieldErrorLine error={err("institution_ids")} />
            </fieldset>
            <div class="form-actions">
                <button id="user-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { tr(lang, "common.saving") } else { tr(lang, "common.save") } }
                </button>
                <button type="button" class="btn" onclick={on_cancel}>{ tr(lang, "common.cancel") }</button>
            </div>
        </form>
    }
}
