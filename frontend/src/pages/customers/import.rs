//! Import customers from CSV or XLSX (CUS-13): a dry run first with the row-by-row error
//! report, then the import in the chosen mode.

use hcrm_domain::api::Problem;
use hcrm_domain::api::import::{Column, ExportFormat, ImportMode, ImportReport, RowError};
use hcrm_domain::{Label, Lang};
use wasm_bindgen::JsValue;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, trf};
use crate::pages::customers::list::save_file;
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
    let template = |format: ExportFormat| {
        let (api, problem) = (session.api.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, problem) = (api.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match customers::import_template(&api, format).await {
                    Ok(bytes) => save_file(
                        &bytes,
                        format.content_type(),
                        &format!("customers-import-template.{}", format.extension()),
                    ),
                    Err(p) => problem.set(Some(p)),
                }
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
                { Column::ALL.iter().map(|c| c.label(lang)).collect::<Vec<_>>().join(lang.pick("、", ", ")) }
            </p>
            <p class="hint" id="import-template">
                { tr(lang, "import.template") }{ " " }
                <button type="button" id="import-template-csv" class="btn btn-small btn-link"
                        onclick={template(ExportFormat::Csv)}>{ tr(lang, "import.template.csv") }</button>
                { " " }
                <button type="button" id="import-template-xlsx" class="btn btn-small btn-link"
                        onclick={template(ExportFormat::Xlsx)}>{ tr(lang, "import.template.xlsx") }</button>
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
                    if let Some(text) = valid_rows_text(lang, r) {
                        <p id="import-valid-rows" class="notice">{ text }</p>
                    }
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
                                    <tr data-row={e.row.to_string()} data-code={e.code.clone()}>
                                        <td>{ e.row }</td>
                                        <td data-field={e.field.clone()}>{ column_label(lang, &e.field) }</td>
                                        <td>{ problem_text(lang, e) }</td>
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

/// A row error's field in the reader's language: a column's label, or — for a header
/// problem — the header text as the file has it.
fn column_label(lang: Lang, field: &str) -> String {
    Column::from_code(field).map_or_else(|| field.to_string(), |c| c.label(lang).to_string())
}

/// A row error in words; an unknown value lists what the column takes.
fn problem_text(lang: Lang, e: &RowError) -> String {
    let text = field_error_text(lang, &e.code).to_string();
    let allowed = Column::from_code(&e.field).map(|c| c.allowed_values(lang));
    match allowed {
        Some(values) if e.code == "unknown_value" && !values.is_empty() => trf(
            lang,
            "import.allowed",
            &[&text, &values.join(lang.pick("、", ", "))],
        ),
        _ => text,
    }
}

/// In all-or-nothing mode a report with errors creates nothing: it says how many rows are
/// valid and would go in once the others are fixed (issue 9 item 15).
fn valid_rows_text(lang: Lang, r: &ImportReport) -> Option<String> {
    let nothing_written = r.created + r.updated == 0;
    (r.mode == ImportMode::AllOrNothing && r.error_count > 0 && nothing_written)
        .then(|| trf(lang, "import.valid_rows", &[&r.valid_rows.to_string()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars()
            .any(|c| matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}'))
    }

    /// Issue 9 item 14: report entries show no code or column code in either language.
    #[test]
    fn report_entries_are_words_with_the_allowed_values() {
        let cases = [
            RowError::new(3, "id_number", "id_checksum", "the check digit is wrong"),
            RowError::new(4, "gender", "unknown_value", "must be one of"),
            RowError::new(5, "lifecycle_stage", "unknown_value", "must be one of"),
            RowError::new(6, "birth_date", "date", "a date"),
            RowError::new(7, "phones", "mobile", "not a mobile"),
            RowError::new(8, "external_id", "duplicate_in_file", "earlier row"),
            RowError::new(9, "kind", "kind_change", "other kind"),
        ];
        for lang in [Lang::Zh, Lang::En] {
            for e in &cases {
                let text = format!("{} {}", column_label(lang, &e.field), problem_text(lang, e));
                assert!(!text.contains('_'), "{lang:?}: {text}");
                assert!(!text.contains(&format!("({})", e.code)), "{lang:?}: {text}");
                assert_eq!(has_cjk(&text), lang == Lang::Zh, "{lang:?}: {text}");
            }
        }
        let gender = problem_text(Lang::Zh, &cases[1]);
        assert!(gender.contains("男、女、未知"), "{gender}");
        assert!(problem_text(Lang::En, &cases[2]).contains("Potential"));
        assert_eq!(column_label(Lang::En, "birth_date"), "Date of birth");
        // A header the file has stays as written.
        assert_eq!(column_label(Lang::En, "生日"), "生日");
    }

    #[test]
    fn an_all_or_nothing_report_with_errors_says_how_many_rows_are_valid() {
        let report = ImportReport {
            total_rows: 4,
            created: 0,
            updated: 0,
            skipped: 4,
            valid_rows: 1,
            errors: vec![],
            error_count: 3,
            dry_run: true,
            mode: ImportMode::AllOrNothing,
        };
        let text = valid_rows_text(Lang::En, &report).unwrap_or_default();
        assert!(text.starts_with("1 row"), "{text}");
        let fine = ImportReport {
            error_count: 0,
            ..report.clone()
        };
        assert!(valid_rows_text(Lang::En, &fine).is_none());
        let partial = ImportReport {
            mode: ImportMode::ValidRows,
            ..report
        };
        assert!(valid_rows_text(Lang::Zh, &partial).is_none());
    }
}
