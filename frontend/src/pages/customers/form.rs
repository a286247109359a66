//! Create and edit a customer (CUS-1 … CUS-8, CUS-10) with live validation in both languages:
//! the resident ID's checksum, birth date and gender, mobiles, e-mail, the USCC of
//! organizations; a possible duplicate (409) lists the matches and may be created anyway; an
//! edit is guarded by the version read (X-7).

use chrono::NaiveDate;
use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::{
    Address, Customer, CustomerCreate, CustomerUpdate, ExternalId, consistency,
};
use hcrm_domain::customer::{
    ContactChannel, CustomerCategory, CustomerKind, Gender, IdType, LifecycleStage,
    RelationshipType, SourceChannel, parse_resident_id,
};
use hcrm_domain::{Label, Lang};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::field::{FieldErrorLine, TextField};
use crate::forms::{self, FieldErrors, is_stale, opt};
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::pages::customers::picker::{CustomerPicker, Picked};
use crate::pages::customers::search::CustomerLink;

/// How many external ids a customer may have (`CustomerCreate::external_ids`).
const MAX_EXTERNAL_IDS: usize = 10;
/// How many interests a customer may have (`CustomerCreate::interests`).
const MAX_INTERESTS: usize = 20;
/// Systems offered as suggestions for an external id (any other may be typed).
const EXTERNAL_SYSTEMS: [&str; 5] = ["his", "emr", "lis", "pacs", "wechat"];

/// One row of the external id editor, as typed.
#[derive(Clone, PartialEq, Default)]
struct ExtRow {
    system: String,
    external_id: String,
}

impl ExtRow {
    fn is_blank(&self) -> bool {
        self.system.trim().is_empty() && self.external_id.trim().is_empty()
    }

    /// One part given, the other not.
    fn is_incomplete(&self) -> bool {
        self.system.trim().is_empty() != self.external_id.trim().is_empty()
    }
}

#[derive(Clone, PartialEq, Default)]
struct Draft {
    kind: String,
    name: String,
    gender: String,
    birth_date: String,
    id_type: String,
    id_number: String,
    phone: String,
    phone2: String,
    email: String,
    wechat: String,
    form_of_address: String,
    occupation: String,
    source_channel: String,
    categories: Vec<CustomerCategory>,
    tags: String,
    lifecycle_stage: String,
    stage_reason: String,
    relationship_type: String,
    uscc: String,
    industry: String,
    city: String,
    district: String,
    street: String,
    notes: String,
    province: String,
    card_number: String,
    landline: String,
    qq: String,
    education: String,
    marital_status: String,
    family_situation: String,
    preferred_language: String,
    preferred_channel: String,
    preferred_hours: String,
    source_detail: String,
    org_size: String,
    /// The organization the person works for (individuals only).
    employer: Option<Picked>,
    referred_by: Option<Picked>,
    /// Interests as typed, separated by commas, 、 or semicolons.
    interests: String,
    external_ids: Vec<ExtRow>,
}

fn code_opt<T>(s: &str, from: fn(&str) -> Option<T>) -> Option<T> {
    from(s)
}

