//! Labelled form fields with their error shown next to them (`.field-error`).

use yew::prelude::*;

use hcrm_domain::{Label, Lang};

use crate::hooks::use_lang;
use crate::i18n::field_error_text;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<InputEvent>,
    /// An error code to translate (`username`, `blank` …).
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub disabled: bool,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
}

#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let lang = use_lang();
    let error_id = format!("{}-error", props.id);
    html! {
        <div class={classes!("field", props.error.is_some().then_some("has-error"))}>
            <label for={props.id.clone()}>
                { props.label.clone() }
                if props.required { <span class="req">{ "*" }</span> }
            </label>
            <input id={props.id.clone()} type={props.kind.clone()} value={props.value.clone()}
                   oninput={props.oninput.clone()} disabled={props.disabled}
                   autocomplete={props.autocomplete.clone()}
                   aria-invalid={props.error.is_some().then_some("true")}
                   aria-describedby={props.error.is_some().then(|| error_id.clone())} />
            if let Some(code) = &props.error {
                <div class="field-error" id={error_id}>{ field_error_text(lang, code) }</div>
            } else if let Some(hint) = &props.hint {
                <div class="hint">{ hint.clone() }</div>
            }
        </div>
    }
}

/// The error line alone, for groups of checkboxes and selects.
#[derive(Properties, PartialEq)]
pub struct FieldErrorProps {
    pub error: Option<String>,
}

#[component]
pub fn FieldErrorLine(props: &FieldErrorProps) -> Html {
    let lang = use_lang();
    match &props.error {
        Some(code) => html! { <div class="field-error">{ field_error_text(lang, code) }</div> },
        None => html! {},
    }
}

/// The options of a [`CodeSelect`] for a coded enumeration of hcrm-domain: each code with its
/// label in `lang` (X-12: never the code itself).
pub fn coded_options<T: Label + Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    lang: Lang,
) -> Vec<(AttrValue, AttrValue)> {
    all.iter()
        .map(|&v| (AttrValue::from(code(v)), AttrValue::from(v.label(lang))))
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct CodeSelectProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// The code chosen, "" for none.
    pub value: String,
    pub onchange: Callback<Event>,
    /// `(code, label)`, in display order ([`coded_options`]).
    pub options: Vec<(AttrValue, AttrValue)>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub disabled: bool,
}

/// A labelled select of an enumeration with "—" for none and its error beside it (issue 9
/// item 7: enumerations are chosen, not typed). A stored value that is no option stays
/// shown as it is until another is chosen.
#[component]
pub fn CodeSelect(props: &CodeSelectProps) -> Html {
    let lang = use_lang();
    let error_id = format!("{}-error", props.id);
    let known = props.options.iter().any(|(c, _)| c.as_str() == props.value);
    html! {
        <div class={classes!("field", props.error.is_some().then_some("has-error"))}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <select id={props.id.clone()} onchange={props.onchange.clone()} disabled={props.disabled}
                    aria-invalid={props.error.is_some().then_some("true")}
                    aria-describedby={props.error.is_some().then(|| error_id.clone())}>
                <option value="" selected={props.value.is_empty()}>{ "—" }</option>
                { for props.options.iter().map(|(code, label)| html! {
                    <option value={code.clone()} selected={code.as_str() == props.value}>{ label.clone() }</option>
                }) }
                if !known && !props.value.is_empty() {
                    <option value={props.value.clone()} selected=true>{ props.value.clone() }</option>
                }
            </select>
            if let Some(code) = &props.error {
                <div class="field-error" id={error_id}>{ field_error_text(lang, code) }</div>
            }
        </div>
    }
}
