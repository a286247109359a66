//! Create and edit a customer (CUS-1 … CUS-8, CUS-10) with live validation in both languages:
//! the resident ID's checksum, birth date and gender (a valid number fills the last two),
//! mobiles, e-mail, the USCC of organizations; the fields in sections (identity, contact,
//! address, preferences, source, notes); a phone or ID number that names an existing customer
//! is shown as it is typed, and a possible duplicate (409) lists the matches beside the save
//! button and may be created anyway; a refused save lists its errors at the top and focuses
//! the first; an edit is guarded by the version read.

mod address;
mod checks;
mod draft;
mod duplicates;
mod fields;

use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::Customer;
use hcrm_domain::customer::{
    ContactChannel, CustomerCategory, CustomerKind, Education, Gender, IdType, LifecycleStage,
    MaritalStatus, PreferredLanguage, RelationshipType, SourceChannel, parse_resident_id,
};
use hcrm_domain::{Label, Lang};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::field::{CodeSelect, FieldErrorLine, TextField, coded_options};
use crate::components::form::{ErrorSummary, reveal, use_reveal_errors};
use crate::forms::{self, FieldErrors, is_stale};
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::pages::customers::picker::{CustomerPicker, Picked};
use crate::pages::customers::search::CustomerLink;
use crate::pages::customers::view::merged_into;
use crate::services::customers;

use address::{AddressPicker, Place};
use checks::{ext_row_bad, forget_server_error, live_errors};
use draft::{Draft, EXTERNAL_SYSTEMS, ExtRow, MAX_EXTERNAL_IDS};
use duplicates::{DuplicateHint, Lookup};

#[derive(Properties, PartialEq)]
pub struct CustomerFormPageProps {
    /// `None` to create.
    #[prop_or_default]
    pub id: Option<Uuid>,
}

