//! Pick a customer by typing, for a link of the customer form (employer, referrer): the home
//! box's search (debounced, stale answers dropped) in a drop-down; the pick is shown by name
//! with a clear button. Enter never submits the surrounding form.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use hcrm_domain::Label;
use hcrm_domain::api::customers::CustomerSummary;
use hcrm_domain::customer::CustomerKind;
use uuid::Uuid;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::pages::customers::break_glass::short;
use crate::services::customers;

const DEBOUNCE_MS: u32 = 250;

/// A picked customer: its id and the name shown for it (empty when it could not be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub id: Uuid,
    pub name: String,
}

impl Picked {
    #[cfg(test)]
    pub fn new(id: Uuid) -> Picked {
        Picked {
            id,
            name: String::new(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct CustomerPickerProps {
    /// The search input's id; the picked name is `{id}-picked`, its clear button `{id}-clear`,
    /// the drop-down `{id}-results`.
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: Option<Picked>,
    /// Called with the pick, or `None` when cleared.
    pub onchange: Callback<Option<Picked>>,
    /// Only customers of this kind are offered (`&kind=` in the search).
    #[prop_or_default]
    pub kind: Option<CustomerKind>,
    /// A customer never offered (the one being edited).
    #[prop_or_default]
    pub exclude: Option<Uuid>,
    /// An error code to translate.
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

#[component]
pub fn CustomerPicker(props: &CustomerPickerProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let text = use_state(String::new);
    let results = use_state(|| None::<Vec<CustomerSummary>>);
    let busy = use_state(|| false);
    let active = use_state(|| 0_usize);
    let timer = use_mut_ref(|| None::<Timeout>);
    // Every keystroke bumps the sequence; an answer for an older one is dropped.
    let seq: Rc<RefCell<u32>> = use_mut_ref(|| 0_u32);
    let input_ref = use_node_ref();
    // Set by the clear button: the input that replaces the name gets the focus.
    let focus_input = use_mut_ref(|| false);

    {
        let (input_ref, focus_input) = (input_ref.clone(), focus_input.clone());
        use_effect(move || {
            let wanted = *focus_input.borrow();
            if wanted && let Some(input) = input_ref.cast::<HtmlInputElement>() {
                *focus_input.borrow_mut() = false;
                let _ = input.focus();
            }
        });
    }

    // Forgets the search: no pending request or timer, no open list.
    let reset = {
        let (timer, seq, results, busy, active) = (
            timer.clone(),
            seq.clone(),
            results.clone(),
            busy.clone(),
            active.clone(),
        );
        move || {
            timer.borrow_mut().take();
            let next = seq.borrow().wrapping_add(1);
            *seq.borrow_mut() = next;
            results.set(None);
            busy.set(false);
            active.set(0);
        }
    };

    let pick: Callback<CustomerSummary> = {
        let (onchange, text, reset) = (props.onchange.clone(), text.clone(), reset.clone());
        Callback::from(move |c: CustomerSummary| {
            reset();
            text.set(String::new());
            onchange.emit(Some(Picked {
                id: c.id,
                name: c.name,
            }));
        })
    };

    let clear = {
        let (onchange, focus_input) = (props.onchange.clone(), focus_input.clone());
        Callback::from(move |_: MouseEvent| {
            *focus_input.borrow_mut() = true;
            onchange.emit(None);
        })
    };

    let oninput = {
        let (text, results, busy, active) =
            (text.clone(), results.clone(), busy.clone(), active.clone());
        let (timer, seq, api, reset) = (
            timer.clone(),
            seq.clone(),
            session.api.clone(),
            reset.clone(),
        );
        let (kind, exclude) = (props.kind, props.exclude);
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let q = input.value();
            text.set(q.clone());
            let q = q.trim().to_string();
            if q.is_empty() {
                reset();
                return;
            }
            active.set(0);
            let mine = seq.borrow().wrapping_add(1);
            *seq.borrow_mut() = mine;
            let (results, busy, api, seq) =
                (results.clone(), busy.clone(), api.clone(), seq.clone());
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                busy.set(true);
                yew::platform::spawn_local(async move {
                    let mut params = vec![("q", q), ("limit", "10".to_string())];
                    if let Some(k) = kind {
                        params.push(("kind", k.code().to_string()));
                    }
                    let answer = customers::search(&api, &params).await;
                    if *seq.borrow() != mine {
                        return; // the user typed on (or picked, or left); a newer state rules
                    }
                    busy.set(false);
                    let mut items = answer.map(|p| p.items).unwrap_or_default();
                    items.retain(|c| Some(c.id) != exclude);
                    results.set(Some(items));
                });
            }));
        })
    };

