//! 科室与专家 — departments per institution (create, edit, deactivate) and their doctors
//! (read-only here) (ORG-2).

use hcrm_domain::api::org::{
    Department, DepartmentCreate, DepartmentUpdate, Doctor, DoctorCreate, DoctorUpdate, HalfDay,
    Institution, ScheduleSlot,
};
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::{Label, Lang, Permission};
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
use crate::pages::institutions::{active_label, confirm};
use crate::services::query;

const PAGE_SIZE: i64 = 20;

#[derive(Clone, PartialEq)]
enum Editing {
    None,
    New,
    Edit(Department),
}

#[component]
pub fn DepartmentsPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let institutions = use_state(Vec::<Institution>::new);
    let institution = use_state(String::new);
    let search = use_state(String::new);
    let applied = use_state(String::new);
    let offset = use_state(|| 0_i64);
    let reload = use_state(|| 0_u32);
    let page = use_state(|| None::<Page<Department>>);
    let problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
    let editing = use_state(|| Editing::None);
    let doctors_of = use_state(|| None::<Department>);
    let can_write = session.can(Permission::DepartmentWrite);

    {
        let (api, institutions) = (session.api.clone(), institutions.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let path = "/institutions?active=true&sort=code&limit=200";
                if let Ok(p) = api.get::<Page<Institution>>(path).await {
                    institutions.set(p.items);
                }
            });
        });
    }
    {
        let (api, page, problem) = (session.api.clone(), page.clone(), problem.clone());
        let deps = ((*institution).clone(), (*applied).clone(), *offset, *reload);
        use_effect_with(deps, move |(inst, q, offset, _)| {
            let path = format!(
                "/departments{}",
                query(&[
                    ("institution_id", inst.clone()),
                    ("q", q.clone()),
                    ("limit", PAGE_SIZE.to_string()),
                    ("offset", offset.to_string()),
                ])
            );
            yew::platform::spawn_local(async move {
                match api.get::<Page<Department>>(&path).await {
                    Ok(p) => page.set(Some(p)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }

    let on_institution = {
        let (institution, offset, doctors_of) =
            (institution.clone(), offset.clone(), doctors_of.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            institution.set(select.value());
            offset.set(0);
            doctors_of.set(None);
        })
    };
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
    let on_new = {
        let (editing, notice) = (editing.clone(), notice.clone());
        Callback::from(move |_| {
            notice.set(None);
            editing.set(Editing::New);
        })
    };
    let on_done = {
        let (editing, reload, notice) = (editing.clone(), reload.clone(), notice.clone());
        Callback::from(move |saved: bool| {
            editing.set(Editing::None);
            if saved {
                notice.set(Some(tr(lang, "common.saved").into()));
                reload.set(*reload + 1);
            }
        })
    };
    let on_offset = {
        let offset = offset.clone();
        Callback::from(move |o| offset.set(o))
    };
    let institution_code = |id: Uuid| {
        institutions
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.code.clone())
            .unwrap_or_default()
    };

    let rows: Html = match &*page {
        None => html! { <tr><td colspan="6" class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(p) if p.items.is_empty() => {
            html! { <tr><td colspan="6" class="muted">{ tr(lang, "common.empty") }</td></tr> }
        }
        Some(p) => p
            .items
            .iter()
            .map(|d| {
                let on_edit = {
                    let (editing, notice, d) = (editing.clone(), notice.clone(), d.clone());
                    Callback::from(move |_| {
                        notice.set(None);
                        editing.set(Editing::Edit(d.clone()));
                    })
                };
                let on_doctors = {
                    let (doctors_of, d) = (doctors_of.clone(), d.clone());
                    Callback::from(move |_| doctors_of.set(Some(d.clone())))
                };
                let on_deactivate = {
                    let (api, reload, problem) =
                        (session.api.clone(), reload.clone(), problem.clone());
                    let (id, version) = (d.id, d.version);
                    Callback::from(move |_| {
                        if !confirm(tr(lang, "common.deactivate.confirm")) {
                            return;
                        }
                        let (api, reload, problem) = (api.clone(), reload.clone(), problem.clone());
                        yew::platform::spawn_local(async move {
                            let path = format!("/departments/{id}/deactivate");
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
                html! {
                    <tr data-id={d.id.to_string()} class={classes!((!d.active).then_some("inactive"))}>
                        <td class="mono">{ institution_code(d.institution_id) }</td>
                        <td>{ &d.name }</td>
                        <td class="mono">{ d.code.clone().unwrap_or_default() }</td>
                        <td>{ d.phone.clone().unwrap_or_default() }</td>
                        <td>{ active_label(lang, d.active) }</td>
                        <td class="actions">
                            <button class="btn btn-small" onclick={on_doctors}>{ tr(lang, "dept.doctors") }</button>
                            if can_write {
                                <button class="btn btn-small" onclick={on_edit}>{ tr(lang, "common.edit") }</button>
                                if d.active {
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
                <h2>{ tr(lang, "dept.title") }</h2>
                if can_write {
                    <button id="department-new" class="btn btn-primary" onclick={on_new}>
                        { tr(lang, "dept.new") }
                    </button>
                }
            </div>
            <ErrorBanner problem={(*problem).clone()} />
            <Notice text={(*notice).clone()} />
            {
                match &*editing {
                    Editing::None => html! {},
                    Editing::New => html! {
                        <DepartmentForm existing={None::<Department>} institutions={(*institutions).clone()}
                            preset={(*institution).clone()} on_done={on_done.clone()} />
                    },
                    Editing::Edit(d) => html! {
                        <DepartmentForm key={d.id.to_string()} existing={Some(d.clone())}
                            institutions={(*institutions).clone()} preset={String::new()}
                            on_done={on_done.clone()} />
                    },
                }
            }
            <form class="toolbar" onsubmit={on_search}>
                <select id="department-institution-filter" onchange={on_institution}>
                    <option value="" selected={institution.is_empty()}>{ tr(lang, "common.all") }</option>
                    { for institutions.iter().map(|i| html! {
                        <option value={i.id.to_string()} selected={*institution == i.id.to_string()}>
                            { format!("{} {}", i.code, i.name) }
                        </option>
                    }) }
                </select>
                <input id="department-search" type="search" value={(*search).clone()}
                       placeholder={tr(lang, "common.search.placeholder")} oninput={on_search_input} />
                <button type="submit" class="btn">{ tr(lang, "common.search") }</button>
            </form>
            <table id="departments-table" class="grid">
                <thead><tr>
                    <th>{ tr(lang, "dept.institution") }</th>
                    <th>{ tr(lang, "dept.name") }</th>
                    <th>{ tr(lang, "dept.code") }</th>
                    <th>{ tr(lang, "dept.phone") }</th>
                    <th>{ tr(lang, "common.status") }</th>
                    <th>{ tr(lang, "common.actions") }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
            if let Some(p) = &*page {
                <Pager total={p.total} limit={PAGE_SIZE} offset={*offset} {on_offset} />
            }
            if let Some(d) = &*doctors_of {
                <Doctors key={d.id.to_string()} department={d.clone()} />
            }
        </section>
    }
}

#[derive(Clone, PartialEq, Default)]
struct DeptForm {
    institution_id: String,
    name: String,
    code: String,
    phone: String,
}

impl DeptForm {
    fn from(d: &Department) -> DeptForm {
        DeptForm {
            institution_id: d.institution_id.to_string(),
            name: d.name.clone(),
            code: d.code.clone().unwrap_or_default(),
            phone: d.phone.clone().unwrap_or_default(),
        }
    }

    fn create(&self) -> Option<DepartmentCreate> {
        Some(DepartmentCreate {
            institution_id: self.institution_id.parse().ok()?,
            name: self.name.trim().to_string(),
            code: forms::opt(&self.code),
            phone: forms::opt(&self.phone),
        })
    }

    fn errors(&self) -> FieldErrors {
        match self.create() {
            Some(c) => forms::from_validation(c.validate()),
            None => {
                // Validate the rest with a placeholder institution so every field is checked.
                let c = DepartmentCreate {
                    institution_id: Uuid::nil(),
                    name: self.name.trim().to_string(),
                    code: forms::opt(&self.code),
                    phone: forms::opt(&self.phone),
                };
                let mut e = forms::from_validation(c.validate());
                e.insert("institution_id".into(), "required".into());
                e
            }
        }
    }

    fn update(&self, old: &Department) -> DepartmentUpdate {
        let name = self.name.trim().to_string();
        let (code, phone) = (forms::opt(&self.code), forms::opt(&self.phone));
        DepartmentUpdate {
            name: (name != old.name).then_some(name),
            code: (code != old.code).then_some(code),
            phone: (phone != old.phone).then_some(phone),
            ..DepartmentUpdate::default()
        }
    }
}

#[derive(Properties, PartialEq)]
struct DepartmentFormProps {
    existing: Option<Department>,
    institutions: Vec<Institution>,
    /// The institution chosen in the filter, preselected for a new department.
    preset: String,
    on_done: Callback<bool>,
}

#[component]
fn DepartmentForm(props: &DepartmentFormProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    // The record as last read: its version goes into If-Match; replaced after a stale write.
    let base = use_state(|| props.existing.clone());
    let existing = (*base).clone();
    let form = use_state(|| match &existing {
        Some(d) => DeptForm::from(d),
        None => DeptForm {
            institution_id: props.preset.clone(),
            ..DeptForm::default()
        },
    });
    let touched = use_state(Vec::<&'static str>::new);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let server_errors = use_state(FieldErrors::new);

    let errors = form.errors();
    let mut shown = forms::visible(&errors, &touched, *submitted);
    for (f, c) in server_errors.iter() {
        shown.entry(f.clone()).or_insert_with(|| c.clone());
    }
    let err = |f: &str| shown.get(f).cloned();
    let input = |field: &'static str, apply: fn(&mut DeptForm, String)| {
        forms::text_input(form.clone(), touched.clone(), field, apply)
    };
    let on_institution = {
        let (form, touched) = (form.clone(), touched.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.institution_id = select.value();
            form.set(next);
            forms::touch(&touched, "institution_id");
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
            let Some(create) = form.create() else {
                return;
            };
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
                    None => api.post::<Department, _>("/departments", &create).await,
                    Some(old) => {
                        let path = format!("/departments/{}", old.id);
                        api.patch::<Department, _>(&path, old.version, &form.update(old))
                            .await
                    }
                };
                busy.set(false);
                match result {
                    Ok(_) => on_done.emit(true),
                    Err(p) => {
                        if let (true, Some(old)) = (is_stale(&p), &existing) {
                            // Someone saved first: show their version so the user can redo the edit.
                            let path = format!("/departments/{}", old.id);
                            if let Ok(latest) = api.get::<Department>(&path).await {
                                form_handle.set(DeptForm::from(&latest));
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
        Callback::from(move |_| on_done.emit(false))
    };
    let editing = existing.is_some();

    html! {
        <form class="panel form" id="department-form" {onsubmit} novalidate=true>
            <h3>{ tr(lang, if editing { "dept.edit" } else { "dept.new" }) }</h3>
            <ErrorBanner problem={(*problem).clone()} />
            <div class="form-grid">
                <div class={classes!("field", err("institution_id").is_some().then_some("has-error"))}>
                    <label for="department-institution">
                        { tr(lang, "dept.institution") }<span class="req">{ "*" }</span>
                    </label>
                    <select id="department-institution" onchange={on_institution} disabled={editing}>
                        <option value="" selected={form.institution_id.is_empty()}>
                            { tr(lang, "dept.choose_institution") }
                        </option>
                        { for props.institutions.iter().map(|i| html! {
                            <option value={i.id.to_string()} selected={form.institution_id == i.id.to_string()}>
                                { format!("{} {}", i.code, i.name) }
                            </option>
                        }) }
                    </select>
                    <FieldErrorLine error={err("institution_id")} />
                </div>
                <TextField id="department-name" label={tr(lang, "dept.name")} value={form.name.clone()}
                    oninput={input("name", |f, v| f.name = v)} error={err("name")} required=true />
                <TextField id="department-code" label={tr(lang, "dept.code")} value={form.code.clone()}
                    oninput={input("code", |f, v| f.code = v)} error={err("code")} />
                <TextField id="department-phone" label={tr(lang, "dept.phone")} value={form.phone.clone()}
                    oninput={input("phone", |f, v| f.phone = v)} error={err("phone")} kind="tel" />
            </div>
            <div class="form-actions">
                <button id="department-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { tr(lang, "common.saving") } else { tr(lang, "common.save") } }
                </button>
                <button type="button" class="btn" onclick={on_cancel}>{ tr(lang, "common.cancel") }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct DoctorsProps {
    department: Department,
}

#[derive(Clone, PartialEq)]
enum DoctorEditing {
    None,
    New,
    Edit(Doctor),
}

/// The doctors of one department with their consultation schedule (出诊时间).
#[component]
fn Doctors(props: &DoctorsProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let doctors = use_state(|| None::<Vec<Doctor>>);
    let problem = use_state(|| None::<Problem>);
    let editing = use_state(|| DoctorEditing::None);
    let reload = use_state(|| 0_u32);
    let can_write = session.can(Permission::DepartmentWrite);
    {
        let (api, doctors, problem) = (session.api.clone(), doctors.clone(), problem.clone());
        let id = props.department.id;
        use_effect_with((id, *reload), move |(id, _)| {
            let path = format!("/doctors?department_id={id}&limit=200");
            yew::platform::spawn_local(async move {
                match api.get::<Page<Doctor>>(&path).await {
                    Ok(p) => doctors.set(Some(p.items)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let on_new = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(DoctorEditing::New))
    };
    let on_done = {
        let (editing, reload) = (editing.clone(), reload.clone());
        Callback::from(move |saved: bool| {
            editing.set(DoctorEditing::None);
            if saved {
                reload.set(*reload + 1);
            }
        })
    };
    let rows: Html = match &*doctors {
        None => html! { <tr><td colspan="5" class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(list) if list.is_empty() => {
            html! { <tr><td colspan="5" class="muted">{ tr(lang, "doctor.none") }</td></tr> }
        }
        Some(list) => list
            .iter()
            .map(|d| {
                let on_edit = {
                    let (editing, d) = (editing.clone(), d.clone());
                    Callback::from(move |_| editing.set(DoctorEditing::Edit(d.clone())))
                };
                let on_deactivate = {
                    let (api, reload, problem) =
                        (session.api.clone(), reload.clone(), problem.clone());
                    let (id, version) = (d.id, d.version);
                    Callback::from(move |_| {
                        if !confirm(tr(lang, "common.deactivate.confirm")) {
                            return;
                        }
                        let (api, reload, problem) = (api.clone(), reload.clone(), problem.clone());
                        yew::platform::spawn_local(async move {
                            let body = DoctorUpdate {
                                active: Some(false),
                                ..DoctorUpdate::default()
                            };
                            let path = format!("/doctors/{id}");
                            match api.patch::<Doctor, _>(&path, version, &body).await {
                                Ok(_) => {
                                    problem.set(None);
                                    reload.set(*reload + 1);
                                }
                                Err(p) => problem.set(Some(p)),
                            }
                        });
                    })
                };
                html! {
                    <tr data-id={d.id.to_string()} class={classes!((!d.active).then_some("inactive"))}>
                        <td>{ &d.name }</td>
                        <td>{ &d.title }</td>
                        <td>{ d.specialties.join("、") }</td>
                        <td>{ schedule_text(lang, &d.schedule) }</td>
                        <td class="actions">
                            if can_write {
                                <button class="btn btn-small" onclick={on_edit}>{ tr(lang, "common.edit") }</button>
                                if d.active {
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
        <div class="panel" id="doctors">
            <div class="page-head">
                <h3>{ format!("{} · {}", props.department.name, tr(lang, "dept.doctors")) }</h3>
                if can_write {
                    <button id="doctor-new" class="btn btn-primary btn-small" onclick={on_new}>
                        { tr(lang, "doctor.new") }
                    </button>
                }
            </div>
            <ErrorBanner problem={(*problem).clone()} />
            {
                match &*editing {
                    DoctorEditing::None => html! {},
                    DoctorEditing::New => html! {
                        <DoctorForm department_id={props.department.id} existing={None::<Doctor>}
                                    on_done={on_done.clone()} />
                    },
                    DoctorEditing::Edit(d) => html! {
                        <DoctorForm key={d.id.to_string()} department_id={props.department.id}
                                    existing={Some(d.clone())} on_done={on_done.clone()} />
                    },
                }
            }
            <table id="doctors-table" class="grid">
                <thead><tr>
                    <th>{ tr(lang, "doctor.name") }</th>
                    <th>{ tr(lang, "doctor.title") }</th>
                    <th>{ tr(lang, "doctor.specialties") }</th>
                    <th>{ tr(lang, "doctor.schedule") }</th>
                    <th>{ tr(lang, "common.actions") }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
        </div>
    }
}

#[derive(Clone, PartialEq, Default)]
struct DoctorDraft {
    name: String,
    title: String,
    specialties: String,
    schedule: Vec<ScheduleSlot>,
}

impl DoctorDraft {
    fn from(d: &Doctor) -> DoctorDraft {
        DoctorDraft {
            name: d.name.clone(),
            title: d.title.clone(),
            specialties: d.specialties.join("、"),
            schedule: d.schedule.clone(),
        }
    }

    /// Specialties typed as one line, separated by 、 , ， ; or ；.
    fn specialties(&self) -> Vec<String> {
        self.specialties
            .split(['、', ',', '，', ';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    fn create(&self, department_id: Uuid) -> DoctorCreate {
        DoctorCreate {
            department_id,
            name: self.name.trim().to_string(),
            title: self.title.trim().to_string(),
            specialties: self.specialties(),
            schedule: self.schedule.clone(),
        }
    }

    fn update(&self, old: &Doctor) -> DoctorUpdate {
        let c = self.create(old.department_id);
        DoctorUpdate {
            name: (c.name != old.name).then_some(c.name),
            title: (c.title != old.title).then_some(c.title),
            specialties: (c.specialties != old.specialties).then_some(c.specialties),
            schedule: (c.schedule != old.schedule).then_some(c.schedule),
            ..DoctorUpdate::default()
        }
    }
}

#[derive(Properties, PartialEq)]
struct DoctorFormProps {
    department_id: Uuid,
    existing: Option<Doctor>,
    on_done: Callback<bool>,
}

#[component]
fn DoctorForm(props: &DoctorFormProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let base = use_state(|| props.existing.clone());
    let existing = (*base).clone();
    let form = use_state(|| existing.as_ref().map(DoctorDraft::from).unwrap_or_default());
    let touched = use_state(Vec::<&'static str>::new);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);

    let errors = forms::from_validation(form.create(props.department_id).validate());
    let shown = forms::visible(&errors, &touched, *submitted);
    let err = |f: &str| shown.get(f).cloned();
    let input = |field: &'static str, apply: fn(&mut DoctorDraft, String)| {
        forms::text_input(form.clone(), touched.clone(), field, apply)
    };
    let set_slot = |i: usize, apply: fn(&mut ScheduleSlot, String)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let value = match e.target_dyn_into::<HtmlSelectElement>() {
                Some(select) => select.value(),
                None => e.target_unchecked_into::<HtmlInputElement>().value(),
            };
            let mut next = (*form).clone();
            if let Some(slot) = next.schedule.get_mut(i) {
                apply(slot, value);
            }
            form.set(next);
        })
    };
    let add_slot = {
        let form = form.clone();
        Callback::from(move |_| {
            let mut next = (*form).clone();
            next.schedule.push(ScheduleSlot {
                weekday: Some(1),
                date: None,
                half_day: HalfDay::Morning,
                capacity: 20,
            });
            form.set(next);
        })
    };
    let remove_slot = |i: usize| {
        let form = form.clone();
        Callback::from(move |_| {
            let mut next = (*form).clone();
            if i < next.schedule.len() {
                next.schedule.remove(i);
            }
            form.set(next);
        })
    };
    let onsubmit = {
        let (form, submitted, busy, problem, base) = (
            form.clone(),
            submitted.clone(),
            busy.clone(),
            problem.clone(),
            base.clone(),
        );
        let (api, on_done, existing, department_id) = (
            session.api.clone(),
            props.on_done.clone(),
            existing.clone(),
            props.department_id,
        );
        let valid = errors.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            if !valid || *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (form_handle, draft, busy, problem, base, api, on_done, existing) = (
                form.clone(),
                (*form).clone(),
                busy.clone(),
                problem.clone(),
                base.clone(),
                api.clone(),
                on_done.clone(),
                existing.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = match &existing {
                    None => {
                        api.post::<Doctor, _>("/doctors", &draft.create(department_id))
                            .await
                    }
                    Some(old) => {
                        let path = format!("/doctors/{}", old.id);
                        api.patch::<Doctor, _>(&path, old.version, &draft.update(old))
                            .await
                    }
                };
                busy.set(false);
                match result {
                    Ok(_) => on_done.emit(true),
                    Err(p) => {
                        if let (true, Some(old)) = (is_stale(&p), &existing) {
                            let path = format!("/doctors/{}", old.id);
                            if let Ok(latest) = api.get::<Doctor>(&path).await {
                                form_handle.set(DoctorDraft::from(&latest));
                                base.set(Some(latest));
                            }
                        }
                        problem.set(Some(p));
                    }
                }
            });
        })
    };
    let on_cancel = {
        let on_done = props.on_done.clone();
        Callback::from(move |_| on_done.emit(false))
    };
    let editing = existing.is_some();
    let weekdays = weekday_names(lang);

    html! {
        <form class="panel form" id="doctor-form" {onsubmit} novalidate=true>
            <h3>{ tr(lang, if editing { "doctor.edit" } else { "doctor.new" }) }</h3>
            <ErrorBanner problem={(*problem).clone()} />
            <div class="form-grid">
                <TextField id="doctor-name" label={tr(lang, "doctor.name")} value={form.name.clone()}
                    oninput={input("name", |f, v| f.name = v)} error={err("name")} required=true />
                <TextField id="doctor-title" label={tr(lang, "doctor.title")} value={form.title.clone()}
                    oninput={input("title", |f, v| f.title = v)} error={err("title")} required=true
                    hint={tr(lang, "doctor.title.hint")} />
                <TextField id="doctor-specialties" label={tr(lang, "doctor.specialties")}
                    value={form.specialties.clone()} oninput={input("specialties", |f, v| f.specialties = v)}
                    error={err("specialties")} hint={tr(lang, "doctor.specialties.hint")} />
            </div>
            <fieldset class="choices" id="doctor-schedule">
                <legend>{ tr(lang, "doctor.schedule") }</legend>
                { for form.schedule.iter().enumerate().map(|(i, slot)| html! {
                    <div class="slot-row">
                        <select onchange={set_slot(i, |s, v| { s.weekday = v.parse().ok(); s.date = None; })}>
                            { for (1..=7u8).map(|w| html! {
                                <option value={w.to_string()} selected={slot.weekday == Some(w)}>
                                    { weekdays[usize::from(w - 1)] }
                                </option>
                            }) }
                        </select>
                        <select onchange={set_slot(i, |s, v| {
                            if let Some(h) = HalfDay::from_code(&v) { s.half_day = h; }
                        })}>
                            { for HalfDay::ALL.iter().map(|h| html! {
                                <option value={h.code()} selected={slot.half_day == *h}>{ h.label(lang) }</option>
                            }) }
                        </select>
                        <label class="check">
                            { tr(lang, "doctor.capacity") }
                            <input type="number" min="1" max="500" class="num" value={slot.capacity.to_string()}
                                   onchange={set_slot(i, |s, v| s.capacity = v.parse().unwrap_or(0))} />
                        </label>
                        <button type="button" class="btn btn-small" onclick={remove_slot(i)}>
                            { tr(lang, "doctor.slot.remove") }
                        </button>
                    </div>
                }) }
                <FieldErrorLine error={err("schedule")} />
                <button type="button" class="btn btn-small" id="doctor-slot-add" onclick={add_slot}>
                    { tr(lang, "doctor.slot.add") }
                </button>
            </fieldset>
            <div class="form-actions">
                <button id="doctor-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { tr(lang, "common.saving") } else { tr(lang, "common.save") } }
                </button>
                <button type="button" class="btn" onclick={on_cancel}>{ tr(lang, "common.cancel") }</button>
            </div>
        </form>
    }
}

fn weekday_names(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::Zh => ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
}

fn schedule_text(lang: Lang, slots: &[ScheduleSlot]) -> String {
    let names = weekday_names(lang);
    slots
        .iter()
        .map(|s| {
            let day = match (s.weekday, s.date) {
                (Some(w), _) if (1..=7).contains(&w) => names[usize::from(w - 1)].to_string(),
                (_, Some(d)) => d.to_string(),
                _ => String::new(),
            };
            format!("{day} {} ({})", s.half_day.label(lang), s.capacity)
        })
        .collect::<Vec<_>>()
        .join(", ")
}
