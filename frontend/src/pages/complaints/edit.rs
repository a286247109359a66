//! Correcting a case's details (`PATCH /complaints/{id}`, issue 10): only the fields this
//! caller may change in the case's state are offered (the rule is hcrm-domain's
//! `complaint::edit`, the same the API applies), and only what was changed is sent.

use hcrm_domain::api::Page;
use hcrm_domain::api::Problem;
use hcrm_domain::api::complaints::{Complaint, ComplaintUpdate, InvolvedDepartment, InvolvedStaff};
use hcrm_domain::api::org::Department;
use hcrm_domain::complaint::edit::{EditField, editable};
use hcrm_domain::complaint::{ComplaintCategory, ComplaintSeverity};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::dialog::Dialog;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::list::use_loaded;
use crate::forms::{self, FieldErrors};
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr};
use crate::services::{complaints, org};

/// The fields the signed-in user may edit on `c` now (none when closed).
pub fn fields_for(
    session_roles: &[hcrm_domain::Role],
    me: Option<Uuid>,
    c: &Complaint,
) -> Vec<EditField> {
    editable(c.state, session_roles, me == Some(c.receiver.id))
}

/// Staff names as typed, split on Chinese and Latin separators.
fn staff_names(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ';', '；'])
        .filter_map(forms::opt)
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct EditDialogProps {
    pub complaint: Complaint,
    pub fields: Vec<EditField>,
    pub on_close: Callback<()>,
    pub on_done: Callback<Complaint>,
    /// The case changed under us (409, 412): read it again.
    pub on_refused: Callback<()>,
}