    let onkeydown = {
        let (results, active, pick, reset) =
            (results.clone(), active.clone(), pick.clone(), reset.clone());
        Callback::from(move |e: KeyboardEvent| {
            let n = results.as_ref().map_or(0, Vec::len);
            match e.key().as_str() {
                "Enter" => {
                    // Picks the highlighted row; never submits the form.
                    e.prevent_default();
                    if let Some(c) = results.as_ref().and_then(|items| items.get(*active)) {
                        pick.emit(c.clone());
                    }
                }
                "Escape" if results.is_some() => {
                    e.prevent_default();
                    reset();
                }
                "ArrowDown" if n > 0 => {
                    e.prevent_default();
                    active.set((*active + 1) % n);
                }
                "ArrowUp" if n > 0 => {
                    e.prevent_default();
                    active.set((*active + n - 1) % n);
                }
                _ => {}
            }
        })
    };

    // Leaving the input closes the list (rows pick on mouse-down, before the blur).
    let onblur = {
        let reset = reset.clone();
        Callback::from(move |_: FocusEvent| reset())
    };

    let results_id = format!("{}-results", props.id);
    let list = match &*results {
        None => html! {},
        Some(items) if items.is_empty() => html! {
            <div id={results_id.clone()} class="picker-results">
                <div class="muted search-empty">{ tr(lang, "customer.search.none") }</div>
            </div>
        },
        Some(items) => html! {
            <ul id={results_id.clone()} class="picker-results" role="listbox">
                { for items.iter().enumerate().map(|(i, c)| {
                    let onmousedown = {
                        let (pick, c) = (pick.clone(), c.clone());
                        Callback::from(move |e: MouseEvent| {
                            e.prevent_default();
                            pick.emit(c.clone())
                        })
                    };
                    html! {
                        <li data-customer-id={c.id.to_string()} role="option"
                            aria-selected={(i == *active).to_string()}
                            class={classes!("picker-row", (i == *active).then_some("active"))} {onmousedown}>
                            <span class="c-name">{ &c.name }</span>
                            <span class="c-address muted">{ &c.form_of_address }</span>
                            <span class="mono">{ c.phone.clone().unwrap_or_default() }</span>
                            if props.kind.is_none() {
                                <span class="muted">{ c.kind.label(lang) }</span>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
    };

    let error_id = format!("{}-error", props.id);
    html! {
        <div class={classes!("field", "picker", props.error.is_some().then_some("has-error"))}>
            <label for={props.value.is_none().then(|| props.id.clone())}>{ props.label.clone() }</label>
            if let Some(p) = &props.value {
                <div class="picked" id={format!("{}-picked", props.id)} data-customer-id={p.id.to_string()}>
                    <span class="c-name">
                        if p.name.is_empty() {
                            { trf(lang, "customer.pick.unnamed", &[&short(p.id)]) }
                        } else {
                            { &p.name }
                        }
                    </span>
                    <button type="button" class="btn btn-small" id={format!("{}-clear", props.id)}
                            onclick={clear} title={tr(lang, "customer.pick.clear.title")}
                            aria-label={tr(lang, "customer.pick.clear.title")}>
                        { tr(lang, "customer.pick.clear") }
                    </button>
                </div>
            } else {
                <div class="picker-box">
                    <input id={props.id.clone()} ref={input_ref} type="search" value={(*text).clone()}
                           {oninput} {onkeydown} {onblur} autocomplete="off" role="combobox"
                           aria-expanded={results.is_some().to_string()} aria-controls={results_id.clone()}
                           aria-invalid={props.error.is_some().then_some("true")}
                           aria-describedby={props.error.is_some().then(|| error_id.clone())}
                           placeholder={tr(lang, "customer.pick.placeholder")} />
                    { list }
                </div>
            }
            if let Some(code) = &props.error {
                <div class="field-error" id={error_id}>{ field_error_text(lang, code) }</div>
            } else if *busy {
                <div class="hint">{ tr(lang, "loading") }</div>
            } else if let Some(hint) = &props.hint {
                <div class="hint">{ hint.clone() }</div>
            }
        </div>
    }
}
