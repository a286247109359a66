//! The agent's home box (CUS-9): one input, results as you type (debounced, stale answers
//! dropped) in a pop-up with combobox ARIA (issue 9 item 17), Enter or a click opens the 360
//! page, and "all results" opens the customer list with the same query (item 3). Picking a
//! customer (merge, relations) uses the same box without that link.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use hcrm_domain::Label;
use hcrm_domain::api::Page;
use hcrm_domain::api::customers::CustomerSummary;
use uuid::Uuid;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::shell::opens_elsewhere;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::list::list_path;
use crate::services::customers;

const DEBOUNCE_MS: u32 = 250;

#[derive(Properties, PartialEq)]
pub struct CustomerSearchProps {
    /// Called with the picked customer instead of opening its page (the merge screen).
    #[prop_or_default]
    pub on_pick: Option<Callback<CustomerSummary>>,
    /// The input's id (`customer-search` on home and the list).
    #[prop_or(AttrValue::Static("customer-search"))]
    pub id: AttrValue,
    #[prop_or(AttrValue::Static("customer-results"))]
    pub results_id: AttrValue,
    #[prop_or_default]
    pub autofocus: bool,
}

#[component]
pub fn CustomerSearch(props: &CustomerSearchProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let navigator = use_navigator();
    let text = use_state(String::new);
    let results = use_state(|| None::<Page<CustomerSummary>>);
    let busy = use_state(|| false);
    let active = use_state(|| 0_usize);
    let timer = use_mut_ref(|| None::<Timeout>);
    // Every keystroke bumps the sequence; an answer for an older one is dropped.
    let seq = use_mut_ref(|| Rc::new(Cell::new(0_u32)));
    // `autofocus` is not honoured for elements a script adds: focus it once shown (after
    // sign-in the home box takes the keyboard).
    let input_ref = use_node_ref();
    {
        let (input_ref, autofocus) = (input_ref.clone(), props.autofocus);
        use_effect_with((), move |_| {
            if autofocus && let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }

    let open: Callback<CustomerSummary> = {
        let on_pick = props.on_pick.clone();
        let navigator = navigator.clone();
        let (results, text) = (results.clone(), text.clone());
        Callback::from(move |c: CustomerSummary| match &on_pick {
            Some(cb) => {
                // Picked: close the list, keep the name in the box.
                results.set(None);
                text.set(c.name.clone());
                cb.emit(c)
            }
            None => {
                if let Some(n) = &navigator {
                    n.push(&Route::Customer {
                        id: c.id.to_string(),
                    });
                }
            }
        })
    };

    let oninput = {
        let (text, results, busy, active) =
            (text.clone(), results.clone(), busy.clone(), active.clone());
        let (timer, seq, api) = (timer.clone(), seq.clone(), session.api.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let q = input.value();
            text.set(q.clone());
            active.set(0);
            let seq: Rc<Cell<u32>> = seq.borrow().clone();
            let mine = seq.get().wrapping_add(1);
            seq.set(mine);
            let q = q.trim().to_string();
            if q.is_empty() {
                timer.borrow_mut().take();
                results.set(None);
                busy.set(false);
                return;
            }
            let (results, busy, api) = (results.clone(), busy.clone(), api.clone());
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                busy.set(true);
                yew::platform::spawn_local(async move {
                    let answer = customers::search(&api, &[("q", q), ("limit", "10".into())]).await;
                    if seq.get() != mine {
                        return; // the user typed on; a newer search is coming
                    }
                    busy.set(false);
                    match answer {
                        Ok(p) => results.set(Some(p)),
                        Err(_) => results.set(Some(Page {
                            items: Vec::new(),
                            total: 0,
                            total_capped: false,
                            limit: 10,
                            offset: 0,
                        })),
                    }
                });
            }));
        })
    };

    let onkeydown = {
        let (results, active, open) = (results.clone(), active.clone(), open.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(page) = &*results else { return };
            let n = page.items.len();
            match e.key().as_str() {
                "ArrowDown" if n > 0 => {
                    e.prevent_default();
                    active.set((*active + 1) % n);
                }
                "ArrowUp" if n > 0 => {
                    e.prevent_default();
                    active.set((*active + n - 1) % n);
                }
                "Enter" => {
                    e.prevent_default();
                    if let Some(c) = page.items.get(*active).or(page.items.first()) {
                        open.emit(c.clone());
                    }
                }
                "Escape" => results.set(None),
                _ => {}
            }
        })
    };

    let results_id = props.results_id.clone();
    let option_id = |i: usize| format!("{results_id}-{i}");
    // "All results": the list page with this query, its count and pages (not when picking).
    let all_results = |p: &Page<CustomerSummary>| {
        if props.on_pick.is_some() || text.trim().is_empty() {
            return html! {};
        }
        let href = list_path(&text);
        let onclick = {
            let (navigator, q) = (navigator.clone(), text.trim().to_string());
            Callback::from(move |e: MouseEvent| {
                if opens_elsewhere(&e) {
                    return;
                }
                e.prevent_default();
                if let Some(n) = &navigator {
                    let _ = n.push_with_query(&Route::Customers, &[("q", q.clone())]);
                }
            })
        };
        let label = if p.total_capped {
            trf(lang, "customer.search.all_capped", &[&p.total.to_string()])
        } else {
            trf(lang, "customer.search.all", &[&p.total.to_string()])
        };
        html! {
            <div class="search-all" role="presentation">
                <a id={format!("{results_id}-all")} {href} {onclick}>{ label }</a>
            </div>
        }
    };
    let list = match &*results {
        None => html! {},
        Some(p) if p.items.is_empty() => html! {
            <div id={results_id.clone()} class="search-results" role="listbox"
                 aria-label={tr(lang, "customer.search.placeholder")}>
                <div class="muted search-empty" role="option" aria-disabled="true" aria-selected="false">
                    { tr(lang, "customer.search.none") }
                </div>
            </div>
        },
        Some(p) => html! {
            <div class="search-popup">
                <ul id={results_id.clone()} class="search-results" role="listbox"
                    aria-label={tr(lang, "customer.search.placeholder")}>
                    { for p.items.iter().enumerate().map(|(i, c)| {
                        let onclick = {
                            let (open, c) = (open.clone(), c.clone());
                            Callback::from(move |_| open.emit(c.clone()))
                        };
                        summary_row(lang, c, &option_id(i), i == *active, onclick)
                    }) }
                </ul>
                { all_results(p) }
            </div>
        },
    };
    let expanded = results.is_some();
    let active_option = results
        .as_ref()
        .filter(|p| *active < p.items.len())
        .map(|_| option_id(*active));

    html! {
        <div class="customer-search">
            <input id={props.id.clone()} type="search" value={(*text).clone()} {oninput} {onkeydown}
                   ref={input_ref} autocomplete="off" role="combobox" aria-autocomplete="list"
                   aria-expanded={expanded.to_string()} aria-controls={props.results_id.clone()}
                   aria-activedescendant={active_option}
                   placeholder={tr(lang, "customer.search.placeholder")}
                   aria-label={tr(lang, "customer.search.placeholder")} />
            <div class="hint">
                { tr(lang, "customer.search.hint") }
                if *busy { <span class="muted">{ " · " }{ tr(lang, "loading") }</span> }
            </div>
            { list }
        </div>
    }
}

