//! The state of an edit form and its save cycle: live and server field errors, a busy submit
//! button and the problem above the form; for versioned records the create (POST) or
//! change (PATCH with If-Match), a stale write answered by showing the other user's version,
//! and `on_done` with the saved record's id.

use std::ops::Deref;

use hcrm_domain::Lang;
use hcrm_domain::api::Problem;
use hcrm_domain::api::org::{Department, Doctor, Institution, User};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::forms::{self, FieldErrors, is_stale};
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::services::Api;

/// Scrolls the element `id` into view (below the sticky top bar: the page's CSS gives form
/// fields and alerts a `scroll-margin-top`) and gives it the focus. False when it is not there.
pub fn reveal(id: &str) -> bool {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return false;
    };
    if let Ok(html) = el.clone().dyn_into::<web_sys::HtmlElement>() {
        let _ = html.focus();
    }
    el.scroll_into_view();
    true
}

/// After a refused save (issue 9 item 7): the first field marked invalid in form `form_id`
/// (`aria-invalid="true"`, in the order of the page) gets the focus and comes into view;
/// without one, the error summary `summary_id` does.
pub fn reveal_first_error(form_id: &str, summary_id: &str) {
    let first = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(form_id))
        .and_then(|f| f.query_selector("[aria-invalid='true']").ok().flatten());
    match first {
        Some(el) => {
            if let Ok(html) = el.clone().dyn_into::<web_sys::HtmlElement>() {
                let _ = html.focus();
            }
            el.scroll_into_view();
        }
        None => {
            reveal(summary_id);
        }
    }
}

/// Runs [`reveal_first_error`] after the render that follows each refusal (`refusals` counts
/// them): the fields are marked by then.
#[hook]
pub fn use_reveal_errors(form_id: &'static str, summary_id: &'static str, refusals: u32) {
    use_effect_with(refusals, move |n| {
        if *n > 0 {
            reveal_first_error(form_id, summary_id);
        }
    });
}

/// One line of an [`ErrorSummary`]: the input to jump to, its label, the error code.
#[derive(Clone, PartialEq)]
pub struct SummaryLine {
    pub target: AttrValue,
    pub label: AttrValue,
    pub code: String,
}

#[derive(Properties, PartialEq)]
pub struct ErrorSummaryProps {
    pub id: AttrValue,
    pub lines: Vec<SummaryLine>,
}