impl Draft {
    fn from_customer(c: &Customer) -> Draft {
        let code = |s: Option<&'static str>| s.unwrap_or_default().to_string();
        Draft {
            kind: c.kind.code().into(),
            name: c.name.clone(),
            gender: code(c.gender.map(|g| g.code())),
            birth_date: c.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            id_type: code(c.id_type.map(|t| t.code())),
            id_number: c.id_number.clone().unwrap_or_default(),
            phone: c.phones.first().cloned().unwrap_or_default(),
            phone2: c.phones.get(1).cloned().unwrap_or_default(),
            email: c.email.clone().unwrap_or_default(),
            wechat: c.wechat.clone().unwrap_or_default(),
            form_of_address: if c.form_of_address_custom {
                c.form_of_address.clone()
            } else {
                String::new()
            },
            occupation: c.occupation.clone().unwrap_or_default(),
            source_channel: code(c.source_channel.map(|s| s.code())),
            categories: c.categories.clone(),
            tags: c.tags.join("，"),
            lifecycle_stage: c.lifecycle_stage.code().into(),
            stage_reason: String::new(),
            relationship_type: code(c.relationship_type.map(|r| r.code())),
            uscc: c.uscc.clone().unwrap_or_default(),
            industry: c.industry.clone().unwrap_or_default(),
            city: c.address.city.clone().unwrap_or_default(),
            district: c.address.district.clone().unwrap_or_default(),
            street: c.address.street.clone().unwrap_or_default(),
            notes: c.notes.clone().unwrap_or_default(),
            province: c.address.province.clone().unwrap_or_default(),
            card_number: c.card_number.clone().unwrap_or_default(),
            landline: c.landline.clone().unwrap_or_default(),
            qq: c.qq.clone().unwrap_or_default(),
            education: c.education.clone().unwrap_or_default(),
            marital_status: c.marital_status.clone().unwrap_or_default(),
            family_situation: c.family_situation.clone().unwrap_or_default(),
            preferred_language: c.preferred_language.clone().unwrap_or_default(),
            preferred_channel: c.preferred_channel.clone().unwrap_or_default(),
            preferred_hours: c.preferred_hours.clone().unwrap_or_default(),
            source_detail: c.source_detail.clone().unwrap_or_default(),
            org_size: c.org_size.clone().unwrap_or_default(),
            employer: c.employer_id.map(|id| Picked {
                id,
                name: c.employer_name.clone().unwrap_or_default(),
            }),
            referred_by: c.referred_by_id.map(|id| Picked {
                id,
                name: c.referred_by_name.clone().unwrap_or_default(),
            }),
            interests: c.interests.join("，"),
            external_ids: c
                .external_ids
                .iter()
                .map(|e| ExtRow {
                    system: e.system.clone(),
                    external_id: e.external_id.clone(),
                })
                .collect(),
        }
    }

    fn kind(&self) -> CustomerKind {
        CustomerKind::from_code(&self.kind).unwrap_or(CustomerKind::Individual)
    }

    fn phones(&self) -> Vec<String> {
        [&self.phone, &self.phone2]
            .into_iter()
            .filter_map(|p| opt(p))
            .collect()
    }

    fn tags(&self) -> Vec<String> {
        self.tags
            .split([',', '，', '、', ';', '；'])
            .filter_map(opt)
            .collect()
    }

