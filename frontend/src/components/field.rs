//! Labelled form fields with their error shown next to them (`.field-error`).

use yew::prelude::*;

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