/// The errors of a refused save at the top of the form (issue 9 item 7), each a link that
/// brings its field into view with the focus.
#[component]
pub fn ErrorSummary(props: &ErrorSummaryProps) -> Html {
    let lang = use_lang();
    if props.lines.is_empty() {
        return html! {};
    }
    html! {
        <div id={props.id.clone()} class="error-summary" role="alert" tabindex="-1">
            <p>{ trf(lang, "form.error_summary", &[&props.lines.len().to_string()]) }</p>
            <ul>
                { for props.lines.iter().map(|l| {
                    let target = l.target.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        e.prevent_default();
                        reveal(&target);
                    });
                    html! {
                        <li data-field={l.target.clone()}>
                            <a href={format!("#{}", l.target)} {onclick}>
                                { l.label.clone() }{ lang.pick("：", ": ") }{ field_error_text(lang, &l.code) }
                            </a>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// A form's `onkeydown` that keeps Enter in a one-line input from submitting it (issue 9
/// item 9: a record with only a subject was saved by accident). Enter still submits from
/// the submit button, and makes new lines in a text area.
pub fn no_enter_submit() -> Callback<KeyboardEvent> {
    Callback::from(|e: KeyboardEvent| {
        if e.key() != "Enter" {
            return;
        }
        let in_line = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .is_some_and(|i| {
                !matches!(
                    i.type_().as_str(),
                    "submit" | "button" | "checkbox" | "radio"
                )
            });
        if in_line {
            e.prevent_default();
        }
    })
}

/// A record written with its version in If-Match.
pub trait Versioned {
    fn id(&self) -> Uuid;
    fn version(&self) -> i32;
}

macro_rules! versioned {
    ($($t:ty),*) => {$(
        impl Versioned for $t {
            fn id(&self) -> Uuid { self.id }
            fn version(&self) -> i32 { self.version }
        }
    )*};
}
versioned!(Institution, Department, Doctor, User);

/// What is typed into a form and what it shows about it.
pub struct FormState<F> {
    pub draft: UseStateHandle<F>,
    pub touched: UseStateHandle<Vec<&'static str>>,
    pub submitted: UseStateHandle<bool>,
    pub busy: UseStateHandle<bool>,
    pub problem: UseStateHandle<Option<Problem>>,
    /// The field errors of the last refused save, until the field is edited.
    pub server_errors: UseStateHandle<FieldErrors>,
    /// How many saves were refused (live checks or the server): [`use_reveal_errors`] brings
    /// the first error into view after each.
    pub refusals: UseStateHandle<u32>,
    pub lang: Lang,
}

impl<F> Clone for FormState<F> {
    fn clone(&self) -> Self {
        FormState {
            draft: self.draft.clone(),
            touched: self.touched.clone(),
            submitted: self.submitted.clone(),
            busy: self.busy.clone(),
            problem: self.problem.clone(),
            server_errors: self.server_errors.clone(),
            refusals: self.refusals.clone(),
            lang: self.lang,
        }
    }
}

#[hook]
pub fn use_form_state<F: 'static>(init: impl FnOnce() -> F) -> FormState<F> {
    FormState {
        draft: use_state(init),
        touched: use_state(Vec::new),
        submitted: use_state(|| false),
        busy: use_state(|| false),
        problem: use_state(|| None),
        server_errors: use_state(FieldErrors::new),
        refusals: use_state(|| 0),
        lang: use_lang(),
    }
}

impl<F: Clone + 'static> FormState<F> {
    /// The live errors of touched fields (of all once submitted).
    pub fn visible(&self, live: &FieldErrors) -> FieldErrors {
        forms::visible(live, &self.touched, *self.submitted)
    }

    /// The errors to show: [`FormState::visible`], then the server's.
    pub fn shown(&self, live: &FieldErrors) -> FieldErrors {
        let mut shown = self.visible(live);
        for (f, c) in self.server_errors.iter() {
            shown.entry(f.clone()).or_insert_with(|| c.clone());
        }
        shown
    }

    /// A text field's `oninput`: copies the value into the draft; the server's error on the
    /// field goes.
    pub fn input(&self, field: &'static str, apply: fn(&mut F, String)) -> Callback<InputEvent> {
        let server_errors = self.server_errors.clone();
        let cb = self.plain_input(field, apply);
        Callback::from(move |e: InputEvent| {
            if server_errors.contains_key(field) {
                let mut s = (*server_errors).clone();
                s.remove(field);
                server_errors.set(s);
            }
            cb.emit(e)
        })
    }

    /// As [`FormState::input`], keeping the server's error until the next save.
    pub fn plain_input(
        &self,
        field: &'static str,
        apply: fn(&mut F, String),
    ) -> Callback<InputEvent> {
        forms::text_input(self.draft.clone(), self.touched.clone(), field, apply)
    }

    /// A checkbox's `onchange`: `apply` with its state, then `fields` count as touched.
    pub fn checkbox(
        &self,
        fields: &'static [&'static str],
        apply: impl Fn(&mut F, bool) + 'static,
    ) -> Callback<Event> {
        let (draft, touched) = (self.draft.clone(), self.touched.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*draft).clone();
            apply(&mut next, input.checked());
            draft.set(next);
            forms::touch_all(&touched, fields);
        })
    }

    /// A submit starts: false (nothing to send) while the draft is invalid or a save runs.
    pub fn begin(&self, valid: bool) -> bool {
        self.submitted.set(true);
        if !valid {
            self.refusals.set(*self.refusals + 1);
        }
        if !valid || *self.busy {
            return false;
        }
        self.busy.set(true);
        self.problem.set(None);
        true
    }

    /// A save was refused: the problem above the form; duplicates (409) and validation
    /// problems name their fields.
    pub fn fail(&self, problem: Problem) {
        self.server_errors.set(forms::from_problem(&problem));
        self.problem.set(Some(problem));
        self.refusals.set(*self.refusals + 1);
    }

    /// Starts over with `draft` (a create that keeps the form open).
    pub fn reset(&self, draft: F) {
        self.draft.set(draft);
        self.touched.set(Vec::new());
        self.submitted.set(false);
        self.server_errors.set(FieldErrors::new());
    }

    pub fn banner(&self) -> Html {
        html! { <ErrorBanner problem={(*self.problem).clone()} /> }
    }

    /// The submit button: `label`, or `busy_label` while saving.
    pub fn submit(&self, id: &'static str, label: &'static str, busy_label: &'static str) -> Html {
        let busy = *self.busy;
        html! {
            <button {id} type="submit" class="btn btn-primary" disabled={busy}>
                { tr(self.lang, if busy { busy_label } else { label }) }
            </button>
        }
    }
}