    /// The interests, trimmed, without empties and repeats, in the order typed.
    fn interests(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in self
            .interests
            .split([',', '，', '、', ';', '；'])
            .filter_map(opt)
        {
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    /// The external ids, trimmed; rows left blank are dropped.
    fn external_ids(&self) -> Vec<ExternalId> {
        self.external_ids
            .iter()
            .filter(|r| !r.is_blank())
            .map(|r| ExternalId {
                system: r.system.trim().to_string(),
                external_id: r.external_id.trim().to_string(),
            })
            .collect()
    }

    fn birth_date(&self) -> Option<NaiveDate> {
        opt(&self.birth_date).and_then(|d| d.parse().ok())
    }

    fn address(&self) -> Address {
        Address {
            province: opt(&self.province),
            city: opt(&self.city),
            district: opt(&self.district),
            street: opt(&self.street),
        }
    }

    fn create(&self) -> CustomerCreate {
        let org = self.kind() == CustomerKind::Organization;
        CustomerCreate {
            institution_id: None,
            kind: self.kind(),
            name: self.name.trim().to_string(),
            gender: if org {
                None
            } else {
                code_opt(&self.gender, Gender::from_code)
            },
            birth_date: if org { None } else { self.birth_date() },
            id_type: if org {
                None
            } else {
                code_opt(&self.id_type, IdType::from_code)
            },
            id_number: if org { None } else { opt(&self.id_number) },
            card_number: opt(&self.card_number),
            phones: self.phones(),
            landline: opt(&self.landline),
            wechat: opt(&self.wechat),
            qq: opt(&self.qq),
            email: opt(&self.email),
            address: self.address(),
            occupation: if org { None } else { opt(&self.occupation) },
            employer_id: if org {
                None
            } else {
                self.employer.as_ref().map(|p| p.id)
            },
            education: if org { None } else { opt(&self.education) },
            marital_status: if org { None } else { opt(&self.marital_status) },
            family_situation: if org {
                None
            } else {
                opt(&self.family_situation)
            },
            form_of_address: opt(&self.form_of_address),
            preferred_language: opt(&self.preferred_language),
            preferred_channel: opt(&self.preferred_channel),
            preferred_hours: opt(&self.preferred_hours),
            source_channel: code_opt(&self.source_channel, SourceChannel::from_code),
            source_detail: opt(&self.source_detail),
            referred_by_id: self.referred_by.as_ref().map(|p| p.id),
            interests: self.interests(),
            categories: self.categories.clone(),
            tags: self.tags(),
            lifecycle_stage: code_opt(&self.lifecycle_stage, LifecycleStage::from_code),
            relationship_type: code_opt(&self.relationship_type, RelationshipType::from_code),
            account_manager_id: None,
            notes: opt(&self.notes),
            uscc: if org {
                opt(&self.uscc).map(|u| u.to_uppercase())
            } else {
                None
            },
            industry: if org { opt(&self.industry) } else { None },
            org_size: if org { opt(&self.org_size) } else { None },
            external_ids: self.external_ids(),
        }
    }

    /// Only what changed against the record read.
    fn update(&self, old: &Customer) -> CustomerUpdate {
        let new = self.create();
        let mut u = CustomerUpdate::default();
        macro_rules! diff {
            ($field:ident) => {
                if new.$field != old.$field {
                    u.$field = Some(new.$field.clone());
                }
            };
        }
        if new.name != old.name {
            u.name = Some(new.name.clone());
        }
        diff!(gender);
        diff!(birth_date);
        diff!(wechat);
        diff!(email);
        diff!(occupation);
        diff!(source_channel);
        diff!(relationship_type);
        diff!(notes);
        diff!(uscc);
        diff!(industry);
        diff!(card_number);
        diff!(qq);
        diff!(education);
        diff!(marital_status);
        diff!(family_situation);
        diff!(preferred_language);
        diff!(preferred_channel);
        diff!(preferred_hours);
        diff!(source_detail);
        diff!(org_size);
        diff!(employer_id);
        diff!(referred_by_id);
        if new.interests != old.interests {
            u.interests = Some(new.interests.clone());
        }
        // The API answers external ids sorted; only a different set is a change.
        let sorted = |list: &[ExternalId]| {
            let mut list = list.to_vec();
            list.sort_by(|a, b| (&a.system, &a.external_id).cmp(&(&b.system, &b.external_id)));
            list
        };
        if sorted(&new.external_ids) != sorted(&old.external_ids) {
            u.external_ids = Some(new.external_ids.clone());
        }
        if !old.masked {
            diff!(landline);
        }
        if !old.masked {
            diff!(id_type);
            diff!(id_number);
            if new.phones != old.phones {
                u.phones = Some(new.phones.clone());
            }
        }
        if new.address != old.address {
            u.address = Some(new.address.clone());
        }
        if new.categories != old.categories {
            u.categories = Some(new.categories.clone());
        }
        if new.tags != old.tags {
            u.tags = Some(new.tags.clone());
        }
        let custom = opt(&self.form_of_address);
        if custom.is_some() && custom.as_deref() != Some(old.form_of_address.as_str()) {
            u.form_of_address = Some(custom);
        } else if custom.is_none() && old.form_of_address_custom {
            u.form_of_address = Some(None);
        }
        if let Some(stage) = new.lifecycle_stage
            && stage != old.lifecycle_stage
        {
            u.lifecycle_stage = Some(stage);
            u.stage_reason = opt(&self.stage_reason);
        }
        u
    }
}

/// The live checks of the form, the same rules as `CustomerCreate`'s validation but without
/// calling its derive: that would link the `validator` crate's e-mail check (regex and IDNA
/// tables, hundreds of KB of wasm; PERF-7). The server checks everything again.
fn live_errors(d: &Draft, masked: bool) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let mut put = |field: &str, code: &str| {
        errors
            .entry(field.to_string())
            .or_insert_with(|| code.to_string());
    };
    let c = d.create();
    let chars = |s: &str| s.chars().count();
    if c.name.trim().is_empty() {
        put("name", "blank");
    } else if chars(&c.name) > 100 {
        put("name", "length");
    }
    if opt(&d.birth_date).is_some() && d.birth_date().is_none() {
        put("birth_date", "date");
    }
    if !masked {
        for (field, value) in [("phone", &d.phone), ("phone2", &d.phone2)] {
            if opt(value).is_some_and(|p| hcrm_domain::validation::mobile(&p).is_err()) {
                put(field, "mobile");
            }
        }
        if c.landline
            .as_deref()
            .is_some_and(|l| hcrm_domain::validation::phone(l).is_err())
        {
            put("landline", "phone");
        }
        if c.id_number.as_deref().is_some_and(|n| chars(n) > 30) {
            put("id_number", "length");
        }
    }
    if let Some(e) = &c.email
        && !looks_like_email(e)
    {
        put("email", "email");
    }
    if c.tags.iter().any(|t| chars(t) > 20) {
        put("tags", "tag");
    } else if c.tags.len() > 30 {
        put("tags", "length");
    }
    if c.interests.len() > MAX_INTERESTS {
        put("interests", "interests");
    }
    let ext = &c.external_ids;
    if d.external_ids.iter().any(ExtRow::is_incomplete) {
        put("external_ids", "external_id_incomplete");
    } else if ext.len() > MAX_EXTERNAL_IDS
        || ext
            .iter()
            .any(|e| chars(&e.system) > 30 || chars(&e.external_id) > 64)
    {
        put("external_ids", "length");
    } else if ext.iter().enumerate().any(|(i, e)| ext[..i].contains(e)) {
        put("external_ids", "external_id_repeated");
    }
    for (field, value, max) in [
        ("wechat", &c.wechat, 50),
        ("occupation", &c.occupation, 50),
        ("industry", &c.industry, 50),
        ("form_of_address", &c.form_of_address, 30),
        ("notes", &c.notes, 2000),
        ("card_number", &c.card_number, 30),
        ("qq", &c.qq, 20),
        ("education", &c.education, 30),
        ("marital_status", &c.marital_status, 30),
        ("family_situation", &c.family_situation, 500),
        ("preferred_language", &c.preferred_language, 20),
        ("preferred_channel", &c.preferred_channel, 20),
        ("preferred_hours", &c.preferred_hours, 50),
        ("source_detail", &c.source_detail, 200),
        ("org_size", &c.org_size, 30),
        ("province", &c.address.province, 30),
    ] {
        if value.as_deref().is_some_and(|v| chars(v) > max) {
            put(field, "length");
        }
    }
    // ID number checksum / birth date / gender, USCC (hcrm-domain's own rule).
    let id_number = if masked { None } else { c.id_number.as_deref() };
    if let Err(e) = consistency(
        c.kind,
        c.id_type,
        id_number,
        c.birth_date,
        c.gender,
        c.uscc.as_deref(),
    ) {
        let field = e
            .params
            .get("field")
            .and_then(|v| v.as_str())
            .unwrap_or("id_number")
            .to_string();
        put(&field, &e.code);
    }
    errors
}

/// `local@domain.tld`, no spaces: enough for live feedback (the server validates fully).
fn looks_like_email(e: &str) -> bool {
    let mut parts = e.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && !e.chars().any(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        _ => false,
    }
}

/// Drops the API's error on a field once the user changes it.
fn forget_server_error(errors: &UseStateHandle<FieldErrors>, field: &str) {
    if errors.contains_key(field) {
        let mut next = (**errors).clone();
        next.remove(field);
        errors.set(next);
    }
}

/// A row of the external id editor that the live checks object to.
fn ext_row_bad(rows: &[ExtRow], i: usize) -> bool {
    let Some(row) = rows.get(i) else {
        return false;
    };
    let key = |r: &ExtRow| {
        (
            r.system.trim().to_string(),
            r.external_id.trim().to_string(),
        )
    };
    row.is_incomplete()
        || row.system.trim().chars().count() > 30
        || row.external_id.trim().chars().count() > 64
        || (!row.is_blank() && rows[..i].iter().any(|r| key(r) == key(row)))
}

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