/// One result row: name, form of address, masked phone, age, stage, tags.
pub fn summary_row(
    lang: hcrm_domain::Lang,
    c: &CustomerSummary,
    id: &str,
    active: bool,
    onclick: Callback<MouseEvent>,
) -> Html {
    html! {
        <li id={id.to_string()} data-customer-id={c.id.to_string()} role="option" aria-selected={active.to_string()}
            class={classes!("search-row", active.then_some("active"))} {onclick}>
            <span class="c-name">{ &c.name }</span>
            <span class="c-address muted">{ &c.form_of_address }</span>
            <span class="c-phone mono">{ c.phone.clone().unwrap_or_default() }</span>
            <span class="c-age">{ c.age.map(|a| format!("{a}{}", tr(lang, "customer.age.unit"))).unwrap_or_default() }</span>
            <span class={classes!("tag", "stage", format!("stage-{}", c.lifecycle_stage.code()))}>
                { c.lifecycle_stage.label(lang) }
            </span>
            <span class="c-tags">{ for c.tags.iter().map(|t| html! { <span class="tag">{ t }</span> }) }</span>
        </li>
    }
}

/// A link to a customer's 360 page that marks it as followed (a break-glass request may be
/// offered there when the record is outside the user's institutions).
#[derive(Properties, PartialEq)]
pub struct CustomerLinkProps {
    pub id: Uuid,
    pub children: Html,
}

#[component]
pub fn CustomerLink(props: &CustomerLinkProps) -> Html {
    let href = format!("/customers/{}?via=link", props.id);
    let navigator = use_navigator();
    let onclick = {
        let id = props.id;
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if let Some(n) = &navigator {
                let _ =
                    n.push_with_query(&Route::Customer { id: id.to_string() }, &[("via", "link")]);
            }
        })
    };
    html! { <a {href} {onclick} data-customer-link={props.id.to_string()}>{ props.children.clone() }</a> }
}
