//! 员工 — staff users: list, search, create, edit (If-Match), deactivate (ORG-4); the API keys
//! of integration users.

use hcrm_domain::api::org::{Institution, User, UserCreate, UserUpdate, scope_problem};
use hcrm_domain::{Label, Permission, Role};
use uuid::Uuid;
use validator::Validate;
use yew::prelude::*;

use crate::components::field::{FieldErrorLine, TextField};
use crate::components::form::{RecordDraft, use_record_form};
use crate::components::list::{
    Editing, active_label, active_param, confirm, page_head, use_editor, use_paged_list,
    use_search_text,
};
use crate::forms::{self, FieldErrors};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::api_keys::ApiKeysPanel;
use crate::pages::institutions::load_institutions;
use crate::services::org;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn UsersPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let search = use_search_text();
    let role = use_state(String::new);
    let inactive = use_state(|| false);
    let list = use_paged_list::<User>(
        org::USERS,
        vec![
            ("q", search.value()),
            ("role", (*role).clone()),
            ("active", active_param(*inactive)),
        ],
        PAGE_SIZE,
    );
    let editor = use_editor::<User>();
    // The integration user whose API keys are shown.
    let keys_of = use_state(|| None::<User>);
    let institutions = use_state(Vec::<Institution>::new);
    let can_write = session.can(Permission::UserWrite);
    let my_id = session.me().map(|m| m.id);

    {
        // The institutions a user may be given (the form's checkboxes).
        let (api, institutions) = (session.api.clone(), institutions.clone());
        use_effect_with((can_write, list.generation()), move |(can_write, _)| {
            if *can_write {
                load_institutions(api, institutions);
            }
        });
    }

    // Opening the form closes the API keys.
    let open = |what: Editing<User>| {
        let (open, keys_of) = (editor.open(what), keys_of.clone());
        Callback::from(move |e| {
            keys_of.set(None);
            open.emit(e)
        })
    };
    let on_done = {
        let api = session.api.clone();
        editor.on_done(list.reloader(), move |id| {
            if Some(id) == my_id {
                // The user changed their own record: refresh roles and permissions.
                let api = api.clone();
                yew::platform::spawn_local(async move { api.load_me().await });
            }
        })
    };
    let on_close_keys = {
        let keys_of = keys_of.clone();
        Callback::from(move |()| keys_of.set(None))
    };

    let row = |u: &User| {
        let on_keys = {
            let (editing, notice, keys_of, u) = (
                editor.editing.clone(),
                editor.notice.clone(),
                keys_of.clone(),
                u.clone(),
            );
            Callback::from(move |_| {
                notice.set(None);
                editing.set(Editing::Closed);
                keys_of.set(Some(u.clone()));
            })
        };
        let integration = u.roles.contains(&Role::Integration);
        // X-6c: a lost or new phone; the user sets two-factor sign-in up again.
        let on_totp_reset = {
            let (api, problem, notice) = (
                session.api.clone(),
                list.problem.clone(),
                editor.notice.clone(),
            );
            let id = u.id;
            Callback::from(move |_| {
                if !confirm(tr(lang, "totp.reset.confirm")) {
                    return;
                }
                let (api, problem, notice) = (api.clone(), problem.clone(), notice.clone());
                yew::platform::spawn_local(async move {
                    match org::reset_totp(&api, id).await {
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
                        <button class="btn btn-small" onclick={open(Editing::Edit(u.clone()))}>
                            { tr(lang, "common.edit") }
                        </button>
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
                            <button class="btn btn-small btn-danger" onclick={list.deactivate(u)}>
                                { tr(lang, "common.deactivate") }
                            </button>
                        }
                    }
                </td>
            </tr>
        }
    };

    html! {
        <section class="page">
            { page_head(lang, "user.title", can_write.then(|| ("user-new", "user.new", open(Editing::New)))) }
            { list.banner() }
            { editor.notice() }
            { editor.form(|key, existing| html! {
                <UserForm key={key} {existing} institutions={(*institutions).clone()}
                          on_done={on_done.clone()} />
            }) }
            if let Some(u) = &*keys_of {
                <ApiKeysPanel key={u.id.to_string()} user={u.clone()} on_close={on_close_keys} />
            }
            <form class="toolbar" onsubmit={list.on_search(&[&search])}>
                { search.with_button(lang, "user-search") }
                <select id="user-role-filter" onchange={list.select_filter(&role)} title={tr(lang, "user.role_filter")}>
                    <option value="" selected={role.is_empty()}>{ tr(lang, "common.all") }</option>
                    { for Role::ALL.iter().map(|r| html! {
                        <option value={r.code()} selected={*role == r.code()}>{ r.label(lang) }</option>
                    }) }
                </select>
                { list.inactive_filter(&inactive) }
            </form>
            { list.table("users-table", &[
                "user.username", "user.display_name", "user.phone", "user.roles",
                "user.institutions", "common.status", "common.actions",
            ], row) }
            { list.pager() }
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

impl RecordDraft for UserDraft {
    type Record = User;
    type Create = UserCreate;
    type Update = UserUpdate;
    const COLLECTION: &'static str = org::USERS;

    fn read(u: &User) -> UserDraft {
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
}

impl UserDraft {
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
    let lang = use_lang();
    let f = use_record_form(
        props.existing.clone(),
        UserDraft::default,
        props.on_done.clone(),
    );
    let editing = f.editing();
    let errors = f.draft.errors(editing);
    let shown = f.shown(&errors);
    let err = |field: &str| shown.get(field).cloned();
    let toggle_role = |role: Role| {
        f.checkbox(&["roles", "group_wide"], move |f, on| {
            f.roles.retain(|r| *r != role);
            if on {
                f.roles.push(role);
                f.roles.sort();
            }
        })
    };
    let toggle_institution = |id: Uuid| {
        f.checkbox(&["institution_ids"], move |f, on| {
            f.institution_ids.retain(|i| *i != id);
            if on {
                f.institution_ids.push(id);
            }
        })
    };
    let on_group_wide = f.checkbox(&["group_wide", "institution_ids"], |f, on| {
        f.group_wide = on
    });
    let form = &*f.draft;

    html! {
        <form class="panel form" id="user-form" onsubmit={f.onsubmit(errors.is_empty())} novalidate=true autocomplete="off">
            <h3>{ tr(lang, if editing { "user.edit" } else { "user.new" }) }</h3>
            { f.banner() }
            <div class="form-grid">
                <TextField id="user-username" label={tr(lang, "user.username")} value={form.username.clone()}
                    oninput={f.input("username", |f, v| f.username = v.to_ascii_lowercase())} error={err("username")}
                    hint={tr(lang, "user.username.hint")} required=true disabled={editing}
                    autocomplete="off" />
                <TextField id="user-display-name" label={tr(lang, "user.display_name")}
                    value={form.display_name.clone()} oninput={f.input("display_name", |f, v| f.display_name = v)}
                    error={err("display_name")} required=true />
                <TextField id="user-password" label={tr(lang, "user.password")} value={form.password.clone()}
                    oninput={f.input("password", |f, v| f.password = v)} error={err("password")} kind="password"
                    hint={tr(lang, if editing { "user.password.keep" } else { "user.password.hint" })}
                    required={!editing} autocomplete="new-password" />
                <TextField id="user-phone" label={tr(lang, "user.phone")} value={form.phone.clone()}
                    oninput={f.input("phone", |f, v| f.phone = v)} error={err("phone")} kind="tel" />
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
            { f.actions("user-save") }
        </form>
    }
}