    {
        let (api, existing, form, problem) = (
            session.api.clone(),
            existing.clone(),
            form.clone(),
            problem.clone(),
        );
        use_effect_with(props.id, move |id| {
            if let Some(id) = *id {
                yew::platform::spawn_local(async move {
                    match api.get::<Customer>(&format!("/customers/{id}")).await {
                        Ok(c) => {
                            form.set(Draft::from_customer(&c));
                            existing.set(Some(c));
                        }
                        Err(p) => problem.set(Some(p)),
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
        let (form, submitted, busy, problem, server_errors, existing) = (
            form.clone(),
            submitted.clone(),
            busy.clone(),
            problem.clone(),
            server_errors.clone(),
            existing.clone(),
        );
        let (api, navigator) = (session.api.clone(), navigator.clone());
        let valid = live.is_empty();
        Callback::from(move |confirm_duplicate: bool| {
            submitted.set(true);
            if !valid || *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (form, busy, problem, server_errors, existing, api, navigator) = (
                form.clone(),
                busy.clone(),
                problem.clone(),
                server_errors.clone(),
                existing.clone(),
                api.clone(),
                navigator.clone(),
            );
            yew::platform::spawn_local(async move {
                let old = (*existing).clone();
                let result = match &old {
                    None => {
                        let path = if confirm_duplicate {
                            "/customers?confirm_duplicate=true"
                        } else {
                            "/customers"
                        };
                        api.post::<Customer, _>(path, &form.create()).await
                    }
                    Some(old) => {
                        let path = format!("/customers/{}", old.id);
                        api.patch::<Customer, _>(&path, old.version, &form.update(old))
                            .await
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
                        if let (true, Some(old)) = (is_stale(&p), &old) {
                            let path = format!("/customers/{}", old.id);
                            if let Ok(latest) = api.get::<Customer>(&path).await {
                                form.set(Draft::from_customer(&latest));
                                existing.set(Some(latest));
                            }
                        }
                        server_errors.set(forms::from_problem(&p));
                        problem.set(Some(p));
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
            let today = chrono::Utc::now().date_naive();
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

    html! {
        <section class="page">
            <form class="panel form" id="customer-form" {onsubmit} novalidate=true autocomplete="off">
                <h3>{ tr(lang, if editing { "customer.edit" } else { "customer.new" }) }</h3>
                if stale {
                    <div id="customer-stale" class="error-banner" role="alert" data-code="stale">
                        { tr(lang, "problem.stale") }
                    </div>
                } else if duplicates.is_empty() {
                    <ErrorBanner problem={(*problem).clone()} />
                }
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
                if masked {
                    <p class="hint" id="customer-masked-note">{ tr(lang, "customer.masked.edit") }</p>
                }
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
                        <div class={classes!("field", err("gender").is_some().then_some("has-error"))}>
                            <label for="customer-gender">{ tr(lang, "customer.gender") }</label>
                            <select id="customer-gender" onchange={select("gender", |f, v| f.gender = v)}>
                                <option value="" selected={form.gender.is_empty()}>{ "—" }</option>
                                { for Gender::ALL.iter().map(|g| html! {
                                    <option value={g.code()} selected={form.gender == g.code()}>{ g.label(lang) }</option>
                                }) }
                            </select>
                            <FieldErrorLine error={err("gender")} />
                        </div>
                        <TextField id="customer-birth-date" label={tr(lang, "customer.birth_date")} kind="date"
                            value={form.birth_date.clone()} oninput={input("birth_date", |f, v| f.birth_date = v)}
                            error={err("birth_date")} />
                        <div class="field">
                            <label for="customer-id-type">{ tr(lang, "customer.id_type") }</label>
                            <select id="customer-id-type" disabled={masked}
                                    onchange={select("id_type", |f, v| f.id_type = v)}>
                                { for IdType::ALL.iter().map(|t| html! {
                                    <option value={t.code()} selected={form.id_type == t.code()}>{ t.label(lang) }</option>
                                }) }
                            </select>
                        </div>
                        <TextField id="customer-id-number" label={tr(lang, "customer.id_number")}
                            value={form.id_number.clone()} disabled={masked}
                            oninput={input("id_number", |f, v| f.id_number = v.trim().to_uppercase())}
                            error={err("id_number")} hint={id_hint} />
                    }
                    <TextField id="customer-phone" label={tr(lang, "customer.phone")} kind="tel"
                        value={form.phone.clone()} disabled={masked}
                        oninput={input("phone", |f, v| f.phone = v)} error={err("phone")} />
                    <TextField id="customer-phone2" label={tr(lang, "customer.phone2")} kind="tel"
                        value={form.phone2.clone()} disabled={masked}
                        oninput={input("phone2", |f, v| f.phone2 = v)} error={err("phone2")} />
                    <TextField id="customer-landline" label={tr(lang, "customer.landline")} kind="tel"
                        value={form.landline.clone()} disabled={masked}
                        oninput={input("landline", |f, v| f.landline = v)} error={err("landline")} />
                    <TextField id="customer-card-number" label={tr(lang, "customer.card_number")}
                        value={form.card_number.clone()}
                        oninput={input("card_number", |f, v| f.card_number = v)} error={err("card_number")} />
                    <TextField id="customer-email" label={tr(lang, "customer.email")} kind="email"
                        value={form.email.clone()} oninput={input("email", |f, v| f.email = v)} error={err("email")} />
                    <TextField id="customer-wechat" label={tr(lang, "customer.wechat")}
                        value={form.wechat.clone()} oninput={input("wechat", |f, v| f.wechat = v)} error={err("wechat")} />
                    <TextField id="customer-qq" label={tr(lang, "customer.qq")}
                        value={form.qq.clone()} oninput={input("qq", |f, v| f.qq = v)} error={err("qq")} />
                    <TextField id="customer-form-of-address" label={tr(lang, "customer.form_of_address")}
                        value={form.form_of_address.clone()} hint={AttrValue::from(tr(lang, "customer.form_of_address.hint"))}
                        oninput={input("form_of_address", |f, v| f.form_of_address = v)} error={err("form_of_address")} />
                    if org {
                        <TextField id="customer-uscc" label={tr(lang, "customer.uscc")} value={form.uscc.clone()}
                            oninput={input("uscc", |f, v| f.uscc = v.trim().to_uppercase())} error={err("uscc")} />
                        <TextField id="customer-industry" label={tr(lang, "customer.industry")}
                            value={form.industry.clone()} oninput={input("industry", |f, v| f.industry = v)}
                            error={err("industry")} />
                        <TextField id="customer-org-size" label={tr(lang, "customer.org_size")}
                            value={form.org_size.clone()} oninput={input("org_size", |f, v| f.org_size = v)}
                            error={err("org_size")} />
                    } else {
                        <TextField id="customer-occupation" label={tr(lang, "customer.occupation")}
                            value={form.occupation.clone()} oninput={input("occupation", |f, v| f.occupation = v)}
                            error={err("occupation")} />
                        <TextField id="customer-education" label={tr(lang, "customer.education")}
                            value={form.education.clone()} oninput={input("education", |f, v| f.education = v)}
                            error={err("education")} />
                        <TextField id="customer-marital-status" label={tr(lang, "customer.marital_status")}
                            value={form.marital_status.clone()} oninput={input("marital_status", |f, v| f.marital_status = v)}
                            error={err("marital_status")} />
                        <TextField id="customer-family-situation" label={tr(lang, "customer.family_situation")}
                            value={form.family_situation.clone()} oninput={input("family_situation", |f, v| f.family_situation = v)}
                            error={err("family_situation")} />
                        <CustomerPicker id="customer-employer" label={tr(lang, "customer.employer")}
                            value={form.employer.clone()} onchange={link("employer_id", |f, p| f.employer = p)}
                            kind={CustomerKind::Organization} exclude={this_id}
                            hint={AttrValue::from(tr(lang, "customer.employer.hint"))} error={err("employer_id")} />
                    }
                    <TextField id="customer-province" label={tr(lang, "customer.province")} value={form.province.clone()}
                        oninput={input("province", |f, v| f.province = v)} error={err("province")} />
                    <TextField id="customer-city" label={tr(lang, "customer.city")} value={form.city.clone()}
                        oninput={input("city", |f, v| f.city = v)} error={err("address")} />
                    <TextField id="customer-district" label={tr(lang, "customer.district")} value={form.district.clone()}
                        oninput={input("district", |f, v| f.district = v)} />
                    <TextField id="customer-street" label={tr(lang, "customer.street")} value={form.street.clone()}
                        oninput={input("street", |f, v| f.street = v)} />
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
                    <TextField id="customer-preferred-language" label={tr(lang, "customer.preferred_language")}
                        value={form.preferred_language.clone()} oninput={input("preferred_language", |f, v| f.preferred_language = v)}
                        error={err("preferred_language")} />
                    // A contact channel's code; words stored before (an import, the API) stay
                    // choosable as they are.
                    <div class="field">
                        <label for="customer-preferred-channel">{ tr(lang, "customer.preferred_channel") }</label>
                        <select id="customer-preferred-channel" onchange={select("preferred_channel", |f, v| f.preferred_channel = v)}>
                            <option value="" selected={form.preferred_channel.is_empty()}>{ "—" }</option>
                            { for ContactChannel::ALL.iter().map(|c| html! {
                                <option value={c.code()} selected={form.preferred_channel == c.code()}>{ c.label(lang) }</option>
                            }) }
                            if !form.preferred_channel.is_empty() && ContactChannel::from_code(&form.preferred_channel).is_none() {
                                <option value={form.preferred_channel.clone()} selected=true>{ form.preferred_channel.clone() }</option>
                            }
                        </select>
                        <FieldErrorLine error={err("preferred_channel")} />
                    </div>
                    <TextField id="customer-preferred-hours" label={tr(lang, "customer.preferred_hours")}
                        value={form.preferred_hours.clone()} oninput={input("preferred_hours", |f, v| f.preferred_hours = v)}
                        error={err("preferred_hours")} />
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
                    <TextField id="customer-tags" label={tr(lang, "customer.tags")} value={form.tags.clone()}
                        hint={AttrValue::from(tr(lang, "customer.tags.hint"))}
                        oninput={input("tags", |f, v| f.tags = v)} error={err("tags")} />
                    <TextField id="customer-interests" label={tr(lang, "customer.interests")} value={form.interests.clone()}
                        hint={AttrValue::from(tr(lang, "customer.interests.hint"))}
                        oninput={input("interests", |f, v| f.interests = v)} error={err("interests")} />
                    <TextField id="customer-notes" label={tr(lang, "customer.notes")} value={form.notes.clone()}
                        oninput={input("notes", |f, v| f.notes = v)} error={err("notes")} />
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

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(f: impl FnOnce(&mut Draft)) -> Draft {
        let mut d = Draft {
            kind: "individual".into(),
            id_type: "resident_id".into(),
            name: "王建国".into(),
            ..Draft::default()
        };
        f(&mut d);
        d
    }

    fn code(d: &Draft, field: &str) -> Option<String> {
        live_errors(d, false).get(field).cloned()
    }

    #[test]
    fn resident_id_checksum_birth_date_and_gender() {
        assert!(live_errors(&draft(|_| {}), false).is_empty());
        let bad = draft(|d| d.id_number = "110105194912310021".into());
        assert_eq!(code(&bad, "id_number").as_deref(), Some("id_checksum"));
        let ok = draft(|d| {
            d.id_number = "11010519491231002X".into();
            d.gender = "female".into();
            d.birth_date = "1949-12-31".into();
        });
        assert!(live_errors(&ok, false).is_empty());
        let other_day = draft(|d| {
            d.id_number = "11010519491231002X".into();
            d.birth_date = "1950-01-01".into();
        });
        assert_eq!(
            code(&other_day, "birth_date").as_deref(),
            Some("id_birth_date_mismatch")
        );
        let male = draft(|d| {
            d.id_number = "11010519491231002X".into();
            d.gender = "male".into();
        });
        assert_eq!(code(&male, "gender").as_deref(), Some("id_gender_mismatch"));
        // Masked numbers are not checked (they are not sent either).
        let masked = draft(|d| d.id_number = "110***********002X".into());
        assert!(live_errors(&masked, true).is_empty());
    }

    #[test]
    fn phones_email_uscc_and_name() {
        let d = draft(|d| {
            d.name = " ".into();
            d.phone2 = "12345678901".into();
            d.email = "not-mail".into();
        });
        let e = live_errors(&d, false);
        assert_eq!(e.get("name").map(String::as_str), Some("blank"));
        assert_eq!(e.get("phone2").map(String::as_str), Some("mobile"));
        assert_eq!(e.get("email").map(String::as_str), Some("email"));
        assert!(!e.contains_key("phone"));
        let org = draft(|d| {
            d.kind = "organization".into();
            d.uscc = "91350100M000100Y44".into();
        });
        assert_eq!(code(&org, "uscc").as_deref(), Some("uscc_checksum"));
        let org_ok = draft(|d| {
            d.kind = "organization".into();
            d.uscc = "91350100M000100Y43".into();
            d.id_number = "110105194912310021".into(); // ignored for organizations
        });
        assert!(live_errors(&org_ok, false).is_empty());
        assert!(looks_like_email("wang@example.com"));
        assert!(!looks_like_email("wang@example"));
        assert!(!looks_like_email("a b@example.com"));
    }

    /// A customer as the API answers it (masked numbers).
    fn sample() -> Customer {
        serde_json::from_str(
            r#"{
            "id": "01a213bd-9855-7399-80ae-bf4dd6a21692",
            "institution_id": "01a213bd-9855-7399-80ae-bf4dd6a21692",
            "kind": "individual", "name": "王建国", "gender": null, "birth_date": null,
            "age": null, "id_type": null, "id_number": null, "card_number": null,
            "phones": ["138****5678"], "landline": null, "wechat": null, "qq": null,
            "email": null, "address": {}, "occupation": null, "employer_id": null,
            "education": null, "marital_status": null, "family_situation": null,
            "form_of_address": "王先生", "form_of_address_custom": false,
            "preferred_language": null, "preferred_channel": null, "preferred_hours": null,
            "source_channel": null, "source_detail": null, "referred_by_id": null,
            "interests": [], "categories": [], "tags": ["高血压"],
            "lifecycle_stage": "potential", "relationship_type": null,
            "account_manager_id": null, "notes": null, "uscc": null, "industry": null,
            "org_size": null, "external_ids": [], "masked": true, "version": 3,
            "created_at": "2026-11-25T08:00:00Z", "updated_at": "2026-11-25T08:00:00Z"
        }"#,
        )
        .unwrap()
    }

    #[test]
    fn update_sends_only_changes() {
        let c = sample();
        let mut d = Draft::from_customer(&c);
        d.wechat = "wx_1".into();
        d.lifecycle_stage = "current".into();
        d.stage_reason = "首次就诊".into();
        let u = serde_json::to_value(d.update(&c)).unwrap();
        assert_eq!(
            u,
            serde_json::json!({"wechat": "wx_1", "lifecycle_stage": "current", "stage_reason": "首次就诊"})
        );
    }

    #[test]
    fn links_interests_and_external_ids_are_sent() {
        let org = Uuid::from_u128(1);
        let referrer = Uuid::from_u128(2);
        let d = draft(|d| {
            d.employer = Some(Picked {
                id: org,
                name: "北京科技公司".into(),
            });
            d.referred_by = Some(Picked::new(referrer));
            d.interests = " 书法，太极、书法; ,".into();
            d.external_ids = vec![
                ExtRow {
                    system: " his ".into(),
                    external_id: "P20261125001".into(),
                },
                ExtRow::default(),
            ];
        });
        assert!(live_errors(&d, false).is_empty());
        let body = serde_json::to_value(d.create()).unwrap();
        assert_eq!(body["employer_id"], serde_json::json!(org));
        assert_eq!(body["referred_by_id"], serde_json::json!(referrer));
        assert_eq!(body["interests"], serde_json::json!(["书法", "太极"]));
        assert_eq!(
            body["external_ids"],
            serde_json::json!([{"system": "his", "external_id": "P20261125001"}])
        );
        // An organization has no employer.
        let mut o = d.clone();
        o.kind = "organization".into();
        assert_eq!(o.create().employer_id, None);
    }

    #[test]
    fn update_sets_and_clears_links_and_lists() {
        let mut c = sample();
        let (org, referrer) = (Uuid::from_u128(1), Uuid::from_u128(2));
        c.employer_id = Some(org);
        c.interests = vec!["书法".into()];
        c.external_ids = vec![
            ExternalId {
                system: "his".into(),
                external_id: "P1".into(),
            },
            ExternalId {
                system: "pacs".into(),
                external_id: "X9".into(),
            },
        ];
        // Unchanged (even with the rows in another order): nothing to send.
        let mut same = Draft::from_customer(&c);
        same.external_ids.reverse();
        assert_eq!(
            serde_json::to_value(same.update(&c)).unwrap(),
            serde_json::json!({})
        );
        let mut d = Draft::from_customer(&c);
        assert_eq!(d.employer, Some(Picked::new(org)));
        assert_eq!(d.interests, "书法");
        d.employer = None;
        d.referred_by = Some(Picked::new(referrer));
        d.interests = "书法、太极".into();
        d.external_ids.remove(1);
        assert_eq!(
            serde_json::to_value(d.update(&c)).unwrap(),
            serde_json::json!({
                "employer_id": null,
                "referred_by_id": referrer,
                "interests": ["书法", "太极"],
                "external_ids": [{"system": "his", "external_id": "P1"}]
            })
        );
        // Clearing the lists sends empty lists.
        d.interests = " ".into();
        d.external_ids.clear();
        let u = serde_json::to_value(d.update(&c)).unwrap();
        assert_eq!(u["interests"], serde_json::json!([]));
        assert_eq!(u["external_ids"], serde_json::json!([]));
    }

    #[test]
    fn external_id_rows_are_checked() {
        let row = |system: &str, id: &str| ExtRow {
            system: system.into(),
            external_id: id.into(),
        };
        let half = draft(|d| d.external_ids = vec![row("his", " ")]);
        assert_eq!(
            code(&half, "external_ids").as_deref(),
            Some("external_id_incomplete")
        );
        assert!(ext_row_bad(&half.external_ids, 0));
        let twice = draft(|d| d.external_ids = vec![row("his", "P1"), row(" his", "P1 ")]);
        assert_eq!(
            code(&twice, "external_ids").as_deref(),
            Some("external_id_repeated")
        );
        assert!(!ext_row_bad(&twice.external_ids, 0));
        assert!(ext_row_bad(&twice.external_ids, 1));
        let long = draft(|d| d.external_ids = vec![row("his", &"9".repeat(65))]);
        assert_eq!(code(&long, "external_ids").as_deref(), Some("length"));
        let many =
            draft(|d| d.interests = (0..21).map(|i| i.to_string()).collect::<Vec<_>>().join(","));
        assert_eq!(code(&many, "interests").as_deref(), Some("interests"));
    }
}
