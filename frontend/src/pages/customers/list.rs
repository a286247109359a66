//! 客户档案 list (CUS-9, issue 9 items 3 and 4): the box filters the list itself as you type —
//! one result list with its count and pages, the query and filters in the URL (back, forward
//! and reload keep them) — in a table with headers whose rows are links; users who reach more
//! than one institution get its column and a filter. New / import / export above.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use hcrm_domain::api::customers::CustomerSummary;
use hcrm_domain::api::import::ExportFormat;
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::customer::{CustomerKind, LifecycleStage};
use hcrm_domain::{Label, Lang, Permission};
use serde::{Deserialize, Serialize};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::pager::Pager;
use crate::components::shell::opens_elsewhere;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::services::{customers, query};

const PAGE_SIZE: i64 = 20;
const DEBOUNCE_MS: u32 = 250;

/// What the list shows, as it stands in the URL (`/customers?q=张&stage=lost&offset=20`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stage: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub institution: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offset: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl ListQuery {
    /// The API's filters (without the window).
    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_string()),
            ("lifecycle_stage", self.stage.clone()),
            ("kind", self.kind.clone()),
            ("institution_id", self.institution.clone()),
        ]
    }
}

/// The path of the list showing `q` (the home box's "all results").
pub fn list_path(q: &str) -> String {
    format!("/customers{}", query(&[("q", q.trim().to_string())]))
}

