//! 机构 — institutions: list, search, create, edit (If-Match), deactivate (ORG-1).

use hcrm_domain::api::org::{Institution, InstitutionCreate, InstitutionUpdate};
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::{Lang, Permission};
use validator::Validate;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::field::TextField;
use crate::components::pager::Pager;
use crate::forms::{self, FieldErrors, is_stale};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::services::query;

const PAGE_SIZE: i64 = 20;

#[derive(Clone, PartialEq)]
enum Editing {
    None,
    New,
    Edit(Institution),
}

#[component]
pub fn InstitutionsPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let search = use_state(String::new);
    let applied = use_state(String::new);
    let inactive = use_state(|| false);
    let offset = use_state(|| 0_i64);
    let reload = use_state(|| 0_u32);
    let page = use_state(|| None::<Page<Institution>>);
    let problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
    let editing = use_state(|| Editing::None);
    let can_write = session.can(Permission::InstitutionWrite);

    {
        let (api, page, problem) = (session.api.clone(), page.clone(), problem.clone());
        let deps = ((*applied).clone(), *inactive, *offset, *reload);
        use_effect_with(deps, move |(q, inactive, offset, _)| {
            let path = format!(
                "/institutions{}",
                query(&[
                    ("q", q.clone()),
                    (
                        "active",
                        if *inactive {
                            String::new()
                        } else {
                            "true".into()
                        }
                    ),
                    ("sort", "code".into()),
                    ("limit", PAGE_SIZE.to_string()),
                    ("offset", offset.to_string()),
                ])
            );
            yew::platform::spawn_local(async move {
                match api.get::<Page<Institution>>(&path).await {
                    Ok(p) => page.set(Some(p)),
                    Err(p) => problem.set(Some(p)),
                }
            });
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
    let on_inactive = {
        let (inactive, offset) = (inactive.clone(), offset.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            inactive.set(input.checked());
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

    let rows: Html = match &*page {
        None => html! { <tr><td colspan="8" class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(p) if p.items.is_empty() => {
            html! { <tr><td colspan="8" class="muted">{ tr(lang, "common.empty") }</td></tr> }
        }
        Some(p) => p
            .items
            .iter()
            .map(|inst| {
                let on_edit = {
                    let (editing, notice, inst) = (editing.clone(), notice.clone(), inst.clone());
                    Callback::from(move |_| {
                        notice.set(None);
                        editing.set(Editing::Edit(inst.clone()));
                    })
                };
                let on_deactivate = {
                    let (api, reload, problem) =
                        (session.api.clone(), reload.clone(), problem.clone());
                    let (id, version) = (inst.id, inst.version);
                    Callback::from(move |_| {
                        if !confirm(tr(lang, "common.deactivate.confirm")) {
                            return;
                        }
                        let (api, reload, problem) = (api.clone(), reload.clone(), problem.clone());
                        yew::platform::spawn_local(async move {
                            let path = format!("/institutions/{id}/deactivate");
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
                                <button class="btn btn-small" onclick={on_edit}>{ tr(lang, "common.edit") }</button>
                                if inst.active {
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
                <h2>{ tr(lang, "inst.title") }</h2>
                if can_write {
                    <button id="institution-new" class="btn btn-primary" onclick={on_new}>
                        { tr(lang, "inst.new") }
                    </button>
                }
            </div>
            <ErrorBanner problem={(*problem).clone()} />
            <Notice text={(*notice).clone()} />
            {
                match &*editing {
                    Editing::None => html! {},
                    Editing::New => html! { <InstitutionForm existing={None::<Institution>} on_done={on_done.clone()} /> },
                    Editing::Edit(i) => html! {
                        <InstitutionForm key={i.id.to_string()} existing={Some(i.clone())} on_done={on_done.clone()} />
                    },
                }
            }
            <form class="toolbar" onsubmit={on_search}>
                <input id="institution-search" type="search" value={(*search).clone()}
                       placeholder={tr(lang, "common.search.placeholder")} oninput={on_search_input} />
                <button type="submit" class="btn">{ tr(lang, "common.search") }</button>
                <label class="check">
                    <input type="checkbox" checked={*inactive} onchange={on_inactive} />
                    { tr(lang, "common.show_inactive") }
                </label>
            </form>
            <table id="institutions-table" class="grid">
                <thead><tr>
                    <th>{ tr(lang, "inst.code") }</th>
                    <th>{ tr(lang, "inst.name") }</th>
                    <th>{ tr(lang, "inst.city") }</th>
                    <th>{ tr(lang, "inst.local.short") }</th>
                    <th>{ tr(lang, "inst.hotline") }</th>
                    <th>{ tr(lang, "inst.time_zone") }</th>
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

pub fn yes_no(lang: Lang, v: bool) -> &'static str {
    tr(lang, if v { "common.yes" } else { "common.no" })
}

pub fn active_label(lang: Lang, active: bool) -> Html {
    if active {
        html! { <span class="badge badge-ok">{ tr(lang, "common.active") }</span> }
    } else {
        html! { <span class="badge badge-off">{ tr(lang, "common.inactive") }</span> }
    }
}

/// A browser confirmation dialog; true when there is no window (never blocks).
pub fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(true)
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
}

impl InstForm {
    fn from(i: &Institution) -> InstForm {
        InstForm {
            code: i.code.clone(),
            name: i.name.clone(),
            city: i.city.clone(),
            local: i.local,
            time_zone: i.time_zone.clone(),
            address: i.address.clone().unwrap_or_default(),
            hotline: i.hotline.clone().unwrap_or_default(),
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

    /// Only the fields that differ from what was read.
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
            version: None,
        }
    }
}

#[derive(Properties, PartialEq)]
struct InstitutionFormProps {
    existing: Option<Institution>,
    /// Called with `true` after a save, `false` on cancel.
    on_done: Callback<bool>,
}

#[component]
fn InstitutionForm(props: &InstitutionFormProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    // The record as last read: its version goes into If-Match; replaced after a stale write.
    let base = use_state(|| props.existing.clone());
    let existing = (*base).clone();
    let form = use_state(|| {
        existing
            .as_ref()
            .map(InstForm::from)
            .unwrap_or_else(|| InstForm {
                time_zone: "Asia/Shanghai".into(),
                local: true,
                ..InstForm::default()
            })
    });
    let touched = use_state(Vec::<&'static str>::new);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let server_errors = use_state(FieldErrors::new);

    let mut errors = forms::from_validation(form.create().validate());
    if existing.is_some() {
        errors.remove("code");
    }
    let mut shown = forms::visible(&errors, &touched, *submitted);
    for (f, c) in server_errors.iter() {
        shown.entry(f.clone()).or_insert_with(|| c.clone());
    }
    let err = |f: &str| shown.get(f).cloned();

    let input = |field: &'static str, apply: fn(&mut InstForm, String)| {
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
                    None => {
                        api.post::<Institution, _>("/institutions", &form.create())
                            .await
                    }
                    Some(old) => {
                        let path = format!("/institutions/{}", old.id);
                        api.patch::<Institution, _>(&path, old.version, &form.update(old))
                            .await
                    }
                };
                busy.set(false);
                match result {
                    Ok(_) => on_done.emit(true),
                    Err(p) => {
                        if let (true, Some(old)) = (is_stale(&p), &existing) {
                            // Someone saved first: show their version so the user can redo the edit.
                            let path = format!("/institutions/{}", old.id);
                            if let Ok(latest) = api.get::<Institution>(&path).await {
                                form_handle.set(InstForm::from(&latest));
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
    let on_local = forms::checkbox_input(form.clone(), |f, v| f.local = v);
    let title = if existing.is_some() {
        "inst.edit"
    } else {
        "inst.new"
    };

    html! {
        <form class="panel form" id="institution-form" {onsubmit} novalidate=true>
            <h3>{ tr(lang, title) }</h3>
            <ErrorBanner problem={(*problem).clone()} />
            <div class="form-grid">
                <TextField id="institution-code" label={tr(lang, "inst.code")} value={form.code.clone()}
                    oninput={input("code", |f, v| f.code = v.to_ascii_uppercase())} error={err("code")}
                    hint={tr(lang, "inst.code.hint")} required=true disabled={existing.is_some()} />
                <TextField id="institution-name" label={tr(lang, "inst.name")} value={form.name.clone()}
                    oninput={input("name", |f, v| f.name = v)} error={err("name")} required=true />
                <TextField id="institution-city" label={tr(lang, "inst.city")} value={form.city.clone()}
                    oninput={input("city", |f, v| f.city = v)} error={err("city")} required=true />
                <TextField id="institution-time-zone" label={tr(lang, "inst.time_zone")}
                    value={form.time_zone.clone()} oninput={input("time_zone", |f, v| f.time_zone = v)}
                    error={err("time_zone")} />
                <TextField id="institution-hotline" label={tr(lang, "inst.hotline")} value={form.hotline.clone()}
                    oninput={input("hotline", |f, v| f.hotline = v)} error={err("hotline")} kind="tel" />
                <TextField id="institution-address" label={tr(lang, "inst.address")} value={form.address.clone()}
                    oninput={input("address", |f, v| f.address = v)} error={err("address")} />
                <div class="field field-check">
                    <label class="check">
                        <input id="institution-local" type="checkbox" checked={form.local} onchange={on_local} />
                        { tr(lang, "inst.local") }
                    </label>
                </div>
            </div>
            <div class="form-actions">
                <button id="institution-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { tr(lang, "common.saving") } else { tr(lang, "common.save") } }
                </button>
                <button type="button" class="btn" onclick={on_cancel}>{ tr(lang, "common.cancel") }</button>
            </div>
        </form>
    }
}
