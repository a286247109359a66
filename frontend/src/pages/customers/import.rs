//! Import customers from CSV or XLSX (CUS-13): a dry run first with the row-by-row error
//! report, then the import in the chosen mode.

use hcrm_domain::Label;
use hcrm_domain::api::Problem;
use hcrm_domain::api::import::{COLUMNS, ImportMode, ImportReport};
use wasm_bindgen::JsValue;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::services::customers;

#[component]
pub fn ImportPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let file = use_state(|| None::<web_sys::File>);
    let mode = use_state(ImportMode::default);
    let report = use_state(|| None::<(bool, ImportReport)>);
    let problem = use_state(|| None::<Problem>);
    let busy = use_state(|| false);

    let on_file = {
        let (file, report) = (file.clone(), report.clone());
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            file.set(i.files().and_then(|f| f.get(0)));
            report.set(None);
        })
    };
    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(m) = ImportMode::ALL.into_iter().find(|m| m.code() == s.value()) {
                mode.set(m);
            }
        })
    };
    let run = |dry_run: bool| {
        let (api, file, mode, report, problem, busy) = (
            session.api.clone(),
            file.clone(),
            mode.clone(),
            report.clone(),
            problem.clone(),
            busy.clone(),
        );
        Callback::from(move |_| {
            let Some(f) = (*file).clone() else { return };
            let xlsx = f.name().to_lowercase().ends_with(".xlsx");
            let content_type = if xlsx {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            } else {
                "text/csv"
            };
            let mode = *mode;
            let (api, report, problem, busy) =
                (api.clone(), report.clone(), problem.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                let body: JsValue = f.into();
                match customers::import(&api, mode, dry_run, &body, content_type).await {
                    Ok(r) => {
                        problem.set(None);
                        report.set(Some((dry_run, r)));
                    }
                    Err(p) => problem.set(Some(p)),
                }
                busy.set(false);
            });
        })
    };
    let dry_done = report.as_ref().is_some_and(|(dry, _)| *dry);
    html! {
        <section class="page" id="import-page">
            <div class="page-head"><h1>{ tr(lang, "import.title") }</h1></div>
            <p class="muted">{ tr(lang, "import.explain") }</p>
            <p class="hint" id="import-columns">
                { tr(lang, "import.columns") }
                { COLUMNS.iter().map(|(_, code, zh)| lang.pick(zh, code)).collect::<Vec<_>>().join(lang.pick("、", ", ")) }
            </p>
            <ErrorBanner problem={(*problem).clone()} />
            <div class="panel form">
                <div class="field">
                    <label for="import-file">{ tr(lang, "import.file") }</label>
                    <input id="import-file" type="file" accept=".csv,.xlsx,text/csv" onchange={on_file} />
                </div>
                <div class="field">
                    <label for="import-mode">{ tr(lang, "import.mode") }</label>
                    <select id="import-mode" onchange={on_mode}>
                        { for ImportMode::ALL.iter().map(|m| html! {
                            <option value={m.code()} selected={*mode == *m}>{ m.label(lang) }</option>
                        }) }
                    </select>
                </div>
                <div class="form-actions">
                    <button id="import-dry-run" class="btn" disabled={file.is_none() || *busy} onclick={run(true)}>
                        { tr(lang, "import.dry_run") }
                    </button>
                    <button id="import-run" class="btn btn-primary" disabled={!dry_done || *busy} onclick={run(false)}
                            title={tr(lang, "import.run.hint")}>
                        { tr(lang, "import.run") }
                    </button>
                </div>
            </div>
            if let Some((dry, r)) = &*report {
                <div class="panel" id="import-report" data-dry-run={dry.to_string()}>
                    <h3>{ tr(lang, if *dry { "import.report.dry" } else { "import.report.done" }) }</h3>
                    <p id="import-summary">{ trf(lang, "import.summary", &[
                        &r.total_rows.to_string(), &r.created.to_string(), &r.updated.to_string(),
                        &r.skipped.to_string(), &r.error_count.to_string(),
                    ]) }</p>
                    if r.error_count > r.errors.len() as u64 {
                        <p class="hint" id="import-errors-first">
                            { trf(lang, "import.errors.first", &[&r.errors.len().to_string()]) }
                        </p>
                    }
                    if !r.errors.is_empty() {
                        <table id="import-errors" class="grid compact">
                            <thead><tr>
                                <th>{ tr(lang, "import.row") }</th>
                                <th>{ tr(lang, "import.field") }</th>
                                <th>{ tr(lang, "import.error") }</th>
                            </tr></thead>
                            <tbody>
                                { for r.errors.iter().map(|e| html! {
                                    <tr data-row={e.row.to_string()}>
                                        <td>{ e.row }</td>
                                        <td data-field={e.field.clone()}>{ column_label(lang, &e.field) }</td>
                                        <td title={e.message.clone()}>{ field_error_text(lang, &e.code) }{ " " }<span class="muted mono">{ format!("({})", e.code) }</span></td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    }
                </div>
            }
        </section>
    }
}

/// A row error's field as the column header the user typed (Chinese) or its code (English).
fn column_label(lang: hcrm_domain::Lang, field: &str) -> String {
    COLUMNS
        .iter()
        .find(|(_, code, _)| *code == field)
        .map_or_else(
            || field.to_string(),
            |(_, code, zh)| lang.pick(zh, code).to_string(),
        )
}