#[component]
pub fn CustomersPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let navigator = use_navigator();
    let location = use_location();
    let query: ListQuery = location
        .as_ref()
        .and_then(|l| l.query::<ListQuery>().ok())
        .unwrap_or_default();
    let typed = use_state(|| query.q.clone());
    // The last text this box put into the URL: a different `q` came from back/forward.
    let sent = use_mut_ref(|| query.q.clone());
    let timer = use_mut_ref(|| None::<Timeout>);
    let page = use_state(|| None::<Page<CustomerSummary>>);
    let problem = use_state(|| None::<Problem>);
    let exporting = use_state(|| false);
    // an export is masked unless a pii.read holder asks for the full numbers.
    let unmasked = use_state(|| false);
    let seq = use_mut_ref(|| Rc::new(Cell::new(0_u32)));
    let input_ref = use_node_ref();

    {
        let (typed, sent) = (typed.clone(), sent.clone());
        use_effect_with(query.q.clone(), move |q| {
            if *sent.borrow() != *q {
                *sent.borrow_mut() = q.clone();
                typed.set(q.clone());
            }
        });
    }
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }
    {
        let (api, page, problem) = (session.api.clone(), page.clone(), problem.clone());
        let seq: Rc<Cell<u32>> = seq.borrow().clone();
        use_effect_with(query.clone(), move |query| {
            let mut params = query.filters();
            params.push(("limit", PAGE_SIZE.to_string()));
            params.push(("offset", query.offset.to_string()));
            let mine = seq.get().wrapping_add(1);
            seq.set(mine);
            yew::platform::spawn_local(async move {
                let answer = customers::search(&api, &params).await;
                if seq.get() != mine {
                    return; // a newer query is on its way
                }
                match answer {
                    Ok(p) => {
                        problem.set(None);
                        page.set(Some(p));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }

    // A new query in the URL: typing replaces the entry (one per search, not per key), a
    // filter or a page is a step of its own.
    let go = {
        let navigator = navigator.clone();
        move |to: ListQuery, replace: bool| {
            if let Some(n) = &navigator {
                let _ = if replace {
                    n.replace_with_query(&Route::Customers, &to)
                } else {
                    n.push_with_query(&Route::Customers, &to)
                };
            }
        }
    };
    let oninput = {
        let (typed, sent, timer, query, go) = (
            typed.clone(),
            sent.clone(),
            timer.clone(),
            query.clone(),
            go.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let text = input.value();
            typed.set(text.clone());
            let (sent, query, go) = (sent.clone(), query.clone(), go.clone());
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                let q = text.trim().to_string();
                *sent.borrow_mut() = q.clone();
                go(
                    ListQuery {
                        q,
                        offset: 0,
                        ..query
                    },
                    true,
                );
            }));
        })
    };
    let select = |set: fn(&mut ListQuery, String)| {
        let (query, go) = (query.clone(), go.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let mut to = query.clone();
            set(&mut to, s.value());
            to.offset = 0;
            go(to, false);
        })
    };
    let on_offset = {
        let (query, go) = (query.clone(), go.clone());
        Callback::from(move |offset| {
            go(
                ListQuery {
                    offset,
                    ..query.clone()
                },
                false,
            )
        })
    };
    let export = |format: ExportFormat| {
        let (api, problem, exporting) = (session.api.clone(), problem.clone(), exporting.clone());
        let filters = query.filters();
        let full = *unmasked;
        Callback::from(move |_| {
            let (api, problem, exporting) = (api.clone(), problem.clone(), exporting.clone());
            let filters = filters.clone();
            exporting.set(true);
            yew::platform::spawn_local(async move {
                match customers::export(&api, format, full, &filters).await {
                    Ok(bytes) => {
                        let mime = match format {
                            ExportFormat::Csv => "text/csv;charset=utf-8",
                            ExportFormat::Xlsx => format.content_type(),
                        };
                        save_file(&bytes, mime, &format!("customers.{}", format.extension()));
                        problem.set(None);
                    }
                    Err(p) => problem.set(Some(p)),
                }
                exporting.set(false);
            });
        })
    };

    // a user reaching several institutions sees whose record each row is, and may pick.
    let institutions = session
        .me()
        .map(|me| me.institutions.clone())
        .unwrap_or_default();
    let several = institutions.len() > 1;
    let institution_name = |id: uuid::Uuid| {
        institutions
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.name.clone())
            .unwrap_or_default()
    };

    let columns: Vec<(&'static str, &'static str)> = [
        Some(("customer.col.name", "c-name")),
        Some(("customer.col.address", "c-address")),
        Some(("customer.col.phone", "c-phone")),
        Some(("customer.col.age", "c-age col-opt")),
        Some(("customer.col.stage", "c-stage")),
        several.then_some(("customer.col.institution", "c-inst")),
        Some(("customer.col.tags", "c-tags col-opt")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let colspan = columns.len().to_string();
    let rows: Html = match &*page {
        None => html! { <tr><td {colspan} class="muted">{ tr(lang, "loading") }</td></tr> },
        Some(p) if p.items.is_empty() => html! {
            <tr><td {colspan} class="muted">{
                tr(lang, if query.q.trim().is_empty() { "common.empty" } else { "customer.search.none" })
            }</td></tr>
        },
        Some(p) => p
            .items
            .iter()
            .map(|c| {
                let institution = several.then(|| institution_name(c.institution_id));
                customer_row(lang, c, institution, navigator.clone())
            })
            .collect(),
    };
    let count = page.as_ref().map(|p| {
        if p.total_capped {
            trf(lang, "customer.count.capped", &[&p.total.to_string()])
        } else {
            trf(lang, "customer.count", &[&p.total.to_string()])
        }
    });

    html! {
        <section class="page customers-page">
            <div class="page-head">
                <h1>{ tr(lang, "customer.title") }</h1>
                <div class="actions">
                    if session.can(Permission::CustomerWrite) {
                        <Link<Route> to={Route::CustomerNew} classes="btn btn-primary" >
                            <span id="customer-new">{ tr(lang, "customer.new") }</span>
                        </Link<Route>>
                    }
                    if session.can(Permission::CustomerImport) {
                        <Link<Route> to={Route::CustomerImport} classes="btn">
                            <span id="customer-import">{ tr(lang, "customer.import") }</span>
                        </Link<Route>>
                    }
                    if session.can(Permission::CustomerExport) {
                        <button id="customer-export-csv" class="btn" disabled={*exporting}
                                onclick={export(ExportFormat::Csv)}>{ tr(lang, "customer.export.csv") }</button>
                        <button id="customer-export-xlsx" class="btn" disabled={*exporting}
                                onclick={export(ExportFormat::Xlsx)}>{ tr(lang, "customer.export.xlsx") }</button>
                        if session.can(Permission::PiiRead) {
                            <label class="check" title={tr(lang, "customer.export.unmasked.hint")}>
                                <input id="customer-export-unmasked" type="checkbox" checked={*unmasked}
                                       onchange={
                                           let unmasked = unmasked.clone();
                                           Callback::from(move |e: Event| {
                                               let el: HtmlInputElement = e.target_unchecked_into();
                                               unmasked.set(el.checked());
                                           })
                                       } />
                                { tr(lang, "customer.export.unmasked") }
                            </label>
                        }
                    }
                </div>
            </div>
            <ErrorBanner problem={(*problem).clone()} />
            <div class="customer-search list-search" role="search">
                <input id="customer-search" type="search" ref={input_ref} value={(*typed).clone()}
                       {oninput} autocomplete="off" aria-controls="customer-list"
                       placeholder={tr(lang, "customer.search.placeholder")}
                       aria-label={tr(lang, "customer.search.placeholder")} />
                <div class="hint">{ tr(lang, "customer.search.hint") }</div>
            </div>
            <div class="toolbar">
                <select id="customer-stage-filter" onchange={select(|q, v| q.stage = v)}
                        aria-label={tr(lang, "customer.stage")} title={tr(lang, "customer.stage")}>
                    <option value="" selected={query.stage.is_empty()}>{ tr(lang, "customer.stage.all") }</option>
                    { for LifecycleStage::ALL.iter().map(|s| html! {
                        <option value={s.code()} selected={query.stage == s.code()}>{ s.label(lang) }</option>
                    }) }
                </select>
                <select id="customer-kind-filter" onchange={select(|q, v| q.kind = v)}
                        aria-label={tr(lang, "customer.kind")} title={tr(lang, "customer.kind")}>
                    <option value="" selected={query.kind.is_empty()}>{ tr(lang, "customer.kind.all") }</option>
                    { for CustomerKind::ALL.iter().map(|k| html! {
                        <option value={k.code()} selected={query.kind == k.code()}>{ k.label(lang) }</option>
                    }) }
                </select>
                if several {
                    <select id="customer-institution-filter" onchange={select(|q, v| q.institution = v)}
                            aria-label={tr(lang, "customer.col.institution")}
                            title={tr(lang, "customer.col.institution")}>
                        <option value="" selected={query.institution.is_empty()}>{ tr(lang, "customer.institution.all") }</option>
                        { for institutions.iter().map(|i| {
                            let id = i.id.to_string();
                            html! {
                                <option selected={query.institution == id} value={id.clone()}>{ &i.name }</option>
                            }
                        }) }
                    </select>
                }
                if let Some(count) = count {
                    <span id="customer-count" class="list-count" role="status">{ count }</span>
                }
            </div>
            <div class="grid-scroll">
                <table id="customer-list" class="grid customer-grid">
                    <thead><tr>{ for columns.iter().map(|(key, class)| html! {
                        <th scope="col" class={*class}>{ tr(lang, key) }</th>
                    }) }</tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            </div>
            if let Some(p) = &*page {
                <Pager total={p.total} capped={p.total_capped} limit={PAGE_SIZE} offset={query.offset}
                       {on_offset} />
            }
        </section>
    }
}

/// One customer as a table row: the name is a real link (keyboard, "open in new tab"), and a
/// click anywhere else on the row opens the record too.
fn customer_row(
    lang: Lang,
    c: &CustomerSummary,
    institution: Option<String>,
    navigator: Option<Navigator>,
) -> Html {
    let route = Route::Customer {
        id: c.id.to_string(),
    };
    let href = route.to_path();
    let open = {
        let (navigator, route) = (navigator.clone(), route.clone());
        move || {
            if let Some(n) = &navigator {
                n.push(&route);
            }
        }
    };
    let on_link = {
        let open = open.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            if !opens_elsewhere(&e) {
                e.prevent_default();
                open();
            }
        })
    };
    let on_row = Callback::from(move |e: MouseEvent| {
        if !opens_elsewhere(&e) {
            open();
        }
    });
    html! {
        <tr data-customer-id={c.id.to_string()} class="customer-row" onclick={on_row}>
            <td class="c-name"><a {href} onclick={on_link}>{ &c.name }</a></td>
            // An organization is addressed by its name: not twice.
            <td class="c-address">{ (c.form_of_address != c.name).then_some(c.form_of_address.as_str()) }</td>
            <td class="c-phone mono">{ c.phone.clone().unwrap_or_default() }</td>
            <td class="c-age col-opt">{ c.age.map(|a| format!("{a}{}", tr(lang, "customer.age.unit"))).unwrap_or_default() }</td>
            <td class="c-stage">
                <span class={classes!("tag", "stage", format!("stage-{}", c.lifecycle_stage.code()))}>
                    { c.lifecycle_stage.label(lang) }
                </span>
            </td>
            if let Some(name) = institution { <td class="c-inst">{ name }</td> }
            <td class="c-tags col-opt">{ for c.tags.iter().map(|t| html! { <span class="tag">{ t }</span> }) }</td>
        </tr>
    }
}

/// Hands bytes to the browser as a downloaded file.
pub fn save_file(bytes: &[u8], mime: &str, name: &str) {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document())
        && let Ok(el) = doc.create_element("a")
    {
        use wasm_bindgen::JsCast;
        if let Ok(a) = el.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            if let Some(body) = doc.body() {
                let _ = body.append_child(&a);
                a.click();
                let _ = body.remove_child(&a);
            }
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_results_open_the_list_with_the_query_in_the_url() {
        assert_eq!(list_path(" 5678 "), "/customers?q=5678");
        assert_eq!(list_path("张"), "/customers?q=%E5%BC%A0");
        assert_eq!(list_path(""), "/customers");
    }

    #[test]
    fn the_api_filters_follow_the_url_query() {
        let q = ListQuery {
            q: " 张 ".into(),
            stage: "lost".into(),
            ..ListQuery::default()
        };
        let f = q.filters();
        assert_eq!(f[0], ("q", "张".to_string()));
        assert_eq!(f[1], ("lifecycle_stage", "lost".to_string()));
        assert_eq!(f[3], ("institution_id", String::new()));
    }
}
