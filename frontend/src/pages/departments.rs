//! 科室与专家 — departments per institution (create, edit, deactivate) and their doctors
//! (read-only here) (ORG-2).

use hcrm_domain::api::Page;
use hcrm_domain::api::org::{
    Department, DepartmentCreate, DepartmentUpdate, Doctor, DoctorCreate, DoctorUpdate, HalfDay,
    Institution, ScheduleSlot,
};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use validator::Validate;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::field::{FieldErrorLine, TextField};
use crate::components::form::{RecordDraft, use_record_form};
use crate::components::list::{
    Editing, active_label, grid, page_head, use_editor, use_loaded, use_paged_list, use_search_text,
};
use crate::forms::{self, FieldErrors};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::institutions::load_institutions;
use crate::services::org;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn DepartmentsPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let institutions = use_state(Vec::<Institution>::new);
    let institution = use_state(String::new);
    let search = use_search_text();
    let list = use_paged_list::<Department>(
        org::DEPARTMENTS,
        vec![
            ("institution_id", (*institution).clone()),
            ("q", search.value()),
        ],
        PAGE_SIZE,
    );
    let editor = use_editor::<Department>();
    let doctors_of = use_state(|| None::<Department>);
    let can_write = session.can(Permission::DepartmentWrite);

    {
        let (api, institutions) = (session.api.clone(), institutions.clone());
        use_effect_with((), move |_| load_institutions(api, institutions));
    }
    let on_institution = {
        let (filter, doctors_of) = (list.select_filter(&institution), doctors_of.clone());
        Callback::from(move |e: Event| {
            filter.emit(e);
            doctors_of.set(None);
        })
    };
    let on_done = editor.on_done(list.reloader(), |_| ());
    let institution_code = |id: Uuid| {
        institutions
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.code.clone())
            .unwrap_or_default()
    };

    let row = |d: &Department| {
        let on_doctors = {
            let (doctors_of, d) = (doctors_of.clone(), d.clone());
            Callback::from(move |_| doctors_of.set(Some(d.clone())))
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
                        <button class="btn btn-small" onclick={editor.open(Editing::Edit(d.clone()))}>
                            { tr(lang, "common.edit") }
                        </button>
                        if d.active {
                            <button class="btn btn-small btn-danger" onclick={list.deactivate(d)}>
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
            { page_head(lang, "dept.title",
                can_write.then(|| ("department-new", "dept.new", editor.open(Editing::New)))) }
            { list.banner() }
            { editor.notice() }
            { editor.form(|key, existing| {
                // The institution chosen in the filter is preselected for a new department.
                let preset = if existing.is_some() { String::new() } else { (*institution).clone() };
                html! {
                    <DepartmentForm key={key} {existing} institutions={(*institutions).clone()}
                        {preset} on_done={on_done.clone()} />
                }
            }) }
            <form class="toolbar" onsubmit={list.on_search(&[&search])}>
                <select id="department-institution-filter" onchange={on_institution}>
                    <option value="" selected={institution.is_empty()}>{ tr(lang, "common.all") }</option>
                    { for institutions.iter().map(|i| html! {
                        <option value={i.id.to_string()} selected={*institution == i.id.to_string()}>
                            { format!("{} {}", i.code, i.name) }
                        </option>
                    }) }
                </select>
                { search.with_button(lang, "department-search") }
            </form>
            { list.table("departments-table", &[
                "dept.institution", "dept.name", "dept.code", "dept.phone", "common.status",
                "common.actions",
            ], row) }
            { list.pager() }
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

impl RecordDraft for DeptForm {
    type Record = Department;
    type Create = DepartmentCreate;
    type Update = DepartmentUpdate;
    const COLLECTION: &'static str = org::DEPARTMENTS;

    fn read(d: &Department) -> DeptForm {
        DeptForm {
            institution_id: d.institution_id.to_string(),
            name: d.name.clone(),
            code: d.code.clone().unwrap_or_default(),
            phone: d.phone.clone().unwrap_or_default(),
        }
    }

    /// Without a chosen institution, with a placeholder one (the draft is then invalid).
    fn create(&self) -> DepartmentCreate {
        DepartmentCreate {
            institution_id: self.institution_id.parse().unwrap_or_default(),
            name: self.name.trim().to_string(),
            code: forms::opt(&self.code),
            phone: forms::opt(&self.phone),
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

impl DeptForm {
    fn errors(&self) -> FieldErrors {
        let mut e = forms::from_validation(self.create().validate());
        if self.institution_id.parse::<Uuid>().is_err() {
            e.insert("institution_id".into(), "required".into());
        }
        e
    }
}

#[derive(Properties, PartialEq)]
struct DepartmentFormProps {
    existing: Option<Department>,
    institutions: Vec<Institution>,
    /// The institution chosen in the filter, preselected for a new department.
    preset: String,
    on_done: Callback<Option<Uuid>>,
}

#[component]
fn DepartmentForm(props: &DepartmentFormProps) -> Html {
    let lang = use_lang();
    let new = || DeptForm {
        institution_id: props.preset.clone(),
        ..DeptForm::default()
    };
    let f = use_record_form(props.existing.clone(), new, props.on_done.clone());
    let errors = f.draft.errors();
    let shown = f.shown(&errors);
    let err = |field: &str| shown.get(field).cloned();
    let on_institution = {
        let (form, touched) = (f.draft.clone(), f.touched.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.institution_id = select.value();
            form.set(next);
            forms::touch(&touched, "institution_id");
        })
    };
    let editing = f.editing();
    let form = &*f.draft;

    html! {
        <form class="panel form" id="department-form" onsubmit={f.onsubmit(errors.is_empty())} novalidate=true>
            <h3>{ tr(lang, if editing { "dept.edit" } else { "dept.new" }) }</h3>
            { f.banner() }
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
                    oninput={f.plain_input("name", |f, v| f.name = v)} error={err("name")} required=true />
                <TextField id="department-code" label={tr(lang, "dept.code")} value={form.code.clone()}
                    oninput={f.plain_input("code", |f, v| f.code = v)} error={err("code")} />
                <TextField id="department-phone" label={tr(lang, "dept.phone")} value={form.phone.clone()}
                    oninput={f.plain_input("phone", |f, v| f.phone = v)} error={err("phone")} kind="tel" />
            </div>
            { f.actions("department-save") }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct DoctorsProps {
    department: Department,
}

/// The doctors of one department with their consultation schedule (出诊时间).
#[component]
fn Doctors(props: &DoctorsProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let department_id = props.department.id;
    let doctors = use_loaded::<Page<Doctor>>(org::doctors_of_department_path(department_id));
    let editor = use_editor::<Doctor>();
    let can_write = session.can(Permission::DepartmentWrite);
    // The panel shows no notice: a save just closes the form and reads the doctors again.
    let on_done = editor.on_done(doctors.reloader(), |_| ());
    let row = |d: &Doctor| {
        let on_deactivate = {
            let (id, version) = (d.id, d.version);
            doctors.action("common.deactivate.confirm", move |api| async move {
                let body = DoctorUpdate {
                    active: Some(false),
                    ..DoctorUpdate::default()
                };
                org::update_doctor(&api, id, version, &body).await.map(drop)
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
                        <button class="btn btn-small" onclick={editor.open(Editing::Edit(d.clone()))}>
                            { tr(lang, "common.edit") }
                        </button>
                        if d.active {
                            <button class="btn btn-small btn-danger" onclick={on_deactivate}>
                                { tr(lang, "common.deactivate") }
                            </button>
                        }
                    }
                </td>
            </tr>
        }
    };
    let items = doctors.data.as_ref().map(|p| p.items.as_slice());
    let columns = [
        "doctor.name",
        "doctor.title",
        "doctor.specialties",
        "doctor.schedule",
        "common.actions",
    ];
    html! {
        <div class="panel" id="doctors">
            <div class="page-head">
                <h3>{ format!("{} · {}", props.department.name, tr(lang, "dept.doctors")) }</h3>
                if can_write {
                    <button id="doctor-new" class="btn btn-primary btn-small"
                            onclick={editor.open(Editing::New)}>
                        { tr(lang, "doctor.new") }
                    </button>
                }
            </div>
            { doctors.banner() }
            { editor.form(|key, existing| html! {
                <DoctorForm key={key} {department_id} {existing} on_done={on_done.clone()} />
            }) }
            { grid(lang, "doctors-table", &columns, items, "doctor.none", row) }
        </div>
    }
}

#[derive(Clone, PartialEq, Default)]
struct DoctorDraft {
    department_id: Uuid,
    name: String,
    title: String,
    specialties: String,
    schedule: Vec<ScheduleSlot>,
}

impl DoctorDraft {
    /// Specialties typed as one line, separated by 、 , ， ; or ；.
    fn specialties(&self) -> Vec<String> {
        self.specialties
            .split(['、', ',', '，', ';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }
}

impl RecordDraft for DoctorDraft {
    type Record = Doctor;
    type Create = DoctorCreate;
    type Update = DoctorUpdate;
    const COLLECTION: &'static str = org::DOCTORS;

    fn read(d: &Doctor) -> DoctorDraft {
        DoctorDraft {
            department_id: d.department_id,
            name: d.name.clone(),
            title: d.title.clone(),
            specialties: d.specialties.join("、"),
            schedule: d.schedule.clone(),
        }
    }

    fn create(&self) -> DoctorCreate {
        DoctorCreate {
            department_id: self.department_id,
            name: self.name.trim().to_string(),
            title: self.title.trim().to_string(),
            specialties: self.specialties(),
            schedule: self.schedule.clone(),
        }
    }

    fn update(&self, old: &Doctor) -> DoctorUpdate {
        let c = self.create();
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
    on_done: Callback<Option<Uuid>>,
}

#[component]
fn DoctorForm(props: &DoctorFormProps) -> Html {
    let lang = use_lang();
    let new = || DoctorDraft {
        department_id: props.department_id,
        ..DoctorDraft::default()
    };
    let f = use_record_form(props.existing.clone(), new, props.on_done.clone());
    let errors = forms::from_validation(f.draft.create().validate());
    // Only the live checks are shown next to the fields; the server's problem is above them.
    let shown = f.visible(&errors);
    let err = |field: &str| shown.get(field).cloned();
    let input =
        |field: &'static str, apply: fn(&mut DoctorDraft, String)| f.plain_input(field, apply);
    let set_slot = |i: usize, apply: fn(&mut ScheduleSlot, String)| {
        let form = f.draft.clone();
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
        let form = f.draft.clone();
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
        let form = f.draft.clone();
        Callback::from(move |_| {
            let mut next = (*form).clone();
            if i < next.schedule.len() {
                next.schedule.remove(i);
            }
            form.set(next);
        })
    };
    let editing = f.editing();
    let weekdays = weekday_names(lang);
    let form = &*f.draft;

    html! {
        <form class="panel form" id="doctor-form" onsubmit={f.onsubmit(errors.is_empty())} novalidate=true>
            <h3>{ tr(lang, if editing { "doctor.edit" } else { "doctor.new" }) }</h3>
            { f.banner() }
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
            { f.actions("doctor-save") }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department_needs_an_institution() {
        let draft = DeptForm {
            name: "心内科".into(),
            ..DeptForm::default()
        };
        assert_eq!(
            draft.errors().get("institution_id").map(String::as_str),
            Some("required")
        );
        let draft = DeptForm {
            institution_id: Uuid::from_u128(1).to_string(),
            ..draft
        };
        assert!(draft.errors().is_empty());
        assert_eq!(draft.create().name, "心内科");
    }
}
