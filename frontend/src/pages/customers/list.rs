//! 客户档案 list: the search box, a filtered page of customers, new / import / export.

use hcrm_domain::api::customers::CustomerSummary;
use hcrm_domain::api::import::ExportFormat;
use hcrm_domain::api::{Page, Problem};
use hcrm_domain::customer::{CustomerKind, LifecycleStage};
use hcrm_domain::{Label, Permission};
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::pager::Pager;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::search::{CustomerSearch, summary_row};
use crate::services::customers;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn CustomersPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let navigator = use_navigator();
    let stage = use_state(String::new);
    let kind = use_state(String::new);
    let offset = use_state(|| 0_i64);
    let page = use_state(|| None::<Page<CustomerSummary>>);
    let problem = use_state(|| None::<Problem>);
    let exporting = use_state(|| false);
    // an export is masked unless a pii.read holder asks for the full numbers.
    let unmasked = use_state(|| false);

    {
        let (api, page, problem) = (session.api.clone(), page.clone(), problem.clone());
        let deps = ((*stage).clone(), (*kind).clone(), *offset);
        use_effect_with(deps, move |(stage, kind, offset)| {
            let params = [
                ("lifecycle_stage", stage.clone()),
                ("kind", kind.clone()),
                ("limit", PAGE_SIZE.to_string()),
                ("offset", offset.to_string()),
            ];
            yew::platform::spawn_local(async move {
                match customers::search(&api, &params).await {
                    Ok(p) => page.set(Some(p)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }

    let select = |state: UseStateHandle<String>| {
        let offset = offset.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            state.set(s.value());
            offset.set(0);
        })
    };
    let export = |format: ExportFormat| {
        let (api, problem, exporting) = (session.api.clone(), problem.clone(), exporting.clone());
        let (stage, kind) = ((*stage).clone(), (*kind).clone());
        let full = *unmasked;
        Callback::from(move |_| {
            let (api, problem, exporting) = (api.clone(), problem.clone(), exporting.clone());
            let filters = [("lifecycle_stage", stage.clone()), ("kind", kind.clone())];
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
    let on_offset = {
        let offset = offset.clone();
        Callback::from(move |o| offset.set(o))
    };

    let rows: Html = match &*page {
        None => html! { <li class="muted">{ tr(lang, "loading") }</li> },
        Some(p) if p.items.is_empty() => {
            html! { <li class="muted">{ tr(lang, "common.empty") }</li> }
        }
        Some(p) => p
            .items
            .iter()
            .map(|c| {
                let onclick = {
                    let (navigator, id) = (navigator.clone(), c.id);
                    Callback::from(move |_| {
                        if let Some(n) = &navigator {
                            n.push(&Route::Customer { id: id.to_string() });
                        }
                    })
                };
                summary_row(lang, c, false, onclick)
            })
            .collect(),
    };

    html! {
        <section class="page">
            <div class="page-head">
                <h2>{ tr(lang, "customer.title") }</h2>
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
                                               let el: web_sys::HtmlInputElement = e.target_unchecked_into();
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
            <CustomerSearch autofocus=true />
            <div class="toolbar">
                <select id="customer-stage-filter" onchange={select(stage.clone())}
                        title={tr(lang, "customer.stage")}>
                    <option value="" selected={stage.is_empty()}>{ tr(lang, "customer.stage.all") }</option>
                    { for LifecycleStage::ALL.iter().map(|s| html! {
                        <option value={s.code()} selected={*stage == s.code()}>{ s.label(lang) }</option>
                    }) }
                </select>
                <select id="customer-kind-filter" onchange={select(kind.clone())}
                        title={tr(lang, "customer.kind")}>
                    <option value="" selected={kind.is_empty()}>{ tr(lang, "customer.kind.all") }</option>
                    { for CustomerKind::ALL.iter().map(|k| html! {
                        <option value={k.code()} selected={*kind == k.code()}>{ k.label(lang) }</option>
                    }) }
                </select>
            </div>
            <ul id="customer-list" class="search-results static">{ rows }</ul>
            if let Some(p) = &*page {
                <Pager total={p.total} capped={p.total_capped} limit={PAGE_SIZE} offset={*offset}
                       {on_offset} />
            }
        </section>
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
