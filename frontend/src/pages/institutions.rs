//! 机构 — institutions: list, search, create, edit (If-Match), deactivate (ORG-1).

use hcrm_domain::api::org::{Institution, InstitutionCreate, InstitutionUpdate};
use hcrm_domain::api::sensitive::default_break_glass_roles;
use hcrm_domain::{Label, Permission, Role};
use uuid::Uuid;
use validator::Validate;
use yew::prelude::*;

use crate::components::field::{FieldErrorLine, TextField};
use crate::components::form::{RecordDraft, use_record_form};
use crate::components::list::{
    Editing, active_label, active_param, page_head, use_editor, use_paged_list, use_search_text,
    yes_no,
};
use crate::forms;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::services::Api;
use crate::services::org;

pub use crate::components::list::confirm;

const PAGE_SIZE: i64 = 20;

/// Reads the active institutions to choose from (filters, forms) into `into`.
pub(crate) fn load_institutions(api: Api, into: UseStateHandle<Vec<Institution>>) {
    yew::platform::spawn_local(async move {
        if let Ok(items) = org::active_institutions(&api).await {
            into.set(items);
        }
    });
}

#[component]
pub fn InstitutionsPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let search = use_search_text();
    let inactive = use_state(|| false);
    let list = use_paged_list::<Institution>(
        org::INSTITUTIONS,
        vec![
            ("q", search.value()),
            ("active", active_param(*inactive)),
            ("sort", "code".into()),
        ],
        PAGE_SIZE,
    );
    let editor = use_editor::<Institution>();
    let can_write = session.can(Permission::InstitutionWrite);
    let on_done = editor.on_done(list.reloader(), |_| ());

    let row = |inst: &Institution| {
        html! {
            <tr data-id={inst.id.to_string()} class={classes!((!inst.active).then_some("inactive"))}>
                <td class="mono">{ &inst.code }</td>
                <td>{ &inst.name }</td>
                <td>{ &inst.city }</td>
                <td>{ yes_no(lang, inst.local) }</td>
                <td>{ inst.hotline.clone().unwrap_or_default() }</td>
                <td>{ inst.time_zone.clone() }</td>
                <td>{ active_label(lang, inst.active) }</td>
                <td class="actions">
                    if can_write {
                        <button class="btn btn-small" onclick={editor.open(Editing::Edit(inst.clone()))}>
                            { tr(lang, "common.edit") }
                        </button>
                        if inst.active {
                            <button class="btn btn-small btn-danger" onclick={list.deactivate(inst)}>
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
            { page_head(lang, "inst.title",
                can_write.then(|| ("institution-new", "inst.new", editor.open(Editing::New)))) }
            { list.banner() }
            { editor.notice() }
            { editor.form(|key, existing| html! {
                <InstitutionForm key={key} {existing} on_done={on_done.clone()} />
            }) }
            <form class="toolbar" onsubmit={list.on_search(&[&search])}>
                { search.with_button(lang, "institution-search") }
                { list.inactive_filter(&inactive) }
            </form>
            { list.table("institutions-table", &[
                "inst.code", "inst.name", "inst.city", "inst.local.short", "inst.hotline",
                "inst.time_zone", "common.status", "common.actions",
            ], row) }
            { list.pager() }
        </section>
    }
}

#[derive(Clone, PartialEq, Default)]
struct InstForm {
    code: String,
    name: String,
    city: String,
    local: bool,
    time_zone: String,
    address: String,
    hotline: String,
    /// X-6a: who may break the glass into this institution's records (editing only).
    break_glass_roles: Vec<Role>,
}

impl RecordDraft for InstForm {
    type Record = Institution;
    type Create = InstitutionCreate;
    type Update = InstitutionUpdate;
    const COLLECTION: &'static str = org::INSTITUTIONS;

    fn read(i: &Institution) -> InstForm {
        InstForm {
            code: i.code.clone(),
            name: i.name.clone(),
            city: i.city.clone(),
            local: i.local,
            time_zone: i.time_zone.clone(),
            address: i.address.clone().unwrap_or_default(),
            hotline: i.hotline.clone().unwrap_or_default(),
            break_glass_roles: i.break_glass_roles.clone(),
        }
    }

    fn create(&self) -> InstitutionCreate {
        InstitutionCreate {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            city: self.city.trim().to_string(),
            local: self.local,
            time_zone: forms::opt(&self.time_zone),
            address: forms::opt(&self.address),
            hotline: forms::opt(&self.hotline),
        }
    }

    fn update(&self, old: &Institution) -> InstitutionUpdate {
        let c = self.create();
        InstitutionUpdate {
            name: (c.name != old.name).then_some(c.name),
            city: (c.city != old.city).then_some(c.city),
            local: (c.local != old.local).then_some(c.local),
            time_zone: c.time_zone.filter(|tz| *tz != old.time_zone),
            address: (c.address != old.address).then_some(c.address),
            hotline: (c.hotline != old.hotline).then_some(c.hotline),
            active: None,
            break_glass_roles: {
                let (mut now, mut was) = (
                    self.break_glass_roles.clone(),
                    old.break_glass_roles.clone(),
                );
                now.sort();
                was.sort();
                (now != was).then_some(now)
            },
            version: None,
        }
    }
}

#[derive(Properties, PartialEq)]
struct InstitutionFormProps {
    existing: Option<Institution>,
    /// Called with the saved institution's id, or `None` on cancel.
    on_done: Callback<Option<Uuid>>,
}

#[component]
fn InstitutionForm(props: &InstitutionFormProps) -> Html {
    let lang = use_lang();
    let new = || InstForm {
        time_zone: "Asia/Shanghai".into(),
        local: true,
        ..InstForm::default()
    };
    let f = use_record_form(props.existing.clone(), new, props.on_done.clone());
    let editing = f.editing();
    let mut errors = forms::from_validation(f.draft.create().validate());
    if editing {
        errors.remove("code");
    }
    let shown = f.shown(&errors);
    let err = |field: &str| shown.get(field).cloned();
    let toggle_role = |role: Role| {
        f.checkbox(&["break_glass_roles"], move |f, on| {
            f.break_glass_roles.retain(|r| *r != role);
            if on {
                f.break_glass_roles.push(role);
                f.break_glass_roles.sort();
            }
        })
    };
    let form = &*f.draft;

    html! {
        <form class="panel form" id="institution-form" onsubmit={f.onsubmit(errors.is_empty())} novalidate=true>
            <h3>{ tr(lang, if editing { "inst.edit" } else { "inst.new" }) }</h3>
            { f.banner() }
            <div class="form-grid">
                <TextField id="institution-code" label={tr(lang, "inst.code")} value={form.code.clone()}
                    oninput={f.input("code", |f, v| f.code = v.to_ascii_uppercase())} error={err("code")}
                    hint={tr(lang, "inst.code.hint")} required=true disabled={editing} />
                <TextField id="institution-name" label={tr(lang, "inst.name")} value={form.name.clone()}
                    oninput={f.input("name", |f, v| f.name = v)} error={err("name")} required=true />
                <TextField id="institution-city" label={tr(lang, "inst.city")} value={form.city.clone()}
                    oninput={f.input("city", |f, v| f.city = v)} error={err("city")} required=true />
                <TextField id="institution-time-zone" label={tr(lang, "inst.time_zone")}
                    value={form.time_zone.clone()} oninput={f.input("time_zone", |f, v| f.time_zone = v)}
                    error={err("time_zone")} />
                <TextField id="institution-hotline" label={tr(lang, "inst.hotline")} value={form.hotline.clone()}
                    oninput={f.input("hotline", |f, v| f.hotline = v)} error={err("hotline")} kind="tel" />
                <TextField id="institution-address" label={tr(lang, "inst.address")} value={form.address.clone()}
                    oninput={f.input("address", |f, v| f.address = v)} error={err("address")} />
                <div class="field field-check">
                    <label class="check">
                        <input id="institution-local" type="checkbox" checked={form.local}
                               onchange={f.checkbox(&[], |f, v| f.local = v)} />
                        { tr(lang, "inst.local") }
                    </label>
                </div>
            </div>
            if editing {
                <fieldset class="choices" id="institution-break-glass-roles">
                    <legend>{ tr(lang, "inst.break_glass_roles") }</legend>
                    <p class="hint">{ tr(lang, "inst.break_glass_roles.hint") }</p>
                    { for default_break_glass_roles().iter().map(|r| html! {
                        <label class="check">
                            <input type="checkbox" data-role={r.code()} checked={form.break_glass_roles.contains(r)}
                                   onchange={toggle_role(*r)} />
                            { r.label(lang) }
                        </label>
                    }) }
                    <FieldErrorLine error={err("break_glass_roles")} />
                </fieldset>
            }
            { f.actions("institution-save") }
        </form>
    }
}