/// The draft of a versioned record: how it is read from one and what is sent to create or
/// change one.
pub trait RecordDraft: Clone + 'static {
    type Record: Versioned + Clone + DeserializeOwned + 'static;
    type Create: Serialize;
    type Update: Serialize;
    /// POST creates here; `{COLLECTION}/{id}` is read (GET) and changed (PATCH).
    const COLLECTION: &'static str;
    fn read(record: &Self::Record) -> Self;
    fn create(&self) -> Self::Create;
    /// Only the fields that differ from what was read.
    fn update(&self, old: &Self::Record) -> Self::Update;
}

/// A create/edit form of a versioned record.
pub struct RecordForm<D: RecordDraft> {
    pub state: FormState<D>,
    /// The record as last read (`None` for a new one): its version goes into If-Match; a stale
    /// write replaces it with the latest.
    pub existing: Option<D::Record>,
    base: UseStateHandle<Option<D::Record>>,
    on_done: Callback<Option<Uuid>>,
    api: Api,
}

impl<D: RecordDraft> Clone for RecordForm<D> {
    fn clone(&self) -> Self {
        RecordForm {
            state: self.state.clone(),
            existing: self.existing.clone(),
            base: self.base.clone(),
            on_done: self.on_done.clone(),
            api: self.api.clone(),
        }
    }
}

impl<D: RecordDraft> Deref for RecordForm<D> {
    type Target = FormState<D>;
    fn deref(&self) -> &FormState<D> {
        &self.state
    }
}

/// `on_done` is called with the saved record's id, or `None` on cancel.
#[hook]
pub fn use_record_form<D: RecordDraft>(
    existing: Option<D::Record>,
    new: impl FnOnce() -> D,
    on_done: Callback<Option<Uuid>>,
) -> RecordForm<D> {
    let api = use_session().api;
    let base = use_state(|| existing);
    let existing = (*base).clone();
    let state = use_form_state(|| existing.as_ref().map(D::read).unwrap_or_else(new));
    RecordForm {
        state,
        existing,
        base,
        on_done,
        api,
    }
}

impl<D: RecordDraft> RecordForm<D> {
    pub fn editing(&self) -> bool {
        self.existing.is_some()
    }

    /// Saves a valid draft; a stale write (412) shows the latest version for the user to redo
    /// the edit.
    pub fn onsubmit(&self, valid: bool) -> Callback<SubmitEvent> {
        let this = self.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !this.begin(valid) {
                return;
            }
            let (this, draft) = (this.clone(), (*this.draft).clone());
            yew::platform::spawn_local(async move {
                let api = &this.api;
                let result = match &this.existing {
                    None => {
                        api.post::<D::Record, _>(D::COLLECTION, &draft.create())
                            .await
                    }
                    Some(old) => {
                        let path = format!("{}/{}", D::COLLECTION, old.id());
                        api.patch::<D::Record, _>(&path, old.version(), &draft.update(old))
                            .await
                    }
                };
                this.busy.set(false);
                match result {
                    Ok(saved) => this.on_done.emit(Some(saved.id())),
                    Err(p) => {
                        if let (true, Some(old)) = (is_stale(&p), &this.existing) {
                            let path = format!("{}/{}", D::COLLECTION, old.id());
                            if let Ok(latest) = api.get::<D::Record>(&path).await {
                                this.draft.set(D::read(&latest));
                                this.base.set(Some(latest));
                            }
                        }
                        this.fail(p);
                    }
                }
            });
        })
    }

    /// Save (`save_id`) and cancel.
    pub fn actions(&self, save_id: &'static str) -> Html {
        let on_cancel = {
            let on_done = self.on_done.clone();
            Callback::from(move |_| on_done.emit(None))
        };
        html! {
            <div class="form-actions">
                { self.submit(save_id, "common.save", "common.saving") }
                <button type="button" class="btn" onclick={on_cancel}>{ tr(self.lang, "common.cancel") }</button>
            </div>
        }
    }
}