#[component]
pub fn EditDialog(props: &EditDialogProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let c = &props.complaint;
    let has = |f: EditField| props.fields.contains(&f);
    let description = use_state(|| c.description.clone());
    let demands = use_state(|| c.demands.clone().unwrap_or_default());
    let category = use_state(|| c.category.map(|x| x.code().to_string()).unwrap_or_default());
    let severity = use_state(|| c.severity.map(|x| x.code().to_string()).unwrap_or_default());
    let departments = use_state(|| {
        c.departments
            .iter()
            .filter_map(|d| d.department_id)
            .collect::<Vec<Uuid>>()
    });
    let staff_text = use_state(|| {
        c.staff
            .iter()
            .filter_map(|s| s.name.clone())
            .collect::<Vec<_>>()
            .join("、")
    });
    let errors = use_state(FieldErrors::new);
    let problem = use_state(|| None::<Problem>);
    let busy = use_state(|| false);
    let listed = use_loaded::<Page<Department>>(format!(
        "{}?institution_id={}&active=true&limit=200",
        org::DEPARTMENTS,
        c.institution_id
    ));

    let text = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_else(|| e.target_unchecked_into::<HtmlInputElement>().value());
            h.set(value);
        })
    };
    let select = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            h.set(s.value());
        })
    };
    let toggle = |id: Uuid| {
        let departments = departments.clone();
        Callback::from(move |_: Event| {
            let mut d = (*departments).clone();
            if d.contains(&id) {
                d.retain(|x| *x != id);
            } else {
                d.push(id);
            }
            departments.set(d);
        })
    };
    let onsubmit = {
        let c = c.clone();
        let api = session.api.clone();
        let (description, demands, category, severity, departments, staff_text) = (
            description.clone(),
            demands.clone(),
            category.clone(),
            severity.clone(),
            departments.clone(),
            staff_text.clone(),
        );
        let (errors, problem, busy) = (errors.clone(), problem.clone(), busy.clone());
        let (on_done, on_refused, on_close) = (
            props.on_done.clone(),
            props.on_refused.clone(),
            props.on_close.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let mut body = ComplaintUpdate {
                version: Some(c.version),
                ..ComplaintUpdate::default()
            };
            if description.trim() != c.description {
                if description.trim().is_empty() {
                    let mut live = FieldErrors::new();
                    live.insert("description".into(), "required".into());
                    errors.set(live);
                    return;
                }
                body.description = Some(description.trim().to_string());
            }
            if forms::opt(&demands) != c.demands {
                body.demands = Some(demands.trim().to_string());
            }
            let cat = ComplaintCategory::from_code(&category);
            if cat.is_some() && cat != c.category {
                body.category = cat;
            }
            let sev = ComplaintSeverity::from_code(&severity);
            if sev.is_some() && sev != c.severity {
                body.severity = sev;
            }
            let before: Vec<Uuid> = c
                .departments
                .iter()
                .filter_map(|d| d.department_id)
                .collect();
            if *departments != before {
                // Departments named without a record stay as they were.
                let mut list: Vec<InvolvedDepartment> = departments
                    .iter()
                    .map(|id| InvolvedDepartment {
                        department_id: Some(*id),
                        name: None,
                    })
                    .collect();
                list.extend(
                    c.departments
                        .iter()
                        .filter(|d| d.department_id.is_none())
                        .cloned(),
                );
                body.departments = Some(list);
            }
            let names_before: Vec<String> = c.staff.iter().filter_map(|s| s.name.clone()).collect();
            let names = staff_names(&staff_text);
            if names != names_before {
                body.staff = Some(
                    names
                        .into_iter()
                        .map(|name| {
                            // A person linked to a record keeps the link when still named.
                            c.staff
                                .iter()
                                .find(|s| s.name.as_deref() == Some(name.as_str()))
                                .cloned()
                                .unwrap_or(InvolvedStaff {
                                    doctor_id: None,
                                    user_id: None,
                                    name: Some(name),
                                })
                        })
                        .collect(),
                );
            }
            if body.fields().is_empty() {
                on_close.emit(());
                return;
            }
            busy.set(true);
            let (api, id, errors, problem, busy, on_done, on_refused) = (
                api.clone(),
                c.id,
                errors.clone(),
                problem.clone(),
                busy.clone(),
                on_done.clone(),
                on_refused.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = complaints::update(&api, id, &body).await;
                busy.set(false);
                match result {
                    Ok(saved) => on_done.emit(saved),
                    Err(p) => {
                        if matches!(p.status, 409 | 412) {
                            on_refused.emit(());
                        }
                        errors.set(forms::from_problem(&p));
                        problem.set(Some(p));
                    }
                }
            });
        })
    };
    let err = |f: &str| errors.get(f).cloned();
    let area =
        |id: &'static str, label: &'static str, field: &'static str, h: &UseStateHandle<String>| {
            html! {
                <div class={classes!("field", err(field).is_some().then_some("has-error"))}>
                    <label for={id}>{ tr(lang, label) }</label>
                    <textarea {id} rows="3" value={(**h).clone()} oninput={text(h)}
                              aria-invalid={err(field).is_some().then_some("true")} />
                    if let Some(code) = err(field) {
                        <div class="field-error">{ field_error_text(lang, &code) }</div>
                    }
                </div>
            }
        };
    let department_list = match &*listed.data {
        None => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        Some(p) => html! {
            <div class="choice-list">
                { for p.items.iter().map(|dep| {
                    let id = format!("edit-dep-{}", dep.id);
                    html! {
                        <label class="check" for={id.clone()}>
                            <input type="checkbox" id={id} checked={departments.contains(&dep.id)}
                                   onchange={toggle(dep.id)} />
                            { &dep.name }
                        </label>
                    }
                }) }
            </div>
        },
    };
    html! {
        <Dialog id="edit-dialog" title={AttrValue::from(tr(lang, "complaints.edit"))} on_close={props.on_close.clone()}>
            <form class="form" {onsubmit}>
                <ErrorBanner problem={(*problem).clone()} />
                if has(EditField::Category) {
                    <CodeSelect id="edit-category" label={tr(lang, "complaints.category")}
                                value={(*category).clone()} onchange={select(&category)}
                                options={coded_options(&ComplaintCategory::ALL, ComplaintCategory::code, lang)}
                                error={err("category")} />
                }
                if has(EditField::Severity) {
                    <CodeSelect id="edit-severity" label={tr(lang, "complaints.severity")}
                                value={(*severity).clone()} onchange={select(&severity)}
                                options={coded_options(&ComplaintSeverity::ALL, ComplaintSeverity::code, lang)}
                                error={err("severity")} />
                }
                if has(EditField::Description) {
                    { area("edit-description", "complaints.description", "description", &description) }
                }
                if has(EditField::Demands) {
                    { area("edit-demands", "complaints.demands", "demands", &demands) }
                }
                if has(EditField::Departments) {
                    <div class="field" id="edit-departments">
                        <span class="field-label">{ tr(lang, "complaints.departments") }</span>
                        { department_list }
                    </div>
                }
                if has(EditField::Staff) {
                    <div class="field">
                        <label for="edit-staff">{ tr(lang, "complaints.staff") }</label>
                        <input id="edit-staff" type="text" value={(*staff_text).clone()} oninput={text(&staff_text)} />
                        <div class="hint">{ tr(lang, "complaints.staff.hint") }</div>
                    </div>
                }
                <div class="form-actions">
                    <button id="edit-confirm" type="submit" class="btn btn-primary" disabled={*busy}>
                        { tr(lang, if *busy { "common.saving" } else { "common.save" }) }
                    </button>
                    <button id="edit-cancel" type="button" class="btn"
                            onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(())) }}>
                        { tr(lang, "common.cancel") }
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