#[component]
pub fn CustomerFormPage(props: &CustomerFormPageProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let navigator = use_navigator();
    let existing = use_state(|| None::<Customer>);
    let form = use_state(|| Draft {
        kind: "individual".into(),
        id_type: "resident_id".into(),
        ..Draft::default()
    });
    let touched = use_state(Vec::<&'static str>::new);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let server_errors = use_state(FieldErrors::new);
    // Refused saves: each brings the first error into view with the focus.
    let refusals = use_state(|| 0_u32);
    use_reveal_errors("customer-form", "customer-error-summary", *refusals);
    // A 409 `possible_duplicate`: its warning and "create anyway" come into view below the
    // sticky top bar, with the focus (issue 9 item 8: the bar covered them).
    use_effect_with((*problem).clone(), |p| {
        if p.as_ref().is_some_and(|p| p.code() == "possible_duplicate") {
            reveal("customer-create-anyway");
        }
    });

    {
        let (api, existing, form, problem, navigator) = (
            session.api.clone(),
            existing.clone(),
            form.clone(),
            problem.clone(),
            navigator.clone(),
        );
        use_effect_with(props.id, move |id| {
            if let Some(id) = *id {
                yew::platform::spawn_local(async move {
                    match customers::get(&api, id).await {
                        Ok(c) => {
                            form.set(Draft::from_customer(&c));
                            existing.set(Some(c));
                        }
                        // Merged away: edit the customer it lives on in (issue 9 item 11).
                        Err(p) => match (merged_into(&p), &navigator) {
                            (Some(kept), Some(n)) => n.replace(&Route::CustomerEdit {
                                id: kept.to_string(),
                            }),
                            _ => problem.set(Some(p)),
                        },
                    }
                });
            }
        });
    }

    let masked = existing.as_ref().is_some_and(|c| c.masked);
    let live = live_errors(&form, masked);
    let mut shown = forms::visible(&live, &touched, *submitted);
    for (f, c) in server_errors.iter() {
        shown.entry(f.clone()).or_insert_with(|| c.clone());
    }
    let err = |f: &str| shown.get(f).cloned();

    let input = |field: &'static str, apply: fn(&mut Draft, String)| {
        let se = server_errors.clone();
        let cb = forms::text_input(form.clone(), touched.clone(), field, apply);
        Callback::from(move |e: InputEvent| {
            forget_server_error(&se, field);
            cb.emit(e)
        })
    };
    // The customer pickers (employer, referrer).
    let link = |field: &'static str, apply: fn(&mut Draft, Option<Picked>)| {
        let (form, touched, se) = (form.clone(), touched.clone(), server_errors.clone());
        Callback::from(move |picked: Option<Picked>| {
            let mut next = (*form).clone();
            apply(&mut next, picked);
            form.set(next);
            forms::touch(&touched, field);
            forget_server_error(&se, field);
        })
    };
    // The external id rows: edit a part, remove a row, add one.
    let ext_input = |i: usize, apply: fn(&mut ExtRow, String)| {
        let (form, touched, se) = (form.clone(), touched.clone(), server_errors.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            if let Some(row) = next.external_ids.get_mut(i) {
                apply(row, input.value());
            }
            form.set(next);
            forms::touch(&touched, "external_ids");
            forget_server_error(&se, "external_ids");
        })
    };
    let ext_remove = |i: usize| {
        let (form, touched, se) = (form.clone(), touched.clone(), server_errors.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*form).clone();
            if i < next.external_ids.len() {
                next.external_ids.remove(i);
            }
            form.set(next);
            forms::touch(&touched, "external_ids");
            forget_server_error(&se, "external_ids");
        })
    };
    let ext_add = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*form).clone();
            if next.external_ids.len() < MAX_EXTERNAL_IDS {
                next.external_ids.push(ExtRow::default());
            }
            form.set(next);
        })
    };
    let select = |field: &'static str, apply: fn(&mut Draft, String)| {
        let (form, touched) = (form.clone(), touched.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            apply(&mut next, s.value());
            form.set(next);
            forms::touch(&touched, field);
        })
    };
    let on_place = {
        let (form, touched, se) = (form.clone(), touched.clone(), server_errors.clone());
        Callback::from(move |p: Place| {
            let mut next = (*form).clone();
            (next.province, next.city, next.district) = (p.province, p.city, p.district);
            form.set(next);
            forms::touch(&touched, "province");
            forget_server_error(&se, "address");
        })
    };
    let toggle_category = |c: CustomerCategory| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.categories.retain(|x| *x != c);
            if i.checked() {
                next.categories.push(c);
            }
            form.set(next);
        })
    };

    let save = {
        let (form, submitted, busy, problem, server_errors, existing, refusals) = (
            form.clone(),
            submitted.clone(),
            busy.clone(),
            problem.clone(),
            server_errors.clone(),
            existing.clone(),
            refusals.clone(),
        );
        let (api, navigator) = (session.api.clone(), navigator.clone());
        let valid = live.is_empty();
        Callback::from(move |confirm_duplicate: bool| {
            submitted.set(true);
            if !valid {
                refusals.set(*refusals + 1);
            }
            if !valid || *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (form, busy, problem, server_errors, existing, api, navigator, refusals) = (
                form.clone(),
                busy.clone(),
                problem.clone(),
                server_errors.clone(),
                existing.clone(),
                api.clone(),
                navigator.clone(),
                refusals.clone(),
            );
            yew::platform::spawn_local(async move {
                let old = (*existing).clone();
                let result = match &old {
                    None => customers::create(&api, &form.create(), confirm_duplicate).await,
                    Some(old) => {
                        customers::update(&api, old.id, old.version, &form.update(old)).await
                    }
                };
                busy.set(false);
                match result {
                    Ok(c) => {
                        if let Some(n) = &navigator {
                            n.push(&Route::Customer {
                                id: c.id.to_string(),
                            });
                        }
                    }
                    Err(p) => {
                        if let (true, Some(old)) = (is_stale(&p), &old)
                            && let Ok(latest) = customers::get(&api, old.id).await
                        {
                            form.set(Draft::from_customer(&latest));
                            existing.set(Some(latest));
                        }
                        server_errors.set(forms::from_problem(&p));
                        let duplicate = p.code() == "possible_duplicate";
                        problem.set(Some(p));
                        // The 409's warning comes into view by itself (below).
                        if !duplicate {
                            refusals.set(*refusals + 1);
                        }
                    }
                }
            });
        })
    };
    let onsubmit = {
        let save = save.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save.emit(false);
        })
    };
    let create_anyway = {
        let save = save.clone();
        Callback::from(move |_| save.emit(true))
    };
    let on_cancel = {
        let (navigator, id) = (navigator.clone(), props.id);
        Callback::from(move |_| {
            if let Some(n) = &navigator {
                match id {
                    Some(id) => n.push(&Route::Customer { id: id.to_string() }),
                    None => n.push(&Route::Customers),
                }
            }
        })
    };

    if props.id.is_some() && existing.is_none() {
        return html! {
            <section class="page">
                <ErrorBanner problem={(*problem).clone()} />
                if problem.is_none() { <p class="muted">{ tr(lang, "loading") }</p> }
            </section>
        };
    }

    let org = form.kind() == CustomerKind::Organization;
    let editing = existing.is_some();
    // The pickers never offer the customer being edited (it cannot link to itself).
    let this_id = existing.as_ref().map(|c| c.id);
    let ext_error = err("external_ids");
    let duplicates = problem
        .as_ref()
        .filter(|p| p.code() == "possible_duplicate")
        .map(|p| p.duplicates.clone())
        .unwrap_or_default();
    let stale = problem.as_ref().is_some_and(is_stale);
    // What the resident ID says, next to the field.
    let id_hint = (!org && form.id_type == "resident_id")
        .then(|| {
            let today = crate::clock::today();
            parse_resident_id(&form.id_number, today).ok().map(|id| {
                trf(
                    lang,
                    "customer.id_number.parsed",
                    &[&id.birth_date.to_string(), id.gender.label(lang)],
                )
            })
        })
        .flatten()
        .map(AttrValue::from);

    // After a refused save: every error, at the top (issue 9 item 7).
    let summary = if *submitted {
        fields::summary(lang, &shown)
    } else {
        Vec::new()
    };
    let dup_panel = html! {
        if !duplicates.is_empty() {
            <div id="customer-duplicates" class="panel warning" role="alert">
                <p>{ tr(lang, "customer.duplicate.warning") }</p>
                <ul>
                    { for duplicates.iter().map(|d| html! {
                        <li data-duplicate-id={d.customer.id.to_string()}>
                            <strong>{ &d.customer.name }</strong>{ " " }
                            <span class="muted">{ &d.customer.form_of_address }</span>{ " " }
                            <span class="mono">{ d.customer.phone.clone().unwrap_or_default() }</span>{ " " }
                            <span class="mono">{ d.customer.id_number.clone().unwrap_or_default() }</span>{ " · " }
                            { tr(lang, "customer.duplicate.matched_on") }
                            { d.matched_on.iter().map(|m| matched_label(lang, m)).collect::<Vec<_>>().join("、") }
                            { " " }
                            <CustomerLink id={d.customer.id}>{ tr(lang, "customer.open") }</CustomerLink>
                        </li>
                    }) }
                </ul>
                <button id="customer-create-anyway" type="button" class="btn btn-danger"
                        onclick={create_anyway} disabled={*busy}>
                    { tr(lang, "customer.create_anyway") }
                </button>
            </div>
        }
    };
    let gender_error = err("gender");

    html! {
        <section class="page">
            <form class="panel form" id="customer-form" {onsubmit} novalidate=true autocomplete="off">
                <h1>{ tr(lang, if editing { "customer.edit" } else { "customer.new" }) }</h1>
                <ErrorSummary id="customer-error-summary" lines={summary} />
                if stale {
                    <div id="customer-stale" class="error-banner" role="alert" data-code="stale">
                        { tr(lang, "problem.stale") }
                    </div>
                } else if duplicates.is_empty() && problem.as_ref().is_none_or(|p| p.code() != "validation") {
                    <ErrorBanner problem={(*problem).clone()} />
                }
                if masked {
                    <p class="hint" id="customer-masked-note">{ tr(lang, "customer.masked.edit") }</p>
                }
                <fieldset class="form-section" id="customer-section-identity">
                    <legend>{ tr(lang, "customer.section.identity") }</legend>
                    <div class="form-grid">
                        <div class="field">
                            <label for="customer-kind">{ tr(lang, "customer.kind") }</label>
                            <select id="customer-kind" disabled={editing}
                                    onchange={select("kind", |f, v| f.kind = v)}>
                                { for CustomerKind::ALL.iter().map(|k| html! {
                                    <option value={k.code()} selected={form.kind == k.code()}>{ k.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                        <TextField id="customer-name" label={tr(lang, "customer.name")} value={form.name.clone()}
                            oninput={input("name", |f, v| f.name = v)} error={err("name")} required=true />
                        if !org {
                            <div class="field">
                                <label for="customer-id-type">{ tr(lang, "customer.id_type") }</label>
                                <select id="customer-id-type" disabled={masked}
                                        onchange={select("id_type", |f, v| f.id_type = v)}>
                                    { for IdType::ALL.iter().map(|t| html! {
                                        <option value={t.code()} selected={form.id_type == t.code()}>{ t.label(lang) }</option>
                                    }) }
                                </select>
                            </div>
                            <div class="field-with-hint">
                                <TextField id="customer-id-number" label={tr(lang, "customer.id_number")}
                                    value={form.id_number.clone()} disabled={masked}
                                    oninput={input("id_number", |f, v| f.set_id_number(v))}
                                    error={err("id_number")} hint={id_hint} />
                                <DuplicateHint field="customer-id-number" exclude_id={this_id} disabled={masked}
                                    lookup={Lookup::IdNumber { id_type: form.id_type.clone(), number: form.id_number.clone() }} />
                            </div>
                            <div class={classes!("field", gender_error.is_some().then_some("has-error"))}>
                                <label for="customer-gender">{ tr(lang, "customer.gender") }</label>
                                <select id="customer-gender" onchange={select("gender", |f, v| f.gender = v)}
                                        aria-invalid={gender_error.is_some().then_some("true")}>
                                    <option value="" selected={form.gender.is_empty()}>{ "—" }</option>
                                    { for Gender::ALL.iter().map(|g| html! {
                                        <option value={g.code()} selected={form.gender == g.code()}>{ g.label(lang) }</option>
                                    }) }
                                </select>
                                <FieldErrorLine error={gender_error.clone()} />
                            </div>
                            <TextField id="customer-birth-date" label={tr(lang, "customer.birth_date")} kind="date"
                                value={form.birth_date.clone()} oninput={input("birth_date", |f, v| f.birth_date = v)}
                                error={err("birth_date")} />
                            <TextField id="customer-occupation" label={tr(lang, "customer.occupation")}
                                value={form.occupation.clone()} oninput={input("occupation", |f, v| f.occupation = v)}
                                error={err("occupation")} />
                            <CustomerPicker id="customer-employer" label={tr(lang, "customer.employer")}
                                value={form.employer.clone()} onchange={link("employer_id", |f, p| f.employer = p)}
                                kind={CustomerKind::Organization} exclude={this_id}
                                hint={AttrValue::from(tr(lang, "customer.employer.hint"))} error={err("employer_id")} />
                            <CodeSelect id="customer-education" label={tr(lang, "customer.education")}
                                value={form.education.clone()} onchange={select("education", |f, v| f.education = v)}
                                options={coded_options(&Education::ALL, Education::code, lang)} error={err("education")} />
                            <CodeSelect id="customer-marital-status" label={tr(lang, "customer.marital_status")}
                                value={form.marital_status.clone()} onchange={select("marital_status", |f, v| f.marital_status = v)}
                                options={coded_options(&MaritalStatus::ALL, MaritalStatus::code, lang)} error={err("marital_status")} />
                        } else {
                            <TextField id="customer-uscc" label={tr(lang, "customer.uscc")} value={form.uscc.clone()}
                                oninput={input("uscc", |f, v| f.uscc = v.trim().to_uppercase())} error={err("uscc")} />
                            <TextField id="customer-industry" label={tr(lang, "customer.industry")}
                                value={form.industry.clone()} oninput={input("industry", |f, v| f.industry = v)}
                                error={err("industry")} />
                            <TextField id="customer-org-size" label={tr(lang, "customer.org_size")}
                                value={form.org_size.clone()} oninput={input("org_size", |f, v| f.org_size = v)}
                                error={err("org_size")} />
                        }
                        <TextField id="customer-card-number" label={tr(lang, "customer.card_number")}
                            value={form.card_number.clone()}
                            oninput={input("card_number", |f, v| f.card_number = v)} error={err("card_number")} />
                        <TextField id="customer-form-of-address" label={tr(lang, "customer.form_of_address")}
                            value={form.form_of_address.clone()} hint={AttrValue::from(tr(lang, "customer.form_of_address.hint"))}
                            oninput={input("form_of_address", |f, v| f.form_of_address = v)} error={err("form_of_address")} />
                    </div>
                </fieldset>
                <fieldset class="form-section" id="customer-section-contact">
                    <legend>{ tr(lang, "customer.section.contact") }</legend>
                    <div class="form-grid">
                        <div class="field-with-hint">
                            <TextField id="customer-phone" label={tr(lang, "customer.phone")} kind="tel"
                                value={form.phone.clone()} disabled={masked}
                                oninput={input("phone", |f, v| f.phone = v)} error={err("phone")} />
                            <DuplicateHint field="customer-phone" exclude_id={this_id} disabled={masked}
                                lookup={Lookup::Phone(form.phone.clone())} />
                        </div>
                        <div class="field-with-hint">
                            <TextField id="customer-phone2" label={tr(lang, "customer.phone2")} kind="tel"
                                value={form.phone2.clone()} disabled={masked}
                                oninput={input("phone2", |f, v| f.phone2 = v)} error={err("phone2")} />
                            <DuplicateHint field="customer-phone2" exclude_id={this_id} disabled={masked}
                                lookup={Lookup::Phone(form.phone2.clone())} />
                        </div>
                        <TextField id="customer-landline" label={tr(lang, "customer.landline")} kind="tel"
                            value={form.landline.clone()} disabled={masked}
                            oninput={input("landline", |f, v| f.landline = v)} error={err("landline")} />
                        <TextField id="customer-email" label={tr(lang, "customer.email")} kind="email"
                            value={form.email.clone()} oninput={input("email", |f, v| f.email = v)} error={err("email")} />
                        <TextField id="customer-wechat" label={tr(lang, "customer.wechat")}
                            value={form.wechat.clone()} oninput={input("wechat", |f, v| f.wechat = v)} error={err("wechat")} />
                        <TextField id="customer-qq" label={tr(lang, "customer.qq")}
                            value={form.qq.clone()} oninput={input("qq", |f, v| f.qq = v)} error={err("qq")} />
                    </div>
                </fieldset>
                <fieldset class="form-section" id="customer-section-address">
                    <legend>{ tr(lang, "customer.section.address") }</legend>
                    <div class="form-grid">
                        <AddressPicker value={Place { province: form.province.clone(), city: form.city.clone(), district: form.district.clone() }}
                            onchange={on_place} error={err("address").or(err("province"))} />
                        <TextField id="customer-street" label={tr(lang, "customer.street")} value={form.street.clone()}
                            oninput={input("street", |f, v| f.street = v)} />
                    </div>
                </fieldset>
                <fieldset class="form-section" id="customer-section-preferences">
                    <legend>{ tr(lang, "customer.section.preferences") }</legend>
                    <div class="form-grid">
                        <CodeSelect id="customer-preferred-language" label={tr(lang, "customer.preferred_language")}
                            value={form.preferred_language.clone()} onchange={select("preferred_language", |f, v| f.preferred_language = v)}
                            options={coded_options(&PreferredLanguage::ALL, PreferredLanguage::code, lang)} error={err("preferred_language")} />
                        <CodeSelect id="customer-preferred-channel" label={tr(lang, "customer.preferred_channel")}
                            value={form.preferred_channel.clone()} onchange={select("preferred_channel", |f, v| f.preferred_channel = v)}
                            options={coded_options(&ContactChannel::ALL, ContactChannel::code, lang)} error={err("preferred_channel")} />
                        <TextField id="customer-preferred-hours" label={tr(lang, "customer.preferred_hours")}
                            value={form.preferred_hours.clone()} oninput={input("preferred_hours", |f, v| f.preferred_hours = v)}
                            error={err("preferred_hours")} />
                        <TextField id="customer-interests" label={tr(lang, "customer.interests")} value={form.interests.clone()}
                            hint={AttrValue::from(tr(lang, "customer.interests.hint"))}
                            oninput={input("interests", |f, v| f.interests = v)} error={err("interests")} />
                    </div>
                </fieldset>
                <fieldset class="form-section" id="customer-section-source">
                    <legend>{ tr(lang, "customer.section.source") }</legend>
                    <div class="form-grid">
                        <div class="field">
                            <label for="customer-source">{ tr(lang, "customer.source") }</label>
                            <select id="customer-source" onchange={select("source_channel", |f, v| f.source_channel = v)}>
                                <option value="" selected={form.source_channel.is_empty()}>{ "—" }</option>
                                { for SourceChannel::ALL.iter().map(|s| html! {
                                    <option value={s.code()} selected={form.source_channel == s.code()}>{ s.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                        <TextField id="customer-source-detail" label={tr(lang, "customer.source_detail")}
                            value={form.source_detail.clone()} oninput={input("source_detail", |f, v| f.source_detail = v)}
                            error={err("source_detail")} />
                        <CustomerPicker id="customer-referred-by" label={tr(lang, "customer.referred_by")}
                            value={form.referred_by.clone()} onchange={link("referred_by_id", |f, p| f.referred_by = p)}
                            exclude={this_id} error={err("referred_by_id")} />
                        <div class="field">
                            <label for="customer-stage">{ tr(lang, "customer.stage") }</label>
                            <select id="customer-stage" onchange={select("lifecycle_stage", |f, v| f.lifecycle_stage = v)}>
                                if !editing {
                                    <option value="" selected={form.lifecycle_stage.is_empty()}>{ "—" }</option>
                                }
                                { for LifecycleStage::ALL.iter().map(|s| html! {
                                    <option value={s.code()} selected={form.lifecycle_stage == s.code()}>{ s.label(lang) }</option>
                                }) }
                            </select>
                            <FieldErrorLine error={err("lifecycle_stage")} />
                        </div>
                        if editing && existing.as_ref().is_some_and(|c| c.lifecycle_stage.code() != form.lifecycle_stage) {
                            <TextField id="customer-stage-reason" label={tr(lang, "customer.stage_reason")}
                                value={form.stage_reason.clone()} oninput={input("stage_reason", |f, v| f.stage_reason = v)}
                                error={err("stage_reason")} />
                        }
                        <div class="field">
                            <label for="customer-relationship">{ tr(lang, "customer.relationship_type") }</label>
                            <select id="customer-relationship"
                                    onchange={select("relationship_type", |f, v| f.relationship_type = v)}>
                                <option value="" selected={form.relationship_type.is_empty()}>{ "—" }</option>
                                { for RelationshipType::ALL.iter().map(|r| html! {
                                    <option value={r.code()} selected={form.relationship_type == r.code()}>{ r.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                    </div>
                    <fieldset class="choices" id="customer-categories">
                        <legend>{ tr(lang, "customer.categories") }</legend>
                        { for CustomerCategory::ALL.iter().map(|c| html! {
                            <label class="check">
                                <input type="checkbox" data-category={c.code()} checked={form.categories.contains(c)}
                                       onchange={toggle_category(*c)} />
                                { c.label(lang) }
                            </label>
                        }) }
                    </fieldset>
                    <fieldset id="customer-external-ids"
                              class="choices ext-ids">
                        <legend>{ tr(lang, "customer.external_ids") }</legend>
                        if form.external_ids.is_empty() {
                            <p class="muted" id="customer-ext-none">{ tr(lang, "customer.external_ids.none") }</p>
                        }
                        { for form.external_ids.iter().enumerate().map(|(i, row)| {
                            let bad = ext_error.is_some() && ext_row_bad(&form.external_ids, i);
                            html! {
                                <div class={classes!("ext-row", bad.then_some("has-error"))} data-row={i.to_string()}>
                                    <input type="text" id={format!("customer-ext-system-{i}")} list="customer-ext-systems"
                                           value={row.system.clone()} oninput={ext_input(i, |r, v| r.system = v)}
                                           placeholder={tr(lang, "customer.external_ids.system")}
                                           aria-label={tr(lang, "customer.external_ids.system")}
                                           aria-invalid={bad.then_some("true")} class="ext-system" />
                                    <input type="text" id={format!("customer-ext-id-{i}")}
                                           value={row.external_id.clone()} oninput={ext_input(i, |r, v| r.external_id = v)}
                                           placeholder={tr(lang, "customer.external_ids.id")}
                                           aria-label={tr(lang, "customer.external_ids.id")}
                                           aria-invalid={bad.then_some("true")} class="ext-id" />
                                    <button type="button" class="btn btn-small btn-danger" id={format!("customer-ext-remove-{i}")}
                                            onclick={ext_remove(i)}>
                                        { tr(lang, "customer.external_ids.remove") }
                                    </button>
                                </div>
                            }
                        }) }
                        <datalist id="customer-ext-systems">
                            { for EXTERNAL_SYSTEMS.iter().map(|s| html! { <option value={*s} /> }) }
                        </datalist>
                        if let Some(code) = &ext_error {
                            <div class="field-error" id="customer-external-ids-error">{ field_error_text(lang, code) }</div>
                        } else {
                            <div class="hint">{ tr(lang, "customer.external_ids.hint") }</div>
                        }
                        <button type="button" class="btn btn-small" id="customer-ext-add" onclick={ext_add}
                                disabled={form.external_ids.len() >= MAX_EXTERNAL_IDS}>
                            { tr(lang, "customer.external_ids.add") }
                        </button>
                    </fieldset>
                </fieldset>
                <fieldset class="form-section" id="customer-section-notes">
                    <legend>{ tr(lang, "customer.section.notes") }</legend>
                    <div class="form-grid">
                        <TextField id="customer-tags" label={tr(lang, "customer.tags")} value={form.tags.clone()}
                            hint={AttrValue::from(tr(lang, "customer.tags.hint"))}
                            oninput={input("tags", |f, v| f.tags = v)} error={err("tags")} />
                        if !org {
                            <TextField id="customer-family-situation" label={tr(lang, "customer.family_situation")}
                                value={form.family_situation.clone()} oninput={input("family_situation", |f, v| f.family_situation = v)}
                                error={err("family_situation")} />
                        }
                        <TextField id="customer-notes" label={tr(lang, "customer.notes")} value={form.notes.clone()}
                            oninput={input("notes", |f, v| f.notes = v)} error={err("notes")} />
                    </div>
                </fieldset>
                // Beside the save button, where the user is when the server answers 409.
                { dup_panel }
                <div class="form-actions">
                    <button id="customer-save" type="submit" class="btn btn-primary" disabled={*busy}>
                        { if *busy { tr(lang, "common.saving") } else { tr(lang, "common.save") } }
                    </button>
                    <button type="button" class="btn" onclick={on_cancel}>{ tr(lang, "common.cancel") }</button>
                </div>
            </form>
        </section>
    }
}

fn matched_label(lang: Lang, field: &str) -> &'static str {
    match field {
        "phone" | "phones" => tr(lang, "customer.phone"),
        "id_number" => tr(lang, "customer.id_number"),
        _ => tr(lang, "customer.duplicate.other"),
    }
}
